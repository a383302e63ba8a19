package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// TestGroupPollersSplitFeedsAndTakeOver runs two pollers against an in-process Kafka
// (kfake over TCP): each feed is polled by one of them, and when one stops its feeds move
// to the other, which continues from the shared state without republishing.
func TestGroupPollersSplitFeedsAndTakeOver(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "feeds", "feeds.state"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	client, err := bus.NewClient(config.Default().Kafka, cluster.ListenAddrs(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}

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
