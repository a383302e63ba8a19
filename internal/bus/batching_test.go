package bus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// TestConsumerFillsBatchesWhenBehindAndEndsThemWhenCaughtUp: a consumer behind its
// partitions hands over full batches; once it reached their ends it hands over what it
// has at once instead of waiting out its linger, so a lone record arrives in far less
// than the linger.
func TestConsumerFillsBatchesWhenBehindAndEndsThemWhenCaughtUp(t *testing.T) {
	testConsumerFillsBatchesWhenBehindAndEndsThemWhenCaughtUp(t, embedded())
}

func testConsumerFillsBatchesWhenBehindAndEndsThemWhenCaughtUp(t *testing.T, cl cluster) {
	c := cl.start(t)
	topic := c.Topics().Raw
	// Each of the topic's two partitions gets far more than a batch.
	const backlog, batchSize, linger = 1200, 256, time.Minute
	bustest.Produce(t, c, topic, keyed("backlog", backlog)...)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var sizes []int
	handled := map[string]time.Time{}
	cons := c.Consumer(topic, "batching", bus.NewMetrics(prometheus.NewRegistry()),
		bus.ConsumerOptions{BatchSize: batchSize, Linger: linger})
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(_ context.Context, recs []bus.Record) error {
			mu.Lock()
			defer mu.Unlock()
			sizes = append(sizes, len(recs))
			for _, r := range recs {
				handled[string(r.Key)] = time.Now()
			}
			return nil
		})
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(handled)
	}
	// Well within the linger: the last batch of the backlog does not wait it out.
	waitUntil(t, linger/3, "the backlog handled", func() bool { return count() == backlog })
	mu.Lock()
	if len(sizes) == 0 || sizes[0] != batchSize {
		t.Errorf("batch sizes %v: want the first, read while far behind, full (%d)", sizes, batchSize)
	}
	mu.Unlock()

	bustest.Produce(t, c, topic, bus.Record{Key: []byte("lone"), Value: []byte("v")})
	written := time.Now()
	waitUntil(t, linger/3, "the lone record handled", func() bool { return count() == backlog+1 })
	mu.Lock()
	if waited := handled["lone"].Sub(written); waited >= linger/3 {
		t.Errorf("the lone record was handled %v after it was written: its batch waited for the linger (%v)", waited, linger)
	}
	if last := sizes[len(sizes)-1]; last != 1 {
		t.Errorf("the lone record came in a batch of %d, want 1", last)
	}
	mu.Unlock()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("consumer: %v", err)
	}
}
