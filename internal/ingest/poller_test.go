package ingest

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wirewatch/internal/config"
)

// seedFeed serves an RSS feed with the seed article (French, full text in content:encoded)
// and counts requests; it honours If-None-Match like a well-behaved server.
type seedFeed struct {
	mu       sync.Mutex
	items    []string // extra <item> elements
	requests atomic.Int64
	notMod   atomic.Int64
	etag     string
}

func (s *seedFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.etag != "" && r.Header.Get("If-None-Match") == s.etag {
		s.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	if s.etag != "" {
		w.Header().Set("ETag", s.etag)
	}
	fmt.Fprint(w, s.body())
}

func (s *seedFeed) body() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Le Monde International</title><link>https://www.lemonde.fr/international/</link><language>fr-FR</language>
` + strings.Join(s.items, "\n") + `
</channel></rss>`
}

func (s *seedFeed) add(item string) {
	s.mu.Lock()
	s.items = append(s.items, item)
	s.etag = fmt.Sprintf(`"v%d"`, len(s.items))
	s.mu.Unlock()
}

func seedItem(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, "samples/seed-article.fr.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(string(b)), "\n\n") {
		paras = append(paras, "<p>"+html.EscapeString(p)+"</p>")
	}
	return `<item><title>Blocus du corridor de Latchine : Moscou accuse Erevan</title>
<link>https://www.lemonde.fr/international/article/2023/01/18/lachin_123.html?utm_source=rss&amp;utm_medium=feed#comments</link>
<guid isPermaLink="false">lemonde-123</guid>
<dc:creator>Le Monde avec AFP</dc:creator><category>Arménie</category><category>Azerbaïdjan</category>
<pubDate>Wed, 18 Jan 2023 16:20:00 +0100</pubDate>
<description>M. Lavrov a déclaré que la Russie était toujours prête à envoyer une mission.</description>
<content:encoded><![CDATA[` + strings.Join(paras, "\n") + `<script>alert(1)</script><img src="/img/lachin.jpg" onerror="alert(2)">]]></content:encoded>
</item>`
}

func TestPollerPublishesSeedOnceAcrossRestart(t *testing.T) {
	feed := &seedFeed{}
	feed.add(seedItem(t))
	srv := httptest.NewServer(feed)
	defer srv.Close()
	dir := t.TempDir()
	cfg := testConfig(srv.URL + "/rss")
	pub := newRecorder()

	r := startPoller(t, cfg, dir, pub)
	waitFor(t, 5*time.Second, "the seed article", func() bool { return len(pub.all()) >= 1 })
	// Let several more polls happen (intervals are 50-200 ms here): none may republish.
	waitFor(t, 5*time.Second, "more polls", func() bool { return feed.requests.Load() >= 4 })
	r.stop(t)

	arts := pub.all()
	if len(arts) != 1 {
		t.Fatalf("published %d articles, want 1", len(arts))
	}
	a := arts[0]
	if want := "https://www.lemonde.fr/international/article/2023/01/18/lachin_123.html"; a.URL != want {
		t.Errorf("URL = %q, want %q (tracking parameters and fragment dropped)", a.URL, want)
	}
	if !strings.Contains(a.Text, "corridor Lachin") || !strings.Contains(a.Text, "M. Lavrov a déclaré") {
		t.Errorf("Text lacks the article body: %.200q", a.Text)
	}
	if strings.Contains(a.HTML, "<script") || strings.Contains(a.HTML, "onerror") {
		t.Errorf("HTML not sanitised: %q", a.HTML)
	}
	if !strings.Contains(a.HTML, `src="https://www.lemonde.fr/img/lachin.jpg"`) {
		t.Errorf("relative image not resolved in HTML: %q", a.HTML)
	}
	if a.Source.Lang != "fr" || a.Source.FeedTitle != "Le Monde International" || a.Source.FeedURL != srv.URL+"/rss" {
		t.Errorf("Source = %+v", a.Source)
	}
	if got := a.Published.UTC().Format(time.RFC3339); got != "2023-01-18T15:20:00Z" {
		t.Errorf("Published = %s", got)
	}
	if len(a.Authors) != 1 || a.Authors[0] != "Le Monde avec AFP" || len(a.Categories) != 2 {
		t.Errorf("Authors %q Categories %q", a.Authors, a.Categories)
	}
	if a.Image != "https://www.lemonde.fr/img/lachin.jpg" {
		t.Errorf("Image = %q", a.Image)
	}

	// A clean restart against the same data directory publishes nothing again.
	before := feed.requests.Load()
	r2 := startPoller(t, cfg, dir, pub)
	waitFor(t, 5*time.Second, "polls after restart", func() bool { return feed.requests.Load() >= before+3 })
	r2.stop(t)
	if n := len(pub.all()); n != 1 {
		t.Fatalf("after restart %d articles published in total, want still 1", n)
	}
	if feed.notMod.Load() == 0 {
		t.Errorf("server never answered 304: conditional GET not sent")
	}
}

func TestPollerStateAdvancesOnlyAfterPublish(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>First</title><link>https://example.org/1</link></item>`)
	srv := httptest.NewServer(feed)
	defer srv.Close()
	dir := t.TempDir()
	cfg := testConfig(srv.URL)
	pub := newRecorder()
	pub.setFail(errBrokerDown)

	r := startPoller(t, cfg, dir, pub)
	waitFor(t, 5*time.Second, "a publish failure in the feed status", func() bool {
		s := statusOf(t, r.p, srv.URL)
		return s.ConsecutiveFailures >= 1 && strings.Contains(s.LastError, "broker down")
	})
	r.stop(t)
	if len(pub.all()) != 0 {
		t.Fatalf("articles recorded while publishing failed")
	}
	// The broker is back: the same item must still be delivered, once.
	pub.setFail(nil)
	r2 := startPoller(t, cfg, dir, pub)
	waitFor(t, 5*time.Second, "the item after the broker came back", func() bool { return len(pub.byTitle("First")) == 1 })
	feed.add(`<item><title>Second</title><link>https://example.org/2</link></item>`)
	waitFor(t, 5*time.Second, "the second item", func() bool { return len(pub.byTitle("Second")) == 1 })
	time.Sleep(300 * time.Millisecond)
	r2.stop(t)
	if n := len(pub.all()); n != 2 {
		t.Fatalf("published %d articles, want 2", n)
	}
	s := statusOf(t, r2.p, srv.URL)
	if s.ConsecutiveFailures != 0 || s.LastSuccess.IsZero() || s.Published != 2 {
		t.Errorf("status after recovery = %+v", s)
	}
}

