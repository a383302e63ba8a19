// Package config is wirewatch's typed configuration: a YAML file, then WIREWATCH_* environment
// overrides, on top of the defaults in Default. Validate names the offending key in every
// error. The Config is passed explicitly to each stage; there is no global.
//
// It is plain data at the bottom of the flow and imports no other wirewatch package but
// the data files of wirewatch/config (ReadDataFile), built into the binary.
// What only a stage can judge is checked by that stage, with errors that still name the
// key: the saved searches' queries and channels by the alert stage (alert.ValidateConfig).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration. Each stage reads its own section.
type Config struct {
	// DataDir holds all local state: the embedded broker's log, the Bleve index, feed state.
	DataDir string        `yaml:"data_dir"`
	Log     LogConfig     `yaml:"log"`
	Kafka   KafkaConfig   `yaml:"kafka"`
	Ingest  IngestConfig  `yaml:"ingest"`
	Process ProcessConfig `yaml:"process"`
	Index   IndexConfig   `yaml:"index"`
	Alert   AlertConfig   `yaml:"alert"`
	Serve   ServeConfig   `yaml:"serve"`

	// MemoryLimitMB is the process's soft memory limit in MiB (debug.SetMemoryLimit): the Go
	// runtime collects garbage more often as the heap nears it, trading CPU for a lower peak.
	// It is soft: a process whose live heap needs more still takes it, and the limit in
	// force then follows the live heap with room to spare (internal/memlimit), so the
	// collector never thrashes. DefaultMemoryLimitMB unless set; 0 sets none. GOMEMLIMIT,
	// when set in the environment, wins over it, as in any Go program.
	MemoryLimitMB int `yaml:"memory_limit_mb"`
}

// LogConfig sets up the slog logger.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // json or text
}

