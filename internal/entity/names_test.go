package entity

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"wirewatch/internal/lang"
	"wirewatch/internal/process/processtest"
)

var (
	testTagOnce sync.Once
	testTag     func(string) []Tagged
	testTagErr  error
)

// evidenceCase is a sentence written for a test, the names (TYPE:surface) the tagger must
// find in it, a name listed n times found at least n times (its bare mentions too), and the
// names it must not find.
type evidenceCase struct {
	name      string
	text      string
	want, not []string
}

// checkEvidence runs the shared tagger over each case's text and checks what it found.
func checkEvidence(t *testing.T, cases []evidenceCase) {
	t.Helper()
	tag := sharedTagger(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := spansOf(tag(tc.text), tc.text, true)
			want := map[string]int{}
			for _, w := range tc.want {
				want[w]++
			}
			for w, n := range want {
				if c := countOf(got, w); c < n {
					t.Errorf("%q: want %s %d times, found %d; got %q", tc.text, w, n, c, got)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(got, w) {
					t.Errorf("%q: want no %s; got %q", tc.text, w, got)
				}
			}
		})
	}
}

// knownCase is a sentence written for a test, a name in it, its type and whether it must
// come from the knowledge base (a linked entity) or be a name of its own.
type knownCase struct {
	text, name, typ string
	known           bool
}

// checkKnown runs the shared tagger over each case's text and checks that it finds the
// name, with its type, known or not.
func checkKnown(t *testing.T, cases []knownCase) {
	t.Helper()
	tag := sharedTagger(t)
	for _, tc := range cases {
		var found *Tagged
		for _, p := range tag(tc.text) {
			if tc.text[p.Start:p.End] == tc.name {
				found = &p
			}
		}
		switch {
		case found == nil:
			t.Errorf("%q: %q not found; got %q", tc.text, tc.name, spansOf(tag(tc.text), tc.text, true))
		case found.Type != tc.typ || found.Known != tc.known:
			t.Errorf("%q: %q is %s, known %t; want %s, known %t", tc.text, tc.name, found.Type, found.Known, tc.typ, tc.known)
		}
	}
}

func countOf(list []string, w string) int {
	n := 0
	for _, x := range list {
		if x == w {
			n++
		}
	}
	return n
}

// spansOf lists what tag found in s as "TYPE:text", MISC left out unless withMISC.
func spansOf(tags []Tagged, s string, withMISC bool) []string {
	var out []string
	for _, p := range tags {
		if withMISC || p.Type != "MISC" {
			out = append(out, p.Type+":"+s[p.Start:p.End])
		}
	}
	return out
}

// sharedTagger tags a text as the enricher does (Finder.Tag in the text's language), with
// the built-in knowledge base of the default configuration; it is built once.
func sharedTagger(t testing.TB) func(string) []Tagged {
	t.Helper()
	testTagOnce.Do(func() {
		cfg := processtest.Config(t)
		det, err := lang.New(cfg.Languages, cfg.LangHighAccuracy)
		if err != nil {
			testTagErr = err
			return
		}
		r, err := New(Options{Gazetteer: cfg.Gazetteer, UnknownMax: cfg.UnknownMax})
		if err != nil {
			testTagErr = err
			return
		}
		f, err := r.LoadUser(nil)
		if err != nil {
			testTagErr = err
			return
		}
		testTag = func(s string) []Tagged {
			l, _ := det.Detect(s)
			return f.Tag(s, l)
		}
	})
	if testTagErr != nil {
		t.Fatalf("building the tagger: %v", testTagErr)
	}
	return testTag
}

