package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wirewatch/internal/expand"
	"wirewatch/internal/httpapi"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// Search is the search API over an index backend.
type Search struct {
	backend index.Backend
	timeout time.Duration
	logger  *slog.Logger
	exp     queryExpander // nil: queries are searched as written
	topics  topicLister   // nil: topic facets carry no labels
}

// NewSearch returns the search API over backend. Each search is cancelled after timeout
// (serve.search_timeout), or as soon as its client goes away.
func NewSearch(backend index.Backend, timeout time.Duration, logger *slog.Logger) *Search {
	return &Search{backend: backend, timeout: timeout, logger: logger}
}

// queryExpander widens a query with the entities its words name (expand.Expander).
type queryExpander interface {
	Query(n query.Node) (query.Node, []expand.Expansion, error)
}

// ExpandWith makes searches also find the articles linked to the entities the query's
// free-text words name, unless a request says expand=false. Call it before serving.
func (s *Search) ExpandWith(x queryExpander) { s.exp = x }

// expandQuery widens req.Query (see ExpandWith) and returns the expansions made. A query
// that does not parse is left for the backend to refuse with its position.
func (s *Search) expandQuery(v url.Values, req *index.Request) []expand.Expansion {
	if s.exp == nil || req.Query == "" || v.Has("expand") && !isTrue(v.Get("expand")) {
		return nil
	}
	n, err := query.Parse(req.Query)
	if err != nil {
		return nil
	}
	n, used, err := s.exp.Query(n)
	if err != nil {
		s.logger.Error("expanding query: searching it as written", "err", err)
		return nil
	}
	if len(used) > 0 {
		req.Query = n.String()
	}
	return used
}

// run runs one search bounded by the server's timeout and the request's context.
func (s *Search) run(r *http.Request, req index.Request) (*index.Result, error) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	res, err := s.backend.Search(ctx, req)
	if err != nil && r.Context().Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: %w", errSearchTimeout{s.timeout}, err)
	}
	return res, err
}

// errSearchTimeout is a search that ran out of serve.search_timeout.
type errSearchTimeout struct{ d time.Duration }

func (e errSearchTimeout) Error() string {
	return fmt.Sprintf("the search took longer than %s (serve.search_timeout); narrow the query or the dates", e.d)
}

// Routes mounts the search routes (see API.md):
//
//	GET /api/search         one page of hits, facets and a histogram
//	GET /api/export         every hit (limit at most 100,000) as CSV or NDJSON
//	GET /api/articles/{id}  one article
func (s *Search) Routes(r httpapi.Router) {
	r.Handle("GET /api/search", http.HandlerFunc(s.search))
	r.Handle("GET /api/export", http.HandlerFunc(s.export))
	r.Handle("GET /api/articles/{id}", http.HandlerFunc(s.getArticle))
}

func (s *Search) getArticle(w http.ResponseWriter, r *http.Request) {
	a, err := s.backend.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, index.ErrNotFound) {
		httpapi.WriteError(w, http.StatusNotFound, errors.New("no article with id "+r.PathValue("id")))
		return
	}
	if err != nil {
		s.logger.Error("getting article", "article_id", r.PathValue("id"), "err", err)
		httpapi.WriteError(w, http.StatusInternalServerError, errors.New("reading the index failed"))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, a)
}

const maxPageSize = 200

// parseRequest reads a search from URL parameters: q, sort (relevance|newest), size, after,
// from, to (RFC 3339 or YYYY-MM-DD), facets (1), interval (hour|day|week|month), collapse (1),
// highlight (false: hits without highlights).
// The search and export handlers also read expand (false: no entity expansion).
func parseRequest(v url.Values) (index.Request, error) {
	req := index.Request{
		Query:    v.Get("q"),
		Sort:     v.Get("sort"),
		After:    v.Get("after"),
		Interval: v.Get("interval"),
		Facets:   isTrue(v.Get("facets")),
		Collapse: isTrue(v.Get("collapse")),
	}
	if h := v.Get("highlight"); h != "" {
		on, err := strconv.ParseBool(h)
		if err != nil {
			return req, fmt.Errorf("highlight: must be true or false, not %q", h)
		}
		req.NoHighlight = !on
	}
	switch req.Sort {
	case "", index.SortRelevance, index.SortNewest:
	default:
		return req, fmt.Errorf("sort: must be relevance or newest, not %q", req.Sort)
	}
	switch req.Interval {
	case "", "hour", "day", "week", "month":
	default:
		return req, fmt.Errorf("interval: must be hour, day, week or month, not %q", req.Interval)
	}
	if s := v.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return req, fmt.Errorf("size: must be a whole number from 1 to %d, not %q", maxPageSize, s)
		}
		req.Size = n
	}
	var err error
	now := time.Now()
	if req.From, err = parseTime(v.Get("from"), now, false); err != nil {
		return req, fmt.Errorf("from: %w", err)
	}
	if req.To, err = parseTime(v.Get("to"), now, true); err != nil {
		return req, fmt.Errorf("to: %w", err)
	}
	if !req.From.IsZero() && !req.To.IsZero() && req.To.Before(req.From) {
		return req, errors.New("to: is before from")
	}
	return req, nil
}

