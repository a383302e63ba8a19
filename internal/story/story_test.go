package story

import (
	"fmt"
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
