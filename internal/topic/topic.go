package topic

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"wirewatch/internal/article"
	"wirewatch/internal/query"
)

// Topic is one category of the taxonomy: an ID (what articles carry), a display name, its
// names in other languages and the rules, in the query language, that decide membership.
type Topic struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// Names are the topic's names by language (ISO 639-1), for readers of other languages
	// than Name's; NameIn picks one.
	Names map[string]string `yaml:"names" json:"names,omitempty"`
	// Rule decides membership; Rules, when given, are more rules any one of which makes an
	// article a member. Each is bounded as a query is (query.MaxWildcards and the rest), so
	// a topic with vocabulary in many languages splits it over Rules, a language or a few
	// per rule, rather than writing one rule past the bounds.
	Rule  string   `yaml:"rule" json:"rule"`
	Rules []string `yaml:"rules" json:"rules,omitempty"`

	m []*query.Matcher
}

// NameIn returns the topic's name in lang (ISO 639-1, or a tag such as "fr-CA" whose
// language is used), or Name when the file gives none in that language.
func (t Topic) NameIn(lang string) string {
	lang, _, _ = strings.Cut(strings.ToLower(lang), "-")
	if n := t.Names[lang]; n != "" {
		return n
	}
	return t.Name
}

// Set is a parsed topics file: its topics in file order, each rule compiled. It is
// read-only after Parse and safe for concurrent use.
type Set struct {
	an     *query.Analysis
	topics []Topic
}

// ErrFile marks an unusable topics file; the message names the file, the topic and, for a
// rule, the column (the *query.Error is wrapped too).
var ErrFile = errors.New("invalid topics file")

// MaxTopics bounds a topics file: every topic costs one match per article.
const MaxTopics = 1000

// MaxRules bounds a topic's Rules: each costs one match per article.
const MaxRules = 16

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Parse reads a topics file (name is for messages) and compiles each rule once with an,
// the analysers of the languages in use; Set.Match analyses articles with the same one.
// A rule is bounded as any query is (8 KiB, 256 terms, 64 levels); past a bound, or on any
// other fault, Parse refuses the whole file.
func Parse(name string, b []byte, an *query.Analysis) (*Set, error) {
	topics, err := ParseNames(name, b)
	if err != nil {
		return nil, err
	}
	for i := range topics {
		t := &topics[i]
		if t.Rule != "" || len(t.Rules) == 0 {
			m, err := compile(t.Rule, an)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: topic %q rule: %w", ErrFile, name, t.ID, err)
			}
			t.m = append(t.m, m)
		}
		for j, rule := range t.Rules {
			m, err := compile(rule, an)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: topic %q rules[%d]: %w", ErrFile, name, t.ID, j, err)
			}
			t.m = append(t.m, m)
		}
	}
	return &Set{an: an, topics: topics}, nil
}

// ParseNames reads a topics file as Parse does, without compiling the rules: the topics'
// IDs and names, for a process that shows topics but does not assign them (the search API
// and UI without the enrichment stage). The rules are not checked; Topic.Rule and
// Topic.Rules are as written.
func ParseNames(name string, b []byte) ([]Topic, error) {
	var f struct {
		Topics []Topic `yaml:"topics"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFile, name, err)
	}
	if len(f.Topics) > MaxTopics {
		return nil, fmt.Errorf("%w: %s: %d topics, more than %d", ErrFile, name, len(f.Topics), MaxTopics)
	}
	seen := make(map[string]bool, len(f.Topics))
	for i := range f.Topics {
		t := &f.Topics[i]
		switch {
		case !idPattern.MatchString(t.ID):
			return nil, fmt.Errorf("%w: %s: topics[%d]: id %q must be lower-case letters, digits, '.', '_' or '-'", ErrFile, name, i, t.ID)
		case seen[t.ID]:
			return nil, fmt.Errorf("%w: %s: topics[%d]: duplicate id %q", ErrFile, name, i, t.ID)
		case len(t.Rules) > MaxRules:
			return nil, fmt.Errorf("%w: %s: topic %q: %d rules, more than %d", ErrFile, name, t.ID, len(t.Rules), MaxRules)
		}
		seen[t.ID] = true
		if t.Name == "" {
			t.Name = t.ID
		}
	}
	return f.Topics, nil
}

func compile(rule string, an *query.Analysis) (*query.Matcher, error) {
	n, err := query.Parse(rule)
	if err != nil {
		return nil, err
	}
	if qe := check(n); qe != nil {
		return nil, qe.WithSource(rule)
	}
	m, err := query.Compile(n, query.MatchOptions{Analysis: an})
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			qe.WithSource(rule)
		}
		return nil, err
	}
	return m, nil
}

// minPrefix is the fewest characters a wildcard must fix before its first * or ?: a rule
// runs on every article, and "ab*" matches too much to say anything about a topic.
const minPrefix = 3

// check refuses what the query language accepts but a topic rule should not hold: a
// wildcard inside a phrase (the analysers drop the *, so "Лачинск* коридор*" would quietly
// be the phrase "Лачинск коридор") and a wildcard with a short fixed start.
func check(n query.Node) *query.Error {
	switch x := n.(type) {
	case *query.And:
		return checkAll(x.Nodes)
	case *query.Or:
		return checkAll(x.Nodes)
	case *query.Not:
		return check(x.Node)
	case *query.Phrase:
		if !query.IsKeywordField(x.Field) && strings.Contains(x.Value, "*") {
			return &query.Error{Pos: x.Pos, Msg: "a phrase cannot hold a wildcard: write the phrase in its dictionary form (stemming covers inflections) or join the words with AND"}
		}
	case *query.Wildcard:
		lead, _, _ := strings.Cut(strings.ReplaceAll(x.Pattern, "?", "*"), "*")
		if utf8.RuneCountInString(lead) < minPrefix {
			return &query.Error{Pos: x.Pos, Msg: fmt.Sprintf("wildcard %q fixes fewer than %d characters before its first * or ?", x.Pattern, minPrefix)}
		}
	}
	return nil
}

func checkAll(ns []query.Node) *query.Error {
	for _, n := range ns {
		if qe := check(n); qe != nil {
			return qe
		}
	}
	return nil
}

// Topics returns the topics in file order.
func (s *Set) Topics() []Topic {
	if s == nil {
		return nil
	}
	return append([]Topic(nil), s.topics...)
}

// Len returns the number of topics.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.topics)
}

// Match returns the IDs of the topics whose rules match a, in file order; nil when none
// does. a must carry its language and entities already.
func (s *Set) Match(a *article.Article) []string {
	if s.Len() == 0 {
		return nil
	}
	d := s.an.Doc(a)
	defer d.Release() // nothing returned points into it
	return s.MatchDoc(d)
}

// MatchDoc is Match for an article already analysed, by the query.Analysis s was parsed
// with (a caller that cut the article's words itself builds d with DocWords). d's
// article must carry its language and entities, and no topics yet.
func (s *Set) MatchDoc(d *query.Doc) []string {
	if s.Len() == 0 {
		return nil
	}
	var ids []string
	for i := range s.topics {
		for _, m := range s.topics[i].m {
			if m.MatchDoc(d) {
				ids = append(ids, s.topics[i].ID)
				break
			}
		}
	}
	return ids
}
