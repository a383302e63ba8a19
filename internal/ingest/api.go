package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/httpapi"
)

// Limits of the feed routes' request bodies: a feed to add is a URL and two short
// strings; an OPML list of thousands of feeds is far less than 4 MiB.
const (
	maxFeedBody   = 64 << 10
	maxOPMLUpload = 4 << 20
)

// opmlParallelism is how many feeds of an uploaded OPML list are checked at once.
const opmlParallelism = 4

// Routes mounts the poller's HTTP routes, thin handlers over the poller:
//
//	/websub/              hub verification and pushes, authenticated by their HMAC
//	GET  /api/feeds       → 200 {"feeds": [per-feed health, with next_poll and interval_seconds]}
//	POST /api/feeds       body {"url", "title"?, "lang"?, "min_interval"?, "max_interval"?} (durations
//	                      as "10m"; at most 64 KiB) → 201 {"feed": {"url", "title", "lang", ...}};
//	                      400 bad URL, interval or body, 409 already listed, 422 no feed at that address
//	POST /api/feeds/opml  body an OPML document (at most 4 MiB) → 200 {"added", "existing", "failed": [{url, error}]}
//	POST /api/feeds/poll  body {"url"}: poll now → 202 {"feed": {"url", "next_poll"}}; 400 bad body,
//	                      404 not in the list, 409 held by another poller of the group,
//	                      429 asked for less than 10 s ago or the site asked for a pause (Retry-After)
func (p *Poller) Routes(r httpapi.Router) {
	r.Handle("/websub/", p.WebSubHandler())
	r.Handle("GET /api/feeds", http.HandlerFunc(p.serveFeeds))
	r.Handle("POST /api/feeds", http.HandlerFunc(p.serveAddFeed))
	r.Handle("POST /api/feeds/opml", http.HandlerFunc(p.serveAddOPML))
	r.Handle("POST /api/feeds/poll", http.HandlerFunc(p.servePollNow))
}

func (p *Poller) serveFeeds(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"feeds": p.Status()})
}

func (p *Poller) serveAddFeed(w http.ResponseWriter, r *http.Request) {
	var f config.FeedConfig
	var minIv, maxIv string
	err := httpapi.DecodeJSON(r.Body, maxFeedBody, &struct {
		URL         *string `json:"url"`
		Title       *string `json:"title"`
		Lang        *string `json:"lang"`
		MinInterval *string `json:"min_interval"`
		MaxInterval *string `json:"max_interval"`
	}{&f.URL, &f.Title, &f.Lang, &minIv, &maxIv})
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Errorf("reading the body: %w", err))
		return
	}
	if msg := config.CheckFeedURL(f.URL); msg != "" {
		httpapi.WriteError(w, http.StatusBadRequest, errors.New("url: "+msg))
		return
	}
	if f.MinInterval, err = parseInterval("min_interval", minIv); err == nil {
		f.MaxInterval, err = parseInterval("max_interval", maxIv)
	}
	if err == nil {
		err = errors.Join(p.cfg.CheckFeedIntervals(f, "")...)
	}
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if err := p.AddFeed(r.Context(), f); err != nil {
		httpapi.WriteError(w, addFeedStatus(err), err)
		return
	}
	feed := map[string]string{"url": f.URL, "title": f.Title, "lang": f.Lang}
	if f.MinInterval > 0 {
		feed["min_interval"] = f.MinInterval.String()
	}
	if f.MaxInterval > 0 {
		feed["max_interval"] = f.MaxInterval.String()
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"feed": feed})
}

// parseInterval reads a duration of the request body ("10m"); "" is unset.
func parseInterval(key, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, &config.FieldError{Key: key, Msg: fmt.Sprintf("%q is not a duration such as 90s, 10m or 1h", s)}
	}
	return d, nil
}

func (p *Poller) servePollNow(w http.ResponseWriter, r *http.Request) {
	var body struct {
		URL string `json:"url"`
	}
	if err := httpapi.DecodeJSON(r.Body, maxFeedBody, &body); err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Errorf("reading the body: %w", err))
		return
	}
	if body.URL == "" {
		httpapi.WriteError(w, http.StatusBadRequest, errors.New("url: missing"))
		return
	}
	due, err := p.RequestPoll(body.URL)
	var soon *TooSoonError
	switch {
	case errors.As(err, &soon):
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(soon.RetryAfter.Seconds()))))
		httpapi.WriteError(w, http.StatusTooManyRequests, err)
	case errors.Is(err, ErrNotHeld):
		httpapi.WriteError(w, http.StatusConflict, err)
	case errors.Is(err, ErrUnknownFeed):
		httpapi.WriteError(w, http.StatusNotFound, err)
	case err != nil:
		httpapi.WriteError(w, http.StatusInternalServerError, err)
	default:
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]any{"feed": map[string]any{"url": body.URL, "next_poll": due}})
	}
}

func (p *Poller) serveAddOPML(w http.ResponseWriter, r *http.Request) {
	list, err := LoadOPML(http.MaxBytesReader(w, r.Body, maxOPMLUpload))
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Errorf("reading OPML: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, p.addAll(r.Context(), list))
}

func addFeedStatus(err error) int {
	switch {
	case errors.Is(err, ErrFeedExists):
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
func (p *Poller) addAll(ctx context.Context, list []config.FeedConfig) opmlResult {
	res := opmlResult{Failed: []feedFailed{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, opmlParallelism)
	for _, f := range list {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			err := p.AddFeed(ctx, f)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				res.Added++
			case errors.Is(err, ErrFeedExists):
				res.Existing++
			default:
				res.Failed = append(res.Failed, feedFailed{URL: f.URL, Error: fmt.Sprint(err)})
			}
		}()
	}
	wg.Wait()
	return res
}
