package ingest

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

// recorder is a Publisher that keeps what it was given, optionally failing on demand.
type recorder struct {
	mu    sync.Mutex
	arts  []*article.Article
	fail  error
	calls int
	added chan struct{}
}

func newRecorder() *recorder { return &recorder{added: make(chan struct{}, 1024)} }

func (r *recorder) Publish(ctx context.Context, arts []*article.Article) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.fail != nil {
		return r.fail
	}
	for _, a := range arts {
		// Encode/Decode as the bus would, so what we assert is what consumers get.
		b, err := article.Encode(a)
		if err != nil {
			return err
		}
		d, err := article.Decode(b)
		if err != nil {
			return err
		}
		r.arts = append(r.arts, d)
	}
	select {
	case r.added <- struct{}{}:
	default:
	}
	return nil
}

func (r *recorder) setFail(err error) {
	r.mu.Lock()
	r.fail = err
	r.mu.Unlock()
}

func (r *recorder) all() []*article.Article {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*article.Article(nil), r.arts...)
}

func (r *recorder) byTitle(title string) []*article.Article {
	var out []*article.Article
	for _, a := range r.all() {
		if a.Title == title {
			out = append(out, a)
		}
	}
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", d, what)
}

// testConfig is the ingest configuration tests use: loopback allowed (httptest listens
// there), short timeouts and intervals, no politeness delay.
func testConfig(feeds ...string) config.IngestConfig {
	cfg := config.Default().Ingest
	cfg.OPML = nil
	cfg.AllowPrivate = true
	cfg.Timeout = 5 * time.Second
	cfg.MinInterval = 50 * time.Millisecond
	cfg.MaxInterval = 200 * time.Millisecond
	cfg.PerHostDelay = 0
	cfg.PerHostConcurrency = 8
	for _, f := range feeds {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{URL: f})
	}
	return cfg
}

func testLogger(t testing.TB) *slog.Logger {
	t.Helper()
	if os.Getenv("INGEST_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// running is a poller started in the background.
type running struct {
	p      *Poller
	cancel context.CancelFunc
	done   chan error
}

func startPoller(t *testing.T, cfg config.IngestConfig, dir string, pub Publisher) *running {
	t.Helper()
	p, err := NewPoller(cfg, dir, pub, testLogger(t))
	if err != nil {
		t.Fatalf("NewPoller: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{p: p, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- p.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("Run did not return within 15s of cancel")
	}
}

// statusOf returns the status of one feed.
func statusOf(t *testing.T, p *Poller, feedURL string) FeedStatus {
	t.Helper()
	for _, s := range p.Status() {
		if s.URL == feedURL {
			return s
		}
	}
	t.Fatalf("no status for feed %s", feedURL)
	return FeedStatus{}
}

// sharedPath finds ../shared data from the package directory, failing loudly when absent.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared data %s is missing (%v): the feed corpora live in ../shared next to the repository", p, err)
	}
	return p
}

var errBrokerDown = errors.New("broker down")

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
