package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"wirewatch/internal/config"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestFloodBecomesDigest sends three stories to a search allowed one immediate alert per
// hour: the first goes out at once, the other two in one digest when the hour is over,
// on the webhook and on Slack.
func TestFloodBecomesDigest(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	hook := newReceiver(t, "k", 0)
	slack := newReceiver(t, "", 0)
	cfg := testAlertConfig()
	cfg.Searches = nil
	cfg.RateLimit = config.RateLimitConfig{Max: 1, Window: time.Hour}
	clock := &fakeClock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	st := startStage(t, c, cfg, func(s *Stage) { s.now = clock.Now })
	s := createSearch(t, st, SavedSearch{Name: "Lachin", Query: "Lachin", Channels: []Channel{
		{Type: "webhook", URL: hook.srv.URL, Secret: "k"}, {Type: "slack", URL: slack.srv.URL}}})

	publish(t, c, enriched("a.example", "f1"))
	waitFor(t, 20*time.Second, "the first alert", func() bool { return len(hook.delivered()) == 1 })
	publish(t, c, enriched("a.example", "f2"), enriched("a.example", "f3"))
	waitFor(t, 20*time.Second, "two queued alerts", func() bool { return len(st.state.queuedAlerts()[s.ID]) == 2 })
	if n := len(hook.delivered()); n != 1 {
		t.Fatalf("webhook got %d before the window ended, want 1", n)
	}
	if got := testutil.ToFloat64(st.metrics.rateLimited); got != 2 {
		t.Errorf("rate limited = %v, want 2", got)
	}

	clock.Set(clock.Now().Add(61 * time.Minute))
	waitFor(t, 20*time.Second, "the digest", func() bool { return len(hook.delivered()) == 2 && len(slack.delivered()) == 2 })
	var d DigestBody
	if err := json.Unmarshal(hook.delivered()[1].body, &d); err != nil || !d.Digest || len(d.Alerts) != 2 || d.SearchID != s.ID {
		t.Fatalf("digest body %s: %v", hook.delivered()[1].body, err)
	}
	if hook.delivered()[1].key != d.ID {
		t.Errorf("digest idempotency key %q, body id %q", hook.delivered()[1].key, d.ID)
	}
	var sm slackMessage
	if err := json.Unmarshal(slack.delivered()[1].body, &sm); err != nil || sm.Text == "" || len(sm.Blocks) != 3 {
		t.Errorf("slack digest %s: %v", slack.delivered()[1].body, err)
	}
	waitFor(t, 10*time.Second, "the queue to empty", func() bool { return len(st.state.queuedAlerts()) == 0 })
	time.Sleep(300 * time.Millisecond) // several digest rounds
	if n := len(hook.delivered()); n != 2 {
		t.Errorf("webhook got %d requests, want 2 (one alert, one digest)", n)
	}
}

func TestHourlySearchWaitsForTheHour(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	hook := newReceiver(t, "", 0)
	cfg := testAlertConfig()
	cfg.Searches = nil
	cfg.Digest.HourlyMinute = 30
	clock := &fakeClock{t: time.Date(2026, 11, 20, 10, 40, 0, 0, time.UTC)}
	st := startStage(t, c, cfg, func(s *Stage) { s.now = clock.Now })
	createSearch(t, st, SavedSearch{Name: "Lachin", Query: "Lachin", Mode: ModeHourly, Channels: []Channel{{Type: "webhook", URL: hook.srv.URL}}})
	publish(t, c, enriched("a.example", "h1"))
	waitFor(t, 20*time.Second, "a queued alert", func() bool { return st.state.queuedCount() == 1 })
	clock.Set(time.Date(2026, 11, 20, 11, 29, 0, 0, time.UTC))
	time.Sleep(300 * time.Millisecond)
	if hook.total() != 0 {
		t.Fatal("hourly digest sent before 11:30")
	}
	clock.Set(time.Date(2026, 11, 20, 11, 30, 0, 0, time.UTC))
	waitFor(t, 20*time.Second, "the hourly digest", func() bool { return len(hook.delivered()) == 1 })
}

