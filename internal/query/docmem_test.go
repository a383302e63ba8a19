package query

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"wirewatch/internal/article"
)

// TestReleasedDocMemoryServesTheNextDoc: Docs made one after another, each released once
// matched and highlighted, so that each is made in the memory of the one before (of
// another language, another length, with or without fold fields built), match and
// highlight exactly as Docs that were never released.
func TestReleasedDocMemoryServesTheNextDoc(t *testing.T) {
	an := newTestAnalysis(t)
	arts := []*article.Article{
		{ID: "fr", Lang: "fr", Title: "Le blocus du corridor de Latchine", Summary: "L'Arménie accuse l'Azerbaïdjan.",
			Text: strings.Repeat("Les corridors restent fermés depuis décembre, dit l'ambassadeur. ", 40)},
		{ID: "en", Lang: "en", Title: "Peacekeepers' convoy reaches Stepanakert", Text: "Russia's ministry denied it; the convoy walked on."},
		{ID: "ru", Lang: "ru", Title: "Блокада Лачинского коридора", Text: strings.Repeat("Лавров встретился с Пашиняном в Москве. ", 25)},
		{ID: "tr", Lang: "tr", Title: "Bakü'nün açıklaması", Text: "Ermenistan'ın heyeti İstanbul'da görüştü."},
		{ID: "und", Title: "x", Text: ""},
		{ID: "fa", Lang: "fa", Title: "وزارت امور خارجه", Text: "گذرگاه لاچین بسته است"},
	}
	var ms []*Matcher
	for _, q := range []string{
		"corridor", `"corridor de Latchine"`, `"Latchine corridor"~1`, "Latch*", "arménie", "l'arménie",
		"Pashinyan~1", "convoy AND peacekeeper*", `"ministry denied"`, "коридор", "Лавров*", "heyeti", "Bakü*",
		"walk", "x", "лачинского~1", "NOT corridor",
	} {
		n, err := Parse(q)
		if err != nil {
			t.Fatalf("parsing %q: %v", q, err)
		}
		m, err := Compile(n, MatchOptions{Analysis: an})
		if err != nil {
			t.Fatalf("compiling %q: %v", q, err)
		}
		ms = append(ms, m)
	}
	outcome := func(d *Doc) string {
		var b strings.Builder
		for _, m := range ms {
			fmt.Fprintf(&b, "%v %v\n", m.MatchDoc(d), m.Highlight(d))
		}
		return b.String()
	}
	want := map[string]string{}
	for _, a := range arts {
		want[a.ID] = outcome(an.Doc(a)) // never released
	}
	for round := range 3 {
		for i := range arts {
			a := arts[(i*(round+1))%len(arts)]
			d := an.Doc(a)
			if got := outcome(d); got != want[a.ID] {
				t.Fatalf("round %d, article %s made after a released Doc:\n%s\nwant (never released):\n%s", round, a.ID, got, want[a.ID])
			}
			d.Release()
			if !reflect.DeepEqual(*d, Doc{}) {
				t.Fatalf("a released Doc keeps its fields")
			}
		}
	}
}
