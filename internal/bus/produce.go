package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/compress"
	"github.com/segmentio/kafka-go/compress/snappy"

	"wirewatch/internal/article"
)

// kafka-go's snappy codec compresses with s2's "better" mode by default: about twice the CPU
// of plain snappy's mode for 3% smaller batches of article JSON, the largest single cost of
// producing (5% of a backlog's CPU was in it). Java's and librdkafka's producers use plain
// snappy; so does every writer of this process (the codec is kafka-go's global one). Readers
// decode either.
func init() { compress.SnappyCodec.Compression = snappy.FasterCompression }

// Header keys on dead letters.
const (
	HeaderStage     = "wirewatch-stage"
	HeaderError     = "wirewatch-error"
	HeaderTopic     = "wirewatch-topic"
	HeaderPartition = "wirewatch-partition"
	HeaderOffset    = "wirewatch-offset"
	HeaderTime      = "wirewatch-time"
	HeaderSchema    = "wirewatch-schema"
	// HeaderOriginalBytes is the dead-lettered record's size (key, value and headers).
	HeaderOriginalBytes = "wirewatch-original-bytes"
	// HeaderReference is set on a dead letter whose value is a Reference to the record,
	// which was too large to copy.
	HeaderReference = "wirewatch-reference"
	// HeaderReprocess ("1") marks an enriched article written again by a reprocess job
	// (process.Reprocessor): the index overwrites it, the alert stage does not alert on it.
	HeaderReprocess = "wirewatch-reprocess"
)

// ErrTooLarge marks a record over the writer's size limit (kafka.max_message_bytes), or one
// the broker refused as too large. Writing it again cannot help: the caller truncates it,
// refuses it, or dead-letters it (DeadLetters always fits a letter in).
var ErrTooLarge = errors.New("record too large")

// RecordErrors is the error of a Write in which records failed one by one: Errs[i] is the
// outcome of the i-th record (nil: written). errors.Is and errors.As see every record's
// error, so errors.Is(err, ErrTooLarge) tells that at least one was too large.
type RecordErrors struct {
	Errs []error
}

func (e *RecordErrors) Error() string {
	var first error
	n := 0
	for _, err := range e.Errs {
		if err != nil {
			if first == nil {
				first = err
			}
			n++
		}
	}
	return fmt.Sprintf("%d of %d records not written (first: %v)", n, len(e.Errs), first)
}

