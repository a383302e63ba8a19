//go:build live

package bench

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/livetest"
)

// TestLiveBenchFindsEveryArticle runs a tiny distributed-mode bench (`wirewatch bench
// --live`) on the live servers: 2 feeds × 5 items through the three brokers (replication 3)
// into OpenSearch, with the kafka-go baseline on the same brokers. Every article must be
// enriched, found by the search API and alerted; no figure is asserted.
func TestLiveBenchFindsEveryArticle(t *testing.T) {
	s := livetest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	r, err := Run(ctx, Options{
		Feeds: 2, Items: 5, Searches: 3, Baselines: true, Timeout: 4 * time.Minute,
		Config: config.Default(), DataDir: t.TempDir(),
		Live:   &Live{Brokers: s.Brokers(), OpenSearchURL: s.OpenSearchURL()},
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, func(p string) { t.Log(p) })
	if r != nil {
		var out strings.Builder
		if perr := r.Print(&out); perr != nil {
			t.Error(perr)
		}
		t.Log("\n" + out.String())
	}
	if err != nil {
		t.Fatalf("bench --live: %v", err)
	}
	const n = 10
	if r.Mode != "live" {
		t.Errorf("mode %q, want live", r.Mode)
	}
	if r.Articles != n || r.Searchable != n || r.Enriched != n || len(r.Missing) != 0 {
		t.Errorf("articles %d, searchable %d, enriched %d, missing %q: want all %d found", r.Articles, r.Searchable, r.Enriched, r.Missing, n)
	}
	if r.Alerted != n || r.Unknown != 0 {
		t.Errorf("alerted %d of %d, %d records or hits of no generated article", r.Alerted, n, r.Unknown)
	}
	for name, b := range map[string]*Throughput{"bus produce": r.BusProduce, "raw produce": r.RawProduce, "bus consume": r.BusConsume, "raw consume": r.RawConsume} {
		if b == nil || b.Count != n || b.Wall <= 0 {
			t.Errorf("baseline %s on the live brokers = %+v, want %d measured", name, b, n)
		}
	}
}
