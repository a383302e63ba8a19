package query

import (
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

type foldFilter struct {
	f *asciifolding.AsciiFoldingFilter
}

func (ff foldFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		t.Term = ff.f.Filter(t.Term)
	}
	return ts
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
// left alone).
func Fold(s string) string {
	ts := analysis.TokenStream{&analysis.Token{Term: []byte(s)}}
	return string(foldASCII.Filter(foldLower.Filter(ts))[0].Term)
}
