package alert

import "sync"

// candidateIndex maps the terms a query requires to the searches that require them, the
// idea of Lucene's Monitor and Elasticsearch's percolator turned around: instead of
// running every saved search on every article, look up the article's own terms and run
// only the searches one of whose anchor terms it contains. A search whose query has no
// anchor (a pure negation, a wildcard at the root) is always run.
//
// It is not safe for concurrent use on its own; searches guards it.
type candidateIndex struct {
	text   map[string][]*compiled // analysed text term → searches anchored on it
	kw     map[string][]*compiled // normalised keyword value → searches
	always map[string]*compiled
	slots  int
	free   []int
	marks  sync.Pool // *markSet, to visit each search once per article
}

// markSet remembers which slots one lookup has visited; bumping epoch clears it.
type markSet struct {
	epoch uint32
	seen  []uint32
}

func newCandidateIndex() *candidateIndex {
	return &candidateIndex{text: map[string][]*compiled{}, kw: map[string][]*compiled{}, always: map[string]*compiled{}}
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
	if c.anchors.always {
		ix.always[c.s.ID] = c
		return
	}
	for _, k := range c.anchors.keys {
		m, term := ix.mapOf(k)
		m[term] = append(m[term], c)
	}
}

// remove unindexes c; release also frees its slot (false when a new version takes it).
func (ix *candidateIndex) remove(c *compiled, release bool) {
	delete(ix.always, c.s.ID)
	for _, k := range c.anchors.keys {
		m, term := ix.mapOf(k)
		list := m[term]
		for i, x := range list {
			if x == c {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(m, term)
		} else {
			m[term] = list
		}
	}
	if release {
		ix.free = append(ix.free, c.slot)
	}
}

func (ix *candidateIndex) mapOf(key string) (map[string][]*compiled, string) {
	if key[0] == 'k' {
		return ix.kw, key[2:]
	}
	return ix.text, key[2:]
}

// candidates calls f once for each search that may match a document with these text
// terms and keyword values (in any order, repeats allowed).
func (ix *candidateIndex) candidates(text, kw []string, f func(*compiled)) {
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
	visit := func(m map[string][]*compiled, terms []string) {
		for _, t := range terms {
			for _, c := range m[t] {
				if ms.seen[c.slot] != ms.epoch {
					ms.seen[c.slot] = ms.epoch
					f(c)
				}
			}
		}
	}
	visit(ix.text, text)
	visit(ix.kw, kw)
}
