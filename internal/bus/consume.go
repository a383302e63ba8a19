package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// BatchHandler handles a batch of records in offset order (per partition). It returns nil
// only when the outcome of every record is acknowledged downstream: its output written,
// or the record sent to the dead-letter topic. Any error means "retry": the Consumer
// retries the batch with backoff, and handlers are idempotent, so a retry overwrites.
// When the batch keeps failing (kafka.handle_attempts), the Consumer hands it over one
// record at a time, and dead-letters a record that keeps failing alone, with the last
// error as the reason. An error that wraps ErrUnavailable says a system downstream is
// down, not that the records are bad: it is retried until it passes, and never leads to
// dead-lettering. ctx is cancelled only when a drain deadline passes after shutdown
// began; the handler should then return, and the batch, uncommitted, is redone by the
// next run.
type BatchHandler func(ctx context.Context, recs []Record) error

// ErrUnavailable marks a handler error caused by a system the stage depends on being
// unavailable (a search backend down), rather than by the records in hand.
var ErrUnavailable = errors.New("downstream unavailable")

// errStopping ends a retry loop when shutdown began with the batch unfinished.
var errStopping = errors.New("stopping")

// Consumer reads one topic in a consumer group and commits offsets only after its handler
// succeeded or the records it could not handle were dead-lettered.
type Consumer struct {
	client    *Client
	reader    *kafka.Reader
	dlq       *DeadLetters
	topic     string
	stage     string
	batchSize int
	maxBytes  int
	linger    time.Duration
	fill      bool
	drain     time.Duration
	attempts  int
	backoff   time.Duration
	metrics   *Metrics
	logger    *slog.Logger

	mu    sync.Mutex
	stuck *Stuck
}

// DefaultBatchBytes is ConsumerOptions.MaxBytes when unset: 16 MiB, three times what a
// batch of 500 enriched articles of 3 KB of text takes (~10 KB a record in the bench's
// heap profile), so that it ends no batch of usual articles early.
const DefaultBatchBytes = 16 << 20

// ConsumerOptions tune batching and retries.
type ConsumerOptions struct {
	BatchSize int // most messages per batch (default 256)
	// MaxBytes bounds a batch's keys and values in bytes (default DefaultBatchBytes): the
	// record that reaches it ends the batch, so a batch holds less than MaxBytes plus one
	// record (itself at most kafka.max_message_bytes). BatchSize alone bounds a batch of
	// usual articles; this bounds one of articles near the largest a message carries,
	// which BatchSize of them would make hundreds of megabytes held at once.
	MaxBytes int
	Linger   time.Duration // most a batch waits to fill while records are in flight (default 100 ms)
	Drain    time.Duration // on shutdown, how long the batch in hand may take to finish (default 30 s)
	Attempts int           // tries of a failing batch, then of each record alone (default kafka.handle_attempts)
	Backoff  time.Duration // first wait after a failure, doubling to 30 s (default kafka.retry_backoff)
	// Fill makes a batch wait out Linger even when the consumer has caught up, for a stage
	// whose cost is per batch more than per record (the indexer's write commits a segment):
	// a trickle then costs one batch per Linger, not one per record.
	Fill bool
}

// Consumer returns a consumer of topic for stage; its group is the configured prefix + stage.
func (c *Client) Consumer(topic, stage string, m *Metrics, opts ConsumerOptions) *Consumer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultBatchBytes
	}
	if opts.Linger <= 0 {
		opts.Linger = 100 * time.Millisecond
	}
	if opts.Drain <= 0 {
		opts.Drain = 30 * time.Second
	}
	if opts.Attempts <= 0 {
		opts.Attempts = max(1, c.cfg.HandleAttempts)
	}
	if opts.Backoff <= 0 {
		opts.Backoff = c.cfg.RetryBackoff
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 200 * time.Millisecond
	}
	return &Consumer{
		client:    c,
		reader:    c.groupReader(topic, stage),
		dlq:       c.DeadLetters(stage, m),
		topic:     topic,
		stage:     stage,
		batchSize: opts.BatchSize,
		maxBytes:  opts.MaxBytes,
		linger:    opts.Linger,
		fill:      opts.Fill,
		drain:     opts.Drain,
		attempts:  opts.Attempts,
		backoff:   opts.Backoff,
		metrics:   m,
		logger:    c.logger.With("stage", stage, "topic", topic),
	}
}

