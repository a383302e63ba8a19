package story

import (
	"math/bits"
	"sync"
	"time"

	"wirewatch/internal/text"
)

// Signature is a 64-bit SimHash of a token stream's word 3-shingles: texts that share most
// shingles (a syndicated copy with a new headline, a lightly edited rewrite) get signatures a
// few bits apart. Empty separator tokens ("", between fields) break shingles.
func Signature(toks []string) uint64 {
	// v[b] counts the shingles with bit b set. Counting goes through lanes first: lane j
	// holds, in byte k, the count of bit 8k+j, so one shingle costs eight additions; the
	// byte counters are emptied into v before they can overflow.
	var v [64]int32
	var lanes [8]uint64
	pending := 0
	flush := func() {
		for j, l := range lanes {
			for k := 0; k < 8; k++ {
				v[8*k+j] += int32(l >> (8 * k) & 0xff)
			}
		}
		lanes = [8]uint64{}
		pending = 0
	}
	n := 0
	for i := 0; i+2 < len(toks); i++ {
		if toks[i] == "" || toks[i+1] == "" || toks[i+2] == "" {
			continue
		}
		x := text.HashAdd(text.HashAdd(text.HashAdd(text.HashAdd(text.HashAdd(text.HashInit, toks[i]), "\x00"), toks[i+1]), "\x00"), toks[i+2])
		x ^= x >> 29 // FNV's low bits mix poorly; SimHash needs every bit
		x *= 0xbf58476d1ce4e5b9
		x ^= x >> 32
		for j := range lanes {
			lanes[j] += x >> j & 0x0101010101010101
		}
		if pending++; pending == 255 {
			flush()
		}
		n++
	}
	flush()
	if n == 0 {
		return 0
	}
	var sig uint64
	for b := 0; b < 64; b++ {
		if 2*int(v[b]) > n {
			sig |= 1 << b
		}
	}
	return sig
}

// Index groups articles whose signatures are within maxDist bits under the ID of the
// story's first article. Assign decides for the articles this instance enriches; Learn
// takes in the decisions of other instances, and of this one before a restart, as the
// stories topic carries them (see the package comment). It is bounded by a time window and
// a count, the oldest entries forgotten first.
//
// Lookup uses the pigeonhole principle: two 64-bit signatures within 7 bits agree exactly on
// at least one of eight 8-bit bands, so each band is an exact-match map. (Unrelated texts
// are about 32 bits apart; a syndicated copy with a new headline 2-4, a light rewrite 4-6.)
type Index struct {
	mu      sync.Mutex
	window  time.Duration
	max     int
	maxDist int
	bands   [nBands]map[uint8][]bandRef // band value -> ring slots
	ring    []storyEntry
	next    int
	latest  time.Time
}

// bandRef is a ring slot with copies of what the scan tests first: the signature and a
// hash of the article ID. A band list holds hundreds of slots when the ring is full; the
// scan reads them in a row instead of fetching each ring entry from memory.
type bandRef struct {
	slot int32
	sig  uint64
	idh  uint64
}

// storyEntry is one remembered article. story is the ID it was given, which a redelivery
// of the article gets again; join is the ID a new copy of it joins, the same unless two
// stories turned out to be one (Learn).
type storyEntry struct {
	sig   uint64
	story string
	join  string
	id    string
	at    time.Time
	used  bool
}

const nBands = 8

// NewIndex returns an empty index that remembers at most max articles published within
// window of the latest one and joins signatures at most maxDist bits apart (0 to 7).
func NewIndex(window time.Duration, max, maxDist int) *Index {
	// The ring grows as articles come, so an index that remembers few articles costs
	// little.
	s := &Index{window: window, max: max, maxDist: maxDist}
	for i := range s.bands {
		s.bands[i] = map[uint8][]bandRef{}
	}
	return s
}

