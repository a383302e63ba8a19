package bus_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/bus"
)

// batchSize is the rebalance test's batch size: small, so many batches run.
const batchSize = 20

// group is consumers of one stage that handle records and count how often each key was
// handled, and by whom.
type group struct {
	t     *testing.T
	c     *bus.Client
	topic string
	stage string
	m     *bus.Metrics

	mu      sync.Mutex
	handled map[string]int
	by      map[string]int // key -> handled by member #
}

func newGroup(t *testing.T, c *bus.Client, topic, stage string) *group {
	return &group{t: t, c: c, topic: topic, stage: stage, m: bus.NewMetrics(prometheus.NewRegistry()),
		handled: map[string]int{}, by: map[string]int{}}
}

// join starts a member and returns the function that makes it leave: it cancels the
// member's Run and waits until Run returned (its batch in hand committed).
func (g *group) join(member int) (leave func()) {
	ctx, cancel := context.WithCancel(context.Background())
	cons := g.c.Consumer(g.topic, g.stage, g.m, bus.ConsumerOptions{Linger: 20 * time.Millisecond, BatchSize: batchSize})
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(ctx context.Context, recs []bus.Record) error {
			time.Sleep(10 * time.Millisecond) // a stage's work: batches are in hand when the group changes
			g.mu.Lock()
			defer g.mu.Unlock()
			for _, r := range recs {
				g.handled[string(r.Key)]++
				g.by[string(r.Key)] = member
			}
			return nil
		})
	}()
	var once sync.Once
	leave = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					g.t.Errorf("member %d: %v", member, err)
				}
			case <-time.After(40 * time.Second):
				g.t.Errorf("member %d did not leave within 40s", member)
			}
		})
	}
	g.t.Cleanup(leave)
	return leave
}

// count returns how many distinct keys were handled and how many by member.
func (g *group) count(member int) (all, mine int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range g.by {
		if m == member {
			mine++
		}
	}
	return len(g.handled), mine
}

// TestConsumerRebalanceLosesNothing: records flow while a second consumer joins the
// stage's group and the first one leaves. Every record is handled; a record is handled
// twice only when it was in a batch in hand at a rebalance, whose offsets were not
// committed yet when the partition was read again (kafka-go's group reader restarts its
// partitions from the committed offsets as soon as a generation begins, while the batch in
// hand is still being handled), so at most one batch per member per rebalance.
func TestConsumerRebalanceLosesNothing(t *testing.T) {
	testConsumerRebalanceLosesNothing(t, embedded())
}

func testConsumerRebalanceLosesNothing(t *testing.T, cl cluster) {
	c := cl.start(t)
	topic := c.Topics().Raw
	g := newGroup(t, c, topic, "rebalance")
	w := c.Writer(topic)
	defer w.Close()
	next := 0
	produce := func(n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for i := 0; i < n; i++ {
			if err := w.Write(ctx, bus.Record{Key: fmt.Appendf(nil, "r-%d", next), Value: []byte("v")}); err != nil {
				t.Fatalf("producing record %d: %v", next, err)
			}
			next++
		}
	}
	waitAll := func(what string) {
		t.Helper()
		waitUntil(t, 60*time.Second, what, func() bool { all, _ := g.count(-1); return all == next })
	}

	leaveA := g.join(1)
	produce(100)
	waitUntil(t, 30*time.Second, "the first member handling records", func() bool { _, a := g.count(1); return a > 0 })
	produce(100)
	g.join(2)
	produce(100)
	waitAll("the records written while the second member joined")
	waitUntil(t, 30*time.Second, "the second member handling records", func() bool {
		_, b := g.count(2)
		if b == 0 {
			produce(10)
		}
		return b > 0
	})
	leaveA()
	produce(100)
	waitAll("the records written after the first member left")
	_, b := g.count(2)
	t.Logf("%d records; the second member handled %d last", next, b)

	g.mu.Lock()
	defer g.mu.Unlock()
	var twice []string
	for i := 0; i < next; i++ {
		k := fmt.Sprintf("r-%d", i)
		switch n := g.handled[k]; {
		case n == 2:
			twice = append(twice, k)
		case n != 1:
			t.Errorf("record %s handled %d times, want once (twice if it was in hand at a rebalance)", k, n)
		}
	}
	// Two rebalances (a join, a leave), two members, one batch in hand each.
	if limit := 2 * 2 * batchSize; len(twice) > limit {
		t.Errorf("%d records handled twice, more than the %d of the batches in hand at the rebalances: %v", len(twice), limit, twice)
	} else if len(twice) > 0 {
		t.Logf("handled twice (in hand at a rebalance): %v", twice)
	}
}
