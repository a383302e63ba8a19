package alert

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// TestEndToEnd follows one enriched article from the enriched topic to a webhook (with
// its signature checked), an SMTP server (over STARTTLS, with AUTH) and the Atom feed;
// then the same story from a second outlet, which must not alert again.
func TestEndToEnd(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	hook := newReceiver(t, "s3cret", 0)
	mailSrv := startMailServer(t)
	cfg := testAlertConfig()
	mailSrv.configure(&cfg)
	busMetrics := bus.NewMetrics(prometheus.NewRegistry())
	st := startStage(t, c, cfg, func(s *Stage) {
		s.send.tlsRoots = mailSrv.roots
		s.UseBusMetrics(busMetrics)
	})

	// Create the search through the API, as `wirewatch alerts add` does (its test is in
	// cmd/wirewatch).
	status, b := doJSON(t, "POST", st.api.URL+"/api/searches", `{"name":"Lachin","query":"\"Lachin corridor\" AND lang:en",`+
		`"channels":[{"type":"webhook","url":"`+hook.srv.URL+`","secret":"s3cret"},{"type":"email","to":["analyst@example.org"]},{"type":"atom"}]}`)
	if status != http.StatusCreated {
		t.Fatalf("creating the search: %d %s", status, b)
	}
	created := decodeSearchJSON(t, b)
	if created.ID == "" || len(created.Channels) != 3 {
		t.Fatalf("created search = %+v", created)
	}

	first := enriched("oc-media.org", "story-1")
	publish(t, c, first)
	waitFor(t, 20*time.Second, "the webhook delivery", func() bool { return len(hook.delivered()) == 1 })
	got := decodeAlert(t, hook.delivered()[0].body)
	if got.SearchID != created.ID || got.StoryID != "story-1" || got.Article.ID != first.ID || got.Article.Title != first.Title {
		t.Errorf("webhook alert = %+v", got)
	}
	if got.ID != AlertID(created.ID, "story-1") || hook.delivered()[0].key != got.ID {
		t.Errorf("idempotency key %q / alert id %q, want %q", hook.delivered()[0].key, got.ID, AlertID(created.ID, "story-1"))
	}
	if len(hook.bad) > 0 {
		t.Errorf("receiver rejected: %v", hook.bad)
	}

	waitFor(t, 20*time.Second, "the e-mail", func() bool { return len(mailSrv.received()) == 1 })
	m := mailSrv.received()[0]
	if !m.tlsOn || !m.authed || m.from != "wirewatch@example.org" || len(m.to) != 1 || m.to[0] != "analyst@example.org" {
		t.Errorf("mail envelope: tls=%v auth=%v from=%q to=%v", m.tlsOn, m.authed, m.from, m.to)
	}
	if !bytes.Contains(m.data, []byte(first.URL)) || !bytes.Contains(m.data, []byte("Message-ID: <"+got.ID+"@example.org>")) {
		t.Errorf("mail body lacks the article URL or the idempotent Message-ID:\n%s", m.data)
	}

	feed := getAtom(t, st.api.URL+"/feeds/searches/"+created.ID+".atom")
	if len(feed.Entries) != 1 || feed.Entries[0].Title != first.Title || feed.Entries[0].Links[0].Href != first.URL {
		t.Errorf("atom feed = %+v", feed)
	}

	// The same story from another outlet: a different article, no new alert.
	second := enriched("civilnet.am", "story-1")
	if second.ID == first.ID {
		t.Fatal("test articles share an ID")
	}
	publish(t, c, second)
	waitFor(t, 20*time.Second, "the second article to be matched", func() bool {
		return testutil.ToFloat64(st.metrics.articles) == 2
	})
	if d := testutil.ToFloat64(st.metrics.duplicates); d != 1 {
		t.Errorf("duplicates = %v, want 1", d)
	}
	// Give a wrongly sent second alert time to arrive before counting.
	time.Sleep(time.Second)
	if n := hook.total(); n != 1 {
		t.Errorf("webhook got %d requests, want 1", n)
	}
	if n := len(mailSrv.received()); n != 1 {
		t.Errorf("SMTP server got %d messages, want 1", n)
	}

	// A different story alerts again.
	publish(t, c, enriched("oc-media.org", "story-2"))
	waitFor(t, 20*time.Second, "the second story's webhook", func() bool { return len(hook.delivered()) == 2 })

	// Both channels of both stories end up delivered, and the API says so.
	var delivered []Delivery
	waitFor(t, 20*time.Second, "4 delivered records (2 stories × webhook, e-mail)", func() bool {
		var body struct {
			Deliveries []Delivery `json:"deliveries"`
		}
		getJSON(t, st.api.URL+"/api/deliveries?search="+created.ID, &body)
		delivered = delivered[:0]
		for _, d := range body.Deliveries {
			if d.Status == StatusDelivered && d.Attempts == 1 {
				delivered = append(delivered, d)
			}
		}
		return len(delivered) == 4
	})
	if n := len(mailSrv.received()); n != 2 {
		t.Errorf("SMTP server got %d messages, want 2", n)
	}
	// The shared bus metrics count both consumers (after their commits).
	waitFor(t, 10*time.Second, "bus metrics of 3 articles and 2 alerts consumed", func() bool {
		return testutil.ToFloat64(busMetrics.Consumed.WithLabelValues(MatchStage)) == 3 &&
			testutil.ToFloat64(busMetrics.Consumed.WithLabelValues(DeliveryStage)) == 2
	})
}

