// Package web is wirewatch's HTTP face: the Server every stage of a process mounts its
// routes on (each through its own Routes method), guarding /api/ and /metrics with the
// token; the operations endpoints (/healthz, /readyz, /metrics); and the search API
// analysts and the UI call (Search), which reads from the index backend and never writes
// articles. Every search is bounded: the query language's limits, the request's range of
// dates, and a server-side timeout that also ends when the client goes away.
//
// In the flow it sits above the index backends and below alert and pipeline: it imports
// index, query, topic (the topics' names), expand, httpapi and netguard, never a stage
// (ingest, process, alert).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wirewatch/internal/httpapi"
)

// Check is a readiness probe; it returns nil when its part is ready.
type Check func(ctx context.Context) error

// Options configure a Server.
type Options struct {
	Registry *prometheus.Registry
	Checks   map[string]Check
	Token    string // when set, required as a bearer token on /api/ and /metrics
	Logger   *slog.Logger
}

// Server routes the HTTP API. It serves health and metrics itself; everything else (search,
// feeds, alerts, entities, the UI, WebSub) is mounted by the part that owns it through
// Handle, so *Server is an httpapi.Router.
type Server struct {
	mux      *http.ServeMux
	opts     Options
	logger   *slog.Logger
	started  time.Time
	starting atomic.Bool // between Starting and Mounted: parts are still mounting routes
}

// New builds the server's routes.
func New(opts Options) *Server {
	s := &Server{mux: http.NewServeMux(), opts: opts, logger: opts.Logger, started: time.Now()}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Registry != nil {
		// The series name every feed and reveal the pipeline's state: with a token set,
		// Prometheus scrapes with it (authorization: credentials in its scrape config).
		metrics := promhttp.HandlerFor(redactingGatherer{opts.Registry}, promhttp.HandlerOpts{Registry: opts.Registry})
		s.mux.Handle("GET /metrics", httpapi.RequireToken(opts.Token, metrics))
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
		h = httpapi.RequireToken(s.opts.Token, h)
	}
	s.mux.Handle(pattern, h)
}

// Starting says the server listens before every part has mounted its routes (health and
// readiness answer at once while the knowledge base loads). Until Mounted, a request for a
// route not mounted yet gets 503 with Retry-After, not a 404 that would tell a client the
// route does not exist.
func (s *Server) Starting() { s.starting.Store(true) }

// Mounted says every part has mounted its routes: unknown routes are 404 again.
func (s *Server) Mounted() { s.starting.Store(false) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if s.starting.Load() {
		if _, pattern := s.mux.Handler(r); pattern == "" {
			w.Header().Set("Retry-After", "2")
			httpapi.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "starting: the knowledge base and the stages are still loading; retry shortly"})
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_s": int(time.Since(s.started).Seconds())})
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
	httpapi.WriteJSON(w, status, res)
}
