package bleve

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"wirewatch/internal/query"
)

// proximityQuery is a Bleve query for "a b"~N on one field, which Bleve lacks: the
// documents holding all the terms, kept when the term positions satisfy the same rule the
// Matcher applies (query.Positions.PhraseAt, in order or reversed, at most N skipped
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
	reversedTerms := query.Reversed(q.Terms)
	accept := func(_ context.Context, d *search.DocumentMatch) (bool, error) {
		at := query.Positions{}
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
