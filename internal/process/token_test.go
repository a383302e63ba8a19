package process

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"wirewatch/internal/article"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // surface forms
	}{
		{"French elision", "l'Arménie et d’Azerbaïdjan", []string{"Arménie", "et", "Azerbaïdjan"}},
		{"Turkish suffix", "Bakü'yü ve Paşinyan'ın", []string{"Bakü", "ve", "Paşinyan"}},
		{"English possessive", "Yerevan's earlier", []string{"Yerevan", "earlier"}},
		{"hyphen compound", "Nagorno-Karabakh", []string{"Nagorno", "Karabakh"}},
		{"initials", "William T. Sherman", []string{"William", "T", "Sherman"}},
		{"Armenian", "Հայաստանի և Ադրբեջանի", []string{"Հայաստանի", "և", "Ադրբեջանի"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tok := range tokenize(tc.in, nil) {
				got = append(got, tc.in[tok.Start:tok.End])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("tokenize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	toks := tokenize("He met Lavrov. Then he left", nil)
	if !toks[0].SentStart || toks[2].SentStart || !toks[3].SentStart || !toks[3].Break {
		t.Errorf("sentence starts wrong: %+v", toks)
	}
	if tk := tokenize("William T. Sherman", nil); !tk[1].Initial || tk[2].Break || tk[2].SentStart {
		t.Errorf("an initial must not end the sentence: %+v", tk)
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Azerbaïdjan": "azerbaidjan", "BAKÜ": "baku", "Bakı": "baki", "İrəvan": "irəvan",
		"Сергей": "сергеи", "Ёлка": "елка", "Straße": "strasse", "lowercase": "lowercase", "ереван": "ереван",
	}
	for in, want := range cases {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldTableMatchesDecomposition checks the rune-by-rune fold against folding by
// decomposition, on single runes, on runes followed by combining marks in either order,
// and on words: the table is only a shortcut.
func TestFoldTableMatchesDecomposition(t *testing.T) {
	var ins []string
	for r := rune(0); r < foldTableSize+0x40; r++ {
		ins = append(ins, string(r), "A"+string(r)+"z", string(r)+"\u0301\u0323", string(r)+"\u0323\u0301")
	}
	ins = append(ins, "Azerbaïdjan", "Paşinyan", "İrəvan", "Ñandú", "ǅemal", "Ελλάδα", "Ѓорѓе", "Ա\u0301", "e\u0483", "o\u05B0\u0301", "\xff\xfe", "Baki\u0308")
	for _, in := range ins {
		want, _ := appendFoldedNFD(nil, nil, in)
		got, _ := appendFolded(nil, nil, in)
		if string(got) != string(want) {
			t.Errorf("appendFolded(%+q) = %+q, by decomposition %+q", in, got, want)
		}
	}
}

func TestInflect(t *testing.T) {
	cases := []struct {
		name   string
		words  []string
		lang   string
		person bool
		want   []string // forms that must be generated (folded, joined by space)
		not    []string
	}{
		{"Russian surname", []string{"лавров"}, "ru", true, []string{"лаврова", "лаврову", "лавровым", "лаврове"}, nil},
		{"Russian first and last name", []string{"сергей", "лавров"}, "ru", true, []string{"сергея лаврова", "сергеем лавровым"}, []string{"сергея лавровым"}},
		{"adjective and noun", []string{"лачинский", "коридор"}, "ru", false, []string{"лачинского коридора", "лачинским коридором"}, nil},
		{"head only", []string{"совет", "безопасности", "оон"}, "ru", false, []string{"совета безопасности оон"}, []string{"совета безопасностиа оон"}},
		{"indeclinable", []string{"баку"}, "ru", false, nil, []string{"бакуа"}},
		{"feminine -ия", []string{"армения"}, "ru", false, []string{"армении", "армению", "арменией"}, nil},
		{"Ukrainian", []string{"вірменія"}, "uk", false, []string{"вірменіі", "вірменією"}, nil},
		{"Armenian", []string{"հայաստան"}, "hy", false, []string{"հայաստանի", "հայաստանում", "հայաստանից"}, nil},
		{"Armenian -ու", []string{"բաքու"}, "hy", false, []string{"բաքվի", "բաքուն"}, nil},
		{"Georgian", []string{"თბილისი"}, "ka", false, []string{"თბილისში", "თბილისის"}, nil},
		{"Azerbaijani", []string{"azərbaycan"}, "az", false, []string{"azərbaycanin", "azərbaycanda"}, nil},
		{"French: none", []string{"arménie"}, "fr", false, nil, []string{"arméniea"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range inflectName(tc.words, tc.lang, false, tc.person) {
				got = append(got, strings.Join(f, " "))
			}
			for _, w := range tc.want {
				if w = fold(w); !slices.Contains(got, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(got, w) {
					t.Errorf("unexpected %q in %q", w, got)
				}
			}
		})
	}
}

func TestSkeletonMeetsAcrossScripts(t *testing.T) {
	groups := [][]string{
		{"Pashinyan", "Пашинян", "Paşinyan"},
		{"Yerevan", "Ереван", "Erevan"},
		{"Lavrov", "Лавров", "ლავროვ"},
		{"Azerbaijan", "Азербайджан", "Azerbaïdjan"},
	}
	for _, g := range groups {
		want := skeleton(fold(g[0]))
		for _, v := range g[1:] {
			if got := skeleton(fold(v)); got != want {
				t.Errorf("skeleton(%s) = %q, skeleton(%s) = %q", g[0], want, v, got)
			}
		}
	}
}

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
		if a.Lang != Und && !slices.Contains(e.cfg.Languages, a.Lang) {
			t.Fatalf("lang %q not configured", a.Lang)
		}
	})
}
