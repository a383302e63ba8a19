package query

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Terms counts the words, phrases, wildcards and ranges of n: what MaxTerms bounds. A
// caller that widens a parsed query (expand) keeps it within MaxTerms with it.
func Terms(n Node) int {
	switch x := n.(type) {
	case *And:
		return termsOf(x.Nodes)
	case *Or:
		return termsOf(x.Nodes)
	case *Not:
		return Terms(x.Node)
	}
	return 1
}

func termsOf(ns []Node) int {
	c := 0
	for _, n := range ns {
		c += Terms(n)
	}
	return c
}

// Limits of the language. Every backend and the alert matcher run the same parse, so a
// query that would cost too much is refused in the same words everywhere, with its
// position, before any index is touched. The numbers are documented in the README's
// query section.
const (
	// MaxQueryBytes bounds the query text.
	MaxQueryBytes = maxQueryLen
	// MaxTerms bounds the words, phrases, wildcards and ranges of one query.
	MaxTerms = maxLeaves
	// MaxTermBytes bounds one word, wildcard pattern, phrase or field value.
	MaxTermBytes = 256
	// MaxWildcards bounds the wildcard terms of one query: each is matched against the
	// dictionary of every text field of every language. Topic rules use a score of
	// prefixes (переговор*), which cost little: the words under a prefix are read directly.
	MaxWildcards = 32
	// MaxPatterns bounds the wildcards that are not a plain prefix (Lat?hin, *corridor,
	// a*b*) and the fuzzy terms (Lavrov~) together: each is an automaton run over a whole
	// dictionary.
	MaxPatterns = 4
	// MaxFuzzyEdits bounds the edits of a fuzzy term (word~2), as Lucene and Bleve do;
	// MinFuzzyRunes is how long its word must be, so that it does not match every short
	// word.
	MaxFuzzyEdits = 2
	MinFuzzyRunes = 3
	// MaxWildcardChars bounds the * and ? of one pattern: each makes the automaton that
	// walks the dictionary larger.
	MaxWildcardChars = 4
	// MinWildcardLiterals is how many characters other than * and ? a pattern needs;
	// MinLeadingWildcardLiterals when it starts with one, as it then reads the whole
	// dictionary rather than the words under a prefix.
	MinWildcardLiterals        = 2
	MinLeadingWildcardLiterals = 3
)

// DateBounds returns the earliest and the latest day a query or a search request may
// name: outside them a date cannot be stored as nanoseconds since 1970, which is how
// the indexes keep it.
func DateBounds() (lo, hi time.Time) { return minDate, maxDate }

// checkTokenSize refuses a word, phrase or value longer than MaxTermBytes.
func (p *parser) checkTokenSize(t token) error {
	if len(t.text) > MaxTermBytes {
		return newError(p.src, t.pos, "term is %d bytes long; at most %d", len(t.text), MaxTermBytes)
	}
	return nil
}

// IsPrefixPattern reports whether a wildcard pattern is a literal prefix followed by one
// trailing * (Lach*): it matches the indexed words under that prefix, which backends
// read directly rather than through an automaton.
func IsPrefixPattern(pattern string) bool {
	body, ok := strings.CutSuffix(pattern, "*")
	return ok && body != "" && !strings.ContainsAny(body, "*?")
}

// checkWildcard applies the wildcard limits to the pattern of t.
func (p *parser) checkWildcard(t token) error {
	if p.wildcards++; p.wildcards > MaxWildcards {
		return newError(p.src, t.pos, "query has more than %d wildcard terms", MaxWildcards)
	}
	if !IsPrefixPattern(t.text) {
		if p.patterns++; p.patterns > MaxPatterns {
			return p.tooManyPatterns(t)
		}
	}
	wild := strings.Count(t.text, "*") + strings.Count(t.text, "?")
	if wild > MaxWildcardChars {
		return newError(p.src, t.pos, "wildcard %q has %d * and ?; at most %d", t.text, wild, MaxWildcardChars)
	}
	literals := utf8.RuneCountInString(t.text) - wild
	need := MinWildcardLiterals
	if t.text[0] == '*' || t.text[0] == '?' {
		need = MinLeadingWildcardLiterals
	}
	if literals < need {
		where := ""
		if need == MinLeadingWildcardLiterals {
			where = " when it starts with a wildcard"
		}
		return newError(p.src, t.pos, "wildcard %q needs at least %d characters besides * and ?%s", t.text, need, where)
	}
	return nil
}

func (p *parser) tooManyPatterns(t token) error {
	return newError(p.src, t.pos, "query has more than %d wildcards other than a trailing * and fuzzy terms (Lach* is cheap; Lat?hin, *corridor, a*b and Lavrov~ are not)", MaxPatterns)
}

// fuzzy builds the Fuzzy node of t (word~ or word~N), applying the limits.
func (p *parser) fuzzy(field string, kind fieldKind, t token) (Node, error) {
	if kind != textField {
		return nil, newError(p.src, t.pos, "fuzzy search (~) applies to text, not to %s", field)
	}
	if utf8.RuneCountInString(t.text) < MinFuzzyRunes {
		return nil, newError(p.src, t.pos, "fuzzy word %q needs at least %d characters", t.text, MinFuzzyRunes)
	}
	if p.patterns++; p.patterns > MaxPatterns {
		return nil, p.tooManyPatterns(t)
	}
	return &Fuzzy{Field: field, Value: t.text, Edits: t.slop, Pos: t.pos}, nil
}
