package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

func keyed(prefix string, n int) []bus.Record {
	out := make([]bus.Record, n)
	for i := range out {
		out[i] = bus.Record{Key: []byte(fmt.Sprintf("%s-%d", prefix, i)), Value: []byte("v")}
	}
	return out
}

// following runs Follow in the background and returns what it has applied so far, its
// ready channel and a stop function that cancels it and returns its error.
func following(t *testing.T, c *bus.Client, topic string, partitions []int) (seen func() []bus.Record, ready chan struct{}, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var recs []bus.Record
	ready = make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(ctx, topic, partitions, func(r bus.Record) {
			mu.Lock()
			defer mu.Unlock()
			recs = append(recs, r)
		}, ready)
	}()
	t.Cleanup(cancel)
	seen = func() []bus.Record {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(recs)
	}
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Follow did not return within 10s of cancel")
			return nil
		}
	}
	return seen, ready, stop
}

func waitUntil(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFollowIsReadyAtTheEndItHadThenKeepsTailing(t *testing.T) {
	testFollowIsReadyAtTheEndItHadThenKeepsTailing(t, embedded())
}

func testFollowIsReadyAtTheEndItHadThenKeepsTailing(t *testing.T, cl cluster) {
	c := cl.start(t)
	topic := c.Topics().Feeds
	bustest.Produce(t, c, topic, keyed("before", 20)...)

	seen, ready, stop := following(t, c, topic, nil)
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("not ready within 20s")
	}
	if n := len(seen()); n < 20 {
		t.Fatalf("ready after %d records, want all 20 written before Follow started", n)
	}
	bustest.Produce(t, c, topic, keyed("after", 5)...)
	waitUntil(t, 20*time.Second, "the records written after ready", func() bool { return len(seen()) == 25 })
	if err := stop(); err != nil {
		t.Fatalf("Follow after cancel: %v", err)
	}
	parts := map[int]bool{}
	for _, r := range seen() {
		if r.Topic != topic {
			t.Errorf("record of topic %q, want %q", r.Topic, topic)
		}
		parts[r.Partition] = true
	}
	if len(parts) != 2 {
		t.Errorf("records came from partitions %v, want both", parts)
	}
}

func TestFollowEdges(t *testing.T) { testFollowEdges(t, embedded()) }

func testFollowEdges(t *testing.T, cl cluster) {
	c := cl.start(t)
	tests := []struct {
		name       string
		partitions []int
		wantErr    bool
	}{
		{name: "empty topic is ready at once", partitions: nil},
		{name: "no partitions is ready at once", partitions: []int{}},
		{name: "one partition of an empty topic", partitions: []int{1}},
		{name: "a partition that does not exist", partitions: []int{7}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, ready, stop := following(t, c, c.Topics().State, tt.partitions)
			if tt.wantErr {
				if err := stop(); err == nil {
					t.Fatal("Follow returned nil, want an error naming the partition")
				}
				select {
				case <-ready:
					t.Error("ready closed although Follow failed")
				default:
				}
				return
			}
			select {
			case <-ready:
			case <-time.After(10 * time.Second):
				t.Fatal("not ready within 10s")
			}
			// An empty partition has nothing to wait for: no idle timeout.
			if d := time.Since(start); d > 1400*time.Millisecond {
				t.Errorf("ready after %s, want before the idle rule's 1.5s", d)
			}
			if err := stop(); err != nil {
				t.Fatalf("Follow after cancel: %v", err)
			}
		})
	}
}

// TestAssignmentsShareOutPartitionsAndMoveThem joins two members to a group over a
// two-partition topic: each gets one partition, and when one leaves, the other's next
// generation holds both, after the first generation's run saw its ctx end.
func TestAssignmentsShareOutPartitionsAndMoveThem(t *testing.T) {
	testAssignmentsShareOutPartitionsAndMoveThem(t, embedded())
}

