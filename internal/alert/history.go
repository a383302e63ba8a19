package alert

import (
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"wirewatch/internal/bus"
)

// history is every instance's view of the alerts topic: which (search, story) pairs have
// alerted (so a story alerts once per search, across restarts), the recent matches of
// each search (API, Atom), and the live feed of the event stream. It is safe for
// concurrent use.
type history struct {
	mu       sync.RWMutex
	keep     int
	claimed  map[string]bool // alert IDs written by anyone, or about to be written here
	recorded map[string]bool // alert IDs seen on the topic
	// near holds, per search, the signatures of the articles it alerted on. Two processors
	// that enrich two copies of one story in the same second, before either heard of the
	// other, give them two story IDs; the second copy is still no news to the search.
	near     map[string]*nearCopies
	bySearch map[string][]Alert
	recent   []Alert // every search, for replaying the event stream after Last-Event-ID
	subs     map[chan Alert]struct{}
	logger   *slog.Logger
}

func newHistory(keep int, logger *slog.Logger) *history {
	return &history{
		keep:     keep,
		claimed:  map[string]bool{},
		recorded: map[string]bool{},
		near:     map[string]*nearCopies{},
		bySearch: map[string][]Alert{},
		subs:     map[chan Alert]struct{}{},
		logger:   logger,
	}
}

// Near copies: the window, count and distance within which an article is a copy of one a
// search alerted on (the enrichment stage's default story window, and one bit wider than
// its story_max_distance: what two processors split is a pair the story index missed).
const (
	nearWindow  = 72 * time.Hour
	nearMax     = 2000 // per search; the oldest are forgotten first
	nearMaxDist = 7    // the widest the band index allows: a copy under its own headline can be 7 bits off
)

// claim reports whether al is news to its search, and marks it taken: not when its ID (the
// search and the story) was claimed before, nor when its article is a near copy of one the
// search alerted on (isCopy).
func (h *history) claim(al Alert) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.claimed[al.ID] || h.isCopy(al) {
		return false
	}
	h.claimed[al.ID] = true
	return true
}

// isCopy remembers al's article among its search's alerted articles and reports whether it
// is a near copy of an earlier one. A redelivered article answers as it did the first time:
// the index knows its ID. Called with h.mu held.
func (h *history) isCopy(al Alert) bool {
	if al.Signature == 0 || al.Article.ID == "" {
		return false
	}
	n := h.near[al.SearchID]
	if n == nil {
		n = &nearCopies{}
		h.near[al.SearchID] = n
	}
	return n.assign(al.Article.ID, uint64(al.Signature), al.MatchedAt) != al.Article.ID
}

// unclaim releases ids whose write failed, so the retry may claim them again.
func (h *history) unclaim(ids []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		if !h.recorded[id] {
			delete(h.claimed, id)
		}
	}
}

// applyRecord is the follower's callback for the alerts topic.
func (h *history) applyRecord(m bus.Record) {
	var a Alert
	if err := json.Unmarshal(m.Value, &a); err != nil || a.ID == "" {
		h.logger.Error("skipping unreadable alert record", "partition", m.Partition, "offset", m.Offset, "err", err)
		return
	}
	h.record(a)
}

func (h *history) record(a Alert) {
	h.mu.Lock()
	if h.recorded[a.ID] {
		// A second copy, written by a matcher that crashed before committing: the
		// alert already counts.
		h.mu.Unlock()
		return
	}
	h.recorded[a.ID] = true
	h.claimed[a.ID] = true
	h.isCopy(a) // what this instance, or one before a restart, alerted on
	list := append(h.bySearch[a.SearchID], a)
	if len(list) > h.keep {
		list = append([]Alert(nil), list[len(list)-h.keep:]...)
	}
	h.bySearch[a.SearchID] = list
	h.recent = append(h.recent, a)
	if max := 4 * h.keep; len(h.recent) > 2*max {
		h.recent = append([]Alert(nil), h.recent[len(h.recent)-max:]...)
	}
	subs := make([]chan Alert, 0, len(h.subs))
	for c := range h.subs {
		subs = append(subs, c)
	}
	h.mu.Unlock()
	for _, c := range subs {
		select {
		case c <- a:
		default:
			// A subscriber that cannot keep up misses live alerts; it can reconnect
			// with Last-Event-ID to replay them.
		}
	}
}

// matches returns up to limit recent alerts of search, newest first.
func (h *history) matches(search string, limit int) []Alert {
	h.mu.RLock()
	defer h.mu.RUnlock()
	list := h.bySearch[search]
	out := make([]Alert, 0, min(limit, len(list)))
	for i := len(list) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, list[i])
	}
	return out
}

func (h *history) forget(search string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.bySearch, search)
}

// subscribe returns the alerts recorded after lastID (all kept ones if lastID is unknown
// and not empty, none if it is empty) and a channel of the ones to come. cancel must be
// called to unsubscribe.
func (h *history) subscribe(lastID string) (backlog []Alert, live <-chan Alert, cancel func()) {
	c := make(chan Alert, 256)
	h.mu.Lock()
	defer h.mu.Unlock()
	if lastID != "" {
		start := 0
		for i := len(h.recent) - 1; i >= 0; i-- {
			if h.recent[i].ID == lastID {
				start = i + 1
				break
			}
		}
		backlog = append(backlog, h.recent[start:]...)
	}
	h.subs[c] = struct{}{}
	return backlog, c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, c)
	}
}
