package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// IndexConfig configures the search backend and the indexing stage.
type IndexConfig struct {
	// Backend is "bleve" (embedded, default), "elasticsearch" or "opensearch".
	Backend string `yaml:"backend"`
	// BlevePath is the Bleve index directory, relative to data_dir unless absolute.
	BlevePath string `yaml:"bleve_path"`
	// BatchSize and FlushInterval bound a write batch. 250 by default: a Bleve batch holds
	// its articles' analysis and segment until written, ~100 KB an article, the largest
	// part of a node's live heap in a backlog; under the default memory_limit_mb, batches
	// of 500 made the collector run more than smaller batches cost the writes (README,
	// "Sizing").
	BatchSize     int              `yaml:"batch_size"`
	FlushInterval time.Duration    `yaml:"flush_interval"`
	Elastic       ElasticConfig    `yaml:"elasticsearch"`
	OpenSearch    OpenSearchConfig `yaml:"opensearch"`
}

// ClusterConfig is what an Elasticsearch and an OpenSearch cluster are configured with
// alike: the connection and the index layout. The backend code both servers share reads it.
type ClusterConfig struct {
	// URLs of the cluster's nodes (http or https).
	URLs []string `yaml:"urls"`
	// Basic auth.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// CAFile is a PEM file of certificate authorities trusted for https URLs.
	CAFile string `yaml:"ca_file"`
	// IndexPrefix names the monthly indices (PREFIX-2026.11) and the read alias (PREFIX).
	IndexPrefix string `yaml:"index_prefix"`
	// Retention deletes indices older than this through a lifecycle policy (ILM on
	// Elasticsearch, ISM on OpenSearch); 0 keeps all.
	Retention time.Duration `yaml:"retention"`
	// Shards and Replicas of each monthly index.
	Shards   int `yaml:"shards"`
	Replicas int `yaml:"replicas"`
	// ManageTemplates lets wirewatch install the index template and lifecycle policy at
	// start (ILM or ISM). Turn it off when operators manage them (deployments/elasticsearch has the
	// JSON); wirewatch then only checks at start that the template exists.
	ManageTemplates bool `yaml:"manage_templates"`
	// BulkWorkers is the number of bulk requests in flight; FlushBytes caps one request.
	BulkWorkers int `yaml:"bulk_workers"`
	FlushBytes  int `yaml:"flush_bytes"`
	// MaxRetries bounds the retries of a request (transport errors, 429, 502-504) and of
	// documents a bulk response rejected with 429 or 5xx; RetryBackoff is the first wait,
	// doubled on every retry.
	MaxRetries   int           `yaml:"max_retries"`
	RetryBackoff time.Duration `yaml:"retry_backoff"`
	// Refresh is the bulk refresh parameter: "" or "false" (default, documents become
	// searchable within the index refresh interval), "wait_for" or "true".
	Refresh string `yaml:"refresh"`
}

// ElasticConfig is the Elasticsearch connection and index layout: the shared settings,
// plus Elastic Cloud's ID and API keys.
type ElasticConfig struct {
	ClusterConfig `yaml:",inline"`
	// CloudID replaces URLs for Elastic Cloud.
	CloudID string `yaml:"cloud_id"`
	// APIKey (base64 "id:key") replaces basic auth; not both.
	APIKey string `yaml:"api_key"`
}

// OpenSearchConfig is the OpenSearch connection and index layout: the shared settings;
// OpenSearch has no cloud ID or API keys. Retention is enforced by the Index State
// Management plugin (ISM).
type OpenSearchConfig struct {
	ClusterConfig `yaml:",inline"`
}

// Cluster returns c as the ElasticConfig the backend code shared by both servers reads,
// with no cloud ID and no API key.
func (c OpenSearchConfig) Cluster() ElasticConfig {
	return ElasticConfig{ClusterConfig: c.ClusterConfig}
}

