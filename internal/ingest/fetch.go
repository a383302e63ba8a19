package ingest

import (
	"bytes"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/netguard"
)

// Errors a fetch can end with; test them with errors.Is.
var (
	// ErrPrivateAddress: the host resolved to a loopback, private or link-local address
	// and ingest.allow_private is off (the guard is package netguard's).
	ErrPrivateAddress = netguard.ErrPrivateAddress
	// ErrBodyTooLarge: the body, after decompression, exceeds ingest.max_body_bytes.
	ErrBodyTooLarge = errors.New("body exceeds ingest.max_body_bytes")
	// ErrDecompressionBomb: the body inflates more than ingest.max_decompression_ratio.
	ErrDecompressionBomb = errors.New("compressed body inflates beyond ingest.max_decompression_ratio")
	// ErrTimeout: the fetch took longer than ingest.timeout (a slow or trickling server).
	ErrTimeout = errors.New("fetch exceeded ingest.timeout")
	// ErrTooManyRedirects: more than ingest.max_redirects redirects, or a loop.
	ErrTooManyRedirects = errors.New("too many redirects")
)

// HTTPStatusError is a non-2xx, non-304 answer.
type HTTPStatusError struct {
	URL        string
	StatusCode int
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

func (e *HTTPStatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s from %s", e.StatusCode, http.StatusText(e.StatusCode), e.URL)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Permanent reports whether retrying soon is pointless (404, 410, 401, 403...). The
// scheduler still retries, at the longest interval, because feeds do come back.
func (e *HTTPStatusError) Permanent() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusRequestTimeout,
		http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusInternalServerError:
		return false
	}
	return e.StatusCode >= 400 && e.StatusCode < 500
}

// validators are what a conditional GET sends back to the server.
type validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	BodyHash     string `json:"body_hash,omitempty"`
}

// response is the outcome of one fetch.
type response struct {
	NotModified bool // 304, or the same body as last time
	Body        []byte
	ContentType string
	Validators  validators
	// FinalURL is where the body came from after redirects; PermanentURL is set only when
	// every hop was permanent (301/308), and is then the feed's new address.
	FinalURL     string
	PermanentURL string
	// MaxAge is the server's Cache-Control max-age: polling sooner is pointless.
	MaxAge time.Duration
	Header http.Header
	// Base is what relative links in the body are relative to: Content-Location when the
	// server sends a usable one, else FinalURL.
	Base string
}

// fetcher does HTTP for feeds and pages: conditional GET, limits, per-host politeness and
// the private-address guard. It is safe for concurrent use.
type fetcher struct {
	// client is for those who need an http.Client (websub); fetches go to its transport
	// directly (see roundTrip).
	client         *http.Client
	transport      http.RoundTripper
	userAgentValue []string // the User-Agent header's value, shared by every request
	maxBody        int64
	maxRatio       int64
	maxRedirects   int
	timeout        time.Duration
	hosts          *hostLimiter
}

func newFetcher(cfg config.IngestConfig) *fetcher {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivate {
		// Checked on the resolved address at connect time, so a DNS answer that changes
		// between a check and the connection (rebinding) cannot slip through.
		dialer.Control = netguard.Control("ingest.allow_private")
	}
	transport := &http.Transport{
		Proxy:               nil, // a proxy would make the dial-time address check meaningless
		DialContext:         dialer.DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: max(cfg.PerHostConcurrency, 2),
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		// No ResponseHeaderTimeout: every request is bounded in time already (fetch's
		// timer, websub's deadline), which covers the wait for headers; a second timer per
		// request was a measurable share of a cycle of 304s.
		// Decompression is done here, not by the transport, so its ratio can be bounded.
		DisableCompression: true,
	}
	f := &fetcher{
		userAgentValue: []string{cfg.UserAgent},
		maxBody:        cfg.MaxBodyBytes,
		maxRatio:       int64(cfg.MaxDecompressionRatio),
		maxRedirects:   cfg.MaxRedirects,
		timeout:        cfg.Timeout,
		hosts:          newHostLimiter(cfg.PerHostConcurrency, cfg.PerHostDelay),
	}
	f.client = &http.Client{Transport: transport, CheckRedirect: f.checkRedirect}
	f.transport = transport
	return f
}

