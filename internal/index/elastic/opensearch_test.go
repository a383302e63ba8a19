package elastic

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/index"
)

// newFakeOpenSearch is a fake cluster that answers as OpenSearch 2 does: the bodies of
// Elasticsearch, without its product header.
func newFakeOpenSearch(t *testing.T, tls bool) *fakeES {
	t.Helper()
	f := newFakeES(t)
	if tls {
		f = newFakeESTLS(t)
	}
	f.openSearch = true
	return f
}

// newTestOpenSearch returns an OpenSearch Backend on f with the default configuration,
// quick retries and the given changes; logs go to logs when not nil.
func newTestOpenSearch(t *testing.T, f *fakeES, logs *bytes.Buffer, change func(c *config.OpenSearchConfig)) *Backend {
	t.Helper()
	cfg := config.Default().Index.OpenSearch
	cfg.URLs = []string{f.srv.URL}
	cfg.RetryBackoff = time.Millisecond
	if change != nil {
		change(&cfg)
	}
	logger := slog.New(slog.DiscardHandler)
	if logs != nil {
		logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	b, err := NewOpenSearch(cfg, []string{"en", "fr", "ru"}, logger)
	if err != nil {
		t.Fatalf("NewOpenSearch: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// Real OpenSearch 2.19 answers of the ISM plugin, and of a node without it.
const (
	ismPolicyMissing = `{"error":{"root_cause":[{"type":"status_exception","reason":"Policy not found"}],"type":"status_exception","reason":"Policy not found"},"status":404}`
	ismPolicyCreated = `{"_id":"wirewatch-articles-retention","_version":1,"_primary_term":1,"_seq_no":0,"policy":{"policy":{"policy_id":"wirewatch-articles-retention"}}}`
	ismPolicyFound   = `{"_id":"wirewatch-articles-retention","_version":3,"_seq_no":7,"_primary_term":2,"policy":{"policy_id":"wirewatch-articles-retention","default_state":"hot"}}`
	noHandler        = `{"error":"no handler found for uri [/_plugins/_ism/policies/wirewatch-articles-retention] and method [GET]"}`
)

// TestOpenSearchSetupWithRetention checks the ISM requests: the policy is read, created
// when missing, and replaced naming the version read (ISM refuses a bare overwrite), and
// the template attaches no ILM policy (OpenSearch refuses the setting).
func TestOpenSearchSetupWithRetention(t *testing.T) {
	f := newFakeOpenSearch(t, false)
	f.acknowledge()
	exists := false
	f.on("GET /_plugins/_ism/policies/{name}", func(request) (int, string) {
		if exists {
			return 200, ismPolicyFound
		}
		return 404, ismPolicyMissing
	})
	f.on("PUT /_plugins/_ism/policies/{name}", func(r request) (int, string) {
		if exists && !strings.Contains(r.Query, "if_seq_no=7") {
			return 409, `{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[wirewatch-articles-retention]: version conflict, document already exists (current version [3])"}],"type":"version_conflict_engine_exception","reason":"[wirewatch-articles-retention]: version conflict, document already exists (current version [3])"},"status":409}`
		}
		return 201, ismPolicyCreated
	})
	retention := func(c *config.OpenSearchConfig) { c.Retention = 90 * 24 * time.Hour }
	if err := newTestOpenSearch(t, f, nil, retention).Setup(context.Background()); err != nil {
		t.Fatalf("Setup on a new cluster: %v", err)
	}
	exists = true
	if err := newTestOpenSearch(t, f, nil, retention).Setup(context.Background()); err != nil {
		t.Fatalf("Setup again (a restart): %v", err)
	}
	reqs := f.take()
	for _, r := range reqs {
		if strings.Contains(string(r.Body), "lifecycle") {
			t.Errorf("%s sends an Elasticsearch lifecycle setting to OpenSearch: %s", r.line(), r.Body)
		}
	}
	golden(t, "setup/opensearch-retention.txt", transcript(reqs))
}

// TestOpenSearchWithoutISM: a node without the index-management plugin (as the Maven
// runner of the live tests) still gets its template, and the operator a warning.
func TestOpenSearchWithoutISM(t *testing.T) {
	f := newFakeOpenSearch(t, false)
	f.acknowledge()
	f.on("GET /_plugins/_ism/policies/{name}", func(request) (int, string) { return 400, noHandler })
	var logs bytes.Buffer
	b := newTestOpenSearch(t, f, &logs, func(c *config.OpenSearchConfig) { c.Retention = 30 * 24 * time.Hour })
	if err := b.Setup(context.Background()); err != nil {
		t.Fatalf("Setup without ISM: %v", err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "retention is NOT enforced") {
		t.Errorf("no warning that retention is not enforced; logs:\n%s", logs.String())
	}
	var lines []string
	for _, r := range f.take() {
		lines = append(lines, r.line())
	}
	if got := strings.Join(lines, "; "); got != "GET /_plugins/_ism/policies/wirewatch-articles-retention; PUT /_index_template/wirewatch-articles" {
		t.Errorf("requests %s: want the ISM probe, then the template", got)
	}
}

// TestOpenSearchMonthsHaveNoLifecycleSettings: OpenSearch refuses
// index.lifecycle.origination_date ("unknown setting"), which the live server showed and
// canned answers had hidden. A month is created with no settings of its own.
func TestOpenSearchMonthsHaveNoLifecycleSettings(t *testing.T) {
	f := newFakeOpenSearch(t, false)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	f.on("PUT /{index}", func(r request) (int, string) {
		if len(r.Body) > 0 {
			return 400, `{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"unknown setting [index.lifecycle.origination_date] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"}],"type":"illegal_argument_exception","reason":"unknown setting [index.lifecycle.origination_date] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"},"status":400}`
		}
		return 200, `{"acknowledged":true,"shards_acknowledged":true,"index":"` + strings.TrimPrefix(r.Path, "/") + `"}`
	})
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem { return bulkItem{} })
	b := newTestOpenSearch(t, f, nil, nil)
	errs, err := b.Write(context.Background(), testArticles())
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for i, e := range errs {
		if e != nil {
			t.Errorf("article %d: %v", i, e)
		}
	}
	created := 0
	for _, r := range f.take() {
		if r.Method == "PUT" && !strings.HasPrefix(r.Path, "/_") {
			created++
		}
	}
	if created != 2 {
		t.Errorf("%d monthly indices created, want 2 (October and November)", created)
	}
}

// TestOpenSearchErrorsNameTheServer: errors read the same bodies and say which server.
func TestOpenSearchErrorsNameTheServer(t *testing.T) {
	f := newFakeOpenSearch(t, false)
	f.on("POST /{index}/_search", func(request) (int, string) {
		return 400, `{"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query"}],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"caused_by":{"type":"query_shard_exception","reason":"failed to create query"}},"status":400}`
	})
	_, err := newTestOpenSearch(t, f, nil, nil).Search(context.Background(), index.Request{Query: "Lachin"})
	var osErr *Error
	if !errors.As(err, &osErr) || osErr.Server != "opensearch" || osErr.Type != "search_phase_execution_exception" ||
		!strings.Contains(err.Error(), "opensearch 400") || errors.Is(err, index.ErrRetryable) {
		t.Fatalf("got %v, want a permanent *Error from opensearch", err)
	}
}

// TestOpenSearchConnection checks what the OpenSearch client setup adds: basic auth, the
// CA file, and retries of 429 and 502-504, bounded by max_retries.
func TestOpenSearchConnection(t *testing.T) {
	tests := []struct {
		name      string
		tls       bool
		failures  []int // statuses of the first answers
		change    func(c *config.OpenSearchConfig, caFile string)
		wantAuth  string
		wantErr   string // substring of the Search error; "" for success
		wantTries int
	}{
		{name: "basic auth", change: func(c *config.OpenSearchConfig, _ string) { c.Username, c.Password = "wirewatch", "s3cret" },
			wantAuth: "Basic " + base64.StdEncoding.EncodeToString([]byte("wirewatch:s3cret")), wantTries: 1},
		{name: "https with the cluster's CA", tls: true, change: func(c *config.OpenSearchConfig, ca string) { c.CAFile = ca }, wantTries: 1},
		{name: "https without the CA", tls: true, change: func(*config.OpenSearchConfig, string) {}, wantErr: "certificate", wantTries: 0},
		{name: "429 and 503 retried", failures: []int{429, 503}, change: func(c *config.OpenSearchConfig, _ string) { c.MaxRetries = 3 }, wantTries: 3},
		{name: "retries bounded", failures: []int{502, 504, 503}, change: func(c *config.OpenSearchConfig, _ string) { c.MaxRetries = 2 }, wantErr: "opensearch 503", wantTries: 3},
		{name: "no retries", failures: []int{503}, change: func(c *config.OpenSearchConfig, _ string) { c.MaxRetries = 0 }, wantErr: "opensearch 503", wantTries: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOpenSearch(t, tt.tls)
			failures := tt.failures
			f.on("POST /{index}/_search", func(request) (int, string) {
				if len(failures) > 0 {
					status := failures[0]
					failures = failures[1:]
					return status, fmt.Sprintf(`{"error":{"root_cause":[],"type":"rejected_execution_exception","reason":"busy"},"status":%d}`, status)
				}
				return noHits()
			})
			ca := filepath.Join(t.TempDir(), "ca.pem")
			if tt.tls {
				pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
				if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			b := newTestOpenSearch(t, f, nil, func(c *config.OpenSearchConfig) { tt.change(c, ca) })
			_, err := b.Search(context.Background(), index.Request{Query: "Lachin"})
			reqs := f.take()
			if len(reqs) != tt.wantTries {
				t.Errorf("%d requests, want %d", len(reqs), tt.wantTries)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			if reqs[0].Auth != tt.wantAuth {
				t.Errorf("Authorization %q, want %q", reqs[0].Auth, tt.wantAuth)
			}
		})
	}
}

func TestNewOpenSearchErrors(t *testing.T) {
	cfg := config.Default().Index.OpenSearch
	cfg.URLs = []string{"http://localhost:9200"}
	cfg.CAFile = filepath.Join(t.TempDir(), "missing.pem")
	if _, err := NewOpenSearch(cfg, nil, nil); err == nil || !strings.Contains(err.Error(), "index.opensearch.ca_file") {
		t.Errorf("missing CA file: got %v, want an error naming index.opensearch.ca_file", err)
	}
}

// TestISMPolicy checks the policy against the ISM API's shape: a transition after the
// retention plus a month, a delete state, and the ism_template that attaches it.
func TestISMPolicy(t *testing.T) {
	raw, err := json.Marshal(ISMPolicy("news", 30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Policy struct {
			DefaultState string `json:"default_state"`
			States       []struct {
				Name        string           `json:"name"`
				Actions     []map[string]any `json:"actions"`
				Transitions []struct {
					StateName  string            `json:"state_name"`
					Conditions map[string]string `json:"conditions"`
				} `json:"transitions"`
			} `json:"states"`
			ISMTemplate []struct {
				IndexPatterns []string `json:"index_patterns"`
				Priority      int      `json:"priority"`
			} `json:"ism_template"`
		} `json:"policy"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	pol := p.Policy
	if pol.DefaultState != "hot" || len(pol.States) != 2 || pol.States[0].Name != "hot" || pol.States[1].Name != "delete" {
		t.Fatalf("states %+v, want hot then delete", pol)
	}
	if tr := pol.States[0].Transitions; len(tr) != 1 || tr[0].StateName != "delete" || tr[0].Conditions["min_index_age"] != "5270400s" { // 61 days
		t.Errorf("hot transitions %+v, want delete after 61 days (30 + 31)", tr)
	}
	if a := pol.States[1].Actions; len(a) != 1 || a[0]["delete"] == nil {
		t.Errorf("delete state actions %v", a)
	}
	if it := pol.ISMTemplate; len(it) != 1 || strings.Join(it[0].IndexPatterns, ",") != "news-*" || it[0].Priority != 200 {
		t.Errorf("ism_template %+v, want news-* at priority 200", it)
	}
}

func TestOpenSearchConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		change  func(c *config.OpenSearchConfig)
		wantKey string // "" for valid
	}{
		{"valid", func(*config.OpenSearchConfig) {}, ""},
		{"no address", func(c *config.OpenSearchConfig) { c.URLs = nil }, "index.opensearch.urls"},
		{"url without scheme", func(c *config.OpenSearchConfig) { c.URLs = []string{"http://os1:9200", "os2:9200"} }, "index.opensearch.urls[1]"},
		{"user without password", func(c *config.OpenSearchConfig) { c.Username = "u" }, "index.opensearch.password"},
		{"upper-case prefix", func(c *config.OpenSearchConfig) { c.IndexPrefix = "Wirewatch" }, "index.opensearch.index_prefix"},
		{"tiny retention", func(c *config.OpenSearchConfig) { c.Retention = time.Minute }, "index.opensearch.retention"},
		{"no shards", func(c *config.OpenSearchConfig) { c.Shards = 0 }, "index.opensearch.shards"},
		{"bad refresh", func(c *config.OpenSearchConfig) { c.Refresh = "soon" }, "index.opensearch.refresh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Index.Backend = "opensearch"
			cfg.Index.OpenSearch.URLs = []string{"http://localhost:9200"}
			tt.change(&cfg.Index.OpenSearch)
			err := cfg.Validate()
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !hasFieldError(err, tt.wantKey) {
				t.Fatalf("Validate: got %v, want an error for key %s", err, tt.wantKey)
			}
		})
	}
}
