package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wirewatch/internal/httpapi"
	"wirewatch/internal/index"
)

// maxBodyBytes bounds a saved search as the API receives it: room for the largest valid
// search (MaxChannels channels of MaxURLBytes URLs, a MaxQueryBytes query), well under
// what one Kafka record may hold.
const maxBodyBytes = 64 << 10

// backfillTimeout bounds the index search behind GET /api/searches/{id}/backfill, as
// serve.search_timeout's default bounds /api/search.
const backfillTimeout = 10 * time.Second

// Routes mounts the stage's HTTP routes (see API.md). The Atom feeds, outside /api/, ask
// for the feed token themselves (SetFeedToken).
func (s *Stage) Routes(r httpapi.Router) {
	r.Handle("GET /api/searches", http.HandlerFunc(s.listSearches))
	r.Handle("POST /api/searches", http.HandlerFunc(s.createSearch))
	r.Handle("GET /api/searches/{id}", http.HandlerFunc(s.getSearch))
	r.Handle("PUT /api/searches/{id}", http.HandlerFunc(s.updateSearch))
	r.Handle("DELETE /api/searches/{id}", http.HandlerFunc(s.deleteSearch))
	r.Handle("GET /api/searches/{id}/matches", http.HandlerFunc(s.searchMatches))
	r.Handle("GET /api/searches/{id}/backfill", http.HandlerFunc(s.backfill))
	r.Handle("GET /api/alerts/stream", http.HandlerFunc(s.stream))
	r.Handle("GET /api/deliveries", http.HandlerFunc(s.deliveries))
	r.Handle("GET /feeds/searches/{file}", http.HandlerFunc(s.atomFeed))
}

// ready answers 503 until Run has loaded the searches, so no client sees a partial list.
func (s *Stage) readyOr503(w http.ResponseWriter, r *http.Request) bool {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if !s.waitReady(ctx) {
		w.Header().Set("Retry-After", "2")
		httpapi.WriteError(w, http.StatusServiceUnavailable, errors.New("alert stage is starting"))
		return false
	}
	return true
}

// savedSearch answers 503 while the stage starts and 404 for an unknown ID; otherwise it
// returns the search.
func (s *Stage) savedSearch(w http.ResponseWriter, r *http.Request, id string) (SavedSearch, bool) {
	if !s.readyOr503(w, r) {
		return SavedSearch{}, false
	}
	ss, ok := s.set.get(id)
	if !ok {
		httpapi.WriteError(w, http.StatusNotFound, ErrNotFound)
	}
	return ss, ok
}

func (s *Stage) listSearches(w http.ResponseWriter, r *http.Request) {
	if !s.readyOr503(w, r) {
		return
	}
	list := s.set.list()
	out := make([]apiSearch, len(list))
	for i, ss := range list {
		out[i] = public(ss)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"searches": out})
}

func (s *Stage) createSearch(w http.ResponseWriter, r *http.Request) {
	if !s.readyOr503(w, r) {
		return
	}
	ss, err := decodeSearch(r.Body, rulesOf(s.cfg))
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if ss.ID != "" {
		httpapi.WriteError(w, http.StatusBadRequest, &InvalidError{Field: "id", Msg: "is chosen by the server; use PUT /api/searches/{id} to change a search"})
		return
	}
	now := s.now().UTC()
	ss.ID, ss.Created, ss.Updated, ss.Origin = newSearchID(), now, now, ""
	if err := s.store.save(r.Context(), ss); err != nil {
		httpapi.WriteError(w, http.StatusServiceUnavailable, err)
		return
	}
	w.Header().Set("Location", "/api/searches/"+ss.ID)
	httpapi.WriteJSON(w, http.StatusCreated, public(ss))
}

func (s *Stage) getSearch(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.savedSearch(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, public(ss))
}

func (s *Stage) updateSearch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	old, ok := s.savedSearch(w, r, id)
	if !ok {
		return
	}
	ss, err := decodeSearch(r.Body, rulesOf(s.cfg))
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if ss.ID != "" && ss.ID != id {
		httpapi.WriteError(w, http.StatusBadRequest, &InvalidError{Field: "id", Msg: fmt.Sprintf("%q differs from the URL's %q", ss.ID, id)})
		return
	}
	ss.ID, ss.Created, ss.Origin = id, old.Created, old.Origin
	keepSecrets(&ss, old)
	ss.Updated = s.now().UTC()
	if !ss.Updated.After(old.Updated) {
		ss.Updated = old.Updated.Add(time.Millisecond)
	}
	if err := s.store.save(r.Context(), ss); err != nil {
		httpapi.WriteError(w, http.StatusServiceUnavailable, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, public(ss))
}