// Unwrap returns the records' errors.
func (e *RecordErrors) Unwrap() []error {
	var out []error
	for _, err := range e.Errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// recordFraming bounds what a record costs in a batch beyond its key, value and headers
// (lengths, timestamp, attributes; varints of a few headers), so that a record of exactly
// the limit still fits in the writer's batch.
const recordFraming = 16 << 10

// failoverAttempts is how many times the writer tries a batch while the partition's leader
// is unreachable or moving. kafka-go sleeps attempt²×100 ms, at most 1 s, between tries, so
// 36 tries span about 33 s. A killed leader stays the leader in the cluster's metadata until
// the controller fences it (broker.session.timeout.ms, 9 s by default), then the election and
// our 2 s metadata TTL follow: kafka-go's default of 10 tries (about 7 s) gave up before
// that, and a write failed with the dead leader's "connection refused".
const failoverAttempts = 36

// defaultMaxMessageBytes applies when the configuration leaves kafka.max_message_bytes unset.
const defaultMaxMessageBytes = 900 << 10

// Writer writes records to one topic. It is safe for concurrent use.
type Writer struct {
	w   *kafka.Writer
	max int
}

// Writer returns a synchronous writer to topic that waits for all in-sync replicas.
// Records are partitioned by key hash, so one key (an article, a feed, a search) always
// lands in one partition. Records over kafka.max_message_bytes are refused (ErrTooLarge).
func (c *Client) Writer(topic string) *Writer {
	return &Writer{max: c.maxMessageBytes(), w: &kafka.Writer{
		Addr:         kafka.TCP(c.brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		// The 1 s default caps synchronous writes near 1k msg/s (DESIGN.md).
		BatchTimeout: 5 * time.Millisecond,
		BatchBytes:   int64(c.maxMessageBytes() + recordFraming),
		BatchSize:    500,
		MaxAttempts:  failoverAttempts,
		Compression:  kafka.Snappy,
		Transport:    c.transport(),
		Logger:       kafka.LoggerFunc(c.debugf),
		ErrorLogger:  kafka.LoggerFunc(c.errorf),
	}}
}

// PromptWriter is Writer for records on a latency path (the alert stage's alerts and
// delivery records): a Write is sent at once instead of waiting BatchTimeout for other
// Writes to join its batch. The records of one Write still go in one request per partition.
func (c *Client) PromptWriter(topic string) *Writer {
	w := c.Writer(topic)
	w.w.BatchTimeout = time.Microsecond // kafka-go reads 0 as its 1 s default
	w.w.BatchSize = promptBatchSize
	return w
}

// promptBatchSize is the most records of a PromptWriter's request to one partition.
// kafka-go allocates a batch's whole BatchSize of messages (about 150 bytes each) when the
// batch begins, and a prompt writer's batches hold one Write's records, most often a
// single delivery record: at Writer's 500 that was 75 KB per Write, the alert stage's
// largest allocation per article. A Write of more records goes in several requests per
// partition, written in order.
const promptBatchSize = 64

func (c *Client) maxMessageBytes() int {
	if c.cfg.MaxMessageBytes > 0 {
		return c.cfg.MaxMessageBytes
	}
	return defaultMaxMessageBytes
}

// Write writes recs (their Key, Value, Headers and Time) and returns once Kafka
// acknowledged every one of them. The writer retries retriable broker errors itself; an
// error means some records may not have been written, and writing them again is the
// caller's choice. A record over the size limit is refused before anything is sent and
// the others are still written; whenever the outcome is known record by record the error
// is a *RecordErrors. Cancelling ctx abandons the wait, not necessarily the write.
func (w *Writer) Write(ctx context.Context, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	errs := make([]error, len(recs))
	failed := 0
	msgs := make([]kafka.Message, 0, len(recs))
	sent := make([]int, 0, len(recs))
	for i, r := range recs {
		if n := r.size(); n > w.max {
			errs[i] = fmt.Errorf("%w: %d bytes, over the %d of kafka.max_message_bytes", ErrTooLarge, n, w.max)
			failed++
			continue
		}
		msgs = append(msgs, r.message())
		sent = append(sent, i)
	}
	if len(msgs) > 0 {
		err := w.w.WriteMessages(ctx, msgs...)
		var werr kafka.WriteErrors
		switch {
		case err == nil:
		case errors.As(err, &werr) && len(werr) == len(msgs):
			for j, e := range werr {
				if e == nil {
					continue
				}
				if errors.Is(e, kafka.MessageSizeTooLarge) {
					e = fmt.Errorf("%w: %w", ErrTooLarge, e)
				}
				errs[sent[j]] = e
				failed++
			}
		case failed == 0:
			return err
		default:
			for _, i := range sent {
				errs[i] = err
			}
			failed += len(sent)
		}
	}
	if failed == 0 {
		return nil
	}
	return &RecordErrors{Errs: errs}
}

// MaxBytes returns the largest record the writer sends (key, value and headers).
func (w *Writer) MaxBytes() int { return w.max }

// Topic returns the topic the writer writes to.
func (w *Writer) Topic() string { return w.w.Topic }

// Close flushes and closes the writer.
func (w *Writer) Close() error { return w.w.Close() }

// ArticleWriter publishes articles keyed by ID. It is safe for concurrent use.
type ArticleWriter struct {
	w       *Writer
	metrics *Metrics
	extra   []Header // on every record, after the schema header
	// slabs are buffers of keys and values that Publish reuses (see there), at most
	// keptSlabs of them. Not a sync.Pool: a stage publishes a batch every second or so
	// under load, and a pool is emptied by every two garbage collections, which come more
	// often than that; a buffer then had to be grown again for most batches.
	slabs chan []byte
}

// keptSlabs is how many buffers an ArticleWriter keeps for Publish: one per Publish at a
// time that is usual (the process stage publishes one batch at a time; the poller's
// feeds may overlap).
const keptSlabs = 2

// WithHeaders returns a writer that adds h to every record it publishes. It shares p's
// connection: closing either closes both.
func (p *ArticleWriter) WithHeaders(h ...Header) *ArticleWriter {
	return &ArticleWriter{w: p.w, metrics: p.metrics, extra: append(slices.Clone(p.extra), h...), slabs: p.slabs}
}

// ArticleWriter returns a writer of articles to topic.
func (c *Client) ArticleWriter(topic string, m *Metrics) *ArticleWriter {
	return &ArticleWriter{w: c.Writer(topic), metrics: m, slabs: make(chan []byte, keptSlabs)}
}

// Publish writes arts and returns once Kafka acknowledged every one of them (acks=all).
// On error some may have been written; publishing them again is harmless because the
// key, the article ID, makes every sink overwrite. When the outcome is known article by
// article (one too large for a message, say) the error wraps a *RecordErrors whose Errs
// line up with arts, so the caller can refuse just those.
func (p *ArticleWriter) Publish(ctx context.Context, arts []*article.Article) error {
	if len(arts) == 0 {
		return nil
	}
	// The keys and values go end to end into one buffer kept from Publish to Publish, and
	// every record shares the headers, which the writer only reads.
	var buf []byte
	select {
	case buf = <-p.slabs:
	default:
	}
	buf = buf[:0]
	headers := append([]Header{{Key: HeaderSchema, Value: []byte(strconv.Itoa(article.SchemaVersion))}}, p.extra...)
	recs := make([]Record, 0, len(arts))
	for _, a := range arts {
		k := len(buf)
		buf = append(buf, a.ID...)
		v := len(buf)
		var err error
		if buf, err = article.AppendEncode(buf, a); err != nil {
			return err
		}
		// Full slice expressions: nothing appended later may write into a record's bytes.
		recs = append(recs, Record{Key: buf[k:v:v], Value: buf[v:len(buf):len(buf)], Headers: headers})
	}
	err := p.w.Write(ctx, recs...)
	// Once Write returned with ctx alive, kafka-go holds none of the records (the writer
	// is synchronous), and the buffer can serve the next Publish. When ctx ended first a
	// batch may still be on its way: the buffer is left to the garbage collector.
	if ctx.Err() == nil && cap(buf) <= maxSlab {
		select {
		case p.slabs <- buf:
		default:
		}
	}
	written := len(recs)
	var re *RecordErrors
	if errors.As(err, &re) {
		written -= len(re.Unwrap())
	} else if err != nil {
		written = 0
	}
	p.metrics.Produced.WithLabelValues(p.w.Topic()).Add(float64(written))
	if err != nil {
		return fmt.Errorf("publishing %d articles to %s: %w", len(recs), p.w.Topic(), err)
	}
	return nil
}

// Close flushes and closes the writer.
func (p *ArticleWriter) Close() error { return p.w.Close() }

// maxSlab bounds a buffer kept for the next Publish: a batch of large articles (up to
// kafka.max_message_bytes each) must not stay in memory as a kept buffer.
const maxSlab = 8 << 20

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
// keeps its record's key, value and headers and adds headers saying where it came from,
// how large it was and why it was dead-lettered. A letter that would not fit in a message
// is sent as a reference instead: the origin headers, the original record's size and a
// small JSON value (see Reference) in place of the value and the record's own headers, so
// dead-lettering never fails for size. The record itself stays in its topic until
// retention removes it.
func (d *DeadLetters) Send(ctx context.Context, letters ...Letter) error {
	if len(letters) == 0 {
		return nil
	}
	recs := make([]Record, 0, len(letters))
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for _, l := range letters {
		recs = append(recs, d.letter(l, now))
	}
	if err := d.w.Write(ctx, recs...); err != nil {
		return fmt.Errorf("dead-lettering %d messages: %w", len(recs), err)
	}
	d.metrics.DeadLettered.WithLabelValues(d.stage).Add(float64(len(recs)))
	return nil
}

// maxReason bounds the reason a dead letter carries.
const maxReason = 2 << 10

// maxRefKey bounds the key a reference letter keeps.
const maxRefKey = 1 << 10

// Reference is the value of a dead letter sent in place of a record too large to carry:
// where the record is and why it was dead-lettered.
type Reference struct {
	Topic     string `json:"topic"`
	Partition int    `json:"partition"`
	Offset    int64  `json:"offset"`
	Bytes     int    `json:"bytes"` // the record's size: key, value and headers
	Stage     string `json:"stage"`
	Reason    string `json:"reason"`
}

func (d *DeadLetters) letter(l Letter, now string) Record {
	in := l.Record
	reason := l.Reason.Error()
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "") + "…"
	}
	origin := []Header{
		{Key: HeaderStage, Value: []byte(d.stage)},
		{Key: HeaderError, Value: []byte(reason)},
		{Key: HeaderTopic, Value: []byte(in.Topic)},
		{Key: HeaderPartition, Value: []byte(strconv.Itoa(in.Partition))},
		{Key: HeaderOffset, Value: []byte(strconv.FormatInt(in.Offset, 10))},
		{Key: HeaderTime, Value: []byte(now)},
		{Key: HeaderOriginalBytes, Value: []byte(strconv.Itoa(in.size()))},
	}
	full := Record{Key: in.Key, Value: in.Value, Headers: append(append([]Header(nil), in.Headers...), origin...)}
	if full.size() <= d.w.MaxBytes() {
		return full
	}
	ref, _ := json.Marshal(Reference{Topic: in.Topic, Partition: in.Partition, Offset: in.Offset,
		Bytes: in.size(), Stage: d.stage, Reason: reason})
	key := in.Key
	if len(key) > maxRefKey {
		key = nil
	}
	return Record{Key: key, Value: ref, Headers: append(origin, Header{Key: HeaderReference, Value: []byte("1")})}
}

// Close flushes and closes the writer.
func (d *DeadLetters) Close() error { return d.w.Close() }
