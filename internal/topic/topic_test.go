package topic

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"wirewatch/internal/article"
	"wirewatch/internal/query"
)

var (
	analysisOnce sync.Once
	analysis     *query.Analysis
	analysisErr  error
)

// testAnalysis is built once: it is what the enricher builds for the default languages.
func testAnalysis(t testing.TB) *query.Analysis {
	t.Helper()
	analysisOnce.Do(func() { analysis, analysisErr = query.NewAnalysis(query.DefaultLanguages) })
	if analysisErr != nil {
		t.Fatal(analysisErr)
	}
	return analysis
}

// articleOf is an article as the enricher hands it to the rules: language and entities found.
func articleOf(lang, text string, ids ...string) *article.Article {
	a := &article.Article{ID: "t", Lang: lang, Text: text}
	for _, id := range ids {
		a.Entities = append(a.Entities, article.Entity{ID: id})
	}
	return a
}

func parseOne(t testing.TB, rule string) (*Set, error) {
	t.Helper()
	return Parse("t.yaml", []byte("topics:\n  - id: t\n    rule: "+quoteYAML(rule)+"\n"), testAnalysis(t))
}

func quoteYAML(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func TestRuleMatch(t *testing.T) {
	cases := []struct {
		name, rule, lang, text string
		ids                    []string
		want                   bool
	}{
		{"word, case ignored", `corridor`, "fr", "Le CORRIDOR de Latchine", nil, true},
		{"phrase", `"corridor de Latchine"`, "fr", "le corridor de Latchine est fermé", nil, true},
		{"phrase words out of order", `"corridor de Latchine"`, "fr", "Latchine de corridor", nil, false},
		// The query language stems phrases in the article's language where the rules
		// language had prefixes: the dictionary form covers the Russian cases.
		{"stemmed phrase covers Russian cases", `"Лачинский коридор"`, "ru", "блокада Лачинского коридора", nil, true},
		{"prefixes cover Russian cases", `Лачинск* AND коридор*`, "ru", "блокада Лачинского коридора", nil, true},
		{"prefix in a language without stemmer", `dəhliz*`, "az", "Laçın dəhlizində vəziyyət sabitdir", nil, true},
		{"AND needs both", `Lachin AND corridor`, "en", "Lachin road", nil, false},
		{"implicit AND", `Lachin corridor`, "en", "the corridor near Lachin", nil, true},
		{"OR", `Lachin OR Latchine`, "fr", "Latchine", nil, true},
		{"NOT", `Karabakh NOT football`, "en", "Karabakh football club", nil, false},
		{"precedence: NOT, AND, OR", `a OR b AND NOT c`, "en", "b c", nil, false},
		{"parentheses", `(a OR b) AND c`, "en", "b c", nil, true},
		{"entity", `entity:Q399 AND entity:Q227`, "en", "x", []string{"Q227", "Q399"}, true},
		{"entity missing", `entity:Q399`, "en", "Armenia", nil, false},
		{"curated entity ID", `entity:ww:lachin-corridor`, "en", "x", []string{"ww:lachin-corridor"}, true},
		{"elision stripped", `Arménie`, "fr", "l'Arménie", nil, true},
		{"suffix apostrophe stripped", `Bakü`, "tr", "Bakü'yü", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseOne(t, tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			got := len(s.Match(articleOf(tc.lang, tc.text, tc.ids...))) == 1
			if got != tc.want {
				t.Errorf("%s on %q = %v, want %v", tc.rule, tc.text, got, tc.want)
			}
		})
	}
}

// TestRuleErrors checks that a bad rule is reported with the query language's error,
// whose byte offset and column point at the culprit.
func TestRuleErrors(t *testing.T) {
	cases := []struct {
		name, rule  string
		pos, column int
	}{
		{"empty", ``, 0, 1},
		{"unclosed paren", `(a OR b`, 0, 1},
		{"stray paren", `a )`, 2, 3},
		{"dangling OR", `a OR`, 2, 3},
		{"unterminated phrase", `"abc`, 0, 1},
		{"short prefix", `ab*`, 0, 1},
		{"wildcard in a phrase", `x OR "Лачинск* коридор*"`, 5, 6},
		{"empty entity", `entity:`, 7, 8},
		{"too deep", strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), 65, 66},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.rule)
			var qe *query.Error
			if !errors.As(err, &qe) || !errors.Is(err, ErrFile) {
				t.Fatalf("err = %v, want a *query.Error wrapped in ErrFile", err)
			}
			if qe.Pos != tc.pos || qe.Column != tc.column {
				t.Errorf("byte %d column %d, want byte %d column %d (%v)", qe.Pos, qe.Column, tc.pos, tc.column, err)
			}
		})
	}
}

func TestTopicsFileErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"bad id", "topics:\n  - id: Bad ID\n    rule: a\n", `topics[0]: id "Bad ID"`},
		{"duplicate", "topics:\n  - id: a\n    rule: x\n  - id: a\n    rule: y\n", `duplicate id "a"`},
		{"rule", "topics:\n  - id: a\n    rule: x AND (y\n", `topic "a" rule: query: unbalanced (: no ) after it (at column 7)`},
		{"non-ASCII rule", "topics:\n  - id: a\n    rule: Лачин OR\n", `topic "a" rule: query: dangling OR: nothing after it (at column 7)`},
		{"yaml", "topics: [", "t.yaml"},
		{"too many", "topics:\n" + strings.Repeat("  - {id: a, rule: x}\n", MaxTopics+1), "more than 1000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.yaml), testAnalysis(t))
			if !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrFile mentioning %q", err, tc.want)
			}
		})
	}
}

func TestMatchOrderAndNames(t *testing.T) {
	s, err := Parse("t.yaml", []byte("topics:\n  - id: b\n    rule: corridor\n  - id: a\n    name: A\n    rule: entity:Q399\n  - id: c\n    rule: nothing\n"), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Match(articleOf("en", "The corridor", "Q399")); strings.Join(got, ",") != "b,a" {
		t.Errorf("Match = %v, want [b a] (file order)", got)
	}
	if ts := s.Topics(); len(ts) != 3 || ts[0].Name != "b" || ts[1].Name != "A" {
		t.Errorf("Topics = %+v, want names defaulting to the ID", ts)
	}
	var none *Set
	if none.Match(articleOf("en", "corridor")) != nil || none.Len() != 0 {
		t.Error("a nil Set must match nothing")
	}
}

func shippedTopics(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "config", "topics.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShippedTopicsParse keeps config/topics.yaml valid.
func TestShippedTopicsParse(t *testing.T) {
	s, err := Parse("config/topics.yaml", shippedTopics(t), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() < 6 {
		t.Errorf("only %d topics", s.Len())
	}
}

// FuzzParseTopics feeds topic files, and rules inside a topic file, to Parse and matches
// what parses against an article.
func FuzzParseTopics(f *testing.F) {
	f.Add(shippedTopics(f), "")
	f.Add([]byte("topics:\n  - id: a\n    rule: x AND (y\n"), "")
	f.Add([]byte("topics: 3"), "")
	for _, rule := range []string{
		`entity:ww:lachin-corridor OR "corridor de Latchine" OR ("Lachin" AND corridor)`,
		`a AND NOT (b OR "c d")`, `((((a))))`, `"unterminated`, `NOT NOT NOT x`, `Лачинск* -x OR y`,
		`"escaped \" phrase"`, `entity: OR`, `)(`, `"corridor Lachin"~3 OR Lat?hin*`,
	} {
		f.Add([]byte{}, rule)
	}
	an := testAnalysis(f)
	f.Fuzz(func(t *testing.T, b []byte, rule string) {
		if rule != "" {
			b = []byte("topics:\n  - id: a\n    rule: " + quoteYAML(rule) + "\n")
		}
		s, err := Parse("fuzz.yaml", b, an)
		if err != nil {
			if !errors.Is(err, ErrFile) {
				t.Fatalf("error %v does not wrap ErrFile", err)
			}
			var qe *query.Error
			if errors.As(err, &qe) && (qe.Pos < 0 || qe.Column < 1) {
				t.Fatalf("bad position in %v", err)
			}
			return
		}
		for _, tp := range s.Topics() {
			if tp.m == nil {
				t.Fatalf("topic %q has no compiled rule", tp.ID)
			}
		}
		for _, lang := range []string{"fr", "ru", "az", ""} {
			s.Match(articleOf(lang, "Le corridor de Latchine, Lachin, Лачинского коридора, Laçın dəhlizi.", "Q399"))
		}
	})
}

// TestShippedTaxonomy checks that the rules of config/topics.yaml cover the inflected
// forms they name, now that words are stemmed and wildcards meet the stems.
func TestShippedTaxonomy(t *testing.T) {
	s, err := Parse("config/topics.yaml", shippedTopics(t), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, lang, text string
		ids              []string
		want             string
	}{
		{"French plural of a wildcard word", "fr", "Les soldats de la paix russes restent.", nil, "russian-peacekeepers"},
		{"French plural refugees", "fr", "Les réfugiés arrivent à Goris.", []string{"Q399"}, "refugees-humanitarian"},
		{"English plural refugees", "en", "Refugees arrive in Goris.", []string{"Q399"}, "refugees-humanitarian"},
		{"Russian nominative", "ru", "Карабах сегодня.", nil, "nagorno-karabakh"},
		{"Russian locative", "ru", "Ситуация в Карабахе.", nil, "nagorno-karabakh"},
		{"Russian phrase in the genitive", "ru", "Текст мирного договора готов.", []string{"Q399", "Q227"}, "armenia-azerbaijan-peace"},
		{"Russian without ё", "ru", "Проект «Перекресток мира».", nil, "zangezur-corridor"},
		{"Azerbaijani suffixes", "az", "Laçın dəhlizində vəziyyət sabitdir.", nil, "lachin-corridor"},
		{"Armenian suffixes", "hy", "Լաչինի միջանցքը փակ է։", nil, "lachin-corridor"},
		{"Turkish phrase in the locative", "tr", "Barış sürecinde yeni adım.", []string{"Q399", "Q227"}, "armenia-azerbaijan-peace"},
		{"English inflected election", "en", "Georgia held elections.", []string{"Q994"}, "georgia-politics"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Match(articleOf(tc.lang, tc.text, tc.ids...))
			if !slices.Contains(got, tc.want) {
				t.Errorf("topics %v lack %s", got, tc.want)
			}
		})
	}
}

// TestRulesAndNames checks a topic with several rules (any one makes a member, each
// bounded on its own) and names in other languages.
func TestRulesAndNames(t *testing.T) {
	yml := "topics:\n  - id: a\n    name: Peace\n    names: {fr: Paix, ru: Мир}\n    rules:\n      - corridor\n      - entity:Q399\n"
	s, err := Parse("t.yaml", []byte(yml), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*article.Article{articleOf("en", "The corridor"), articleOf("en", "x", "Q399")} {
		if got := s.Match(a); len(got) != 1 || got[0] != "a" {
			t.Errorf("Match(%q %v) = %v, want [a]", a.Text, a.Entities, got)
		}
	}
	if got := s.Match(articleOf("en", "nothing")); got != nil {
		t.Errorf("Match = %v, want none", got)
	}
	tp := s.Topics()[0]
	for lang, want := range map[string]string{"fr": "Paix", "fr-CA": "Paix", "RU": "Мир", "de": "Peace", "": "Peace"} {
		if got := tp.NameIn(lang); got != want {
			t.Errorf("NameIn(%q) = %q, want %q", lang, got, want)
		}
	}

	tooMany := "topics:\n  - id: a\n    rules: [" + strings.Repeat("x, ", MaxRules) + "x]\n"
	if _, err := Parse("t.yaml", []byte(tooMany), testAnalysis(t)); !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), "more than 16") {
		t.Errorf("err = %v, want ErrFile for more than %d rules", err, MaxRules)
	}
	bad := "topics:\n  - id: a\n    rules: [x, \"y OR\"]\n"
	var qe *query.Error
	if _, err := Parse("t.yaml", []byte(bad), testAnalysis(t)); !errors.As(err, &qe) || !strings.Contains(err.Error(), `topic "a" rules[1]`) {
		t.Errorf("err = %v, want a *query.Error naming rules[1]", err)
	}
}
