package bus_test

import (
	"bytes"
	"context"
	"fmt"
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

// TestFillingConsumerWaitsOutItsLinger: with Fill, records written one at a time while the
// consumer keeps up still come in one batch per linger, not one batch each.
func TestFillingConsumerWaitsOutItsLinger(t *testing.T) {
	c := embedded().start(t)
	topic := c.Topics().Raw
	const linger = 2 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var sizes []int
	cons := c.Consumer(topic, "filling", bus.NewMetrics(prometheus.NewRegistry()),
		bus.ConsumerOptions{BatchSize: 256, Linger: linger, Fill: true})
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(_ context.Context, recs []bus.Record) error {
			mu.Lock()
			defer mu.Unlock()
			sizes = append(sizes, len(recs))
			return nil
		})
	}()
	total := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, s := range sizes {
			n += s
		}
		return n
	}
	// The group joins first: one record, handled, then a trickle within one linger.
	bustest.Produce(t, c, topic, bus.Record{Key: []byte("first"), Value: []byte("v")})
	waitUntil(t, 30*time.Second, "the first record handled", func() bool { return total() == 1 })
	for i := range 4 {
		bustest.Produce(t, c, topic, bus.Record{Key: fmt.Appendf(nil, "trickle-%d", i), Value: []byte("v")})
		time.Sleep(100 * time.Millisecond)
	}
	waitUntil(t, 3*linger, "the trickle handled", func() bool { return total() == 5 })
	mu.Lock()
	if got := sizes[1:]; len(got) != 1 || got[0] != 4 {
		t.Errorf("the trickle of 4 came in batches %v, want one batch of 4", got)
	}
	mu.Unlock()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("consumer: %v", err)
	}
}

// TestConsumerBoundsBatchesInBytes: a backlog of large records comes in batches that end
// at the record reaching MaxBytes, not at BatchSize records, and every record is handled.
// Without the bound the first batch, read while far behind, held all 40 (4 MB).
func TestConsumerBoundsBatchesInBytes(t *testing.T) {
	c := embedded().start(t)
	topic := c.Topics().Raw
	const backlog, recordBytes, maxBytes = 40, 100 << 10, 350 << 10
	recs := keyed("large", backlog)
	for i := range recs {
		recs[i].Value = bytes.Repeat([]byte{'x'}, recordBytes)
	}
	bustest.Produce(t, c, topic, recs...)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var batches [][]int // the value sizes of each batch
	handled := 0
	cons := c.Consumer(topic, "bytes", bus.NewMetrics(prometheus.NewRegistry()),
		bus.ConsumerOptions{BatchSize: 256, MaxBytes: maxBytes, Linger: 2 * time.Second, Fill: true})
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(_ context.Context, recs []bus.Record) error {
			mu.Lock()
			defer mu.Unlock()
			var sizes []int
			for _, r := range recs {
				sizes = append(sizes, len(r.Key)+len(r.Value))
			}
			batches = append(batches, sizes)
			handled += len(recs)
			return nil
		})
	}()
	waitUntil(t, 30*time.Second, "the backlog handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return handled == backlog
	})
	mu.Lock()
	for i, sizes := range batches {
		total := 0
		for j, n := range sizes {
			if total >= maxBytes {
				t.Errorf("batch %d went on past %d bytes: record %d of %d", i, maxBytes, j+1, len(sizes))
			}
			total += n
		}
	}
	if len(batches) < backlog*recordBytes/(maxBytes+recordBytes) {
		t.Errorf("%d batches for %d records of %d bytes: want batches of at most %d bytes and one record", len(batches), backlog, recordBytes, maxBytes)
	}
	mu.Unlock()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("consumer: %v", err)
	}
}