func TestDigestDue(t *testing.T) {
	st := &Stage{cfg: testAlertConfig()}
	st.cfg.Digest = config.DigestConfig{HourlyMinute: 15, DailyAt: "08:00", TimeZone: "Asia/Yerevan"} // UTC+4
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	tests := []struct {
		name, mode, oldest, want string
	}{
		{"hourly before the minute", ModeHourly, "2026-11-20T10:05:00Z", "2026-11-20T10:15:00Z"},
		{"hourly after the minute", ModeHourly, "2026-11-20T10:20:00Z", "2026-11-20T11:15:00Z"},
		{"daily before, local time", ModeDaily, "2026-11-20T03:00:00Z", "2026-11-20T04:00:00Z"},
		{"daily after", ModeDaily, "2026-11-20T05:00:00Z", "2026-11-21T04:00:00Z"},
		{"flood", ModeImmediate, "2026-11-20T05:00:00Z", "2026-11-20T06:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := st.digestDue(SavedSearch{Mode: tc.mode}, at(tc.oldest))
			if !got.Equal(at(tc.want)) {
				t.Errorf("due %s, want %s", got.UTC().Format(time.RFC3339), tc.want)
			}
		})
	}
}

// TestPermanentFailureIsRecordedAndSkipped: a 400 from the receiver is not retried; the
// delivery is marked failed (API and metrics) and later alerts still go out.
func TestPermanentFailureIsRecordedAndSkipped(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			http.Error(w, "bad payload", http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	s := createSearch(t, st, SavedSearch{Name: "x", Query: "Lachin", Channels: []Channel{{Type: "webhook", URL: srv.URL}}})
	publish(t, c, enriched("a.example", "p1"))
	waitFor(t, 20*time.Second, "the failed record", func() bool {
		d, ok := st.state.get(AlertID(s.ID, "p1"), s.Channels[0].Key())
		return ok && d.Status == StatusFailed
	})
	d, _ := st.state.get(AlertID(s.ID, "p1"), s.Channels[0].Key())
	if d.Attempts != 1 || d.LastError == "" {
		t.Errorf("record = %+v, want one attempt and the error", d)
	}
	if got := testutil.ToFloat64(st.metrics.deliveries.WithLabelValues("webhook", StatusFailed)); got != 1 {
		t.Errorf("failed metric = %v", got)
	}
	publish(t, c, enriched("a.example", "p2"))
	waitFor(t, 20*time.Second, "the next alert", func() bool {
		d, ok := st.state.get(AlertID(s.ID, "p2"), s.Channels[0].Key())
		return ok && d.Status == StatusDelivered
	})
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Errorf("receiver called %d times, want 2", calls)
	}
}

// TestTwoInstancesSendEachDigestOnce runs two alert stages on one broker: both see the
// queued alerts, but only the elected one sends the digest.
func TestTwoInstancesSendEachDigestOnce(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	hook := newReceiver(t, "", 0)
	// A slow receiver: without an elected sender both instances would be sending before
	// either could record the delivery.
	hook.delay = time.Second
	cfg := testAlertConfig()
	cfg.Searches = nil
	clock := &fakeClock{t: time.Date(2026, 11, 20, 10, 40, 0, 0, time.UTC)}
	prep := func(s *Stage) { s.now = clock.Now }
	a := startStage(t, c, cfg, prep)
	b := startStage(t, c, cfg, prep)
	createSearch(t, a, SavedSearch{Name: "Lachin", Query: "Lachin", Mode: ModeHourly, Channels: []Channel{{Type: "webhook", URL: hook.srv.URL}}})
	publish(t, c, enriched("a.example", "t1"), enriched("a.example", "t2"))
	waitFor(t, 30*time.Second, "both instances to see two queued alerts", func() bool {
		return a.state.queuedCount() == 2 && b.state.queuedCount() == 2
	})
	waitFor(t, 30*time.Second, "both instances in the digest group, one leading", func() bool {
		return a.generations.Load() > 0 && b.generations.Load() > 0 &&
			testutil.ToFloat64(a.metrics.digestLeader)+testutil.ToFloat64(b.metrics.digestLeader) == 1
	})
	clock.Set(time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC))
	waitFor(t, 20*time.Second, "the digest", func() bool { return len(hook.delivered()) >= 1 })
	waitFor(t, 20*time.Second, "both queues to empty", func() bool { return a.state.queuedCount() == 0 && b.state.queuedCount() == 0 })
	time.Sleep(1500 * time.Millisecond)
	if n := hook.total(); n != 1 {
		t.Fatalf("webhook got %d digests from two instances, want 1", n)
	}
	var d DigestBody
	if err := json.Unmarshal(hook.delivered()[0].body, &d); err != nil || len(d.Alerts) != 2 {
		t.Errorf("digest %s: %v", hook.delivered()[0].body, err)
	}
}

