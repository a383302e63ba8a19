package ingest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirewatch/internal/article"
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
	a, b, c, d, e, f := keyOf("a"), keyOf("b"), keyOf("c"), keyOf("d"), keyOf("e"), keyOf("f")
	got := updateSeen([]idKey{a, b, c, d}, []idKey{a, e, f}, 4)
	want := []idKey{a, d, e, f}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
