package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"wirewatch/internal/bus"
)

// searches is this instance's view of the saved-search topic, with each search compiled
// for matching and indexed by the terms an article must contain to match it.
// It is safe for concurrent use.
type searches struct {
	mu      sync.RWMutex
	byID    map[string]*compiled
	deleted map[string]time.Time // tombstoned IDs, so a late older record does not revive them
	index   *candidateIndex
	compile func(SavedSearch) (*compiled, error)
	logger  *slog.Logger
	onCount func(int)
}

func newSearches(compile func(SavedSearch) (*compiled, error), logger *slog.Logger, onCount func(int)) *searches {
	return &searches{
		byID:    map[string]*compiled{},
		deleted: map[string]time.Time{},
		index:   newCandidateIndex(),
		compile: compile,
		logger:  logger,
		onCount: onCount,
	}
}

// put installs s unless a newer version of it is already known.
func (ss *searches) put(s SavedSearch) error {
	c, err := ss.compile(s)
	if err != nil {
		return err
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if old, ok := ss.byID[s.ID]; ok {
		if old.s.Updated.After(s.Updated) {
			return nil
		}
		ss.index.remove(old, false)
		c.slot = old.slot
	} else if at, gone := ss.deleted[s.ID]; gone && !s.Updated.After(at) {
		return nil
	}
	delete(ss.deleted, s.ID)
	ss.byID[s.ID] = c
	ss.index.add(c)
	ss.onCount(len(ss.byID))
	return nil
}

func (ss *searches) remove(id string, at time.Time) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if old, ok := ss.byID[id]; ok {
		ss.index.remove(old, true)
		delete(ss.byID, id)
	}
	ss.deleted[id] = at
	ss.onCount(len(ss.byID))
}

func (ss *searches) get(id string) (SavedSearch, bool) {
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	c, ok := ss.byID[id]
	if !ok {
		return SavedSearch{}, false
	}
	return c.s, true
}

// list returns every search, oldest first.
func (ss *searches) list() []SavedSearch {
	ss.mu.RLock()
	out := make([]SavedSearch, 0, len(ss.byID))
	for _, c := range ss.byID {
		out = append(out, c.s)
	}
	ss.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// applyRecord is the follower's callback for the searches topic. A record that does not
// decode or compile is logged and skipped: it cannot be fixed by retrying, and the other
// searches must keep working.
func (ss *searches) applyRecord(m bus.Record) {
	id := string(m.Key)
	if m.Value == nil {
		ss.remove(id, m.Time)
		return
	}
	var s SavedSearch
	if err := json.Unmarshal(m.Value, &s); err != nil {
		ss.logger.Error("skipping unreadable saved search record", "search_id", id, "offset", m.Offset, "err", err)
		return
	}
	s.ID = id
	// Lenient on addresses and mail: a record written before alert.allow_private was turned
	// off, or before alert.smtp was removed, still loads, and its deliveries fail when due.
	if err := normalise(&s, checkRules{allowPrivate: true, mail: true}); err != nil {
		ss.logger.Error("skipping invalid saved search record", "search_id", id, "offset", m.Offset, "err", err)
		return
	}
	if err := ss.put(s); err != nil {
		ss.logger.Error("skipping saved search that does not compile", "search_id", id, "err", err)
	}
}

// searchStore writes saved searches to their compacted topic and applies each write
// locally at once, so the instance that took a request answers the next one with it.
type searchStore struct {
	w   *bus.Writer
	set *searches
}

func (st *searchStore) save(ctx context.Context, s SavedSearch) error {
	return st.saveAll(ctx, []SavedSearch{s})
}

// saveAll writes ss in one write and applies them once Kafka acknowledged it.
func (st *searchStore) saveAll(ctx context.Context, ss []SavedSearch) error {
	recs := make([]bus.Record, len(ss))
	for i, s := range ss {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encoding saved search %s: %w", s.ID, err)
		}
		recs[i] = bus.Record{Key: []byte(s.ID), Value: b}
	}
	if err := st.w.Write(ctx, recs...); err != nil {
		if len(ss) == 1 {
			return fmt.Errorf("writing saved search %s: %w", ss[0].ID, err)
		}
		return fmt.Errorf("writing %d saved searches: %w", len(ss), err)
	}
	for _, s := range ss {
		if err := st.set.put(s); err != nil {
			return err
		}
	}
	return nil
}

func (st *searchStore) delete(ctx context.Context, id string) error {
	if err := st.w.Write(ctx, bus.Record{Key: []byte(id), Value: nil}); err != nil {
		return fmt.Errorf("deleting saved search %s: %w", id, err)
	}
	st.set.remove(id, time.Now())
	return nil
}