// TestRestartBetweenMatchAndDelivery stops the stage after the alert is on the alerts
// topic but before any channel took it (the receiver fails the first attempts), then
// starts a new stage on the same broker data: the alert arrives exactly once.
func TestRestartBetweenMatchAndDelivery(t *testing.T) {
	dir := t.TempDir()
	e, c := startBroker(t, dir)
	hook := newReceiver(t, "k", 1000) // fails until told otherwise
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	s := createSearch(t, st, SavedSearch{Name: "Lachin", Query: "topic:lachin-corridor", Channels: []Channel{{Type: "webhook", URL: hook.srv.URL, Secret: "k"}}})
	publish(t, c, enriched("oc-media.org", "story-9"))
	waitFor(t, 20*time.Second, "a failed first attempt", func() bool { return hook.total() >= 2 })
	st.stop()
	e.Close()
	failedBefore := hook.total()

	hook.mu.Lock()
	hook.fail = 0
	hook.mu.Unlock()
	e2, c2 := startBroker(t, dir)
	defer e2.Close()
	st2 := startStage(t, c2, cfg, nil)
	if _, ok := st2.set.get(s.ID); !ok {
		t.Fatalf("search %s not reloaded from the topic after restart", s.ID)
	}
	waitFor(t, 30*time.Second, "the delivery after restart", func() bool { return len(hook.delivered()) >= 1 })
	// The matcher may redo the uncommitted batch and the delivery worker its alert: give
	// any duplicate time to arrive.
	time.Sleep(2 * time.Second)
	if n := len(hook.delivered()); n != 1 {
		t.Fatalf("receiver got the alert %d times, want exactly 1", n)
	}
	if n := hook.total() - failedBefore; n != 1 {
		t.Errorf("after restart the receiver got %d requests, want 1", n)
	}
	if got := decodeAlert(t, hook.delivered()[0].body); got.ID != AlertID(s.ID, "story-9") {
		t.Errorf("alert id %s", got.ID)
	}
	d, ok := st2.state.get(AlertID(s.ID, "story-9"), s.Channels[0].Key())
	if !ok || d.Status != StatusDelivered || d.Attempts < 3 {
		t.Errorf("delivery record = %+v, want delivered after the failed attempts", d)
	}

	// A third run must not deliver it again either.
	st2.stop()
	st3 := startStage(t, c2, cfg, nil)
	publish(t, c2, enriched("civilnet.am", "story-9"))
	waitFor(t, 20*time.Second, "the copy to be matched", func() bool { return testutil.ToFloat64(st3.metrics.articles) >= 1 })
	time.Sleep(time.Second)
	if n := len(hook.delivered()); n != 1 {
		t.Fatalf("after a second restart the receiver has the alert %d times, want 1", n)
	}
}

