// Package bustest gives tests of the stages a real Kafka-protocol broker: the embedded
// kfake broker on loopback, reached over TCP through the bus client, with the pipeline's
// topics.
package bustest

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// Start starts a broker with its data in a temp dir, creates the topics (2 partitions each)
// and returns a client for it. The broker stops when the test ends.
func Start(t testing.TB) (*bus.Client, *bus.Metrics) {
	t.Helper()
	_, c := StartIn(t, t.TempDir(), slog.New(slog.DiscardHandler))
	return c, bus.NewMetrics(prometheus.NewRegistry())
}

// StartIn is Start for tests that restart the broker: its data is under dir, so a test
// can Close it and start another on the same dir, and it logs to logger. The broker also
// stops when the test ends (Close is idempotent).
func StartIn(t testing.TB, dir string, logger *slog.Logger) (*bus.Embedded, *bus.Client) {
	t.Helper()
	e, err := bus.StartEmbedded(dir, "127.0.0.1:0", logger)
	if err != nil {
		t.Fatalf("starting embedded broker: %v", err)
	}
	t.Cleanup(e.Close)
	cfg := config.Default()
	cfg.Kafka.Partitions = 2
	c, err := bus.NewClient(cfg.Kafka, e.Addrs(), logger)
	if err != nil {
		t.Fatalf("kafka client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.EnsureTopics(ctx, cfg.Alert); err != nil {
		t.Fatalf("creating topics: %v", err)
	}
	return e, c
}

// Produce writes records to topic and waits for the acks.
func Produce(t testing.TB, c *bus.Client, topic string, recs ...bus.Record) {
	t.Helper()
	w := c.Writer(topic)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.Write(ctx, recs...); err != nil {
		t.Fatalf("producing to %s: %v", topic, err)
	}
}

// Read reads topic from the start, over all partitions, until it has n records or the
// timeout passes, and returns what it read.
func Read(t testing.TB, c *bus.Client, topic string, n int, timeout time.Duration) []bus.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var mu sync.Mutex
	var out []bus.Record
	err := c.Follow(ctx, topic, nil, func(r bus.Record) {
		mu.Lock()
		defer mu.Unlock()
		if len(out) < n {
			out = append(out, r)
		}
		if len(out) >= n {
			cancel()
		}
	}, nil)
	if err != nil {
		t.Errorf("reading %s: %v", topic, err)
	}
	mu.Lock()
	defer mu.Unlock()
	return out
}

// Header returns the value of header key on r.
func Header(r bus.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// Count returns how many records topic holds, over all partitions, as its offsets say.
func Count(t testing.TB, brokers []string, topic string) int64 {
	t.Helper()
	admin := Admin(brokers)
	ctx := context.Background()
	md, err := admin.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err == nil && len(md.Topics) == 1 {
		err = md.Topics[0].Error
	}
	if err != nil || len(md.Topics) != 1 {
		t.Fatalf("reading metadata of %s: %v", topic, err)
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, p := range md.Topics[0].Partitions {
		req.Topics[topic] = append(req.Topics[topic], kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
	}
	res, err := admin.ListOffsets(ctx, req)
	if err != nil {
		t.Fatalf("listing offsets of %s: %v", topic, err)
	}
	var total int64
	for _, po := range res.Topics[topic] {
		total += po.LastOffset - po.FirstOffset
	}
	return total
}

// ProduceUnchecked writes one record with a bare writer whose batch limit is above the
// broker's, past the bus writers' kafka.max_message_bytes: the way a foreign producer puts
// an oversized message on a topic.
func ProduceUnchecked(t testing.TB, c *bus.Client, topic string, key, value []byte) {
	t.Helper()
	w := &kafka.Writer{Addr: kafka.TCP(c.Brokers()...), Topic: topic, BatchBytes: 2 << 20}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, kafka.Message{Key: key, Value: value}); err != nil {
		t.Fatalf("producing %d bytes to %s: %v", len(value), topic, err)
	}
}
