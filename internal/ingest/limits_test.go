package ingest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// item is an RSS item whose content is about size bytes of paragraphs.
func item(slug string, size int) string {
	para := "<p>" + strings.Repeat("Talks on the Lachin corridor resumed in Yerevan. ", 40) + "</p>\n"
	return fmt.Sprintf(`<item><title>%[1]s</title><link>https://news.example/%[1]s</link><guid>%[1]s</guid>
<pubDate>Wed, 18 Jan 2023 10:00:00 GMT</pubDate><description>About %[1]s.</description>
<content:encoded><![CDATA[%[2]s]]></content:encoded></item>`, slug, strings.Repeat(para, max(1, size/len(para))))
}

// staticFeeds serves each path's items as RSS, the full body every time (no validators),
// as a feed that keeps its big item would.
func staticFeeds(t *testing.T, feeds map[string][]string) string {
	t.Helper()
	mux := http.NewServeMux()
	for path, items := range feeds {
		body := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>` + path + `</title><link>https://news.example/</link>` + strings.Join(items, "\n") + `</channel></rss>`
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	return newServer(t, mux).URL
}

// readArticles waits until topic holds n records and returns them decoded, by title.
func readArticles(t *testing.T, c *bus.Client, n int) map[string]*article.Article {
	t.Helper()
	out := map[string]*article.Article{}
	for _, r := range bustest.Read(t, c, c.Topics().Raw, n, 60*time.Second) {
		a, err := article.Decode(r.Value)
		if err != nil {
			t.Fatalf("raw topic: %v", err)
		}
		out[a.Title] = a
	}
	return out
}

// A 5 MB item and a 420 KB one, among normal items, are cut to ingest.max_article_bytes
// and published with their neighbours and the other feed's items; no feed fails.
func TestPollerTruncatesOversizedItemsAndPublishesTheirNeighbours(t *testing.T) {
	c, m := bustest.Start(t)
	base := staticFeeds(t, map[string][]string{
		"/a.xml": {item("normal-1", 2000), item("huge", 5<<20), item("large", 420<<10), item("normal-2", 2000)},
		"/b.xml": {item("normal-3", 2000)},
	})
	cfg := testConfig(base+"/a.xml", base+"/b.xml")
	w := c.ArticleWriter(c.Topics().Raw, m)
	defer w.Close()
	r := startPoller(t, cfg, t.TempDir(), w)
	got := readArticles(t, c, 5)
	for _, title := range []string{"normal-1", "normal-2", "normal-3", "huge", "large"} {
		if got[title] == nil {
			t.Fatalf("raw topic lacks %q: has %d articles", title, len(got))
		}
	}
	for title, orig := range map[string]int{"huge": 5 << 20, "large": 420 << 10} {
		a := got[title]
		if !a.Truncated || a.OriginalBytes < orig*9/10 || len(a.Text) > cfg.MaxArticleBytes || len(a.HTML) > cfg.MaxArticleBytes {
			t.Errorf("%s: truncated %v, original %d bytes, text %d, html %d; want cut to %d and marked", title,
				a.Truncated, a.OriginalBytes, len(a.Text), len(a.HTML), cfg.MaxArticleBytes)
		}
		if !strings.HasSuffix(a.Text, "…") || !strings.HasPrefix(a.HTML, "<p>") {
			t.Errorf("%s: text ends %q, html starts %q", title, a.Text[max(0, len(a.Text)-20):], a.HTML[:min(len(a.HTML), 20)])
		}
	}
	if got["normal-1"].Truncated {
		t.Error("a normal item is marked truncated")
	}
	for _, f := range []string{"/a.xml", "/b.xml"} {
		if s := statusOf(t, r.p, base+f); s.ConsecutiveFailures != 0 || s.LastError != "" {
			t.Errorf("feed %s: %d failures, last error %q", f, s.ConsecutiveFailures, s.LastError)
		}
	}
}

// An item still too large for a message (here: a text limit above the message limit) is
// refused alone, once: its neighbours and the other feed publish, its feed is not failed
// but shows the item's error, and later polls do not offer it again.
func TestPollerRefusesAnItemTooLargeAloneAndOnce(t *testing.T) {
	c, m := bustest.Start(t)
	base := staticFeeds(t, map[string][]string{
		"/a.xml": {item("normal-1", 2000), item("huge", 5<<20), item("normal-2", 2000)},
		"/b.xml": {item("normal-3", 2000)},
	})
	cfg := testConfig(base+"/a.xml", base+"/b.xml")
	cfg.MaxArticleBytes = 8 << 20
	cfg.MinInterval, cfg.MaxInterval = 100*time.Millisecond, 200*time.Millisecond
	w := c.ArticleWriter(c.Topics().Raw, m)
	defer w.Close()
	r := startPoller(t, cfg, t.TempDir(), w)
	if err := r.p.RegisterMetrics(prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	got := readArticles(t, c, 3)
	for _, title := range []string{"normal-1", "normal-2", "normal-3"} {
		if got[title] == nil {
			t.Fatalf("raw topic lacks %q: has %v", title, got)
		}
	}
	polls := r.p.polls.Load()
	waitFor(t, 30*time.Second, "more polls of both feeds", func() bool { return r.p.polls.Load() >= polls+6 })
	if n := testutil.ToFloat64(r.p.metrics.refused); n != 1 {
		t.Errorf("items refused: %v, want the huge one once", n)
	}
	if n := bustest.Count(t, c.Brokers(), c.Topics().Raw); n != 3 {
		t.Errorf("raw topic holds %d records, want the 3 normal items", n)
	}
	a := statusOf(t, r.p, base+"/a.xml")
	if a.ConsecutiveFailures != 0 || a.Published != 2 || !strings.Contains(a.LastError, "news.example/huge refused") {
		t.Errorf("feed with the huge item: %d failures, %d published, last error %q", a.ConsecutiveFailures, a.Published, a.LastError)
	}
	if b := statusOf(t, r.p, base+"/b.xml"); b.ConsecutiveFailures != 0 || b.LastError != "" {
		t.Errorf("other feed: %d failures, last error %q", b.ConsecutiveFailures, b.LastError)
	}
}

// sizedPublisher hands every call to the real publisher and notes how many articles it
// carried.
type sizedPublisher struct {
	pub   Publisher
	mu    sync.Mutex
	sizes []int
}

func (s *sizedPublisher) Publish(ctx context.Context, arts []*article.Article) error {
	s.mu.Lock()
	s.sizes = append(s.sizes, len(arts))
	s.mu.Unlock()
	return s.pub.Publish(ctx, arts)
}

func (s *sizedPublisher) calls() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sizes)
}