func testAssignmentsShareOutPartitionsAndMoveThem(t *testing.T, cl cluster) {
	c := cl.start(t)
	// Named after the topic: on the live cluster no other test or run shares it.
	g := bus.Group{ID: c.Topics().Raw + ".assignments", Topic: c.Topics().Raw}
	type member struct {
		mu      sync.Mutex
		current []int
		ended   int // generations whose ctx ended
		cancel  context.CancelFunc
		done    chan error
	}
	join := func() *member {
		m := &member{done: make(chan error, 1)}
		ctx, cancel := context.WithCancel(context.Background())
		m.cancel = cancel
		t.Cleanup(cancel)
		go func() {
			m.done <- c.Assignments(ctx, g, func(ctx context.Context, partitions []int) {
				m.mu.Lock()
				m.current = partitions
				m.mu.Unlock()
				<-ctx.Done()
				m.mu.Lock()
				m.current = nil
				m.ended++
				m.mu.Unlock()
			})
		}()
		return m
	}
	holds := func(m *member) []int {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.current
	}
	a, b := join(), join()
	waitUntil(t, 30*time.Second, "one partition each", func() bool {
		pa, pb := holds(a), holds(b)
		return len(pa) == 1 && len(pb) == 1 && pa[0] != pb[0]
	})
	b.cancel()
	select {
	case err := <-b.done:
		if err != nil {
			t.Fatalf("Assignments after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Assignments did not return within 15s of cancel")
	}
	b.mu.Lock()
	if b.ended == 0 || b.current != nil {
		t.Errorf("b's run: %d generations ended, holds %v after Assignments returned; want its ctx ended first", b.ended, b.current)
	}
	b.mu.Unlock()
	waitUntil(t, 30*time.Second, "a to hold both partitions", func() bool { return slices.Equal(holds(a), []int{0, 1}) })
	a.cancel()
	if err := <-a.done; err != nil {
		t.Fatalf("Assignments after cancel: %v", err)
	}
}

// TestFollowOutlastsItsBrokerRestarting stops the only broker under a follower for longer
// than kafka-go's reader tries before it hands FetchMessage the dial error, then starts
// it again on its data: Follow must carry on with the records written after the restart
// rather than return, as it did when a live run killed a broker (and the alert process
// with it).
func TestFollowOutlastsItsBrokerRestarting(t *testing.T) {
	dir := t.TempDir()
	logger := slog.New(slog.DiscardHandler)
	emb, c := bustest.StartIn(t, dir, logger)
	addr := emb.Addrs()[0]
	topic := c.Topics().Searches
	bustest.Produce(t, c, topic, bus.Record{Key: []byte("a"), Value: []byte("1")})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	seen := make(chan string, 10)
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(ctx, topic, nil, func(r bus.Record) { seen <- string(r.Key) }, ready)
	}()
	if k := <-seen; k != "a" {
		t.Fatalf("first record %q, want a", k)
	}
	emb.Close()
	time.Sleep(4 * time.Second) // kafka-go gives up after three dials in a row
	select {
	case err := <-done:
		t.Fatalf("Follow returned while the broker was down: %v", err)
	default:
	}
	emb2, err := bus.StartEmbedded(dir, addr, logger)
	if err != nil {
		t.Fatalf("restarting the broker on %s: %v", addr, err)
	}
	t.Cleanup(emb2.Close)
	bustest.Produce(t, c, topic, bus.Record{Key: []byte("b"), Value: []byte("2")})
	select {
	case k := <-seen:
		if k != "b" {
			t.Errorf("after the restart Follow applied %q, want b", k)
		}
	case err := <-done:
		t.Fatalf("Follow returned across the broker's restart: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("Follow applied nothing within 30 s of the broker's return")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow: %v", err)
	}
}

// TestFollowReadsACompactedTopicBackAfterRestart: the latest value of every key of a
// compacted topic, tombstones included, is there to be read whole after the cluster
// restarted, by a new client (a restarted process) following it from the start.
func TestFollowReadsACompactedTopicBackAfterRestart(t *testing.T) {
	testFollowReadsACompactedTopicBackAfterRestart(t, embedded())
}

func testFollowReadsACompactedTopicBackAfterRestart(t *testing.T, cl cluster) {
	c, restart := cl.open(t)
	topic := c.Topics().State
	want := map[string]string{}
	var recs []bus.Record
	for i := range 10 {
		k := fmt.Sprintf("key-%d", i)
		recs = append(recs, bus.Record{Key: []byte(k), Value: []byte("v1")})
		want[k] = "v1"
	}
	for i := range 5 {
		k := fmt.Sprintf("key-%d", i)
		recs = append(recs, bus.Record{Key: []byte(k), Value: []byte("v2")})
		want[k] = "v2"
	}
	recs = append(recs, bus.Record{Key: []byte("key-9")}) // a tombstone
	delete(want, "key-9")
	bustest.Produce(t, c, topic, recs...)

	c2 := restart()
	seen, ready, stop := following(t, c2, topic, nil)
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("not ready within 30s of following the topic after the restart")
	}
	got := map[string]string{}
	tombstones := 0
	for _, r := range seen() {
		if r.Value == nil {
			tombstones++
			delete(got, string(r.Key))
			continue
		}
		got[string(r.Key)] = string(r.Value)
	}
	if err := stop(); err != nil {
		t.Fatalf("Follow after cancel: %v", err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("view after the restart = %v, want %v", got, want)
	}
	if tombstones != 1 {
		t.Errorf("%d tombstones read back, want the one written (a nil Value)", tombstones)
	}
}

// TestWriteOutlastsItsBrokerDownForASessionTimeout stops the only broker for longer than
// Kafka's default broker.session.timeout.ms (9 s), the time a killed leader can stay the
// leader in the metadata, and starts it again on its data: a Write begun during the outage
// must wait and succeed, not return the dead leader's "connection refused" (kafka-go's
// default ten attempts gave up after about 7 s).
func TestWriteOutlastsItsBrokerDownForASessionTimeout(t *testing.T) {
	dir := t.TempDir()
	logger := slog.New(slog.DiscardHandler)
	emb, c := bustest.StartIn(t, dir, logger)
	addr := emb.Addrs()[0]
	topic := c.Topics().Raw
	w := c.Writer(topic)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := w.Write(ctx, bus.Record{Key: []byte("before"), Value: []byte("1")}); err != nil {
		t.Fatalf("write before the outage: %v", err)
	}
	emb.Close()
	down := time.Now()
	done := make(chan error, 1)
	go func() { done <- w.Write(ctx, bus.Record{Key: []byte("during"), Value: []byte("2")}) }()
	select {
	case err := <-done:
		t.Fatalf("Write returned while the broker was down (%v in): %v", time.Since(down).Round(time.Millisecond), err)
	case <-time.After(10 * time.Second):
	}
	emb2, err := bus.StartEmbedded(dir, addr, logger)
	if err != nil {
		t.Fatalf("restarting the broker on %s: %v", addr, err)
	}
	t.Cleanup(emb2.Close)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Write begun during the outage: %v, want it written once the broker is back", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("Write did not return within 40 s of the broker's return")
	}
	got := bustest.Read(t, c, topic, 2, 30*time.Second)
	var keys []string
	for _, r := range got {
		keys = append(keys, string(r.Key))
	}
	if !slices.Contains(keys, "during") {
		t.Errorf("the topic holds %v after the outage, want the write made during it", keys)
	}
}
