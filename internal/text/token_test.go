package text

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // surface forms
	}{
		{"French elision", "l'Arménie et d’Azerbaïdjan", []string{"Arménie", "et", "Azerbaïdjan"}},
		{"Turkish suffix", "Bakü'yü ve Paşinyan'ın", []string{"Bakü", "ve", "Paşinyan"}},
		{"English possessive", "Yerevan's earlier", []string{"Yerevan", "earlier"}},
		{"Turkish suffix in capitals", "BAKÜ'DE PAŞİNYAN'IN", []string{"BAKÜ", "PAŞİNYAN"}},
		{"Irish surname", "O'Brien and O’Neal", []string{"O'Brien", "and", "O’Neal"}},
		{"African names after N'", "N'Djamena n'est pas N'Golo. N'importe", []string{"N'Djamena", "est", "pas", "N'Golo", "importe"}},
		{"hyphen compound", "Nagorno-Karabakh", []string{"Nagorno", "Karabakh"}},
		{"initials", "William T. Sherman", []string{"William", "T", "Sherman"}},
		{"Armenian", "Հայաստանի և Ադրբեջանի", []string{"Հայաստանի", "և", "Ադրբեջանի"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tok := range Tokenize(tc.in, nil) {
				got = append(got, tc.in[tok.Start:tok.End])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	toks := Tokenize("He met Lavrov. Then he left", nil)
	if !toks[0].SentStart || toks[2].SentStart || !toks[3].SentStart || !toks[3].Break {
		t.Errorf("sentence starts wrong: %+v", toks)
	}
	if tk := Tokenize("William T. Sherman", nil); !tk[1].Initial || tk[2].Break || tk[2].SentStart {
		t.Errorf("an initial must not end the sentence: %+v", tk)
	}
	// A line break ends a sentence without punctuation (a headline over its body), and so
	// does a blank line; a space does not.
	for _, in := range []string{"Ceasefire holds in Karabakh\nYerevan says", "Ceasefire holds in Karabakh\r\nYerevan says", "Ceasefire holds in Karabakh\n\nYerevan says"} {
		tk := Tokenize(in, nil)
		if !tk[4].Break || !tk[4].SentStart || tk[3].SentStart {
			t.Errorf("Tokenize(%q): a line break must start a sentence: %+v", in, tk)
		}
	}
	if tk := Tokenize("Ceasefire holds in Karabakh Yerevan says", nil); tk[4].Break || tk[4].SentStart {
		t.Errorf("a space must not start a sentence: %+v", tk)
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Azerbaïdjan": "azerbaidjan", "BAKÜ": "baku", "Bakı": "baki", "İrəvan": "irəvan",
		"Сергей": "сергеи", "Ёлка": "елка", "Straße": "strasse", "lowercase": "lowercase", "ереван": "ереван",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldDropsJoiners: Persian writes one word with a zero-width non-joiner between its
// parts or without it ("علی‌اف", "علیاف"), a stretched stroke (tatweel) is decoration, and a
// soft hyphen or a zero-width joiner only marks where a word may break or join: each
// spelling must tokenize and fold to the same word.
func TestFoldDropsJoiners(t *testing.T) {
	cases := []struct {
		name      string
		sentences []string // the same sentence, spelt the ways a writer may
		word      int      // the token to compare
	}{
		{"Persian non-joiner", []string{"الهام علی\u200cاف به تهران رفت", "الهام علیاف به تهران رفت"}, 1},
		{"Persian tatweel", []string{"دیدار با علی\u200cاف در باکو", "دیدار با علیـاف در باکو", "دیدار با علی\u200cاـف در باکو"}, 2},
		{"Persian plural suffix", []string{"گفت\u200cوگوهای صلح ادامه دارد", "گفتوگوهای صلح ادامه دارد"}, 0},
		{"zero-width joiner", []string{"سفر پزشکیان به ایروان", "سفر پزشکیان به ایر\u200dوان"}, 3},
		{"soft hyphen", []string{"Talks in Nagorno-Kara\u00adbakh resumed", "Talks in Nagorno-Karabakh resumed"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var first []string
			for i, s := range tc.sentences {
				var norms []string
				for _, tok := range Tokenize(s, nil) {
					norms = append(norms, tok.Norm)
				}
				if i == 0 {
					first = norms
					continue
				}
				if !slices.Equal(norms, first) {
					t.Errorf("Tokenize(%q) norms %q, want those of %q: %q", s, norms, tc.sentences[0], first)
				}
				if len(norms) <= tc.word || Fold(norms[tc.word]) != norms[tc.word] {
					t.Errorf("Tokenize(%q): word %d is not folded: %q", s, tc.word, norms)
				}
			}
		})
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

// TestUnaccentAndFold holds Fold to its relation with Unaccent: Unaccent lower-cased, with
// ı, ß, the tatweel and Arabic yeh and kaf mapped, the zero-width joiners and the soft
// hyphen dropped.
func TestUnaccentAndFold(t *testing.T) {
	cases := map[string]string{
		"Léna": "Lena", "Azerbaïdjan": "Azerbaidjan", "Bakı": "Bakı", "Straße": "Straße", "Ёлка": "Елка", "تبريز": "تبريز",
	}
	for in, want := range cases {
		if got := Unaccent(in); got != want {
			t.Errorf("Unaccent(%q) = %q, want %q", in, got, want)
		}
	}
	mapped := strings.NewReplacer("ı", "i", "ß", "ss", "ـ", "", "ي", "ی", "ك", "ک", "\u200c", "", "\u200d", "", "\u00ad", "")
	for _, in := range []string{"Léna", "İrəvan", "Kırıkkale", "Großglockner", "بنغازي", "الملك", "Сергей", "ǅemal", "علی\u200cاف", "Kara\u00adbakh"} {
		if got, want := Fold(in), mapped.Replace(strings.ToLower(Unaccent(in))); got != want {
			t.Errorf("Fold(%q) = %q, Unaccent lowered and mapped %q", in, got, want)
		}
	}
}

// TestScriptOfFastPaths holds ScriptOf's shortcuts to the Unicode script tables they stand
// for, on every character up to U+10FFF, alone and after characters of no script.
func TestScriptOfFastPaths(t *testing.T) {
	slow := func(w string) Script {
		for _, r := range w {
			switch {
			case r < 0x80 && unicode.IsLetter(r):
				return Latin
			case unicode.Is(unicode.Latin, r):
				return Latin
			case unicode.Is(unicode.Cyrillic, r):
				return Cyrillic
			case unicode.Is(unicode.Armenian, r):
				return Armenian
			case unicode.Is(unicode.Georgian, r):
				return Georgian
			case unicode.Is(unicode.Arabic, r):
				return Arabic
			}
		}
		return Other
	}
	for r := rune(0); r <= 0x10FFF; r++ {
		for _, w := range []string{string(r), "1-" + string(r), string(r) + "x"} {
			if got, want := ScriptOf(w), slow(w); got != want {
				t.Errorf("ScriptOf(%q) = %v, want %v", w, got, want)
			}
		}
	}
}

// TestCaseFastPaths holds isLetter, isLower and isUpperOrTitle to the Unicode tables on
// every code point.
func TestCaseFastPaths(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isLetter(r), unicode.IsLetter(r); got != want {
			t.Errorf("isLetter(%U) = %v, want %v", r, got, want)
		}
		if got, want := isLower(r), unicode.IsLower(r); got != want {
			t.Errorf("isLower(%U) = %v, want %v", r, got, want)
		}
		if got, want := isUpperOrTitle(r), unicode.IsUpper(r) || unicode.IsTitle(r); got != want {
			t.Errorf("isUpperOrTitle(%U) = %v, want %v", r, got, want)
		}
	}
}
