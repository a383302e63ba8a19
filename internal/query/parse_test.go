package query

import (
	"errors"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"word", "Lachin", "Lachin"},
		{"implicit and", "corridor Lachin", "corridor AND Lachin"},
		{"precedence", "a b OR c", "(a AND b) OR c"},
		{"brackets kept", "a (b OR c)", "a AND (b OR c)"},
		{"nested and kept", "(a b) c", "(a AND b) AND c"},
		{"not and minus", "NOT a -b +c", "NOT a AND NOT b AND c"},
		{"not group", "-(a OR b)", "NOT (a OR b)"},
		{"phrase", `"corridor de Latchine"`, `"corridor de Latchine"`},
		{"proximity", `"corridor Lachin"~3`, `"corridor Lachin"~3`},
		{"zero slop", `"a b"~0`, `"a b"`},
		{"fields", `lang:fr source:"Le Monde" entity:Q399`, `lang:fr AND source:"Le Monde" AND entity:Q399`},
		{"entity with colon", "entity:ww:lachin", "entity:ww:lachin"},
		{"wildcards", "Lach* Lat?hin", "Lach* AND Lat?hin"},
		{"field group", "topic:(a OR b)", "topic:a OR topic:b"},
		{"range", "published:[2026-01-01 TO 2026-02-01]", "published:[2026-01-01 TO 2026-02-01]"},
		{"range open", "published:[2026-01-01 TO *]", "published:>=2026-01-01"},
		{"comparison", "published:>2026-01-01", "published:>2026-01-01"},
		{"day", "published:2026-01-05", "published:[2026-01-05 TO 2026-01-05]"},
		{"lowercase operators are words", "a and b", "a AND and AND b"},
		{"unicode space", "Лачин\u00a0коридор", "Лачин AND коридор"},
		{"operator word after field", "topic:AND", "topic:AND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := n.String(); got != tt.want {
				t.Fatalf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			again, err := Parse(n.String())
			if err != nil || !Equal(n, again) {
				t.Fatalf("round trip of %q: %v, %v", n.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		pos      int
	}{
		{"empty", "   ", 0},
		{"unclosed quote", `a "corridor Lachin`, 2},
		{"unclosed paren", "a (b OR c", 2},
		{"stray paren", "a b)", 3},
		{"empty parens", "a ()", 2},
		{"unknown field", "a foo:bar", 2},
		{"dangling and", "a AND", 2},
		{"dangling or", "a OR", 2},
		{"leading or", "OR a", 0},
		{"dangling not", "a NOT", 2},
		{"dangling minus", "a - b", 2},
		{"missing value", "lang: fr", 5},
		{"bad range syntax", "published:[2026-01-01 2026-02-01]", 10},
		{"bad range date", "published:[2026-01-01 TO 2026-13-01]", 25},
		{"inverted range", "published:[2026-02-01 TO 2026-01-01]", 10},
		{"range on text", "[a TO b]", 0},
		{"range on keyword", "topic:[a TO b]", 6},
		{"bad comparison", "published:>soon", 11},
		{"slop too big", `"a b"~99`, 6},
		{"fuzzy with too many edits", "Lachin~3", 6},
		{"fuzzy with a bad count", "Lachin~x", 7},
		{"fuzzy wildcard", "Lach*~1", 5},
		{"fuzzy keyword", "topic:talks~", 6},
		{"fuzzy short word", "ab~", 0},
		{"bad relative unit", "published:>now-1x", 16},
		{"bad rounding unit", "published:[now-7d/q TO now]", 18},
		{"relative without number", "published:<now-d", 14},
		{"only wildcard", "a *", 2},
		{"phrase glued", `"a b"c`, 5},
		{"unclosed range", "published:[2026-01-01 TO", 10},
		{"column counts runes", "Лачин (", 11},
		{"too many terms", strings.Repeat("a ", 256) + "b", 512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q) = %v, %v; want *Error", tt.in, n, err)
			}
			if qe.Pos != tt.pos {
				t.Fatalf("Parse(%q) error %q at %d, want at %d", tt.in, qe.Msg, qe.Pos, tt.pos)
			}
		})
	}
	_, err := Parse("Лачин (")
	if qe := err.(*Error); qe.Column != 7 {
		t.Fatalf("column = %d, want 7 (runes, 1-based)", qe.Column)
	}
}

func TestRangeBounds(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		in     string
		lo, hi time.Time
	}{
		{"published:[2026-01-01 TO 2026-01-31]", day("2026-01-01"), day("2026-02-01")},
		{"published:{2026-01-01 TO 2026-01-31}", day("2026-01-02"), day("2026-01-31")},
		{"published:>2026-01-01", day("2026-01-02"), time.Time{}},
		{"published:<=2026-01-01", time.Time{}, day("2026-01-02")},
		{"published:2026-01-05", day("2026-01-05"), day("2026-01-06")},
		{"published:>=2026-01-01T10:00:00Z", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := n.(*Range).Bounds()
			if !lo.Equal(tt.lo) || !hi.Equal(tt.hi) {
				t.Fatalf("Bounds = [%v, %v), want [%v, %v)", lo, hi, tt.lo, tt.hi)
			}
		})
	}
}

// FuzzCompile checks that whatever parses also compiles for the matcher, without
// panicking, and that failures are *Error. (Package index/bleve fuzzes its compiler.)
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"Lachin", `"corridor de Latchine"~5`, "l'Arménie -blocus", "Лачин* OR entity:Q399",
		`"a b c d e f g"~20`, "published:>2026-01-01 topic:(a OR b*)", "title:«»", "---a",
		"Lavrov~1 peacekeeper* -Erdoğ?n~ published:[now-7d/d TO now]",
	} {
		f.Add(s)
	}
	an, err := NewAnalysis(DefaultLanguages)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		var qe *Error
		m, err := Compile(n, MatchOptions{Analysis: an})
		if err != nil {
			if !errors.As(err, &qe) {
				t.Fatalf("Compile(%q): %T %v", s, err, err)
			}
			return
		}
		m.Highlight(an.Doc(&article.Article{ID: "x", Lang: "fr", Title: s, Text: s + " " + s}))
		m.Required()
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Lachin", `"corridor de Latchine"`, `"corridor Lachin"~3 -blocus`, "a b OR c",
		"NOT (a OR b) +c", "lang:fr source:\"Le Monde\" entity:Q399", "topic:(a OR b)",
		"published:[2026-01-01 TO 2026-02-01]", "published:>2026-01-01", "Lach* Lat?hin",
		"entity:ww:x", "(((a)))", `a "b`, "a)", "published:{* TO 2026-01-01T10:00:00Z]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q) returned %T, want *Error", s, err)
			}
			if qe.Pos < 0 || qe.Pos > len(s) {
				t.Fatalf("Parse(%q) error position %d outside the query", s, qe.Pos)
			}
			return
		}
		again, err := Parse(n.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, n.String(), err)
		}
		if !Equal(n, again) {
			t.Fatalf("round trip changed the query: %q → %q → %q", s, n.String(), again.String())
		}
	})
}
