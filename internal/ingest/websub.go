package ingest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"wirewatch/internal/config"
)

// subscription is one feed's WebSub state, persisted in the state file.
type subscription struct {
	Hub          string    `json:"hub"`
	Topic        string    `json:"topic"`
	Secret       string    `json:"secret,omitempty"`
	LeaseExpires time.Time `json:"lease_expires,omitzero"` // zero until the hub verified intent
	Requested    time.Time `json:"requested,omitzero"`     // last subscription request sent
	LastError    string    `json:"last_error,omitempty"`
}

// websub subscribes to the hubs feeds advertise, answers the hubs' verification requests
// and turns content distributions into poll results, so a push reaches Publish within the
// commit loop's linger (20 ms). Polling continues at the longest interval as a fallback and
// takes over as soon as a lease lapses.
type websub struct {
	p        *Poller
	callback string // base URL; the feed's token is appended
	lease    time.Duration
	client   *http.Client
	wake     chan struct{}

	mu     sync.Mutex
	subs   map[string]*subscription // by feed key
	tokens map[string]string        // callback token → feed key
}

func newWebSub(p *Poller, cfg config.WebSubConfig, subs map[string]*subscription) *websub {
	if subs == nil {
		subs = map[string]*subscription{}
	}
	w := &websub{
		p:        p,
		callback: cfg.CallbackURL,
		lease:    cfg.Lease,
		wake:     make(chan struct{}, 1),
		subs:     subs,
		tokens:   map[string]string{},
	}
	if p.fetch != nil {
		w.client = p.fetch.client // the same private-address guard as feeds
	}
	if w.callback != "" && !strings.HasSuffix(w.callback, "/") {
		w.callback += "/"
	}
	for key := range subs {
		w.tokens[feedToken(key)] = key
	}
	return w
}

// feedToken names a feed in callback URLs without putting its URL in a path.
func feedToken(key string) string { return keyOf("websub\x00" + key).String() }

