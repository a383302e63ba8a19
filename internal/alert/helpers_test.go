package alert

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

func testLogger() *slog.Logger {
	if os.Getenv("ALERT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startBroker starts the embedded broker on dir and creates the pipeline's topics; a test
// that restarts it closes it and calls startBroker again with the same dir.
func startBroker(t testing.TB, dir string) (*bus.Embedded, *bus.Client) {
	t.Helper()
	return bustest.StartIn(t, dir, testLogger())
}

func testAlertConfig() config.AlertConfig {
	cfg := config.Default().Alert
	cfg.Webhook.Backoff = 50 * time.Millisecond
	cfg.Webhook.MaxBackoff = 400 * time.Millisecond
	cfg.Webhook.MaxAttempts = 20
	cfg.Webhook.Timeout = 5 * time.Second
	cfg.Languages = []string{"en", "fr", "ru"}
	cfg.AllowPrivate = true // the test receivers are on loopback; TestWebhookGuard tests the guard
	return cfg
}

// idleStage is a Stage that is not run, for tests and benchmarks that drive its batch
// handling themselves; its writers are closed when tb ends.
func idleStage(tb testing.TB, c *bus.Client, cfg config.AlertConfig) *Stage {
	tb.Helper()
	st, err := NewStage(c, cfg, nil, prometheus.NewRegistry(), testLogger())
	if err != nil {
		tb.Fatalf("NewStage: %v", err)
	}
	tb.Cleanup(func() {
		for _, w := range []interface{ Close() error }{st.alertW, st.stateW, st.store.w, st.dlq} {
			w.Close()
		}
	})
	return st
}

// runningStage is a Stage running in the background with its API on an httptest server.
type runningStage struct {
	*Stage
	api    *httptest.Server
	cancel context.CancelFunc
	done   chan error
}

func startStage(t *testing.T, c *bus.Client, cfg config.AlertConfig, prep func(*Stage)) *runningStage {
	t.Helper()
	st, err := NewStage(c, cfg, nil, prometheus.NewRegistry(), testLogger())
	if err != nil {
		t.Fatalf("NewStage: %v", err)
	}
	st.digestEvery = 100 * time.Millisecond
	if prep != nil {
		prep(st)
	}
	mux := http.NewServeMux()
	st.Routes(mux)
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningStage{Stage: st, api: httptest.NewServer(mux), cancel: cancel, done: make(chan error, 1)}
	go func() { rs.done <- st.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if !st.waitReady(wctx) {
		cancel()
		t.Fatalf("stage not ready after 30 s: %v", <-rs.done)
	}
	t.Cleanup(rs.stop)
	return rs
}

// stop cancels the stage and waits for Run to return; it may be called more than once.
func (rs *runningStage) stop() {
	rs.cancel()
	if rs.done != nil {
		<-rs.done
		rs.done = nil
	}
	rs.api.Close()
}

// receiver is a webhook endpoint that counts every request it gets, raw.
type receiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	fail   int // answer 503 to this many requests first
	delay  time.Duration
	got    []receipt
	bad    []string
	notify chan struct{}
}

type receipt struct {
	status int
	key    string
	body   []byte
}

func newReceiver(t *testing.T, secret string, fail int) *receiver {
	t.Helper()
	r := &receiver{secret: secret, fail: fail, notify: make(chan struct{}, 1000)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		delay := r.delay
		r.mu.Unlock()
		time.Sleep(delay)
		r.mu.Lock()
		status := http.StatusOK
		if r.fail > 0 {
			r.fail--
			status = http.StatusServiceUnavailable
		}
		if secret != "" && !VerifySignature(secret, body, req.Header.Get(HeaderSignature)) {
			r.bad = append(r.bad, "bad signature "+req.Header.Get(HeaderSignature))
			status = http.StatusUnauthorized
		}
		r.got = append(r.got, receipt{status: status, key: req.Header.Get(HeaderIdempotency), body: body})
		r.mu.Unlock()
		w.WriteHeader(status)
		r.notify <- struct{}{}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// delivered returns the requests answered 2xx.
func (r *receiver) delivered() []receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []receipt
	for _, g := range r.got {
		if g.status < 300 {
			out = append(out, g)
		}
	}
	return out
}

func (r *receiver) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mailServer is an SMTP server (go-smtp) offering STARTTLS and AUTH PLAIN, recording
// each message it accepts.
type mailServer struct {
	srv   *smtp.Server
	addr  string
	roots *x509.CertPool
	mu    sync.Mutex
	mails []mail
}

type mail struct {
	from   string
	to     []string
	data   []byte
	user   string
	tlsOn  bool
	authed bool
}

type mailSession struct {
	ms   *mailServer
	conn *smtp.Conn
	cur  mail
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "alerts" || password != "pw" {
			return errors.New("invalid credentials")
		}
		s.cur.user, s.cur.authed = username, true
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.cur.authed {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := s.cur
	m.data = b
	_, m.tlsOn = s.conn.TLSConnectionState()
	s.ms.mu.Lock()
	s.ms.mails = append(s.ms.mails, m)
	s.ms.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.cur = mail{user: s.cur.user, authed: s.cur.authed} }
func (s *mailSession) Logout() error { return nil }

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	// httptest's TLS server carries a certificate for 127.0.0.1 and a client trusting it.
	certSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(certSrv.Close)
	ms := &mailServer{roots: certSrv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	ms.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &mailSession{ms: ms, conn: c}, nil
	}))
	ms.srv.Domain = "127.0.0.1"
	ms.srv.TLSConfig = &tls.Config{Certificates: certSrv.TLS.Certificates}
	ms.srv.ReadTimeout = 10 * time.Second
	ms.srv.WriteTimeout = 10 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = l.Addr().String()
	go ms.srv.Serve(l)
	t.Cleanup(func() { ms.srv.Close() })
	return ms
}

func (ms *mailServer) received() []mail {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]mail(nil), ms.mails...)
}