// A backlog larger than a commit (many feeds full of new items at once, or one feed with
// more than a commit's worth) reaches the raw topic in several Publish calls of at most
// commitArticles each, every article once, and is committed: more polls and a restart
// publish none of it again.
func TestPollerPublishesABacklogInBoundedCommits(t *testing.T) {
	const total = 1200
	for _, tc := range []struct {
		name  string
		feeds int
	}{
		{"many feeds", 12},
		{"one feed", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, m := bustest.Start(t)
			paths := map[string][]string{}
			var urls []string
			for f := range tc.feeds {
				path := fmt.Sprintf("/%d.xml", f)
				for i := range total / tc.feeds {
					paths[path] = append(paths[path], item(fmt.Sprintf("f%d-item%d", f, i), 200))
				}
				urls = append(urls, path)
			}
			base := staticFeeds(t, paths)
			for i := range urls {
				urls[i] = base + urls[i]
			}
			cfg := testConfig(urls...)
			w := c.ArticleWriter(c.Topics().Raw, m)
			defer w.Close()
			pub := &sizedPublisher{pub: w}
			dir := t.TempDir()
			r := startPoller(t, cfg, dir, pub)
			if got := readArticles(t, c, total); len(got) != total {
				t.Fatalf("raw topic holds %d distinct articles, want %d", len(got), total)
			}
			polls := r.p.polls.Load()
			waitFor(t, 30*time.Second, "every feed polled again twice", func() bool { return r.p.polls.Load() >= polls+int64(2*tc.feeds) })
			r.stop(t)
			r2 := startPoller(t, cfg, dir, pub)
			polls = r2.p.polls.Load()
			waitFor(t, 30*time.Second, "every feed polled after the restart", func() bool { return r2.p.polls.Load() >= polls+int64(2*tc.feeds) })
			r2.stop(t)
			if n := bustest.Count(t, c.Brokers(), c.Topics().Raw); n != total {
				t.Errorf("raw topic holds %d records, want each of the %d articles once", n, total)
			}
			sizes := pub.calls()
			if len(sizes) < total/commitArticles+1 {
				t.Errorf("%d articles went out in %d Publish calls %v, want at least %d", total, len(sizes), sizes, total/commitArticles+1)
			}
			for _, n := range sizes {
				if n > commitArticles {
					t.Errorf("a Publish call carried %d articles, more than %d (calls: %v)", n, commitArticles, sizes)
				}
			}
			for _, u := range urls {
				if s := statusOf(t, r2.p, u); s.ConsecutiveFailures != 0 || s.Published != int64(total/tc.feeds) {
					t.Errorf("feed %s: %d failures, %d published, want %d", u, s.ConsecutiveFailures, s.Published, total/tc.feeds)
				}
			}
		})
	}
}
