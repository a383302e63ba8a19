//go:build live

package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/opensearch-project/opensearch-go/v4"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/index/indextest"
	"wirewatch/internal/livetest"
	"wirewatch/internal/query"
)

// openSearchConfig returns a configuration for the live OpenSearch node with a fresh
// index prefix, whose indices, template and policy are deleted when the test ends.
func openSearchConfig(t *testing.T) config.OpenSearchConfig {
	t.Helper()
	cfg := config.Default().Index.OpenSearch
	cfg.URLs = []string{livetest.Get(t).OpenSearchURL()}
	cfg.IndexPrefix = fmt.Sprintf("wirewatch-live-%d-%d", time.Now().UnixNano(), liveSeq.Add(1))
	cfg.Replicas = 0 // one node
	cfg.Refresh = "wait_for"
	cfg.RetryBackoff = 10 * time.Millisecond
	client, err := opensearch.NewClient(opensearch.Config{Addresses: cfg.URLs})
	if err != nil {
		t.Fatalf("cleanup client: %v", err)
	}
	t.Cleanup(func() { dropPrefix(t, client, cfg.IndexPrefix) })
	return cfg
}

func newOpenSearchBackend(t *testing.T, cfg config.OpenSearchConfig, logger *slog.Logger) *Backend {
	t.Helper()
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b, err := NewOpenSearch(cfg, query.DefaultLanguages, logger)
	if err != nil {
		t.Fatalf("NewOpenSearch: %v", err)
	}
	return b
}

// TestLiveOpenSearchBackend runs the behaviour suite every index.Backend must pass, with
// the same assertions as on Bleve, the agreement with the alert matcher included.
func TestLiveOpenSearchBackend(t *testing.T) {
	indextest.Run(t, func(t *testing.T) index.Backend {
		return newOpenSearchBackend(t, openSearchConfig(t), nil)
	})
}

func TestLiveOpenSearchMonthMove(t *testing.T) {
	checkMonthMove(t, newOpenSearchBackend(t, openSearchConfig(t), nil))
}

