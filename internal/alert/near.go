package alert

import (
	"hash/maphash"
	"math/bits"
	"time"
)

// nearCopies is one search's memory of the articles it matched, for history.claim's
// near-copy check. It gives the answers story.Index.Assign gives with the same window,
// count and distance (the alert stage never calls Learn), without the index's eight band
// maps: most searches remember a handful of articles, and for them eight map lookups and
// inserts per match cost far more than a scan of the signatures (24 bytes each, at most
// nearMax of them, about 4 µs for a full ring). An entry is reached only if it shares
// one of the eight 8-bit bands with the signature looked up, as in story.Index.
//
// Where it may answer otherwise: between two remembered copies at the same distance,
// story.Index takes the first in band order and this the first in the ring; the story is
// the same unless an article came back after its own entry was forgotten.
//
// It is not safe for concurrent use; history.mu guards it.
type nearCopies struct {
	keys   []nearKey // a ring once full: next is overwritten first
	ids    []nearID  // beside keys
	next   int
	latest int64 // the latest publication time seen, Unix nanoseconds
}

type nearKey struct {
	sig uint64
	idh uint64 // hash of the article ID: a different hash is a different article
	at  int64
}

type nearID struct{ id, story string }

// nearSeed hashes article IDs for nearKey.idh; equal IDs hash equal within a process.
var nearSeed = maphash.MakeSeed()

// assign returns the story of article id, signature sig, matched at t (its own ID, or the
// first article of the copy it is closest to) and remembers it; an article seen before
// gets the story it got then.
func (n *nearCopies) assign(id string, sig uint64, t time.Time) string {
	at := t.UnixNano()
	n.latest = max(n.latest, at)
	idh := maphash.String(nearSeed, id)
	window := int64(nearWindow)
	story, bestDist := "", 65
	for i := range n.keys {
		k := &n.keys[i]
		d := bits.OnesCount64(k.sig ^ sig)
		if k.idh != idh && (d > nearMaxDist || d >= bestDist) {
			continue
		}
		if !shareBand(k.sig, sig) {
			continue
		}
		if n.ids[i].id == id {
			return n.ids[i].story
		}
		if n.latest-k.at > window || k.at-at > window {
			continue
		}
		if d <= nearMaxDist && d < bestDist {
			story, bestDist = n.ids[i].story, d
		}
	}
	if story == "" {
		story = id
	}
	k, v := nearKey{sig: sig, idh: idh, at: at}, nearID{id: id, story: story}
	if len(n.keys) < nearMax {
		n.keys, n.ids = append(n.keys, k), append(n.ids, v)
	} else {
		n.keys[n.next], n.ids[n.next] = k, v
		n.next = (n.next + 1) % nearMax
	}
	return story
}

// shareBand reports whether a and b are equal in one of their eight bytes (story.Index's
// bands): whether a^b has a zero byte.
func shareBand(a, b uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x := a ^ b
	return (x-lo)&^x&hi != 0
}
