package entity

import (
	"strings"
	"testing"
	"wirewatch/internal/text"

	"wirewatch/internal/process/processtest"
)

// skeletonByReplacer is the skeleton as first written, with strings.Replacer: the
// reference appendSkeleton must match.
func skeletonByReplacer(w string) string {
	var b strings.Builder
	for _, r := range w {
		if t, ok := translitTable[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	s := strings.NewReplacer(skeletonPairs...).Replace(b.String())
	var out []byte
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		out = append(out, s[i])
	}
	s = string(out)
	if strings.HasPrefix(s, "ie") {
		s = s[1:]
	}
	return s
}

var skeletonSeeds = []string{
	"", "a", "ie", "iie", "yerevan", "ереван", "пашинян", "pachinian", "paşinyan", "щукин", "shchukin",
	"guerre", "guillaume", "djokovic", "tchaikovsky", "schwarz", "zhukov", "khachaturian", "tsakhkadzor",
	"ouzbek", "ghukasyan", "երևան", "թբիլիսი", "თბილისი", "əliyev", "łódź", "øresund", "æbleskiver",
	"tehran", "تهران", "ذوالفقار", "x", "qqq", "ssss", "shsh", "schsch", "\xff\xfe", "a\xffb", strings.Repeat("щ", 40),
}

func TestAppendSkeletonMatchesReplacer(t *testing.T) {
	words := append([]string{}, skeletonSeeds...)
	for w := range givenNames {
		words = append(words, w)
	}
	for _, path := range []string{"lachin.en.txt", "lachin.ru.txt", "lachin.hy.txt", "lachin.az.txt"} {
		for _, tok := range text.Tokenize(processtest.ReadFile(t, processtest.Testdata(t, path)), nil) {
			words = append(words, tok.Norm)
		}
	}
	for _, w := range words {
		if got, want := skeleton(w), skeletonByReplacer(w); got != want {
			t.Errorf("skeleton(%q) = %q, want %q", w, got, want)
		}
	}
}

func FuzzSkeleton(f *testing.F) {
	for _, s := range skeletonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := skeleton(w), skeletonByReplacer(w); got != want {
			t.Errorf("skeleton(%q) = %q, want %q", w, got, want)
		}
	})
}
