package query

import (
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Highlight fragment sizes, in bytes of source text.
const (
	fragmentContext = 90
	maxFragments    = 3
)

// Highlight returns the fragments of d's title and body where the query's positive terms
// (those not under a NOT) occur, keyed "title" and "body". Matches are wrapped in
// <mark>…</mark> and everything else is HTML-escaped: feed text is untrusted. Fields
// without a match are left out.
func (m *Matcher) Highlight(d *Doc) map[string][]string {
	hl := &highlighter{an: m.an, d: d, marks: map[*tokenField]map[int]bool{}}
	hl.walk(m.node, false)
	out := map[string][]string{}
	if ms := hl.marks[&d.title]; len(ms) > 0 {
		out["title"] = []string{renderMarks(&d.title, ms, 0, len(d.title.text))}
	}
	if ms := hl.marks[&d.body]; len(ms) > 0 {
		out["body"] = fragments(&d.body, ms)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

type highlighter struct {
	an    *Analysis
	d     *Doc
	marks map[*tokenField]map[int]bool // field → indexes of tokens to mark
	index map[*tokenField]map[int]int  // field → position → token index
}

func (h *highlighter) positions(f *tokenField) map[int]int {
	if h.index == nil {
		h.index = map[*tokenField]map[int]int{}
	}
	if m, ok := h.index[f]; ok {
		return m
	}
	m := make(map[int]int, len(f.words))
	for i, w := range f.words {
		m[w.pos] = i
	}
	h.index[f] = m
	return m
}

func (h *highlighter) mark(f *tokenField, i int) {
	if h.marks[f] == nil {
		h.marks[f] = map[int]bool{}
	}
	h.marks[f][i] = true
}

func (h *highlighter) walk(n Node, negated bool) {
	switch x := n.(type) {
	case *And:
		for _, c := range x.Nodes {
			h.walk(c, negated)
		}
	case *Or:
		for _, c := range x.Nodes {
			h.walk(c, negated)
		}
	case *Not:
		h.walk(x.Node, !negated)
	case *Term:
		h.walk(x.Phrase(), negated)
	case *Phrase:
		if !negated && !IsKeywordField(x.Field) {
			terms := h.an.TermsOf(h.d.LangKey, x.Value)
			h.markTerms(x.Field, terms, x.Slop)
			if x.Slop > 0 {
				h.markTerms(x.Field, Reversed(terms), x.Slop)
			}
		}
	case *Wildcard:
		if negated || IsKeywordField(x.Field) {
			return
		}
		re, err := regexp.Compile("^(?:" + WildcardRegexp(h.an.Keyword(x.Pattern)) + ")$")
		if err != nil {
			return
		}
		for _, f := range h.d.fields(x.Field) {
			for i, t := range f.terms {
				if re.MatchString(t) {
					h.mark(f, i)
				}
			}
		}
		foldRe, err := regexp.Compile("^(?:" + WildcardRegexp(Fold(x.Pattern)) + ")$")
		if err != nil {
			return
		}
		h.markFolded(x.Field, foldRe.MatchString)
	case *Fuzzy:
		if !negated {
			word, edits := []rune(Fold(x.Value)), x.MaxEdits()
			h.markFolded(x.Field, func(t string) bool { return withinEdits(word, t, edits) })
		}
	}
}

// markFolded marks the words whose folded form satisfies match: the tokens of the
// analysed field that cover the same bytes of text.
func (h *highlighter) markFolded(field string, match func(term string) bool) {
	stems := h.d.fields(field)
	for k, ff := range h.d.foldFields(field) {
		f := stems[k]
		for i, t := range ff.terms {
			if !match(t) {
				continue
			}
			for j := range f.terms {
				if f.words[j].start < ff.words[i].end && f.words[j].end > ff.words[i].start {
					h.mark(f, j)
				}
			}
		}
	}
}

// markTerms marks every occurrence of the phrase terms (within slop) in the fields.
func (h *highlighter) markTerms(field string, terms []string, slop int) {
	if len(terms) == 0 {
		return
	}
	for _, f := range h.d.fields(field) {
		index := h.positions(f)
		for _, start := range f.at[terms[0]] {
			if !f.at.follow(terms[1:], start, slop) {
				continue
			}
			want := map[string]bool{}
			for _, t := range terms {
				want[t] = true
			}
			for p := start; p <= start+len(terms)-1+slop; p++ {
				if i, ok := index[p]; ok && want[f.terms[i]] {
					h.mark(f, i)
				}
			}
		}
	}
}

// renderMarks escapes f.text[from:to] and wraps the marked tokens inside it.
func renderMarks(f *tokenField, marks map[int]bool, from, to int) string {
	idx := make([]int, 0, len(marks))
	for i := range marks {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var b strings.Builder
	at := from
	for _, i := range idx {
		s, e := f.words[i].start, f.words[i].end
		if s < at || e > to || s > e || !utf8.RuneStart(byteAt(f.text, s)) {
			continue
		}
		b.WriteString(html.EscapeString(f.text[at:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(f.text[s:e]))
		b.WriteString("</mark>")
		at = e
	}
	b.WriteString(html.EscapeString(f.text[at:to]))
	return b.String()
}

func byteAt(s string, i int) byte {
	if i >= len(s) {
		return 0
	}
	return s[i]
}

// fragments cuts up to maxFragments windows of text around the marked tokens.
func fragments(f *tokenField, marks map[int]bool) []string {
	idx := make([]int, 0, len(marks))
	for i := range marks {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var out []string
	for k := 0; k < len(idx) && len(out) < maxFragments; {
		from := snapBack(f.text, f.words[idx[k]].start-fragmentContext)
		to := f.words[idx[k]].end + fragmentContext
		inside := map[int]bool{}
		for k < len(idx) && f.words[idx[k]].start < to {
			inside[idx[k]] = true
			if e := f.words[idx[k]].end + fragmentContext/2; e > to {
				to = e
			}
			k++
		}
		to = snapForward(f.text, to)
		frag := renderMarks(f, inside, from, to)
		if from > 0 {
			frag = "…" + frag
		}
		if to < len(f.text) {
			frag += "…"
		}
		out = append(out, strings.TrimSpace(frag))
	}
	return out
}

// snapBack moves i back to the start of a word (after a space), at most to 0.
func snapBack(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for j := i; j > 0 && i-j < 30; j-- {
		if s[j-1] == ' ' || s[j-1] == '\n' {
			return j
		}
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// snapForward moves i forward to the end of a word, at most to len(s).
func snapForward(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for j := i; j < len(s) && j-i < 30; j++ {
		if s[j] == ' ' || s[j] == '\n' {
			return j
		}
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}