func (f *fetcher) close() {
	f.client.CloseIdleConnections()
}

func (f *fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.maxRedirects {
		return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, f.maxRedirects)
	}
	for _, prev := range via {
		if prev.URL.String() == req.URL.String() {
			return fmt.Errorf("%w: loop back to %s", ErrTooManyRedirects, req.URL)
		}
	}
	return nil
}

// get fetches rawURL, sending the validators of the last fetch. accept is the Accept header.
func (f *fetcher) get(ctx context.Context, rawURL string, prev validators, accept string) (*response, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := &response{}
	if err := f.fetch(ctx, newFetchTimer(cancel), rawURL, prev, accept, out); err != nil {
		return nil, err
	}
	return out, nil
}

// errFetchTimeout is the cause a fetch cancels its context with when ingest.timeout runs
// out. It is a context.DeadlineExceeded, as the error of a context with a deadline would be.
var errFetchTimeout = fmt.Errorf("%w", context.DeadlineExceeded)

// newFetchTimer returns a stopped timer that, once fetch arms it and it fires, cancels a
// fetch's context with errFetchTimeout as the cause. A poller's worker keeps one for as
// long as it keeps its context, and arms it again for each fetch: a timer and a closure
// made per fetch were two allocations of a poll answered 304.
func newFetchTimer(cancel context.CancelCauseFunc) *time.Timer {
	t := time.AfterFunc(time.Hour, func() { cancel(errFetchTimeout) })
	t.Stop()
	return t
}

// fetch is get filling a response of the caller's: a poll keeps it on its stack, which
// at a cycle of 10,000 polls saved an allocation per poll. out is not kept.
//
// ctx is the caller's own, and timer (newFetchTimer) cancels it: when ingest.timeout runs
// out, the timer cancels ctx with errFetchTimeout as the cause, so the caller can tell a
// timeout from its own cancellation with context.Cause. A poll so needs one context, which carries both the
// cancel that releaseFeeds needs and the timeout, where a timeout context layered on the
// poll's was, with its timer, its Done channel, its parent's map of children and the
// request copy that took it in, a tenth of the allocations of a poll answered 304. Once
// the timer has fired ctx stays cancelled: fetch then fails, even if the body was in. A
// fetch that returns in time leaves ctx as it was, for the caller's next use.
func (f *fetcher) fetch(ctx context.Context, timer *time.Timer, rawURL string, prev validators, accept string, out *response) error {
	// The request is built once, with the context it is sent with: its URL is parsed once,
	// for the host limiter and the client.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("building request for %s: %w", rawURL, err)
	}
	slot, err := f.hosts.acquire(ctx, req.URL.Host)
	if err != nil {
		return err
	}
	defer slot.release()
	// The timeout starts once a host slot is ours: waiting politely is not the server's fault.
	timer.Reset(f.timeout)
	err = f.do(req, rawURL, prev, accept, out)
	if timer.Stop() {
		return err
	}
	// The timer fired: ctx is cancelled, by the timeout unless by the caller before it
	// (stopping, or the feed left), which is then no timeout. Waited for, so that the
	// cancel cannot land later, on whatever the caller does next with ctx.
	<-ctx.Done()
	if context.Cause(ctx) != errFetchTimeout {
		return cmp.Or(err, context.Cause(ctx))
	}
	return fmt.Errorf("%w (%s): %w", ErrTimeout, f.timeout, cmp.Or(err, errFetchTimeout))
}

// requestHeader is a request's header with room for the values that change between
// requests. It is recycled once the response body is closed, after which net/http no
// longer reads the request: a header made per request, with a slice per value, was the
// largest allocation of a poll answered 304.
type requestHeader struct {
	h                http.Header
	accept, inm, ims [1]string
}

var headerPool = sync.Pool{New: func() any { return &requestHeader{h: make(http.Header, 5)} }}

