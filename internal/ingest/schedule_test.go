package ingest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

func feedWithDates(now time.Time, ages ...time.Duration) *gofeed.Feed {
	f := &gofeed.Feed{}
	for _, a := range ages {
		t := now.Add(-a)
		f.Items = append(f.Items, &gofeed.Item{PublishedParsed: &t})
	}
	return f
}

func TestPublishingRate(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	h := time.Hour
	cases := []struct {
		name string
		feed *gofeed.Feed
		want float64 // items per day; -1 unknown
	}{
		{"no dates", &gofeed.Feed{Items: []*gofeed.Item{{}, {}}}, -1},
		{"truncated busy feed: 20 items over 10 hours", feedWithDates(now, 0, 30*time.Minute, h, 90*time.Minute, 2*h, 150*time.Minute,
			3*h, 210*time.Minute, 4*h, 270*time.Minute, 5*h, 330*time.Minute, 6*h, 390*time.Minute, 7*h, 450*time.Minute, 8*h, 510*time.Minute, 9*h, 10*h), 48},
		{"weekly digest over a month", feedWithDates(now, 24*h, 8*24*h, 15*24*h, 22*24*h, 29*24*h), 1.0 / 7},
		{"dead feed: newest two weeks old", feedWithDates(now, 14*24*h, 15*24*h), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := publishingRate(tc.feed, now)
			if diff := got - tc.want; diff > 0.01 || diff < -0.01 {
				t.Errorf("rate = %.3f/day, want %.3f", got, tc.want)
			}
		})
	}
}

