package query

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits that keep a hostile or mistaken query from costing much.
const (
	maxQueryLen = 8192
	maxDepth    = 64
	maxSlop     = 20
	maxLeaves   = 256
)

// Error is a query that cannot be parsed or compiled. Pos is the byte offset of the
// offending token in the query, Column its 1-based position in runes.
type Error struct {
	Pos    int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	if e.Column <= 0 {
		return fmt.Sprintf("query: %s (at byte %d)", e.Msg, e.Pos)
	}
	return fmt.Sprintf("query: %s (at column %d)", e.Msg, e.Column)
}

func newError(src string, pos int, format string, args ...any) *Error {
	if pos > len(src) {
		pos = len(src)
	}
	if pos < 0 {
		pos = 0
	}
	return &Error{Pos: pos, Column: utf8.RuneCountInString(src[:pos]) + 1, Msg: fmt.Sprintf(format, args...)}
}

type tokenKind int

const (
	tEOF tokenKind = iota
	tWord
	tPhrase
	tRange
	tCompare
	tField
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tMinus
	tPlus
)

type token struct {
	kind  tokenKind
	pos   int
	text  string // word, phrase content, field name, comparison value
	slop  int    // phrase
	op    string // comparison operator
	lo    string // range bounds ("" for *)
	hi    string
	loInc bool
	hiInc bool
	loPos int
	hiPos int
	fuzzy bool // word~ or word~N: text is the word, slop the edits (-1 for word~)
}

// Parse parses an analyst's query. Every failure is an *Error.
func Parse(src string) (Node, error) {
	if len(src) > maxQueryLen {
		return nil, newError(src, maxQueryLen, "query longer than %d bytes", maxQueryLen)
	}
	if !utf8.ValidString(src) {
		for i, r := range src {
			if r == utf8.RuneError {
				return nil, newError(src, i, "invalid UTF-8")
			}
		}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	if p.peek().kind == tEOF {
		return nil, newError(src, 0, "empty query")
	}
	n, err := p.parseOr(FieldText, 0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, newError(src, t.pos, "unbalanced ): no ( before it")
		}
		return nil, newError(src, t.pos, "unexpected %s", describe(t))
	}
	return n, nil
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tRParen:
		return ")"
	case tLParen:
		return "("
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	}
	return strconv.Quote(t.text)
}

// spaceAt reports whether a white-space rune starts at src[i].
func spaceAt(src string, i int) bool {
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsSpace(r)
}

