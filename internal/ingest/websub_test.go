package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// testHub is a minimal WebSub hub: it accepts a subscription, verifies intent against the
// subscriber's callback like a real hub, and can then distribute content, signed.
type testHub struct {
	t        *testing.T
	mu       sync.Mutex
	callback string
	secret   string
	topic    string
	verified chan error
}

func (h *testHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("hub.mode") != "subscribe" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.callback, h.secret, h.topic = r.Form.Get("hub.callback"), r.Form.Get("hub.secret"), r.Form.Get("hub.topic")
	h.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	go func() {
		challenge := fmt.Sprintf("c%d", rand.Int64())
		q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {h.topic}, "hub.challenge": {challenge}, "hub.lease_seconds": {"86400"}}
		resp, err := http.Get(h.callback + "?" + q.Encode())
		if err != nil {
			h.verified <- err
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(body) != challenge {
			h.verified <- fmt.Errorf("verification answered %d %q, want 200 %q", resp.StatusCode, body, challenge)
			return
		}
		h.verified <- nil
	}()
}

// push distributes body to the subscriber, signed with secret (the hub's own when "").
func (h *testHub) push(body string, secret string) (int, error) {
	h.mu.Lock()
	cb := h.callback
	if secret == "" {
		secret = h.secret
	}
	h.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	req, _ := http.NewRequest(http.MethodPost, cb, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/rss+xml")
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestWebSubSubscribeVerifyAndPush(t *testing.T) {
	hub := &testHub{t: t, verified: make(chan error, 4)}
	hubSrv := httptest.NewServer(hub)
	defer hubSrv.Close()

	feedBody := func(items string) string {
		return `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Pushed feed</title>
<atom:link rel="hub" href="` + hubSrv.URL + `/"/><atom:link rel="self" href="https://topic.example/feed"/>` + items + `</channel></rss>`
	}
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, feedBody(`<item><title>Polled</title><link>https://topic.example/1</link></item>`))
	}))
	defer feedSrv.Close()

	// The subscriber's public side: the lead mounts WebSubHandler at /websub/.
	var handler http.Handler
	var hmu sync.Mutex
	cbSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.Lock()
		h := handler
		hmu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer cbSrv.Close()

	cfg := testConfig(feedSrv.URL)
	cfg.WebSub.CallbackURL = cbSrv.URL + "/websub/"
	cfg.WebSub.Lease = 24 * time.Hour
	pub := newRecorder()
	dir := t.TempDir()
	r := startPoller(t, cfg, dir, pub)
	hmu.Lock()
	handler = r.p.WebSubHandler()
	hmu.Unlock()

	select {
	case err := <-hub.verified:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the poller never subscribed to the advertised hub")
	}
	if hub.topic != "https://topic.example/feed" {
		t.Errorf("subscribed to topic %q, want the feed's self link", hub.topic)
	}
	waitFor(t, 5*time.Second, "the feed to show WebSub", func() bool { return statusOf(t, r.p, feedSrv.URL).WebSub })

	start := time.Now()
	code, err := hub.push(feedBody(`<item><title>Pushed</title><link>https://topic.example/2</link></item>`), "")
	if err != nil || code/100 != 2 {
		t.Fatalf("push: %d %v", code, err)
	}
	if got := pub.byTitle("Pushed"); len(got) != 1 {
		t.Fatalf("pushed item published %d times by the time the hub got its answer", len(got))
	}
	// Speed is the benchmarks' business; the log shows the push-to-publish latency.
	t.Logf("push reached Publish and was acknowledged in %s", time.Since(start))
	// A forged distribution is acknowledged and ignored.
	code, err = hub.push(feedBody(`<item><title>Forged</title><link>https://topic.example/3</link></item>`), "not-the-secret")
	if err != nil || code/100 != 2 {
		t.Fatalf("forged push: %d %v", code, err)
	}
	time.Sleep(100 * time.Millisecond)
	if len(pub.byTitle("Forged")) != 0 {
		t.Errorf("a push with a bad signature was published")
	}
	// The same item pushed again is not published again.
	if _, err := hub.push(feedBody(`<item><title>Pushed</title><link>https://topic.example/2</link></item>`), ""); err != nil {
		t.Fatal(err)
	}
	r.stop(t)
	if n := len(pub.byTitle("Pushed")); n != 1 {
		t.Errorf("pushed item published %d times", n)
	}
	// The lease survives a restart: no new subscription is needed to show WebSub.
	r2 := startPoller(t, cfg, dir, pub)
	if !statusOf(t, r2.p, feedSrv.URL).WebSub {
		t.Errorf("WebSub lease lost across restart")
	}
	r2.stop(t)
}

func TestHubLinks(t *testing.T) {
	cases := []struct {
		name      string
		header    http.Header
		body      string
		hub, self string
	}{
		{"link header", http.Header{"Link": {`<https://hub.example/>; rel="hub", <https://f.example/feed>; rel="self"`}}, "<rss/>", "https://hub.example/", "https://f.example/feed"},
		{"atom", nil, `<feed><link rel="self" href="https://f.example/atom"/><link href="https://hub.example/h" rel="hub"/></feed>`, "https://hub.example/h", "https://f.example/atom"},
		{"json feed", nil, `{"version":"https://jsonfeed.org/version/1.1","hubs":[{"type":"WebSub","url":"https://hub.example/j"}]}`, "https://hub.example/j", ""},
		{"none", nil, `<rss><channel><link>https://x.example/</link></channel></rss>`, "", ""},
		{"non-http hub ignored", nil, `<feed><link rel="hub" href="javascript:x"/></feed>`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hub, self := hubLinks(tc.header, []byte(tc.body))
			if hub != tc.hub || self != tc.self {
				t.Errorf("hubLinks = %q, %q; want %q, %q", hub, self, tc.hub, tc.self)
			}
		})
	}
}

// hasHub, the cheap test before the hub patterns, finds "hub" in any case, also at the
// edges of the head it is given.
func TestHasHub(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`<link rel="hub" href="x"/>`, true},
		{`<atom:link REL="HUB"/>`, true},
		{`{"hubs":[{"url":"x"}]}`, true},
		{`hub`, true},
		{`xHuB`, true},
		{`<rss><channel><title>pub bus hb u</title></channel></rss>`, false},
		{``, false},
		{`u`, false},
	} {
		if got := hasHub([]byte(tc.in)); got != tc.want {
			t.Errorf("hasHub(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
