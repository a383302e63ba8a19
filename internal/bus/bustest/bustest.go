// Package bustest gives tests of the stages a real Kafka-protocol broker: the embedded
// kfake broker on loopback, reached over TCP through kafka-go, with the pipeline's topics.
package bustest

import (
	"context"
	"log/slog"
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
	cfg := config.Default().Kafka
	cfg.Partitions = 2
	c, err := bus.NewClient(cfg, e.Addrs(), logger)
	if err != nil {
		t.Fatalf("kafka client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.EnsureTopics(ctx); err != nil {
		t.Fatalf("creating topics: %v", err)
	}
	return e, c
}

// Produce writes raw messages to topic (key, value pairs) and waits for the acks.
func Produce(t testing.TB, c *bus.Client, topic string, msgs ...kafka.Message) {
	t.Helper()
	w := c.Writer(topic)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("producing to %s: %v", topic, err)
	}
}

// Read reads topic from the start, over all partitions, until it has n messages or the
// timeout passes, and returns what it read.
func Read(t testing.TB, c *bus.Client, topic string, n int, timeout time.Duration) []kafka.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: c.Brokers(), GroupTopics: []string{topic}, GroupID: "bustest-" + topic + "-" + time.Now().Format("150405.000000000"),
		StartOffset: kafka.FirstOffset, MaxWait: 250 * time.Millisecond, HeartbeatInterval: 500 * time.Millisecond,
		SessionTimeout: 6 * time.Second, RebalanceTimeout: 5 * time.Second, JoinGroupBackoff: 500 * time.Millisecond,
	})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			break
		}
		out = append(out, m)
	}
	return out
}

// Header returns the value of header key on m.
func Header(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
