package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDefaultsAreValid(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if len(cfg.Kafka.Brokers) != 0 || cfg.Index.Backend != "bleve" {
		t.Errorf("defaults must be embedded: brokers %v, backend %q", cfg.Kafka.Brokers, cfg.Index.Backend)
	}
}

func TestValidationNamesTheKey(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		key  string
	}{
		{"feed scheme", "ingest:\n  feeds:\n    - url: https://ok.example/feed\n    - url: ftp://x.example/feed\n", "ingest.feeds[1].url"},
		{"feed missing", "ingest:\n  feeds:\n    - title: no url\n", "ingest.feeds[0].url"},
		{"broker port", "kafka:\n  brokers: [kafka-1]\n", "kafka.brokers[0]"},
		{"backend", "index:\n  backend: solr\n", "index.backend"},
		{"es urls", "index:\n  backend: elasticsearch\n", "index.elasticsearch.urls"},
		{"intervals", "ingest:\n  min_interval: 10m\n  max_interval: 1m\n", "ingest.max_interval"},
		{"log level", "log:\n  level: loud\n", "log.level"},
		{"language", "process:\n  languages: [fr, french]\n", "process.languages[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(path, []byte(tc.yaml), 0o644)
			_, err := Load(path, nil)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			if !strings.Contains(err.Error(), tc.key+":") {
				t.Errorf("error %q does not name %s", err, tc.key)
			}
		})
	}
}

func TestUnknownKeyIsAnErrorWithItsLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("serve:\n  addr: 127.0.0.1:9\n  adress: typo\n"), 0o644)
	_, err := Load(path, nil)
	if err == nil || !strings.Contains(err.Error(), "adress") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("want an error naming the unknown key and its line, got %v", err)
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	cfg, err := Load("", []string{
		"WIREWATCH_KAFKA_BROKERS=k1:9092, k2:9092",
		"WIREWATCH_INGEST_TIMEOUT=5s",
		"WIREWATCH_INGEST_ALLOW_PRIVATE=true",
		"WIREWATCH_INDEX_ELASTICSEARCH_INDEX_PREFIX=news",
		"WIREWATCH_INDEX_OPENSEARCH_INDEX_PREFIX=osnews",
		"WIREWATCH_PROCESS_WORKERS=3",
		"WIREWATCH_LIVE_KAFKA=127.0.0.1:19092", // exported by deployments/live/servers.sh env
		"WIREWATCH_BENCH_GROWTH=1000",          // read by a benchmark
		"HOME=/root",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Kafka.Brokers, []string{"k1:9092", "k2:9092"}) || cfg.Ingest.Timeout != 5*time.Second ||
		!cfg.Ingest.AllowPrivate || cfg.Index.Elastic.IndexPrefix != "news" || cfg.Process.Workers != 3 ||
		cfg.Index.OpenSearch.IndexPrefix != "osnews" {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	for _, bad := range []string{"WIREWATCH_INGEST_TIMEOUT=soon", "WIREWATCH_NO_SUCH_THING=1", "WIREWATCH_PROCESS_WORKERS=many"} {
		if _, err := Load("", []string{bad}); err == nil || !strings.Contains(err.Error(), strings.Split(bad, "=")[0]) {
			t.Errorf("%s: want an error naming the variable, got %v", bad, err)
		}
	}
}

// TestExampleDocumentsEveryOption keeps config/wirewatch.example.yaml complete: it must load,
// and every key of Config must appear in it.
func TestExampleDocumentsEveryOption(t *testing.T) {
	b, err := os.ReadFile("../../config/wirewatch.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("example is not YAML: %v", err)
	}
	var missing []string
	walkKeys(reflect.TypeOf(Config{}), "", func(path string) {
		if !hasPath(doc, strings.Split(path, ".")) {
			missing = append(missing, path)
		}
	})
	if len(missing) > 0 {
		t.Errorf("wirewatch.example.yaml does not document: %s", strings.Join(missing, ", "))
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, b, 0o644)
	if _, err := Load(path, nil); err != nil {
		t.Errorf("example does not load: %v", err)
	}
}

func walkKeys(t reflect.Type, prefix string, f func(string)) {
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		path := strings.TrimPrefix(prefix+"."+tag, ".")
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Duration(0)) && ft != reflect.TypeOf(time.Time{}) {
			walkKeys(ft, path, f)
			continue
		}
		f(path)
	}
}

func hasPath(doc map[string]any, path []string) bool {
	v, ok := doc[path[0]]
	if !ok {
		return false
	}
	if len(path) == 1 {
		return true
	}
	m, ok := v.(map[string]any)
	return ok && hasPath(m, path[1:])
}

// TestMemoryLimit checks memory_limit_mb: DefaultMemoryLimitMB unless set, set from the
// file and the environment, 0 (no limit) kept when written, and refused below zero with its
// key named.
func TestMemoryLimit(t *testing.T) {
	if got := Default().MemoryLimitMB; got != DefaultMemoryLimitMB {
		t.Errorf("default memory_limit_mb %d, want %d", got, DefaultMemoryLimitMB)
	}
	off := filepath.Join(t.TempDir(), "off.yaml")
	if err := os.WriteFile(off, []byte("memory_limit_mb: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if cfg, err := Load(off, nil); err != nil || cfg.MemoryLimitMB != 0 {
		t.Errorf("memory_limit_mb: 0 in the file gave %d, %v; want 0 (no limit)", cfg.MemoryLimitMB, err)
	}
	path := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(path, []byte("memory_limit_mb: 450\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, nil)
	if err != nil || cfg.MemoryLimitMB != 450 {
		t.Errorf("from the file: %d, %v; want 450", cfg.MemoryLimitMB, err)
	}
	cfg, err = Load(path, []string{"WIREWATCH_MEMORY_LIMIT_MB=300"})
	if err != nil || cfg.MemoryLimitMB != 300 {
		t.Errorf("from the environment: %d, %v; want 300", cfg.MemoryLimitMB, err)
	}
	if _, err := Load("", []string{"WIREWATCH_MEMORY_LIMIT_MB=-1"}); err == nil || !strings.Contains(err.Error(), "memory_limit_mb") {
		t.Errorf("memory_limit_mb -1: %v, want an error naming the key", err)
	}
}
