package bus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"wirewatch/internal/config"
)

// Client holds what every producer and consumer of one process shares: the brokers, the
// TLS and SASL settings, and the topic names.
type Client struct {
	brokers []string
	cfg     config.KafkaConfig
	dialer  *kafka.Dialer
	tls     *tls.Config
	sasl    sasl.Mechanism
	logger  *slog.Logger

	mu        sync.Mutex
	consumers map[*Consumer]bool // running, for Health
}

// NewClient prepares connections to brokers (the configured cluster, or the embedded
// broker's addresses).
func NewClient(cfg config.KafkaConfig, brokers []string, logger *slog.Logger) (*Client, error) {
	if len(brokers) == 0 {
		return nil, errors.New("kafka: no brokers")
	}
	c := &Client{brokers: brokers, cfg: cfg, logger: logger}
	if cfg.TLS {
		c.tls = &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.CAFile != "" {
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("kafka.ca_file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("kafka.ca_file %s: no PEM certificate found", cfg.CAFile)
			}
			c.tls.RootCAs = pool
		}
	}
	if cfg.Username != "" {
		switch cfg.Mechanism {
		case "", "plain":
			c.sasl = plain.Mechanism{Username: cfg.Username, Password: cfg.Password}
		case "scram-sha-512", "scram-sha-256":
			algo := scram.SHA512
			if cfg.Mechanism == "scram-sha-256" {
				algo = scram.SHA256
			}
			m, err := scram.Mechanism(algo, cfg.Username, cfg.Password)
			if err != nil {
				return nil, fmt.Errorf("kafka.mechanism: %w", err)
			}
			c.sasl = m
		default:
			return nil, fmt.Errorf("kafka.mechanism: %q is not plain, scram-sha-256 or scram-sha-512", cfg.Mechanism)
		}
	}
	c.dialer = &kafka.Dialer{
		ClientID:      cfg.ClientID,
		Timeout:       10 * time.Second,
		DualStack:     true,
		TLS:           c.tls,
		SASLMechanism: c.sasl,
	}
	return c, nil
}

// stuckAfter is how many failures in a row make a consumer count as stuck for Health: one
// failed attempt is often a passing hiccup (a broker moving a leader), retried at once.
const stuckAfter = 2

// Health returns nil when no running consumer of this client is stuck (stuckAfter failures
// in a row on one batch), else an error naming each stuck stage, where it is stuck and why
// (for /readyz).
func (c *Client) Health() error {
	c.mu.Lock()
	cons := make([]*Consumer, 0, len(c.consumers))
	for k := range c.consumers {
		cons = append(cons, k)
	}
	c.mu.Unlock()
	var stuck []*Stuck
	for _, k := range cons {
		if s := k.Stuck(); s != nil && s.Attempts >= stuckAfter {
			stuck = append(stuck, s)
		}
	}
	slices.SortFunc(stuck, func(a, b *Stuck) int { return strings.Compare(a.Stage, b.Stage) })
	errs := make([]error, len(stuck))
	for i, s := range stuck {
		errs[i] = s
	}
	return errors.Join(errs...)
}

func (c *Client) track(k *Consumer, running bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.consumers == nil {
		c.consumers = map[*Consumer]bool{}
	}
	if running {
		c.consumers[k] = true
	} else {
		delete(c.consumers, k)
	}
}

// partitionEnds returns the high-water marks of topic's partitions in pos.
func (c *Client) partitionEnds(ctx context.Context, topic string, pos map[int]int64) (map[int]int64, error) {
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for p := range pos {
		req.Topics[topic] = append(req.Topics[topic], kafka.LastOffsetOf(p))
	}
	res, err := c.admin(5*time.Second).ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("listing offsets of %s: %w", topic, err)
	}
	ends := map[int]int64{}
	for _, po := range res.Topics[topic] {
		if po.Error == nil {
			ends[po.Partition] = po.LastOffset
		}
	}
	return ends, nil
}

// Topics returns the configured topic names.
func (c *Client) Topics() config.TopicConfig { return c.cfg.Topics }

