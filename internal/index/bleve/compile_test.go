package bleve

import (
	"errors"
	"strings"
	"testing"

	"wirewatch/internal/query"
)

func newTestCompiler(t testing.TB) compiler {
	t.Helper()
	an, err := query.NewAnalysis(query.DefaultLanguages)
	if err != nil {
		t.Fatalf("building analysers: %v", err)
	}
	return compiler{an}
}

// FuzzCompile checks that whatever parses also compiles to a Bleve query without
// panicking, and that failures are *query.Error. (Package query fuzzes the matcher.)
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"Lachin", `"corridor de Latchine"~5`, "l'Arménie -blocus", "Лачин* OR entity:Q399",
		`"a b c d e f g"~20`, "published:>2026-01-01 topic:(a OR b*)", "title:«»", "---a",
	} {
		f.Add(s)
	}
	c := newTestCompiler(f)
	f.Fuzz(func(t *testing.T, s string) {
		n, err := query.Parse(s)
		if err != nil {
			return
		}
		var qe *query.Error
		if _, err := c.compile(n); err != nil && !errors.As(err, &qe) {
			t.Fatalf("Bleve(%q): %T %v", s, err, err)
		}
	})
}

// A proximity search with too many ways of placing its gaps is refused, by the Matcher
// and the Bleve compiler alike.
func TestProximityTooBroad(t *testing.T) {
	c := newTestCompiler(t)
	tests := []struct {
		name  string
		query string
		broad bool
	}{
		{"three words within 20", `"corridor blocus Latchine"~20`, false},
		{"four words within 20", `"corridor blocus Latchine frontière"~20`, true},
		{"four words as a phrase", `"corridor blocus Latchine frontière"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := query.Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			_, mErr := query.Compile(n, query.MatchOptions{Analysis: c.an})
			_, bErr := c.compile(n)
			for _, err := range []error{mErr, bErr} {
				var qe *query.Error
				if got := errors.As(err, &qe) && strings.Contains(qe.Msg, "too broad"); got != tt.broad {
					t.Errorf("%q: too broad = %v (err %v), want %v", tt.query, got, err, tt.broad)
				}
			}
		})
	}
}