// TestNamePatterns checks the patterns that type names the knowledge base does not hold,
// one sentence per rule, in the words a news text would use.
func TestNamePatterns(t *testing.T) {
	tag := sharedTagger(t)
	cases := []struct {
		text string
		want []string // TYPE:surface, in order
	}{
		{"The New York Yankees beat the Toronto Blue Jays on Sunday.", []string{"ORG:New York Yankees", "ORG:Toronto Blue Jays"}},
		{"He joined the Colorado Department of Transportation in 1990.", []string{"ORG:Colorado Department of Transportation"}},
		{"He spoke for the Australian League of Rights and the Polish Foreign Minister.", []string{"ORG:Australian League of Rights"}},
		{"The final was played at Turner Field before 40,000 people.", []string{"LOC:Turner Field"}},
		{"He was elected Mayor of Ottawa in 2006.", []string{"LOC:Ottawa"}},
		{"The band released Take Me Higher in 1995.", nil},
		{"Портрет работы художника Джорджоне; the painter Cézanne.", []string{"PER:Джорджоне", "PER:Cézanne"}},
		{"Среди министров были Монтанелли и Мадзини, а идеи Просвещения им чужды.", []string{"PER:Монтанелли", "PER:Мадзини"}},
		{"Через 4 года в Лондоне Ингрид Бергман вновь победила.", []string{"LOC:Лондоне", "PER:Ингрид Бергман"}},
		{"Он обитал в Карибском море и в Переяславском уезде, воевал против Боснии.", []string{"LOC:Карибском море", "LOC:Переяславском уезде", "LOC:Боснии"}},
		{"The 65th Fighter Wing played at Carnegie Hall near Camp Howe.", []string{"ORG:65th Fighter Wing", "LOC:Carnegie Hall", "LOC:Camp Howe"}},
		{"Ijevan residents said the road to Goris was closed, Harrison told Azna.", []string{"LOC:Ijevan", "LOC:Goris", "PER:Harrison"}},
		{"Melvin Upton Jr. signed with Acme Inc. last year.", []string{"PER:Melvin Upton Jr.", "ORG:Acme Inc."}},
		{"В 1937 году на сцене впервые появился В. И. Ленин.", []string{"PER:В. И. Ленин"}},
		{"Он прилетел из Нью-Йорка в Алма-Ату, а потом жил в Воеводине.", []string{"LOC:Нью-Йорка", "LOC:Алма-Ату", "LOC:Воеводине"}},
		{"В городах Бендеры и Сорока у реки Янцзы он ушёл из группы The Offspring.", []string{"LOC:Бендеры", "LOC:Сорока", "LOC:Янцзы", "ORG:The Offspring"}},
		{"Il a joué pour les Panthers de la Floride.", []string{"ORG:Panthers de la Floride"}},
		{"They walked along the Stave River to Lower Saxony.", []string{"LOC:Stave River", "LOC:Lower Saxony"}},
		{"In 1995 the Braves beat the Giants, and the Germans cheered.", []string{"ORG:Braves", "ORG:Giants"}},
		{"He left Major League Baseball for the South Seas and bought a TRS-80 from IBM.", []string{"ORG:Major League Baseball", "LOC:South Seas", "ORG:IBM"}},
		{"В 1995 году перешёл в московский «Локомотив», затем играл за «Задар» и «Бостон Селтикс»; жил в Дмитрове.",
			[]string{"ORG:«Локомотив»", "ORG:«Задар»", "ORG:«Бостон Селтикс»", "LOC:Дмитрове"}},
		{`Главный тренер клуба " Давос " смотрел фильм «Зорро».`, []string{"ORG:Давос"}},
		{"В XIX веке банк Goldman Sachs купил акции Morgan Stanley, как пишет Джон Смит.", []string{"ORG:Goldman Sachs", "ORG:Morgan Stanley", "PER:Джон Смит"}},
		{"Среди министров были Монтанелли, Гверацци, Мадзини.", []string{"PER:Монтанелли", "PER:Гверацци", "PER:Мадзини"}},
		{"The Danube and the Rhine flow past; Lena Philipsson sang at Carnegie Hall.", []string{"LOC:Danube", "LOC:Rhine", "PER:Lena Philipsson", "LOC:Carnegie Hall"}},
		{"По полноводности река уступает Янцзы и Дунаю; elle se jette dans la mer Adriatique.", []string{"LOC:Янцзы", "LOC:Дунаю", "LOC:mer Adriatique"}},
		{"Пострадали Дубровник, Ловас и Задар; река Сицзян течёт в 48 световых годах от Солнца.", []string{"LOC:Дубровник", "LOC:Ловас", "LOC:Задар", "LOC:Сицзян", "LOC:Солнца"}},
		{"Когда диктатор Франко умер, с помощью дирижёра Мюррея Сидлина парень по кличке Коламбус уехал.",
			[]string{"PER:Франко", "PER:Мюррея Сидлина", "PER:Коламбус"}},
	}
	for _, tc := range cases {
		got := spansOf(tag(tc.text), tc.text, false)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q\n got  %q\n want %q", tc.text, got, tc.want)
		}
	}
}