// KafkaConfig says where the topics live.
type KafkaConfig struct {
	// Brokers of a real cluster. Empty: start the embedded Kafka-protocol broker.
	Brokers []string `yaml:"brokers"`
	// EmbeddedAddr is the listen address of the embedded broker (loopback; port 0 picks one).
	EmbeddedAddr string      `yaml:"embedded_addr"`
	Partitions   int         `yaml:"partitions"` // for topics wirewatch creates
	Replication  int         `yaml:"replication"`
	GroupPrefix  string      `yaml:"group_prefix"` // consumer groups are GroupPrefix + stage
	Topics       TopicConfig `yaml:"topics"`
	// ClientID names this process to the brokers.
	ClientID string `yaml:"client_id"`
	// SASL / TLS for a real cluster.
	TLS      bool   `yaml:"tls"`
	CAFile   string `yaml:"ca_file"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// Mechanism is "plain" or "scram-sha-512" when Username is set.
	Mechanism string `yaml:"mechanism"`
	// MaxMessageBytes bounds one record a writer sends (key, value and headers). A larger
	// record is refused before it is sent, alone: its batch neighbours are still written.
	// It must stay below the brokers' message.max.bytes (1 MiB by default).
	MaxMessageBytes int `yaml:"max_message_bytes"`
	// HandleAttempts is how many times a consumer tries a failing batch before it handles
	// its records one at a time, and how many times it tries a record alone before it
	// dead-letters it and moves on. Failures a stage marks as a downstream outage do not
	// count: those are retried until they pass.
	HandleAttempts int `yaml:"handle_attempts"`
	// RetryBackoff is the wait after a failed attempt; it doubles up to 30 s.
	RetryBackoff time.Duration `yaml:"retry_backoff"`
	// RawRetention is how long the raw topic keeps articles (its retention.ms, set when
	// wirewatch creates it): how far back `wirewatch reprocess` can re-enrich the archive.
	// An existing topic keeps its own setting (deployments/kafka/topics.sh sets it).
	RawRetention time.Duration `yaml:"raw_retention"`
}

// TopicConfig names the topics.
type TopicConfig struct {
	Raw      string `yaml:"raw"`
	Enriched string `yaml:"enriched"`
	DLQ      string `yaml:"dlq"`
	Feeds    string `yaml:"feeds"`  // feed list shared by pollers
	State    string `yaml:"state"`  // compacted feed state
	Alerts   string `yaml:"alerts"` // matched alerts
	Searches string `yaml:"searches"`
	Stories  string `yaml:"stories"` // story assignments every process instance reads whole
}

// ServeConfig configures the HTTP API and UI.
type ServeConfig struct {
	Addr string `yaml:"addr"`
	// Token, when set, is required as "Authorization: Bearer TOKEN" (or ?token=) on every request.
	Token string `yaml:"token"`
	// AllowOpen lets the server listen on a non-loopback address without a token. Without
	// it such a configuration is refused, so the index is not opened to a network by mistake.
	AllowOpen bool `yaml:"allow_open"`
	// ShutdownTimeout bounds graceful shutdown of the HTTP server.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// SearchTimeout bounds each search the API runs (a page of an export, a backfill);
	// past it the search is cancelled and the answer is a 503.
	SearchTimeout time.Duration `yaml:"search_timeout"`
}

// DefaultMemoryLimitMB is memory_limit_mb unless set: a node running every stage on the
// full knowledge base with a backlog of 10,000 articles peaks under 500 MB of RSS with it
// (its live heap is 150-270 MB at the collections; without a limit the heap grows to twice
// that), for about 3% more CPU per article (README, "Sizing").
const DefaultMemoryLimitMB = 384

// Default returns the configuration used when nothing is set: embedded broker and Bleve
// under ./data, the project's starter feed list.
func Default() Config {
	return Config{
		DataDir:       "data",
		MemoryLimitMB: DefaultMemoryLimitMB,
		Log:           LogConfig{Level: "info", Format: "json"},
		Kafka: KafkaConfig{
			EmbeddedAddr: "127.0.0.1:0",
			Partitions:   4,
			Replication:  1,
			GroupPrefix:  "wirewatch-",
			ClientID:     "wirewatch",
			// Under kafka-go's writer batch limit and the brokers' 1 MiB default, with room
			// for the record framing.
			MaxMessageBytes: 900 << 10,
			HandleAttempts:  5,
			RetryBackoff:    200 * time.Millisecond,
			RawRetention:    30 * 24 * time.Hour,
			Topics: TopicConfig{
				Raw:      "wirewatch.articles.raw",
				Enriched: "wirewatch.articles.enriched",
				DLQ:      "wirewatch.dlq",
				Feeds:    "wirewatch.feeds",
				State:    "wirewatch.feeds.state",
				Alerts:   "wirewatch.alerts",
				Searches: "wirewatch.searches",
				Stories:  "wirewatch.stories",
			},
		},
		Ingest:  ingestDefaults(),
		Process: processDefaults(),
		Index:   indexDefaults(),
		Alert:   alertDefaults(),
		Serve:   ServeConfig{Addr: "127.0.0.1:8080", ShutdownTimeout: 10 * time.Second, SearchTimeout: 10 * time.Second},
	}
}

// Load reads the YAML file at path (none if path is ""), applies environment overrides from
// environ (KEY=VALUE pairs, as os.Environ returns) and validates the result. Relative file
// paths (topics, OPML, entities) are relative to the working directory (the default topics
// and OPML files are built in when missing there: ReadDataFile); data files
// (bleve_path, state_path) to data_dir.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("reading config: %w", err)
		}
		if err := decodeStrict(b, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func decodeStrict(b []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, errEOF) {
			return nil
		}
		return err
	}
	return nil
}

// Validate checks every section and returns all problems, each naming its key.
func (c *Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(c.DataDir) == "" {
		add("data_dir", "must not be empty")
	}
	if c.MemoryLimitMB < 0 {
		add("memory_limit_mb", "must be 0 (no limit) or a size in MiB, not %d", c.MemoryLimitMB)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		add("log.format", "must be json or text, not %q", c.Log.Format)
	}
	for i, b := range c.Kafka.Brokers {
		if !strings.Contains(b, ":") {
			add(fmt.Sprintf("kafka.brokers[%d]", i), "%q has no port (host:port)", b)
		}
	}
	if c.Kafka.Partitions < 1 {
		add("kafka.partitions", "must be at least 1, not %d", c.Kafka.Partitions)
	}
	if c.Kafka.Replication < 1 {
		add("kafka.replication", "must be at least 1, not %d", c.Kafka.Replication)
	}
	if c.Kafka.MaxMessageBytes < 16<<10 {
		add("kafka.max_message_bytes", "must be at least 16384, not %d", c.Kafka.MaxMessageBytes)
	}
	if c.Kafka.HandleAttempts < 1 {
		add("kafka.handle_attempts", "must be at least 1, not %d", c.Kafka.HandleAttempts)
	}
	if c.Kafka.RetryBackoff <= 0 {
		add("kafka.retry_backoff", "must be positive")
	}
	if c.Kafka.RawRetention < time.Hour {
		add("kafka.raw_retention", "must be at least 1h, not %s", c.Kafka.RawRetention)
	}
	topics := map[string]string{
		"kafka.topics.raw": c.Kafka.Topics.Raw, "kafka.topics.enriched": c.Kafka.Topics.Enriched,
		"kafka.topics.dlq": c.Kafka.Topics.DLQ, "kafka.topics.feeds": c.Kafka.Topics.Feeds,
		"kafka.topics.state": c.Kafka.Topics.State, "kafka.topics.alerts": c.Kafka.Topics.Alerts,
		"kafka.topics.searches": c.Kafka.Topics.Searches, "kafka.topics.stories": c.Kafka.Topics.Stories,
	}
	for key, name := range topics {
		if name == "" {
			add(key, "must not be empty")
		}
	}
	errs = append(errs, c.Serve.validate()...)
	errs = append(errs, c.Ingest.validate()...)
	errs = append(errs, c.Process.validate()...)
	errs = append(errs, c.Index.validate()...)
	errs = append(errs, c.Alert.validate()...)
	return errors.Join(errs...)
}

// FieldError is a validation error on one configuration key.
type FieldError struct {
	Key string // dotted path, e.g. "ingest.feeds[3].url"
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

// Path resolves p against the data directory unless it is absolute.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.DataDir, p)
}

func (c *ServeConfig) validate() []error {
	switch {
	case c.Addr == "":
		return []error{&FieldError{Key: "serve.addr", Msg: "must not be empty"}}
	case c.Token == "" && !c.AllowOpen && !loopbackAddr(c.Addr):
		return []error{&FieldError{Key: "serve.token", Msg: fmt.Sprintf(
			"must be set when serve.addr %q is not a loopback address (or set serve.allow_open: true to serve without one)", c.Addr)}}
	case c.SearchTimeout <= 0:
		return []error{&FieldError{Key: "serve.search_timeout", Msg: "must be positive"}}
	}
	return nil
}

// loopbackAddr reports whether a listen address (host:port) accepts connections from this
// machine only. An empty host listens on every interface; a host name other than localhost
// may resolve anywhere, so it counts as open.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
