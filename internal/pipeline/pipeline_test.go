package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/alert"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
)

const seedPath = "../../../shared/samples/seed-article.fr.txt"

// seedFeed serves an RSS feed whose only item is the seed article, and counts requests.
func seedFeed(t *testing.T) *httptest.Server {
	t.Helper()
	text, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("the seed article is missing (%v): this test needs ../shared beside the checkout", err)
	}
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Seed News</title><link>%[1]s/</link><language>fr</language>
<item><title>Corridor de Latchine : Moscou accuse Erevan</title>
<link>%[1]s/articles/lachin?utm_source=rss</link><guid>seed-1</guid>
<pubDate>Wed, 18 Jan 2023 10:00:00 GMT</pubDate>
<description>%[2]s</description></item></channel></rss>`, srv.URL, html.EscapeString(string(text)))
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func testConfig(t *testing.T, dataDir string, feeds ...string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.Serve.Addr = "127.0.0.1:0"
	cfg.Ingest.OPML = nil
	cfg.Ingest.AllowPrivate = true // the test feeds are on loopback
	cfg.Ingest.MinInterval = 200 * time.Millisecond
	cfg.Ingest.MaxInterval = time.Second
	for _, f := range feeds {
		cfg.Ingest.Feeds = append(cfg.Ingest.Feeds, config.FeedConfig{URL: f})
	}
	cfg.Process.TopicsFile = "../../config/topics.yaml"
	cfg.Kafka.Partitions = 2
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config: %v", err)
	}
	return cfg
}

// running is one wirewatch run in this test process.
type running struct {
	addr string
	stop func() error
}

func start(t *testing.T, cfg config.Config) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() {
		done <- Run(ctx, cfg, Options{Stages: AllStages, Embedded: true, Ready: func(a string) { ready <- a }}, logger)
	}()
	select {
	case addr := <-ready:
		return &running{addr: addr, stop: func() error { cancel(); return <-done }}
	case err := <-done:
		cancel()
		t.Fatalf("wirewatch run ended before it was ready: %v", err)
	case <-time.After(5 * time.Minute):
		cancel()
		t.Fatal("wirewatch run not ready after 5 minutes")
	}
	return nil
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func searchAPI(t *testing.T, addr, q string) index.Result {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/api/search?" + url.Values{"q": {q}}.Encode())
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search %q: status %s", q, resp.Status)
	}
	var res index.Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("decoding search answer: %v", err)
	}
	return res
}

// waitFor polls the search API until check passes or the deadline passes.
func waitFor(t *testing.T, addr, q string, within time.Duration, check func(index.Result) bool) index.Result {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res := searchAPI(t, addr, q)
		if check(res) {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("search %q: condition not met within %s; last answer: total %d", q, within, res.Total)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestSeedArticleSearchableAndKeptOnceAcrossRestart(t *testing.T) {
	feed := seedFeed(t)
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir, feed.URL+"/feed.xml")
	cfg.Kafka.EmbeddedAddr = freeAddr(t)

	began := time.Now()
	r := start(t, cfg)
	ready := time.Now()
	// The goal is 10 s; speed is reported, not asserted, so a busy machine does not fail this.
	res := waitFor(t, r.addr, "Lachin", 2*time.Minute, func(res index.Result) bool { return res.Total > 0 })
	t.Logf("seed article searchable %s after the start command, %s after the stages were ready",
		time.Since(began).Round(time.Millisecond), time.Since(ready).Round(time.Millisecond))
	hit := res.Hits[0]
	if hit.Lang != "fr" {
		t.Errorf("language = %q, want fr", hit.Lang)
	}
	if res.Total != 1 {
		t.Errorf("total = %d, want exactly 1 copy", res.Total)
	}
	if !strings.Contains(strings.Join(hit.Topics, " "), "lachin") {
		t.Errorf("topics = %v, want the Lachin corridor topic", hit.Topics)
	}
	if len(hit.Highlights) == 0 {
		t.Errorf("no highlights on %+v", hit)
	}
	// A document is searchable as soon as the index stored it; its offset commit and the
	// consumed counter follow a moment later, so the metrics are polled for a while.
	wants := []string{
		`wirewatch_messages_consumed_total{stage="process"} 1`,
		`wirewatch_messages_consumed_total{stage="index"} 1`,
		`wirewatch_messages_produced_total{topic="wirewatch.articles.raw"} 1`,
		`wirewatch_messages_produced_total{topic="wirewatch.articles.enriched"} 1`,
		`wirewatch_consumer_lag{partition=`,
		`wirewatch_ingest_feed_up{feed_url="` + feed.URL + `/feed.xml"} 1`,
	}
	var missing []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		metrics := getText(t, "http://"+r.addr+"/metrics")
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(metrics, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range missing {
		t.Errorf("/metrics lacks %s", want)
	}
	// Let the poller poll the unchanged feed a few more times before stopping.
	time.Sleep(1500 * time.Millisecond)
	if err := r.stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}

	r = start(t, cfg)
	defer r.stop()
	time.Sleep(2 * time.Second) // several poll intervals
	res = waitFor(t, r.addr, "Lachin", time.Minute, func(res index.Result) bool { return res.Total > 0 })
	if res.Total != 1 {
		t.Errorf("after restart total = %d, want exactly 1", res.Total)
	}
	if n := bustest.Count(t, []string{cfg.Kafka.EmbeddedAddr}, cfg.Kafka.Topics.Raw); n != 1 {
		t.Errorf("raw topic holds %d messages after restart and re-polls, want the article published once", n)
	}
	resp, err := http.Get("http://" + r.addr + "/api/articles/" + hit.ID)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/articles/%s: %v %v", hit.ID, resp.Status, err)
	}
	resp.Body.Close()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestFeedToWebhookAndAtomOncePerStory follows an article from a local feed through every
// stage to a saved search's webhook and Atom feed; the same story from a second outlet must
// not alert again.
func TestFeedToWebhookAndAtomOncePerStory(t *testing.T) {
	const story = `Azerbaijan reopened the Lachin corridor on Monday after a month-long blockade, letting Red Cross convoys travel from Armenia to Stepanakert. Russian peacekeepers watched the road near the checkpoint as the first trucks passed. Officials in Yerevan said the reopening must be permanent and called on the European Union to keep monitoring the border.`
	outlet := func(name, path string) *httptest.Server {
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>%s/</link>
<item><title>Lachin corridor reopens to aid convoys</title><link>%s%s</link><guid>%s-1</guid>
<pubDate>Mon, 23 Nov 2026 06:00:00 GMT</pubDate><description>%s</description></item></channel></rss>`,
				name, srv.URL, srv.URL, path, name, html.EscapeString(story))
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	first := outlet("Armenia Daily", "/news/lachin")

	var mu sync.Mutex
	var deliveries []alert.Alert
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !alert.VerifySignature("hook-secret", body, r.Header.Get("X-Wirewatch-Signature")) {
			t.Errorf("webhook signature %q does not verify", r.Header.Get("X-Wirewatch-Signature"))
		}
		var a alert.Alert
		if err := json.Unmarshal(body, &a); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		mu.Lock()
		deliveries = append(deliveries, a)
		mu.Unlock()
	}))
	defer hook.Close()

	cfg := testConfig(t, t.TempDir(), first.URL+"/feed.xml")
	cfg.Alert.Searches = []config.SearchConfig{{
		Name: "Lachin", Query: `topic:lachin-corridor OR "Lachin corridor"`, Mode: "immediate",
		Channels: []config.ChannelConfig{{Type: "webhook", URL: hook.URL, Secret: "hook-secret"}, {Type: "atom"}},
	}}
	cfg.Alert.AllowPrivate = true // the test webhook is on loopback
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r := start(t, cfg)
	defer r.stop()

	delivered := func() []alert.Alert {
		mu.Lock()
		defer mu.Unlock()
		return append([]alert.Alert(nil), deliveries...)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for len(delivered()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no webhook delivery within 3 minutes of the article being on the feed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	got := delivered()[0]
	if got.SearchName != "Lachin" || !strings.Contains(got.Article.Title, "Lachin corridor") || got.ID == "" {
		t.Errorf("delivered alert = %+v", got)
	}

	// The second outlet carries the same story under another URL: one more article in the
	// index, no second alert.
	second := outlet("Caucasus Wire", "/2026/11/23/lachin-reopens")
	resp, err := http.Post("http://"+r.addr+"/api/feeds", "application/json", strings.NewReader(`{"url":"`+second.URL+`/feed.xml"}`))
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("adding the second feed: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	waitFor(t, r.addr, `"Lachin corridor reopens"`, 3*time.Minute, func(res index.Result) bool { return res.Total == 2 })
	time.Sleep(3 * time.Second) // time for a wrong second alert to arrive
	if n := len(delivered()); n != 1 {
		t.Errorf("%d webhook deliveries for one story from two outlets, want 1", n)
	}

	var searches struct {
		Searches []struct {
			ID string `json:"id"`
		} `json:"searches"`
	}
	getJSON(t, "http://"+r.addr+"/api/searches", &searches)
	if len(searches.Searches) != 1 {
		t.Fatalf("saved searches: %+v", searches)
	}
	atom, err := http.Get("http://" + r.addr + "/feeds/searches/" + searches.Searches[0].ID + ".atom")
	if err != nil {
		t.Fatal(err)
	}
	defer atom.Body.Close()
	body, _ := io.ReadAll(atom.Body)
	if atom.StatusCode != 200 || strings.Count(string(body), "<entry>") != 1 || !strings.Contains(string(body), "Lachin corridor reopens") {
		t.Errorf("Atom feed (%s) should hold the one alert:\n%s", atom.Status, body)
	}
}

func getText(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestPollAloneOnAClusterSharesTheFeedListThroughKafka runs `wirewatch poll` against a
// broker it did not start: the feed list goes to the feeds topic, and the poller group
// polls it and publishes the article.
func TestPollAloneOnAClusterSharesTheFeedListThroughKafka(t *testing.T) {
	c, _ := bustest.Start(t)
	feed := seedFeed(t)
	cfg := testConfig(t, t.TempDir(), feed.URL+"/feed.xml")
	cfg.Kafka.Brokers = c.Brokers()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- Run(ctx, cfg, Options{Stages: []string{Poll}}, logger) }()
	raw := bustest.Read(t, c, cfg.Kafka.Topics.Raw, 1, 2*time.Minute)
	feeds := bustest.Read(t, c, cfg.Kafka.Topics.Feeds, 1, 30*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("poll stage: %v", err)
	}
	if len(raw) != 1 {
		t.Fatalf("raw topic: %d articles, want the seed article", len(raw))
	}
	if len(feeds) != 1 || string(feeds[0].Key) != feed.URL+"/feed.xml" {
		t.Errorf("feeds topic = %v, want the configured feed keyed by its URL", feeds)
	}
}

// TestServeAloneServesUntilStopped runs the search API as its own process does, on a
// cluster: it has no stage loop, and it must answer until it is stopped, not stop at once.
func TestServeAloneServesUntilStopped(t *testing.T) {
	c, _ := bustest.Start(t)
	cfg := testConfig(t, t.TempDir())
	cfg.Kafka.Brokers = c.Brokers()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() {
		done <- Run(ctx, cfg, Options{Stages: []string{Serve}, Ready: func(a string) { ready <- a }}, logger)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended before it was ready: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("serve not ready after 2 minutes")
	}
	select {
	case err := <-done:
		t.Fatalf("serve stopped on its own right after starting: %v", err)
	case <-time.After(time.Second):
	}
	searchAPI(t, addr, "lachin")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
