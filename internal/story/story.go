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
// story's first article. It lives in one process's memory: bounded by a time window and a
// count, the oldest entries forgotten first. Two processor instances group independently;
// a copy that lands on another instance starts its own story there.
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

type storyEntry struct {
	sig   uint64
	story string
	id    string
	at    time.Time
	used  bool
}

const nBands = 8

// NewIndex returns an empty index that remembers at most max articles published within
// window of the latest one and joins signatures at most maxDist bits apart (0 to 7).
func NewIndex(window time.Duration, max, maxDist int) *Index {
	s := &Index{window: window, max: max, maxDist: maxDist, ring: make([]storyEntry, 0, min(max, 4096))}
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
				story, bestDist = e.story, d
			}
		}
	}
	if story == "" {
		story = id
	}
	s.insert(storyEntry{sig: sig, story: story, id: id, at: t, used: true}, idh)
	return story
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