// Brokers returns the broker addresses.
func (c *Client) Brokers() []string { return c.brokers }

// transport gives each writer and admin client its own transport: the shared default one
// caches metadata for 6 s, which hides freshly created topics (DESIGN.md).
func (c *Client) transport() *kafka.Transport {
	return &kafka.Transport{
		ClientID:    c.cfg.ClientID,
		TLS:         c.tls,
		SASL:        c.sasl,
		DialTimeout: 10 * time.Second,
		MetadataTTL: 2 * time.Second,
	}
}

// admin returns a client for admin calls (metadata, offsets, topic creation) through the
// client's own transport, whose calls time out after timeout.
func (c *Client) admin(timeout time.Duration) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.brokers...), Transport: c.transport(), Timeout: timeout}
}

// StoriesRetention is how long the stories topic keeps an assignment: longer than the
// default story window (72 h), so a restarted processor finds every story still open. A
// process.story_window above it needs the topic's retention.ms raised to match.
const StoriesRetention = 7 * 24 * time.Hour

// EnsureTopics creates every topic wirewatch uses when it does not exist yet: the
// pipeline's topics (kafka.topics) and the alert stage's delivery topic
// (alert.delivery_topic). Existing topics are left as they are. This is the only place
// that creates the pipeline's topics (CompareThroughput creates and deletes its own).
func (c *Client) EnsureTopics(ctx context.Context, alerts config.AlertConfig) error {
	t := c.cfg.Topics
	compact := []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}}
	specs := []kafka.TopicConfig{
		// The raw topic is the archive `wirewatch reprocess` re-enriches from: it keeps
		// kafka.raw_retention (30 days by default) of articles.
		{Topic: t.Raw, ConfigEntries: []kafka.ConfigEntry{
			{ConfigName: "retention.ms", ConfigValue: strconv.FormatInt(c.cfg.RawRetention.Milliseconds(), 10)}}},
		{Topic: t.Enriched},
		{Topic: t.DLQ},
		{Topic: t.Alerts},
		{Topic: t.Feeds, ConfigEntries: compact},
		{Topic: t.State, ConfigEntries: compact},
		// One partition each: the searches topic's partition 0 elects the digest sender
		// (alert.digest.group), and the delivery records are read whole by every instance.
		{Topic: t.Searches, ConfigEntries: compact, NumPartitions: 1},
		{Topic: alerts.DeliveryTopic, ConfigEntries: compact, NumPartitions: 1},
		// Story assignments, keyed by article ID: a story only needs them for its window
		// (process.story_window, 72 h by default), so they are deleted after 7 days.
		{Topic: t.Stories, ConfigEntries: []kafka.ConfigEntry{
			{ConfigName: "cleanup.policy", ConfigValue: "compact,delete"},
			{ConfigName: "retention.ms", ConfigValue: strconv.FormatInt(StoriesRetention.Milliseconds(), 10)}}},
	}
	for i := range specs {
		if specs[i].NumPartitions == 0 {
			specs[i].NumPartitions = c.cfg.Partitions
		}
		specs[i].ReplicationFactor = c.cfg.Replication
	}
	return c.createTopics(ctx, specs)
}

// createTopics creates the topics of specs that do not exist yet, leaves the others as
// they are, and returns once every broker knows them all.
func (c *Client) createTopics(ctx context.Context, specs []kafka.TopicConfig) error {
	admin := c.admin(15 * time.Second)
	var resp *kafka.CreateTopicsResponse
	// The embedded broker may still be electing its controller right after start.
	err := retry(ctx, 20, 250*time.Millisecond, func() error {
		var err error
		resp, err = admin.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: specs})
		return err
	})
	if err != nil {
		return fmt.Errorf("creating topics on %v: %w", c.brokers, err)
	}
	var errs []error
	for name, err := range resp.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("creating topic %s: %w", name, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return c.awaitTopics(ctx, topicNames(specs), 0)
}

