// Package bleve is the embedded search backend: an index.Backend over a Bleve (scorch)
// index on disk, used by `wirewatch run` so that search works without Elasticsearch.
//
// It sits under the contract it implements (package index) and is chosen by package
// pipeline; the indexing stage, the search API and the alert stage reach it only through
// index.Backend. It may import index, query (the language, its analysers, field names and
// indexed values), article and Bleve, nothing above them: no stage, no web, no Kafka. It
// is the only package that opens a Bleve index or builds Bleve queries.
//
// # Fields
//
// The Elasticsearch backend mirrors these names (package query exports them).
//
//	id             keyword            article ID (also the Bleve document ID)
//	url            keyword            canonical URL
//	title_<lang>   text               title, analysed with <lang>'s analyser
//	body_<lang>    text               summary and text (query.BodyText), same analyser
//	title_<lang>.fold, body_<lang>.fold   the same text as written: query.FoldAnalyzer
//	                                  (no stemming, accents folded), for wildcards and fuzzy
//	lang           keyword            primary language tag, "und" when unknown
//	source         keyword            titles of every feed that carried the article
//	source_url     keyword            URLs of those feeds
//	authors        keyword
//	entities       keyword            entity IDs (Q399, ww:...)
//	entity_names   keyword            canonical entity names
//	topics         keyword            topic IDs
//	countries      keyword            ISO country codes of the places mentioned
//	published      datetime           query.PublishedTime: published, else fetched
//	story_id       keyword, stored    near-duplicate story
//	location       geopoint           first place with coordinates
//	doc            stored only        the whole article as JSON, returned by Get
//	f_source, f_entity                raw-case copies for facets ("ID\x1fname")
//	p_hour, p_day, p_month            published truncated, for the date histogram
//
// <lang> is one of the languages given to Open (lower-case primary tags) or "und" for
// anything else. Each language has its own fields: one field shared by several analysers
// gave unstable hit counts (DESIGN.md). The analysers are Bleve's language analysers
// without stop-word removal (see query.DefineAnalysis); languages Bleve has no analyser
// for (hy, az, ka, uk, und) are split on Unicode word boundaries and lower-cased. Keyword
// fields are lower-cased whole values, so filters are case-insensitive.
//
// # Writing
//
// Write builds Bleve's documents itself (build.go) from the index's own mapping, read at
// Open, rather than letting Bleve walk a map: the same fields and terms (checked against
// Bleve's path by TestWriteIndexesAsMapping), without the unused "_all" field, and each
// text tokenised once for its language's field and its fold field. It gives what Bleve's
// own analysis gives for less (tokens.go, terms.go): a keyword list is one field, not
// one per value; plain Latin and Cyrillic words (apostrophes between letters included),
// digit words, and the spaces, hyphens and punctuation around them are read without the
// segmenter, which runs once per run of other words instead of once per word; what the
// filters of en, fr, ru and the fold fields make of a word is remembered (32,768 words
// per chain); token records are reused as soon as a text's terms are counted (term
// records are not: pooled across Writes they held the largest field's size each; they
// are made about one per distinct term). TestTokenizeAsBleve, FuzzTokenizeAsBleve,
// TestTokenFrequencyAsBleve and TestTermCacheAsAnalyzers compare each part with Bleve's.
// Every Write is one Bleve batch, persisted before Write returns (no unsafe_batch). The
// merger counts segments under 500 articles as 500 (mergeFloor), not Bleve's 2,000, so
// it does not rewrite each batch's segment several times while the index is small
// (BenchmarkMergePlan). Open records a mapping version in the index; an index with an
// older one keeps working as it was made and Open logs that a reindex would index faster
// (version 2 dropped the unread doc values of entities and source).
// BenchmarkIndexingEnriched and BenchmarkIndexGrowth measure indexing in docs per
// CPU-second on enriched articles, against Bleve's own path.
//
// # Searches
//
// The query AST is compiled here (compile.go) with the analysers of package query, so a
// search means what query.Matcher means.
// Deep pagination uses Bleve's SearchAfter behind an opaque cursor. Highlights come from
// query.Matcher.Highlight: fragments with <mark> around matches, everything else
// HTML-escaped. Collapse keeps the best article of each story: it reads a window of up
// to five times the page size, then one more query counts each story's other matching
// articles (Hit.Copies) and drops stories whose best article was on an earlier page
// (judged from the first 500 matches of the page's stories, so a story with more copies
// than that may rarely show twice). Result.Total counts articles, not stories.
//
// Size is capped at 500 hits per page; deeper results come through the cursor.
//
// # Facets
//
// Facets and the histogram count every matching article, exactly as Bleve's terms facet
// would, without Bleve's cost of reading each match's doc values (7-9 us a match):
//
//   - a search matching everything (empty query, no From/To) counts each term's live
//     postings per segment, leaving out replaced documents not yet merged away (the
//     dictionary's own counts include them, and zap v16's dictionary iterator miscounts
//     terms after a single-document term, so they are not used);
//   - any other search collects its matches per segment in a bitmap and counts each
//     term's postings within it; hourly histograms, with too many terms for that, still
//     come from Bleve's facet builder;
//   - results are cached per query, range, facets and interval until the next Write, so
//     paging and repeated searches reuse them (256 entries, bounded in size).
//
// A page of a match-all search sorted newest (without collapse) searches only the days,
// up to the cursor, that hold it, instead of sorting every article. Facets are counted on their own index snapshot, so during a write they may
// count a few articles more or fewer than Total. BenchmarkSearch100k measures all this.
package bleve
