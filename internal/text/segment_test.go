package text

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// uax29Segments is what package words cuts s into, with offsets.
func uax29Segments(s string) []string {
	var out []string
	it := words.FromString(s)
	for it.Next() {
		out = append(out, fmt.Sprintf("%d:%s", it.Start(), it.Value()))
	}
	return out
}

// fastSegments is what segments cuts s into, and whether it knew every character.
func fastSegments(s string) ([]string, bool) {
	var out []string
	ok := Segments(s, func(w string, start int) { out = append(out, fmt.Sprintf("%d:%s", start, w)) })
	return out, ok
}

// knownChars is every character segments knows.
func knownChars() []string {
	var cs []string
	for r := rune(0); r < 0x3000; r++ {
		if _, ok := fastSegments(string(r)); ok {
			cs = append(cs, string(r))
		}
	}
	return cs
}

// TestSegmentsAreUAX29: every character segments knows is cut as package words cuts it,
// alone, beside and between a character of each class, twice, and as a joiner between two
// letters, two digits, a letter and a digit.
func TestSegmentsAreUAX29(t *testing.T) {
	known := knownChars()
	if len(known) < 1000 {
		t.Fatalf("segments knows %d characters, fewer than the scripts it was written for", len(known))
	}
	ctx := []string{"a", "Z", "é", "ə", "я", "Ա", "ა", "1", ".", ":", ",", ";", "'", "’", "·", " ", "  ", "\t", "\n", "\r", "\r\n", "-", "—", "«", "»", "\"", "!", "(", "\u00a0", "№", "…"}
	for _, c := range known {
		texts := []string{c, c + c, c + c + c}
		for _, x := range ctx {
			texts = append(texts, x+c, c+x, x+c+x, x+c+c+x)
		}
		for _, pair := range [][2]string{{"a", "b"}, {"1", "2"}, {"a", "1"}, {"1", "a"}, {"я", "ж"}, {"ab", "cd"}, {"12", "34"}} {
			texts = append(texts, pair[0]+c+pair[1], pair[0]+c+c+pair[1], pair[0]+c+pair[1]+c+pair[0])
		}
		for _, s := range texts {
			got, ok := fastSegments(s)
			if !ok {
				t.Fatalf("segments does not know all of %q, though it knows each character", s)
			}
			if want := uax29Segments(s); !slices.Equal(got, want) {
				t.Errorf("%q (U+%04X): segments %q, package words %q", s, []rune(c)[0], got, want)
			}
		}
	}
}

// TestSegmentsRefuseUnknown: a text with a character segments does not know is left to
// package words.
func TestSegmentsRefuseUnknown(t *testing.T) {
	for _, s := range []string{"snake_case", "café\u0301", "a\u200db", "zero\u200bwidth", "שלום", "日本", "x 🙂", "soft\u00adhyphen", "a\u2028b", "\u202f"} {
		if _, ok := fastSegments(s); ok {
			t.Errorf("segments took %q", s)
		}
		if got, want := Tokenize(s, nil), tokenizeUAX29(s); !slices.Equal(got, want) {
			t.Errorf("Tokenize(%q) = %v, want %v", s, got, want)
		}
	}
}

// tokenizeUAX29 is Tokenize with every text cut by package words.
func tokenizeUAX29(s string) []Token {
	tk := tokenizer{s: s, suffixes: true, brk: true, sent: true}
	it := words.FromString(s)
	for it.Next() {
		tk.segment(it.Value(), it.Start())
	}
	return tk.finish()
}

// TestTokenizeIsTheSameOnNews: the tokens of news text in the region's languages are
// those package words' segments give.
func TestTokenizeIsTheSameOnNews(t *testing.T) {
	for _, s := range []string{
		"L'Arménie accuse l'Azerbaïdjan du blocus du corridor de Latchine. M. Lavrov a dit: «non».",
		"U.S. Secretary of State Antony J. Blinken met Lt. Gen. Smith on 12.05.2023 at 10:30; 1,500 troops, 3.5%.",
		"Блокада Лачинского коридора: Лавров встретился с Пашиняном — «переговоры» продолжаются… Ёлка.",
		"Bakı'da Paşinyan'ın açıklaması; Azərbaycan Respublikası — İlham Əliyev.\r\n\r\nNew line",
		"Նիկոլ Փաշինյանը հանդիպեց Ալիևին։ ილჰამ ალიევი თბილისში. Nagorno-Karabakh, Stepanakert’s mayor.",
		"  leading spaces\t\ttabs\u00a0nbsp  trailing  ",
		"x.y.z a..b 1,,2 'quoted' ‘single’ “double” „low“ ·middle· a·b",
	} {
		if _, ok := fastSegments(s); !ok {
			t.Errorf("segments does not know all of %q", s)
		}
		if got, want := Tokenize(s, nil), tokenizeUAX29(s); !slices.Equal(got, want) {
			t.Errorf("Tokenize(%q):\n got %v\nwant %v", s, got, want)
		}
	}
}

// FuzzSegments: whatever text segments takes is cut as package words cuts it.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"l'Arménie d’Azerbaïdjan", "Bakı'da Paşinyan'ın", "зʼїзд 1,5 млн.", "Նիկոլ Փաշինյան։ Ադրբեջան",
		"ილჰამ ალიევი", "x_y 3.5km", "a'b'c ‘quoted’ «guillemets»", "1.a.2 a::b 3,,4", "\r\n\r\n  \t x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got, ok := fastSegments(s)
		if !ok {
			return
		}
		if want := uax29Segments(s); !slices.Equal(got, want) {
			t.Errorf("%q: segments %q, package words %q", s, got, want)
		}
		if strings.Join(got, "") == "" && s != "" {
			t.Errorf("%q: no segments", s)
		}
	})
}
