package alert

import (
	"sync"

	"wirewatch/internal/query"
)

// candidateIndex maps the terms a query requires to the searches that require them, the
// idea of Lucene's Monitor and Elasticsearch's percolator turned around: instead of
// running every saved search on every article, look up the article's own terms and run
// only the searches one of whose anchor terms it contains. A search whose query has no
// anchor (a pure negation, a wildcard at the root) is always run.
//
// It is not safe for concurrent use on its own; searches guards it.
type candidateIndex struct {
	// Keys of query.Matcher.Required → the searches anchored on them: text keys by their
	// bare token (query.TextTerm), keyword keys as they are.
	byText    map[string][]*compiled
	byKeyword map[string][]*compiled
	always    map[string]*compiled
	// textReaders counts the searches indexed that read the title or body: none, and an
	// article's text need not be analysed.
	textReaders int
	slots       int
	free        []int
	marks       sync.Pool // *markSet, to visit each search once per article
}

// markSet remembers which slots one lookup has visited; bumping epoch clears it.
type markSet struct {
	epoch uint32
	seen  []uint32
}

func newCandidateIndex() *candidateIndex {
	return &candidateIndex{byText: map[string][]*compiled{}, byKeyword: map[string][]*compiled{}, always: map[string]*compiled{}}
}

// add indexes c, giving it a slot (reusing its predecessor's when it replaces one).
func (ix *candidateIndex) add(c *compiled) {
	if c.slot < 0 {
		if n := len(ix.free); n > 0 {
			c.slot, ix.free = ix.free[n-1], ix.free[:n-1]
		} else {
			c.slot = ix.slots
			ix.slots++
		}
	}
	if c.text {
		ix.textReaders++
	}
	if c.always {
		ix.always[c.s.ID] = c
		return
	}
	for _, k := range c.keys {
		m, k := ix.mapOf(k)
		m[k] = append(m[k], c)
	}
}

// remove unindexes c; release also frees its slot (false when a new version takes it).
func (ix *candidateIndex) remove(c *compiled, release bool) {
	if c.text {
		ix.textReaders--
	}
	delete(ix.always, c.s.ID)
	for _, k := range c.keys {
		m, k := ix.mapOf(k)
		list := m[k]
		for i, x := range list {
			if x == c {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(m, k)
		} else {
			m[k] = list
		}
	}
	if release {
		ix.free = append(ix.free, c.slot)
	}
}

// mapOf returns the map that holds key and key as that map holds it.
func (ix *candidateIndex) mapOf(key string) (map[string][]*compiled, string) {
	if t, ok := query.TextTerm(key); ok {
		return ix.byText, t
	}
	return ix.byKeyword, key
}

// candidates calls f once for each search that may match d. It allocates nothing per
// search nor per token of d.
func (ix *candidateIndex) candidates(d *query.Doc, f func(*compiled)) {
	ms, _ := ix.marks.Get().(*markSet)
	if ms == nil {
		ms = &markSet{}
	}
	defer ix.marks.Put(ms)
	if len(ms.seen) < ix.slots {
		ms.seen = make([]uint32, ix.slots+ix.slots/4+16)
		ms.epoch = 0
	}
	ms.epoch++
	if ms.epoch == 0 { // wrapped: clear once every 4 billion lookups
		clear(ms.seen)
		ms.epoch = 1
	}
	for _, c := range ix.always {
		f(c)
	}
	visit := func(list []*compiled) {
		for _, c := range list {
			if ms.seen[c.slot] != ms.epoch {
				ms.seen[c.slot] = ms.epoch
				f(c)
			}
		}
	}
	d.EachKey(func(t string) { visit(ix.byText[t]) }, func(k string) { visit(ix.byKeyword[k]) })
}
