package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirewatch/internal/article"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// countingPublisher is a real, if minimal, Publisher: it accepts and counts.
type countingPublisher struct{ n atomic.Int64 }

func (c *countingPublisher) Publish(_ context.Context, arts []*article.Article) error {
	c.n.Add(int64(len(arts)))
	return nil
}

// benchFeeds serves n feeds of 20 items each at /f/{i}. Every feed changes when gen is
// bumped; otherwise it answers If-None-Match with 304. A bump replaces all 20 items, or,
// with slide set, adds one new item and drops the oldest, as a news feed does.
type benchFeeds struct {
	gen   atomic.Int64
	slide atomic.Bool
	pool  sync.Pool
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
	slide := s.slide.Load()
	for j := 0; j < 20; j++ {
		ig, ij := g, j // the item's identity: generation and place
		if slide {
			ig, ij = g-int64(j), 100
		}
		fmt.Fprintf(b, `<item><title>Feed %d generation %d item %d</title><link>https://site%d.example/%d/%d/%d?utm_source=rss</link>`+
			`<guid>%d-%d-%d</guid><pubDate>%s</pubDate><description><![CDATA[<p>Summary of item %d with <a href="/x">a link</a> and some text about the Lachin corridor.</p>]]></description></item>`,
			i, ig, ij, i%500, i, ig, ij, i, ig, ij, now.Add(-time.Duration(j)*time.Hour).Format(time.RFC1123Z), j)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("ETag", etag)
	w.Write(b.Bytes())
	s.pool.Put(b)
}

// BenchmarkPollCycle10kFeeds polls 10,000 feeds × 20 items from one loopback server: a
// cycle where every feed changed (200,000 new articles through normalising, dedup, Publish
// and the state commit), a cycle where every feed answers 304, and a cycle where every
// feed has one new item among 19 it had (10,000 new articles). The same cycles run
// first through a raw loop (net/http with conditional GET, 32 workers, gofeed on the body),
// the baseline the poller is held to, before the poller exists so that neither holds the
// other's memory. It reports seconds per cycle, process CPU seconds per cycle (the test
// server's share included), and the peak Go heap in use and peak process RSS while the
// cycles ran, both sampled the same way for the raw loop and the poller.
func BenchmarkPollCycle10kFeeds(b *testing.B) {
	const feeds = 10000
	const concurrency = 32 // config.Default().Ingest.Concurrency
	srv := httptest.NewServer(&benchFeeds{})
	b.Cleanup(srv.Close) // after the poller's cleanup, which stops it
	server := srv.Config.Handler.(*benchFeeds)
	urls := make([]string, feeds)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/f/%d", srv.URL, i)
	}
	mem := startMemSampler(b)

	run := func(name string, change bool, cycle func(b *testing.B) int64) {
		b.Run(name, func(b *testing.B) {
			if slide := strings.HasSuffix(name, "/one-new"); slide != server.slide.Load() {
				// Untimed: the first body of the other kind is new throughout.
				server.slide.Store(slide)
				server.gen.Add(1)
				cycle(b)
			}
			mem.reset()
			var articles int64
			cpu0 := cpuSeconds()
			start := time.Now()
			for b.Loop() {
				if change {
					server.gen.Add(1)
				}
				articles += cycle(b)
			}
			elapsed := time.Since(start)
			heap, rss := mem.peaks()
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/cycle")
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/cycle")
			b.ReportMetric(heap, "peak-heap-MB")
			b.ReportMetric(rss, "peak-rss-MB")
			b.ReportMetric(float64(articles)/float64(b.N), "articles/cycle")
		})
	}

	raw := newRawLoop(urls, concurrency)
	raw.cycle() // warm up: connections and validators
	run("raw/changed", true, func(*testing.B) int64 { return raw.cycle() })
	run("raw/not-modified", false, func(*testing.B) int64 { return raw.cycle() })
	run("raw/one-new", true, func(*testing.B) int64 { return raw.cycle() })
	raw.close()
	raw = nil

	cycle := startBenchPoller(b, urls, concurrency)
	run("poller/changed", true, cycle)
	run("poller/not-modified", false, cycle)
	run("poller/one-new", true, cycle)

	// Paired: a raw cycle, then a poller cycle, in turn in one process, so that both see
	// the same load on a noisy machine; separate phases minutes apart do not. It reports
	// the poller's wall time and CPU as ratios to the raw loop's, each side's CPU per cycle,
	// and each side's allocations per poll (the test server's included on both sides). No
	// memory peaks: both sides are in the heap at once here.
	b.Run("paired/not-modified", func(b *testing.B) {
		raw := newRawLoop(urls, concurrency)
		defer raw.close()
		raw.cycle() // the bodies are new to it: it learns the validators
		raw.cycle()
		var wall, rawWall time.Duration
		var cpu, rawCPU float64
		var allocs, rawAllocs, bytes, rawBytes uint64
		var ms runtime.MemStats
		for b.Loop() {
			runtime.ReadMemStats(&ms)
			m0, a0 := ms.Mallocs, ms.TotalAlloc
			c0, t0 := cpuSeconds(), time.Now()
			raw.cycle()
			rawWall, rawCPU = rawWall+time.Since(t0), rawCPU+cpuSeconds()-c0
			runtime.ReadMemStats(&ms)
			m1, a1 := ms.Mallocs, ms.TotalAlloc
			c1, t1 := cpuSeconds(), time.Now()
			cycle(b)
			wall, cpu = wall+time.Since(t1), cpu+cpuSeconds()-c1
			runtime.ReadMemStats(&ms)
			allocs, rawAllocs = allocs+ms.Mallocs-m1, rawAllocs+m1-m0
			bytes, rawBytes = bytes+ms.TotalAlloc-a1, rawBytes+a1-a0
		}
		polls := float64(b.N * feeds)
		b.ReportMetric(wall.Seconds()/rawWall.Seconds(), "wall-ratio")
		b.ReportMetric(cpu/rawCPU, "cpu-ratio")
		b.ReportMetric(cpu/float64(b.N), "cpu-s/cycle")
		b.ReportMetric(rawCPU/float64(b.N), "raw-cpu-s/cycle")
		b.ReportMetric(float64(allocs)/polls, "allocs/poll")
		b.ReportMetric(float64(rawAllocs)/polls, "raw-allocs/poll")
		b.ReportMetric(float64(bytes)/polls, "B/poll")
		b.ReportMetric(float64(rawBytes)/polls, "raw-B/poll")
	})
}

