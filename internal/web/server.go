// Package web is wirewatch's HTTP face: the JSON search API analysts and the UI call, the
// feed-health API, and the operations endpoints (/healthz, /readyz, /metrics). It reads
// from the index backend; it never writes articles.
package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wirewatch/internal/index"
)

// Check is a readiness probe; it returns nil when its part is ready.
type Check func(ctx context.Context) error

// Options configure a Server. Backend may be nil in a process that does not serve search
// (a lone poller still serves health and metrics).
type Options struct {
	Backend  index.Backend
	Registry *prometheus.Registry
	Checks   map[string]Check
	Token    string // when set, required as a bearer token on /api/
	Logger   *slog.Logger
}

// Server routes the HTTP API. Extra handlers (feeds, alerts, UI, WebSub) are mounted by
// the stages that own them through Handle.
type Server struct {
	mux     *http.ServeMux
	opts    Options
	logger  *slog.Logger
	started time.Time
}

// New builds the server's routes.
func New(opts Options) *Server {
	s := &Server{mux: http.NewServeMux(), opts: opts, logger: opts.Logger, started: time.Now()}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Registry != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{Registry: opts.Registry}))
	}
	if opts.Backend != nil {
		s.Handle("GET /api/search", http.HandlerFunc(s.search))
		s.Handle("GET /api/export", http.HandlerFunc(s.export))
		s.Handle("GET /api/articles/{id}", http.HandlerFunc(s.getArticle))
	}
	return s
}

// Handle mounts h on pattern. Patterns under /api/ require the token when one is set.
func (s *Server) Handle(pattern string, h http.Handler) {
	_, path, _ := strings.Cut(pattern, " ")
	if path == "" {
		path = pattern
	}
	if strings.HasPrefix(path, "/api/") {
		h = s.requireToken(h)
	}
	s.mux.Handle(pattern, h)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) requireToken(h http.Handler) http.Handler {
	if s.opts.Token == "" {
		return h
	}
	want := []byte(s.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if got == "" {
			got = r.URL.Query().Get("token")
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wirewatch"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong token", nil)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_s": int(time.Since(s.started).Seconds())})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status := http.StatusOK
	res := map[string]string{}
	for name, check := range s.opts.Checks {
		if err := check(ctx); err != nil {
			status = http.StatusServiceUnavailable
			res[name] = err.Error()
		} else {
			res[name] = "ok"
		}
	}
	writeJSON(w, status, res)
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	a, err := s.opts.Backend.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, index.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no article with id "+r.PathValue("id"), nil)
		return
	}
	if err != nil {
		s.logger.Error("getting article", "article_id", r.PathValue("id"), "err", err)
		writeError(w, http.StatusInternalServerError, "reading the index failed", nil)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// apiError is the body of every error answer.
type apiError struct {
	Error    string `json:"error"`
	Position *int   `json:"position,omitempty"` // byte offset in the query, for query errors
	Column   *int   `json:"column,omitempty"`   // 1-based character column
}

func writeError(w http.ResponseWriter, status int, msg string, extra func(*apiError)) {
	e := apiError{Error: msg}
	if extra != nil {
		extra(&e)
	}
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