// do sends req, a GET of rawURL, with the validators of the last fetch, into out.
func (f *fetcher) do(req *http.Request, rawURL string, prev validators, accept string, out *response) error {
	// The header is in canonical form, sharing the values that never change between
	// requests (neither the client nor the transport changes a value in place).
	rh := headerPool.Get().(*requestHeader)
	h := rh.h
	h["User-Agent"] = f.userAgentValue
	h["Accept-Encoding"] = acceptEncodingValue
	rh.accept[0] = accept
	h["Accept"] = rh.accept[:]
	if prev.ETag != "" {
		rh.inm[0] = prev.ETag
		h["If-None-Match"] = rh.inm[:]
	}
	if prev.LastModified != "" {
		rh.ims[0] = prev.LastModified
		h["If-Modified-Since"] = rh.ims[:]
	}
	req.Header = h
	resp, err := f.roundTrip(req)
	if err != nil {
		// Not recycled: a transport that gave up on a request may still be writing it.
		return fmt.Errorf("requesting %s: %w", rawURL, err)
	}
	defer func() {
		resp.Body.Close()
		clear(h)
		rh.accept[0], rh.inm[0], rh.ims[0] = "", "", ""
		headerPool.Put(rh)
	}()

	*out = response{
		ContentType: resp.Header.Get("Content-Type"),
		FinalURL:    rawURL,
		MaxAge:      maxAge(resp.Header.Get("Cache-Control")),
		Header:      resp.Header,
		Validators:  prev,
	}
	if resp.Request.Response != nil {
		// The answer came from a redirect: only then does its address differ from rawURL,
		// and only then is it spelled out again.
		out.FinalURL = resp.Request.URL.String()
	}
	out.Base = out.FinalURL
	if cl := resp.Header.Get("Content-Location"); cl != "" {
		if b := resolve(resp.Request.URL, cl); strings.HasPrefix(b, "http://") || strings.HasPrefix(b, "https://") {
			out.Base = b
		}
	}
	if out.FinalURL != rawURL && permanentChain(resp.Request) {
		out.PermanentURL = out.FinalURL
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		return nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// Drain a little so the connection can be reused, never the whole thing.
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		return &HTTPStatusError{URL: rawURL, StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	body, err := f.readBody(resp)
	if err != nil {
		return fmt.Errorf("reading body of %s: %w", rawURL, err)
	}
	sum := sha256.Sum256(body)
	hash := fmt.Sprintf("%x", sum[:16])
	out.Body = body
	out.Validators = validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), BodyHash: hash}
	// Many servers ignore validators but send the same bytes: treat that as a 304.
	out.NotModified = prev.BodyHash != "" && prev.BodyHash == hash
	return nil
}

// roundTrip sends req and follows redirects as http.Client does for a GET: on 301, 302,
// 303, 307 and 308 with a Location, with the same header on every hop, within checkRedirect;
// a redirect without a Location is the answer. The final response's Request is the last
// hop, whose Response is the redirect that led to it, and so on back (see
// permanentChain). http.Client.Do clones the request's header before every request, for
// the redirects it may follow; the fetcher's header is its own and unchanged until the
// response is closed, so it needs no copy: that clone was, after the request itself, the
// largest cost of a poll answered 304 above a raw loop's.
func (f *fetcher) roundTrip(req *http.Request) (*http.Response, error) {
	var via []*http.Request
	for {
		resp, err := f.transport.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
			http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		default:
			return resp, nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
			return resp, nil
		}
		// Read a little so that a small body's connection is reused, never the whole thing.
		_, _ = io.CopyN(io.Discard, resp.Body, 2<<10)
		resp.Body.Close()
		u, err := req.URL.Parse(loc)
		if err != nil {
			return nil, fmt.Errorf("following redirect to %q: %w", loc, err)
		}
		next, err := http.NewRequestWithContext(req.Context(), http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("following redirect to %q: %w", loc, err)
		}
		next.Header, next.Response = req.Header, resp
		via = append(via, req)
		if err := f.checkRedirect(next, via); err != nil {
			return nil, fmt.Errorf("following redirect to %s: %w", next.URL, err)
		}
		req = next
	}
}

