package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
)

// idleCaughtUp is how long a partition may return nothing before it counts as read to
// its end even though its last offsets were never seen (compaction can remove them).
const idleCaughtUp = 1500 * time.Millisecond

// Follow reads partitions of topic (nil: all of them) from their first offset, outside
// any consumer group, and keeps following them until ctx ends: every caller sees the
// whole topic, not a share of it. It is how an instance builds a complete view of a
// compacted topic (saved searches, feed lists, delivery records).
//
// apply is called for each record, never concurrently. ready, if not nil, is closed once
// every partition has been read up to the end it had when Follow started, so a caller can
// wait for a complete view before acting on it; a partition that stays idle for 1.5 s
// counts as read to its end, since compaction may have removed its last offsets. If
// Follow returns first, ready stays open, so wait on both.
//
// Follow returns nil when ctx ends, and an error (after stopping the other partitions)
// when it cannot list the topic's partitions or reading one fails for good; transient
// errors (a leader down or moving) are retried, by kafka-go and then here, until ctx ends. It returns only after all its goroutines did.
func (c *Client) Follow(ctx context.Context, topic string, partitions []int, apply func(Record), ready chan<- struct{}) error {
	spans, err := c.spans(ctx, topic, partitions)
	if err != nil {
		return err
	}
	var left atomic.Int64
	left.Store(int64(len(spans)))
	caughtUp := func() {
		if left.Add(-1) == 0 && ready != nil {
			close(ready)
		}
	}
	if len(spans) == 0 {
		if ready != nil {
			close(ready)
		}
		<-ctx.Done()
		return nil
	}
	var mu sync.Mutex
	serial := func(r Record) {
		mu.Lock()
		defer mu.Unlock()
		apply(r)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(spans))
	for i, sp := range spans {
		wg.Go(func() {
			if err := c.followPartition(ctx, topic, sp, serial, caughtUp); err != nil {
				errs[i] = err
				cancel() // a view missing a partition is no view: stop the others
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// span is a partition's offsets when Follow started: first is the oldest offset still
// held, end the offset the next record will get.
type span struct {
	partition  int
	first, end int64
}

// followQueue is how many records a follower's reader reads ahead of apply, per partition.
const followQueue = 16

func (c *Client) followPartition(ctx context.Context, topic string, sp span, apply func(Record), caughtUp func()) error {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     c.brokers,
		Dialer:      c.dialer,
		Topic:       topic,
		Partition:   sp.partition,
		StartOffset: kafka.FirstOffset,
		MinBytes:    1,
		MaxBytes:    c.fetchMaxBytes(),
		MaxWait:     250 * time.Millisecond,
		// A follower applies each record as it comes; kafka-go's 100 records read ahead
		// per partition were megabytes of enriched articles held by every follower.
		QueueCapacity: followQueue,
		Logger:        kafka.LoggerFunc(c.debugf),
		ErrorLogger:   kafka.LoggerFunc(c.errorf),
	})
	defer r.Close()
	var once sync.Once
	done := func() { once.Do(caughtUp) }
	if sp.end <= sp.first {
		done()
	}
	backoff := c.cfg.RetryBackoff
	for {
		fctx, cancel := context.WithTimeout(ctx, idleCaughtUp)
		m, err := r.FetchMessage(fctx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, context.DeadlineExceeded) {
			done()
			continue
		}
		if err != nil {
			if !isTransient(err) {
				return fmt.Errorf("following %s[%d]: %w", topic, sp.partition, err)
			}
			// kafka-go hands over an error after a few failed tries in a row (the
			// partition's leader died and its successor is not known yet) and keeps
			// trying: wait, and fetch again.
			c.logger.Warn("following; the partition's leader is unreachable", "topic", topic, "partition", sp.partition, "err", err, "retry_in", backoff)
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = c.cfg.RetryBackoff
		apply(recordOf(m))
		if m.Offset >= sp.end-1 {
			done()
		}
	}
}

// spans returns the first and end offsets of partitions of topic (nil: all). A topic
// created a moment ago may not be known to every broker yet: a real cluster propagates
// its metadata to the brokers one by one, so its metadata may lack it and a partition's
// new leader may answer Not Leader For Partition for a moment. Both are asked for again,
// with fresh metadata, for a few seconds.
func (c *Client) spans(ctx context.Context, topic string, partitions []int) ([]span, error) {
	var spans []span
	err := retry(ctx, 20, 250*time.Millisecond, func() error {
		var err error
		spans, err = c.spansOnce(ctx, topic, partitions)
		return err
	})
	return spans, err
}

func (c *Client) spansOnce(ctx context.Context, topic string, partitions []int) ([]span, error) {
	admin := c.admin(10 * time.Second)
	md, err := admin.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err == nil && len(md.Topics) == 1 && md.Topics[0].Error == nil && len(md.Topics[0].Partitions) == 0 {
		err = kafka.LeaderNotAvailable // created, partitions not known yet
	}
	if err == nil && len(md.Topics) == 1 {
		err = md.Topics[0].Error
	}
	if err != nil || len(md.Topics) != 1 {
		return nil, fmt.Errorf("reading metadata of topic %s: %w", topic, errors.Join(err, ctx.Err()))
	}
	all := md.Topics[0].Partitions
	var ids []int
	for _, p := range all {
		if partitions == nil || slices.Contains(partitions, p.ID) {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) < len(partitions) {
		return nil, fmt.Errorf("following topic %s: partitions %v asked for, %d exist", topic, partitions, len(all))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, id := range ids {
		req.Topics[topic] = append(req.Topics[topic], kafka.FirstOffsetOf(id), kafka.LastOffsetOf(id))
	}
	resp, err := admin.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("listing offsets of topic %s: %w", topic, err)
	}
	spans := make([]span, 0, len(ids))
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("listing offsets of %s[%d]: %w", topic, po.Partition, po.Error)
		}
		spans = append(spans, span{partition: po.Partition, first: po.FirstOffset, end: po.LastOffset})
	}
	return spans, nil
}

// ReadAll reads partitions of topic (nil: all of them) from their first offset to the end
// they had when it started, calling apply for each record, never concurrently, and then
// returns: the first half of Follow, for a caller that wants a snapshot of a compacted topic
// or the archive of a topic rather than a view that keeps up. A few records written after
// the start may be applied too. It returns ctx's error if ctx ended before the end.
func (c *Client) ReadAll(ctx context.Context, topic string, partitions []int, apply func(Record)) error {
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-ready:
		case <-fctx.Done():
		}
		cancel()
	})
	err := c.Follow(fctx, topic, partitions, apply, ready)
	cancel()
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case <-ready:
		return nil
	default:
		return ctx.Err()
	}
}
