package process

import (
	"slices"
	"strings"
	"testing"
)

// TestNamePatterns checks the patterns that type names the knowledge base does not hold,
// one sentence per rule, in the words a news text would use.
func TestNamePatterns(t *testing.T) {
	e := sharedEnricher(t)
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
		var got []string
		for _, p := range e.tagText(tc.text) {
			if p.typ != "MISC" {
				got = append(got, p.typ+":"+tc.text[p.start:p.end])
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q\n got  %q\n want %q", tc.text, got, tc.want)
		}
	}
}

// TestSurnameAfterAPreposition: after "Mayor Tom Bradford", every lone "Bradford" is the
// mayor, also after "to", where a gazetteer has the town; none of the mentions is lost.
func TestSurnameAfterAPreposition(t *testing.T) {
	e := sharedEnricher(t)
	a, err := Extract(e, "Mayor Tom Bradford spoke first.\n\nLater Bradford said he wrote to Bradford.")
	if err != nil {
		t.Fatal(err)
	}
	ent := entityByID(a, "new:PER:tom bradford")
	if ent == nil {
		t.Fatalf("no entity for Tom Bradford: %v", a.EntityIDs())
	}
	var got []string
	for _, m := range ent.Mentions {
		got = append(got, m.Field+":"+m.Text)
	}
	if want := []string{"title:Tom Bradford", "text:Bradford", "text:Bradford"}; !slices.Equal(got, want) {
		t.Errorf("mentions %q, want %q", got, want)
	}
}

// TestSurnameAfterFullName: once an article names "Kory Lichtensteiger", a lone
// "Lichtensteiger" is the same person, even where a gazetteer has a town of that name, and
// Russian case forms of the surname count too.
func TestSurnameAfterFullName(t *testing.T) {
	e := sharedEnricher(t)
	for _, tc := range []struct{ text, full, lone string }{
		{"Guard Kory Lichtensteiger signed in May.\n\nLater, Lichtensteiger said he was happy.", "Kory Lichtensteiger", "Lichtensteiger"},
		{"Tom Jackson spoke first.\n\nThen Jackson left the hall.", "Tom Jackson", "Jackson"},
		{"Вчера Арам Вардазарян выступил с речью.\n\nВардазаряна поддержали депутаты.", "Арам Вардазарян", "Вардазаряна"},
	} {
		a, err := Extract(e, tc.text)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ent := range a.Entities {
			var surf []string
			for _, m := range ent.Mentions {
				surf = append(surf, m.Text)
			}
			if len(surf) > 0 && surf[0] == tc.full {
				found = true
				if ent.Type != "PER" || len(surf) != 2 || surf[1] != tc.lone {
					t.Errorf("%s: entity %s %s has mentions %q, want [%q %q]", tc.full, ent.ID, ent.Type, surf, tc.full, tc.lone)
				}
			} else if slices := surf; len(slices) > 0 && slices[0] == tc.lone {
				t.Errorf("%s: the lone surname is a separate entity %s %s", tc.full, ent.ID, ent.Type)
			}
		}
		if !found {
			t.Errorf("%s: not found in %+v", tc.full, a.Entities)
		}
	}
}