func TestPollerSameStoryInTwoFeedsIsOneArticle(t *testing.T) {
	a, b := &seedFeed{}, &seedFeed{}
	a.add(`<item><title>Story</title><link>https://news.example/story?utm_campaign=x</link><guid>a-1</guid></item>`)
	srvA := httptest.NewServer(a)
	defer srvA.Close()
	srvB := httptest.NewServer(b)
	defer srvB.Close()
	cfg := testConfig(srvA.URL+"/a", srvB.URL+"/b")
	pub := newRecorder()
	r := startPoller(t, cfg, t.TempDir(), pub)
	waitFor(t, 5*time.Second, "the story from feed A", func() bool { return len(pub.byTitle("Story")) == 1 })
	b.add(`<item><title>Story</title><link>https://news.example/story#top</link><guid>b-9</guid></item>`)
	waitFor(t, 5*time.Second, "the story again with both sources", func() bool { return len(pub.byTitle("Story")) == 2 })
	time.Sleep(300 * time.Millisecond)
	r.stop(t)
	got := pub.byTitle("Story")
	if len(got) != 2 {
		t.Fatalf("story published %d times, want 2 (once per new source)", len(got))
	}
	if got[0].ID != got[1].ID {
		t.Errorf("same canonical URL gave two IDs: %s, %s", got[0].ID, got[1].ID)
	}
	last := got[1]
	if len(last.Sources) != 2 || last.Sources[0].FeedURL != srvA.URL+"/a" || last.Sources[1].FeedURL != srvB.URL+"/b" {
		t.Errorf("Sources = %+v, want feed A then feed B", last.Sources)
	}
}