// DeleteTopics deletes topics and the records they hold; a topic that does not exist is
// no error. It is for a run's own topics (wirewatch bench --live), never the pipeline's
// in production: nothing asks who still reads them.
func (c *Client) DeleteTopics(ctx context.Context, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	resp, err := c.admin(15*time.Second).DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: topics})
	if err != nil {
		return fmt.Errorf("deleting topics %v on %v: %w", topics, c.brokers, err)
	}
	var errs []error
	for name, err := range resp.Errors {
		if err != nil && !errors.Is(err, kafka.UnknownTopicOrPartition) {
			errs = append(errs, fmt.Errorf("deleting topic %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Ping checks that a broker answers a metadata request.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.admin(5*time.Second).Metadata(ctx, &kafka.MetadataRequest{Topics: []string{c.cfg.Topics.Raw}})
	if err != nil {
		return fmt.Errorf("asking %v for metadata: %w", c.brokers, err)
	}
	return nil
}

// groupReader returns a consumer-group reader tuned for quick joins and rebalances
// (kafka-go's defaults take 9 s to join and 18 s to rebalance). Offsets are committed
// explicitly by the caller, never automatically.
func (c *Client) groupReader(topic, stage string) *kafka.Reader {
	cfg := groupReaderConfig(c.brokers, c.cfg.GroupPrefix+stage, topic, c.fetchMaxBytes())
	cfg.Dialer = c.dialer
	cfg.Logger = kafka.LoggerFunc(c.debugf)
	cfg.ErrorLogger = kafka.LoggerFunc(c.errorf)
	cfg.WatchPartitionChanges = true
	cfg.PartitionWatchInterval = partitionWatchInterval
	return kafka.NewReader(cfg)
}

// groupReaderConfig is the group timings and fetch sizes every consumer group reader
// shares, the bench's raw baseline included; maxBytes is Client.fetchMaxBytes.
func groupReaderConfig(brokers []string, group, topic string, maxBytes int) kafka.ReaderConfig {
	return kafka.ReaderConfig{
		Brokers:           brokers,
		GroupID:           group,
		Topic:             topic,
		HeartbeatInterval: heartbeatInterval,
		SessionTimeout:    defaultSessionTimeout,
		RebalanceTimeout:  rebalanceTimeout,
		JoinGroupBackoff:  joinGroupBackoff,
		MaxWait:           250 * time.Millisecond,
		MinBytes:          1,
		MaxBytes:          maxBytes,
		StartOffset:       kafka.FirstOffset,
		CommitInterval:    0,
	}
}

// fetchMaxBytes is what a reader asks a broker for per fetch: the largest batch a bus
// writer sends (Writer's BatchBytes), so that a batch always fits whole (a broker hands
// over a first batch larger than the fetch's bound anyway). Fetches of 10 MB held
// buffers of that size per partition in the embedded broker while a stage caught up.
func (c *Client) fetchMaxBytes() int { return c.maxMessageBytes() + recordFraming }

func (c *Client) debugf(msg string, args ...any) {
	if c.logger.Enabled(context.Background(), slog.LevelDebug) {
		c.logger.Debug(fmt.Sprintf(msg, args...), "component", "kafka-go")
	}
}

func (c *Client) errorf(msg string, args ...any) {
	text := fmt.Sprintf(msg, args...)
	// kafka-go's reader sets its read deadline to exactly MaxWait, the time a broker holds a
	// fetch on an idle partition, so an idle long-poll often ends in "i/o timeout" and is
	// retried at once. That is routine, not a problem worth a warning; anything else is.
	if strings.Contains(text, "i/o timeout") && strings.Contains(text, "reading partition") {
		c.debugf("%s", text)
		return
	}
	c.logger.Warn(text, "component", "kafka-go")
}

func retry(ctx context.Context, attempts int, wait time.Duration, f func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = f(); err == nil {
			return nil
		}
		if !isTransient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
	return err
}

// isTransient reports whether err is one a cluster heals from by itself: a network error
// (a broker down or restarting) or a retriable Kafka error (a leader or group coordinator
// moving, a coordinator still loading).
func isTransient(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || isRetriableKafka(err)
}

func isRetriableKafka(err error) bool {
	var kerr kafka.Error
	if errors.As(err, &kerr) {
		return kerr.Temporary()
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}
