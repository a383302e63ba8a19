package entity

import (
	"math/rand/v2"
	"testing"
)

func TestHashTableFindsWhatWasPutAndNothingElse(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	want := map[uint64]uint8{0: 7, 1: 9} // 0 is stored as 1: they share an entry
	for len(want) < 5000 {
		want[r.Uint64()] = uint8(r.Uint32())
	}
	want[0] = want[1]
	tab := newHashTable[uint8](len(want), 0.75)
	for h, v := range want {
		tab.put(h, v)
	}
	if tab.len() != len(want)-1 {
		t.Errorf("len %d, want %d", tab.len(), len(want)-1)
	}
	for h, v := range want {
		if got, ok := tab.get(h); !ok || got != v {
			t.Fatalf("get(%x) = %d, %v; want %d", h, got, ok, v)
		}
	}
	for range 5000 {
		h := r.Uint64()
		if _, in := want[h]; in {
			continue
		}
		if _, ok := tab.get(h); ok {
			t.Fatalf("get(%x) found a key never put", h)
		}
	}
	var empty hashTable[uint8]
	if _, ok := empty.get(42); ok || empty.len() != 0 {
		t.Error("the zero table is not empty")
	}
}

func TestAliasTableKeepsEachListInOrder(t *testing.T) {
	lists := map[uint64][]alias{}
	for h := uint64(1); h <= 300; h++ {
		for i := range int(h % 4) {
			lists[h*0x9e3779b97f4a7c15] = append(lists[h*0x9e3779b97f4a7c15], alias{Ent: int32(h)*10 + int32(i)})
		}
	}
	pre := []alias{{Ent: -1}}
	tab, flat := newAliasTable(lists, pre)
	for h, list := range lists {
		ref, ok := tab.get(h)
		if !ok && len(list) > 0 {
			t.Fatalf("key %x missing", h)
		}
		got := flat[ref.off : ref.off+ref.n]
		if len(got) != len(list) {
			t.Fatalf("key %x: %v, want %v", h, got, list)
		}
		for i := range list {
			if got[i] != list[i] {
				t.Fatalf("key %x: %v, want %v", h, got, list)
			}
		}
	}
	if flat[0].Ent != -1 {
		t.Error("the table overwrote what flat held before it")
	}
}

func TestWordSet(t *testing.T) {
	s := newWordSet([]string{"the", "of", "and"})
	for _, w := range []string{"the", "of", "and"} {
		if !s.has(w) {
			t.Errorf("has(%q) = false", w)
		}
	}
	if s.has("corridor") || s.has("") {
		t.Error("has a word never added")
	}
	if empty := newWordSet(nil); len(empty) != 0 || empty.has("the") {
		t.Error("an empty set is not empty")
	}
}