func TestNextInterval(t *testing.T) {
	p := &Poller{cfg: testConfig()}
	p.cfg.MinInterval = 2 * time.Minute
	p.cfg.MaxInterval = 6 * time.Hour
	p.websub = newWebSub(p, p.cfg.WebSub, nil)
	cases := []struct {
		name string
		prev time.Duration
		res  pollResult
		want time.Duration
	}{
		{"48 a day: every half hour", 0, pollResult{changed: true, rate: 48}, 30 * time.Minute},
		{"10,000 a day: the minimum", 0, pollResult{changed: true, rate: 10000}, 2 * time.Minute},
		{"one a week: the maximum", 0, pollResult{changed: true, rate: 1.0 / 7}, 6 * time.Hour},
		{"silent feed: the maximum", 0, pollResult{changed: true, rate: 0}, 6 * time.Hour},
		{"undated, news arrived: halve", 40 * time.Minute, pollResult{changed: true, rate: -1, fresh: make([]*article.Article, 1)}, 20 * time.Minute},
		{"not modified: lengthen", 40 * time.Minute, pollResult{rate: -1}, 60 * time.Minute},
		{"max-age wins over a fast rate", 0, pollResult{changed: true, rate: 1000, maxAge: time.Hour}, time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &feedRecord{Interval: tc.prev}
			if got := p.nextInterval(rec, &tc.res); got != tc.want {
				t.Errorf("interval = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestStale(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		rec  feedRecord
		want bool
	}{
		{"new feed", feedRecord{Successes: 1, ItemsInFeed: 0}, false},
		{"answers but empty", feedRecord{Successes: 3, ItemsInFeed: 0}, true},
		{"48 a day, nothing for 4 hours", feedRecord{Successes: 9, ItemsInFeed: 20, ItemsPerDay: 48, LastNewItem: now.Add(-4 * time.Hour)}, false},
		{"48 a day, nothing for 2 days", feedRecord{Successes: 9, ItemsInFeed: 20, ItemsPerDay: 48, LastNewItem: now.Add(-48 * time.Hour)}, true},
		{"weekly, nothing for 3 weeks", feedRecord{Successes: 9, ItemsInFeed: 5, ItemsPerDay: 1.0 / 7, LastNewItem: now.Add(-21 * 24 * time.Hour)}, false},
		{"failing is not stale, it is failing", feedRecord{Successes: 9, ConsecutiveFailures: 2, ItemsInFeed: 0}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := stale(&tc.rec, now); got != tc.want {
				t.Errorf("stale = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBackoffHonoursRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	r := startPoller(t, testConfig(srv.URL), t.TempDir(), newRecorder())
	waitFor(t, 5*time.Second, "the 429", func() bool { return statusOf(t, r.p, srv.URL).ConsecutiveFailures == 1 })
	r.stop(t)
	s := statusOf(t, r.p, srv.URL)
	if until := time.Until(s.NextPoll); until < 50*time.Minute {
		t.Errorf("next poll in %s after Retry-After: 3600", until)
	}
}

func TestUpdateSeenKeepsCurrentItems(t *testing.T) {
	a, b, c, d, e, f := seenOf("a"), seenOf("b"), seenOf("c"), seenOf("d"), seenOf("e"), seenOf("f")
	got := updateSeen([]seenID{a, b, c, d}, []seenID{a, e, f}, 4)
	want := []seenID{a, d, e, f}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// TestFeedBoundsClampTheSchedule: the adaptive interval stays within the feed's own
// bounds, themselves within the global ones; a new feed starts at its floor, and a failing
// feed backs off no further than its ceiling unless the server asks.
func TestFeedBoundsClampTheSchedule(t *testing.T) {
	cfg := testConfig()
	cfg.MinInterval, cfg.MaxInterval = 2*time.Minute, 15*time.Minute
	p := &Poller{cfg: cfg, feeds: map[string]*feedState{}, log: testLogger(t), wake: make(chan struct{}, 1)}
	p.websub = newWebSub(p, p.cfg.WebSub, nil)
	p.metrics = newMetrics(p)
	feed := func(key string, lo, hi time.Duration) string {
		p.feeds[key] = newFeedState(config.FeedConfig{URL: key, MinInterval: lo, MaxInterval: hi}, nil)
		return key
	}
	global := feed("https://global.example/feed", 0, 0)
	urgent := feed("https://urgent.example/feed", 0, 5*time.Minute)
	polite := feed("https://polite.example/feed", 10*time.Minute, 0)
	slow := feed("https://slow.example/feed", time.Hour, 0) // above the global ceiling: the site's wish wins
	cases := []struct {
		name string
		key  string
		prev time.Duration
		res  pollResult
		want time.Duration
	}{
		{"one a week: the global ceiling", global, 0, pollResult{changed: true, rate: 1.0 / 7}, 15 * time.Minute},
		{"silent feed: the global ceiling", global, 0, pollResult{changed: true, rate: 0}, 15 * time.Minute},
		{"new feed, rate unknown: the floor", global, 0, pollResult{changed: true, rate: -1}, 2 * time.Minute},
		{"quiet undated feed lengthens up to the ceiling", global, 14 * time.Minute, pollResult{rate: -1}, 15 * time.Minute},
		{"urgent feed: its own ceiling", urgent, 0, pollResult{changed: true, rate: 1}, 5 * time.Minute},
		{"urgent feed, new: the global floor", urgent, 0, pollResult{changed: true, rate: -1}, 2 * time.Minute},
		{"polite feed: its own floor", polite, 0, pollResult{changed: true, rate: 10000}, 10 * time.Minute},
		{"slow feed: its floor over the global ceiling", slow, 0, pollResult{changed: true, rate: 0}, time.Hour},
		{"max-age stops at the ceiling", urgent, 0, pollResult{changed: true, rate: 1000, maxAge: time.Hour}, 5 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.res.key = tc.key
			rec := &feedRecord{Interval: tc.prev}
			if got := p.nextInterval(rec, &tc.res); got != tc.want {
				t.Errorf("interval = %s, want %s", got, tc.want)
			}
		})
	}

	now := time.Now()
	t.Run("a new feed is polled again at its floor", func(t *testing.T) {
		rec := &feedRecord{}
		p.applySuccess(rec, &pollResult{key: global, changed: true, rate: -1}, now)
		if d := rec.NextPoll.Sub(now); d > 2*time.Minute || d < 2*time.Minute*85/100 {
			t.Errorf("next poll in %s, want about the 2m floor", d)
		}
	})
	t.Run("the next poll never passes the ceiling, jitter included", func(t *testing.T) {
		for range 200 {
			rec := &feedRecord{}
			p.applySuccess(rec, &pollResult{key: global, changed: true, rate: 0}, now)
			if d := rec.NextPoll.Sub(now); d > 15*time.Minute {
				t.Fatalf("next poll in %s, past the 15m ceiling", d)
			}
		}
	})
	t.Run("a failing feed backs off up to its own ceiling", func(t *testing.T) {
		rec := &feedRecord{ConsecutiveFailures: 10}
		p.applyFailure(rec, &pollResult{key: urgent}, errors.New("down"), now)
		if d := rec.NextPoll.Sub(now); d > 5*time.Minute || d < 5*time.Minute*85/100 {
			t.Errorf("after 11 failures next poll in %s, want about the feed's 5m ceiling", d)
		}
	})
	t.Run("Retry-After beyond the ceiling wins, and holds off poll now", func(t *testing.T) {
		fs := p.feeds[urgent]
		p.applyFailure(&fs.rec, &pollResult{key: urgent, retry: time.Hour}, errors.New("429"), now)
		if d := fs.rec.NextPoll.Sub(now); d < time.Hour {
			t.Errorf("next poll in %s after Retry-After: 3600", d)
		}
		_, err := p.RequestPoll(urgent)
		var soon *TooSoonError
		if !errors.As(err, &soon) || soon.RetryAfter < 59*time.Minute {
			t.Errorf("poll now during Retry-After: %v, want a *TooSoonError of about an hour", err)
		}
	})
}

// A single dated item says nothing of how often a feed publishes: the rate is unknown, and
// the feed starts at its floor (it used to wait an hour, from a one-hour span).
func TestPublishingRateOfOneItemIsUnknown(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	if got, _ := publishingRate(feedWithDates(now, 10*time.Minute), now); got != -1 {
		t.Errorf("rate of a one-item feed = %.2f/day, want -1 (unknown)", got)
	}
}