// Run consumes until ctx ends. On shutdown it stops fetching, finishes and commits the batch
// in hand (bounded by the drain timeout), then closes the reader. A batch whose handler
// fails is retried with backoff, then split into single records; a record that keeps
// failing alone is dead-lettered, so no record stalls the stage. While a batch keeps
// failing the consumer reports itself stuck (Stuck, Client.Health) and its lag, measured
// against the partition's end, grows.
func (c *Consumer) Run(ctx context.Context, h BatchHandler) error {
	c.client.track(c, true)
	defer c.client.track(c, false)
	defer func() {
		if err := c.reader.Close(); err != nil {
			c.logger.Warn("closing reader", "err", err)
		}
		if err := c.dlq.Close(); err != nil {
			c.logger.Warn("closing dead-letter writer", "err", err)
		}
	}()
	backoff := c.backoff
	for {
		batch, err := c.fetchBatch(ctx)
		if len(batch) == 0 {
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				if !isTransient(err) {
					return fmt.Errorf("%s: fetching: %w", c.stage, err)
				}
				// The reader hands over an error after failing to join its group a few
				// times in a row (a coordinator moving with a dead broker, or still loading
				// its offsets), or while a partition's leader moves, and keeps trying: wait,
				// and fetch again. A real cluster sends these when a broker restarts.
				c.logger.Warn("fetching; the reader keeps rejoining its group", "err", err, "retry_in", backoff)
				if !sleep(ctx, backoff) {
					return nil
				}
				backoff = min(backoff*2, 30*time.Second)
			}
			continue
		}
		backoff = c.backoff
		if err := c.handle(ctx, batch, h); err != nil {
			return err
		}
	}
}

func (c *Consumer) fetchBatch(ctx context.Context) ([]kafka.Message, error) {
	first, err := c.reader.FetchMessage(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		return nil, err
	}
	if !c.fill && c.caughtUp(first) {
		return []kafka.Message{first}, nil
	}
	batch := append(make([]kafka.Message, 0, c.batchSize), first)
	size := messageBytes(first)
	lingerCtx, cancel := context.WithTimeout(ctx, c.linger)
	defer cancel()
	for len(batch) < c.batchSize && size < c.maxBytes {
		m, err := c.reader.FetchMessage(lingerCtx)
		if err != nil {
			// Linger over or shutdown: handle what we have. A cancelled FetchMessage leaves
			// unread messages in the reader, so nothing is lost.
			break
		}
		batch = append(batch, m)
		size += messageBytes(m)
		if !c.fill && c.caughtUp(m) {
			break
		}
	}
	return batch, nil
}

// messageBytes is what m holds in memory for ConsumerOptions.MaxBytes: its key and value.
func messageBytes(m kafka.Message) int { return len(m.Key) + len(m.Value) }

// caughtUp reports whether the reader has nothing more in hand after m: m was the last
// record of its partition when it was fetched, and no other record waits in the reader's
// queue. A batch then ends at once instead of lingering for records that are not coming,
// so a lone record reaches its handler in milliseconds; a consumer that is behind never
// sees its partitions' ends and still fills its batches, and one that keeps up is handed
// what arrived since its last fetch. Records still on their way from another partition's
// fetch simply start the next batch. Where a partition's last offset holds no record for
// the reader (a transaction's commit marker), its batches linger as before.
// (Reader.Stats also resets the reader's counters; nothing else reads them.)
func (c *Consumer) caughtUp(m kafka.Message) bool {
	return m.Offset >= m.HighWaterMark-1 && c.reader.Stats().QueueLength == 0
}

// handle runs h on the batch until it succeeds, or, when it keeps failing, on each record
// alone, dead-lettering those that keep failing; then it commits the batch. Shutdown (ctx)
// does not interrupt a batch in hand: the handler gets a context that ends only after the
// drain timeout, and a batch unfinished then is left uncommitted for the next run.
func (c *Consumer) handle(ctx context.Context, batch []kafka.Message, h BatchHandler) error {
	start := time.Now()
	work, cancel := DrainContext(ctx, c.drain)
	defer cancel()
	defer c.setStuck(nil)
	recs := recordsOf(batch)
	pos := positions(recs)
	c.observeLag(pos, recs)
	err := c.try(ctx, work, recs, h, pos)
	if err != nil && !errors.Is(err, errStopping) {
		if len(recs) > 1 {
			c.logger.Warn("batch keeps failing; handling its records one at a time", "messages", len(recs),
				"first_offset", recs[0].Offset, "partition", recs[0].Partition, "err", err)
		}
		for _, r := range recs {
			if len(recs) > 1 {
				err = c.try(ctx, work, []Record{r}, h, pos)
			}
			if err != nil && !errors.Is(err, errStopping) {
				err = c.deadLetter(ctx, r, err, pos)
			}
			if errors.Is(err, errStopping) {
				break
			}
		}
	}
	if errors.Is(err, errStopping) {
		c.logger.Warn("batch not finished at shutdown; it will be redone", "messages", len(batch))
		return nil
	}
	commitCtx, cancelCommit := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelCommit()
	if err := c.reader.CommitMessages(commitCtx, batch...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return nil
		}
		// The outcome is already written; a lost commit only means the batch is redone.
		c.logger.Warn("committing offsets; the batch may be redone", "err", err)
		if ctx.Err() != nil {
			return nil
		}
	}
	c.metrics.Consumed.WithLabelValues(c.stage).Add(float64(len(batch)))
	c.metrics.BatchSeconds.WithLabelValues(c.stage).Observe(time.Since(start).Seconds())
	last := map[int]kafka.Message{}
	for _, m := range batch {
		last[m.Partition] = m
	}
	for p, m := range last {
		c.metrics.observeLag(c.stage, p, max(0, m.HighWaterMark-m.Offset-1))
	}
	return nil
}

