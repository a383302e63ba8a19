package bleve

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/elision"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"

	"wirewatch/internal/query"
)

// termCacheSize bounds each termCache; a full cache starts again empty. News words
// follow Zipf's law: a few thousand words are most of any text.
const termCacheSize = 32768

// termCache remembers what a chain of token filters makes of a word, so that a word
// seen before is stemmed and folded once. It is used only for chains whose every filter
// maps each token's term on its own (no filter looks at another token, drops one, or
// reads anything but the term), so a remembered term is exactly what the chain gives.
// A token the chain splits or moves (the fold filter splits at apostrophes) is passed
// through the chain each time and not remembered. Safe for concurrent use.
type termCache struct {
	filters []analysis.TokenFilter

	mu    sync.RWMutex
	terms map[string][]byte // read-only values, shared by the tokens given them
}

// termCacheKey names the filters of an analyser from its first filter not shared.
type termCacheKey struct {
	an   *analysis.DefaultAnalyzer
	from int
}

// newTermCaches makes a termCache for every tail of the filters of an that a
// sharedTokens may apply (from 0, and from 1 after a shared lower-casing), when all of
// an's filters map terms one by one: the fold analyser's (query.FoldAnalyzer: lower
// case, then the fold filter, which works token by token) and the analysers of en, fr
// and ru. Other analysers run their filters as they are.
func newTermCaches(caches map[termCacheKey]*termCache, name string, an analysis.Analyzer) {
	da, ok := an.(*analysis.DefaultAnalyzer)
	if !ok || da.Tokenizer == nil {
		return
	}
	if name != query.FoldAnalyzer {
		for _, f := range da.TokenFilters {
			switch f.(type) {
			case *lowercase.LowerCaseFilter, *en.PossessiveFilter, *porter.PorterStemmer,
				*elision.ElisionFilter, *fr.FrenchLightStemmerFilter, *ru.RussianStemmerFilter:
			default:
				return
			}
		}
	}
	for from := 0; from <= 1 && from < len(da.TokenFilters); from++ {
		key := termCacheKey{da, from}
		if caches[key] == nil {
			caches[key] = &termCache{filters: da.TokenFilters[from:], terms: map[string][]byte{}}
		}
	}
}

// filter applies the cache's filters to ts, as each filter's Filter would in turn.
func (c *termCache) filter(ts analysis.TokenStream) analysis.TokenStream {
	out := ts[:0] // in place until a token becomes several
	// The read lock is held across a run of remembered words, not taken per word: two
	// analysis workers taking it per word spent their time passing its counter's cache
	// line between them.
	locked := false
	defer func() {
		if locked {
			c.mu.RUnlock()
		}
	}()
	for i, t := range ts {
		if !t.KeyWord {
			if !locked {
				c.mu.RLock()
				locked = true
			}
			if term, ok := c.terms[string(t.Term)]; ok {
				t.Term = term
				out = append(out, t)
				continue
			}
		}
		if locked {
			c.mu.RUnlock()
			locked = false
		}
		word := string(t.Term)
		start, end, pos, typ, kw := t.Start, t.End, t.Position, t.Type, t.KeyWord
		res := analysis.TokenStream{t}
		for _, f := range c.filters {
			res = f.Filter(res)
		}
		if len(res) == 1 && res[0] == t && t.Start == start && t.End == end && t.Position == pos && t.Type == typ && !kw && !t.KeyWord {
			term := append([]byte(nil), t.Term...)
			c.mu.Lock()
			if len(c.terms) >= termCacheSize {
				c.terms = make(map[string][]byte, termCacheSize)
			}
			c.terms[word] = term
			c.mu.Unlock()
		}
		if len(res) != 1 && len(out) == i {
			// From here on out would overwrite tokens not read yet.
			out = append(make(analysis.TokenStream, 0, len(ts)+len(res)), out...)
		}
		out = append(out, res...)
	}
	return out
}
