package bench

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// openSearch answers the requests a live run's clean-up sends as OpenSearch does, for a
// cluster holding indices and index templates, without the ISM plugin.
type openSearch struct {
	t         *testing.T
	mu        sync.Mutex
	indices   map[string]bool
	templates map[string]bool
}

func (o *openSearch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	missing := func(kind, name string) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"type":"` + kind + `","reason":"no such index [` + name + `]"},"status":404}`))
	}
	switch path := r.URL.Path; {
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/_cat/indices/"):
		prefix, _ := strings.CutSuffix(strings.TrimPrefix(path, "/_cat/indices/"), "*")
		if r.URL.Query().Get("format") != "json" {
			o.t.Errorf("_cat/indices asked without format=json: %s", r.URL)
		}
		out := []map[string]string{}
		for name := range o.indices {
			if strings.HasPrefix(name, prefix) {
				out = append(out, map[string]string{"index": name})
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	case r.Method == http.MethodDelete && strings.HasPrefix(path, "/_index_template/"):
		name := strings.TrimPrefix(path, "/_index_template/")
		if !o.templates[name] {
			missing("resource_not_found_exception", name)
			return
		}
		delete(o.templates, name)
		_, _ = w.Write([]byte(`{"acknowledged":true}`))
	case strings.HasPrefix(path, "/_plugins/"):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`no handler found for uri [` + path + `] and method [` + r.Method + `]`))
	case r.Method == http.MethodDelete && !strings.Contains(path[1:], "/") && !strings.ContainsAny(path, "*_"):
		names := strings.Split(path[1:], ",")
		for _, name := range names {
			if !o.indices[name] {
				missing("index_not_found_exception", name)
				return
			}
		}
		for _, name := range names {
			delete(o.indices, name)
		}
		_, _ = w.Write([]byte(`{"acknowledged":true}`))
	default:
		o.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusBadRequest)
	}
}

// TestLiveCleanUpDeletesTheRunsTopicsAndIndices cleans up after a live run on the embedded
// broker (kfake) holding the run's topics and an OpenSearch holding its monthly indices,
// its index template and another run's index: the run's topics, indices and template go,
// the other run's index stays, and cleaning up again finds nothing left and is no error.
func TestLiveCleanUpDeletesTheRunsTopicsAndIndices(t *testing.T) {
	c, _ := bustest.Start(t)
	cfg := config.Default()
	cfg.Index.OpenSearch.IndexPrefix = "wirewatch-bench-1"
	oss := &openSearch{t: t,
		indices:   map[string]bool{"wirewatch-bench-1-2026.11": true, "wirewatch-bench-1-2026.12": true, "wirewatch-bench-12-2026.12": true},
		templates: map[string]bool{"wirewatch-bench-1": true, "wirewatch-bench-12": true}}
	srv := httptest.NewServer(oss)
	defer srv.Close()
	l := &Live{Brokers: c.Brokers(), OpenSearchURL: srv.URL}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	for round := range 2 {
		if err := l.cleanUp(ctx, cfg, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatalf("clean-up %d: %v", round+1, err)
		}
	}
	md, err := bustest.Describe(ctx, c.Brokers())
	if err != nil {
		t.Fatal(err)
	}
	tp := cfg.Kafka.Topics
	for _, topic := range []string{tp.Raw, tp.Enriched, tp.DLQ, tp.Feeds, tp.State, tp.Alerts, tp.Searches, tp.Stories, cfg.Alert.DeliveryTopic} {
		if _, ok := md.Topics[topic]; ok {
			t.Errorf("topic %s left on the broker", topic)
		}
	}
	oss.mu.Lock()
	defer oss.mu.Unlock()
	var left []string
	for name := range oss.indices {
		left = append(left, name)
	}
	if !slices.Equal(left, []string{"wirewatch-bench-12-2026.12"}) {
		t.Errorf("indices left %q, want only the other run's", left)
	}
	if oss.templates["wirewatch-bench-1"] || !oss.templates["wirewatch-bench-12"] {
		t.Errorf("templates left %v, want only the other run's", oss.templates)
	}
}
