//go:build live

package bench

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"wirewatch/internal/config"
	"wirewatch/internal/livetest"
)

// TestLiveBenchFindsEveryArticle runs a tiny distributed-mode bench (`wirewatch bench
// --live`) on the live servers: 2 feeds × 5 items through the three brokers (replication 3)
// into OpenSearch, with the kafka-go baseline on the same brokers. Every article must be
// enriched, found by the search API and alerted; no figure is asserted. Then the run's
// topics and indices must be gone from the servers (the run deletes them without --keep).
func TestLiveBenchFindsEveryArticle(t *testing.T) {
	s := livetest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	before := benchLeftovers(ctx, t, s)
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
	// Kafka deletes a topic in the background: its name may stay in the metadata a while.
	var after []string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Second) {
		if after = benchLeftovers(ctx, t, s); slices.Equal(after, before) || time.Now().After(deadline) {
			break
		}
	}
	if !slices.Equal(after, before) {
		t.Errorf("after the run, the servers hold %q; before it %q: the run did not delete what it made", after, before)
	}
}

// benchLeftovers lists the bench runs' topics (bench-<time>.…) on the live brokers and
// their indices (wirewatch-bench-<time>-…) on OpenSearch, sorted.
func benchLeftovers(ctx context.Context, t *testing.T, s *livetest.Servers) []string {
	t.Helper()
	conn, err := kafka.DialContext(ctx, "tcp", s.Brokers()[0])
	if err != nil {
		t.Fatalf("dialling broker %s: %v", s.Brokers()[0], err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions()
	if err != nil {
		t.Fatalf("listing the brokers' topics: %v", err)
	}
	var out []string
	for _, p := range parts {
		if strings.HasPrefix(p.Topic, "bench-") && !slices.Contains(out, "topic "+p.Topic) {
			out = append(out, "topic "+p.Topic)
		}
	}
	var indices []struct {
		Index string `json:"index"`
	}
	if err := livetest.DoJSON(ctx, "GET", s.OpenSearchURL()+"/_cat/indices/wirewatch-bench-*?format=json&h=index", nil, &indices); err != nil {
		t.Fatalf("listing OpenSearch's indices: %v", err)
	}
	for _, ix := range indices {
		out = append(out, "index "+ix.Index)
	}
	slices.Sort(out)
	return out
}
