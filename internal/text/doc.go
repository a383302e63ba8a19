// Package text holds the word-level primitives every step of enrichment shares: the
// tokenizer (UAX #29 words with elisions, case suffixes, initials and sentence starts
// marked), Fold (case and accent folding, also used by tools/kbgen so that the generated
// gazetteer and the runtime normalise names alike), the script of a word, function words
// per language and the FNV hash folded words are keyed by.
//
// It sits at the bottom of the enrichment flow: lang, entity, topic and story import it, so
// that none of them imports another for a tokenizer or a stopword list. It imports no
// wirewatch package.
package text