// TestLiveOpenSearchProductCheck is why OpenSearch has its own client: go-elasticsearch's
// refuses the server, with an error that says so.
func TestLiveOpenSearchProductCheck(t *testing.T) {
	cfg := openSearchConfig(t).Cluster()
	es, err := New(cfg, query.DefaultLanguages, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer es.Close()
	// The client checks the header of successful answers; installing the template is one.
	if err := es.Setup(context.Background()); err == nil || !strings.Contains(err.Error(), "not Elasticsearch") {
		t.Fatalf("the Elasticsearch client on OpenSearch: %v, want its product check error", err)
	}
}

// syncBuffer is a log sink read while the backend may still write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLiveOpenSearchSetup installs the template and the retention policy twice, as two
// starts of wirewatch do, and checks what the server holds: the template with the alias,
// and the ISM policy when the server has the plugin, or the warning when it has not.
func TestLiveOpenSearchSetup(t *testing.T) {
	cfg := openSearchConfig(t)
	cfg.Retention = 90 * 24 * time.Hour
	ctx := context.Background()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var b *Backend
	for i := range 2 {
		b = newOpenSearchBackend(t, cfg, logger)
		if err := b.Setup(ctx); err != nil {
			t.Fatalf("Setup %d: %v", i+1, err)
		}
		if i == 0 {
			b.Close()
		}
	}
	defer b.Close()

	var templates struct {
		IndexTemplates []struct {
			Name          string `json:"name"`
			IndexTemplate struct {
				IndexPatterns []string `json:"index_patterns"`
				Priority      int      `json:"priority"`
				Template      struct {
					Settings map[string]any            `json:"settings"`
					Aliases  map[string]map[string]any `json:"aliases"`
				} `json:"template"`
			} `json:"index_template"`
		} `json:"index_templates"`
	}
	if err := b.do(ctx, "reading the template", esapi.IndicesGetIndexTemplateRequest{Name: cfg.IndexPrefix}, &templates); err != nil {
		t.Fatal(err)
	}
	if len(templates.IndexTemplates) != 1 {
		t.Fatalf("templates named %s: %+v, want one", cfg.IndexPrefix, templates.IndexTemplates)
	}
	tmpl := templates.IndexTemplates[0].IndexTemplate
	if tmpl.Priority != 200 || len(tmpl.IndexPatterns) != 1 || tmpl.IndexPatterns[0] != cfg.IndexPrefix+"-*" || tmpl.Template.Aliases[cfg.IndexPrefix] == nil {
		t.Errorf("template %+v: want priority 200, pattern %s-* and alias %s", tmpl, cfg.IndexPrefix, cfg.IndexPrefix)
	}

	var plugins []struct {
		Component string `json:"component"`
	}
	if err := b.do(ctx, "listing plugins", esapi.CatPluginsRequest{Format: "json"}, &plugins); err != nil {
		t.Fatal(err)
	}
	hasISM := false
	for _, p := range plugins {
		hasISM = hasISM || p.Component == "opensearch-index-management"
	}
	t.Logf("the live server has ISM: %t", hasISM)
	policy := rawRequest{method: http.MethodGet, path: "/_plugins/_ism/policies/" + policyName(cfg.IndexPrefix)}
	var got struct {
		Policy struct {
			States []struct {
				Name        string `json:"name"`
				Transitions []struct {
					Conditions map[string]string `json:"conditions"`
				} `json:"transitions"`
			} `json:"states"`
		} `json:"policy"`
	}
	err := b.do(ctx, "reading the ISM policy", policy, &got)
	if hasISM {
		if err != nil {
			t.Fatalf("the ISM policy: %v", err)
		}
		if age := got.Policy.States[0].Transitions[0].Conditions["min_index_age"]; age != fmt.Sprintf("%ds", int64((cfg.Retention+ismMonth)/time.Second)) {
			t.Errorf("min_index_age %q, want the retention plus 31 days", age)
		}
	} else {
		if !isMissingRoute(err) {
			t.Fatalf("without the plugin, the ISM route answers %v; want the missing-route answer putISM recognises", err)
		}
		if n := strings.Count(logs.String(), "retention is NOT enforced"); n != 2 {
			t.Errorf("want one warning per Setup that retention is not enforced, got %d in:\n%s", n, logs.String())
		}
	}

	// A month created after Setup has the alias and, unlike on Elasticsearch, no lifecycle
	// settings (OpenSearch refuses them as unknown).
	a := &article.Article{ID: "setup-1", Title: "Lachin", Lang: "en", Published: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)}
	if errs, err := b.Write(ctx, []*article.Article{a}); err != nil || errs[0] != nil {
		t.Fatalf("Write after Setup: %v %v", errs, err)
	}
	if _, err := b.Get(ctx, a.ID); err != nil {
		t.Fatalf("Get through the alias: %v", err)
	}
}

