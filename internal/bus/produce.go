package bus

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"wirewatch/internal/article"
)

// Header keys on dead letters.
const (
	HeaderStage     = "wirewatch-stage"
	HeaderError     = "wirewatch-error"
	HeaderTopic     = "wirewatch-topic"
	HeaderPartition = "wirewatch-partition"
	HeaderOffset    = "wirewatch-offset"
	HeaderTime      = "wirewatch-time"
	HeaderSchema    = "wirewatch-schema"
)

// Writer writes records to one topic. It is safe for concurrent use.
type Writer struct {
	w *kafka.Writer
}

// Writer returns a synchronous writer to topic that waits for all in-sync replicas.
// Records are partitioned by key hash, so one key (an article, a feed, a search) always
// lands in one partition.
func (c *Client) Writer(topic string) *Writer {
	return &Writer{w: &kafka.Writer{
		Addr:         kafka.TCP(c.brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		// The 1 s default caps synchronous writes near 1k msg/s (DESIGN.md).
		BatchTimeout: 5 * time.Millisecond,
		BatchBytes:   900 << 10,
		BatchSize:    500,
		MaxAttempts:  10,
		Compression:  kafka.Snappy,
		Transport:    c.transport(),
		Logger:       kafka.LoggerFunc(c.debugf),
		ErrorLogger:  kafka.LoggerFunc(c.errorf),
	}}
}

// Write writes recs (their Key, Value, Headers and Time) and returns once Kafka
// acknowledged every one of them. The writer retries retriable broker errors itself; an
// error means some records may not have been written, and writing them again is the
// caller's choice. Cancelling ctx abandons the wait, not necessarily the write.
func (w *Writer) Write(ctx context.Context, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, len(recs))
	for i, r := range recs {
		msgs[i] = r.message()
	}
	return w.w.WriteMessages(ctx, msgs...)
}

// Topic returns the topic the writer writes to.
func (w *Writer) Topic() string { return w.w.Topic }

// Close flushes and closes the writer.
func (w *Writer) Close() error { return w.w.Close() }

// ArticleWriter publishes articles keyed by ID. It is safe for concurrent use.
type ArticleWriter struct {
	w       *Writer
	metrics *Metrics
}

// ArticleWriter returns a writer of articles to topic.
func (c *Client) ArticleWriter(topic string, m *Metrics) *ArticleWriter {
	return &ArticleWriter{w: c.Writer(topic), metrics: m}
}

// Publish writes arts and returns once Kafka acknowledged every one of them (acks=all).
// On error some may have been written; publishing them again is harmless because the
// key, the article ID, makes every sink overwrite.
func (p *ArticleWriter) Publish(ctx context.Context, arts []*article.Article) error {
	if len(arts) == 0 {
		return nil
	}
	recs := make([]Record, 0, len(arts))
	for _, a := range arts {
		b, err := article.Encode(a)
		if err != nil {
			return err
		}
		recs = append(recs, Record{
			Key:     []byte(a.ID),
			Value:   b,
			Headers: []Header{{Key: HeaderSchema, Value: []byte(strconv.Itoa(article.SchemaVersion))}},
		})
	}
	if err := p.w.Write(ctx, recs...); err != nil {
		return fmt.Errorf("publishing %d articles to %s: %w", len(recs), p.w.Topic(), err)
	}
	p.metrics.Produced.WithLabelValues(p.w.Topic()).Add(float64(len(recs)))
	return nil
}

// Close flushes and closes the writer.
func (p *ArticleWriter) Close() error { return p.w.Close() }

// DeadLetters writes messages a stage cannot process to the dead-letter topic, with the
// reason and the message's origin in headers.
type DeadLetters struct {
	w       *Writer
	stage   string
	metrics *Metrics
}

// DeadLetters returns the DLQ writer for stage.
func (c *Client) DeadLetters(stage string, m *Metrics) *DeadLetters {
	return &DeadLetters{w: c.Writer(c.cfg.Topics.DLQ), stage: stage, metrics: m}
}

// Letter is one record to dead-letter and why.
type Letter struct {
	Record Record
	Reason error
}

// Send writes the letters and returns once Kafka acknowledged them. Each dead letter
// keeps its record's key, value and headers and adds headers saying where it came from
// and why it was dead-lettered.
func (d *DeadLetters) Send(ctx context.Context, letters ...Letter) error {
	if len(letters) == 0 {
		return nil
	}
	recs := make([]Record, 0, len(letters))
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for _, l := range letters {
		in := l.Record
		h := append([]Header(nil), in.Headers...)
		h = append(h,
			Header{Key: HeaderStage, Value: []byte(d.stage)},
			Header{Key: HeaderError, Value: []byte(l.Reason.Error())},
			Header{Key: HeaderTopic, Value: []byte(in.Topic)},
			Header{Key: HeaderPartition, Value: []byte(strconv.Itoa(in.Partition))},
			Header{Key: HeaderOffset, Value: []byte(strconv.FormatInt(in.Offset, 10))},
			Header{Key: HeaderTime, Value: []byte(now)},
		)
		recs = append(recs, Record{Key: in.Key, Value: in.Value, Headers: h})
	}
	if err := d.w.Write(ctx, recs...); err != nil {
		return fmt.Errorf("dead-lettering %d messages: %w", len(recs), err)
	}
	d.metrics.DeadLettered.WithLabelValues(d.stage).Add(float64(len(recs)))
	return nil
}

// Close flushes and closes the writer.
func (d *DeadLetters) Close() error { return d.w.Close() }
