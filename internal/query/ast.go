package query

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field names accepted before a colon. FieldText (no field) searches title and body.
const (
	FieldText      = ""
	FieldTitle     = "title"
	FieldLang      = "lang"
	FieldSource    = "source"
	FieldEntity    = "entity"
	FieldTopic     = "topic"
	FieldCountry   = "country"
	FieldAuthor    = "author"
	FieldStory     = "story"
	FieldPublished = "published"
)

// fieldKinds says how each field is searched.
var fieldKinds = map[string]fieldKind{
	FieldTitle:     textField,
	FieldLang:      keywordField,
	FieldSource:    keywordField,
	FieldEntity:    keywordField,
	FieldTopic:     keywordField,
	FieldCountry:   keywordField,
	FieldAuthor:    keywordField,
	FieldStory:     keywordField,
	FieldPublished: dateField,
}

type fieldKind int

const (
	textField fieldKind = iota
	keywordField
	dateField
)

// IsKeywordField reports whether field compares whole values (case-insensitively) rather
// than analysed text.
func IsKeywordField(field string) bool {
	return fieldKinds[field] == keywordField && field != FieldText
}

// Node is a parsed query. The concrete types are *Term, *Phrase, *Wildcard, *Fuzzy, *Range,
// *And, *Or and *Not. String returns the query in canonical syntax; parsing it gives an equal
// node (see Equal).
type Node interface {
	String() string
	node()
}

// Term is one word, or one keyword value when Field is a keyword field.
type Term struct {
	Field string
	Value string
	Pos   int // byte offset in the source; not part of the query's meaning
}

// Phrase is a quoted run of words. Slop > 0 makes it a proximity search (see the package
// documentation); on keyword fields a phrase is simply a value with spaces.
type Phrase struct {
	Field string
	Value string
	Slop  int
	Pos   int
}

// Wildcard is a word with * (any run of characters) or ? (one character).
type Wildcard struct {
	Field   string
	Pattern string
	Pos     int
}

// WildcardRegexp turns a wildcard pattern (already normalised) into the anchored regular
// expression that the Matcher and the Bleve backend apply to whole terms.
func WildcardRegexp(pattern string) string {
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// Fuzzy is a word that may be misspelt: Edits insertions, deletions, substitutions or
// swaps of two neighbouring characters away from a word as written (not its stem), in
// title and body. Edits is -1 for word~, which allows edits by the word's length (see
// MaxEdits).
type Fuzzy struct {
	Field string
	Value string
	Edits int
	Pos   int
}

// MaxEdits returns the edits f allows: Edits, or for word~ 0 for words of up to 2
// characters, 1 up to 5 and 2 beyond, as Elasticsearch's AUTO.
func (f *Fuzzy) MaxEdits() int {
	if f.Edits >= 0 {
		return f.Edits
	}
	switch n := utf8.RuneCountInString(Fold(f.Value)); {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}

// Range is a date range on the published field. An empty From or To is open.
// Use Bounds for the instants it covers.
type Range struct {
	Field                      string
	From, To                   string
	FromInclusive, ToInclusive bool
	Pos                        int
}

// And matches when all its nodes match.
type And struct{ Nodes []Node }

// Or matches when any of its nodes matches.
type Or struct{ Nodes []Node }

// Not matches when its node does not.
type Not struct{ Node Node }

func (*Term) node()     {}
func (*Phrase) node()   {}
func (*Wildcard) node() {}
func (*Range) node()    {}
func (*Fuzzy) node()    {}
func (*And) node()      {}
func (*Or) node()       {}
func (*Not) node()      {}

func fieldPrefix(f string) string {
	if f == "" {
		return ""
	}
	return f + ":"
}

func (t *Term) String() string { return fieldPrefix(t.Field) + t.Value }

// Phrase returns t as the one-word phrase it means. Compilers handle both as one case: a
// word the analyser splits into several tokens ("Nagorno-Karabakh") is searched as the
// phrase of those tokens, and on keyword fields both are a whole value.
func (t *Term) Phrase() *Phrase { return &Phrase{Field: t.Field, Value: t.Value, Pos: t.Pos} }

func (p *Phrase) String() string {
	s := fieldPrefix(p.Field) + `"` + p.Value + `"`
	if p.Slop > 0 {
		s += "~" + strconv.Itoa(p.Slop)
	}
	return s
}

func (w *Wildcard) String() string { return fieldPrefix(w.Field) + w.Pattern }

func (f *Fuzzy) String() string {
	s := fieldPrefix(f.Field) + f.Value + "~"
	if f.Edits >= 0 {
		s += strconv.Itoa(f.Edits)
	}
	return s
}

func (r *Range) String() string {
	p := fieldPrefix(r.Field)
	switch {
	case r.From != "" && r.To == "":
		if r.FromInclusive {
			return p + ">=" + r.From
		}
		return p + ">" + r.From
	case r.From == "" && r.To != "":
		if r.ToInclusive {
			return p + "<=" + r.To
		}
		return p + "<" + r.To
	}
	open, close := "{", "}"
	if r.FromInclusive {
		open = "["
	}
	if r.ToInclusive {
		close = "]"
	}
	from, to := r.From, r.To
	if from == "" {
		from = "*"
	}
	if to == "" {
		to = "*"
	}
	return p + open + from + " TO " + to + close
}

func (a *And) String() string { return joinNodes(a.Nodes, " AND ") }
func (o *Or) String() string  { return joinNodes(o.Nodes, " OR ") }

func (n *Not) String() string {
	switch n.Node.(type) {
	case *And, *Or:
		return "NOT (" + n.Node.String() + ")"
	}
	return "NOT " + n.Node.String()
}

// joinNodes brackets every child And or Or, so that the printed query parses back to the
// same tree shape (the parser never flattens brackets away).
func joinNodes(nodes []Node, op string) string {
	var b strings.Builder
	for i, n := range nodes {
		if i > 0 {
			b.WriteString(op)
		}
		switch n.(type) {
		case *And, *Or:
			b.WriteString("(" + n.String() + ")")
		default:
			b.WriteString(n.String())
		}
	}
	return b.String()
}

// Equal reports whether a and b are the same query, ignoring source positions.
func Equal(a, b Node) bool {
	switch x := a.(type) {
	case *Term:
		y, ok := b.(*Term)
		return ok && x.Field == y.Field && x.Value == y.Value
	case *Phrase:
		y, ok := b.(*Phrase)
		return ok && x.Field == y.Field && x.Value == y.Value && x.Slop == y.Slop
	case *Wildcard:
		y, ok := b.(*Wildcard)
		return ok && x.Field == y.Field && x.Pattern == y.Pattern
	case *Fuzzy:
		y, ok := b.(*Fuzzy)
		return ok && x.Field == y.Field && x.Value == y.Value && x.Edits == y.Edits
	case *Range:
		y, ok := b.(*Range)
		return ok && x.Field == y.Field && x.From == y.From && x.To == y.To &&
			x.FromInclusive == y.FromInclusive && x.ToInclusive == y.ToInclusive
	case *And:
		y, ok := b.(*And)
		return ok && equalAll(x.Nodes, y.Nodes)
	case *Or:
		y, ok := b.(*Or)
		return ok && equalAll(x.Nodes, y.Nodes)
	case *Not:
		y, ok := b.(*Not)
		return ok && Equal(x.Node, y.Node)
	}
	return false
}

func equalAll(a, b []Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
