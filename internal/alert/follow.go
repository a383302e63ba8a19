package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// follower reads every partition of a topic from its first offset and keeps following it,
// outside any consumer group: every instance needs the whole topic (all saved searches,
// all alerts, all delivery records), not a share of it.
type follower struct {
	brokers []string
	conns   conns
	topic   string
	logger  *slog.Logger
	// apply is called for each message, never concurrently.
	apply func(kafka.Message)
	mu    sync.Mutex
}

// idleCaughtUp is how long a partition may return nothing before it counts as read to
// its end even though its last offsets were never seen (compaction can remove them).
const idleCaughtUp = 1500 * time.Millisecond

// run follows the topic until ctx ends. ready is closed once every partition has been
// read up to the end it had when run started, so callers can wait for a complete view
// (all searches known, all past alerts seen) before acting on it.
func (f *follower) run(ctx context.Context, ready chan<- struct{}) error {
	ends, err := f.endOffsets(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	var pending sync.WaitGroup
	pending.Add(len(ends))
	errc := make(chan error, len(ends))
	for p, end := range ends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.partition(ctx, p, end, pending.Done); err != nil {
				errc <- err
			}
		}()
	}
	go func() {
		pending.Wait()
		close(ready)
	}()
	wg.Wait()
	close(errc)
	return <-errc
}

func (f *follower) endOffsets(ctx context.Context) (map[int]int64, error) {
	admin := f.conns.admin(f.brokers)
	admin.Timeout = 10 * time.Second
	var parts []kafka.Partition
	for attempt := 0; ; attempt++ {
		md, err := admin.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{f.topic}})
		if err == nil && len(md.Topics) == 1 && md.Topics[0].Error == nil && len(md.Topics[0].Partitions) > 0 {
			parts = md.Topics[0].Partitions
			break
		}
		if err == nil && len(md.Topics) == 1 {
			err = md.Topics[0].Error
		}
		if attempt >= 20 || ctx.Err() != nil {
			return nil, fmt.Errorf("reading metadata of topic %s: %w", f.topic, errors.Join(err, ctx.Err()))
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, p := range parts {
		req.Topics[f.topic] = append(req.Topics[f.topic], kafka.LastOffsetOf(p.ID))
	}
	resp, err := admin.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("listing offsets of topic %s: %w", f.topic, err)
	}
	ends := map[int]int64{}
	for _, po := range resp.Topics[f.topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("listing offsets of %s[%d]: %w", f.topic, po.Partition, po.Error)
		}
		ends[po.Partition] = po.LastOffset
	}
	return ends, nil
}

func (f *follower) partition(ctx context.Context, p int, end int64, caughtUp func()) error {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     f.brokers,
		Dialer:      f.conns.dialer,
		Topic:       f.topic,
		Partition:   p,
		StartOffset: kafka.FirstOffset,
		MinBytes:    1,
		MaxBytes:    10 << 20,
		MaxWait:     250 * time.Millisecond,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			f.logger.Warn(fmt.Sprintf(msg, args...), "component", "kafka-go", "topic", f.topic)
		}),
	})
	defer r.Close()
	var once sync.Once
	done := func() { once.Do(caughtUp) }
	if end <= 0 {
		done()
	}
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
			return fmt.Errorf("following %s[%d]: %w", f.topic, p, err)
		}
		f.mu.Lock()
		f.apply(m)
		f.mu.Unlock()
		if m.Offset >= end-1 {
			done()
		}
	}
}
