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

// ArticleWriter publishes articles keyed by ID. It is safe for concurrent use.
type ArticleWriter struct {
	w       *kafka.Writer
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
	msgs := make([]kafka.Message, 0, len(arts))
	for _, a := range arts {
		b, err := article.Encode(a)
		if err != nil {
			return err
		}
		msgs = append(msgs, kafka.Message{
			Key:     []byte(a.ID),
			Value:   b,
			Headers: []kafka.Header{{Key: HeaderSchema, Value: []byte(strconv.Itoa(article.SchemaVersion))}},
		})
	}
	if err := p.w.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("publishing %d articles to %s: %w", len(msgs), p.w.Topic, err)
	}
	p.metrics.Produced.WithLabelValues(p.w.Topic).Add(float64(len(msgs)))
	return nil
}

// Close flushes and closes the writer.
func (p *ArticleWriter) Close() error { return p.w.Close() }

// DeadLetters writes messages a stage cannot process to the dead-letter topic, with the
// reason and the message's origin in headers.
type DeadLetters struct {
	w       *kafka.Writer
	stage   string
	metrics *Metrics
}

// DeadLetters returns the DLQ writer for stage.
func (c *Client) DeadLetters(stage string, m *Metrics) *DeadLetters {
	return &DeadLetters{w: c.Writer(c.cfg.Topics.DLQ), stage: stage, metrics: m}
}

// Letter is one message to dead-letter and why.
type Letter struct {
	Msg    kafka.Message
	Reason error
}

// Send writes the letters and returns once Kafka acknowledged them.
func (d *DeadLetters) Send(ctx context.Context, letters ...Letter) error {
	if len(letters) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, 0, len(letters))
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for _, l := range letters {
		h := append([]kafka.Header(nil), l.Msg.Headers...)
		h = append(h,
			kafka.Header{Key: HeaderStage, Value: []byte(d.stage)},
			kafka.Header{Key: HeaderError, Value: []byte(l.Reason.Error())},
			kafka.Header{Key: HeaderTopic, Value: []byte(l.Msg.Topic)},
			kafka.Header{Key: HeaderPartition, Value: []byte(strconv.Itoa(l.Msg.Partition))},
			kafka.Header{Key: HeaderOffset, Value: []byte(strconv.FormatInt(l.Msg.Offset, 10))},
			kafka.Header{Key: HeaderTime, Value: []byte(now)},
		)
		msgs = append(msgs, kafka.Message{Key: l.Msg.Key, Value: l.Msg.Value, Headers: h})
	}
	if err := d.w.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("dead-lettering %d messages: %w", len(msgs), err)
	}
	d.metrics.DeadLettered.WithLabelValues(d.stage).Add(float64(len(msgs)))
	return nil
}

// Close flushes and closes the writer.
func (d *DeadLetters) Close() error { return d.w.Close() }
