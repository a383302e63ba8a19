package process

import (
	"strings"
	"testing"
	"time"
	"wirewatch/internal/article"

	"wirewatch/internal/entity"
)

func TestStoriesGroupCopiesAndRewrites(t *testing.T) {
	e, _, _ := newUserEnricher(t, "[]\n", "topics: []\n")
	en := readFile(t, "testdata/lachin.en.txt")
	t0 := time.Date(2023, 1, 18, 10, 0, 0, 0, time.UTC)
	mk := func(id, title, text string, at time.Time) *article.Article {
		a := &article.Article{ID: id, Title: title, Text: text, Published: at}
		if err := e.Enrich(a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	orig := mk("a1", "Lavrov blames Armenia", en, t0)
	if orig.StoryID != "a1" {
		t.Fatalf("first article starts its story: got %q", orig.StoryID)
	}
	copy := mk("a2", "Russia's Lavrov says Armenia blocked CSTO mission", en, t0.Add(time.Hour))
	rewrite := mk("a3", "Lavrov blames Armenia", strings.Replace(strings.Replace(en, "on Wednesday", "on Wednesday evening", 1), "more than a month", "over a month", 1)+"\n\nReporting by a staff writer; editing by another.", t0.Add(2*time.Hour))
	other := mk("b1", "Georgia", readFile(t, sharedPath(t, "samples/seed-article.fr.txt")), t0.Add(time.Hour))
	if copy.StoryID != "a1" || rewrite.StoryID != "a1" {
		t.Errorf("syndicated copy %q and rewrite %q should join story a1 (signatures %x %x %x)", copy.StoryID, rewrite.StoryID, orig.Signature, copy.Signature, rewrite.Signature)
	}
	if other.StoryID != "b1" {
		t.Errorf("a different article joined story %q", other.StoryID)
	}
	again := mk("a2", "Russia's Lavrov says Armenia blocked CSTO mission", en, t0.Add(time.Hour))
	if again.StoryID != "a1" {
		t.Errorf("redelivery changed story to %q", again.StoryID)
	}
	late := mk("a4", "Lavrov blames Armenia", en, t0.Add(10*24*time.Hour))
	if late.StoryID != "a4" {
		t.Errorf("a copy outside the window should start a new story, got %q", late.StoryID)
	}
}

func TestUnknownNames(t *testing.T) {
	e, _, _ := newUserEnricher(t, "[]\n", "topics: []\n")
	for i := 0; i < 3; i++ {
		enrichText(t, e, "Yesterday Mr. Tigran Abrahamyan met the Zangezur Copper Molybdenum Combine in Kapan.")
	}
	enrichText(t, e, "Вчера министр Тигран Абраамян посетил Капан.")
	u := e.Unknown(10)
	if len(u) == 0 {
		t.Fatal("no unknown names")
	}
	byID := map[string]entity.UnknownName{}
	for _, x := range u {
		byID[x.ID] = x
	}
	p, ok := byID["new:PER:tigran abrahamyan"]
	if !ok || p.Count != 3 || p.Name != "Tigran Abrahamyan" {
		t.Errorf("person: %+v (all: %+v)", p, u)
	}
	if u[0].Count < u[len(u)-1].Count {
		t.Errorf("not sorted by frequency: %+v", u)
	}
	if len(e.Unknown(1)) != 1 {
		t.Error("Unknown(1) should return one name")
	}
	a := enrichText(t, e, "Yesterday Mr. Tigran Abrahamyan met reporters.")
	ent := entityByID(a, "new:PER:tigran abrahamyan")
	if ent == nil || ent.Known || ent.Confidence >= 0.9 {
		t.Errorf("pattern name should be typed, unknown and less certain: %+v", ent)
	}
}

func TestAcronymDefinitions(t *testing.T) {
	e, _, _ := newUserEnricher(t, "[]\n", "topics: []\n")
	a := enrichText(t, e, "Workers of the Zangezur Copper Molybdenum Combine (ZCMC) went on strike. Later ZCMC said output fell.")
	ent := entityByID(a, "new:ORG:zangezur copper molybdenum combine")
	if ent == nil {
		t.Fatalf("long name not an organisation: %+v", a.Entities)
	}
	var forms []string
	for _, m := range ent.Mentions {
		forms = append(forms, m.Text)
	}
	if len(forms) != 3 || forms[1] != "ZCMC" || forms[2] != "ZCMC" {
		t.Errorf("mentions %q, want the long name and both acronyms", forms)
	}
	for _, x := range a.Entities {
		if x.ID == "new:ORG:zcmc" {
			t.Errorf("the acronym got an entity of its own")
		}
	}
}

func TestPatternNamesNeedEvidence(t *testing.T) {
	e, _, _ := newUserEnricher(t, "[]\n", "topics: []\n")
	a := &article.Article{ID: "h", Title: "Foreign Minister Warns Of Escalation Near Border Crossing",
		Text: "The excursion house was closed in winter. On Monday the Excursion House reopened, said Anna Petrosyan."}
	if err := e.Enrich(a); err != nil {
		t.Fatal(err)
	}
	for _, ent := range a.Entities {
		for _, m := range ent.Mentions {
			if m.Field == "title" && !ent.Known {
				t.Errorf("pattern name %q from a Title Case headline", m.Text)
			}
		}
		if ent.ID == "new:PER:excursion house" {
			t.Errorf("common words the article writes in lower case became a name")
		}
	}
	if entityByID(a, "new:PER:anna petrosyan") == nil {
		t.Errorf("a real name was lost: %v", a.EntityIDs())
	}
}
