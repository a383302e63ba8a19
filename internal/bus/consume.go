package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
)

// BatchHandler handles a batch of records in offset order (per partition). It returns nil
// only when the outcome of every record is acknowledged downstream: its output written,
// or the record sent to the dead-letter topic. Any error means "retry the whole batch":
// the Consumer retries it with backoff, never skips it, and handlers are idempotent, so a
// retry overwrites. ctx is cancelled only when a drain deadline passes after shutdown
// began; the handler should then return, and the batch, uncommitted, is redone by the
// next run.
type BatchHandler func(ctx context.Context, recs []Record) error

// Consumer reads one topic in a consumer group and commits offsets only after its handler
// succeeded.
type Consumer struct {
	reader    *kafka.Reader
	stage     string
	batchSize int
	linger    time.Duration
	drain     time.Duration
	metrics   *Metrics
	logger    *slog.Logger
}

// ConsumerOptions tune batching.
type ConsumerOptions struct {
	BatchSize int           // most messages per batch (default 256)
	Linger    time.Duration // how long to wait to fill a batch after its first message (default 100 ms)
	Drain     time.Duration // on shutdown, how long the batch in hand may take to finish (default 30 s)
}

// Consumer returns a consumer of topic for stage; its group is the configured prefix + stage.
func (c *Client) Consumer(topic, stage string, m *Metrics, opts ConsumerOptions) *Consumer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.Linger <= 0 {
		opts.Linger = 100 * time.Millisecond
	}
	if opts.Drain <= 0 {
		opts.Drain = 30 * time.Second
	}
	return &Consumer{
		reader:    c.groupReader(topic, stage),
		stage:     stage,
		batchSize: opts.BatchSize,
		linger:    opts.Linger,
		drain:     opts.Drain,
		metrics:   m,
		logger:    c.logger.With("stage", stage, "topic", topic),
	}
}

// Run consumes until ctx ends. On shutdown it stops fetching, finishes and commits the batch
// in hand (bounded by the drain timeout), then closes the reader. A batch whose handler
// fails is retried with backoff and never skipped: a message is committed only after its
// outcome is acknowledged.
func (c *Consumer) Run(ctx context.Context, h BatchHandler) error {
	defer func() {
		if err := c.reader.Close(); err != nil {
			c.logger.Warn("closing reader", "err", err)
		}
	}()
	for {
		batch, err := c.fetchBatch(ctx)
		if len(batch) == 0 {
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: fetching: %w", c.stage, err)
			}
			continue
		}
		if err := c.handle(ctx, batch, recordsOf(batch), h); err != nil {
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
	batch := []kafka.Message{first}
	lingerCtx, cancel := context.WithTimeout(ctx, c.linger)
	defer cancel()
	for len(batch) < c.batchSize {
		m, err := c.reader.FetchMessage(lingerCtx)
		if err != nil {
			// Linger over or shutdown: handle what we have. A cancelled FetchMessage leaves
			// unread messages in the reader, so nothing is lost.
			break
		}
		batch = append(batch, m)
	}
	return batch, nil
}

// handle runs h on recs until it succeeds, then commits batch, the messages recs were read
// from. Shutdown (ctx) does not interrupt a batch in hand: the handler gets a context that
// ends only after the drain timeout.
func (c *Consumer) handle(ctx context.Context, batch []kafka.Message, recs []Record, h BatchHandler) error {
	start := time.Now()
	work, cancel := DrainContext(ctx, c.drain)
	defer cancel()
	backoff := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := h(work, recs)
		if err == nil {
			break
		}
		c.metrics.HandlerErrors.WithLabelValues(c.stage).Inc()
		if ctx.Err() != nil || work.Err() != nil {
			// Shutting down with the batch unfinished: leave it uncommitted; the next run redoes it.
			c.logger.Warn("batch not finished at shutdown; it will be redone", "messages", len(batch), "err", err)
			return nil
		}
		c.logger.Error("handling batch; retrying", "attempt", attempt, "messages", len(batch),
			"first_offset", batch[0].Offset, "partition", batch[0].Partition, "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
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
