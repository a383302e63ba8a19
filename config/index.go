package config

import (
	"fmt"
	"time"
)

// IndexConfig configures the search backend and the indexing stage.
type IndexConfig struct {
	// Backend is "bleve" (embedded, default) or "elasticsearch".
	Backend string `yaml:"backend"`
	// BlevePath is the Bleve index directory, relative to data_dir unless absolute.
	BlevePath string `yaml:"bleve_path"`
	// BatchSize and FlushInterval bound a write batch.
	BatchSize     int           `yaml:"batch_size"`
	FlushInterval time.Duration `yaml:"flush_interval"`
	Elastic       ElasticConfig `yaml:"elasticsearch"`
}

// ElasticConfig is the Elasticsearch connection and index layout.
type ElasticConfig struct {
	URLs     []string `yaml:"urls"`
	CloudID  string   `yaml:"cloud_id"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	APIKey   string   `yaml:"api_key"`
	CAFile   string   `yaml:"ca_file"`
	// IndexPrefix names the monthly indices (PREFIX-2026.11) and the read alias (PREFIX).
	IndexPrefix string `yaml:"index_prefix"`
	// Retention deletes indices older than this through a lifecycle policy; 0 keeps all.
	Retention time.Duration `yaml:"retention"`
}

func indexDefaults() IndexConfig {
	return IndexConfig{
		Backend:       "bleve",
		BlevePath:     "index.bleve",
		BatchSize:     500,
		FlushInterval: 500 * time.Millisecond,
		Elastic:       ElasticConfig{IndexPrefix: "wirewatch-articles"},
	}
}

func (c *IndexConfig) validate() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	switch c.Backend {
	case "bleve":
		if c.BlevePath == "" {
			add("index.bleve_path", "must not be empty with index.backend bleve")
		}
	case "elasticsearch":
		if len(c.Elastic.URLs) == 0 && c.Elastic.CloudID == "" {
			add("index.elasticsearch.urls", "set urls or cloud_id with index.backend elasticsearch")
		}
	default:
		add("index.backend", "must be bleve or elasticsearch, not %q", c.Backend)
	}
	if c.BatchSize < 1 {
		add("index.batch_size", "must be at least 1")
	}
	if c.FlushInterval <= 0 {
		add("index.flush_interval", "must be positive")
	}
	return errs
}
