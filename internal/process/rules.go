package process

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A topic rule is a boolean expression over words, phrases and entity IDs, in the manner of
// Europe Media Monitor's category definitions:
//
//	entity:ww:lachin-corridor OR "corridor de Latchine" OR "Лачинск* коридор*" OR (Lachin AND corridor)
//
// Words and phrases match folded tokens (case and accents ignored); a trailing * makes a
// word a prefix, so one term covers a name's inflected forms. Adjacent operands are ANDed;
// NOT binds tightest, then AND, then OR.

// ErrRule marks a topic rule that does not parse; RuleError says where.
var ErrRule = errors.New("invalid topic rule")

// RuleError is a parse error at a byte offset of a rule.
type RuleError struct {
	Pos int
	Msg string
}

func (e *RuleError) Error() string { return fmt.Sprintf("at byte %d: %s", e.Pos, e.Msg) }
func (e *RuleError) Unwrap() error { return ErrRule }

// ruleNode is a parsed rule expression.
type ruleNode interface {
	eval(d *ruleDoc) bool
}

type (
	orNode     []ruleNode
	andNode    []ruleNode
	notNode    struct{ x ruleNode }
	entityNode string
	// phraseNode is one word or a phrase; prefix[i] marks words ending in *.
	phraseNode struct {
		words  []string
		prefix []bool
	}
)

func (n orNode) eval(d *ruleDoc) bool {
	for _, x := range n {
		if x.eval(d) {
			return true
		}
	}
	return false
}

func (n andNode) eval(d *ruleDoc) bool {
	for _, x := range n {
		if !x.eval(d) {
			return false
		}
	}
	return true
}

func (n notNode) eval(d *ruleDoc) bool    { return !n.x.eval(d) }
func (n entityNode) eval(d *ruleDoc) bool { return d.entities[string(n)] }

func (n phraseNode) eval(d *ruleDoc) bool {
	for _, p := range d.positions(n.words[0], n.prefix[0]) {
		if n.matchAt(d, p) {
			return true
		}
	}
	return false
}

func (n phraseNode) matchAt(d *ruleDoc, p int) bool {
	if p+len(n.words) > len(d.toks) {
		return false
	}
	for i := 1; i < len(n.words); i++ {
		w := d.toks[p+i]
		if n.prefix[i] {
			if !strings.HasPrefix(w, n.words[i]) {
				return false
			}
		} else if w != n.words[i] {
			return false
		}
	}
	return true
}

// ruleDoc is an article as rules see it: its folded tokens, the distinct tokens in sorted
// order with where each occurs (a binary search serves words and prefixes alike), and the
// IDs of its entities.
type ruleDoc struct {
	toks     []string
	words    []string // distinct tokens, sorted
	at       [][]int  // positions of words[i]
	entities map[string]bool

	// Reused between articles (see reset): word -> index in distinct, each token's index,
	// occurrences per distinct word (then where its next position goes), the distinct
	// words in sorted order, and one backing array for every word's positions.
	index    map[string]int32
	distinct []string
	tokWord  []int32
	count    []int32
	order    []int32
	pos      []int
}

func newRuleDoc(toks []string, entityIDs []string) *ruleDoc {
	d := &ruleDoc{}
	d.fill(toks, entityIDs)
	return d
}

// fill indexes toks and entityIDs; d must be new or reset.
func (d *ruleDoc) fill(toks []string, entityIDs []string) {
	d.toks = toks
	if d.entities == nil {
		d.entities = make(map[string]bool, len(entityIDs))
		d.index = make(map[string]int32, len(toks)/2)
	}
	// Distinct words first: sorting a few hundred distinct words is cheaper than sorting
	// every occurrence.
	d.tokWord = slices.Grow(d.tokWord[:0], len(toks))[:len(toks)]
	n := 0
	for i, w := range toks {
		if w == "" {
			d.tokWord[i] = -1
			continue
		}
		id, ok := d.index[w]
		if !ok {
			id = int32(len(d.distinct))
			d.index[w] = id
			d.distinct = append(d.distinct, w)
			d.count = append(d.count, 0)
		}
		d.count[id]++
		d.tokWord[i] = id
		n++
	}
	d.order = d.order[:0]
	for id := range d.distinct {
		d.order = append(d.order, int32(id))
	}
	slices.SortFunc(d.order, func(a, b int32) int { return strings.Compare(d.distinct[a], d.distinct[b]) })
	// Positions in token order within each word: the slot of a word's next position
	// starts at the sum of the counts of the words sorted before it.
	d.pos = slices.Grow(d.pos[:0], n)[:n]
	off := int32(0)
	for _, id := range d.order {
		c := d.count[id]
		d.words = append(d.words, d.distinct[id])
		d.at = append(d.at, d.pos[off:off+c:off+c])
		d.count[id] = off // from here on: where the word's next position goes
		off += c
	}
	for i, id := range d.tokWord {
		if id >= 0 {
			d.pos[d.count[id]] = i
			d.count[id]++
		}
	}
	for _, id := range entityIDs {
		d.entities[id] = true
	}
}

// reset empties d for the next article, keeping its memory.
func (d *ruleDoc) reset() {
	d.toks = nil
	clear(d.words)
	d.words = d.words[:0]
	clear(d.at)
	d.at = d.at[:0]
	clear(d.entities)
	clear(d.index)
	clear(d.distinct)
	d.distinct = d.distinct[:0]
	d.count = d.count[:0]
}