func createSearch(t *testing.T, st *runningStage, s SavedSearch) SavedSearch {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := normalise(&s, checkRules{allowPrivate: true, mail: true}); err != nil {
		t.Fatalf("search: %v", err)
	}
	s.ID, s.Created, s.Updated = newSearchID(), time.Now().UTC(), time.Now().UTC()
	if err := st.store.save(ctx, s); err != nil {
		t.Fatalf("saving search: %v", err)
	}
	return s
}

func decodeSearchJSON(t *testing.T, b []byte) SavedSearch {
	t.Helper()
	var s SavedSearch
	if err := jsonUnmarshal(b, &s); err != nil {
		t.Fatalf("not a saved search: %v: %s", err, b)
	}
	return s
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := jsonUnmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
}

func getAtom(t *testing.T, url string) atomFeed {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("feed content type %q", ct)
	}
	var f atomFeed
	if err := xml.NewDecoder(resp.Body).Decode(&f); err != nil {
		t.Fatalf("feed is not Atom: %v", err)
	}
	return f
}

// TestNearCopiesInTwoStoriesAlertOnce: two processors that enrich two copies of a story in
// the same second give them two story IDs. The search alerts on the first only, before and
// after a restart; an unrelated story still alerts.
func TestNearCopiesInTwoStoriesAlertOnce(t *testing.T) {
	dir := t.TempDir()
	e, c := startBroker(t, dir)
	hook := newReceiver(t, "k", 0)
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	createSearch(t, st, SavedSearch{Name: "Lachin", Query: "topic:lachin-corridor", Channels: []Channel{{Type: "webhook", URL: hook.srv.URL, Secret: "k"}}})

	const sig = article.SimHash(0x0f0f_3c3c_5a5a_9696)
	first := enriched("oc-media.org", "story-a")
	first.Signature = sig
	copy1 := enriched("civilnet.am", "story-b") // another processor's story for the same text
	copy1.Signature = sig ^ 0b101               // two bits apart: a new headline
	other := enriched("jam-news.net", "story-c")
	other.Signature = ^sig // unrelated
	publish(t, c, first, copy1, other)
	waitFor(t, 20*time.Second, "the alerts", func() bool { return len(hook.delivered()) >= 2 })
	time.Sleep(time.Second)
	stories := func() []string {
		var out []string
		for _, r := range hook.delivered() {
			out = append(out, decodeAlert(t, r.body).StoryID)
		}
		slices.Sort(out)
		return out
	}
	if got := stories(); !slices.Equal(got, []string{"story-a", "story-c"}) {
		t.Fatalf("alerted stories %v, want story-a and story-c once each", got)
	}

	st.stop()
	e.Close()
	e2, c2 := startBroker(t, dir)
	defer e2.Close()
	st2 := startStage(t, c2, cfg, nil)
	copy2 := enriched("news.am", "story-d") // a third story ID for the copy, after a restart
	copy2.Signature = sig ^ 0b11000
	publish(t, c2, copy2)
	waitFor(t, 20*time.Second, "the copy to be matched", func() bool { return testutil.ToFloat64(st2.metrics.articles) >= 1 })
	time.Sleep(time.Second)
	if got := stories(); !slices.Equal(got, []string{"story-a", "story-c"}) {
		t.Fatalf("after a restart the alerted stories are %v, want still story-a and story-c", got)
	}
}