// observe records the hub a poll found for a feed; a new or changed hub is subscribed to.
// It is called with p.mu held, so it must not take it.
func (w *websub) observe(key, hub, topic string) {
	if w.callback == "" {
		return
	}
	w.mu.Lock()
	s := w.subs[key]
	if s == nil || s.Hub != hub || s.Topic != topic {
		w.subs[key] = &subscription{Hub: hub, Topic: topic}
		w.tokens[feedToken(key)] = key
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	w.mu.Unlock()
}

// active reports whether a hub currently pushes this feed's updates.
func (w *websub) active(key string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.subs[key]
	return s != nil && s.LeaseExpires.After(now)
}

// run (re)subscribes when a hub is new or a lease is within a tenth of its end.
func (w *websub) run(ctx context.Context) {
	if w.callback == "" {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		for _, key := range w.due(time.Now()) {
			if err := w.subscribe(ctx, key); err != nil && ctx.Err() == nil {
				w.p.log.Warn("subscribing to WebSub hub", "feed_url", key, "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

func (w *websub) due(now time.Time) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var keys []string
	for key, s := range w.subs {
		if s.Hub == "" {
			continue
		}
		renewAt := s.LeaseExpires.Add(-w.lease / 10)
		// A request still awaiting the hub's verification is not repeated for 10 minutes.
		pending := now.Sub(s.Requested) < 10*time.Minute
		if !pending && !now.Before(renewAt) {
			keys = append(keys, key)
		}
	}
	return keys
}

// subscribe sends a subscription request; the hub confirms later through ServeHTTP.
func (w *websub) subscribe(ctx context.Context, key string) error {
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	w.mu.Lock()
	s := w.subs[key]
	if s == nil {
		w.mu.Unlock()
		return nil
	}
	s.Requested = time.Now()
	if s.Secret == "" {
		s.Secret = hex.EncodeToString(secret)
	}
	hub, topic, sec := s.Hub, s.Topic, s.Secret
	snapshot := *s
	w.mu.Unlock()
	if err := w.p.store.saveSubscription(key, snapshot); err != nil {
		return fmt.Errorf("saving subscription: %w", err)
	}
	form := url.Values{
		"hub.mode":          {"subscribe"},
		"hub.topic":         {topic},
		"hub.callback":      {w.callback + feedToken(key)},
		"hub.lease_seconds": {strconv.Itoa(int(w.lease / time.Second))},
		"hub.secret":        {sec},
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("building request to hub %s: %w", hub, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", w.p.cfg.UserAgent)
	resp, err := w.client.Do(req)
	if err != nil {
		w.setError(key, err.Error())
		return fmt.Errorf("requesting subscription from %s: %w", hub, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("hub %s answered %d: %s", hub, resp.StatusCode, bytes.TrimSpace(msg))
		w.setError(key, err.Error())
		return err
	}
	return nil
}

func (w *websub) setError(key, msg string) {
	w.mu.Lock()
	if s := w.subs[key]; s != nil {
		s.LastError = msg
	}
	w.mu.Unlock()
}

// WebSubHandler returns the http.Handler for hub callbacks; mount it at the path of
// ingest.websub.callback_url (for example /websub/). The last path segment names the feed.
func (p *Poller) WebSubHandler() http.Handler { return p.websub }

// ServeHTTP answers intent verification (GET) and receives content distribution (POST).
func (w *websub) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	token := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	w.mu.Lock()
	key, known := w.tokens[token]
	var sub subscription
	if s := w.subs[key]; known && s != nil {
		sub = *s
	} else {
		known = false
	}
	w.mu.Unlock()
	if !known {
		http.NotFound(rw, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		w.verify(rw, r, key, sub)
	case http.MethodPost:
		w.receive(rw, r, key, sub)
	default:
		rw.Header().Set("Allow", "GET, POST")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (w *websub) verify(rw http.ResponseWriter, r *http.Request, key string, sub subscription) {
	q := r.URL.Query()
	switch q.Get("hub.mode") {
	case "subscribe":
		if q.Get("hub.topic") != sub.Topic || q.Get("hub.challenge") == "" {
			http.NotFound(rw, r) // not a subscription we asked for
			return
		}
		lease, err := strconv.Atoi(q.Get("hub.lease_seconds"))
		if err != nil || lease <= 0 {
			lease = int(w.lease / time.Second)
		}
		w.mu.Lock()
		s := w.subs[key]
		if s != nil {
			s.LeaseExpires = time.Now().Add(time.Duration(lease) * time.Second)
			s.LastError = ""
			sub = *s
		}
		w.mu.Unlock()
		if err := w.p.store.saveSubscription(key, sub); err != nil {
			w.p.log.Error("saving WebSub lease", "feed_url", key, "error", err)
		}
		w.p.log.Info("WebSub subscription verified", "feed_url", key, "hub", sub.Hub, "lease_seconds", lease)
		rw.Header().Set("Content-Type", "text/plain")
		io.WriteString(rw, q.Get("hub.challenge"))
	case "denied":
		w.setError(key, "hub denied the subscription: "+q.Get("hub.reason"))
		w.p.log.Warn("WebSub subscription denied", "feed_url", key, "reason", q.Get("hub.reason"))
		rw.WriteHeader(http.StatusOK)
	default:
		// We never ask to unsubscribe, so an unsubscribe verification is not ours.
		http.NotFound(rw, r)
	}
}

var errBadSignature = errors.New("X-Hub-Signature does not match the body")

func (w *websub) receive(rw http.ResponseWriter, r *http.Request, key string, sub subscription) {
	body, err := io.ReadAll(io.LimitReader(r.Body, w.p.cfg.MaxBodyBytes+1))
	if err != nil {
		http.Error(rw, "reading body", http.StatusBadRequest)
		return
	}
	if int64(len(body)) > w.p.cfg.MaxBodyBytes {
		http.Error(rw, ErrBodyTooLarge.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	if sub.Secret != "" {
		if err := checkSignature(r.Header.Get("X-Hub-Signature"), sub.Secret, body); err != nil {
			// The spec: acknowledge, but ignore a distribution that fails verification.
			w.p.log.Warn("ignoring WebSub push", "feed_url", key, "error", err)
			rw.WriteHeader(http.StatusAccepted)
			return
		}
	}
	w.p.metrics.pushes.Inc()
	feed, err := ParseFeed(body, r.Header.Get("Content-Type"))
	if err != nil {
		w.p.log.Warn("parsing WebSub push", "feed_url", key, "error", err)
		rw.WriteHeader(http.StatusAccepted) // redelivering the same bytes will not help
		return
	}
	p := w.p
	p.mu.Lock()
	fs := p.feeds[key]
	var fc config.FeedConfig
	if fs != nil {
		fc = fs.cfg
	}
	p.mu.Unlock()
	if fs == nil {
		http.NotFound(rw, r)
		return
	}
	now := time.Now()
	res := &pollResult{key: key, at: now, rate: -1, pushed: true, done: make(chan error, 1)}
	res = p.digest(r.Context(), fc, fs, feed, sub.Topic, res, now)
	res.changed = false // a push is no full body: keep the poll's view of size and rate
	p.resultsMu.RLock()
	if !p.resultsOpen {
		p.resultsMu.RUnlock()
		http.Error(rw, "poller not running", http.StatusServiceUnavailable)
		return
	}
	p.results <- res
	p.resultsMu.RUnlock()
	select {
	case err := <-res.done:
		if err != nil {
			// Not acknowledged: the hub retries, and the next poll picks the items up anyway.
			http.Error(rw, "publishing: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		rw.WriteHeader(http.StatusNoContent)
	case <-r.Context().Done():
	}
}

// checkSignature verifies X-Hub-Signature: "method=hexdigest" of HMAC(secret, body).
func checkSignature(header, secret string, body []byte) error {
	method, sig, ok := strings.Cut(header, "=")
	if !ok {
		return fmt.Errorf("%w: header missing or malformed", errBadSignature)
	}
	var h func() hash.Hash
	switch strings.ToLower(method) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return fmt.Errorf("%w: unknown method %q", errBadSignature, method)
	}
	want, err := hex.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: %w", errBadSignature, err)
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), want) {
		return errBadSignature
	}
	return nil
}

var (
	linkElem = regexp.MustCompile(`(?is)<(?:atom:|atom10:)?link\b[^>]*>`)
	attrRel  = regexp.MustCompile(`(?i)\brel\s*=\s*["']([^"']*)["']`)
	attrHref = regexp.MustCompile(`(?i)\bhref\s*=\s*["']([^"']*)["']`)
	jsonHub  = regexp.MustCompile(`(?s)"hubs"\s*:\s*\[\s*\{[^}]*"url"\s*:\s*"([^"]+)"`)
)

// hubLinks finds a WebSub hub and self (topic) URL: HTTP Link headers first, as the spec
// says, then <link rel="hub"> / <atom:link rel="hub"> in the feed head, then JSON Feed's
// "hubs".
// hasHub reports whether b holds "hub" in any case, which every hub link in a body does.
func hasHub(b []byte) bool {
	for {
		i := bytes.IndexAny(b, "uU")
		if i < 0 {
			return false
		}
		if i > 0 && i+1 < len(b) && b[i-1]|0x20 == 'h' && b[i+1]|0x20 == 'b' {
			return true
		}
		b = b[i+1:]
	}
}

func hubLinks(header http.Header, body []byte) (hub, topic string) {
	for _, v := range header.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			u, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok {
				continue
			}
			u = strings.Trim(strings.TrimSpace(u), "<>")
			rel := strings.ToLower(params)
			switch {
			case strings.Contains(rel, `rel="hub"`) || strings.Contains(rel, "rel=hub"):
				hub = u
			case strings.Contains(rel, `rel="self"`) || strings.Contains(rel, "rel=self"):
				topic = u
			}
		}
	}
	head := body
	if len(head) > 64<<10 {
		head = head[:64<<10] // hub links sit in the feed head, before the items
	}
	if hub == "" && !hasHub(head) {
		return "", "" // the topic matters only with a hub; the patterns cost more than this
	}
	for _, el := range linkElem.FindAll(head, 50) {
		rel := attrRel.FindSubmatch(el)
		href := attrHref.FindSubmatch(el)
		if rel == nil || href == nil {
			continue
		}
		switch strings.ToLower(string(rel[1])) {
		case "hub":
			if hub == "" {
				hub = string(href[1])
			}
		case "self":
			if topic == "" {
				topic = string(href[1])
			}
		}
	}
	if hub == "" {
		if m := jsonHub.FindSubmatch(head); m != nil {
			hub = string(m[1])
		}
	}
	if !strings.HasPrefix(hub, "http://") && !strings.HasPrefix(hub, "https://") {
		return "", ""
	}
	return hub, topic
}
