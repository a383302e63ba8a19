package bus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// junk is a record the broker would take (its limit is 1,048,588 bytes) but over the
// writers' 900 KiB.
func junk(key string) bus.Record {
	return bus.Record{Key: []byte(key), Value: bytes.Repeat([]byte("x"), 1_000_000)}
}

func TestWriterRefusesAnOversizedRecordAloneAndWritesTheOthers(t *testing.T) {
	testWriterRefusesAnOversizedRecordAloneAndWritesTheOthers(t, embedded())
}

func testWriterRefusesAnOversizedRecordAloneAndWritesTheOthers(t *testing.T, cl cluster) {
	c := cl.start(t)
	w := c.Writer(c.Topics().Raw)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := w.Write(ctx, bus.Record{Key: []byte("a"), Value: []byte("small")}, junk("big"), bus.Record{Key: []byte("b"), Value: []byte("small")})
	var re *bus.RecordErrors
	if !errors.As(err, &re) || len(re.Errs) != 3 {
		t.Fatalf("Write = %v, want a *RecordErrors for the 3 records", err)
	}
	if re.Errs[0] != nil || re.Errs[2] != nil || !errors.Is(re.Errs[1], bus.ErrTooLarge) || !errors.Is(err, bus.ErrTooLarge) {
		t.Fatalf("per-record outcomes = %v, want only the middle one refused with ErrTooLarge", re.Errs)
	}
	if n := bustest.Count(t, c.Brokers(), c.Topics().Raw); n != 2 {
		t.Errorf("raw topic holds %d records, want the 2 small ones", n)
	}
}

func TestDeadLetterOfAnOversizedRecordIsAReference(t *testing.T) {
	testDeadLetterOfAnOversizedRecordIsAReference(t, embedded())
}

func testDeadLetterOfAnOversizedRecordIsAReference(t *testing.T, cl cluster) {
	c, m := cl.start(t), bus.NewMetrics(prometheus.NewRegistry())
	dlq := c.DeadLetters("index", m)
	defer dlq.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	orig := junk("k")
	orig.Topic, orig.Partition, orig.Offset = c.Topics().Enriched, 1, 7
	if err := dlq.Send(ctx, bus.Letter{Record: orig, Reason: errors.New(strings.Repeat("why ", 10_000))}); err != nil {
		t.Fatalf("dead-lettering a 1 MB record: %v", err)
	}
	got := bustest.Read(t, c, c.Topics().DLQ, 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("DLQ holds %d letters, want 1", len(got))
	}
	d := got[0]
	var ref bus.Reference
	if err := json.Unmarshal(d.Value, &ref); err != nil {
		t.Fatalf("reference value %q: %v", d.Value, err)
	}
	if ref.Topic != orig.Topic || ref.Partition != 1 || ref.Offset != 7 || ref.Bytes != 1_000_001 || ref.Stage != "index" || ref.Reason == "" {
		t.Errorf("reference = %+v", ref)
	}
	if bustest.Header(d, bus.HeaderReference) != "1" || bustest.Header(d, bus.HeaderOriginalBytes) != "1000001" ||
		bustest.Header(d, bus.HeaderOffset) != "7" || string(d.Key) != "k" {
		t.Errorf("headers %v, key %q", d.Headers, d.Key)
	}
	if r := bustest.Header(d, bus.HeaderError); len(r) > 4<<10 {
		t.Errorf("reason header is %d bytes, want it bounded", len(r))
	}
}

func lag(m *bus.Metrics, stage string, p int) float64 {
	return testutil.ToFloat64(m.Lag.WithLabelValues(stage, strconv.Itoa(p)))
}

// A record the handler fails on every time: while the batch keeps failing the consumer
// says it is stuck and its lag grows with what arrives behind it; then the record is
// dead-lettered after the bounded tries and the records around it are handled.
func TestConsumerStuckOnARecordShowsItThenDeadLettersItAndMovesOn(t *testing.T) {
	testConsumerStuckOnARecordShowsItThenDeadLettersItAndMovesOn(t, embedded())
}