func (ms *mailServer) configure(cfg *config.AlertConfig) {
	host, port, _ := net.SplitHostPort(ms.addr)
	cfg.SMTP.Host = host
	cfg.SMTP.Port, _ = strconv.Atoi(port)
	cfg.SMTP.Username = "alerts"
	cfg.SMTP.Password = "pw"
	cfg.SMTP.From = "wirewatch@example.org"
	cfg.SMTP.RequireTLS = true
}

// enriched returns an enriched article of story about Lachin, from outlet.
func enriched(outlet, story string) *article.Article {
	u := "https://" + outlet + "/news/" + story
	return &article.Article{
		ID:        article.ID(u, "", ""),
		URL:       u,
		Title:     "Blockade of the Lachin corridor enters its third month",
		Summary:   "Azerbaijani activists keep the road to Stepanakert closed.",
		Published: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Fetched:   time.Date(2026, 11, 20, 9, 5, 0, 0, time.UTC),
		Source:    article.Source{FeedURL: "https://" + outlet + "/feed", FeedTitle: outlet},
		Lang:      "en",
		Entities:  []article.Entity{{ID: "Q1000", Type: article.Place, Name: "Lachin corridor", Known: true}},
		Topics:    []string{"lachin-corridor"},
		StoryID:   story,
		Enriched:  time.Date(2026, 11, 20, 9, 6, 0, 0, time.UTC),
	}
}

func publish(t *testing.T, c *bus.Client, arts ...*article.Article) {
	t.Helper()
	w := c.ArticleWriter(c.Topics().Enriched, bus.NewMetrics(prometheus.NewRegistry()))
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.Publish(ctx, arts); err != nil {
		t.Fatalf("publishing: %v", err)
	}
}

func decodeAlert(t *testing.T, b []byte) Alert {
	t.Helper()
	var a Alert
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("webhook body is not an alert: %v: %s", err, b)
	}
	return a
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func configSearch(name, q string) config.SearchConfig {
	return config.SearchConfig{Name: name, Query: q, Channels: []config.ChannelConfig{{Type: "atom"}}}
}