// startBenchPoller runs a poller of urls, with the per-host limits lifted (one loopback
// host serves them all), until the benchmark ends. It returns a function that makes every
// feed due, waits until all are polled and committed, and returns the articles published;
// it has already run once, so that connections and state are warm.
func startBenchPoller(b *testing.B, urls []string, concurrency int) func(b *testing.B) int64 {
	b.Helper()
	feeds := int64(len(urls))
	cfg := config.Default().Ingest
	cfg.OPML = nil
	cfg.AllowPrivate = true
	cfg.Concurrency = concurrency
	// One loopback host serves all 10,000 feeds, so the per-host limits are lifted; real
	// lists spread over many hosts.
	cfg.PerHostConcurrency = cfg.Concurrency
	cfg.PerHostDelay = 0
	cfg.MinInterval = time.Hour // only PollNow starts a cycle
	cfg.MaxInterval = 6 * time.Hour
	for _, u := range urls {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{URL: u})
	}
	pub := &countingPublisher{}
	p, err := NewPoller(cfg, b.TempDir(), pub, testLogger(b))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go pprof.Do(ctx, pprof.Labels("side", "poller"), func(ctx context.Context) { done <- p.Run(ctx) })
	b.Cleanup(func() {
		cancel()
		<-done
	})

	cycle := func(b *testing.B) int64 {
		b.Helper()
		before, published := p.polls.Load(), pub.n.Load()
		p.PollNow("")
		deadline := time.Now().Add(5 * time.Minute)
		for p.polls.Load() < before+feeds {
			if time.Now().After(deadline) {
				b.Fatalf("cycle incomplete after 5 minutes: %d of %d feeds", p.polls.Load()-before, feeds)
			}
			// Finely: the raw loop's end is exact (a WaitGroup), and a cycle of 304s takes
			// a few hundred milliseconds, which 5 ms steps overstated by about 1%.
			time.Sleep(time.Millisecond)
		}
		return pub.n.Load() - published
	}
	// Warm up: the first cycle publishes everything once and fills connections and state.
	cycle(b)
	for _, s := range p.Status() {
		if s.ConsecutiveFailures > 0 {
			b.Fatalf("feed %s failing: %s", s.URL, s.LastError)
		}
	}
	return cycle
}

