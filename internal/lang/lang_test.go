package lang

import (
	"strings"
	"sync"
	"testing"
	"unicode"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/text"
)

var (
	testDetectorOnce sync.Once
	testDetector     *Detector
	testDetectorErr  error
)

// sharedDetector is built once, for the configured languages: lingua takes a while to load.
func sharedDetector(t testing.TB) *Detector {
	t.Helper()
	testDetectorOnce.Do(func() {
		cfg := config.Default().Process
		testDetector, testDetectorErr = New(cfg.Languages, cfg.LangHighAccuracy)
	})
	if testDetectorErr != nil {
		t.Fatalf("New: %v", testDetectorErr)
	}
	return testDetector
}

func TestDetectLanguage(t *testing.T) {
	d := sharedDetector(t)
	cases := []struct{ name, text, want string }{
		{"empty", "", Und},
		{"digits", "2023-01-18 10:00", Und},
		{"two letters", "ok", Und},
		{"French", "La Russie est un allié de l'Arménie, mais s'efforce d'entretenir de bonnes relations.", "fr"},
		{"Russian without distinctive letters", "Лавров заявил, что Москва готова направить миссию", "ru"},
		{"Ukrainian", "Лавров заявив, що Москва готова направити місію", "uk"},
		{"Azerbaijani", "Laçın dəhlizi ətrafında gərginlik davam edir.", "az"},
		{"Turkish", "Laçin koridorundaki gerginlik sürüyor ve taraflar görüşüyor.", "tr"},
		{"Armenian", "Հայաստանի և Ադրբեջանի միջև լարվածությունը սրվել է", "hy"},
		{"Georgian", "საქართველოს მთავრობამ განაცხადა", "ka"},
		{"Persian", "وزیر امور خارجه روسیه گفت که مسکو آماده است", "fa"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, conf := d.Detect(tc.text)
			if got != tc.want {
				t.Errorf("Detect(%q) = %s (%.2f), want %s", tc.text, got, conf, tc.want)
			}
			if got != Und && (conf <= 0 || conf > 1) {
				t.Errorf("confidence %.3f out of (0,1]", conf)
			}
		})
	}
}

// TestLangSampleCutsLikeTheDetector checks that the sample made without copying the whole
// body is what the detector would have read from title, separator and whole body.
func TestLangSampleCutsLikeTheDetector(t *testing.T) {
	d := &Detector{sample: 40}
	long := strings.Repeat("Ереван ", 20)
	cases := []struct{ name, title, body string }{
		{"short title", "Lachin", "The corridor was blocked again on Monday, officials said in Yerevan."},
		{"title longer than the sample", strings.Repeat("Headline ", 8), "Body text follows here."},
		{"title ends at the limit", strings.Repeat("a", 39), "word and more words"},
		{"long word across the limit", "T", "x " + strings.Repeat("b", 80) + " tail"},
		{"Cyrillic", "Лавров", long},
		{"invalid UTF-8", "T", "abc \xff\xfe" + strings.Repeat("z", 50) + "\xff end"},
		{"no non-letter after the limit", "T", strings.Repeat("q", 90)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &article.Article{Title: tc.title, Text: tc.body}
			want, wantN := d.cut(tc.title + ".\n" + tc.body)
			// DetectArticle cuts the longer sample of the vote: lingua's is its start.
			for _, limit := range []int{d.sample, 100} {
				got, gotN := d.cut(articleSample(a, limit))
				if got != want || gotN != wantN {
					t.Errorf("cut sample of %d = %q (%d letters), want %q (%d letters)", limit, got, gotN, want, wantN)
				}
			}
		})
	}
}

// TestLetterAndScriptFastPaths holds isLetter and scriptOf to the tables they shortcut, on
// every rune of the Basic Multilingual Plane and a few beyond.
func TestLetterAndScriptFastPaths(t *testing.T) {
	for r := rune(0); r <= 0x10FFF; r++ {
		if got, want := isLetter(r), unicode.IsLetter(r); got != want {
			t.Errorf("isLetter(%U) = %v, want %v", r, got, want)
		}
		if !unicode.IsLetter(r) {
			continue
		}
		if got, want := scriptOf(r), text.ScriptOf(string(r)); got != want {
			t.Errorf("scriptOf(%U) = %v, want %v", r, got, want)
		}
	}
}
