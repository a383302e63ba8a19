// Package query is the analysts' query language. One query means the same thing in every
// place it is used: searching the Bleve index and Elasticsearch (each backend, in
// index/bleve and index/elastic, compiles the AST itself), and matching articles one by one
// on the stream for alerts (Compile, Matcher).
//
// # Syntax
//
//	Lachin                       a word, searched in title and body (stemmed per language)
//	"corridor de Latchine"       an exact phrase
//	"corridor Lachin"~3          proximity: the words in this order or reversed, with at most
//	                             3 other words between them in total
//	Lach*  Lat?hin               wildcards (* any run, ? one character) on single words
//	Lavrof~  Lavrov~1            fuzzy: a word with at most 1 or 2 edits (insert, delete,
//	                             replace, swap two neighbours); ~ alone allows 0 edits up
//	                             to 2 characters, 1 up to 5, 2 beyond
//	a b  /  a AND b              both (juxtaposition is an implicit AND)
//	a OR b                       either
//	NOT a  /  -a                 without a; +a is accepted and means a
//	(a OR b) c                   grouping
//	field:value  field:"v w"     a field: lang, source, entity, topic, country, author,
//	                             title, story, published
//	topic:(a OR b)               a field applied to every word of a group
//	entity:Q399                  an entity by ID (also matches its canonical name:
//	                             entity:"Ilham Aliyev")
//	published:[2026-01-01 TO 2026-02-01]    a date range (inclusive; { } exclusive; * open)
//	published:>2026-01-01        also >=, <, <=
//	published:>now-1d            relative dates: now, ±N units (y M w d h m s), /unit to
//	published:[now-7d/d TO now]  round down; see datemath.go
//
// Precedence, tightest first: NOT and -, then AND (explicit or implicit), then OR. So
// "a b OR c" is "(a AND b) OR c". The operators are upper case; "and", "or", "not" are
// ordinary words.
//
// A date without a time is a whole UTC day: published:[2026-01-01 TO 2026-01-31] covers
// January, published:>2026-01-01 starts on January 2nd. RFC 3339 timestamps are exact.
//
// Keyword fields (lang, source, entity, topic, country, author, story) compare whole
// values, case-insensitively. Text (no field, or title) is analysed with the analyser of
// the article's language (see Analyzer), so "blocus" finds "Blocus" and Russian inflected
// forms find each other; a word that the analyser splits into several tokens
// ("Nagorno-Karabakh", "l'Arménie") is searched as the phrase of those tokens.
//
// Wildcards are matched against both the indexed stems and the words as written (the fold
// fields, see fold.go: lower case, accents folded to ASCII, split at apostrophes, never
// stemmed), so Latc?in* and Latc?ine both find "Latchine", peacekeeper* finds
// "peacekeepers" (stem "peacekeep") and Лавров* "Лавровым". Fuzzy terms compare with the
// words as written only. Phrases and words never cross from the title into the body.
//
// A relative date is evaluated when a search runs; a Matcher evaluates it at Doc.Now, the
// instant the article was analysed for matching (its processing time), so a saved search
// on published:>now-1d selects articles published in the day before they were processed,
// the same on the stream as in a search run at that moment. A rounded date (now/d) is a
// whole unit, like a day without a time.
//
// Parse errors are *Error values carrying the byte offset and the rune column.
//
// # Place in the flow
//
// Package query is a leaf: it imports only package article and Bleve's text analysis (its
// analysers, token filters and registry), never an index, a backend or a stage, so that
// everything that searches can share it. The search backends (index/bleve, index/elastic)
// compile the AST themselves from what is exported here: the analysis (Analysis.Keys,
// TermsOf, Keyword), the index field names (KeywordIndexFields, TitleField, BodyField,
// the Index constants), the indexed values (KeywordValues, BodyText, PublishedTime) and
// the rules every compiler must follow (Term.Phrase, CheckProximity, Positions.PhraseAt,
// WildcardRegexp, Fold, FoldField, FoldAnalyzer, Fuzzy.MaxEdits, Range.Bounds). The
// alert stage and topic rules match articles with Matcher; config
// validates saved searches with Parse.
package query
