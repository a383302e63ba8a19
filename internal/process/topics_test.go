package process

import (
	"regexp"
	"slices"
	"testing"

	"wirewatch/internal/article"
)

// TestStarterTaxonomy checks the shipped topics on short texts in several languages.
func TestStarterTaxonomy(t *testing.T) {
	e := sharedEnricher(t)
	cases := []struct {
		name, text string
		want, not  []string
	}{
		{"peace treaty en", "Armenia and Azerbaijan said the peace treaty text is almost agreed, with border delimitation next.", []string{"armenia-azerbaijan-peace"}, []string{"lachin-corridor"}},
		{"peace treaty ru", "Армения и Азербайджан обсудили мирный договор и делимитацию границы.", []string{"armenia-azerbaijan-peace"}, nil},
		{"peacekeepers fr", "Les soldats de la paix russes restent au Haut-Karabakh.", []string{"russian-peacekeepers", "nagorno-karabakh"}, []string{"armenia-azerbaijan-peace"}},
		{"EUMA en", "The EU Mission in Armenia extended its patrols near the border with Azerbaijan.", []string{"eu-mediation"}, nil},
		{"Lachin ru", "Блокада Лачинского коридора продолжается.", []string{"lachin-corridor", "nagorno-karabakh"}, nil},
		{"Lachin az", "Laçın dəhlizində vəziyyət sabitdir.", []string{"lachin-corridor"}, nil},
		{"Georgian politics", "Protests continued in Tbilisi after Georgian Dream passed the law.", []string{"georgia-politics"}, []string{"lachin-corridor"}},
		{"unrelated", "The football season starts in August in Madrid.", nil, []string{"lachin-corridor", "nagorno-karabakh", "csto", "georgia-politics"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &article.Article{ID: "t-" + tc.name, Text: tc.text}
			if err := e.Enrich(a); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !slices.Contains(a.Topics, w) {
					t.Errorf("topics %v lack %s (entities %v)", a.Topics, w, a.EntityIDs())
				}
			}
			for _, n := range tc.not {
				if slices.Contains(a.Topics, n) {
					t.Errorf("topics %v should not have %s", a.Topics, n)
				}
			}
		})
	}
}

// TestTopicEntitiesAreCurrent checks that every entity a shipped topic rule names is the
// current ID of a knowledge-base entity. Rules match the IDs enrichment writes now, so a
// rule naming a former ID (a ww: ID replaced by its Wikidata QID) or a misspelt one would
// silently never fire.
func TestTopicEntitiesAreCurrent(t *testing.T) {
	e := sharedEnricher(t)
	f := e.Finder()
	ids := regexp.MustCompile(`entity:([^\s()]+)`)
	checked := 0
	for _, tp := range e.Topics() {
		for _, rule := range append([]string{tp.Rule}, tp.Rules...) {
			for _, m := range ids.FindAllStringSubmatch(rule, -1) {
				checked++
				if id := m[1]; !f.Current(id) {
					t.Errorf("topic %s names entity:%s, which is not a current knowledge-base ID (IDs of it: %v)", tp.ID, id, f.IDsOf(id))
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no entity: terms found in the shipped topic rules")
	}
}
