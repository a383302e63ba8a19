package ingest

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

// slowPublisher blocks every Publish until released, like a broker slow to acknowledge,
// and fails if its context is cancelled first.
type slowPublisher struct {
	*recorder
	entered chan struct{}
	release chan struct{}
	once    atomic.Bool
}

func (s *slowPublisher) Publish(ctx context.Context, arts []*article.Article) error {
	if s.once.CompareAndSwap(false, true) {
		close(s.entered)
		select {
		case <-s.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.recorder.Publish(ctx, arts)
}

// TestShutdownLetsPublishFinish: a stop arriving while Kafka has not yet acknowledged a
// batch neither cancels the batch nor skips its commit, so the restart publishes nothing.
func TestShutdownLetsPublishFinish(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>In flight</title><link>https://s.example/1</link></item>`)
	srv := newServer(t, feed)
	dir := t.TempDir()
	cfg := testConfig(srv.URL)
	pub := &slowPublisher{recorder: newRecorder(), entered: make(chan struct{}), release: make(chan struct{})}
	r := startPoller(t, cfg, dir, pub)
	select {
	case <-pub.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish never called")
	}
	r.cancel() // stop while the batch waits for its acknowledgement
	time.Sleep(100 * time.Millisecond)
	close(pub.release)
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	r.cancel = nil
	if n := len(pub.byTitle("In flight")); n != 1 {
		t.Fatalf("published %d times before the restart, want 1", n)
	}
	r2 := startPoller(t, cfg, dir, pub.recorder)
	waitFor(t, 5*time.Second, "polls after restart", func() bool { return feed.requests.Load() >= 3 })
	r2.stop(t)
	if n := len(pub.byTitle("In flight")); n != 1 {
		t.Errorf("published %d times across the restart, want 1", n)
	}
}

// TestConfigValidationNamesIngestKeys checks config/ingest.go's validation through the
// public config API.
func TestConfigValidationNamesIngestKeys(t *testing.T) {
	cfg := config.Default()
	cfg.Ingest.Feeds = []config.FeedConfig{{URL: "https://ok.example/feed"}, {URL: "ftp://x.example/f"}, {URL: ""}}
	cfg.Ingest.PerHostConcurrency = 0
	cfg.Ingest.MaxDecompressionRatio = 1
	cfg.Ingest.MaxInterval = time.Minute
	cfg.Ingest.WebSub.CallbackURL = "not a url"
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, key := range []string{"ingest.feeds[1].url", "ingest.feeds[2].url", "ingest.per_host_concurrency",
		"ingest.max_decompression_ratio", "ingest.max_interval", "ingest.websub.callback_url"} {
		var found bool
		for _, e := range unwrapAll(err) {
			var fe *config.FieldError
			if errors.As(e, &fe) && fe.Key == key {
				found = true
			}
		}
		if !found {
			t.Errorf("no error for %s in:\n%v", key, err)
		}
	}
	if strings.Contains(err.Error(), "ingest.feeds[0]") {
		t.Errorf("valid feed 0 reported: %v", err)
	}
	def := config.Default()
	if err := def.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
		return out
	}
	return []error{err}
}
