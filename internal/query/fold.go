package query

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
)

// Words as written. The per-language fields hold stems, which a wildcard or a fuzzy term
// typed by an analyst often misses ("peacekeeper*" against the stem "peacekeep",
// "corrid*" against the French stem "coridor"). So title and body are also indexed as
// their words lower-cased and folded to ASCII where Latin letters carry accents
// ("Erdoğan" → "erdogan"; Cyrillic, Armenian and Georgian are only lower-cased), with no
// stemming, in the fields FoldField names. Wildcards match either form; fuzzy terms
// match the words as written.

// FoldAnalyzer names the analyser of the fold fields: Unicode word boundaries, lower
// case, then FoldFilter.
const FoldAnalyzer = "ww_fold"

// FoldFilter names the token filter that folds accented Latin letters to ASCII, as
// Lucene's ASCIIFoldingFilter (Elasticsearch's "asciifolding") does.
const FoldFilter = "ww_ascii_fold"

// FoldField names the fold field beside a per-language text field: title_fr.fold.
// Elasticsearch indexes it as a sub-field, Bleve as a second mapping of the same value.
func FoldField(textField string) string { return textField + ".fold" }

// FoldApostrophes are the apostrophes that split the words of the fold fields:
// "l'Azerbaïdjan" is the words "l" and "azerbaidjan", "Bakü'nün" "baku" and "nun", so a
// wildcard finds the name without its article or suffix. (The per-language analysers
// elide and strip them their own way.) Elasticsearch maps them to spaces before its
// tokenizer.
var FoldApostrophes = []rune{'\'', '\u2018', '\u2019', '\uFF07'}

func isFoldApostrophe(r rune) bool {
	for _, a := range FoldApostrophes {
		if r == a {
			return true
		}
	}
	return false
}

// hasFoldApostrophe is bytes.ContainsFunc(b, isFoldApostrophe) without decoding every
// rune: ' is one byte, ‘ ’ and ＇ are three with leads that no other byte of a valid
// sequence is.
func hasFoldApostrophe(b []byte) bool {
	if bytes.IndexByte(b, '\'') >= 0 {
		return true
	}
	for i := 0; i < len(b); i++ {
		if c := b[i]; c == 0xE2 || c == 0xEF {
			if r, _ := utf8.DecodeRune(b[i:]); isFoldApostrophe(r) {
				return true
			}
		}
	}
	return false
}

type foldFilter struct {
	f *asciifolding.AsciiFoldingFilter
}

// Filter splits each token at apostrophes and folds each part to ASCII.
func (ff foldFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	out := ts[:0:0]
	for _, t := range ts {
		if isASCII(t.Term) {
			// Nothing to fold, nor an apostrophe of FoldApostrophes but ', and the
			// folding filter copies every term it is given.
			if bytes.IndexByte(t.Term, '\'') < 0 {
				out = append(out, t)
				continue
			}
		}
		term := string(t.Term)
		if !strings.ContainsFunc(term, isFoldApostrophe) {
			t.Term = ff.f.Filter(t.Term)
			out = append(out, t)
			continue
		}
		// Offsets of the parts are exact when lower-casing kept the byte length (it
		// nearly always does); otherwise each part keeps the whole token's.
		exact := len(term) == t.End-t.Start
		start := 0
		for i, r := range term + "'" {
			if i < len(term) && !isFoldApostrophe(r) {
				continue
			}
			if i > start {
				p := *t
				p.Term = ff.f.Filter([]byte(term[start:i]))
				if exact {
					p.Start, p.End = t.Start+start, t.Start+i
				}
				out = append(out, &p)
			}
			start = i + utf8.RuneLen(r)
		}
	}
	return out
}

func isASCII[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func init() {
	err := registry.RegisterTokenFilter(FoldFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{asciifolding.New()}, nil
	})
	if err != nil {
		panic(err)
	}
}

var (
	foldLower = lowercase.NewLowerCaseFilter()
	foldASCII = foldFilter{asciifolding.New()}
)

// Fold normalises s as the fold fields store their words: lower case, accents folded.
// Wildcard patterns and fuzzy terms go through it before they are compared (* and ? are
// left alone; apostrophes too, so a pattern holding one matches stems only).
func Fold(s string) string {
	ts := analysis.TokenStream{&analysis.Token{Term: []byte(s)}}
	return string(foldASCII.f.Filter(foldLower.Filter(ts)[0].Term))
}