func (s *Stage) deleteSearch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.savedSearch(w, r, id); !ok {
		return
	}
	if err := s.store.delete(r.Context(), id); err != nil {
		httpapi.WriteError(w, http.StatusServiceUnavailable, err)
		return
	}
	s.hist.forget(id)
	w.WriteHeader(http.StatusNoContent)
}

func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &InvalidError{Field: name, Msg: fmt.Sprintf("%q is not a whole number from %d to %d", v, lo, hi)}
	}
	return n, nil
}

func (s *Stage) searchMatches(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.savedSearch(w, r, id); !ok {
		return
	}
	limit, err := intParam(r, "limit", 50, 1, 10000)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"matches": s.hist.matches(id, limit)})
}

// backfill shows what a search would have matched in the last days, from the index.
func (s *Stage) backfill(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.savedSearch(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	if s.backend == nil {
		httpapi.WriteError(w, http.StatusServiceUnavailable, errors.New("no search index in this process"))
		return
	}
	days, err := intParam(r, "days", 7, 1, 366)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	size, err := intParam(r, "size", 50, 1, 500)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), backfillTimeout)
	defer cancel()
	res, err := s.Backfill(ctx, ss, days, size, r.URL.Query().Get("after"))
	if err != nil {
		status := http.StatusBadGateway
		switch {
		case errors.Is(err, index.ErrBadRequest):
			status = http.StatusBadRequest
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			status = http.StatusServiceUnavailable
			err = fmt.Errorf("backfilling took longer than %s: %w", backfillTimeout, err)
		}
		httpapi.WriteError(w, status, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

// Backfill returns what ss would have matched among the articles published in the last
// days, one hit per story, newest first.
func (s *Stage) Backfill(ctx context.Context, ss SavedSearch, days, size int, after string) (*index.Result, error) {
	res, err := s.backend.Search(ctx, index.Request{
		Query:    ss.Query,
		From:     s.now().Add(-time.Duration(days) * 24 * time.Hour),
		Sort:     index.SortNewest,
		Size:     size,
		After:    after,
		Collapse: true,
	})
	if err != nil {
		return nil, fmt.Errorf("backfilling search %s: %w", ss.ID, err)
	}
	return res, nil
}

func (s *Stage) deliveries(w http.ResponseWriter, r *http.Request) {
	if !s.readyOr503(w, r) {
		return
	}
	limit, err := intParam(r, "limit", 200, 1, 10000)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	list := s.state.list(r.URL.Query().Get("search"))
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"deliveries": list[:min(limit, len(list))]})
}

// stream is the server-sent-events feed of alerts for the UI. A client reconnecting with
// Last-Event-ID first gets what it missed (from the alerts kept in memory).
func (s *Stage) stream(w http.ResponseWriter, r *http.Request) {
	if !s.readyOr503(w, r) {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		httpapi.WriteError(w, http.StatusInternalServerError, errors.New("streaming unsupported by this connection"))
		return
	}
	lastID := r.Header.Get("Last-Event-ID")
	if lastID == "" {
		lastID = r.URL.Query().Get("last_event_id")
	}
	search := r.URL.Query().Get("search")
	backlog, live, cancel := s.hist.subscribe(lastID)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "retry: 3000\n\n")
	send := func(a Alert) bool {
		if search != "" && a.SearchID != search {
			return true
		}
		b, _ := json.Marshal(a)
		_, err := fmt.Fprintf(w, "event: alert\nid: %s\ndata: %s\n\n", a.ID, b)
		return err == nil
	}
	for _, a := range backlog {
		if !send(a) {
			return
		}
	}
	flusher.Flush()
	keepalive := time.NewTicker(25 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case a := <-live:
			if !send(a) {
				return
			}
			flusher.Flush()
		case <-keepalive.C:
			if _, err := io.WriteString(w, ": keepalive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

// atomFeed serves /feeds/searches/{id}.atom, to holders of the feed token. Feed readers
// cannot send headers, so it may come as ?token=.
func (s *Stage) atomFeed(w http.ResponseWriter, r *http.Request) {
	httpapi.RequireToken(s.feedToken, http.HandlerFunc(s.serveAtom)).ServeHTTP(w, r)
}

func (s *Stage) serveAtom(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".atom")
	if !ok {
		httpapi.WriteError(w, http.StatusNotFound, errors.New("feeds are at /feeds/searches/{id}.atom"))
		return
	}
	ss, found := s.savedSearch(w, r, id)
	if !found {
		return
	}
	b, err := renderAtom(ss, s.hist.matches(id, 100), s.cfg.PublicURL)
	if err != nil {
		httpapi.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write(b)
}
