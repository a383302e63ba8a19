package alert

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	json "github.com/goccy/go-json"

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
	bySearch map[string]*alertRing
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
		bySearch: map[string]*alertRing{},
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

// applyRecord is the follower's callback for the alerts topic. Every instance reads every
// alert record, so the record is decoded with the project's JSON codec (see
// DEPENDENCIES.md), which reads what encoding/json reads (FuzzAlertRecord).
func (h *history) applyRecord(m bus.Record) {
	a, err := unmarshalAlert(m.Value)
	if err != nil {
		h.logger.Error("skipping unreadable alert record", "partition", m.Partition, "offset", m.Offset, "err", err)
		return
	}
	h.record(a)
}

// unmarshalAlert reads an alert record of the alerts topic (encodeAlertRecord, or
// json.Marshal of an Alert as earlier versions wrote it). A record without an ID is an
// error.
func unmarshalAlert(b []byte) (Alert, error) {
	var a Alert
	if err := json.Unmarshal(b, &a); err != nil {
		return Alert{}, err
	}
	if a.ID == "" {
		return Alert{}, errors.New("missing id")
	}
	return a, nil
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
	ring := h.bySearch[a.SearchID]
	if ring == nil {
		ring = &alertRing{}
		h.bySearch[a.SearchID] = ring
	}
	ring.add(a, h.keep)
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
	return h.bySearch[search].newest(limit)
}

// alertRing holds the last alerts of one search, at most the keep given to add: a search
// that alerts on every article costs one copy of an alert per alert, not one of the
// whole list.
type alertRing struct {
	buf  []Alert
	next int // where the next alert goes once buf is full
}

func (r *alertRing) add(a Alert, keep int) {
	if len(r.buf) < keep {
		r.buf = append(r.buf, a)
		return
	}
	r.buf[r.next] = a
	r.next = (r.next + 1) % len(r.buf)
}

// newest returns up to limit alerts, newest first; r may be nil.
func (r *alertRing) newest(limit int) []Alert {
	if r == nil {
		return []Alert{}
	}
	n := min(limit, len(r.buf))
	out := make([]Alert, 0, max(n, 0))
	for i := range n {
		// The newest is just before next (buf's end while it is not full, next being 0).
		out = append(out, r.buf[(r.next-1-i+2*len(r.buf))%len(r.buf)])
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