// faultProxy stands between the backend and the live server and injects what an
// overloaded cluster answers: whole requests refused with 503 or 429, and bulk items
// rejected with 429 (es_rejected_execution_exception) or failed for good (400).
type faultProxy struct {
	srv *httptest.Server

	mu         sync.Mutex
	failNext   map[string][]int // "METHOD /path-suffix" → statuses for the next requests
	refusals   int              // whole requests refused
	itemCounts map[string]int   // bulk items seen per document ID
	// item decides a bulk item's fate from its ID and how many times it was seen: 0 to
	// pass the server's answer on, else the status to replace it with.
	item func(id string, seen int) int
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{failNext: map[string][]int{}, itemCounts: map[string]int{}, item: func(string, int) int { return 0 }}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			// Rewriting bulk answers needs them uncompressed.
			r.Out.Header.Del("Accept-Encoding")
		},
		ModifyResponse: p.rewriteBulk,
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status := p.refusal(r); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"root_cause":[{"type":"injected","reason":"injected by the test proxy"}],"type":"injected","reason":"injected by the test proxy"},"status":%d}`, status)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// failRequests makes the next requests whose "METHOD path" ends with route fail with the
// statuses given, in order.
func (p *faultProxy) failRequests(route string, statuses ...int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failNext[route] = append(p.failNext[route], statuses...)
}

func (p *faultProxy) refusal(r *http.Request) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := r.Method + " " + r.URL.Path
	for route, statuses := range p.failNext {
		if strings.HasSuffix(line, route) && len(statuses) > 0 {
			p.failNext[route] = statuses[1:]
			p.refusals++
			return statuses[0]
		}
	}
	return 0
}

func (p *faultProxy) seen(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.itemCounts[id]
}

// rewriteBulk replaces the server's answer for the bulk items p.item picks. The server
// did index those documents; the backend, told otherwise, sends them again, which
// overwrites them by _id.
func (p *faultProxy) rewriteBulk(res *http.Response) error {
	if !strings.HasSuffix(res.Request.URL.Path, "/_bulk") || res.StatusCode != http.StatusOK {
		return nil
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	// The fields of the backend's filter_path, the only ones the server sent.
	var answer struct {
		Errors bool                        `json:"errors"`
		Items  []map[string]map[string]any `json:"items"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("test proxy: reading the bulk answer: %w", err)
	}
	p.mu.Lock()
	for _, item := range answer.Items {
		for _, result := range item {
			id, _ := result["_id"].(string)
			p.itemCounts[id]++
			switch status := p.item(id, p.itemCounts[id]); status {
			case 0:
			case http.StatusTooManyRequests:
				answer.Errors = true
				result["status"] = status
				result["error"] = map[string]any{"type": "es_rejected_execution_exception", "reason": "rejected execution of coordinating operation [injected]"}
			default:
				answer.Errors = true
				result["status"] = status
				result["error"] = map[string]any{"type": "mapper_parsing_exception", "reason": "failed to parse [injected]",
					"caused_by": map[string]any{"type": "illegal_argument_exception", "reason": "injected"}}
			}
		}
	}
	p.mu.Unlock()
	out, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	res.Body = io.NopCloser(bytes.NewReader(out))
	res.ContentLength = int64(len(out))
	res.Header.Del("Content-Length")
	return nil
}