func indexDefaults() IndexConfig {
	// One set of cluster defaults for both servers.
	cluster := ClusterConfig{
		IndexPrefix:     "wirewatch-articles",
		Shards:          1,
		Replicas:        1,
		ManageTemplates: true,
		BulkWorkers:     2,
		FlushBytes:      5 << 20,
		MaxRetries:      3,
		RetryBackoff:    200 * time.Millisecond,
	}
	return IndexConfig{
		Backend:       "bleve",
		BlevePath:     "index.bleve",
		BatchSize:     250,
		FlushInterval: 500 * time.Millisecond,
		Elastic:       ElasticConfig{ClusterConfig: cluster},
		OpenSearch:    OpenSearchConfig{ClusterConfig: cluster},
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
		errs = append(errs, c.Elastic.validate()...)
	case "opensearch":
		errs = append(errs, c.OpenSearch.validate()...)
	default:
		add("index.backend", "must be bleve, elasticsearch or opensearch, not %q", c.Backend)
	}
	if c.BatchSize < 1 {
		add("index.batch_size", "must be at least 1")
	}
	if c.FlushInterval <= 0 {
		add("index.flush_interval", "must be positive")
	}
	return errs
}

func (c *ElasticConfig) validate() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: "index.elasticsearch." + key, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(c.URLs) == 0 && c.CloudID == "":
		add("urls", "set urls or cloud_id with index.backend elasticsearch")
	case len(c.URLs) > 0 && c.CloudID != "":
		add("cloud_id", "set urls or cloud_id, not both")
	}
	if c.APIKey != "" && c.Username != "" {
		add("api_key", "set api_key or username/password, not both")
	}
	return append(errs, c.validateCluster("index.elasticsearch.")...)
}

func (c *OpenSearchConfig) validate() []error {
	var errs []error
	if len(c.URLs) == 0 {
		errs = append(errs, &FieldError{Key: "index.opensearch.urls", Msg: "must list at least one node with index.backend opensearch"})
	}
	return append(errs, c.validateCluster("index.opensearch.")...)
}

// validateCluster checks the settings Elasticsearch and OpenSearch share; keys start
// with prefix.
func (c *ClusterConfig) validateCluster(prefix string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: prefix + key, Msg: fmt.Sprintf(format, args...)})
	}
	for i, raw := range c.URLs {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			add(fmt.Sprintf("urls[%d]", i), "%q is not a URL: %v", raw, err)
		case u.Scheme != "http" && u.Scheme != "https":
			add(fmt.Sprintf("urls[%d]", i), "%q must start with http:// or https://", raw)
		case u.Host == "":
			add(fmt.Sprintf("urls[%d]", i), "%q has no host", raw)
		}
	}
	if c.Username != "" && c.Password == "" {
		add("password", "must be set with username")
	}
	if msg := indexPrefixProblem(c.IndexPrefix); msg != "" {
		add("index_prefix", "%q %s", c.IndexPrefix, msg)
	}
	if c.Retention < 0 || (c.Retention > 0 && c.Retention < time.Hour) {
		add("retention", "must be 0 (keep all) or at least 1h, not %s", c.Retention)
	}
	if c.Shards < 1 {
		add("shards", "must be at least 1, not %d", c.Shards)
	}
	if c.Replicas < 0 {
		add("replicas", "must not be negative, not %d", c.Replicas)
	}
	if c.BulkWorkers < 1 {
		add("bulk_workers", "must be at least 1, not %d", c.BulkWorkers)
	}
	if c.FlushBytes < 1024 {
		add("flush_bytes", "must be at least 1024, not %d", c.FlushBytes)
	}
	if c.MaxRetries < 0 {
		add("max_retries", "must not be negative, not %d", c.MaxRetries)
	}
	if c.RetryBackoff <= 0 {
		add("retry_backoff", "must be positive, not %s", c.RetryBackoff)
	}
	switch c.Refresh {
	case "", "false", "true", "wait_for":
	default:
		add("refresh", "must be false, true or wait_for, not %q", c.Refresh)
	}
	return errs
}

// indexPrefixProblem says why p cannot start an Elasticsearch index name, or "" if it can.
// The rules are Elasticsearch's (lower case, none of \ / * ? " < > | , # : or space, no
// leading - _ +), less the room the "-YYYY.MM" suffix needs under the 255-byte limit.
func indexPrefixProblem(p string) string {
	switch {
	case p == "":
		return "must not be empty"
	case p != strings.ToLower(p):
		return "must be lower case"
	case strings.ContainsAny(p, `\/*?"<>|,#: `):
		return `must not contain \ / * ? " < > | , # : or spaces`
	case strings.ContainsAny(p[:1], "-_+."):
		return "must not start with - _ + or ."
	case len(p) > 200:
		return "is longer than 200 bytes"
	}
	return ""
}
