package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/httpapi"
)

// collected keeps what the poller publishes; the routes under test only add feeds.
type collected struct {
	mu   sync.Mutex
	arts []*article.Article
}

func (c *collected) Publish(ctx context.Context, arts []*article.Article) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arts = append(c.arts, arts...)
	return nil
}

func TestFeedAddingRoutes(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml", "/other.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</title><link>%s/a</link></item></channel></rss>`, "http://"+r.Host)
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><title>no feed here</title></head><body>hello</body></html>`)
		}
	}))
	defer site.Close()
	cfg := config.Default().Ingest
	cfg.OPML, cfg.AllowPrivate = nil, true
	poller, err := NewPoller(cfg, t.TempDir(), &collected{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer poller.Close()
	// The routes are mounted as the web server mounts them: behind its token.
	mux := http.NewServeMux()
	poller.Routes(mux)
	api := httptest.NewServer(httpapi.RequireToken("tok", mux))
	defer api.Close()

	opml := `<?xml version="1.0"?><opml version="2.0"><body><outline text="a" xmlUrl="` + site.URL + `/other.xml"/>` +
		`<outline text="b" xmlUrl="` + site.URL + `/feed.xml"/><outline text="c" xmlUrl="` + site.URL + `/page"/></body></opml>`
	tests := []struct {
		name, path, body string
		want             int
		wantBody         string
	}{
		{"not JSON", "/api/feeds", `{url:`, 400, "reading the body"},
		{"bad scheme", "/api/feeds", `{"url":"ftp://x.example/feed"}`, 400, "url:"},
		{"no feed at the address", "/api/feeds", `{"url":"` + site.URL + `/page"}`, 422, site.URL + "/page"},
		{"a feed", "/api/feeds", `{"url":"` + site.URL + `/feed.xml"}`, 201, `"url":"` + site.URL + `/feed.xml"`},
		{"the same again", "/api/feeds", `{"url":"` + site.URL + `/feed.xml"}`, 409, "already"},
		{"not OPML", "/api/feeds/opml", `<html>`, 400, "reading OPML"},
		{"OPML: one new, one listed, one not a feed", "/api/feeds/opml", opml, 200, `"added":1,"existing":1,"failed":[{"url":"` + site.URL + `/page"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", api.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body json.RawMessage
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.want || !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("status %d body %s; want %d containing %s", resp.StatusCode, body, tc.want, tc.wantBody)
			}
		})
	}
	t.Run("token required", func(t *testing.T) {
		resp, err := http.Post(api.URL+"/api/feeds", "application/json", strings.NewReader(`{"url":"`+site.URL+`/x.xml"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d without the token", resp.StatusCode)
		}
	})
}

// TestPollNow: a feed polled on a long schedule brings a new item within a second of
// POST /api/feeds/poll; asking again at once is a 429 with Retry-After; a feed not in the
// list is a 404; GET /api/feeds shows when each feed is polled next.
func TestPollNow(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>first</title><link>https://pn.example/1</link></item>`)
	site := newServer(t, feed)
	cfg := testConfig(site.URL)
	cfg.MinInterval, cfg.MaxInterval = time.Hour, time.Hour // only poll now polls again
	pub := newRecorder()
	r := startPoller(t, cfg, t.TempDir(), pub)
	mux := http.NewServeMux()
	r.p.Routes(mux)
	api := newServer(t, httpapi.RequireToken("tok", mux))
	post := func(body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", api.URL+"/api/feeds/poll", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	waitFor(t, 5*time.Second, "the first poll", func() bool { return len(pub.byTitle("first")) == 1 })
	waitFor(t, 5*time.Second, "the first commit", func() bool { return !statusOf(t, r.p, site.URL).Polling })

	req, _ := http.NewRequest("GET", api.URL+"/api/feeds", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Feeds []FeedStatus }
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || len(list.Feeds) != 1 {
		t.Fatalf("GET /api/feeds: %v %+v", err, list)
	}
	if s := list.Feeds[0]; time.Until(s.NextPoll) < 50*time.Minute || s.IntervalSeconds != 3600 || s.MaxIntervalSeconds != 3600 {
		t.Errorf("status after the first poll: next_poll %s, interval %vs, max %vs; want in about an hour", s.NextPoll, s.IntervalSeconds, s.MaxIntervalSeconds)
	}

	feed.add(`<item><title>second</title><link>https://pn.example/2</link></item>`)
	asked := time.Now()
	if resp, body := post(`{"url":"` + site.URL + `"}`); resp.StatusCode != http.StatusAccepted || !strings.Contains(body, `"next_poll"`) {
		t.Fatalf("poll now: %d %s", resp.StatusCode, body)
	}
	waitFor(t, time.Second, "the new item after poll now", func() bool { return len(pub.byTitle("second")) == 1 })
	t.Logf("new item published %s after poll now", time.Since(asked).Round(time.Millisecond))

	resp, body := post(`{"url":"` + site.URL + `"}`)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 10 || !strings.Contains(body, "too soon") {
		t.Errorf("poll now again at once: %d Retry-After %q %s; want 429 within 10 s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, body := post(`{"url":"https://not.example/listed"}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("poll now of a feed not listed: %d %s", resp.StatusCode, body)
	}
	if resp, body := post(`{}`); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "url") {
		t.Errorf("poll now without a url: %d %s", resp.StatusCode, body)
	}
}

// A request that comes while the feed is being polled polls it again once that poll is
// committed: the poll under way may have fetched the feed before the item appeared.
func TestPollNowWhilePolling(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>first</title><link>https://pw.example/1</link></item>`)
	held, release := make(chan struct{}), make(chan struct{})
	var gate sync.Once
	site := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// The first fetch takes the body as it is, then is held until the request is in
		// and the second item added.
		rec := httptest.NewRecorder()
		feed.ServeHTTP(rec, req)
		gate.Do(func() { close(held); <-release })
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	cfg := testConfig(site.URL)
	cfg.MinInterval, cfg.MaxInterval = time.Hour, time.Hour
	pub := newRecorder()
	r := startPoller(t, cfg, t.TempDir(), pub)
	select {
	case <-held:
	case <-time.After(5 * time.Second):
		t.Fatal("the first poll never fetched")
	}
	if _, err := r.p.RequestPoll(site.URL); err != nil {
		t.Fatalf("poll now during a poll: %v", err)
	}
	feed.add(`<item><title>second</title><link>https://pw.example/2</link></item>`)
	close(release)
	waitFor(t, 5*time.Second, "the item added during the first poll", func() bool { return len(pub.byTitle("second")) == 1 })
	if n := feed.requests.Load(); n != 2 {
		t.Errorf("%d fetches, want 2: the first, then the one asked for during it", n)
	}
}

// In a poller group a feed missing here may be another poller's: 409, naming the group.
func TestPollNowInAGroupNamesTheGroup(t *testing.T) {
	p, err := NewPoller(testConfig(), t.TempDir(), newRecorder(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.group = "wirewatch-pollers"
	mux := http.NewServeMux()
	p.Routes(mux)
	api := newServer(t, mux)
	resp, err := http.Post(api.URL+"/api/feeds/poll", "application/json", strings.NewReader(`{"url":"https://elsewhere.example/feed"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(b), "wirewatch-pollers") {
		t.Errorf("poll now of another poller's feed: %d %s", resp.StatusCode, b)
	}
}

func TestAddFeedWithIntervals(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>x</title><link>https://iv.example/1</link></item>`)
	site := newServer(t, feed)
	cfg := testConfig()
	cfg.MinInterval, cfg.MaxInterval = 2*time.Minute, 15*time.Minute
	p, err := NewPoller(cfg, t.TempDir(), newRecorder(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	mux := http.NewServeMux()
	p.Routes(mux)
	api := newServer(t, mux)
	for _, tc := range []struct {
		name, body string
		want       int
		wantBody   string
	}{
		{"not a duration", `{"url":"` + site.URL + `","max_interval":"soon"}`, 400, "max_interval"},
		{"below the global floor", `{"url":"` + site.URL + `","max_interval":"30s"}`, 400, "max_interval: 30s is below ingest.min_interval"},
		{"a fresher feed", `{"url":"` + site.URL + `","max_interval":"5m"}`, 201, `"max_interval":"5m0s"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(api.URL+"/api/feeds", "application/json", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want || !strings.Contains(string(b), tc.wantBody) {
				t.Errorf("%d %s; want %d containing %s", resp.StatusCode, b, tc.want, tc.wantBody)
			}
		})
	}
	if s := statusOf(t, p, site.URL); s.MaxIntervalSeconds != 300 || s.MinIntervalSeconds != 120 {
		t.Errorf("added feed polled within %vs..%vs, want 120..300", s.MinIntervalSeconds, s.MaxIntervalSeconds)
	}
}
