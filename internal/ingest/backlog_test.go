package ingest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wirewatch/internal/article"
)

// heldPublisher blocks every Publish until released, then records.
type heldPublisher struct {
	*recorder
	entered chan struct{}
	release chan struct{}
	once    atomic.Bool
}

func (h *heldPublisher) Publish(ctx context.Context, arts []*article.Article) error {
	if h.once.CompareAndSwap(false, true) {
		close(h.entered)
	}
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.recorder.Publish(ctx, arts)
}

// While the broker holds the first commit, the poller stops parsing once the articles
// parsed and not committed reach the backlog bound, instead of parsing every feed of a
// backlog into memory; once the broker answers, every article is published, once.
func TestPollerParsesNoFurtherThanTheBacklogBound(t *testing.T) {
	const feeds, items = 60, 100
	var fetched atomic.Int64
	mux := http.NewServeMux()
	var urls []string
	for f := range feeds {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed %d</title><link>https://news.example/</link>`, f)
		for i := range items {
			fmt.Fprintf(&b, `<item><title>Feed %d item %d</title><link>https://news.example/%d/%d</link><description>Talks resumed.</description></item>`, f, i, f, i)
		}
		b.WriteString(`</channel></rss>`)
		body := b.String()
		path := fmt.Sprintf("/%d.xml", f)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			fetched.Add(1)
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprint(w, body)
		})
		urls = append(urls, path)
	}
	base := newServer(t, mux).URL
	for i := range urls {
		urls[i] = base + urls[i]
	}
	cfg := testConfig(urls...)
	cfg.PerHostConcurrency = cfg.Concurrency
	pub := &heldPublisher{recorder: newRecorder(), entered: make(chan struct{}), release: make(chan struct{})}
	r := startPoller(t, cfg, t.TempDir(), pub)
	select {
	case <-pub.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish never called")
	}
	time.Sleep(500 * time.Millisecond) // time enough for every worker to parse on
	// Feeds of unknown size reserve unknownFeedItems each, so the bound admits this many
	// parses before the first commit; each brings all its items, and no more start.
	r.p.backlog.mu.Lock()
	held := r.p.backlog.held
	r.p.backlog.mu.Unlock()
	if limit := backlogArticles / unknownFeedItems * items; held > limit || held == 0 {
		t.Errorf("%d articles parsed and not committed while the first commit was held (%d feeds fetched), want 1 to %d", held, fetched.Load(), limit)
	}
	close(pub.release)
	waitFor(t, 30*time.Second, "every article", func() bool { return len(pub.all()) >= feeds*items })
	polls := r.p.polls.Load()
	waitFor(t, 30*time.Second, "every feed polled again", func() bool { return r.p.polls.Load() >= polls+feeds })
	r.stop(t)
	seen := map[string]bool{}
	for _, a := range pub.all() {
		if seen[a.ID] {
			t.Fatalf("article %q published twice", a.Title)
		}
		seen[a.ID] = true
	}
	if len(seen) != feeds*items {
		t.Errorf("published %d articles, want %d", len(seen), feeds*items)
	}
}

func TestBacklogWaitsInLineAndGivesUpOnCancel(t *testing.T) {
	ctx := context.Background()
	b := newBacklog(100)
	if n, err := b.reserve(ctx, 80); n != 80 || err != nil {
		t.Fatalf("reserve(80) on an empty backlog = %d, %v", n, err)
	}
	admitted := make(chan int, 2)
	go func() {
		n, _ := b.reserve(ctx, 500) // capped at the limit: waits for an empty backlog
		admitted <- n
	}()
	waitFor(t, 5*time.Second, "the large reservation in line", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.waiting) == 1
	})
	go func() {
		n, _ := b.reserve(ctx, 10) // would fit, but comes after the large one
		admitted <- n
	}()
	cctx, cancel := context.WithCancel(ctx)
	cancelled := make(chan error, 1)
	waitFor(t, 5*time.Second, "both in line", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.waiting) == 2
	})
	go func() {
		_, err := b.reserve(cctx, 5)
		cancelled <- err
	}()
	select {
	case n := <-admitted:
		t.Fatalf("a reservation of %d admitted while 80 of 100 are held and a larger one waits first", n)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	if err := <-cancelled; err == nil {
		t.Error("a cancelled reservation returned no error")
	}
	b.add(-80)
	if n := <-admitted; n != 100 {
		t.Fatalf("first admitted: %d, want the large reservation, capped at 100", n)
	}
	select {
	case n := <-admitted:
		t.Fatalf("reservation of %d admitted while the backlog is full", n)
	case <-time.After(100 * time.Millisecond):
	}
	b.add(-100)
	if n := <-admitted; n != 10 {
		t.Fatalf("second admitted: %d, want 10", n)
	}
	b.add(-10)
	if b.held != 0 || len(b.waiting) != 0 {
		t.Errorf("after everything was given back: held %d, %d waiting", b.held, len(b.waiting))
	}
}
