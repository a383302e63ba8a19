package query

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The proximity rule of the language, "a b c"~N: the words in their order or reversed,
// with at most N positions skipped in total between consecutive words. The Matcher, the
// highlighter and the Bleve backend's proximity query all decide it with
// Positions.PhraseAt, and every compiler refuses with CheckProximity the searches that
// would cost too much, so a query means and costs the same everywhere.

// maxProximityPhrases bounds the work of a proximity search: the number of ways of
// placing the gaps of "a b c"~N, in order and reversed, which bounds the paths PhraseAt
// explores per start.
const maxProximityPhrases = 512

// CheckProximity rejects, as an *Error at pos, a proximity search of terms within slop
// that has more ways of placing its gaps than maxProximityPhrases ("search too broad").
// Every compiler and the Matcher call it, so a query the Matcher refuses every index
// refuses too.
func CheckProximity(terms []string, slop, pos int) error {
	if len(terms) < 2 || slop == 0 || proximityPlacements(len(terms), slop) <= maxProximityPhrases {
		return nil
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf("proximity search too broad (%d words within %d): use fewer words or a smaller ~N", len(terms), slop)}
}

// proximityPlacements counts the ways of putting at most slop skipped positions in the
// n-1 gaps between n terms, in their order and reversed: 2·C(slop+n-1, n-1). It stops
// once the count is past maxProximityPhrases.
func proximityPlacements(n, slop int) int {
	c := 1 // C(slop+i-1, i-1)
	for i := 1; i < n && 2*c <= maxProximityPhrases; i++ {
		c = c * (slop + i) / i
	}
	return 2 * c
}

// Positions holds the positions of each term of one field, in ascending order.
type Positions map[string][]int

// PhraseAt returns the position of the first term of an occurrence of terms in p, in
// order, with at most slop positions skipped in total between consecutive terms; -1 if
// none. A proximity search also tries Reversed(terms).
func (p Positions) PhraseAt(terms []string, slop int) int {
	for _, start := range p[terms[0]] {
		if p.follow(terms[1:], start, slop) {
			return start
		}
	}
	return -1
}

func (p Positions) follow(terms []string, prev, slop int) bool {
	if len(terms) == 0 {
		return true
	}
	ps := p[terms[0]]
	i := sort.SearchInts(ps, prev+1)
	for ; i < len(ps) && ps[i]-prev-1 <= slop; i++ {
		if p.follow(terms[1:], ps[i], slop-(ps[i]-prev-1)) {
			return true
		}
	}
	return false
}

// Reversed returns the terms in reverse order, the other order a proximity search accepts.
func Reversed(terms []string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[len(terms)-1-i] = t
	}
	return out
}

// proximityQuery is a Bleve query for "a b"~N on one field, which Bleve lacks: the
// documents holding all the terms, kept when the term positions satisfy the same rule the
// Matcher applies (Positions.PhraseAt, in order or reversed, at most N skipped
// positions in total). Expanding it into every placement of the gaps as phrase queries
// gave the same hits but cost a phrase search per placement and field.
type proximityQuery struct {
	Field string   `json:"field"`
	Terms []string `json:"terms"`
	Slop  int      `json:"slop"`
}

func (q *proximityQuery) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	options.IncludeTermVectors = true // positions for the filter
	seen := map[string]bool{}
	var terms []search.Searcher
	for _, t := range q.Terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		s, err := searcher.NewTermSearcher(ctx, i, t, q.Field, 1.0, options)
		if err != nil {
			closeAll(terms)
			return nil, err
		}
		terms = append(terms, s)
	}
	all, err := searcher.NewConjunctionSearcher(ctx, i, terms, options)
	if err != nil {
		closeAll(terms)
		return nil, err
	}
	reversedTerms := Reversed(q.Terms)
	accept := func(_ context.Context, d *search.DocumentMatch) (bool, error) {
		at := Positions{}
		for _, l := range d.FieldTermLocations {
			if l.Field == q.Field {
				at[l.Term] = append(at[l.Term], int(l.Location.Pos))
			}
		}
		for term, locs := range d.Locations[q.Field] {
			for _, l := range locs {
				at[term] = append(at[term], int(l.Pos))
			}
		}
		for _, ps := range at {
			sort.Ints(ps)
		}
		return at.PhraseAt(q.Terms, q.Slop) >= 0 || at.PhraseAt(reversedTerms, q.Slop) >= 0, nil
	}
	return searcher.NewCustomFilterSearcher(ctx, all, accept, nil, i, nil), nil
}

// MarshalJSON lets the query be logged; it cannot be parsed back by Bleve.
func (q *proximityQuery) MarshalJSON() ([]byte, error) {
	type plain proximityQuery
	return json.Marshal(map[string]any{"wirewatch_proximity": (*plain)(q)})
}

func closeAll(ss []search.Searcher) {
	for _, s := range ss {
		_ = s.Close()
	}
}
