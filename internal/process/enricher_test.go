package process

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"wirewatch/internal/article"

	"wirewatch/internal/process/processtest"
)

// sharedPath returns a path under ../shared, failing the test loudly when it is absent.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	return processtest.SharedPath(t, rel)
}

var (
	testEnricherOnce sync.Once
	testEnricher     *Enricher
	testEnricherErr  error
)

// sharedEnricher is built once: the knowledge base takes a while to load.
func sharedEnricher(t testing.TB) *Enricher {
	t.Helper()
	testEnricherOnce.Do(func() {
		testEnricher, testEnricherErr = New(processtest.Config(t), nil)
	})
	if testEnricherErr != nil {
		t.Fatalf("New: %v", testEnricherErr)
	}
	return testEnricher
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	return processtest.ReadFile(t, path)
}

func entityByID(a *article.Article, id string) *article.Entity {
	for i := range a.Entities {
		if a.Entities[i].ID == id {
			return &a.Entities[i]
		}
	}
	return nil
}

// checkLachin fails the test when an article about the Lachin corridor lacks one of the
// entity IDs or the two topics the issue asks for.
func checkLachin(t *testing.T, a *article.Article, ids []string) {
	t.Helper()
	for _, id := range ids {
		if entityByID(a, id) == nil {
			t.Errorf("entity %s not found; got %v", id, a.EntityIDs())
		}
	}
	for _, topic := range []string{"lachin-corridor", "nagorno-karabakh"} {
		if !slices.Contains(a.Topics, topic) {
			t.Errorf("topic %s missing; got %v", topic, a.Topics)
		}
	}
}

func TestSeedArticle(t *testing.T) {
	e := sharedEnricher(t)
	text := readFile(t, sharedPath(t, "samples/seed-article.fr.txt"))
	a := &article.Article{ID: "seed", Text: text}
	if err := e.Enrich(a); err != nil {
		t.Fatal(err)
	}
	if a.Lang != "fr" {
		t.Errorf("lang = %q (%.2f), want fr", a.Lang, a.LangConfidence)
	}
	checkLachin(t, a, []string{"Q399", "Q227", "Q44302", "Q159", "Q58217", "Q318693", "Q649", "Q1953", "Q9248", "Q458", "ww:lachin-corridor"})
	for _, ent := range a.Entities {
		for _, m := range ent.Mentions {
			if text[m.Start:m.End] != m.Text {
				t.Errorf("%s mention %q at %d:%d does not match the text %q", ent.ID, m.Text, m.Start, m.End, text[m.Start:m.End])
			}
		}
		t.Logf("%s %s %q conf=%.2f mentions=%d first=%q", ent.ID, ent.Type, ent.Name, ent.Confidence, len(ent.Mentions), ent.Mentions[0].Text)
	}
	t.Logf("topics %v keyphrases %v", a.Topics, a.Keyphrases)
}

// TestPersianNames: Persian has no capitals, so curated names must match as written, in
// the Persian and the Arabic spelling of yeh and kaf; generated gazetteer names must not
// turn common words into places ("مالی" is "financial" as well as Mali).
func TestPersianNames(t *testing.T) {
	e := sharedEnricher(t)
	cases := []struct {
		name, text string
		want, not  []string
	}{
		{"curated countries", "وزیر امور خارجه روسیه گفت که ارمنستان و جمهوری آذربایجان باید مذاکره کنند.", []string{"Q159", "Q399", "Q227"}, nil},
		{"Arabic yeh", "روسيه و ارمنستان", []string{"Q159", "Q399"}, nil},
		{"common words", "بازار مالی و خبر تازه در تهران", []string{"Q3616"}, []string{"iso3166:ML"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Extract(e, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tc.want {
				if entityByID(a, id) == nil {
					t.Errorf("entity %s not found in %q; got %v", id, tc.text, a.EntityIDs())
				}
			}
			for _, id := range tc.not {
				if entityByID(a, id) != nil {
					t.Errorf("entity %s found in %q", id, tc.text)
				}
			}
			for _, ent := range a.Entities {
				if strings.HasPrefix(ent.ID, "geonames:") {
					t.Errorf("gazetteer town %s (%s) found in %q", ent.ID, ent.Name, tc.text)
				}
			}
		})
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
