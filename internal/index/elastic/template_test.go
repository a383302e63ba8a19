package elastic

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/query"
)

// templateFile is the exported template for operators who manage templates themselves.
const templateFile = "../../../deployments/elasticsearch/index-template.json"

// exportedTemplate is Template for the default configuration, as committed.
func exportedTemplate(t *testing.T) []byte {
	t.Helper()
	cfg := config.Default()
	b, err := json.MarshalIndent(Template(cfg.Index.Elastic, cfg.Process.Languages), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestTemplateFileUpToDate fails when the committed template no longer matches the code;
// go test -update rewrites it.
func TestTemplateFileUpToDate(t *testing.T) {
	want := exportedTemplate(t)
	if *update {
		if err := os.WriteFile(templateFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatalf("reading %s: %v (run go test ./index/elastic -run TemplateFile -update)", templateFile, err)
	}
	if string(got) != string(want) {
		t.Errorf("%s is stale (run go test ./index/elastic -run TemplateFile -update):\n%s", filepath.Clean(templateFile), diff(string(want), string(got)))
	}
}

func TestTemplateLanguages(t *testing.T) {
	tmpl := Template(config.Default().Index.Elastic, []string{"FR", "hy", "az", "uk", "fr-CA", "und", "fa"})
	inner := tmpl["template"].(map[string]any)
	props := inner["mappings"].(map[string]any)["properties"].(map[string]any)
	analysis := inner["settings"].(map[string]any)["analysis"].(map[string]any)
	analyzers := analysis["analyzer"].(map[string]any)
	filters := analysis["filter"].(map[string]any)
	for _, key := range []string{"fr", "hy", "az", "uk", "und", "fa"} {
		for _, field := range []string{"title_" + key, "body_" + key} {
			m, ok := props[field].(map[string]any)
			if !ok || m["analyzer"] != "ww_"+key {
				t.Errorf("%s: got %v, want a text field analysed by ww_%s", field, props[field], key)
			}
		}
		a, ok := analyzers["ww_"+key].(map[string]any)
		if !ok {
			t.Errorf("analyzer ww_%s is not defined", key)
			continue
		}
		for _, f := range a["filter"].([]string) {
			if strings.Contains(f, "stop") {
				t.Errorf("ww_%s drops stop words (%s); the matcher keeps them", key, f)
			}
			if strings.HasPrefix(f, "ww_") && filters[f] == nil {
				t.Errorf("ww_%s uses filter %s, which is not defined", key, f)
			}
		}
	}
	if got := analyzers["ww_fr"].(map[string]any)["filter"]; strings.Join(got.([]string), ",") != "lowercase,ww_elision_fr,ww_light_fr" {
		t.Errorf("ww_fr filters %v: want lower-case, elision, light French stemmer (as Bleve)", got)
	}
	if got := analyzers["ww_hy"].(map[string]any)["filter"]; strings.Join(got.([]string), ",") != "lowercase" {
		t.Errorf("ww_hy filters %v: want lower-case only", got)
	}
	if cf := analyzers["ww_fa"].(map[string]any)["char_filter"]; cf == nil || analysis["char_filter"] == nil {
		t.Errorf("Persian needs the zero-width non-joiner char filter")
	}
	count := 0
	for name := range props {
		if strings.HasPrefix(name, "title_") {
			count++
		}
	}
	if count != 6 { // fr (FR, fr-CA), hy, az, uk, fa, und
		t.Errorf("%d title fields, want 6 (case and region subtags merged)", count)
	}
}

func TestElasticConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		change  func(c *config.ElasticConfig)
		wantKey string // "" for valid
	}{
		{"valid", func(*config.ElasticConfig) {}, ""},
		{"no address", func(c *config.ElasticConfig) { c.URLs = nil }, "index.elasticsearch.urls"},
		{"urls and cloud id", func(c *config.ElasticConfig) { c.CloudID = "wirewatch:ZXUtd2VzdC0x" }, "index.elasticsearch.cloud_id"},
		{"url without scheme", func(c *config.ElasticConfig) { c.URLs = []string{"http://es1:9200", "es2:9200"} }, "index.elasticsearch.urls[1]"},
		{"api key and user", func(c *config.ElasticConfig) { c.APIKey = "a2V5"; c.Username = "u"; c.Password = "p" }, "index.elasticsearch.api_key"},
		{"user without password", func(c *config.ElasticConfig) { c.Username = "u" }, "index.elasticsearch.password"},
		{"upper-case prefix", func(c *config.ElasticConfig) { c.IndexPrefix = "Wirewatch" }, "index.elasticsearch.index_prefix"},
		{"prefix with a star", func(c *config.ElasticConfig) { c.IndexPrefix = "ww*" }, "index.elasticsearch.index_prefix"},
		{"prefix starting with _", func(c *config.ElasticConfig) { c.IndexPrefix = "_ww" }, "index.elasticsearch.index_prefix"},
		{"tiny retention", func(c *config.ElasticConfig) { c.Retention = time.Minute }, "index.elasticsearch.retention"},
		{"no shards", func(c *config.ElasticConfig) { c.Shards = 0 }, "index.elasticsearch.shards"},
		{"negative replicas", func(c *config.ElasticConfig) { c.Replicas = -1 }, "index.elasticsearch.replicas"},
		{"no workers", func(c *config.ElasticConfig) { c.BulkWorkers = 0 }, "index.elasticsearch.bulk_workers"},
		{"tiny flush", func(c *config.ElasticConfig) { c.FlushBytes = 10 }, "index.elasticsearch.flush_bytes"},
		{"negative retries", func(c *config.ElasticConfig) { c.MaxRetries = -1 }, "index.elasticsearch.max_retries"},
		{"zero backoff", func(c *config.ElasticConfig) { c.RetryBackoff = 0 }, "index.elasticsearch.retry_backoff"},
		{"bad refresh", func(c *config.ElasticConfig) { c.Refresh = "soon" }, "index.elasticsearch.refresh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Index.Backend = "elasticsearch"
			cfg.Index.Elastic.URLs = []string{"http://localhost:9200"}
			tt.change(&cfg.Index.Elastic)
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

// hasFieldError reports whether err (possibly joined) holds a *config.FieldError for key.
func hasFieldError(err error, key string) bool {
	if err == nil {
		return false
	}
	var fe *config.FieldError
	if errors.As(err, &fe) && fe.Key == key {
		return true
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if hasFieldError(e, key) {
				return true
			}
		}
	}
	return false
}

// TestTemplateHasQueryFields checks the mapping against the field names package query
// shares with the Bleve backend: a keyword field for every keyword value it indexes.
func TestTemplateHasQueryFields(t *testing.T) {
	props := Template(config.Default().Index.Elastic, query.DefaultLanguages)["template"].(map[string]any)["mappings"].(map[string]any)["properties"].(map[string]any)
	want := map[string]string{query.FieldID: "keyword", query.FieldURL: "keyword", query.IndexPublished: "date", query.IndexLocation: "geo_point"}
	for field := range query.KeywordValues(&article.Article{}) {
		want[field] = "keyword"
	}
	for _, key := range query.LangKeys(query.DefaultLanguages) {
		want[query.TitleField(key)] = "text"
		want[query.BodyField(key)] = "text"
	}
	for field, typ := range want {
		m, ok := props[field].(map[string]any)
		if !ok || m["type"] != typ {
			t.Errorf("%s: mapped as %v, want type %s", field, props[field], typ)
		}
	}
}
