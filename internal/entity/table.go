package entity

import (
	"math/bits"

	"wirewatch/internal/text"
)

// hashTable is a frozen set of 64-bit hashes with a value per key, in two flat arrays:
// open addressing with linear probing, sized to the key count (not to a power of two).
// Built once, it is read-only and safe for concurrent use. It holds no pointers, like the
// maps it replaces, and takes about half their memory: a Go map of 8-byte keys costs 25–35
// bytes per entry, this 8/load + the value's size (the knowledge base's name tables are
// three quarters of a million keys).
//
// The zero value is an empty table. Key 0 marks an empty slot, so a key that hashes to 0 is
// stored as 1: it then shares its entry with 1, a 64-bit collision like any other the
// name tables already accept (see kb).
type hashTable[V any] struct {
	keys []uint64
	vals []V
	n    int
}

// newHashTable returns a table for n keys whose slots are at most load full; the more
// room, the shorter the probe sequences of keys that are not there.
func newHashTable[V any](n int, load float64) hashTable[V] {
	if n == 0 {
		return hashTable[V]{}
	}
	size := int(float64(n)/load) + 1
	return hashTable[V]{keys: make([]uint64, size), vals: make([]V, size)}
}

func tableKey(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// home is h's first slot: the top bits of a multiplicative mix, scaled to the table (FNV's
// low bits mix poorly).
func (t *hashTable[V]) home(h uint64) int {
	hi, _ := bits.Mul64(h*0x9e3779b97f4a7c15, uint64(len(t.keys)))
	return int(hi)
}

// slot returns h's slot: where it is, or the empty slot where it would go.
func (t *hashTable[V]) slot(h uint64) int {
	i := t.home(h)
	for {
		k := t.keys[i]
		if k == h || k == 0 {
			return i
		}
		if i++; i == len(t.keys) {
			i = 0
		}
	}
}

// put sets h's value; the table must have been made for at least as many keys.
func (t *hashTable[V]) put(h uint64, v V) {
	h = tableKey(h)
	i := t.slot(h)
	if t.keys[i] == 0 {
		t.keys[i] = h
		t.n++
	}
	t.vals[i] = v
}

// index returns h's slot, or -1.
func (t *hashTable[V]) index(h uint64) int {
	if len(t.keys) == 0 {
		return -1
	}
	h = tableKey(h)
	if i := t.slot(h); t.keys[i] == h {
		return i
	}
	return -1
}

// get returns h's value and whether h is in the table.
func (t *hashTable[V]) get(h uint64) (V, bool) {
	if i := t.index(h); i >= 0 {
		return t.vals[i], true
	}
	var zero V
	return zero, false
}

// len is the number of keys.
func (t *hashTable[V]) len() int { return t.n }

// aliasTable is a name table: the aliases of a key lie in kb.flat from offs[slot] to
// offs[slot+1], laid out in slot order, so one 4-byte offset per slot locates them.
type aliasTable struct {
	hashTable[struct{}]
	offs []uint32
}

// newAliasTable lays out lists (key -> aliases, in their order) after flat's end.
func newAliasTable(lists map[uint64][]alias, flat []alias) (aliasTable, []alias) {
	t := aliasTable{hashTable: newHashTable[struct{}](len(lists), 0.75)}
	for h := range lists {
		t.put(h, struct{}{})
	}
	t.offs = make([]uint32, len(t.keys)+1)
	for i, h := range t.keys {
		t.offs[i] = uint32(len(flat))
		if h != 0 {
			flat = append(flat, lists[h]...)
		}
	}
	t.offs[len(t.keys)] = uint32(len(flat))
	return t, flat
}

// get returns where h's aliases lie in kb.flat, and whether h has any.
func (t *aliasTable) get(h uint64) (aliasRef, bool) {
	i := t.index(h)
	if i < 0 {
		return aliasRef{}, false
	}
	return aliasRef{t.offs[i], t.offs[i+1] - t.offs[i]}, true
}

// wordSet is a set of folded words keyed by hash: no pointers for the GC to scan. Its len
// is that of the table, zero exactly when the set is empty.
type wordSet []uint64

func newWordSet(words []string) wordSet {
	if len(words) == 0 {
		return nil
	}
	t := newHashTable[struct{}](len(words), 0.6)
	for _, w := range words {
		t.put(text.HashAdd(text.HashInit, w), struct{}{})
	}
	return wordSet(t.keys)
}

// newHashSet is a wordSet of hashes already made (hashTokens of one word is its hash).
func newHashSet(hs []uint64) wordSet {
	if len(hs) == 0 {
		return nil
	}
	t := newHashTable[struct{}](len(hs), 0.6)
	for _, h := range hs {
		t.put(h, struct{}{})
	}
	return wordSet(t.keys)
}

func (w wordSet) has(s string) bool {
	t := hashTable[struct{}]{keys: w}
	return t.index(text.HashAdd(text.HashInit, s)) >= 0
}
