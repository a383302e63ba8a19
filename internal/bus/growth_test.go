package bus_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// TestPartitionGrowthIsConsumed: an operator grows a topic while its stage consumes it
// (AddPartitions); the running consumer takes up the new partitions and handles what is
// written to them, and a group's members (Assignments) share them out in a new generation.
func TestPartitionGrowthIsConsumed(t *testing.T) { testPartitionGrowthIsConsumed(t, embedded()) }

func testPartitionGrowthIsConsumed(t *testing.T, cl cluster) {
	c := cl.start(t)
	topic := c.Topics().Raw
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var mu sync.Mutex
	handled := map[string]int{} // key -> partition
	var assigned []int
	cons := c.Consumer(topic, "growth", bus.NewMetrics(prometheus.NewRegistry()), bus.ConsumerOptions{Linger: 20 * time.Millisecond})
	consDone, groupDone := make(chan error, 1), make(chan error, 1)
	go func() {
		consDone <- cons.Run(ctx, func(ctx context.Context, recs []bus.Record) error {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range recs {
				handled[string(r.Key)] = r.Partition
			}
			return nil
		})
	}()
	go func() {
		groupDone <- c.Assignments(ctx, bus.Group{ID: topic + ".growth", Topic: topic}, func(ctx context.Context, partitions []int) {
			mu.Lock()
			assigned = partitions
			mu.Unlock()
		})
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(handled)
	}
	bustest.Produce(t, c, topic, keyed("before", 20)...)
	waitUntil(t, 30*time.Second, "the records written before the growth handled", func() bool { return count() == 20 })
	waitUntil(t, 30*time.Second, "the group member holding both partitions", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Equal(assigned, []int{0, 1})
	})

	gctx, gcancel := context.WithTimeout(ctx, 30*time.Second)
	defer gcancel()
	if err := c.AddPartitions(gctx, topic, 4); err != nil {
		t.Fatalf("growing %s: %v", topic, err)
	}
	if err := c.AddPartitions(gctx, topic, 4); err != nil {
		t.Errorf("growing %s to the 4 partitions it has: %v, want a no-op", topic, err)
	}
	if err := c.AddPartitions(gctx, topic, 3); err == nil {
		t.Errorf("shrinking %s to 3 partitions: no error", topic)
	}
	// Writers see the new partitions once their metadata is refreshed (2 s); keys hash over
	// all four from then on.
	time.Sleep(2500 * time.Millisecond)
	after := keyed("after", 40)
	bustest.Produce(t, c, topic, after...)
	waitUntil(t, 60*time.Second, "the records written after the growth handled", func() bool { return count() == 60 })
	mu.Lock()
	parts := map[int]int{}
	for _, r := range after {
		parts[handled[string(r.Key)]]++
	}
	mu.Unlock()
	if parts[2] == 0 || parts[3] == 0 {
		t.Errorf("records written after the growth were read from partitions %v, want the new 2 and 3 among them", parts)
	}
	waitUntil(t, 30*time.Second, "the group member holding all four partitions", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Equal(assigned, []int{0, 1, 2, 3})
	})
	cancel()
	for name, done := range map[string]chan error{"consumer": consDone, "assignments": groupDone} {
		if err := <-done; err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := bustest.Count(t, c.Brokers(), topic); n != 60 {
		t.Errorf("%s holds %d records, want 60", topic, n)
	}
}
