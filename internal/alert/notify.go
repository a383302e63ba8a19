package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/netguard"
)

// Header names of webhook deliveries.
const (
	HeaderSignature   = "X-Wirewatch-Signature"
	HeaderIdempotency = "X-Wirewatch-Idempotency-Key"
)

// errPermanent marks a delivery that will not succeed if retried (the receiver rejected
// it as malformed or unauthorised, the channel is misconfigured).
var errPermanent = errors.New("permanent delivery failure")

// senders sends notices on the pushed channel types. Each send is one attempt; the
// delivery worker retries.
type senders struct {
	cfg config.AlertConfig
	// tlsRoots, when set, replaces the system roots for STARTTLS (tests).
	tlsRoots *x509.CertPool
	http     *http.Client
	logger   *slog.Logger
}

// maxRedirects bounds the redirects a webhook or Slack post follows.
const maxRedirects = 5

func newSenders(cfg config.AlertConfig, logger *slog.Logger) (*senders, error) {
	var tr *http.Transport
	if cfg.AllowPrivate {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	} else {
		// Users choose webhook URLs: every connection, redirects included, is checked on
		// the address it resolved to, so neither DNS rebinding nor a redirect reaches inside.
		tr = netguard.Transport(&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}, "alert.allow_private")
	}
	// The delivery worker posts up to deliveryParallelism alerts at once, often to one
	// receiver: keep that many connections to it open (net/http keeps 2), so each alert
	// does not wait for a new connection and, over https, a new handshake.
	tr.MaxIdleConnsPerHost = deliveryParallelism
	client := &http.Client{Timeout: cfg.Webhook.Timeout, CheckRedirect: netguard.CheckRedirect(maxRedirects, !cfg.AllowPrivate), Transport: tr}
	return &senders{cfg: cfg, http: client, logger: logger}, nil
}

// drainBytes is how much of a response body post reads past its snippet so the
// connection can carry the next alert; a longer body closes the connection instead.
const drainBytes = 64 << 10

func (s *senders) send(ctx context.Context, ch Channel, n notice) error {
	if kind, ok := channelKindOf(ch.Type); ok && kind.send != nil {
		return kind.send(s, ctx, ch, n)
	}
	return fmt.Errorf("%w: channel type %q is not delivered by the worker", errPermanent, ch.Type)
}

// DigestBody is the webhook body of a digest.
type DigestBody struct {
	ID         string  `json:"id"`
	Digest     bool    `json:"digest"`
	SearchID   string  `json:"search_id"`
	SearchName string  `json:"search_name"`
	Alerts     []Alert `json:"alerts"`
}

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header is body's signature under secret. Receivers in
// Go can use it; it compares in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(header), []byte(Sign(secret, body)))
}

func (s *senders) webhook(ctx context.Context, ch Channel, n notice) error {
	var body any = n.Alerts[0]
	if n.Digest {
		body = DigestBody{ID: n.ID, Digest: true, SearchID: n.Search.ID, SearchName: n.Search.Name, Alerts: n.Alerts}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%w: encoding webhook body: %w", errPermanent, err)
	}
	h := http.Header{"Content-Type": {"application/json"}, HeaderIdempotency: {n.ID}}
	if ch.Secret != "" {
		h.Set(HeaderSignature, Sign(ch.Secret, b))
	}
	return s.post(ctx, ch.URL, h, b)
}

// post sends one request. 2xx is success; 408, 429 and 5xx are worth retrying; any other
// status is permanent.
func (s *senders) post(ctx context.Context, url string, h http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: building request to %s: %w", errPermanent, url, err)
	}
	req.Header = h
	req.Header.Set("User-Agent", "wirewatch-alerts/1")
	resp, err := s.http.Do(req)
	if errors.Is(err, netguard.ErrPrivateAddress) || errors.Is(err, netguard.ErrScheme) {
		return fmt.Errorf("%w: posting to %s: %w", errPermanent, url, err)
	}
	if err != nil {
		return fmt.Errorf("posting to %s: %w", url, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBytes)) // a body read to its end lets the connection be reused
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("posting to %s: %s: %s", url, resp.Status, bytes.TrimSpace(snippet))
	}
	return fmt.Errorf("%w: posting to %s: %s: %s", errPermanent, url, resp.Status, bytes.TrimSpace(snippet))
}

