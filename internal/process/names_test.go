package process

import (
	"slices"
	"testing"
)

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