// rawLoop is the baseline: what a program that only fetches and parses the feeds does,
// with one keep-alive transport, conditional GET, and gofeed reading the body as it comes.
type rawLoop struct {
	client      *http.Client
	urls        []string
	etags       []string
	concurrency int
}

func newRawLoop(urls []string, concurrency int) *rawLoop {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = concurrency
	return &rawLoop{client: &http.Client{Transport: t}, urls: urls, etags: make([]string, len(urls)), concurrency: concurrency}
}

// cycle fetches every feed once and returns the number of items parsed.
func (l *rawLoop) cycle() int64 {
	var next, items atomic.Int64
	var wg sync.WaitGroup
	// Labelled as the poller's goroutines are, so a CPU profile of the benchmark splits by
	// side (go tool pprof -tagfocus=side=raw); the test server's goroutines carry none.
	pprof.Do(context.Background(), pprof.Labels("side", "raw"), func(context.Context) { l.run(&next, &items, &wg) })
	wg.Wait()
	return items.Load()
}

func (l *rawLoop) run(next, items *atomic.Int64, wg *sync.WaitGroup) {
	for range l.concurrency {
		wg.Go(func() {
			parser := gofeed.NewParser()
			for i := int(next.Add(1) - 1); i < len(l.urls); i = int(next.Add(1) - 1) {
				req, _ := http.NewRequest(http.MethodGet, l.urls[i], nil)
				if l.etags[i] != "" {
					req.Header.Set("If-None-Match", l.etags[i])
				}
				resp, err := l.client.Do(req)
				if err != nil {
					continue
				}
				if resp.StatusCode == http.StatusOK {
					if feed, err := parser.Parse(resp.Body); err == nil {
						items.Add(int64(len(feed.Items)))
						l.etags[i] = resp.Header.Get("ETag")
					}
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

func (l *rawLoop) close() { l.client.CloseIdleConnections() }

// memSampler records the peak Go heap in use and the peak resident set since its last
// reset, every 20 ms.
type memSampler struct {
	heap, rss atomic.Uint64 // bytes
}

func startMemSampler(b *testing.B) *memSampler {
	m := &memSampler{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			storeMax(&m.heap, ms.HeapInuse)
			storeMax(&m.rss, currentRSS())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	b.Cleanup(func() { close(stop); wg.Wait() })
	return m
}

// reset returns freed memory to the system first, so each phase starts from what it holds.
func (m *memSampler) reset() {
	debug.FreeOSMemory()
	m.heap.Store(0)
	m.rss.Store(0)
}

func (m *memSampler) peaks() (heapMB, rssMB float64) {
	return float64(m.heap.Load()) / (1 << 20), float64(m.rss.Load()) / (1 << 20)
}

func storeMax(v *atomic.Uint64, x uint64) {
	for {
		old := v.Load()
		if x <= old || v.CompareAndSwap(old, x) {
			return
		}
	}
}

// currentRSS reads the resident set from /proc/self/statm (Linux); 0 elsewhere.
func currentRSS() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// BenchmarkSaveArticles writes the cross-feed article index behind, as the commit loop
// does, in flushes of a given size into an index that already holds 600,000 records (three
// changed 10k-feed cycles), then looks up a flush's worth of IDs, half of them stored: it
// reports the CPU per record written and looked up, and the peak Go heap.
func BenchmarkSaveArticles(b *testing.B) {
	mem := startMemSampler(b)
	st, err := openStore(filepath.Join(b.TempDir(), "ingest.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.close()
	now := time.Now()
	var n uint64
	batch := func(size int) map[idKey]*articleRecord {
		m := make(map[idKey]*articleRecord, size)
		for range size {
			n++
			m[keyOf(strconv.FormatUint(n, 10))] = &articleRecord{FirstSeen: now, Feeds: []string{fmt.Sprintf("http://127.0.0.1:40000/f/%d", n%10000)}}
		}
		return m
	}
	for range 60 {
		if err := st.saveArticles(batch(10000)); err != nil {
			b.Fatal(err)
		}
	}
	for _, size := range []int{5000, 2000} {
		b.Run(fmt.Sprintf("flush=%d", size), func(b *testing.B) {
			mem.reset()
			cpu0, records := cpuSeconds(), 0
			for b.Loop() {
				m := batch(size)
				records += len(m)
				if err := st.saveArticles(m); err != nil {
					b.Fatal(err)
				}
				ids := make([]idKey, 0, 2*size)
				for k := range m {
					ids = append(ids, k, keyOf(fmt.Sprint("absent", k)))
				}
				found := map[idKey]*articleRecord{}
				if err := st.lookupArticles(ids, found); err != nil || len(found) != size {
					b.Fatalf("lookup found %d of %d: %v", len(found), size, err)
				}
			}
			heap, _ := mem.peaks()
			b.ReportMetric((cpuSeconds()-cpu0)/float64(records)*1e6, "cpu-µs/record")
			b.ReportMetric(heap, "peak-heap-MB")
		})
	}
}

// BenchmarkBacklog100Feeds is the poller's share of the end-to-end bench: 100 feeds whose
// 100 items (about 4 KB each) all appear at once, polled once and published through the
// real writer to an in-process broker (kfake, whose copy of the records is in the heap
// too). It reports the peak Go heap in use and peak RSS from the start of the poller to the
// last acknowledgement, the time until the first articles are acknowledged and until all
// are, and the process CPU seconds per backlog.
func BenchmarkBacklog100Feeds(b *testing.B) {
	const feeds, items = 100, 100
	mux := http.NewServeMux()
	var urls []string
	for f := range feeds {
		var body strings.Builder
		fmt.Fprintf(&body, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Feed %d</title><link>https://news.example/</link>`, f)
		for i := range items {
			body.WriteString(item(fmt.Sprintf("f%d-i%d", f, i), 4000))
		}
		body.WriteString(`</channel></rss>`)
		s := body.String()
		path := fmt.Sprintf("/%d.xml", f)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			io.WriteString(w, s)
		})
		urls = append(urls, path)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := config.Default().Ingest
	cfg.OPML = nil
	cfg.AllowPrivate = true
	cfg.PerHostConcurrency = cfg.Concurrency
	cfg.PerHostDelay = 0
	cfg.MinInterval, cfg.MaxInterval = time.Hour, time.Hour
	for _, u := range urls {
		cfg.Feeds = append(cfg.Feeds, config.FeedConfig{URL: srv.URL + u})
	}
	c, m := bustest.Start(b)
	w := c.ArticleWriter(c.Topics().Raw, m)
	defer w.Close()
	mem := startMemSampler(b)
	var first, all, cpu time.Duration
	for b.Loop() {
		pub := &timedPublisher{pub: w}
		p, err := NewPoller(cfg, b.TempDir(), pub, testLogger(b))
		if err != nil {
			b.Fatal(err)
		}
		mem.reset()
		cpu0 := cpuSeconds()
		start := time.Now()
		pub.start = start
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		deadline := time.Now().Add(5 * time.Minute)
		for pub.n.Load() < feeds*items {
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d articles published after 5 minutes", pub.n.Load(), feeds*items)
			}
			time.Sleep(5 * time.Millisecond)
		}
		all += time.Since(start)
		first += time.Duration(pub.first.Load())
		cpu += time.Duration((cpuSeconds() - cpu0) * float64(time.Second))
		cancel()
		<-done
	}
	heap, rss := mem.peaks() // of the last backlog
	b.ReportMetric(heap, "peak-heap-MB")
	b.ReportMetric(rss, "peak-rss-MB")
	b.ReportMetric(first.Seconds()/float64(b.N), "s-to-first")
	b.ReportMetric(all.Seconds()/float64(b.N), "s-to-all")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/backlog")
}

// timedPublisher passes every call to the real publisher, counts what was acknowledged
// and notes when the first acknowledgement came.
type timedPublisher struct {
	pub   Publisher
	start time.Time
	n     atomic.Int64
	first atomic.Int64 // since start, in nanoseconds
}

func (t *timedPublisher) Publish(ctx context.Context, arts []*article.Article) error {
	if err := t.pub.Publish(ctx, arts); err != nil {
		return err
	}
	t.first.CompareAndSwap(0, int64(time.Since(t.start)))
	t.n.Add(int64(len(arts)))
	return nil
}