func TestPollerRefusesLoopbackByDefault(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>Secret</title><link>https://intranet.example/1</link></item>`)
	srv := httptest.NewServer(feed)
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.AllowPrivate = false
	pub := newRecorder()
	r := startPoller(t, cfg, t.TempDir(), pub)
	waitFor(t, 5*time.Second, "the refusal in the feed status", func() bool {
		return statusOf(t, r.p, srv.URL).ConsecutiveFailures >= 1
	})
	r.stop(t)
	s := statusOf(t, r.p, srv.URL)
	if !strings.Contains(s.LastError, "private, loopback or link-local") {
		t.Errorf("LastError = %q, want the private-address refusal", s.LastError)
	}
	if feed.requests.Load() != 0 || len(pub.all()) != 0 {
		t.Errorf("server got %d requests and %d articles were published; want none", feed.requests.Load(), len(pub.all()))
	}
}

func TestPollerAddFeedDiscoversFromPage(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>Discovered</title><link>https://example.org/d</link></item>`)
	mux := http.NewServeMux()
	mux.Handle("/feed.xml", feed)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><html><head><title>Site</title>
<link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
</head><body>hello</body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	cfg := testConfig()
	pub := newRecorder()
	r := startPoller(t, cfg, dir, pub)
	if err := r.p.AddFeed(t.Context(), config.FeedConfig{URL: srv.URL + "/"}); err != nil {
		t.Fatalf("AddFeed: %v", err)
	}
	waitFor(t, 5*time.Second, "the discovered feed's item", func() bool { return len(pub.byTitle("Discovered")) == 1 })
	if err := r.p.AddFeed(t.Context(), config.FeedConfig{URL: srv.URL + "/feed.xml"}); err == nil {
		t.Errorf("adding the same feed twice: no error")
	}
	r.stop(t)
	// The added feed is remembered across restarts.
	p2, err := NewPoller(cfg, dir, pub, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	st := p2.Status()
	if len(st) != 1 || st[0].URL != srv.URL+"/feed.xml" || st[0].Published != 1 {
		t.Errorf("status after restart = %+v", st)
	}
}

// A poll that brings nothing (a 304) changes only the schedule and counters: its record
// waits for the committer's next flush instead of a transaction of its own, and a clean
// stop writes it. A poll with news is written at once.
func TestPollerWritesQuietPollsAtTheFlush(t *testing.T) {
	feed := &seedFeed{}
	feed.add(seedItem(t))
	srv := httptest.NewServer(feed)
	defer srv.Close()
	dir := t.TempDir()
	url := srv.URL + "/rss"
	r := startPoller(t, testConfig(url), dir, newRecorder())
	// The server counts a 304 when it answers, before the poller has read it: a fourth
	// request means the third 304's poll ended (a feed's polls run one after another).
	waitFor(t, 5*time.Second, "four 304s", func() bool { return feed.notMod.Load() >= 4 })
	recs, err := r.p.store.loadFeeds()
	if err != nil {
		t.Fatal(err)
	}
	if rec := recs[url]; rec == nil || rec.Successes != 1 || len(rec.seen) != 1 {
		t.Errorf("stored while running: %+v, want the first poll's record and seen list only", rec)
	}
	r.stop(t)

	st, err := openStore(filepath.Join(dir, "ingest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if recs, err = st.loadFeeds(); err != nil {
		t.Fatal(err)
	}
	// A poll cut short by the stop is not counted: at least the first and three 304s (the
	// fourth may have been cut short).
	if rec := recs[url]; rec == nil || rec.Successes < 4 {
		t.Errorf("stored after stop: %+v, want 4 successes or more", rec)
	}
	// The flush writes the last poll's record, as the feed state holds it, not an older one.
	r.p.mu.Lock()
	mem := r.p.feeds[url].rec
	r.p.mu.Unlock()
	if rec := recs[url]; rec != nil && (rec.Successes != mem.Successes || !rec.NextPoll.Equal(mem.NextPoll) || rec.Interval != mem.Interval) {
		t.Errorf("stored after stop: %d successes, next poll %s, interval %s; the feed state has %d, %s, %s",
			rec.Successes, rec.NextPoll, rec.Interval, mem.Successes, mem.NextPoll, mem.Interval)
	}
}

// TestDropCancelsOnlyThePollOfItsFeed: a worker's poll context outlives its polls, so a
// feed dropped once the worker has moved on to another feed must leave the other's poll
// alone, while a feed dropped during its own poll cancels it.
func TestDropCancelsOnlyThePollOfItsFeed(t *testing.T) {
	p := &Poller{feeds: map[string]*feedState{}}
	a, b := &feedState{busy: true}, &feedState{busy: true}
	p.feeds["a"], p.feeds["b"] = a, b
	pc := &pollContext{}
	pc.ctx, pc.cancel = context.WithCancelCause(t.Context())
	defer pc.cancel(nil)
	a.stop, pc.fs = pc, a // the worker polled a: its outcome waits for the commit
	b.stop, pc.fs = pc, b // and now polls b
	p.mu.Lock()
	leftA := p.dropLocked("a")
	p.mu.Unlock()
	if pc.ctx.Err() != nil {
		t.Fatal("dropping a feed whose poll had ended cancelled the worker's poll of another feed")
	}
	if leftA == nil {
		t.Error("a's poll has not been committed: its drop must give a channel to wait on")
	}
	p.mu.Lock()
	p.dropLocked("b")
	p.mu.Unlock()
	if pc.ctx.Err() == nil {
		t.Error("dropping the feed under poll left its poll running")
	}
}

// windowFeed serves the items [start, start+n) of an endless list, newest last.
type windowFeed struct {
	mu       sync.Mutex
	start, n int
	requests atomic.Int64
}

func (f *windowFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.mu.Lock()
	start, n := f.start, f.n
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Window</title><link>https://window.example/</link>`)
	for i := start; i < start+n; i++ {
		fmt.Fprintf(w, `<item><title>Item %d</title><link>https://window.example/%d</link><guid>window-%d</guid></item>`, i, i, i)
	}
	fmt.Fprint(w, `</channel></rss>`)
}

func (f *windowFeed) show(start int) {
	f.mu.Lock()
	f.start = start
	f.mu.Unlock()
}

// A feed's seen list keeps the items of its body and as many again of those that left it
// (at least seenWindowFloor), not seen_per_feed IDs whatever the feed's size; an item that
// comes back after the window forgot it is still not published twice: the article index
// knows the feed published it.
func TestPollerSeenListKeepsTheBodyAndAWindow(t *testing.T) {
	feed := &windowFeed{n: 4}
	srv := newServer(t, feed)
	cfg := testConfig(srv.URL)
	cfg.SeenPerFeed = 100
	rec := newRecorder()
	r := startPoller(t, cfg, t.TempDir(), rec)
	seenLen := func() int {
		r.p.mu.Lock()
		defer r.p.mu.Unlock()
		return len(r.p.feeds[srv.URL].seen)
	}
	for start := 0; start <= 16; start += 4 {
		feed.show(start)
		waitFor(t, 10*time.Second, fmt.Sprintf("items to %d published", start+3), func() bool { return len(rec.all()) == start+4 })
	}
	// Two polls more: the commit of the last body's poll is in.
	before := feed.requests.Load()
	waitFor(t, 10*time.Second, "two more polls", func() bool { return feed.requests.Load() >= before+2 })
	if got := seenLen(); got != 4+seenWindowFloor {
		t.Errorf("seen list of %d IDs after 20 items in bodies of 4; want %d (4 carried, %d gone)", got, 4+seenWindowFloor, seenWindowFloor)
	}
	// Item 0 left the window long ago; item 20 is new.
	feed.mu.Lock()
	feed.start, feed.n = 0, 1
	feed.mu.Unlock()
	before = feed.requests.Load()
	waitFor(t, 10*time.Second, "two polls of the body with item 0", func() bool { return feed.requests.Load() >= before+2 })
	feed.show(20)
	waitFor(t, 10*time.Second, "item 20 published", func() bool { return len(rec.byTitle("Item 20")) == 1 })
	if n := len(rec.byTitle("Item 0")); n != 1 {
		t.Errorf("item 0 published %d times; want once: it came back after its feed's seen list forgot it", n)
	}
	if n := len(rec.all()); n != 21 {
		t.Errorf("%d articles published; want 21", n)
	}
}
