package ingest

import (
	"context"
	"sync"
)

// backlogArticles bounds the fresh articles between poll and commit (parsed, waiting in
// the results channel or in a batch being published): two commits' worth, one being
// published while the next gathers.
const backlogArticles = 2 * commitArticles

// unknownFeedItems is what a poll of a feed whose size is not known yet (new, or empty
// when last read) reserves of the backlog: a generous feed.
const unknownFeedItems = 50

// backlog bounds the articles that polls have parsed and the committer has not yet
// committed. A poll that got a new body reserves its feed's usual item count (the most it
// can bring) before it parses, waiting in line while the backlog is full; once parsed, its
// reservation becomes the number of fresh articles it carries, and the commit gives that
// back. A 304 reserves nothing, and a slow server holds a worker but none of the backlog.
// A burst of new items (a restart after a pause, every feed changing at once) so waits
// as unparsed bodies, at most one per worker, instead of as articles. The bound is
// overshot only by polls that bring more than they reserved, and no poll is held once
// parsed, so a poll never waits on another that waits on it.
//
// Its methods are safe for concurrent use. reserve returns ctx's error if ctx ends first.
type backlog struct {
	mu      sync.Mutex
	limit   int
	held    int
	waiting []*reservation // first come, first served: a large reservation is not starved
}

type reservation struct {
	n     int
	ready chan struct{}
}

func newBacklog(limit int) *backlog { return &backlog{limit: max(limit, 1)} }

// reserve waits until n more articles fit (n is capped at the limit, so that it fits an
// empty backlog) and holds them. It returns the number held.
func (b *backlog) reserve(ctx context.Context, n int) (int, error) {
	n = min(max(n, 0), b.limit)
	b.mu.Lock()
	if len(b.waiting) == 0 && b.held+n <= b.limit {
		b.held += n
		b.mu.Unlock()
		return n, nil
	}
	r := &reservation{n: n, ready: make(chan struct{})}
	b.waiting = append(b.waiting, r)
	b.mu.Unlock()
	select {
	case <-r.ready:
		return n, nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-r.ready: // admitted meanwhile: give it back
		b.held -= n
	default:
		for i, w := range b.waiting {
			if w == r {
				b.waiting = append(b.waiting[:i], b.waiting[i+1:]...)
				break
			}
		}
	}
	b.admitLocked() // r may have been first in line
	return 0, ctx.Err()
}

// add changes what is held by delta without waiting: up when a poll brings more than it
// reserved, down when a poll or a commit gives articles back.
func (b *backlog) add(delta int) {
	if delta == 0 {
		return
	}
	b.mu.Lock()
	b.held += delta
	b.admitLocked()
	b.mu.Unlock()
}

func (b *backlog) admitLocked() {
	for len(b.waiting) > 0 {
		r := b.waiting[0]
		if b.held > 0 && b.held+r.n > b.limit {
			return
		}
		b.held += r.n
		close(r.ready)
		b.waiting = b.waiting[1:]
	}
}
