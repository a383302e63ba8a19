package bus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

func articles(n int) []*article.Article {
	out := make([]*article.Article, n)
	for i := range out {
		u := fmt.Sprintf("https://example.org/a/%d", i)
		out[i] = &article.Article{ID: article.ID(u, "", ""), URL: u, Title: fmt.Sprintf("item %d", i)}
	}
	return out
}

// consumeAll runs a consumer until it has seen want distinct keys or the deadline passes,
// and returns how many times each key was handled.
func consumeAll(t *testing.T, c *bus.Client, m *bus.Metrics, want int, h func([]bus.Record) error) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen := map[string]int{}
	var mu sync.Mutex
	cons := c.Consumer(c.Topics().Raw, "test", m, bus.ConsumerOptions{Linger: 20 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(ctx, func(ctx context.Context, msgs []bus.Record) error {
			if h != nil {
				if err := h(msgs); err != nil {
					return err
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, msg := range msgs {
				seen[string(msg.Key)]++
			}
			if len(seen) >= want {
				cancel()
			}
			return nil
		})
	}()
	if err := <-done; err != nil {
		t.Fatalf("consumer: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return seen
}

func TestPublishConsumeCommitSurvivesRestart(t *testing.T) {
	testPublishConsumeCommitSurvivesRestart(t, embedded())
}

func testPublishConsumeCommitSurvivesRestart(t *testing.T, cl cluster) {
	c, restart := cl.open(t)
	m := bus.NewMetrics(prometheus.NewRegistry())
	w := c.ArticleWriter(c.Topics().Raw, m)
	ctx := context.Background()
	if err := w.Publish(ctx, articles(50)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	w.Close()

	failOnce := true
	seen := consumeAll(t, c, m, 50, func(msgs []bus.Record) error {
		if failOnce {
			failOnce = false
			return errors.New("downstream unavailable")
		}
		return nil
	})
	if len(seen) != 50 {
		t.Fatalf("first run handled %d distinct articles, want 50", len(seen))
	}

	// Restart the broker on its data: the committed offsets are kept, so a new consumer in
	// the same group sees only what is published after.
	c2 := restart()
	w2 := c2.ArticleWriter(c2.Topics().Raw, m)
	defer w2.Close()
	more := articles(60)[50:]
	if err := w2.Publish(ctx, more); err != nil {
		t.Fatalf("publish after restart: %v", err)
	}
	seen2 := consumeAll(t, c2, m, 10, nil)
	if len(seen2) != 10 {
		t.Fatalf("after restart handled %d distinct articles, want exactly the 10 new ones: %v", len(seen2), seen2)
	}
	for _, a := range more {
		if seen2[a.ID] != 1 {
			t.Errorf("article %s handled %d times after restart, want 1", a.ID, seen2[a.ID])
		}
	}
}

func TestDeadLettersCarryReasonAndOrigin(t *testing.T) {
	testDeadLettersCarryReasonAndOrigin(t, embedded())
}

func testDeadLettersCarryReasonAndOrigin(t *testing.T, cl cluster) {
	c, m := cl.start(t), bus.NewMetrics(prometheus.NewRegistry())
	dlq := c.DeadLetters("process", m)
	defer dlq.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	orig := bus.Record{Topic: "wirewatch.articles.raw", Partition: 1, Offset: 42, Key: []byte("k"), Value: []byte("{not json")}
	_, decodeErr := article.Decode(orig.Value)
	if err := dlq.Send(ctx, bus.Letter{Record: orig, Reason: decodeErr}); err != nil {
		t.Fatalf("send: %v", err)
	}
	// The DLQ has several partitions; the key decides which, so read them all.
	var got bus.Record
	if recs := bustest.Read(t, c, c.Topics().DLQ, 1, 10*time.Second); len(recs) == 1 {
		got = recs[0]
	}
	if string(got.Value) != "{not json" {
		t.Fatalf("dead letter value = %q, want the original bytes", got.Value)
	}
	h := map[string]string{}
	for _, x := range got.Headers {
		h[x.Key] = string(x.Value)
	}
	if h[bus.HeaderStage] != "process" || h[bus.HeaderOffset] != "42" || h[bus.HeaderPartition] != "1" || h[bus.HeaderTopic] != "wirewatch.articles.raw" {
		t.Errorf("origin headers = %v", h)
	}
	if h[bus.HeaderError] == "" || !errors.Is(decodeErr, article.ErrDecode) {
		t.Errorf("reason header %q, decode error %v", h[bus.HeaderError], decodeErr)
	}
}

// TestPublishedRecordsKeepTheirBytesWhenTheWriterPublishesAgain: Publish encodes into a
// buffer that later Publishes reuse; what each one wrote must still read back as its own
// articles, keyed by their IDs, after the others overwrote the buffer.
func TestPublishedRecordsKeepTheirBytesWhenTheWriterPublishesAgain(t *testing.T) {
	c := embedded().start(t)
	w := c.ArticleWriter(c.Topics().Raw, bus.NewMetrics(prometheus.NewRegistry()))
	defer w.Close()
	ctx := context.Background()
	arts := articles(90)
	for i, a := range arts {
		a.Text = strings.Repeat(fmt.Sprintf("text of %d. ", i), 1+i%7) // sizes vary batch to batch
	}
	for _, batch := range [][]*article.Article{arts[:40], arts[40:45], arts[45:]} {
		if err := w.Publish(ctx, batch); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	want := map[string]*article.Article{}
	for _, a := range arts {
		want[a.ID] = a
	}
	got := bustest.Read(t, c, c.Topics().Raw, len(arts), 20*time.Second)
	if len(got) != len(arts) {
		t.Fatalf("read %d records, want %d", len(got), len(arts))
	}
	for _, r := range got {
		a, err := article.Decode(r.Value)
		if err != nil {
			t.Fatalf("record %q: %v", r.Key, err)
		}
		w, ok := want[a.ID]
		if string(r.Key) != a.ID || !ok || a.Title != w.Title || a.Text != w.Text {
			t.Fatalf("record keyed %q holds article %s %q: not what was published under that key", r.Key, a.ID, a.Title)
		}
		if bustest.Header(r, bus.HeaderSchema) != "1" {
			t.Errorf("record %q: schema header %q", r.Key, bustest.Header(r, bus.HeaderSchema))
		}
		delete(want, a.ID)
	}
}
