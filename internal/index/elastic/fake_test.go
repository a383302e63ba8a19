package elastic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/config"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// request is one HTTP request the fake cluster received.
type request struct {
	Method string
	Path   string
	Query  string // encoded, keys sorted
	Body   []byte
	Auth   string // Authorization header
}

// line is the request as it appears in golden transcripts.
func (r request) line() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return s
}

// fakeES is an httptest server that answers like an Elasticsearch 8 node, with response
// bodies written after the REST API reference, and records every request. Handlers are
// looked up by "METHOD /path" (path patterns as in http.ServeMux); unknown routes get the
// 404 a cluster would give for a missing index.
type fakeES struct {
	t   *testing.T
	srv *httptest.Server
	// openSearch: answer as OpenSearch does, without X-Elastic-Product.
	openSearch bool

	mu       sync.Mutex
	requests []request
	routes   map[string]func(r request) (int, string)
	mux      *http.ServeMux
}

func newFakeES(t *testing.T) *fakeES {
	t.Helper()
	f := &fakeES{t: t, routes: map[string]func(request) (int, string){}, mux: http.NewServeMux()}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// newFakeESTLS is newFakeES over https with httptest's self-signed certificate.
func newFakeESTLS(t *testing.T) *fakeES {
	t.Helper()
	f := &fakeES{t: t, routes: map[string]func(request) (int, string){}, mux: http.NewServeMux()}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	// A client that rejects the certificate is what some tests check; don't log it.
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

// on sets the handler for a route such as "POST /_bulk" or "PUT /{index}".
func (f *fakeES) on(route string, h func(r request) (int, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.routes[route]; !ok {
		f.mux.HandleFunc(route, func(http.ResponseWriter, *http.Request) {})
	}
	f.routes[route] = h
}

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("fake elasticsearch: reading body: %v", err)
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var qs []string
	for _, k := range keys {
		qs = append(qs, k+"="+strings.Join(q[k], ","))
	}
	rec := request{Method: r.Method, Path: r.URL.Path, Query: strings.Join(qs, "&"), Body: body, Auth: r.Header.Get("Authorization")}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	_, pattern := f.mux.Handler(r)
	h := f.routes[pattern]
	f.mu.Unlock()

	status, resp := http.StatusNotFound, indexNotFound(strings.Trim(strings.Split(r.URL.Path, "/")[1], "/"))
	if h != nil {
		status, resp = h(rec)
	}
	if !f.openSearch {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, resp)
}

// take returns the requests received so far and forgets them.
func (f *fakeES) take() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// acknowledge answers the setup routes as a healthy cluster does.
func (f *fakeES) acknowledge() {
	f.on("PUT /_index_template/{name}", func(request) (int, string) { return 200, `{"acknowledged":true}` })
	f.on("PUT /_ilm/policy/{name}", func(request) (int, string) { return 200, `{"acknowledged":true}` })
	f.on("PUT /{index}", func(r request) (int, string) {
		return 200, fmt.Sprintf(`{"acknowledged":true,"shards_acknowledged":true,"index":%q}`, strings.TrimPrefix(r.Path, "/"))
	})
}

// Real Elasticsearch 8 error bodies.

func indexNotFound(name string) string {
	return fmt.Sprintf(`{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [%[1]s]","resource.type":"index_or_alias","resource.id":"%[1]s","index_uuid":"_na_","index":"%[1]s"}],"type":"index_not_found_exception","reason":"no such index [%[1]s]","resource.type":"index_or_alias","resource.id":"%[1]s","index_uuid":"_na_","index":"%[1]s"},"status":404}`, name)
}

func alreadyExists(name string) string {
	return fmt.Sprintf(`{"error":{"root_cause":[{"type":"resource_already_exists_exception","reason":"index [%[1]s/Nk1pS3lqRvGdUu0a3MpGJQ] already exists","index_uuid":"Nk1pS3lqRvGdUu0a3MpGJQ","index":"%[1]s"}],"type":"resource_already_exists_exception","reason":"index [%[1]s/Nk1pS3lqRvGdUu0a3MpGJQ] already exists","index_uuid":"Nk1pS3lqRvGdUu0a3MpGJQ","index":"%[1]s"},"status":400}`, name)
}

// bulkAction is one action and document of a bulk request body.
type bulkAction struct {
	Op    string
	Index string
	ID    string
	Doc   json.RawMessage
}

// parseBulk reads an NDJSON bulk body: an action line, then a source line for index.
func parseBulk(t *testing.T, body []byte) []bulkAction {
	t.Helper()
	var out []bulkAction
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var meta map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &meta); err != nil || len(meta) != 1 {
			t.Fatalf("bulk action line %q: %v", sc.Text(), err)
		}
		for op, m := range meta {
			a := bulkAction{Op: op, Index: m.Index, ID: m.ID}
			if op != "delete" {
				if !sc.Scan() {
					t.Fatalf("bulk: %s %s has no source line", op, m.ID)
				}
				a.Doc = append(json.RawMessage{}, sc.Bytes()...)
			}
			out = append(out, a)
		}
	}
	return out
}

// bulkItem is the answer for one bulk action: 0 status means 201 created.
type bulkItem struct {
	Status int
	Type   string
	Reason string
	Cause  string // caused_by reason (type illegal_argument_exception)
}

// bulkResponse writes a real bulk answer for actions.
func bulkResponse(actions []bulkAction, answer func(a bulkAction) bulkItem) string {
	var items []string
	errorsSeen := false
	for i, a := range actions {
		it := answer(a)
		if it.Status == 0 || it.Status == 201 {
			items = append(items, fmt.Sprintf(`{%q:{"_index":%q,"_id":%q,"_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":%d,"_primary_term":1,"status":201}}`, a.Op, a.Index, a.ID, i))
			continue
		}
		errorsSeen = true
		errObj := fmt.Sprintf(`{"type":%q,"reason":%q`, it.Type, it.Reason)
		if it.Cause != "" {
			errObj += fmt.Sprintf(`,"caused_by":{"type":"illegal_argument_exception","reason":%q}`, it.Cause)
		}
		errObj += "}"
		items = append(items, fmt.Sprintf(`{%q:{"_index":%q,"_id":%q,"status":%d,"error":%s}}`, a.Op, a.Index, a.ID, it.Status, errObj))
	}
	return fmt.Sprintf(`{"took":12,"errors":%t,"items":[%s]}`, errorsSeen, strings.Join(items, ","))
}

// newTestBackend returns a Backend on f with the default configuration, quick retries
// and the given changes.
func newTestBackend(t *testing.T, f *fakeES, change func(c *config.ElasticConfig)) *Backend {
	t.Helper()
	cfg := config.Default().Index.Elastic
	cfg.URLs = []string{f.srv.URL}
	cfg.RetryBackoff = time.Millisecond
	if change != nil {
		change(&cfg)
	}
	b, err := New(cfg, []string{"en", "fr", "ru"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// transcript renders requests for a golden file: the request line, then the body with
// JSON indented (each NDJSON line separately).
func transcript(reqs []request) string {
	var sb strings.Builder
	for _, r := range reqs {
		sb.WriteString(r.line())
		sb.WriteString("\n")
		for _, l := range bytes.Split(bytes.TrimSpace(r.Body), []byte("\n")) {
			if len(l) == 0 {
				continue
			}
			var buf bytes.Buffer
			if json.Indent(&buf, l, "", "  ") == nil {
				sb.Write(buf.Bytes())
			} else {
				sb.Write(l)
			}
			sb.WriteString("\n")
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing lines of two texts.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want: %s\n  got: %s", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}
