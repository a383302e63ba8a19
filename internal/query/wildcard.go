package query

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// sortedTerms holds the distinct terms of a Doc's title and body in order, built when
// the first wildcard is matched: a wildcard then looks only at the terms that start with
// its fixed part instead of running its regexp on every term. Topic rules hold dozens of
// wildcards and run on every article.
type sortedTerms struct {
	once        sync.Once
	title, body []string
	// heads is the Analysis's leadHeads when the Doc was made; lead holds the terms
	// whose first bytes are in it, in order, for the wildcards whose lead is.
	heads           *leadHeads
	leadOnce        sync.Once
	leadTitle, lead []string
}

// A Doc has hundreds of distinct terms and a topics file hundreds of wildcards, whose
// leads start with a few hundred different three bytes: only a small part of a Doc's
// terms can match any wildcard. The Analysis keeps the first three bytes of every lead
// it compiled (hashed, in leadHeads), so that a Doc sorts only those of its terms that
// start as a lead does, and a wildcard searches them alone. A lead shorter than three
// bytes, or compiled after the Doc was made, searches all the Doc's terms as before.
const headBits = 1 << 16

// leadHeads is a set of hashed three-byte starts; never changed once published.
type leadHeads [headBits / 64]uint64

// headOf hashes the first three bytes of s; false when s is shorter.
func headOf(s string) (uint32, bool) {
	if len(s) < 3 {
		return 0, false
	}
	h := uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2])
	return (h * 2654435761) >> (32 - 16), true
}

func (hs *leadHeads) has(s string) bool {
	h, ok := headOf(s)
	return ok && hs != nil && hs[h/64]&(1<<(h%64)) != 0
}

// leadIndex holds an Analysis's leadHeads, copied on write: a Doc takes the set in use
// when it is made and a wildcard compiled later never misses a term.
type leadIndex struct {
	mu  sync.Mutex
	cur atomic.Pointer[leadHeads]
}

func (li *leadIndex) heads() *leadHeads { return li.cur.Load() }

// add adds the start of lead to the set.
func (li *leadIndex) add(lead string) {
	h, ok := headOf(lead)
	if !ok || li.heads().has(lead) {
		return
	}
	li.mu.Lock()
	defer li.mu.Unlock()
	next := new(leadHeads)
	if cur := li.cur.Load(); cur != nil {
		*next = *cur
	}
	next[h/64] |= 1 << (h % 64)
	li.cur.Store(next)
}

// wildcardLead returns the fixed start of a normalised wildcard pattern: what comes
// before its first * or ?.
func wildcardLead(pattern string) string {
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// foldedFields holds a Doc's title and body as words written (the fold analyser), built
// when the first wildcard or fuzzy term needs them: most queries never do. Their terms
// are looked at as a set (wildcards, fuzzy terms) or one by one (the highlighter), never
// by position, so they have no positions map (at).
type foldedFields struct {
	an          *Analysis
	once        sync.Once
	title, body tokenField
	sorted      sortedTerms
	both        [2]*tokenField // title and body, for foldFields
	// The words of title and body as Analysis.words cut them; nil when the language's
	// analyser cuts words otherwise, and once the fold fields are built.
	titleWords, bodyWords *textWords
}

// foldFields returns the fold fields a text query on field looks in.
func (d *Doc) foldFields(field string) []*tokenField {
	ff := d.fold
	ff.once.Do(func() {
		ff.title = ff.an.foldField(d.title.text, ff.titleWords, d.mem)
		ff.body = ff.an.foldField(d.body.text, ff.bodyWords, d.mem)
		ff.titleWords, ff.bodyWords = nil, nil
		ff.both = [2]*tokenField{&ff.title, &ff.body}
	})
	if field == FieldTitle {
		return ff.both[:1]
	}
	return ff.both[:]
}

// foldField analyses text for a fold field, from its words when Analysis.words gave them.
func (an *Analysis) foldField(text string, words *textWords, mem *docMem) tokenField {
	if words != nil {
		return an.foldWords(words, text, mem)
	}
	return tokenFieldOf(an.fold.Analyze([]byte(text)), text, false)
}

// termsWithPrefix returns the distinct terms of f (d's title or body, stemmed or folded)
// that start with lead, in order.
func (d *Doc) termsWithPrefix(f *tokenField, lead string) []string {
	st := d.sorted
	title, body := &d.title, &d.body
	if f == &d.fold.title || f == &d.fold.body {
		st, title, body = &d.fold.sorted, &d.fold.title, &d.fold.body
	}
	var ts []string
	if st.heads.has(lead) {
		st.leadOnce.Do(func() {
			st.leadTitle = sortedCopy(st.heads.filter(title.keys, d.mem), d.mem)
			st.lead = sortedCopy(st.heads.filter(body.keys, d.mem), d.mem)
		})
		ts = st.lead
		if f == title {
			ts = st.leadTitle
		}
	} else {
		st.once.Do(func() {
			st.title = sortedCopy(title.keys, d.mem)
			st.body = sortedCopy(body.keys, d.mem)
		})
		ts = st.body
		if f == title {
			ts = st.title
		}
	}
	i := sort.SearchStrings(ts, lead)
	j := i
	for j < len(ts) && strings.HasPrefix(ts[j], lead) {
		j++
	}
	return ts[i:j]
}

// filter returns the terms of ts whose start is in hs, made in mem (nil: on their own).
func (hs *leadHeads) filter(ts []string, mem *docMem) []string {
	out := mem.stringsOf(len(ts))[:0]
	for _, t := range ts {
		if hs.has(t) {
			out = append(out, t)
		}
	}
	return out
}

// sortedCopy returns ss sorted, as slices.Sort sorts it. The strings are compared by
// their first eight bytes as one number first: a Doc's terms mostly differ there, and
// comparing two numbers costs much less than comparing two strings. The copy is made in
// mem (nil: on its own).
func sortedCopy(ss []string, mem *docMem) []string {
	ks := mem.keyedTerms(len(ss))
	for i, s := range ss {
		var h uint64
		for j := range 8 {
			h <<= 8
			if j < len(s) {
				h |= uint64(s[j])
			}
		}
		ks[i] = keyedTerm{h, s}
	}
	slices.SortFunc(ks, func(a, b keyedTerm) int {
		if a.head != b.head {
			return cmp.Compare(a.head, b.head)
		}
		return strings.Compare(a.s, b.s)
	})
	out := mem.stringsOf(len(ss))
	for i, k := range ks {
		out[i] = k.s
	}
	return out
}

// keyedTerm is a term and its first eight bytes as a number, for sortedCopy.
type keyedTerm struct {
	head uint64
	s    string
}

// withinEdits reports whether term is at most max edits from word: insertions,
// deletions, substitutions and swaps of neighbouring characters (optimal string
// alignment, in runes), as the Levenshtein automata of Bleve and Lucene count them.
func withinEdits(word []rune, term string, max int) bool {
	t := []rune(term)
	if d := len(word) - len(t); d > max || -d > max {
		return false
	}
	if max == 0 {
		return string(word) == term
	}
	// Three rows of the distance table: two back, previous, current.
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(word); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(t); j++ {
			cost := 1
			if word[i-1] == t[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && word[i-1] == t[j-2] && word[i-2] == t[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)] <= max
}
