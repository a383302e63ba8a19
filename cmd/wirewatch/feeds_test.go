package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/ingest"
)

type discard struct{}

func (discard) Publish(context.Context, []*article.Article) error { return nil }

// TestFeedsPollAgainstARunningAPI: `wirewatch feeds poll URL` makes a running poller fetch
// the feed at once, a second request within 10 s is refused with the wait, and `wirewatch
// feeds` shows each feed's interval and next poll.
func TestFeedsPollAgainstARunningAPI(t *testing.T) {
	var fetches atomic.Int64
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</title><link>%s/a</link></item></channel></rss>`, "http://"+r.Host)
	}))
	defer site.Close()
	cfg := config.Default().Ingest
	cfg.OPML, cfg.AllowPrivate = nil, true
	cfg.MinInterval, cfg.MaxInterval = time.Hour, time.Hour
	cfg.Feeds = []config.FeedConfig{{URL: site.URL + "/feed.xml"}}
	p, err := ingest.NewPoller(cfg, t.TempDir(), discard{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Routes(mux)
	api := httptest.NewServer(mux)
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	polled := func() bool {
		for _, s := range p.Status() {
			if !s.LastSuccess.IsZero() && !s.Polling {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(5 * time.Second); !polled(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first poll never ended")
		}
	}
	feeds := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := cmdFeeds(context.Background(), &env{stdout: &out, stderr: &errOut}, append([]string{"--addr", api.URL}, args...))
		return out.String(), err
	}

	out, err := feeds()
	if err != nil || !strings.Contains(out, "NEXT POLL") || !strings.Contains(out, "1h0m0s") {
		t.Errorf("feeds: %v\n%s", err, out)
	}
	before := fetches.Load()
	if out, err := feeds("poll", site.URL+"/feed.xml"); err != nil || !strings.Contains(out, "polling "+site.URL) {
		t.Fatalf("feeds poll: %v %q", err, out)
	}
	for deadline := time.Now().Add(time.Second); fetches.Load() == before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("feeds poll: the feed was not fetched within a second")
		}
	}
	_, err = feeds("poll", site.URL+"/feed.xml")
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusTooManyRequests || !strings.Contains(ae.Msg, "try again in") {
		t.Errorf("feeds poll again at once: %v, want the 429 with its wait", err)
	}
	if _, err := feeds("poll", "https://not.example/listed"); !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		t.Errorf("feeds poll of a feed not listed: %v", err)
	}
	var ue usageError
	if _, err := feeds("pol", site.URL); !errors.As(err, &ue) {
		t.Errorf("feeds pol: %v, want a usage error", err)
	}
}