// TestLiveOpenSearchOverload puts the fault proxy in front of the live server: the
// transport retries refused requests, Write retries rejected items and maps the rest to
// per-document errors, and a cluster that stays down makes every document retryable.
func TestLiveOpenSearchOverload(t *testing.T) {
	cfg := openSearchConfig(t)
	proxy := newFaultProxy(t, cfg.URLs[0])
	cfg.URLs = []string{proxy.srv.URL}
	cfg.MaxRetries = 3
	b := newOpenSearchBackend(t, cfg, nil)
	defer b.Close()
	ctx := context.Background()

	proxy.item = func(id string, seen int) int {
		switch {
		case strings.HasPrefix(id, "busy-") && seen == 1:
			return http.StatusTooManyRequests
		case strings.HasPrefix(id, "hot-"):
			return http.StatusTooManyRequests
		case strings.HasPrefix(id, "bad-"):
			return http.StatusBadRequest
		}
		return 0
	}
	// The first bulk request is refused twice as a whole; the first search once.
	proxy.failRequests("POST /_bulk", http.StatusServiceUnavailable, http.StatusTooManyRequests)
	proxy.failRequests("/_search", http.StatusServiceUnavailable)

	pub := time.Date(2026, 5, 6, 7, 0, 0, 0, time.UTC)
	var docs []*article.Article
	for _, id := range []string{"ok-1", "busy-1", "busy-2", "hot-1", "bad-1", "ok-2"} {
		docs = append(docs, &article.Article{ID: id, Title: "Lachin corridor " + id, Lang: "en", Published: pub})
	}
	errs, err := b.Write(ctx, docs)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for i, a := range docs {
		e := errs[i]
		var osErr *Error
		switch {
		case strings.HasPrefix(a.ID, "ok-"), strings.HasPrefix(a.ID, "busy-"):
			if e != nil {
				t.Errorf("%s: %v, want stored (busy ones after one retry)", a.ID, e)
			}
		case strings.HasPrefix(a.ID, "hot-"):
			if !errors.Is(e, index.ErrRetryable) || !errors.As(e, &osErr) || osErr.Status != 429 || osErr.Type != "es_rejected_execution_exception" || osErr.Server != "opensearch" {
				t.Errorf("%s: %v, want the 429 rejection, retryable, once the retries are spent", a.ID, e)
			}
		case strings.HasPrefix(a.ID, "bad-"):
			if errors.Is(e, index.ErrRetryable) || !errors.As(e, &osErr) || osErr.Status != 400 || osErr.Type != "mapper_parsing_exception" || !strings.Contains(osErr.Cause, "illegal_argument_exception") {
				t.Errorf("%s: %v, want a permanent mapping error with its cause", a.ID, e)
			}
		}
	}
	for id, want := range map[string]int{"ok-1": 1, "busy-1": 2, "busy-2": 2, "hot-1": cfg.MaxRetries + 1, "bad-1": 1} {
		if got := proxy.seen(id); got != want {
			t.Errorf("%s sent %d times, want %d", id, got, want)
		}
	}
	res, err := b.Search(ctx, index.Request{Query: "Lachin", Size: 20})
	if err != nil {
		t.Fatalf("Search after a refused attempt: %v", err)
	}
	if res.Total != len(docs) { // the proxy let the server index every document
		t.Errorf("search finds %d articles, want %d", res.Total, len(docs))
	}
	proxy.mu.Lock()
	refusals := proxy.refusals
	proxy.mu.Unlock()
	if refusals != 3 {
		t.Errorf("%d requests refused, want 3 (two bulk, one search), each retried by the transport", refusals)
	}

	// A cluster that refuses every bulk request for longer than the retries last: the
	// documents are retryable, not failed, so they are never dead-lettered.
	proxy.failRequests("POST /_bulk", slices.Repeat([]int{http.StatusServiceUnavailable}, 100)...)
	errs, err = b.Write(ctx, []*article.Article{{ID: "down-1", Title: "t", Published: pub}})
	if err != nil {
		t.Fatalf("Write with the cluster refusing bulk requests: %v", err)
	}
	if !errors.Is(errs[0], index.ErrRetryable) {
		t.Errorf("down-1: %v, want an error wrapping index.ErrRetryable", errs[0])
	}
}

// TestLiveOpenSearchClauseBound: the largest query the compiler lets through is one the
// server runs (its clause limit is not lower than ours), and one word more is refused by
// wirewatch as a bad query, not by the server with a 500.
func TestLiveOpenSearchClauseBound(t *testing.T) {
	b := newOpenSearchBackend(t, openSearchConfig(t), nil)
	defer b.Close()
	ctx := context.Background()
	if err := b.Setup(ctx); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	if _, err := b.Write(ctx, []*article.Article{{ID: "a1", SchemaVersion: article.SchemaVersion, Title: "w7 corridor", Lang: "en",
		URL: "https://example.org/a1", Published: time.Now().UTC(), Fetched: time.Now().UTC()}}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	most := maxClauses / (len(b.compiler.titles) + len(b.compiler.bodies))
	words := make([]string, most+1)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
	}
	res, err := b.Search(ctx, index.Request{Query: strings.Join(words[:most], " OR ")})
	if err != nil {
		t.Fatalf("%d words: %v", most, err)
	}
	if res.Total != 1 {
		t.Errorf("%d words: %d hits, want the one article", most, res.Total)
	}
	_, err = b.Search(ctx, index.Request{Query: strings.Join(words, " OR ")})
	var qe *query.Error
	if !errors.As(err, &qe) {
		t.Fatalf("%d words: %v, want a *query.Error", most+1, err)
	}
}