// try runs h on recs until it succeeds, or until it failed c.attempts times with errors
// that do not wrap ErrUnavailable; it returns the last error then, and errStopping when
// shutdown began first. pos are the batch's first offsets, for the stuck report and lag.
func (c *Consumer) try(ctx, work context.Context, recs []Record, h BatchHandler, pos map[int]int64) error {
	backoff := c.backoff
	for attempt, counted := 1, 0; ; attempt++ {
		err := h(work, recs)
		if err == nil {
			return nil
		}
		c.metrics.HandlerErrors.WithLabelValues(c.stage).Inc()
		if ctx.Err() != nil || work.Err() != nil {
			return errStopping
		}
		if !errors.Is(err, ErrUnavailable) {
			counted++
		}
		c.failed(ctx, recs[0], err, pos)
		if counted >= c.attempts {
			return err
		}
		c.logger.Error("handling batch; retrying", "attempt", attempt, "messages", len(recs),
			"first_offset", recs[0].Offset, "partition", recs[0].Partition, "err", err, "retry_in", backoff)
		if !sleep(ctx, backoff) {
			return errStopping
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// deadLetter sends r to the dead-letter topic with reason, retrying until Kafka takes it:
// skipping it unrecorded is never an option.
func (c *Consumer) deadLetter(ctx context.Context, r Record, reason error, pos map[int]int64) error {
	c.logger.Error("record keeps failing alone; dead-lettering it and moving on", "partition", r.Partition,
		"offset", r.Offset, "attempts", c.attempts, "err", reason)
	backoff := c.backoff
	for {
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		err := c.dlq.Send(sendCtx, Letter{Record: r, Reason: fmt.Errorf("failing %d times: %w", c.attempts, reason)})
		cancel()
		if err == nil {
			return nil
		}
		c.failed(ctx, r, err, pos)
		if !sleep(ctx, backoff) {
			return errStopping
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// transient reports whether err is a network error or a broker error worth retrying.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Stuck says where a consumer's batch keeps failing and why.
type Stuck struct {
	Stage     string
	Topic     string
	Partition int
	Offset    int64
	Since     time.Time // the batch's first failure
	Attempts  int       // failures since then
	Err       string    // the last one
}

func (s *Stuck) Error() string {
	return fmt.Sprintf("%s stuck for %s at %s partition %d offset %d (%d failures): %s", s.Stage,
		time.Since(s.Since).Round(time.Second), s.Topic, s.Partition, s.Offset, s.Attempts, s.Err)
}

// Stuck returns where the consumer's batch keeps failing, or nil while it flows.
func (c *Consumer) Stuck() *Stuck {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stuck == nil {
		return nil
	}
	s := *c.stuck
	return &s
}

func (c *Consumer) setStuck(s *Stuck) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stuck = s
}

// failed records a failure at r in the stuck report and refreshes the lag from the
// partitions' ends, which move on while the consumer does not.
func (c *Consumer) failed(ctx context.Context, r Record, err error, pos map[int]int64) {
	c.mu.Lock()
	s := c.stuck
	if s == nil {
		s = &Stuck{Stage: c.stage, Topic: c.topic, Since: time.Now()}
		c.stuck = s
	}
	s.Partition, s.Offset, s.Err = r.Partition, r.Offset, err.Error()
	s.Attempts++
	c.mu.Unlock()
	ends, lerr := c.client.partitionEnds(ctx, c.topic, pos)
	if lerr != nil {
		c.logger.Debug("reading partition ends for the lag", "err", lerr)
		return
	}
	for p, end := range ends {
		c.metrics.observeLag(c.stage, p, max(0, end-pos[p]))
	}
}

// positions returns the first offset of recs in each partition: where the group stands
// until the batch is committed.
func positions(recs []Record) map[int]int64 {
	pos := map[int]int64{}
	for _, r := range recs {
		if p, ok := pos[r.Partition]; !ok || r.Offset < p {
			pos[r.Partition] = r.Offset
		}
	}
	return pos
}

// observeLag sets the lag as soon as a batch is fetched: what lies between the group's
// position and the partition's end, the batch in hand included.
func (c *Consumer) observeLag(pos map[int]int64, recs []Record) {
	hwm := map[int]int64{}
	for _, r := range recs {
		hwm[r.Partition] = max(hwm[r.Partition], r.HighWaterMark)
	}
	for p, end := range hwm {
		c.metrics.observeLag(c.stage, p, max(0, end-pos[p]))
	}
}

// DrainContext returns a context that is not cancelled with parent but ends drain after
// parent is cancelled, so that work in hand can finish when shutdown begins.
func DrainContext(parent context.Context, drain time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() {
		t := time.AfterFunc(drain, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	return work, func() { stop(); cancel() }
}
