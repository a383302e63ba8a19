package process

import (
	"slices"
	"strings"
	"testing"

	"wirewatch/internal/article"
)

func TestDetectLanguage(t *testing.T) {
	e := sharedEnricher(t)
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
			got, conf := e.lang.detect(tc.text)
			if got != tc.want {
				t.Errorf("detect(%q) = %s (%.2f), want %s", tc.text, got, conf, tc.want)
			}
			if got != Und && (conf <= 0 || conf > 1) {
				t.Errorf("confidence %.3f out of (0,1]", conf)
			}
		})
	}
}

func TestKeyphrases(t *testing.T) {
	e := sharedEnricher(t)
	a, err := Extract(e, readFile(t, "testdata/lachin.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Keyphrases) == 0 || len(a.Keyphrases) > 8 {
		t.Fatalf("keyphrases %q", a.Keyphrases)
	}
	for _, k := range a.Keyphrases {
		first := strings.ToLower(strings.Fields(k)[0])
		if stopwords["en"][first] {
			t.Errorf("key phrase %q starts with a stopword", k)
		}
	}
	found := slices.ContainsFunc(a.Keyphrases, func(k string) bool {
		return strings.Contains(strings.ToLower(k), "collective security treaty organization")
	})
	if !found {
		t.Errorf("keyphrases %q lack the repeated long name", a.Keyphrases)
	}
}

func TestExtractTitle(t *testing.T) {
	e := sharedEnricher(t)
	a, err := Extract(e, "Lavrov in Yerevan\n\nSergey Lavrov arrived in Yerevan on Monday.")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Lavrov in Yerevan" || !strings.HasPrefix(a.Text, "Sergey") {
		t.Errorf("title %q text %q", a.Title, a.Text)
	}
	ent := entityByID(a, "Q1953")
	if ent == nil || len(ent.Mentions) != 2 || ent.Mentions[0].Field != "title" || ent.Lat == nil {
		t.Errorf("Yerevan: %+v", ent)
	}
	if a.Enriched.IsZero() || a.Signature == 0 || a.StoryID == "" {
		t.Errorf("enrichment fields not set: %+v", a)
	}
}

// TestLangSampleCutsLikeTheDetector checks that the sample made without copying the whole
// body is what the detector would have read from title, separator and whole body.
func TestLangSampleCutsLikeTheDetector(t *testing.T) {
	d := &langDetector{sample: 40}
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
			got, gotN := d.cut(langSample(a, d.sample))
			want, wantN := d.cut(tc.title + ".\n" + tc.body)
			if got != want || gotN != wantN {
				t.Errorf("cut sample = %q (%d letters), want %q (%d letters)", got, gotN, want, wantN)
			}
		})
	}
}