// Assign returns the story ID for article id with signature sig published at t, and
// remembers the article. Signature 0 (no text) starts its own story. It is safe for
// concurrent use.
func (s *Index) Assign(id string, sig uint64, t time.Time) string {
	if sig == 0 || id == "" {
		return id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.latest) {
		s.latest = t
	}
	story := ""
	bestDist := 65
	idh := text.HashAdd(text.HashInit, id)
	for b := 0; b < nBands; b++ {
		for _, ref := range s.bands[b][band(sig, b)] {
			// A different ID hash means a different ID, and then only a close enough
			// signature needs the entry itself.
			d := bits.OnesCount64(ref.sig ^ sig)
			if ref.idh != idh && (d > s.maxDist || d >= bestDist) {
				continue
			}
			e := &s.ring[ref.slot]
			if !e.used {
				continue
			}
			if e.id == id {
				return e.story // a redelivery keeps its story
			}
			if s.latest.Sub(e.at) > s.window || e.at.Sub(t) > s.window {
				continue
			}
			if d <= s.maxDist && d < bestDist {
				story, bestDist = e.join, d
			}
		}
	}
	if story == "" {
		story = id
	}
	s.insert(storyEntry{sig: sig, story: story, join: story, id: id, at: t, used: true}, idh)
	return story
}

// Learn remembers that article id, with signature sig published at t, was given story by
// another instance, or by this one before a restart; a copy assigned afterwards joins it.
// An article already known keeps the story it has (the first decision stands).
//
// Two instances that enrich two copies at the same moment, before either learnt of the
// other's, start two stories. When Learn meets such a pair (the record's story is not the
// story of the closest remembered copy), both are one story from then on: new copies join
// the smaller of the two IDs, the same choice on every instance whatever the order in which
// the records arrive. The two articles keep the IDs they were given. It is safe for
// concurrent use.
func (s *Index) Learn(id string, sig uint64, story string, t time.Time) {
	if sig == 0 || id == "" || story == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.latest) {
		s.latest = t
	}
	idh := text.HashAdd(text.HashInit, id)
	closest, bestDist := "", 65
	join := "" // set when a close copy is already in story (or in what story joins)
	for b := 0; b < nBands; b++ {
		for _, ref := range s.bands[b][band(sig, b)] {
			d := bits.OnesCount64(ref.sig ^ sig)
			if ref.idh != idh && d > s.maxDist {
				continue
			}
			e := &s.ring[ref.slot]
			if !e.used {
				continue
			}
			if e.id == id {
				return
			}
			if d > s.maxDist || s.latest.Sub(e.at) > s.window || e.at.Sub(t) > s.window {
				continue
			}
			if e.story == story || e.join == story {
				join = e.join
			}
			if d < bestDist {
				closest, bestDist = e.join, d
			}
		}
	}
	switch {
	case join != "":
	case closest == "":
		join = story
	default:
		join = min(closest, story)
		s.rejoin(closest, join)
		s.rejoin(story, join)
	}
	s.insert(storyEntry{sig: sig, story: story, join: join, id: id, at: t, used: true}, idh)
}

// rejoin makes every remembered copy that new copies join to from join to instead. It
// walks the whole ring, which only a race between instances makes necessary.
func (s *Index) rejoin(from, to string) {
	if from == to {
		return
	}
	for i := range s.ring {
		if e := &s.ring[i]; e.used && e.join == from {
			e.join = to
		}
	}
}

func band(sig uint64, b int) uint8 { return uint8(sig >> (8 * b)) }

func (s *Index) insert(e storyEntry, idh uint64) {
	var slot int
	if len(s.ring) < s.max {
		s.ring = append(s.ring, e)
		slot = len(s.ring) - 1
	} else {
		slot = s.next
		old := s.ring[slot]
		for b := 0; b < nBands; b++ {
			s.removeSlot(b, band(old.sig, b), int32(slot))
		}
		s.ring[slot] = e
		s.next = (s.next + 1) % s.max
	}
	for b := 0; b < nBands; b++ {
		k := band(e.sig, b)
		s.bands[b][k] = append(s.bands[b][k], bandRef{slot: int32(slot), sig: e.sig, idh: idh})
	}
}

func (s *Index) removeSlot(b int, k uint8, slot int32) {
	list := s.bands[b][k]
	for i, x := range list {
		if x.slot == slot {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
			break
		}
	}
	if len(list) == 0 {
		delete(s.bands[b], k)
	} else {
		s.bands[b][k] = list
	}
}