// parseTime reads a from or to parameter. A date the index cannot store (before 1678 or
// after 2261, see query.DateBounds) is refused rather than overflowing in the backend.
// A relative date (now-7d, now-1M/M) is evaluated at now, as in the query language; a
// rounded one given as to (end) means the end of its unit, as in Kibana: to=now/d is
// midnight tonight. (A plain date as to stays the start of that day.)
func parseTime(s string, now time.Time, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if query.IsRelativeDate(s) {
		t, err := query.ParseDate(s, now, end)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a relative date (now, now-7d, now-1M/M; units y M w d h m s): %s", s, err.(*query.Error).Msg)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		lo, hi := query.DateBounds()
		if t.Before(lo) || !t.Before(hi.AddDate(0, 0, 1)) {
			return time.Time{}, fmt.Errorf("%s is outside the dates the index holds (%s to %s)", s, lo.Format("2006-01-02"), hi.Format("2006-01-02"))
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD, RFC 3339 or now-7d)", s)
}

func isTrue(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}

// searchError answers a failed search: a query the analyst mistyped is a 400 that says
// where; anything else is the server's fault.
func (s *Search) searchError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		s.logger.Debug("search abandoned: the client went away", "err", err)
		return
	}
	if te, ok := errors.AsType[errSearchTimeout](err); ok {
		s.logger.Warn("search timed out", "q", r.URL.Query().Get("q"), "timeout", te.d)
		w.Header().Set("Retry-After", "5")
		httpapi.WriteError(w, http.StatusServiceUnavailable, te)
		return
	}
	if qe, ok := errors.AsType[*query.Error](err); ok {
		httpapi.WriteError(w, http.StatusBadRequest, qe)
		return
	}
	if errors.Is(err, index.ErrBadRequest) {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	s.logger.Error("searching", "err", err)
	httpapi.WriteError(w, http.StatusInternalServerError, errors.New("searching the index failed"))
}

func (s *Search) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseRequest(r.URL.Query())
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	switch f := r.URL.Query().Get("fields"); f {
	case "", "all":
	case "id":
		req.IDsOnly = true
	default:
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Errorf("fields: must be id or all, not %q", f))
		return
	}
	expanded := s.expandQuery(r.URL.Query(), &req)
	res, err := s.run(r, req)
	if err != nil {
		s.searchError(w, r, err)
		return
	}
	if res.Hits == nil {
		res.Hits = []index.Hit{}
	}
	s.labelTopics(r, res.Facets)
	if req.IDsOnly {
		ids := make([]idHit, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = idHit{ID: h.ID, Score: h.Score, Copies: h.Copies}
		}
		httpapi.WriteJSON(w, http.StatusOK, idsResponse{searchResponse{res, expanded}, ids})
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, searchResponse{res, expanded})
}

// searchResponse is a page of results and the entities the query was widened with.
type searchResponse struct {
	*index.Result
	Expanded []expand.Expansion `json:"expanded,omitempty"`
}

// idsResponse is a page of results asked with fields=id: each hit is its ID and score.
type idsResponse struct {
	searchResponse
	Hits []idHit `json:"hits"` // shadows index.Result's
}

type idHit struct {
	ID     string  `json:"id"`
	Score  float64 `json:"score"`
	Copies int     `json:"copies,omitempty"`
}

// export streams every hit of a search (up to limit, default 10,000, at most 100,000) as
// CSV or NDJSON, paging with search_after so deep result sets cost no more than shallow ones.
func (s *Search) export(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	req, err := parseRequest(v)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	format := v.Get("format")
	if format == "" {
		format = "ndjson"
	}
	if format != "csv" && format != "ndjson" {
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Errorf("format: must be csv or ndjson, not %q", format))
		return
	}
	limit := 10000
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100000 {
			httpapi.WriteError(w, http.StatusBadRequest, fmt.Errorf("limit: must be a whole number from 1 to 100000, not %q", l))
			return
		}
		limit = n
	}
	req.Size, req.Facets, req.Interval, req.After = maxPageSize, false, "", ""
	if format == "csv" {
		req.NoHighlight = true // no column holds them
	}
	s.expandQuery(v, &req)
	if req.Sort == "" {
		req.Sort = index.SortNewest
	}
	// The first page is fetched before any byte is written, so a bad query is still a 400.
	res, err := s.run(r, req)
	if err != nil {
		s.searchError(w, r, err)
		return
	}
	var emit func(index.Hit) error
	var flush func() error
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="wirewatch-export.csv"`)
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "published", "lang", "source", "title", "url", "topics", "entities", "story_id"})
		emit = func(h index.Hit) error {
			ents := make([]string, len(h.Entities))
			for i, e := range h.Entities {
				ents[i] = e.Name
			}
			return cw.Write([]string{h.ID, h.Published.UTC().Format(time.RFC3339), h.Lang, csvSafe(h.Source),
				csvSafe(h.Title), csvSafe(h.URL), strings.Join(h.Topics, ";"), csvSafe(strings.Join(ents, ";")), h.StoryID})
		}
		flush = func() error { cw.Flush(); return cw.Error() }
	default:
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Content-Disposition", `attachment; filename="wirewatch-export.ndjson"`)
		enc := json.NewEncoder(w)
		emit = func(h index.Hit) error { return enc.Encode(h) }
		flush = func() error { return nil }
	}
	n := 0
	for {
		for _, h := range res.Hits {
			if n == limit {
				break
			}
			if err := emit(h); err != nil {
				return // the client went away
			}
			n++
		}
		if n == limit || res.Next == "" || len(res.Hits) == 0 {
			break
		}
		req.After = res.Next
		if res, err = s.run(r, req); err != nil {
			s.logger.Error("exporting: searching the next page", "exported", n, "err", err)
			break
		}
	}
	_ = flush()
}

// csvSafe keeps a spreadsheet from reading feed text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
