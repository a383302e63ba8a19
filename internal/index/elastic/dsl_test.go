package elastic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"wirewatch/internal/query"
)

func TestCompileGolden(t *testing.T) {
	tests := []struct {
		name, query string
	}{
		{"word", "Lachin"},
		{"implicit-and", "Lachin corridor"},
		{"or-not-precedence", "blockade OR blocus -humanitarian"},
		{"phrase", `"corridor de Latchine"`},
		{"proximity", `"corridor Lachin"~3`},
		{"wildcard-text", "Lach*"},
		{"wildcard-accented", "title:Azerbaïdj*"},
		{"fuzzy", "Lavrof~ title:Лавроф~1"},
		{"title", `title:"Nagorno-Karabakh"`},
		{"keyword-fields", `lang:fr source:"Le Monde" topic:(lachin-corridor OR blockade) country:AM author:Dupont story:s1`},
		{"entity-id-or-name", `entity:Q399 entity:"Ilham Aliyev"`},
		{"keyword-wildcard", "source:arm*"},
		{"date-range", "published:[2026-01-01 TO 2026-01-31]"},
		{"date-open-exclusive", "published:>2026-01-01"},
		{"instant-inclusive", "published:<=2026-01-01T12:00:00Z"},
		{"not-group", "NOT (a OR b)"},
		{"open-range", "published:[* TO *] Lachin"},
	}
	c := newCompiler([]string{"en", "fr", "und"})
	var sb strings.Builder
	for _, tt := range tests {
		n, err := query.Parse(tt.query)
		if err != nil {
			t.Fatalf("%s: Parse(%q): %v", tt.name, tt.query, err)
		}
		got, err := c.compile(n)
		if err != nil {
			t.Fatalf("%s: compile(%q): %v", tt.name, tt.query, err)
		}
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString("### " + tt.name + "\n" + tt.query + "\n" + string(b) + "\n\n")
	}
	golden(t, "dsl.golden", sb.String())
}

func TestCompileRejectsUnknownNodes(t *testing.T) {
	c := newCompiler([]string{"en"})
	for _, n := range []query.Node{nil, &query.Range{Field: "title", From: "2026-01-01"}, &query.Term{Field: "nosuch", Value: "x"}} {
		_, err := c.compile(n)
		var qe *query.Error
		if !errors.As(err, &qe) {
			t.Errorf("compile(%#v): got %v, want a *query.Error", n, err)
		}
	}
}

func TestPublishedRangeRoundsToMilliseconds(t *testing.T) {
	n, err := query.Parse("published:[2026-01-01T10:00:00.0005Z TO 2026-01-01T11:00:00Z]")
	if err != nil {
		t.Fatal(err)
	}
	got, err := newCompiler([]string{"en"}).compile(n)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	// The inclusive end (11:00:00 + 1ns) must still include 11:00:00.000 once stored in ms.
	want := `{"range":{"published":{"gte":"2026-01-01T10:00:00.001Z","lt":"2026-01-01T11:00:00.001Z"}}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// FuzzCompile: every query the parser accepts compiles to DSL that marshals to JSON.
func FuzzCompile(f *testing.F) {
	for _, q := range []string{"Lachin", `"corridor de Latchine"~3`, "entity:Q399 -lang:en", "published:[2026-01-01 TO *]", "Lach* OR title:(a b)", "source:arm?n*"} {
		f.Add(q)
	}
	c := newCompiler([]string{"en", "fr", "und"})
	f.Fuzz(func(t *testing.T, src string) {
		n, err := query.Parse(src)
		if err != nil {
			return
		}
		q, err := c.compile(n)
		if err != nil {
			t.Fatalf("%q parses but does not compile: %v", src, err)
		}
		if _, err := json.Marshal(q); err != nil {
			t.Fatalf("%q: DSL does not marshal: %v", src, err)
		}
	})
}

func TestMergeHighlights(t *testing.T) {
	got := mergeHighlights([]string{
		"<mark>Lavrov</mark> met peacekeepers &amp; others",
		"Lavrov met <mark>peacekeepers</mark> &amp; others",
		"another <mark>piece</mark>",
	}, 3)
	want := []string{"<mark>Lavrov</mark> met <mark>peacekeepers</mark> &amp; others", "another <mark>piece</mark>"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("mergeHighlights = %q, want %q", got, want)
	}
	if got := mergeHighlights([]string{"a <mark>b</mark>", "c", "d"}, 1); len(got) != 1 {
		t.Fatalf("limit 1 kept %q", got)
	}
}

// TestClauseBound: a query of as many words as the servers' clause limit allows compiles;
// one word more is a *query.Error at that word, not a 500 from the server.
func TestClauseBound(t *testing.T) {
	c := newCompiler(query.DefaultLanguages)
	perWord := len(c.titles) + len(c.bodies)
	words := func(n int) (string, []int) {
		var sb strings.Builder
		var pos []int
		for i := range n {
			if i > 0 {
				sb.WriteString(" OR ")
			}
			pos = append(pos, sb.Len())
			fmt.Fprintf(&sb, "w%d", i)
		}
		return sb.String(), pos
	}
	most := maxClauses / perWord
	src, _ := words(most)
	n, err := query.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.compileBounded(n); err != nil {
		t.Fatalf("%d words: %v", most, err)
	}
	src, pos := words(most + 1)
	if n, err = query.Parse(src); err != nil {
		t.Fatal(err)
	}
	_, err = c.compileBounded(n)
	var qe *query.Error
	if !errors.As(err, &qe) || qe.Pos != pos[most] || !strings.Contains(qe.Msg, fmt.Sprintf("at most %d words", most)) {
		t.Fatalf("%d words: %v, want a query error at byte %d saying at most %d words", most+1, err, pos[most], most)
	}
	// Keyword terms cost one clause per keyword field, so many of them stay allowed.
	src = strings.Repeat("lang:fr OR ", 200) + "lang:en"
	if n, err = query.Parse(src); err != nil {
		t.Fatal(err)
	}
	if _, err := c.compileBounded(n); err != nil {
		t.Fatalf("201 keyword terms: %v", err)
	}
}
