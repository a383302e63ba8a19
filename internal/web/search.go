package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

const maxPageSize = 200

// parseRequest reads a search from URL parameters: q, sort (relevance|newest), size, after,
// from, to (RFC 3339 or YYYY-MM-DD), facets (1), interval (hour|day|week|month), collapse (1).
func parseRequest(v url.Values) (index.Request, error) {
	req := index.Request{
		Query:    v.Get("q"),
		Sort:     v.Get("sort"),
		After:    v.Get("after"),
		Interval: v.Get("interval"),
		Facets:   isTrue(v.Get("facets")),
		Collapse: isTrue(v.Get("collapse")),
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
	if req.From, err = parseTime(v.Get("from")); err != nil {
		return req, fmt.Errorf("from: %w", err)
	}
	if req.To, err = parseTime(v.Get("to")); err != nil {
		return req, fmt.Errorf("to: %w", err)
	}
	if !req.From.IsZero() && !req.To.IsZero() && req.To.Before(req.From) {
		return req, errors.New("to: is before from")
	}
	return req, nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or RFC 3339)", s)
}

func isTrue(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}

// searchError answers a failed search: a query the analyst mistyped is a 400 that says
// where; anything else is the server's fault.
func (s *Server) searchError(w http.ResponseWriter, err error) {
	var qe *query.Error
	if errors.As(err, &qe) {
		writeError(w, http.StatusBadRequest, qe.Error(), func(e *apiError) {
			pos, col := qe.Pos, qe.Column
			e.Position, e.Column = &pos, &col
		})
		return
	}
	if errors.Is(err, index.ErrBadRequest) {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	s.logger.Error("searching", "err", err)
	writeError(w, http.StatusInternalServerError, "searching the index failed", nil)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseRequest(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	res, err := s.opts.Backend.Search(r.Context(), req)
	if err != nil {
		s.searchError(w, err)
		return
	}
	if res.Hits == nil {
		res.Hits = []index.Hit{}
	}
	writeJSON(w, http.StatusOK, res)
}

// export streams every hit of a search (up to limit, default 10,000, at most 100,000) as
// CSV or NDJSON, paging with search_after so deep result sets cost no more than shallow ones.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	req, err := parseRequest(v)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	format := v.Get("format")
	if format == "" {
		format = "ndjson"
	}
	if format != "csv" && format != "ndjson" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("format: must be csv or ndjson, not %q", format), nil)
		return
	}
	limit := 10000
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100000 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit: must be a whole number from 1 to 100000, not %q", l), nil)
			return
		}
		limit = n
	}
	req.Size, req.Facets, req.Interval, req.After = maxPageSize, false, "", ""
	if req.Sort == "" {
		req.Sort = index.SortNewest
	}
	// The first page is fetched before any byte is written, so a bad query is still a 400.
	res, err := s.opts.Backend.Search(r.Context(), req)
	if err != nil {
		s.searchError(w, err)
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
		if res, err = s.opts.Backend.Search(r.Context(), req); err != nil {
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
