package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"wirewatch/internal/config"
	"wirewatch/internal/ingest"
)

// Feeds is the poller as the feed routes use it; *ingest.Poller satisfies it. Both methods
// must be safe to call from any goroutine. AddFeed fetches the address to check it is a
// feed, and returns an error wrapping ingest.ErrFeedExists for a feed already listed.
type Feeds interface {
	AddFeed(ctx context.Context, f config.FeedConfig) error
	Status() []ingest.FeedStatus
}

// maxOPMLUpload bounds an uploaded OPML document; a list of thousands of feeds is far less.
const maxOPMLUpload = 4 << 20

// MountFeeds adds the feed routes, thin handlers over the poller:
//
//	GET  /api/feeds       → 200 {"feeds": [per-feed health]}
//	POST /api/feeds       body {"url", "title"?, "lang"?} → 201 {"feed": {"url", "title", "lang"}};
//	                      400 bad URL, 409 already listed, 422 no feed at that address
//	POST /api/feeds/opml  body an OPML document → 200 {"added", "existing", "failed": [{url, error}]}
func (s *Server) MountFeeds(feeds Feeds) {
	s.Handle("GET /api/feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"feeds": feeds.Status()})
	}))
	s.Handle("POST /api/feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f config.FeedConfig
		dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
		if err := dec.Decode(&struct {
			URL   *string `json:"url"`
			Title *string `json:"title"`
			Lang  *string `json:"lang"`
		}{&f.URL, &f.Title, &f.Lang}); err != nil {
			writeError(w, http.StatusBadRequest, "reading the body: "+err.Error(), nil)
			return
		}
		if msg := config.CheckFeedURL(f.URL); msg != "" {
			writeError(w, http.StatusBadRequest, "url: "+msg, nil)
			return
		}
		if err := feeds.AddFeed(r.Context(), f); err != nil {
			writeError(w, addFeedStatus(err), err.Error(), nil)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"feed": map[string]string{"url": f.URL, "title": f.Title, "lang": f.Lang}})
	}))
	s.Handle("POST /api/feeds/opml", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := ingest.LoadOPML(http.MaxBytesReader(w, r.Body, maxOPMLUpload))
		if err != nil {
			writeError(w, http.StatusBadRequest, "reading OPML: "+err.Error(), nil)
			return
		}
		writeJSON(w, http.StatusOK, addAll(r.Context(), feeds, list))
	}))
}

func addFeedStatus(err error) int {
	switch {
	case errors.Is(err, ingest.ErrFeedExists):
		return http.StatusConflict
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	default: // no feed at that address, the site failed: the analyst has to look at the URL
		return http.StatusUnprocessableEntity
	}
}

type opmlResult struct {
	Added    int          `json:"added"`
	Existing int          `json:"existing"`
	Failed   []feedFailed `json:"failed"`
}

type feedFailed struct {
	URL   string `json:"url"`
	Error string `json:"error"`
}

// addAll adds each feed, a few at a time: AddFeed fetches the address to check it is a
// feed, and a long list one by one would outlast the request.
func addAll(ctx context.Context, feeds Feeds, list []config.FeedConfig) opmlResult {
	res := opmlResult{Failed: []feedFailed{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for _, f := range list {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			err := feeds.AddFeed(ctx, f)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				res.Added++
			case errors.Is(err, ingest.ErrFeedExists):
				res.Existing++
			default:
				res.Failed = append(res.Failed, feedFailed{URL: f.URL, Error: fmt.Sprint(err)})
			}
		}()
	}
	wg.Wait()
	return res
}
