package main

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirewatch/internal/text"
)

// foldLetters are the letters text.Fold maps beyond dropping marks and lowering case:
// Turkish dotless ı, German ß, the Arabic tatweel, Arabic yeh and kaf, and the zero-width
// non-joiner and joiner and the soft hyphen, which it drops.
var foldLetters = strings.NewReplacer("ı", "i", "ß", "ss", "ـ", "", "ي", "ی", "ك", "ک", "\u200c", "", "\u200d", "", "\u00ad", "")

// TestUnaccentIsFoldWithoutLetterMappings compares text.Unaccent, which kbgen uses, with
// the runtime's text.Fold on every name and alias of the gazetteer kbgen generated: on
// lower-cased names they differ only by the letters Fold maps (see foldLetters). kbgen
// keeps Unaccent: its word lists (first names, family names, the dictionary) are
// lower-cased, not folded, so "marı" must stay apart from the first name "mari".
func TestUnaccentIsFoldWithoutLetterMappings(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "internal", "entity", "kbdata", "places.tsv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) < 8 {
			t.Fatalf("gazetteer line with %d fields", len(fs))
		}
		names[fs[6]] = true
		for _, a := range strings.Split(fs[7], "|") {
			if i := strings.IndexByte(a, '='); i > 0 && i <= 3 {
				a = a[i+1:]
			}
			names[a] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	differ := 0
	for n := range names {
		l := strings.ToLower(n)
		u, fo := text.Unaccent(l), text.Fold(l)
		if u != fo {
			differ++
		}
		if got := foldLetters.Replace(u); got != fo {
			t.Errorf("%q: Unaccent %q, mapped %q, text.Fold %q", n, u, got, fo)
		}
	}
	t.Logf("%d names; Unaccent and text.Fold differ on %d, by the letters Fold maps", len(names), differ)
}

func TestTownName(t *testing.T) {
	cases := []struct {
		name, geonames, want string
		alternates           []string
	}{
		{"Georgian romanisation", "Ts’khinvali", "Tskhinvali", []string{"Ts'khinvali", "Chreba", "Tskhinvali"}},
		{"apostrophes throughout", "P’ot’i", "Poti", []string{"P'ot'i", "Poti", "Поти"}},
		{"no bare form listed", "Och’amch’ire", "Och’amch’ire", []string{"Och'amch'ire", "Ochamchira"}},
		{"no apostrophe", "Genève", "Genève", []string{"Geneve", "Geneva"}},
		{"apostrophe is part of the name", "Ra’s Bayrūt", "Ra’s Bayrūt", []string{"Ra's Bayrut"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := townName(tc.geonames, tc.alternates); got != tc.want {
				t.Errorf("townName(%q) = %q, want %q", tc.geonames, got, tc.want)
			}
		})
	}
}
