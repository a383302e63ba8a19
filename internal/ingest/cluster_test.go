package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// feedLog starts an in-process Kafka (kfake over TCP) with the topics "feeds" and
// "feeds.state" of the given number of partitions, and returns a client of it.
func feedLog(t *testing.T, partitions int32) *bus.Client {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "feeds", "feeds.state"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	client, err := bus.NewClient(config.Default().Kafka, cluster.ListenAddrs(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// TestGroupPollersSplitFeedsAndTakeOver runs two pollers against an in-process Kafka
// (kfake over TCP): each feed is polled by one of them, and when one stops its feeds move
// to the other, which continues from the shared state without republishing.
func TestGroupPollersSplitFeedsAndTakeOver(t *testing.T) {
	client := feedLog(t, 3)

	const n = 6
	var servers []*seedFeed
	var feeds []config.FeedConfig
	mux := http.NewServeMux()
	for i := range n {
		s := &seedFeed{}
		s.add(fmt.Sprintf(`<item><title>feed %d item 1</title><link>https://g.example/%d/1</link></item>`, i, i))
		servers = append(servers, s)
		mux.Handle(fmt.Sprintf("/f/%d", i), s)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for i := range n {
		feeds = append(feeds, config.FeedConfig{URL: fmt.Sprintf("%s/f/%d", srv.URL, i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := WriteFeedList(ctx, client, "feeds", feeds); err != nil {
		t.Fatal(err)
	}

	pub := newRecorder()
	g := GroupConfig{Log: client, FeedsTopic: "feeds", StateTopic: "feeds.state", GroupID: "pollers"}
	start := func(dir string) (*GroupPoller, context.CancelFunc, chan error) {
		gp, err := NewGroupPoller(testConfig(), g, dir, pub, testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		c, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- gp.Run(c) }()
		return gp, stop, done
	}
	a, stopA, doneA := start(t.TempDir())
	b, stopB, doneB := start(t.TempDir())

	owned := func(p *GroupPoller) map[string]bool {
		m := map[string]bool{}
		for _, s := range p.Status() {
			m[s.URL] = true
		}
		return m
	}
	waitFor(t, 60*time.Second, "the feeds split across both pollers with no overlap", func() bool {
		oa, ob := owned(a), owned(b)
		for k := range oa {
			if ob[k] {
				return false
			}
		}
		return len(oa)+len(ob) == n && len(oa) > 0 && len(ob) > 0
	})
	waitFor(t, 30*time.Second, "every feed's first item", func() bool { return len(pub.all()) >= n })
	bFeeds := owned(b)

	// B stops; A takes its feeds over within the session timeout and, reading the shared
	// state, does not publish B's items again.
	stopB()
	if err := <-doneB; err != nil {
		t.Errorf("B: %v", err)
	}
	moved := time.Now()
	waitFor(t, 60*time.Second, "A to hold every feed", func() bool { return len(owned(a)) == n })
	t.Logf("feeds moved %s after B stopped", time.Since(moved).Round(time.Millisecond))
	var onB int
	for i := range n {
		if bFeeds[feeds[i].URL] {
			onB = i
			break
		}
	}
	servers[onB].add(fmt.Sprintf(`<item><title>feed %d item 2</title><link>https://g.example/%d/2</link></item>`, onB, onB))
	waitFor(t, 30*time.Second, "the new item on a moved feed", func() bool { return len(pub.byTitle(fmt.Sprintf("feed %d item 2", onB))) == 1 })
	time.Sleep(500 * time.Millisecond)
	stopA()
	if err := <-doneA; err != nil {
		t.Errorf("A: %v", err)
	}
	counts := map[string]int{}
	for _, art := range pub.all() {
		counts[art.Title]++
	}
	for title, c := range counts {
		if c != 1 || !strings.HasPrefix(title, "feed ") {
			t.Errorf("%q published %d times", title, c)
		}
	}
	if len(counts) != n+1 {
		t.Errorf("%d distinct articles, want %d", len(counts), n+1)
	}
}

// heldFeeds serves feeds and keeps, per feed, when each fetch under way began; while
// held is set, every fetch waits until it is released (or the client gives up).
type heldFeeds struct {
	feeds    []*seedFeed
	mu       sync.Mutex
	inFlight map[int]map[*http.Request]time.Time
	held     chan struct{} // nil: answer at once
}

func (h *heldFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var i int
	if _, err := fmt.Sscanf(r.URL.Path, "/f/%d", &i); err != nil || i < 0 || i >= len(h.feeds) {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	if h.inFlight[i] == nil {
		h.inFlight[i] = map[*http.Request]time.Time{}
	}
	h.inFlight[i][r] = time.Now()
	held := h.held
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.inFlight[i], r)
		h.mu.Unlock()
	}()
	if held != nil {
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	h.feeds[i].ServeHTTP(w, r)
}

// underWay counts the fetches of feed i under way that began before t.
func (h *heldFeeds) underWay(i int, t time.Time) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, began := range h.inFlight[i] {
		if began.Before(t) {
			n++
		}
	}
	return n
}

// TestGroupPollerLetsGoOfAFeedBeforeItMoves: when a second poller joins, the feeds that
// move to it leave the first poller only once the first poller's fetches of them have
// ended, so no feed is fetched by two pollers at once (a live run saw five such fetches
// when a broker died). The first poller's fetches are held by the server across the
// rebalance: its polls are cancelled, not waited out, and nothing is published twice.
func TestGroupPollerLetsGoOfAFeedBeforeItMoves(t *testing.T) {
	client := feedLog(t, 2)
	const n = 8
	h := &heldFeeds{inFlight: map[int]map[*http.Request]time.Time{}}
	for i := range n {
		s := &seedFeed{}
		s.add(fmt.Sprintf(`<item><title>feed %d item 1</title><link>https://h.example/%d/1</link></item>`, i, i))
		h.feeds = append(h.feeds, s)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var feeds []config.FeedConfig
	urlOf := map[string]int{}
	for i := range n {
		u := fmt.Sprintf("%s/f/%d", srv.URL, i)
		feeds = append(feeds, config.FeedConfig{URL: u})
		urlOf[u] = i
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := WriteFeedList(ctx, client, "feeds", feeds); err != nil {
		t.Fatal(err)
	}
	pub := newRecorder()
	g := GroupConfig{Log: client, FeedsTopic: "feeds", StateTopic: "feeds.state", GroupID: "pollers"}
	start := func(dir string) (*GroupPoller, chan error) {
		gp, err := NewGroupPoller(testConfig(), g, dir, pub, testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- gp.Run(ctx) }()
		return gp, done
	}
	a, doneA := start(t.TempDir())
	waitFor(t, 60*time.Second, "A to hold every feed", func() bool { return len(a.Status()) == n })
	waitFor(t, 30*time.Second, "every feed's first item", func() bool { return len(pub.all()) >= n })

	// Hold A's next fetches, with a new item in every feed, and let B join.
	for i, s := range h.feeds {
		s.add(fmt.Sprintf(`<item><title>feed %d item 2</title><link>https://h.example/%d/2</link></item>`, i, i))
	}
	release := make(chan struct{})
	h.mu.Lock()
	h.held = release
	h.mu.Unlock()
	waitFor(t, 30*time.Second, "A's fetches of every feed held", func() bool {
		for i := range n {
			if h.underWay(i, time.Now()) == 0 {
				return false
			}
		}
		return true
	})
	joined := time.Now() // every fetch that began before is A's
	b, doneB := start(t.TempDir())
	var overlaps []string
	released := false
	waitFor(t, 60*time.Second, "the feeds split across both pollers", func() bool {
		if !released && time.Since(joined) > 3*time.Second {
			h.mu.Lock()
			h.held = nil
			h.mu.Unlock()
			close(release)
			released = true
		}
		for _, s := range b.Status() {
			if i := urlOf[s.URL]; h.underWay(i, joined) > 0 {
				overlaps = append(overlaps, fmt.Sprintf("feed %d at %v", i, time.Since(joined).Round(time.Millisecond)))
			}
		}
		return released && len(a.Status()) > 0 && len(b.Status()) > 0 && len(a.Status())+len(b.Status()) == n
	})
	if len(overlaps) > 0 {
		t.Errorf("B held feeds while A's fetch of them was still under way: %v", overlaps[:min(len(overlaps), 5)])
	}
	t.Logf("after B joined: A holds %d feeds, B %d", len(a.Status()), len(b.Status()))
	waitFor(t, 30*time.Second, "every feed's second item", func() bool {
		for i := range n {
			if len(pub.byTitle(fmt.Sprintf("feed %d item 2", i))) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(time.Second) // more polls of both pollers
	cancel()
	for _, done := range []chan error{doneA, doneB} {
		if err := <-done; err != nil {
			t.Errorf("poller: %v", err)
		}
	}
	counts := map[string]int{}
	for _, art := range pub.all() {
		counts[art.Title]++
	}
	for title, c := range counts {
		if c != 1 {
			t.Errorf("%q published %d times", title, c)
		}
	}
	if len(counts) != 2*n {
		t.Errorf("%d distinct articles, want %d", len(counts), 2*n)
	}
}
