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
// Wildcards are matched against indexed terms, which are stemmed: Latc?in* finds
// "Latchine" (stored as "latchin") but Latc?ine does not. Phrases and words never cross
// from the title into the body.
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
// WildcardRegexp). The alert stage and topic rules match articles with Matcher; config
// validates saved searches with Parse.
package query
