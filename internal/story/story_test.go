package story

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/text"
)

func TestStoryIndexIsBounded(t *testing.T) {
	s := NewIndex(time.Hour, 100, 6)
	at := time.Now()
	for i := 0; i < 1000; i++ {
		s.Assign(fmt.Sprint(i), uint64(i)*0x9E3779B97F4A7C15+1, at)
	}
	if len(s.ring) != 100 {
		t.Errorf("ring holds %d entries, want 100", len(s.ring))
	}
	n := 0
	for b := range s.bands {
		for _, l := range s.bands[b] {
			n += len(l)
		}
	}
	if n != nBands*100 {
		t.Errorf("band index holds %d slots, want %d x 100", n, nBands)
	}
	if got := s.Assign("x", 1*0x9E3779B97F4A7C15+1, at); got != "x" {
		t.Errorf("an evicted article's signature still matched story %q", got)
	}
}

// TestSimhashCountsEveryBit compares Signature with counting each shingle's bits one by one,
// on streams long enough to empty the byte counters several times.
func TestSimhashCountsEveryBit(t *testing.T) {
	for _, n := range []int{0, 2, 3, 10, 254, 255, 256, 257, 600, 2000} {
		toks := make([]string, n)
		for i := range toks {
			toks[i] = fmt.Sprintf("w%d", (i*7919)%97)
			if i%50 == 49 {
				toks[i] = "" // a field separator
			}
		}
		var v [64]int
		shingles := 0
		for i := 0; i+2 < len(toks); i++ {
			if toks[i] == "" || toks[i+1] == "" || toks[i+2] == "" {
				continue
			}
			x := text.HashAdd(text.HashAdd(text.HashAdd(text.HashAdd(text.HashAdd(text.HashInit, toks[i]), "\x00"), toks[i+1]), "\x00"), toks[i+2])
			x ^= x >> 29
			x *= 0xbf58476d1ce4e5b9
			x ^= x >> 32
			for b := 0; b < 64; b++ {
				v[b] += int(x >> b & 1)
			}
			shingles++
		}
		var want uint64
		for b := 0; b < 64; b++ {
			if shingles > 0 && 2*v[b] > shingles {
				want |= 1 << b
			}
		}
		if got := Signature(toks); got != want {
			t.Errorf("%d tokens: Signature = %016x, want %016x", n, got, want)
		}
	}
}

// TestLearnedStoriesAreJoined: an index that learnt another instance's assignments (or its
// own before a restart) puts a copy in the learnt story, and a redelivery keeps its story.
func TestLearnedStoriesAreJoined(t *testing.T) {
	at := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	const sig = 0x8f3a0c21d4e5b697
	s := NewIndex(time.Hour, 100, 6)
	s.Learn("a1", sig, "a1", at)
	s.Learn("a2", sig^0b11, "a1", at.Add(time.Minute))
	tests := []struct {
		name, id string
		sig      uint64
		at       time.Time
		want     string
	}{
		{"exact copy", "c1", sig, at.Add(time.Minute), "a1"},
		{"near copy", "c2", sig ^ 0b111100, at.Add(time.Minute), "a1"},
		{"redelivery of a learnt article", "a2", sig, at, "a1"},
		{"another story", "d1", ^uint64(sig), at, "d1"},
		{"copy after the window", "e1", sig, at.Add(3 * time.Hour), "e1"},
	}
	for _, tc := range tests {
		if got := s.Assign(tc.id, tc.sig, tc.at); got != tc.want {
			t.Errorf("%s: story %q, want %q", tc.name, got, tc.want)
		}
	}
	s.Learn("c1", sig, "other", at) // an article already known keeps its story
	if got := s.Assign("c1", sig, at); got != "a1" {
		t.Errorf("relearning changed a known article's story to %q", got)
	}
}

// TestRacingStoriesMergeOnTheSmallerID: two instances that started a story each for two
// copies converge on one ID for later copies, whichever record each saw first.
func TestRacingStoriesMergeOnTheSmallerID(t *testing.T) {
	at := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	const sig = 0x8f3a0c21d4e5b697
	a, b := NewIndex(time.Hour, 100, 6), NewIndex(time.Hour, 100, 6)
	if got := a.Assign("y", sig, at); got != "y" {
		t.Fatalf("instance a: %q", got)
	}
	if got := a.Assign("y2", sig^1, at); got != "y" {
		t.Fatalf("instance a, a copy: %q", got)
	}
	if got := b.Assign("x", sig^0b10, at); got != "x" {
		t.Fatalf("instance b: %q", got)
	}
	a.Learn("x", sig^0b10, "x", at)
	b.Learn("y", sig, "y", at)
	b.Learn("y2", sig^1, "y", at)
	for name, s := range map[string]*Index{"a": a, "b": b} {
		if got := s.Assign("z", sig^0b100, at.Add(time.Minute)); got != "x" {
			t.Errorf("instance %s: a later copy joined %q, want the smaller ID x", name, got)
		}
		if got := s.Assign("y", sig, at); got != "y" {
			t.Errorf("instance %s: a redelivery of y got %q, want the story it was given", name, got)
		}
	}
}

func TestAssignmentRoundTrip(t *testing.T) {
	in := Assignment{Signature: 0x00ff00ff00ff00ff, Story: "a1", At: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)}
	b := in.Encode()
	out, err := DecodeAssignment(b)
	if err != nil || out.Signature != in.Signature || out.Story != in.Story || !out.At.Equal(in.At) {
		t.Fatalf("%s decoded to %+v, %v", b, out, err)
	}
	for name, bad := range map[string]string{
		"not JSON":        "{",
		"short signature": `{"sig":"ff","story":"a"}`,
		"not hex":         `{"sig":"zzzzzzzzzzzzzzzz","story":"a"}`,
		"no story":        `{"sig":"00ff00ff00ff00ff"}`,
		"too long":        `{"sig":"00ff00ff00ff00ff","story":"` + strings.Repeat("x", MaxAssignmentBytes) + `"}`,
	} {
		if _, err := DecodeAssignment([]byte(bad)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func FuzzDecodeAssignment(f *testing.F) {
	f.Add(Assignment{Signature: 1, Story: "a", At: time.Unix(0, 0)}.Encode())
	f.Add([]byte(`{"sig":"+0000000000000001","story":"a"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAssignment(b)
		if err != nil {
			return
		}
		again, err := DecodeAssignment(a.Encode())
		if err != nil || again.Signature != a.Signature || again.Story != a.Story {
			t.Fatalf("%q decoded to %+v, which re-decodes to %+v, %v", b, a, again, err)
		}
	})
}