// TestDeadReceiverDoesNotHoldUpOthers: a receiver that always fails is tried a few times,
// parked and retried apart, while another search's alerts keep flowing; it gives up after
// max_attempts, and the API shows each step.
func TestDeadReceiverDoesNotHoldUpOthers(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	dead := newReceiver(t, "", 1<<30)
	alive := newReceiver(t, "", 0)
	cfg := testAlertConfig()
	cfg.Searches = nil
	cfg.Webhook.MaxAttempts = 6
	cfg.Webhook.Backoff = 100 * time.Millisecond
	cfg.Webhook.MaxBackoff = 200 * time.Millisecond
	st := startStage(t, c, cfg, nil)
	bad := createSearch(t, st, SavedSearch{Name: "dead", Query: "Lachin", Channels: []Channel{{Type: "webhook", URL: dead.srv.URL}}})
	good := createSearch(t, st, SavedSearch{Name: "alive", Query: "Stepanakert", Channels: []Channel{{Type: "webhook", URL: alive.srv.URL}}})

	publish(t, c, enriched("a.example", "d1"))
	waitFor(t, 20*time.Second, "the dead receiver's delivery to be parked", func() bool {
		d, ok := st.state.get(AlertID(bad.ID, "d1"), bad.Channels[0].Key())
		return ok && d.Status == StatusRetrying && d.Attempts >= inlineAttempts && !d.NextAttempt.IsZero()
	})
	publish(t, c, enriched("a.example", "d2"))
	waitFor(t, 20*time.Second, "both alerts at the live receiver", func() bool { return len(alive.delivered()) == 2 })
	waitFor(t, 20*time.Second, "the dead receiver's deliveries to fail for good", func() bool {
		for _, story := range []string{"d1", "d2"} {
			d, ok := st.state.get(AlertID(bad.ID, story), bad.Channels[0].Key())
			if !ok || d.Status != StatusFailed {
				return false
			}
		}
		return true
	})
	time.Sleep(500 * time.Millisecond)
	if n := dead.total(); n != 2*cfg.Webhook.MaxAttempts {
		t.Errorf("dead receiver got %d attempts, want %d (max_attempts per alert)", n, 2*cfg.Webhook.MaxAttempts)
	}
	var body struct {
		Deliveries []Delivery `json:"deliveries"`
	}
	getJSON(t, st.api.URL+"/api/deliveries?search="+bad.ID, &body)
	if len(body.Deliveries) != 2 || body.Deliveries[0].Status != StatusFailed || body.Deliveries[0].LastError == "" || body.Deliveries[0].Pending != nil {
		t.Errorf("deliveries of the dead search = %+v", body.Deliveries)
	}
	for _, r := range alive.delivered() {
		if a := decodeAlert(t, r.body); a.SearchID != good.ID {
			t.Errorf("live receiver got an alert of search %s", a.SearchID)
		}
	}
}

// TestWebhookConnectionsAreReused: alerts posted one after another reuse one connection,
// even when the receiver answers with more than the error snippet post reads, and alerts
// posted deliveryParallelism at a time keep as many connections open.
func TestWebhookConnectionsAreReused(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write(bytes.Repeat([]byte("ok "), 1000)) // past the 512-byte snippet
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	cfg := testAlertConfig()
	send, err := newSenders(cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h := func() http.Header { return http.Header{"Content-Type": {"application/json"}} }
	for i := range 20 {
		if err := send.post(ctx, srv.URL, h(), []byte(`{}`)); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	// net/http hands a connection back to its idle pool from the connection's read loop,
	// just after the body was read: on a loaded machine the post that follows at once may
	// find the pool empty and dial. A connection per post (or per few) is what must not be.
	if n := conns.Load(); n > 3 {
		t.Fatalf("20 posts in a row opened %d connections, want 1 (at most 3)", n)
	}
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make(chan error, deliveryParallelism)
		for range deliveryParallelism {
			wg.Go(func() { errs <- send.post(ctx, srv.URL, h(), []byte(`{}`)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	if n := conns.Load(); n > 2*deliveryParallelism {
		t.Fatalf("5 rounds of %d parallel posts opened %d connections, want %d (at most %d: see above)", deliveryParallelism, n, deliveryParallelism, 2*deliveryParallelism)
	}
}
