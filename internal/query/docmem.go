package query

import "sync"

// docMem is the memory a Doc's title and body fields are made in: their words, term
// numbers, terms and positions, and their terms sorted for wildcards. The alert stage and the process stage's topic rules each
// make a Doc for every article, a thousand a second, and let it go once matched; those
// fields were most of what matching allocated (the query package's share of the bytes
// allocated in bench run B was about a sixth). A Doc that is released (Doc.Release) hands
// its docMem back for the next, whose fields are then made in the same arrays.
//
// Each slab hands out consecutive pieces (take). A slab too small for a piece is replaced
// by a larger one: the pieces handed out before keep the old array, which the collector
// frees with the Doc, and the next Doc starts on the larger slab. A nil *docMem allocates
// every piece on its own, as a Doc that is never released does.
type docMem struct {
	words  []wordAt
	int32s []int32
	strs   []string
	cached []cachedTerm
	ints   []int
	keyed  []keyedTerm
	maps   []Positions // the positions maps made so far; the first used of them are in use
	used   int
}

// maxDocMem bounds the elements of each slab a released docMem may keep: an article of
// tens of thousands of words should not leave slabs of its size in the pool.
const maxDocMem = 1 << 16

var docMems = sync.Pool{New: func() any { return &docMem{} }}

// take returns n zeroed elements of *slab, after those already handed out.
func take[T any](slab *[]T, n int) []T {
	s := *slab
	if cap(s)-len(s) < n {
		s = make([]T, 0, max(2*cap(s), n, 256))
	}
	out := s[len(s) : len(s)+n : len(s)+n]
	*slab = s[:len(s)+n]
	clear(out)
	return out
}

func (m *docMem) wordAts(n int) []wordAt {
	if m == nil {
		return make([]wordAt, n)
	}
	return take(&m.words, n)
}

func (m *docMem) int32sOf(n int) []int32 {
	if m == nil {
		return make([]int32, n)
	}
	return take(&m.int32s, n)
}

func (m *docMem) stringsOf(n int) []string {
	if m == nil {
		return make([]string, n)
	}
	return take(&m.strs, n)
}

func (m *docMem) cachedTerms(n int) []cachedTerm {
	if m == nil {
		return make([]cachedTerm, n)
	}
	return take(&m.cached, n)
}

func (m *docMem) intsOf(n int) []int {
	if m == nil {
		return make([]int, n)
	}
	return take(&m.ints, n)
}

func (m *docMem) keyedTerms(n int) []keyedTerm {
	if m == nil {
		return make([]keyedTerm, n)
	}
	return take(&m.keyed, n)
}

// positions returns an empty positions map for about n terms.
func (m *docMem) positions(n int) Positions {
	if m == nil {
		return make(Positions, n)
	}
	if m.used == len(m.maps) {
		m.maps = append(m.maps, make(Positions, n))
	}
	p := m.maps[m.used]
	m.used++
	return p
}

// release empties m and puts it back in the pool, unless it grew past maxDocMem.
func (m *docMem) release() {
	if m != nil && m.reset() {
		docMems.Put(m)
	}
}

// reset empties m for the next Doc and reports whether it is small enough to keep. What
// refers to the article's text (terms, the maps' keys) is cleared, so a kept docMem does
// not keep old articles alive.
func (m *docMem) reset() bool {
	if max(cap(m.words), cap(m.int32s), cap(m.strs), cap(m.cached), cap(m.ints), cap(m.keyed)) > maxDocMem {
		return false
	}
	for i, p := range m.maps[:m.used] {
		if len(p) > maxNumbered {
			m.maps[i] = make(Positions) // clearing a map costs its size, every time
			continue
		}
		clear(p)
	}
	clear(m.strs)
	clear(m.cached)
	clear(m.keyed)
	m.words, m.int32s, m.strs, m.cached, m.ints, m.keyed = m.words[:0], m.int32s[:0], m.strs[:0], m.cached[:0], m.ints[:0], m.keyed[:0]
	m.used = 0
	return true
}
