package alert

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"wirewatch/internal/story"
)

// TestNearCopiesAnswersAsStoryIndex: the near-copy memory of a search says "copy" exactly
// when story.Index, with the same window, count and distance, would give the article
// another article's story: over redeliveries, copies from 0 to 10 bits off, articles
// outside the window, late articles and more articles than the memory keeps.
func TestNearCopiesAnswersAsStoryIndex(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, seed+1))
			idx := story.NewIndex(nearWindow, nearMax, nearMaxDist)
			var near nearCopies
			families := make([]uint64, 300)
			for i := range families {
				families[i] = r.Uint64()
			}
			t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			copies := 0
			for i := 0; i < 3*nearMax; i++ {
				id := fmt.Sprintf("a%d", r.IntN(2*nearMax)) // some IDs come back
				sig := families[r.IntN(len(families))]
				for range r.IntN(11) {
					sig ^= 1 << r.IntN(64)
				}
				at := t0.Add(time.Duration(i)*3*time.Minute - time.Duration(r.IntN(100))*time.Hour)
				want := idx.Assign(id, sig, at) != id
				if got := near.assign(id, sig, at) != id; got != want {
					t.Fatalf("article %d (%s, %016x, %s): copy %t, story.Index says %t", i, id, sig, at, got, want)
				}
				if want {
					copies++
				}
			}
			if copies < nearMax/4 || copies > 2*nearMax {
				t.Fatalf("%d copies of %d articles: the test does not exercise both answers", copies, 3*nearMax)
			}
		})
	}
}

func TestShareBand(t *testing.T) {
	for _, c := range []struct {
		a, b uint64
		want bool
	}{
		{0, 0, true},
		{0x0102030405060708, 0x1112131415161718, false},
		{0x0102030405060708, 0x11121314150617ff, true},
		{0xff00000000000000, 0x0000000000000000, true},
		{0xffffffffffffffff, 0x0101010101010101, false},
		{0x8080808080808080, 0x0000000000000000, false},
		{0x80808080808080ff, 0x00000000000000ff, true},
	} {
		if got := shareBand(c.a, c.b); got != c.want {
			t.Errorf("shareBand(%016x, %016x) = %t, want %t", c.a, c.b, got, c.want)
		}
	}
}
