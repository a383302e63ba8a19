package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFetchConditionalGET(t *testing.T) {
	var gotINM, gotIMS, gotUA, gotAccept, gotAE atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAccept.Store(r.Header.Get("Accept"))
		gotAE.Store(r.Header.Get("Accept-Encoding"))
		gotINM.Store(r.Header.Get("If-None-Match"))
		gotIMS.Store(r.Header.Get("If-Modified-Since"))
		gotUA.Store(r.Header.Get("User-Agent"))
		if r.Header.Get("If-None-Match") == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Last-Modified", "Mon, 03 Apr 2023 01:02:03 GMT")
		w.Header().Set("Cache-Control", "public, max-age=900")
		w.Write([]byte("<rss/>"))
	}))
	defer srv.Close()
	cfg := testConfig()
	cfg.UserAgent = "wirewatch-test/1"
	f := newFetcher(cfg)
	defer f.close()

	first, err := f.get(t.Context(), srv.URL, validators{}, acceptFeeds)
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.Validators.ETag != `"abc"` || first.Validators.LastModified == "" || first.Validators.BodyHash == "" {
		t.Fatalf("first fetch: %+v", first)
	}
	if first.MaxAge != 15*time.Minute {
		t.Errorf("MaxAge = %s, want 15m", first.MaxAge)
	}
	if gotUA.Load() != "wirewatch-test/1" || gotAccept.Load() != acceptFeeds || gotAE.Load() != "gzip, deflate" {
		t.Errorf("User-Agent %v, Accept %v, Accept-Encoding %v", gotUA.Load(), gotAccept.Load(), gotAE.Load())
	}
	if first.FinalURL != srv.URL || first.Base != srv.URL || first.PermanentURL != "" {
		t.Errorf("without a redirect: FinalURL %q, Base %q, PermanentURL %q; want %q, %q, none", first.FinalURL, first.Base, first.PermanentURL, srv.URL, srv.URL)
	}
	second, err := f.get(t.Context(), srv.URL, first.Validators, acceptFeeds)
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || gotINM.Load() != `"abc"` || gotIMS.Load() != "Mon, 03 Apr 2023 01:02:03 GMT" {
		t.Errorf("second fetch: NotModified %v, If-None-Match %v, If-Modified-Since %v", second.NotModified, gotINM.Load(), gotIMS.Load())
	}
	if second.Validators != first.Validators {
		t.Errorf("validators lost on 304: %+v", second.Validators)
	}
}

// Request headers are recycled between fetches: a fetch without validators, or with
// another Accept, must not carry what the previous fetch sent.
func TestFetchRecycledHeaderCarriesOnlyItsOwnValues(t *testing.T) {
	// Each header as sent: absent is "", present and empty is "[]".
	sent := func(h http.Header, key string) string {
		if v, ok := h[key]; ok {
			return fmt.Sprint(v)
		}
		return ""
	}
	type seen struct{ inm, ims, accept string }
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{sent(r.Header, "If-None-Match"), sent(r.Header, "If-Modified-Since"), sent(r.Header, "Accept")}
		if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("<rss/>"))
	}))
	defer srv.Close()
	f := newFetcher(testConfig())
	defer f.close()
	both := validators{ETag: `"e1"`, LastModified: "Mon, 03 Apr 2023 01:02:03 GMT"}
	cases := []struct {
		name   string
		prev   validators
		accept string
	}{
		{"both validators", both, acceptFeeds},
		{"none after both", validators{}, "text/plain"},
		{"ETag only", validators{ETag: `"e2"`}, acceptFeeds},
		{"Last-Modified only", validators{LastModified: both.LastModified}, "text/html"},
		{"none again", validators{}, acceptFeeds},
	}
	for round := range 3 {
		for _, c := range cases {
			if _, err := f.get(t.Context(), srv.URL, c.prev, c.accept); err != nil {
				t.Fatalf("round %d, %s: %v", round, c.name, err)
			}
			want := seen{accept: fmt.Sprint([]string{c.accept})}
			if c.prev.ETag != "" {
				want.inm = fmt.Sprint([]string{c.prev.ETag})
			}
			if c.prev.LastModified != "" {
				want.ims = fmt.Sprint([]string{c.prev.LastModified})
			}
			if s := <-got; s != want {
				t.Errorf("round %d, %s: server saw %+v, want %+v", round, c.name, s, want)
			}
		}
	}
}

func TestFetchSameBodyCountsAsNotModified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss>same</rss>")) // ignores validators, sends none
	}))
	defer srv.Close()
	f := newFetcher(testConfig())
	defer f.close()
	first, err := f.get(t.Context(), srv.URL, validators{}, acceptFeeds)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.get(t.Context(), srv.URL, first.Validators, acceptFeeds)
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || !second.NotModified {
		t.Errorf("NotModified first %v second %v, want false then true", first.NotModified, second.NotModified)
	}
}

func TestFetchStatusErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/429":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/503":
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/410":
			w.WriteHeader(http.StatusGone)
		}
	}))
	defer srv.Close()
	f := newFetcher(testConfig())
	defer f.close()
	cases := []struct {
		path      string
		code      int
		minRetry  time.Duration
		permanent bool
	}{
		{"/429", 429, 120 * time.Second, false},
		{"/503", 503, 59 * time.Minute, false},
		{"/410", 410, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			_, err := f.get(t.Context(), srv.URL+tc.path, validators{}, acceptFeeds)
			var se *HTTPStatusError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not an *HTTPStatusError", err)
			}
			if se.StatusCode != tc.code || se.RetryAfter < tc.minRetry || se.Permanent() != tc.permanent {
				t.Errorf("got %+v permanent=%v", se, se.Permanent())
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/temp", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusFound) })
	mux.HandleFunc("/perm-then-temp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/temp", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := newFetcher(testConfig())
	defer f.close()
	cases := []struct{ path, wantPermanent string }{
		{"/old", srv.URL + "/new"},
		{"/temp", ""},
		{"/perm-then-temp", ""},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := f.get(t.Context(), srv.URL+tc.path, validators{}, acceptFeeds)
			if err != nil {
				t.Fatal(err)
			}
			if resp.PermanentURL != tc.wantPermanent || resp.FinalURL != srv.URL+"/new" {
				t.Errorf("PermanentURL %q FinalURL %q", resp.PermanentURL, resp.FinalURL)
			}
		})
	}
}

// Redirects are followed by the fetcher itself: every hop carries the request's own
// header (validators included, so a moved feed still answers 304), and the chain stops at
// ingest.max_redirects and at a loop.
func TestFetchRedirectHopsCarryTheHeader(t *testing.T) {
	var hops atomic.Int64
	mux := http.NewServeMux()
	for i := range 5 {
		mux.HandleFunc(fmt.Sprintf("/hop%d", i), func(w http.ResponseWriter, r *http.Request) {
			hops.Add(1)
			http.Redirect(w, r, fmt.Sprintf("/hop%d", i+1), http.StatusTemporaryRedirect)
		})
	}
	mux.HandleFunc("/hop5", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "wirewatch-test/1" || r.Header.Get("Accept") != acceptFeeds ||
			r.Header.Get("Accept-Encoding") != "gzip, deflate" || r.Header.Get("If-Modified-Since") != "Mon, 03 Apr 2023 01:02:03 GMT" {
			http.Error(w, fmt.Sprintf("header lost on the way: %v", r.Header), http.StatusBadRequest)
			return
		}
		if r.Header.Get("If-None-Match") == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("<rss/>"))
	})
	mux.HandleFunc("/self", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/self", http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := testConfig()
	cfg.UserAgent = "wirewatch-test/1"
	cfg.MaxRedirects = 5
	f := newFetcher(cfg)
	defer f.close()
	prev := validators{ETag: `"abc"`, LastModified: "Mon, 03 Apr 2023 01:02:03 GMT"}
	resp, err := f.get(t.Context(), srv.URL+"/hop0", prev, acceptFeeds)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.NotModified || resp.FinalURL != srv.URL+"/hop5" || resp.PermanentURL != "" || hops.Load() != 5 {
		t.Errorf("NotModified %v, FinalURL %q, PermanentURL %q after %d hops; want a 304 from /hop5, no permanent URL, 5 hops",
			resp.NotModified, resp.FinalURL, resp.PermanentURL, hops.Load())
	}
	cfg.MaxRedirects = 4
	short := newFetcher(cfg)
	defer short.close()
	if _, err := short.get(t.Context(), srv.URL+"/hop0", prev, acceptFeeds); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("5 hops with max_redirects 4: error %v, want ErrTooManyRedirects", err)
	}
	if _, err := f.get(t.Context(), srv.URL+"/self", prev, acceptFeeds); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("a redirect to itself: error %v, want ErrTooManyRedirects", err)
	}
}