// readBody reads at most maxBody decompressed bytes and refuses bodies inflating beyond
// maxRatio times their compressed size.
func (f *fetcher) readBody(resp *http.Response) ([]byte, error) {
	raw := &countingReader{r: io.LimitReader(resp.Body, f.maxBody+1)}
	var r io.Reader = raw
	compressed := false
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, fmt.Errorf("opening gzip stream: %w", err)
		}
		defer zr.Close()
		r, compressed = zr, true
	case "deflate":
		zr := flate.NewReader(raw)
		defer zr.Close()
		r, compressed = zr, true
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	var buf bytes.Buffer
	if !compressed && resp.ContentLength > 0 && resp.ContentLength <= f.maxBody {
		buf.Grow(int(resp.ContentLength))
	}
	chunkp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(chunkp)
	chunk := *chunkp
	for {
		n, err := r.Read(chunk)
		buf.Write(chunk[:n])
		if int64(buf.Len()) > f.maxBody {
			if compressed && int64(buf.Len()) > f.maxRatio*raw.n {
				return nil, fmt.Errorf("%w: %d bytes from %d", ErrDecompressionBomb, buf.Len(), raw.n)
			}
			return nil, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, f.maxBody)
		}
		if compressed && buf.Len() > 1<<20 && int64(buf.Len()) > f.maxRatio*raw.n {
			return nil, fmt.Errorf("%w: %d bytes from %d", ErrDecompressionBomb, buf.Len(), raw.n)
		}
		if err == io.EOF {
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// acceptEncodingValue is the Accept-Encoding of every request, shared by all of them:
// decompression is readBody's, so that its ratio can be bounded.
var acceptEncodingValue = []string{"gzip, deflate"}

// chunkPool recycles read buffers: at 10,000 feeds a cycle, one per fetch was a
// tenth of all allocation.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// permanentChain reports whether every redirect that led to req was permanent.
func permanentChain(req *http.Request) bool {
	seen := false
	for r := req; r != nil && r.Response != nil; r = r.Response.Request {
		seen = true
		if c := r.Response.StatusCode; c != http.StatusMovedPermanently && c != http.StatusPermanentRedirect {
			return false
		}
	}
	return seen
}

// retryAfter parses a Retry-After value: delta seconds or an HTTP date. Zero if absent or
// unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// maxAge returns Cache-Control's max-age (s-maxage wins), zero when absent or no-cache.
func maxAge(cc string) time.Duration {
	if cc == "" {
		return 0 // most answers, every 304 of many servers: nothing to split
	}
	var age time.Duration
	for _, d := range strings.Split(cc, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
		switch k {
		case "no-cache", "no-store":
			return 0
		case "max-age", "s-maxage":
			if n, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && n > 0 {
				if k == "s-maxage" || age == 0 {
					age = time.Duration(n) * time.Second
				}
			}
		}
	}
	return age
}

// mediaType returns the lower-case media type and charset parameter of a Content-Type.
func mediaType(contentType string) (typ, charset string) {
	typ, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		typ, _, _ = strings.Cut(contentType, ";")
		return strings.ToLower(strings.TrimSpace(typ)), ""
	}
	return typ, strings.ToLower(params["charset"])
}

// hostLimiter bounds requests in flight per host and spaces their starts.
type hostLimiter struct {
	per   int
	delay time.Duration
	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	sem  chan struct{}
	mu   sync.Mutex
	next time.Time // earliest start of the next request
}

func newHostLimiter(per int, delay time.Duration) *hostLimiter {
	return &hostLimiter{per: max(per, 1), delay: delay, hosts: map[string]*hostSlot{}}
}

// acquire waits for a slot on host and for its politeness delay; the caller releases the
// slot it gets. The slot itself is returned, not a function that releases it: such a
// closure was an allocation per fetch.
func (h *hostLimiter) acquire(ctx context.Context, host string) (*hostSlot, error) {
	host = strings.ToLower(host)
	h.mu.Lock()
	s := h.hosts[host]
	if s == nil {
		s = &hostSlot{sem: make(chan struct{}, h.per)}
		h.hosts[host] = s
	}
	// Slots are kept (one per host ever fetched) so the spacing survives idle periods.
	h.mu.Unlock()
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a slot on %s: %w", host, ctx.Err())
	}
	if h.delay > 0 {
		s.mu.Lock()
		now := time.Now()
		start := s.next
		if start.Before(now) {
			start = now
		}
		s.next = start.Add(h.delay)
		s.mu.Unlock()
		if wait := time.Until(start); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				<-s.sem
				return nil, fmt.Errorf("waiting for politeness delay on %s: %w", host, ctx.Err())
			}
		}
	}
	return s, nil
}

// release gives back a slot that acquire took.
func (s *hostSlot) release() { <-s.sem }
