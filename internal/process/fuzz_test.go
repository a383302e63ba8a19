package process

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"wirewatch/internal/article"
	"wirewatch/internal/lang"
)

// FuzzEnrich feeds arbitrary text through the whole enricher: no panic, mentions inside the
// text and on rune boundaries, a known language code.
func FuzzEnrich(f *testing.F) {
	for _, s := range []string{
		"l'Arménie et l'Azerbaïdjan, M. Lavrov (OTSC).", "Bakü'yü ziyaret etti. Paşinyan'ın",
		"Сергея Лаврова видели в Ереване", "'''", "M.", "\xff\xfe invalid \x80 utf8 Лавров",
		"Dr. . . . ( ) « » — Mr. X", "mer Égée détroit de", "The Big Red Dog (BRD) and (BRD) BRD", "(A) A (AB)", strings.Repeat("Aa ", 300),
	} {
		f.Add("title "+s, s)
	}
	e := sharedEnricher(f)
	f.Fuzz(func(t *testing.T, title, text string) {
		a := &article.Article{ID: "fuzz", Title: title, Text: text}
		if err := e.Enrich(a); err != nil {
			t.Fatal(err)
		}
		for _, ent := range a.Entities {
			for _, m := range ent.Mentions {
				field := text
				if m.Field == "title" {
					field = title
				}
				if m.Start < 0 || m.End > len(field) || m.Start >= m.End || field[m.Start:m.End] != m.Text {
					t.Fatalf("mention %+v outside %s %q", m, m.Field, field)
				}
				if utf8.ValidString(field) && (!utf8.RuneStart(field[m.Start]) || (m.End < len(field) && !utf8.RuneStart(field[m.End]))) {
					t.Fatalf("mention %+v splits a rune", m)
				}
			}
		}
		if a.Lang != lang.Und && !slices.Contains(e.cfg.Languages, a.Lang) {
			t.Fatalf("lang %q not configured", a.Lang)
		}
	})
}