func testConsumerStuckOnARecordShowsItThenDeadLettersItAndMovesOn(t *testing.T, cl cluster) {
	c := cl.start(t)
	m := bus.NewMetrics(prometheus.NewRegistry())
	const stage = "stuck-test"
	// One key, one partition: the records queue up behind the poison one.
	rec := func(v string) bus.Record { return bus.Record{Key: []byte("k"), Value: []byte(v)} }
	bustest.Produce(t, c, c.Topics().Raw, rec("good-1"), rec("poison"), rec("good-2"))

	tick := make(chan struct{})    // lets one failing call return, while the test looks on
	release := make(chan struct{}) // closed: failing calls return at once
	var mu sync.Mutex
	handled := map[string]int{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cons := c.Consumer(c.Topics().Raw, stage, m, bus.ConsumerOptions{Linger: 50 * time.Millisecond, Attempts: 3, Backoff: 10 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(ctx context.Context, recs []bus.Record) error {
			for _, r := range recs {
				if string(r.Value) == "poison" {
					select {
					case <-tick:
					case <-release:
					case <-ctx.Done():
					}
					return fmt.Errorf("handling %s: cannot", r.Value)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range recs {
				handled[string(r.Value)]++
			}
			return nil
		})
	}()

	tick <- struct{}{}
	waitUntil(t, 10*time.Second, "first failure recorded", func() bool { return cons.Stuck() != nil })
	if err := c.Health(); err != nil {
		t.Errorf("Health after one failure = %v, want nil: one failed attempt is not yet stuck", err)
	}
	tick <- struct{}{}
	waitUntil(t, 10*time.Second, "consumer reported stuck", func() bool { return c.Health() != nil })
	h := c.Health().Error()
	if !strings.Contains(h, stage) || !strings.Contains(h, "handling poison: cannot") {
		t.Errorf("Health = %q, want the stage and the reason", h)
	}
	p := cons.Stuck().Partition
	if got := lag(m, stage, p); got != 3 {
		t.Errorf("lag while stuck = %v, want the 3 records of the batch", got)
	}
	bustest.Produce(t, c, c.Topics().Raw, rec("good-3"), rec("good-4"))
	tick <- struct{}{}
	waitUntil(t, 10*time.Second, "lag grown with the records behind the stuck batch", func() bool { return lag(m, stage, p) == 5 })

	close(release)
	dlq := bustest.Read(t, c, c.Topics().DLQ, 1, 20*time.Second)
	waitUntil(t, 20*time.Second, "records around the poison handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handled) == 4
	})
	waitUntil(t, 10*time.Second, "consumer flowing again", func() bool { return c.Health() == nil && lag(m, stage, p) == 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("consumer: %v", err)
	}
	if len(dlq) != 1 || string(dlq[0].Value) != "poison" || bustest.Header(dlq[0], bus.HeaderStage) != stage ||
		!strings.Contains(bustest.Header(dlq[0], bus.HeaderError), "handling poison: cannot") {
		t.Fatalf("dead letters = %+v, want the poison record with the stage and the last reason", dlq)
	}
	if n := bustest.Count(t, c.Brokers(), c.Topics().DLQ); n != 1 {
		t.Errorf("DLQ holds %d letters, want exactly 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, v := range []string{"good-1", "good-2", "good-3", "good-4"} {
		if handled[v] == 0 {
			t.Errorf("%s never handled: %v", v, handled)
		}
	}
}

// A failure the handler marks as an outage downstream is retried past the attempt bound
// and never dead-letters anything.
func TestConsumerRetriesAnOutageWithoutDeadLettering(t *testing.T) {
	testConsumerRetriesAnOutageWithoutDeadLettering(t, embedded())
}

func testConsumerRetriesAnOutageWithoutDeadLettering(t *testing.T, cl cluster) {
	c, m := cl.start(t), bus.NewMetrics(prometheus.NewRegistry())
	bustest.Produce(t, c, c.Topics().Raw, bus.Record{Key: []byte("k"), Value: []byte("v")})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cons := c.Consumer(c.Topics().Raw, "outage-test", m, bus.ConsumerOptions{Linger: 20 * time.Millisecond, Attempts: 2, Backoff: 5 * time.Millisecond})
	calls := 0
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(ctx context.Context, recs []bus.Record) error {
			calls++
			if calls <= 6 {
				return fmt.Errorf("writing documents: %w", bus.ErrUnavailable)
			}
			cancel()
			return nil
		})
	}()
	if err := <-done; err != nil {
		t.Fatalf("consumer: %v", err)
	}
	if calls != 7 {
		t.Errorf("handler called %d times, want 6 failures then the success", calls)
	}
	if n := bustest.Count(t, c.Brokers(), c.Topics().DLQ); n != 0 {
		t.Errorf("DLQ holds %d letters after an outage, want none", n)
	}
}

// TestPromptWriterWritesAWriteOverItsBatchSizeWholeAndInOrder: a prompt writer's batches
// are small (promptBatchSize); a Write of many more records to one partition still writes
// every one of them, in the order given.
func TestPromptWriterWritesAWriteOverItsBatchSizeWholeAndInOrder(t *testing.T) {
	c := embedded().start(t)
	w := c.PromptWriter(c.Topics().Raw)
	defer w.Close()
	const n = 300 // several of the prompt writer's batches
	recs := make([]bus.Record, n)
	for i := range recs {
		recs[i] = bus.Record{Key: []byte("one-key"), Value: fmt.Appendf(nil, "%03d", i)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.Write(ctx, recs...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got := bustest.Read(t, c, c.Topics().Raw, n, 20*time.Second)
	if len(got) != n {
		t.Fatalf("read %d records, want %d", len(got), n)
	}
	for i, r := range got {
		if want := fmt.Sprintf("%03d", i); string(r.Value) != want {
			t.Fatalf("record %d holds %q, want %q: the Write's order was lost", i, r.Value, want)
		}
	}
}