// slackMessage is the body of a Slack-compatible incoming webhook.
type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type string     `json:"type"`
	Text *slackText `json:"text,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func (s *senders) slack(ctx context.Context, ch Channel, n notice) error {
	msg := slackMessage{Text: subject(n)}
	msg.Blocks = append(msg.Blocks, slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: subject(n)}})
	for _, a := range n.Alerts {
		line := fmt.Sprintf("*<%s|%s>*\n%s · %s", slackEscape(a.Article.URL), slackEscape(a.Article.Title),
			slackEscape(a.Article.Source), a.Article.Published.UTC().Format("2006-01-02 15:04 UTC"))
		msg.Blocks = append(msg.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: line}})
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("%w: encoding Slack message: %w", errPermanent, err)
	}
	return s.post(ctx, ch.URL, http.Header{"Content-Type": {"application/json"}}, b)
}

func subject(n notice) string {
	if n.Digest {
		return fmt.Sprintf("[wirewatch] %s: %d new stories", n.Search.Name, len(n.Alerts))
	}
	return fmt.Sprintf("[wirewatch] %s: %s", n.Search.Name, n.Alerts[0].Article.Title)
}

// email sends n through the configured SMTP server, upgrading with STARTTLS whenever the
// server offers it and authenticating when a username is set.
func (s *senders) email(ctx context.Context, ch Channel, n notice) error {
	cfg := s.cfg.SMTP
	if cfg.Host == "" {
		return fmt.Errorf("%w: alert.smtp.host is not set", errPermanent)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	deadline := time.Now().Add(cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := (&net.Dialer{Deadline: deadline}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connecting to SMTP server %s: %w", addr, err)
	}
	conn.SetDeadline(deadline)
	// Closing the connection is what interrupts a blocked SMTP exchange on cancel.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("SMTP HELO to %s: %w", addr, err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: s.tlsRoots}); err != nil {
			return fmt.Errorf("SMTP STARTTLS with %s: %w", addr, err)
		}
	} else if cfg.RequireTLS {
		return fmt.Errorf("%w: SMTP server %s does not offer STARTTLS and alert.smtp.require_tls is set", errPermanent, addr)
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("%w: SMTP server %s offers no AUTH but alert.smtp.username is set", errPermanent, addr)
		}
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			return fmt.Errorf("%w: SMTP AUTH with %s: %w", errPermanent, addr, err)
		}
	}
	if err := c.Mail(cfg.From); err != nil {
		return fmt.Errorf("SMTP MAIL FROM to %s: %w", addr, err)
	}
	for _, to := range ch.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("SMTP RCPT TO %s at %s: %w", to, addr, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA to %s: %w", addr, err)
	}
	if _, err := w.Write(s.message(ch, n)); err != nil {
		return fmt.Errorf("writing message to %s: %w", addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("finishing message to %s: %w", addr, err)
	}
	if err := c.Quit(); err != nil {
		s.logger.Debug("SMTP QUIT", "err", err)
	}
	return nil
}

// message renders the e-mail: plain text, with the idempotency key as Message-ID so a
// resent copy threads with (and can be dropped as) the first.
func (s *senders) message(ch Channel, n notice) []byte {
	var b bytes.Buffer
	host := "wirewatch"
	if _, h, ok := strings.Cut(s.cfg.SMTP.From, "@"); ok {
		host = strings.Trim(h, "> ")
	}
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", s.cfg.SMTP.From)
	hdr("To", strings.Join(ch.To, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", subject(n)))
	hdr("Date", time.Now().UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+n.ID+"@"+host+">")
	hdr(HeaderIdempotency, n.ID)
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `text/plain; charset="utf-8"`)
	hdr("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	for _, a := range n.Alerts {
		fmt.Fprintf(&b, "%s\r\n%s\r\n%s, %s\r\n\r\n", a.Article.Title, a.Article.URL, a.Article.Source,
			a.Article.Published.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if s.cfg.PublicURL != "" {
		fmt.Fprintf(&b, "-- \r\nSaved search %q: %s/feeds/searches/%s.atom\r\n", n.Search.Name, strings.TrimRight(s.cfg.PublicURL, "/"), n.Search.ID)
	}
	// Lines starting with "." are escaped by net/smtp's DATA writer; bare LFs are not
	// produced above.
	return b.Bytes()
}
