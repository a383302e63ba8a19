package query

import (
	"fmt"
	"sort"
)

// The proximity rule of the language, "a b c"~N: the words in their order or reversed,
// with at most N positions skipped in total between consecutive words. The Matcher, the
// highlighter and the Bleve backend's proximity query all decide it with
// Positions.PhraseAt, and the Matcher and the Bleve compiler refuse with CheckProximity
// the searches that would cost too much, so a query means and costs the same in both.

// maxProximityPhrases bounds the work of a proximity search: the number of ways of
// placing the gaps of "a b c"~N, in order and reversed, which bounds the paths PhraseAt
// explores per start.
const maxProximityPhrases = 512

// CheckProximity rejects, as an *Error at pos, a proximity search of terms within slop
// that has more ways of placing its gaps than maxProximityPhrases ("search too broad").
// A compiler that analyses the words itself calls it on each language's terms, as the
// Matcher does, so that a query the Matcher refuses the index refuses too.
func CheckProximity(terms []string, slop, pos int) error {
	if len(terms) < 2 || slop == 0 || proximityPlacements(len(terms), slop) <= maxProximityPhrases {
		return nil
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf("proximity search too broad (%d words within %d): use fewer words or a smaller ~N", len(terms), slop)}
}

// proximityPlacements counts the ways of putting at most slop skipped positions in the
// n-1 gaps between n terms, in their order and reversed: 2·C(slop+n-1, n-1). It stops
// once the count is past maxProximityPhrases.
func proximityPlacements(n, slop int) int {
	c := 1 // C(slop+i-1, i-1)
	for i := 1; i < n && 2*c <= maxProximityPhrases; i++ {
		c = c * (slop + i) / i
	}
	return 2 * c
}

// Positions holds the positions of each term of one field, in ascending order.
type Positions map[string][]int

// PhraseAt returns the position of the first term of an occurrence of terms in p, in
// order, with at most slop positions skipped in total between consecutive terms; -1 if
// none. A proximity search also tries Reversed(terms).
func (p Positions) PhraseAt(terms []string, slop int) int {
	for _, start := range p[terms[0]] {
		if p.follow(terms[1:], start, slop) {
			return start
		}
	}
	return -1
}

func (p Positions) follow(terms []string, prev, slop int) bool {
	if len(terms) == 0 {
		return true
	}
	ps := p[terms[0]]
	i := sort.SearchInts(ps, prev+1)
	for ; i < len(ps) && ps[i]-prev-1 <= slop; i++ {
		if p.follow(terms[1:], ps[i], slop-(ps[i]-prev-1)) {
			return true
		}
	}
	return false
}

// Reversed returns the terms in reverse order, the other order a proximity search accepts.
func Reversed(terms []string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[len(terms)-1-i] = t
	}
	return out
}