// TestManyConfigSearchesAreWrittenInBatches: 2,500 searches in the configuration (more than
// one write's worth) are all written and loaded before the stage says ready, and Ready says
// not ready until then; a restart with the same file writes none again.
func TestManyConfigSearchesAreWrittenInBatches(t *testing.T) {
	dir := t.TempDir()
	e, c := startBroker(t, dir)
	cfg := testAlertConfig()
	cfg.Searches = nil
	for i := range 2*syncBatch + 500 {
		cfg.Searches = append(cfg.Searches, configSearch(fmt.Sprintf("search %d", i), fmt.Sprintf("Lachin AND word%d", i)))
	}
	var notReady error
	st := startStage(t, c, cfg, func(s *Stage) { notReady = s.Ready() })
	if notReady == nil {
		t.Error("Ready said ready before Run loaded the searches")
	}
	if err := st.Ready(); err != nil {
		t.Fatalf("Ready after waitReady: %v", err)
	}
	if n := len(st.set.list()); n != len(cfg.Searches) {
		t.Fatalf("%d searches loaded, want %d", n, len(cfg.Searches))
	}
	st.stop()
	e.Close()

	e2, c2 := startBroker(t, dir)
	defer e2.Close()
	recs := bustest.Read(t, c2, c2.Topics().Searches, len(cfg.Searches)+1, 5*time.Second)
	if len(recs) != len(cfg.Searches) {
		t.Fatalf("searches topic holds %d records, want %d (one per search)", len(recs), len(cfg.Searches))
	}
	st2 := startStage(t, c2, cfg, nil)
	if n := len(st2.set.list()); n != len(cfg.Searches) {
		t.Fatalf("after restart %d searches loaded, want %d", n, len(cfg.Searches))
	}
	st2.stop()
	if recs := bustest.Read(t, c2, c2.Topics().Searches, len(cfg.Searches)+1, 5*time.Second); len(recs) != len(cfg.Searches) {
		t.Errorf("after a restart with the same file the topic holds %d records, want still %d", len(recs), len(cfg.Searches))
	}
}

// enrichedRecords encodes arts as the enriched topic holds them.
func enrichedRecords(t *testing.T, arts ...*article.Article) []bus.Record {
	t.Helper()
	var recs []bus.Record
	for _, a := range arts {
		v, err := article.Encode(a)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, bus.Record{Key: []byte(a.ID), Value: v})
	}
	return recs
}

// TestBatchAlertsAreWrittenAsMatched: the alert of the first article of a batch is on the
// alerts topic before the second article is matched, and the batch's alerts are all
// written once the writer is waited for.
func TestBatchAlertsAreWrittenAsMatched(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	s := createSearch(t, st, SavedSearch{Name: "Lachin", Query: "topic:lachin-corridor", Channels: []Channel{{Type: "atom"}}})
	waitFor(t, 10*time.Second, "the search to load", func() bool { _, ok := st.set.get(s.ID); return ok })

	recs := enrichedRecords(t, enriched("oc-media.org", "story-a"), enriched("civilnet.am", "story-b"))
	w := st.writeAlerts(context.Background(), len(recs))
	emitted := 0
	_, err := st.matchBatch(recs, time.Now(), func(alerts []bus.Record) {
		w.add(alerts)
		if emitted++; emitted == 1 {
			waitFor(t, 10*time.Second, "the first article's alert on the topic while the batch is matched", func() bool {
				return len(st.hist.matches(s.ID, 10)) == 1
			})
		}
	})
	if err := errors.Join(err, w.wait()); err != nil {
		t.Fatal(err)
	}
	if emitted != 2 {
		t.Fatalf("alerts emitted for %d articles, want 2", emitted)
	}
	waitFor(t, 10*time.Second, "both alerts on the topic", func() bool { return len(st.hist.matches(s.ID, 10)) == 2 })
}

// TestFailedAlertWriteUnclaims: when the alerts topic cannot be written, the batch fails
// and none of its alerts stays claimed, so the redone batch alerts them.
func TestFailedAlertWriteUnclaims(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := idleStage(t, c, cfg)
	now := time.Now().UTC()
	if err := st.set.put(SavedSearch{ID: "lachin", Name: "Lachin", Query: "topic:lachin-corridor", Mode: ModeImmediate, Channels: []Channel{{Type: "atom"}}, Created: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
	e.Close()
	// A batch of one article is written inline, a longer one by the writer's goroutine.
	for _, stories := range [][]string{{"story-a"}, {"story-b", "story-c", "story-d"}} {
		var arts []*article.Article
		for _, story := range stories {
			arts = append(arts, enriched("oc-media.org", story))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := st.handleEnriched(ctx, enrichedRecords(t, arts...))
		cancel()
		if err == nil {
			t.Fatalf("a batch of %d succeeded with the broker down", len(arts))
		}
		for _, story := range stories {
			st.hist.mu.RLock()
			claimed := st.hist.claimed[AlertID("lachin", story)]
			st.hist.mu.RUnlock()
			if claimed {
				t.Fatalf("the unwritten alert of %s stays claimed: the redone batch would not alert", story)
			}
		}
	}
}