// positions returns where w occurs, or for a prefix every word starting with it.
func (d *ruleDoc) positions(w string, prefix bool) []int {
	i := sort.SearchStrings(d.words, w)
	if !prefix {
		if i < len(d.words) && d.words[i] == w {
			return d.at[i]
		}
		return nil
	}
	var ps []int
	for ; i < len(d.words) && strings.HasPrefix(d.words[i], w); i++ {
		ps = append(ps, d.at[i]...)
	}
	return ps
}

// parseRule parses a rule expression.
func parseRule(src string) (ruleNode, error) {
	p := &ruleParser{src: src}
	p.next()
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.kind != tokEOF {
		return nil, &RuleError{Pos: p.pos, Msg: fmt.Sprintf("unexpected %s", p.describe())}
	}
	return n, nil
}

type ruleTok uint8

const (
	tokEOF ruleTok = iota
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
	tokWord
	tokPhrase
	tokEntity
	tokErr
)

type ruleParser struct {
	src   string
	off   int // read offset
	pos   int // start of the current token
	kind  ruleTok
	text  string
	depth int
}

func (p *ruleParser) describe() string {
	switch p.kind {
	case tokEOF:
		return "end of rule"
	case tokRParen:
		return `")"`
	case tokLParen:
		return `"("`
	default:
		return fmt.Sprintf("%q", p.text)
	}
}

func (p *ruleParser) next() {
	for p.off < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.off:])
		if !unicode.IsSpace(r) {
			break
		}
		p.off += n
	}
	p.pos = p.off
	if p.off >= len(p.src) {
		p.kind, p.text = tokEOF, ""
		return
	}
	switch c := p.src[p.off]; c {
	case '(':
		p.off++
		p.kind, p.text = tokLParen, "("
		return
	case ')':
		p.off++
		p.kind, p.text = tokRParen, ")"
		return
	case '"':
		var b strings.Builder
		i := p.off + 1
		for i < len(p.src) {
			switch p.src[i] {
			case '\\':
				if i+1 < len(p.src) {
					b.WriteByte(p.src[i+1])
					i += 2
					continue
				}
				i++
				continue
			case '"':
				p.off = i + 1
				p.kind, p.text = tokPhrase, b.String()
				return
			}
			b.WriteByte(p.src[i])
			i++
		}
		p.off = len(p.src)
		p.kind, p.text = tokErr, "unterminated quoted phrase"
		return
	}
	start := p.off
	for p.off < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.off:])
		if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
			break
		}
		p.off += n
	}
	w := p.src[start:p.off]
	switch {
	case w == "AND" || w == "&&":
		p.kind = tokAnd
	case w == "OR" || w == "||":
		p.kind = tokOr
	case w == "NOT" || w == "!":
		p.kind = tokNot
	case strings.HasPrefix(w, "entity:"):
		p.kind = tokEntity
	default:
		p.kind = tokWord
	}
	p.text = w
}

func (p *ruleParser) parseOr() (ruleNode, error) {
	var xs orNode
	for {
		x, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
		if p.kind != tokOr {
			break
		}
		p.next()
	}
	if len(xs) == 1 {
		return xs[0], nil
	}
	return xs, nil
}

func (p *ruleParser) parseAnd() (ruleNode, error) {
	var xs andNode
	for {
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
		switch p.kind {
		case tokAnd:
			p.next()
			continue
		case tokWord, tokPhrase, tokEntity, tokNot, tokLParen:
			continue // adjacent operands: implicit AND
		}
		break
	}
	if len(xs) == 1 {
		return xs[0], nil
	}
	return xs, nil
}

// maxRuleDepth bounds nesting so a hostile rule cannot exhaust the stack.
const maxRuleDepth = 100

func (p *ruleParser) parseUnary() (ruleNode, error) {
	switch p.kind {
	case tokNot:
		p.next()
		p.depth++
		if p.depth > maxRuleDepth {
			return nil, &RuleError{Pos: p.pos, Msg: "nested too deeply"}
		}
		x, err := p.parseUnary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	case tokLParen:
		open := p.pos
		p.next()
		p.depth++
		if p.depth > maxRuleDepth {
			return nil, &RuleError{Pos: open, Msg: "nested too deeply"}
		}
		x, err := p.parseOr()
		p.depth--
		if err != nil {
			return nil, err
		}
		if p.kind != tokRParen {
			return nil, &RuleError{Pos: p.pos, Msg: fmt.Sprintf("expected \")\" to close \"(\" at byte %d, found %s", open, p.describe())}
		}
		p.next()
		return x, nil
	case tokEntity:
		id := strings.TrimPrefix(p.text, "entity:")
		if id == "" {
			return nil, &RuleError{Pos: p.pos, Msg: "entity: needs an ID"}
		}
		p.next()
		return entityNode(id), nil
	case tokWord, tokPhrase:
		n, err := newPhrase(p.text)
		if err != nil {
			return nil, &RuleError{Pos: p.pos, Msg: err.Error()}
		}
		p.next()
		return n, nil
	case tokErr:
		return nil, &RuleError{Pos: p.pos, Msg: p.text}
	default:
		return nil, &RuleError{Pos: p.pos, Msg: fmt.Sprintf("expected a word, phrase, entity:ID, NOT or \"(\", found %s", p.describe())}
	}
}

func newPhrase(s string) (phraseNode, error) {
	var n phraseNode
	toks := tokenize(s, nil)
	for _, t := range toks {
		w := t.Norm
		pre := t.End < len(s) && s[t.End] == '*'
		if pre && utf8.RuneCountInString(w) < 3 {
			return n, fmt.Errorf("prefix %q is shorter than 3 letters", s[t.Start:t.End+1])
		}
		n.words = append(n.words, w)
		n.prefix = append(n.prefix, pre)
	}
	if len(n.words) == 0 {
		return n, fmt.Errorf("%q has no words", s)
	}
	return n, nil
}
