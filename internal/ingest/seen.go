package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// idKey is an article ID in its 16 raw bytes: a feed's seen list is kept in memory for
// every feed, so at 10,000 feeds the difference from hex strings is tens of megabytes.
type idKey [16]byte

func keyOf(id string) idKey {
	var k idKey
	if len(id) == 32 {
		if _, err := hex.Decode(k[:], []byte(id)); err == nil {
			return k
		}
	}
	sum := sha256.Sum256([]byte(id))
	copy(k[:], sum[:16])
	return k
}

func (k idKey) String() string { return hex.EncodeToString(k[:]) }

func containsKey(list []idKey, k idKey) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

// updateSeen appends the IDs of the current body not yet listed and drops the oldest IDs
// beyond limit, never one the body still carries. It returns seen itself when nothing
// changes (a 304, or a body of items all seen), else a new slice; seen is never modified.
func updateSeen(seen, current []idKey, limit int) []idKey {
	if len(seen) <= limit && !slices.ContainsFunc(current, func(k idKey) bool { return !containsKey(seen, k) }) {
		return seen
	}
	inSeen := make(map[idKey]bool, len(seen))
	for _, k := range seen {
		inSeen[k] = true
	}
	out := make([]idKey, 0, len(seen)+len(current))
	out = append(out, seen...)
	for _, k := range current {
		if !inSeen[k] {
			inSeen[k] = true
			out = append(out, k)
		}
	}
	if len(out) <= limit {
		return out
	}
	keep := make(map[idKey]bool, len(current))
	for _, k := range current {
		keep[k] = true
	}
	drop := len(out) - limit
	trimmed := make([]idKey, 0, limit)
	for _, k := range out {
		if drop > 0 && !keep[k] {
			drop--
			continue
		}
		trimmed = append(trimmed, k)
	}
	return trimmed
}

func encodeSeen(list []idKey) []string {
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = k.String()
	}
	return out
}

// packSeen and unpackSeen are the stored form of a seen list: the raw IDs end to end.
func packSeen(list []idKey) []byte {
	b := make([]byte, 0, len(list)*len(idKey{}))
	for _, k := range list {
		b = append(b, k[:]...)
	}
	return b
}

func unpackSeen(b []byte) []idKey {
	out := make([]idKey, len(b)/len(idKey{}))
	for i := range out {
		copy(out[i][:], b[i*len(idKey{}):])
	}
	return out
}

func decodeSeen(list []string) []idKey {
	out := make([]idKey, len(list))
	for i, s := range list {
		out[i] = keyOf(s)
	}
	return out
}
