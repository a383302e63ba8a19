package ingest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

// countingPublisher is a real, if minimal, Publisher: it accepts and counts.
type countingPublisher struct{ n atomic.Int64 }

func (c *countingPublisher) Publish(_ context.Context, arts []*article.Article) error {
	c.n.Add(int64(len(arts)))
	return nil
}

// benchFeeds serves n feeds of 20 items each at /f/{i}. Every feed changes when gen is
// bumped; otherwise it answers If-None-Match with 304.
type benchFeeds struct {
	gen  atomic.Int64
	pool sync.Pool
}

func (s *benchFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	g := s.gen.Load()
	etag := fmt.Sprintf(`"%d"`, g)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	b, _ := s.pool.Get().(*bytes.Buffer)
	if b == nil {
		b = new(bytes.Buffer)
	}
	b.Reset()
	now := time.Now().UTC()
	fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed %d</title><link>https://site%d.example/</link>`, i, i%500)
	for j := 0; j < 20; j++ {
		fmt.Fprintf(b, `<item><title>Feed %d generation %d item %d</title><link>https://site%d.example/%d/%d/%d?utm_source=rss</link>`+
			`<guid>%d-%d-%d</guid><pubDate>%s</pubDate><description><![CDATA[<p>Summary of item %d with <a href="/x">a link</a> and some text about the Lachin corridor.</p>]]></description></item>`,
			i, g, j, i%500, i, g, j, i, g, j, now.Add(-time.Duration(j)*time.Hour).Format(time.RFC1123Z), j)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("ETag", etag)
	w.Write(b.Bytes())
	s.pool.Put(b)
}

// BenchmarkPollCycle10kFeeds polls 10,000 feeds × 20 items from one loopback server: a
// cycle where every feed changed (200,000 new articles through normalising, dedup, Publish
// and the state commit), and a cycle where every feed answers 304. It reports seconds per
// cycle, process CPU seconds per cycle (the test server's share included) and the peak Go
// heap and process RSS.
func BenchmarkPollCycle10kFeeds(b *testing.B) {
	const feeds = 10000
	srv := httptest.NewServer(&benchFeeds{})
	defer srv.Close()
	server := srv.Config.Handler.(*benchFeeds)

	cfg := config.Default().Ingest
	cfg.OPML = nil
	cfg.AllowPrivate = true
	// Default concurrency (32). One loopback host serves all 10,000 feeds, so the per-host
	// limits are lifted; real lists spread over many hosts.
	cfg.PerHostConcurrency = cfg.Concurrency
	cfg.PerHostDelay = 0
	cfg.MinInterval = time.Hour // only PollNow starts a cycle
	cfg.MaxInterval = 6 * time.Hour
	for i := range feeds {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{URL: fmt.Sprintf("%s/f/%d", srv.URL, i)})
	}
	pub := &countingPublisher{}
	p, err := NewPoller(cfg, b.TempDir(), pub, testLogger(b))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	var peakHeap atomic.Uint64
	stopSampler := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stopSampler:
				return
			case <-t.C:
			}
		}
	})
	defer func() { close(stopSampler); sampler.Wait() }()

	cycle := func(b *testing.B) {
		b.Helper()
		before := p.polls.Load()
		p.PollNow("")
		deadline := time.Now().Add(5 * time.Minute)
		for p.polls.Load() < before+feeds {
			if time.Now().After(deadline) {
				b.Fatalf("cycle incomplete after 5 minutes: %d of %d feeds", p.polls.Load()-before, feeds)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// Warm up: the first cycle publishes everything once and fills connections and state.
	cycle(b)
	for _, s := range p.Status() {
		if s.ConsecutiveFailures > 0 {
			b.Fatalf("feed %s failing: %s", s.URL, s.LastError)
		}
	}

	run := func(name string, change bool) {
		b.Run(name, func(b *testing.B) {
			peakHeap.Store(0)
			published := pub.n.Load()
			cpu0 := cpuSeconds()
			start := time.Now()
			for b.Loop() {
				if change {
					server.gen.Add(1)
				}
				cycle(b)
			}
			elapsed := time.Since(start)
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/cycle")
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/cycle")
			b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MB")
			b.ReportMetric(maxRSSMB(), "max-rss-MB")
			b.ReportMetric(float64(pub.n.Load()-published)/float64(b.N), "articles/cycle")
		})
	}
	run("changed", true)
	run("not-modified", false)
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}
