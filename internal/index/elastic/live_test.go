package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/index/indextest"
	"wirewatch/internal/query"
)

// liveConfig returns a configuration for the cluster at ES_URL with a fresh index prefix,
// or skips the test. ES_USERNAME, ES_PASSWORD, ES_API_KEY and ES_CA_FILE are used when set.
func liveConfig(t *testing.T) config.ElasticConfig {
	t.Helper()
	url := os.Getenv("ES_URL")
	if url == "" {
		t.Skip("ES_URL is not set: the live Elasticsearch suite needs a running Elasticsearch 8 (ES_URL=http://localhost:9200 make test-es)")
	}
	cfg := config.Default().Index.Elastic
	cfg.URLs = strings.Split(url, ",")
	cfg.Username, cfg.Password = os.Getenv("ES_USERNAME"), os.Getenv("ES_PASSWORD")
	cfg.APIKey, cfg.CAFile = os.Getenv("ES_API_KEY"), os.Getenv("ES_CA_FILE")
	cfg.IndexPrefix = fmt.Sprintf("wirewatch-test-%d-%d", time.Now().UnixNano(), liveSeq.Add(1))
	cfg.Replicas = 0
	// The suite searches right after writing: wait for the refresh.
	cfg.Refresh = "wait_for"
	return cfg
}

var liveSeq atomic.Int64

// newLiveBackend returns a Backend on an empty prefix; its indices, template and policy
// are deleted when the test ends.
func newLiveBackend(t *testing.T) *Backend {
	t.Helper()
	cfg := liveConfig(t)
	b, err := New(cfg, query.DefaultLanguages, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: cfg.URLs, Username: cfg.Username, Password: cfg.Password, APIKey: cfg.APIKey})
	if err != nil {
		t.Fatalf("cleanup client: %v", err)
	}
	t.Cleanup(func() { dropPrefix(t, es, cfg.IndexPrefix) })
	return b
}

// dropPrefix deletes what a test created, through its own client tr: the Backend is
// closed by then. Of the two retention policies, the server has one route at most.
func dropPrefix(t *testing.T, tr transport, prefix string) {
	ctx := context.Background()
	res, err := esapi.IndicesGetAliasRequest{Name: []string{prefix}}.Do(ctx, tr)
	if err != nil {
		t.Errorf("cleanup: listing the indices of %s: %v", prefix, err)
		return
	}
	var aliased map[string]json.RawMessage
	if !res.IsError() && json.NewDecoder(res.Body).Decode(&aliased) == nil && len(aliased) > 0 {
		names := make([]string, 0, len(aliased))
		for n := range aliased {
			names = append(names, n)
		}
		if r, err := (esapi.IndicesDeleteRequest{Index: names}).Do(ctx, tr); err == nil {
			r.Body.Close()
		}
	}
	res.Body.Close()
	for _, req := range []esapi.Request{
		esapi.IndicesDeleteIndexTemplateRequest{Name: prefix},
		esapi.ILMDeleteLifecycleRequest{Policy: policyName(prefix)},
		rawRequest{method: "DELETE", path: "/_plugins/_ism/policies/" + policyName(prefix)},
	} {
		if r, err := req.Do(ctx, tr); err == nil {
			r.Body.Close()
		}
	}
}

// TestLiveBackend runs the behaviour suite every index.Backend must pass.
func TestLiveBackend(t *testing.T) {
	liveConfig(t) // skips without ES_URL
	indextest.Run(t, func(t *testing.T) index.Backend { return newLiveBackend(t) })
}

// TestLiveMonthMove checks the one behaviour the suite cannot see: an article whose
// published date moves to another month stays one document.
func TestLiveMonthMove(t *testing.T) {
	checkMonthMove(t, newLiveBackend(t))
}

// checkMonthMove is TestLiveMonthMove on b, a backend on an empty prefix, which it closes.
func checkMonthMove(t *testing.T, b *Backend) {
	defer b.Close()
	ctx := context.Background()
	a := &article.Article{ID: "moved", Title: "Lachin corridor", Lang: "en",
		Published: time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), Source: article.Source{FeedURL: "https://x.example/rss"}}
	for _, pub := range []time.Time{a.Published, a.Published.Add(2 * time.Hour)} {
		a.Published = pub
		errs, err := b.Write(ctx, []*article.Article{a})
		if err != nil || errs[0] != nil {
			t.Fatalf("Write: %v %v", errs, err)
		}
	}
	res, err := b.Search(ctx, index.Request{Query: "Lachin"})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if res.Total != 1 || !res.Hits[0].Published.Equal(a.Published) {
		t.Fatalf("after moving the article to November: total %d, hits %+v; want one November hit", res.Total, res.Hits)
	}
	nov, err := b.Search(ctx, index.Request{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || nov.Total != 1 {
		t.Fatalf("November range: %+v, %v; want the moved article", nov, err)
	}

	// An out-of-range coordinate, which Elasticsearch would refuse, is dropped from the
	// location field instead of failing the article.
	bad := *a
	bad.ID = "bad-geo"
	bad.Published = time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC)
	lat, lon := 95.0, 10.0
	bad.Entities = []article.Entity{{ID: "Q1", Name: "X", Lat: &lat, Lon: &lon}}
	if errs, err := b.Write(ctx, []*article.Article{&bad}); err != nil || errs[0] != nil {
		t.Fatalf("an out-of-range coordinate must be dropped, not fail the article: %v %v", errs, err)
	}
	var names []string
	b.indicesMu.Lock()
	for n := range b.indices {
		names = append(names, n)
	}
	b.indicesMu.Unlock()
	sort.Strings(names)
	if want := []string{b.cfg.IndexPrefix + "-2026.10"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("indices created: %v, want only %v (the article stays in its first month)", names, want)
	}
}
