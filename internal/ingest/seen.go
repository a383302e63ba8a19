package ingest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
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

// seenID is what a feed's seen list keeps of an article ID: its first 8 bytes. A list is
// kept in memory for every feed, 100 IDs each by default, so at 10,000 feeds the full 16
// bytes cost 8 MB more of heap and as much of the state file; two IDs of one feed's
// list share 8 bytes with a chance of about 100 in 2^64.
type seenID uint64

func (k idKey) seen() seenID { return seenID(binary.BigEndian.Uint64(k[:8])) }

func seenOf(id string) seenID { return keyOf(id).seen() }

func containsSeen(list []seenID, k seenID) bool { return slices.Contains(list, k) }

// updateSeen appends the IDs of the current body not yet listed and drops the oldest IDs
// beyond limit, never one the body still carries. It returns seen itself when nothing
// changes (a 304, or a body of items all seen), else a new slice; seen is never modified.
func updateSeen(seen, current []seenID, limit int) []seenID {
	if len(seen) <= limit && !slices.ContainsFunc(current, func(k seenID) bool { return !containsSeen(seen, k) }) {
		return seen
	}
	inSeen := make(map[seenID]bool, len(seen))
	for _, k := range seen {
		inSeen[k] = true
	}
	out := make([]seenID, 0, len(seen)+len(current))
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
	keep := make(map[seenID]bool, len(current))
	for _, k := range current {
		keep[k] = true
	}
	drop := len(out) - limit
	trimmed := make([]seenID, 0, limit)
	for _, k := range out {
		if drop > 0 && !keep[k] {
			drop--
			continue
		}
		trimmed = append(trimmed, k)
	}
	return trimmed
}

// encodeSeen and decodeSeen are the seen list in a feed record's JSON (a poller group's
// shared state): 16 hex digits an ID. decodeSeen also reads the full 32-digit IDs
// written before seenID.
func encodeSeen(list []seenID) []string {
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = fmt.Sprintf("%016x", uint64(k))
	}
	return out
}

func decodeSeen(list []string) []seenID {
	out := make([]seenID, len(list))
	for i, s := range list {
		if n, err := strconv.ParseUint(s, 16, 64); len(s) == 16 && err == nil {
			out[i] = seenID(n)
			continue
		}
		out[i] = seenOf(s)
	}
	return out
}

// seenFormat starts a seen list in the state file: 8-byte IDs follow. A list without it
// is of the earlier form, 16-byte IDs end to end, so a multiple of 16 bytes long, never
// 1 more than a multiple of 8.
const seenFormat = 1

// packSeen and unpackSeen are the stored form of a seen list.
func packSeen(list []seenID) []byte {
	b := make([]byte, 1, 1+len(list)*8)
	b[0] = seenFormat
	for _, k := range list {
		b = binary.BigEndian.AppendUint64(b, uint64(k))
	}
	return b
}

// unpackSeen reads either form; ok is false for a value of neither.
func unpackSeen(b []byte) (list []seenID, ok bool) {
	switch {
	case len(b)%8 == 1 && b[0] == seenFormat:
		list = make([]seenID, len(b)/8)
		for i := range list {
			list[i] = seenID(binary.BigEndian.Uint64(b[1+8*i:]))
		}
		return list, true
	case len(b)%len(idKey{}) == 0:
		list = make([]seenID, len(b)/len(idKey{}))
		for i := range list {
			list[i] = idKey(b[i*len(idKey{}):]).seen()
		}
		return list, true
	}
	return nil, false
}
