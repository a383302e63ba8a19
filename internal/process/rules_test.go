package process

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func docOf(text string, ids ...string) *ruleDoc {
	var norms []string
	for _, t := range tokenize(text, nil) {
		norms = append(norms, t.Norm)
	}
	return newRuleDoc(norms, ids)
}

func TestRuleEval(t *testing.T) {
	cases := []struct {
		name, rule, text string
		ids              []string
		want             bool
	}{
		{"word, case and accents ignored", `corridor`, "Le CORRIDOR de Latchine", nil, true},
		{"phrase", `"corridor de Latchine"`, "le corridor de Latchine est fermé", nil, true},
		{"phrase words out of order", `"corridor de Latchine"`, "Latchine de corridor", nil, false},
		{"prefix covers Russian cases", `"Лачинск* коридор*"`, "блокада Лачинского коридора", nil, true},
		{"AND needs both", `Lachin AND corridor`, "Lachin road", nil, false},
		{"implicit AND", `Lachin corridor`, "the corridor near Lachin", nil, true},
		{"OR", `Lachin OR Latchine`, "Latchine", nil, true},
		{"NOT", `Karabakh NOT football`, "Karabakh football club", nil, false},
		{"precedence: NOT, AND, OR", `a OR b AND NOT c`, "b c", nil, false},
		{"parentheses", `(a OR b) AND c`, "b c", nil, true},
		{"entity", `entity:Q399 AND entity:Q227`, "x", []string{"Q227", "Q399"}, true},
		{"entity missing", `entity:Q399`, "Armenia", nil, false},
		{"elision stripped", `Arménie`, "l'Arménie", nil, true},
		{"suffix apostrophe stripped", `Bakü`, "Bakü'yü", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := parseRule(tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			if got := n.eval(docOf(tc.text, tc.ids...)); got != tc.want {
				t.Errorf("%s on %q = %v, want %v", tc.rule, tc.text, got, tc.want)
			}
		})
	}
}

func TestRuleErrors(t *testing.T) {
	cases := []struct {
		name, rule string
		pos        int
	}{
		{"empty", ``, 0},
		{"unclosed paren", `(a OR b`, 7},
		{"stray paren", `a )`, 2},
		{"dangling OR", `a OR`, 4},
		{"unterminated phrase", `"abc`, 0},
		{"short prefix", `ab*`, 0},
		{"empty entity", `entity:`, 0},
		{"too deep", strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRule(tc.rule)
			var re *RuleError
			if !errors.As(err, &re) || !errors.Is(err, ErrRule) {
				t.Fatalf("err = %v, want a *RuleError", err)
			}
			if re.Pos != tc.pos {
				t.Errorf("position %d, want %d (%v)", re.Pos, tc.pos, err)
			}
		})
	}
}

func TestTopicsFileErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"bad id", "topics:\n  - id: Bad ID\n    rule: a\n", `topics[0]: id "Bad ID"`},
		{"duplicate", "topics:\n  - id: a\n    rule: x\n  - id: a\n    rule: y\n", `duplicate id "a"`},
		{"rule", "topics:\n  - id: a\n    rule: (x\n", `topic "a" rule at byte 2`},
		{"yaml", "topics: [", "t.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseTopics("t.yaml", []byte(tc.yaml))
			if !errors.Is(err, ErrTopicsFile) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrTopicsFile mentioning %q", err, tc.want)
			}
		})
	}
}

// TestShippedTopicsParse keeps config/topics.yaml valid.
func TestShippedTopicsParse(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "config", "topics.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	topics, err := parseTopics("config/topics.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) < 6 {
		t.Errorf("only %d topics", len(topics))
	}
}

func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		`entity:ww:lachin-corridor OR "corridor de Latchine" OR ("Lachin" AND corridor)`,
		`a AND NOT (b OR "c d*")`, `((((a))))`, `"unterminated`, `NOT NOT NOT x`, `Лачинск* && !x || y`,
		`"\"escaped\" phrase"`, `entity: OR`, `)(`,
	} {
		f.Add(s, "Le corridor de Latchine, Lachin, Лачинского коридора.")
	}
	f.Fuzz(func(t *testing.T, rule, text string) {
		n, err := parseRule(rule)
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) || re.Pos < 0 || re.Pos > len(rule) {
				t.Fatalf("bad error %v for %q", err, rule)
			}
			return
		}
		n.eval(docOf(text, "Q399"))
	})
}

func FuzzParseTopics(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("..", "..", "config", "topics.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("topics:\n  - id: a\n    rule: x AND (y\n"))
	f.Add([]byte("topics: 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		topics, err := parseTopics("fuzz.yaml", b)
		if err != nil {
			if !errors.Is(err, ErrTopicsFile) {
				t.Fatalf("error %v does not wrap ErrTopicsFile", err)
			}
			return
		}
		for _, tp := range topics {
			if tp.expr == nil {
				t.Fatalf("topic %q has no parsed rule", tp.ID)
			}
		}
	})
}