func TestPollerFollowsPermanentRedirect(t *testing.T) {
	feed := &seedFeed{}
	feed.add(`<item><title>Moved</title><link>https://example.org/m</link></item>`)
	var oldHits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		oldHits.Add(1)
		http.Redirect(w, r, "/new", http.StatusMovedPermanently)
	})
	mux.Handle("/new", feed)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	pub := newRecorder()
	r := startPoller(t, testConfig(srv.URL+"/old"), t.TempDir(), pub)
	waitFor(t, 5*time.Second, "several polls", func() bool { return feed.requests.Load() >= 3 })
	r.stop(t)
	s := statusOf(t, r.p, srv.URL+"/old")
	if s.FetchURL != srv.URL+"/new" {
		t.Errorf("FetchURL = %q, want the new address", s.FetchURL)
	}
	if oldHits.Load() != 1 {
		t.Errorf("old address fetched %d times, want once", oldHits.Load())
	}
	if len(pub.all()) != 1 || pub.all()[0].Source.FeedURL != srv.URL+"/old" {
		t.Errorf("articles %+v: want one, keyed to the configured feed URL", pub.all())
	}
}

func TestHostLimiterBoundsConcurrencyPerHost(t *testing.T) {
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
		w.Write([]byte("<rss/>"))
	}))
	defer srv.Close()
	cfg := testConfig()
	cfg.PerHostConcurrency = 2
	cfg.PerHostDelay = 5 * time.Millisecond
	f := newFetcher(cfg)
	defer f.close()
	var wg sync.WaitGroup
	start := time.Now()
	for range 10 {
		wg.Go(func() {
			if _, err := f.get(t.Context(), srv.URL, validators{}, acceptFeeds); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("peak %d requests in flight to one host, limit 2", peak.Load())
	}
	if d := time.Since(start); d < 45*time.Millisecond {
		t.Errorf("10 requests spaced 5 ms apart took only %s", d)
	}
}

// TestRefusePrivateAddresses: the address table is netguard's (TestIsPrivate); here the
// fetcher must use the guard.
func TestRefusePrivateAddresses(t *testing.T) {
	// Through a name that resolves to loopback: the check sits at connect time.
	cfg := testConfig()
	cfg.AllowPrivate = false
	f := newFetcher(cfg)
	defer f.close()
	_, err := f.get(context.Background(), "http://localhost:1/feed", validators{}, acceptFeeds)
	if !errors.Is(err, ErrPrivateAddress) || !strings.Contains(err.Error(), "ingest.allow_private") {
		t.Errorf("localhost: %v, want ErrPrivateAddress naming ingest.allow_private", err)
	}
}

func TestRetryAfterAndMaxAge(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	ra := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"30", 30 * time.Second}, {"-5", 0}, {"soon", 0},
		{"Tue, 24 Nov 2026 12:10:00 GMT", 10 * time.Minute}, {"Tue, 24 Nov 2026 11:00:00 GMT", 0},
	}
	for _, tc := range ra {
		if got := retryAfter(tc.in, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	ma := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"max-age=60", time.Minute}, {"public, max-age=300, s-maxage=600", 10 * time.Minute},
		{"no-cache, max-age=60", 0}, {"max-age=abc", 0},
	}
	for _, tc := range ma {
		if got := maxAge(tc.in); got != tc.want {
			t.Errorf("maxAge(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestFetchTimeoutAndCancel: a fetch bounded by ingest.timeout fails with ErrTimeout, still
// a context.DeadlineExceeded, whether the server stalls before its headers or in its body;
// a fetch whose caller cancels it is no timeout; and a fetch done in time leaves the
// caller's context, which its timeout would cancel, as it was.
func TestFetchTimeoutAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/body":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(`<rss version="2.0"><channel>`))
			w.(http.Flusher).Flush()
		case "/fast":
			w.Write([]byte(`<rss version="2.0"><channel></channel></rss>`))
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the stalled handlers
	cfg := testConfig()
	cfg.Timeout = 100 * time.Millisecond
	f := newFetcher(cfg)
	defer f.close()

	for _, path := range []string{"/headers", "/body"} {
		_, err := f.get(t.Context(), srv.URL+path, validators{}, acceptFeeds)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v, want ErrTimeout and context.DeadlineExceeded", path, err)
		}
	}

	cfg.Timeout = time.Minute
	slow := newFetcher(cfg)
	defer slow.close()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond) // the caller's, not ingest.timeout
	defer cancel()
	_, err := slow.get(ctx, srv.URL+"/headers", validators{}, acceptFeeds)
	if err == nil || errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled by the caller: %v, want an error that is not ErrTimeout", err)
	}

	pctx, pcancel := context.WithCancelCause(t.Context())
	defer pcancel(nil)
	var out response
	if err := f.fetch(pctx, newFetchTimer(pcancel), srv.URL+"/fast", validators{}, acceptFeeds, &out); err != nil {
		t.Fatal(err)
	}
	time.Sleep(250 * time.Millisecond) // past f's timeout of 100 ms, had its timer outlived the fetch
	if err := pctx.Err(); err != nil {
		t.Errorf("after a fetch in time, the caller's context is %v, want it live", err)
	}
}
