package bleve

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// TestSearchBounds: the attacks of issue 13 end quickly, with a *query.Error for the query
// language's limits, and a search whose context is done does no work.
func TestSearchBounds(t *testing.T) {
	b, err := Open(t.TempDir(), query.DefaultLanguages, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Write(context.Background(), newGenerator(t, 1).articles(0, 300)); err != nil {
		t.Fatal(err)
	}
	ors := strings.TrimSuffix(strings.Repeat("*x* OR ", 256), " OR ")
	for _, q := range []string{strings.Repeat("?*", 50) + "x", ors} {
		start := time.Now()
		_, err := b.Search(context.Background(), index.Request{Query: q, Facets: true, Interval: "day"})
		var qe *query.Error
		if !errors.As(err, &qe) {
			t.Errorf("%.30s: %v, want a *query.Error", q, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%.30s: refused after %s", q, d)
		}
	}
	// The most a query may ask of wildcards still answers in bounded time.
	start := time.Now()
	prefixes := strings.TrimSuffix(strings.Repeat("ab* OR ", query.MaxWildcards-query.MaxPatterns), " OR ")
	if _, err := b.Search(context.Background(), index.Request{Query: prefixes + " OR *abc OR *abd OR *abe OR *abf", Facets: true}); err != nil {
		t.Fatal(err)
	}
	t.Logf("the largest wildcard query allowed took %s", time.Since(start))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Search(ctx, index.Request{Query: "Lachin OR ab*", Facets: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("search with its client gone: %v, want context.Canceled", err)
	}
}