// wordEnd returns the end of the word starting at i: words stop at white space, brackets
// and quotes.
func wordEnd(src string, i int) int {
	for i < len(src) {
		if c := src[i]; c == '(' || c == ')' || c == '"' {
			break
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(src) {
			r, size := utf8.DecodeRuneInString(src[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if i >= len(src) {
			return append(toks, token{kind: tEOF, pos: len(src)}), nil
		}
		start := i
		switch c := src[i]; c {
		case '(':
			toks = append(toks, token{kind: tLParen, pos: i})
			i++
			continue
		case ')':
			toks = append(toks, token{kind: tRParen, pos: i})
			i++
			continue
		case '-', '+':
			if i+1 >= len(src) || spaceAt(src, i+1) || src[i+1] == ')' {
				return nil, newError(src, i, "%c must be followed by a word, phrase or group", c)
			}
			kind := tMinus
			if c == '+' {
				kind = tPlus
			}
			toks = append(toks, token{kind: kind, pos: i})
			i++
			continue
		}
		// field:value
		j := i
		for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] == '_') {
			j++
		}
		if j > i && j < len(src) && src[j] == ':' {
			name := src[i:j]
			if _, ok := fieldKinds[name]; !ok {
				return nil, newError(src, i, "unknown field %q (fields: %s)", name, fieldList())
			}
			toks = append(toks, token{kind: tField, pos: i, text: name})
			i = j + 1
			if i >= len(src) || spaceAt(src, i) || src[i] == ')' {
				return nil, newError(src, i, "missing value after %s:", name)
			}
			if src[i] == '(' {
				continue // a field group; the parser handles the brackets
			}
		}
		t, next, err := lexValue(src, i)
		if err != nil {
			return nil, err
		}
		t.pos = i
		if t.kind == tWord && start == i {
			switch t.text {
			case "AND":
				t.kind = tAnd
			case "OR":
				t.kind = tOr
			case "NOT":
				t.kind = tNot
			}
		}
		toks = append(toks, t)
		i = next
	}
}

// lexValue reads a word, phrase, range or comparison at i.
func lexValue(src string, i int) (token, int, error) {
	switch src[i] {
	case '"':
		end := strings.IndexByte(src[i+1:], '"')
		if end < 0 {
			return token{}, 0, newError(src, i, "unbalanced quote: no closing \"")
		}
		text := src[i+1 : i+1+end]
		if strings.TrimSpace(text) == "" {
			return token{}, 0, newError(src, i, "empty phrase")
		}
		t := token{kind: tPhrase, text: text}
		next := i + end + 2
		if next < len(src) && src[next] == '~' {
			k := next + 1
			for k < len(src) && src[k] >= '0' && src[k] <= '9' {
				k++
			}
			if k == next+1 {
				return token{}, 0, newError(src, next, "~ after a phrase must be followed by a number of words")
			}
			slop, err := strconv.Atoi(src[next+1 : k])
			if err != nil || slop > maxSlop {
				return token{}, 0, newError(src, next+1, "proximity must be at most %d words", maxSlop)
			}
			t.slop = slop
			next = k
		}
		if next < len(src) && !spaceAt(src, next) && src[next] != ')' && src[next] != '(' {
			return token{}, 0, newError(src, next, "unexpected %q after a phrase: put a space between", src[next])
		}
		return t, next, nil
	case '[', '{':
		return lexRange(src, i)
	case '>', '<':
		op := src[i : i+1]
		k := i + 1
		if k < len(src) && src[k] == '=' {
			op += "="
			k++
		}
		end := wordEnd(src, k)
		if end == k {
			return token{}, 0, newError(src, k, "missing date after %s", op)
		}
		return token{kind: tCompare, op: op, text: src[k:end], loPos: k}, end, nil
	}
	end := wordEnd(src, i)
	w := src[i:end]
	if w == "" {
		return token{}, 0, newError(src, i, "missing value")
	}
	if k := strings.IndexByte(w, '~'); k >= 0 {
		return lexFuzzy(src, i, k, w)
	}
	return token{kind: tWord, text: w}, end, nil
}

func lexRange(src string, i int) (token, int, error) {
	end := strings.IndexAny(src[i+1:], "]}")
	if end < 0 {
		return token{}, 0, newError(src, i, "unbalanced range: no closing ] or }")
	}
	closing := i + 1 + end
	body := src[i+1 : closing]
	t := token{kind: tRange, loInc: src[i] == '[', hiInc: src[closing] == ']'}
	k := strings.Index(body, " TO ")
	if k < 0 {
		return token{}, 0, newError(src, i, "bad range: write [FROM TO TO], e.g. [2026-01-01 TO 2026-02-01]")
	}
	lo, hi := body[:k], body[k+4:]
	t.loPos = i + 1 + (len(lo) - len(strings.TrimLeft(lo, " ")))
	t.hiPos = i + 1 + k + 4 + (len(hi) - len(strings.TrimLeft(hi, " ")))
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	if lo == "" || hi == "" || strings.ContainsAny(lo+hi, " \t\n[]{}") {
		return token{}, 0, newError(src, i, "bad range: write [FROM TO TO] with * for an open end")
	}
	if lo != "*" {
		t.lo = lo
	}
	if hi != "*" {
		t.hi = hi
	}
	next := closing + 1
	if next < len(src) && !spaceAt(src, next) && src[next] != ')' && src[next] != '(' {
		return token{}, 0, newError(src, next, "unexpected %q after a range: put a space between", src[next])
	}
	return t, next, nil
}

func fieldList() string {
	names := make([]string, 0, len(fieldKinds))
	for f := range fieldKinds {
		names = append(names, f)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

type parser struct {
	src       string
	toks      []token
	i         int
	leaves    int
	wildcards int // see limits.go
	patterns  int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func startsUnary(k tokenKind) bool {
	switch k {
	case tWord, tPhrase, tRange, tCompare, tField, tLParen, tNot, tMinus, tPlus:
		return true
	}
	return false
}

func (p *parser) parseOr(field string, depth int) (Node, error) {
	first, err := p.parseAnd(field, depth)
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for p.peek().kind == tOr {
		op := p.next()
		if !startsUnary(p.peek().kind) {
			return nil, newError(p.src, op.pos, "dangling OR: nothing after it")
		}
		n, err := p.parseAnd(field, depth)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return &Or{Nodes: nodes}, nil
}

func (p *parser) parseAnd(field string, depth int) (Node, error) {
	if t := p.peek(); !startsUnary(t.kind) {
		switch t.kind {
		case tAnd, tOr:
			return nil, newError(p.src, t.pos, "dangling %s: nothing before it", describe(t))
		case tRParen:
			return nil, newError(p.src, t.pos, "unbalanced ): nothing inside or before it")
		}
		return nil, newError(p.src, t.pos, "unexpected %s", describe(t))
	}
	first, err := p.parseUnary(field, depth)
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for {
		t := p.peek()
		if t.kind == tAnd {
			p.next()
			if !startsUnary(p.peek().kind) {
				return nil, newError(p.src, t.pos, "dangling AND: nothing after it")
			}
		} else if !startsUnary(t.kind) {
			break
		}
		n, err := p.parseUnary(field, depth)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return &And{Nodes: nodes}, nil
}

func (p *parser) parseUnary(field string, depth int) (Node, error) {
	if depth > maxDepth {
		return nil, newError(p.src, p.peek().pos, "query nests more than %d levels deep", maxDepth)
	}
	t := p.peek()
	switch t.kind {
	case tNot, tMinus:
		p.next()
		if !startsUnary(p.peek().kind) {
			return nil, newError(p.src, t.pos, "dangling %s: nothing to negate", map[tokenKind]string{tNot: "NOT", tMinus: "-"}[t.kind])
		}
		n, err := p.parseUnary(field, depth+1)
		if err != nil {
			return nil, err
		}
		return &Not{Node: n}, nil
	case tPlus:
		p.next()
		return p.parseUnary(field, depth+1)
	}
	return p.parsePrimary(field, depth)
}

func (p *parser) parsePrimary(field string, depth int) (Node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		switch p.peek().kind {
		case tRParen:
			return nil, newError(p.src, t.pos, "empty brackets")
		case tEOF:
			return nil, newError(p.src, t.pos, "unbalanced (: no ) after it")
		}
		n, err := p.parseOr(field, depth+1)
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tRParen {
			return nil, newError(p.src, t.pos, "unbalanced (: no ) after it")
		}
		p.next()
		return n, nil
	case tField:
		if p.peek().kind == tLParen {
			return p.parsePrimary(t.text, depth+1)
		}
		return p.leaf(t.text, p.next())
	}
	return p.leaf(field, t)
}

// leaf builds a Term, Phrase, Wildcard or Range for field from t.
func (p *parser) leaf(field string, t token) (Node, error) {
	if p.leaves++; p.leaves > maxLeaves {
		return nil, newError(p.src, t.pos, "query has more than %d terms", maxLeaves)
	}
	if err := p.checkTokenSize(t); err != nil {
		return nil, err
	}
	kind := fieldKinds[field]
	if field == FieldText {
		kind = textField
	}
	switch t.kind {
	case tWord:
		if kind == dateField {
			if t.fuzzy {
				return nil, newError(p.src, t.pos, "%s takes a date or a range, not a fuzzy term", field)
			}
			if err := p.checkDate(t.text, t.pos); err != nil {
				return nil, err
			}
			r := &Range{Field: field, From: t.text, To: t.text, FromInclusive: true, ToInclusive: true, Pos: t.pos}
			return r, nil
		}
		if t.fuzzy {
			return p.fuzzy(field, kind, t)
		}
		if strings.ContainsAny(t.text, "*?") {
			if strings.Trim(t.text, "*?") == "" {
				return nil, newError(p.src, t.pos, "a wildcard needs at least one character besides * and ?")
			}
			if err := p.checkWildcard(t); err != nil {
				return nil, err
			}
			return &Wildcard{Field: field, Pattern: t.text, Pos: t.pos}, nil
		}
		return &Term{Field: field, Value: t.text, Pos: t.pos}, nil
	case tPhrase:
		if kind == dateField {
			return nil, newError(p.src, t.pos, "%s takes a date or a range, not a phrase", field)
		}
		if kind == keywordField && t.slop > 0 {
			return nil, newError(p.src, t.pos, "proximity (~) applies to text, not to %s", field)
		}
		return &Phrase{Field: field, Value: t.text, Slop: t.slop, Pos: t.pos}, nil
	case tRange, tCompare:
		if kind != dateField {
			if field == FieldText {
				return nil, newError(p.src, t.pos, "a range needs a date field, e.g. published:[2026-01-01 TO 2026-02-01]")
			}
			return nil, newError(p.src, t.pos, "ranges apply to published, not to %s", field)
		}
		r := &Range{Field: field, Pos: t.pos}
		if t.kind == tCompare {
			switch t.op {
			case ">", ">=":
				r.From, r.FromInclusive, r.ToInclusive = t.text, t.op == ">=", true
			case "<", "<=":
				r.To, r.ToInclusive, r.FromInclusive = t.text, t.op == "<=", true
			}
			t.hiPos = t.loPos
		} else {
			r.From, r.To, r.FromInclusive, r.ToInclusive = t.lo, t.hi, t.loInc, t.hiInc
		}
		// Open ends are inclusive by convention so that the canonical form is unique.
		if r.From == "" {
			r.FromInclusive = true
		}
		if r.To == "" {
			r.ToInclusive = true
		}
		if r.From != "" {
			if err := p.checkDate(r.From, t.loPos); err != nil {
				return nil, err
			}
		}
		if r.To != "" {
			if err := p.checkDate(r.To, t.hiPos); err != nil {
				return nil, err
			}
		}
		lo, hi := r.Bounds()
		if r.From != "" && r.To != "" && !lo.Before(hi) {
			return nil, newError(p.src, t.pos, "bad range: it contains no instant (start is not before end)")
		}
		return r, nil
	case tEOF:
		return nil, newError(p.src, t.pos, "unexpected end of query")
	}
	return nil, newError(p.src, t.pos, "unexpected %s", describe(t))
}

// Dates outside this span cannot be stored as nanoseconds since 1970.
var (
	minDate = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2261, 12, 31, 0, 0, 0, 0, time.UTC)
)

// dayOrInstant parses a date (a whole UTC day, isDay true) or an RFC 3339 instant.
func dayOrInstant(s string) (t time.Time, isDay bool, err error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if t.Before(minDate) || t.After(maxDate) {
			return time.Time{}, false, fmt.Errorf("date %s out of range", s)
		}
		return t, true, nil
	}
	t, err = time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, err
	}
	if t.Before(minDate) || t.After(maxDate) {
		return time.Time{}, false, fmt.Errorf("date %s out of range", s)
	}
	return t.UTC(), false, nil
}

// Bounds returns the half-open span [lo, hi) that r covers now. An open end gives the
// zero time for lo and the zero time for hi ("no bound"). A day counts as a whole UTC
// day, a rounded relative date (now/d) as the whole unit.
func (r *Range) Bounds() (lo, hi time.Time) { return r.BoundsAt(time.Now()) }

// BoundsAt is Bounds with relative dates (now-1d) evaluated at now.
func (r *Range) BoundsAt(now time.Time) (lo, hi time.Time) {
	if r.From != "" {
		t, next, _ := resolveDate(r.From, now)
		switch {
		case !next.IsZero() && !r.FromInclusive:
			lo = next
		case next.IsZero() && !r.FromInclusive:
			lo = t.Add(time.Nanosecond)
		default:
			lo = t
		}
	}
	if r.To != "" {
		t, next, _ := resolveDate(r.To, now)
		switch {
		case !next.IsZero() && r.ToInclusive:
			hi = next
		case next.IsZero() && r.ToInclusive:
			hi = t.Add(time.Nanosecond)
		default:
			hi = t
		}
	}
	return lo, hi
}

// WithSource fills in e.Column from the query text, for errors found after parsing (when
// compiling) where only the byte offset was known.
func (e *Error) WithSource(src string) *Error {
	if e.Column <= 0 {
		e.Column = newError(src, e.Pos, "").Column
	}
	return e
}

// lexFuzzy reads word~ or word~N (w, at src[i:], has its ~ at w[k]).
func lexFuzzy(src string, i, k int, w string) (token, int, error) {
	word, edits := w[:k], w[k+1:]
	switch {
	case word == "":
		return token{}, 0, newError(src, i, "~ must follow a word (Lachin~) or a phrase (\"a b\"~3)")
	case strings.ContainsAny(word, "*?"):
		return token{}, 0, newError(src, i+k, "a word cannot be both a wildcard and fuzzy")
	}
	t := token{kind: tWord, text: word, fuzzy: true, slop: -1}
	if edits == "" {
		return t, i + len(w), nil
	}
	for j := 0; j < len(edits); j++ {
		if edits[j] < '0' || edits[j] > '9' {
			return token{}, 0, newError(src, i+k+1+j, "~ after a word must be followed by a number of edits (0 to %d) or by nothing", MaxFuzzyEdits)
		}
	}
	n, err := strconv.Atoi(edits)
	if err != nil || n > MaxFuzzyEdits {
		return token{}, 0, newError(src, i+k, "fuzzy search allows at most %d edits", MaxFuzzyEdits)
	}
	t.slop = n
	return t, i + len(w), nil
}
