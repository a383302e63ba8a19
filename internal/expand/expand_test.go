package expand_test

import (
	"strings"
	"testing"

	"wirewatch/internal/entity"
	"wirewatch/internal/expand"
	"wirewatch/internal/query"
)

func newExpander(t *testing.T) *expand.Expander {
	t.Helper()
	return expand.New(func() (expand.Names, error) {
		r, err := entity.New(entity.Options{})
		if err != nil {
			return nil, err
		}
		return r.LoadUser(nil)
	})
}

func TestQuery(t *testing.T) {
	x := newExpander(t)
	cases := []struct {
		name, q, want string
		terms         []string // Expansion.Term of each expansion, in order
	}{
		{"a word", "Lachin", "Lachin OR entity:geonames:147625 OR entity:ww:lachin-corridor OR entity:ww:lachin-corridor-blockade",
			[]string{"Lachin", "Lachin", "Lachin"}},
		{"a phrase, in a tree", `"corridor de Latchine" AND NOT Лавров`,
			`("corridor de Latchine" OR entity:ww:lachin-corridor) AND NOT (Лавров OR entity:Q58217)`,
			[]string{"corridor de Latchine", "Лавров"}},
		{"fields, wildcards and proximity are left alone", `title:Lachin entity:Q7747 Lach* "Lachin corridor"~2`,
			`title:Lachin AND entity:Q7747 AND Lach* AND "Lachin corridor"~2`, nil},
		{"no name", "peace talks", "peace AND talks", nil},
		{"words that name an entity together", "Лачинский коридор блокада",
			"((Лачинский AND коридор) OR entity:ww:lachin-corridor) AND блокада", []string{"Лачинский коридор"}},
		{"a person's names, then a place", "Nikol Pashinyan Yerevan",
			"((Nikol AND Pashinyan) OR entity:Q7035479) AND (Yerevan OR entity:Q1953)", []string{"Nikol Pashinyan", "Yerevan"}},
		{"words around a name stay words", "prime minister Pashinyan",
			"prime AND minister AND (Pashinyan OR entity:Q7035479)", []string{"Pashinyan"}},
		{"an entity's former ID finds it under its QID too", "entity:ww:nikol-pashinyan",
			"entity:ww:nikol-pashinyan OR entity:Q7035479", nil},
		{"its QID finds the articles enriched under the former ID", "entity:Q7035479 AND peace",
			"(entity:Q7035479 OR entity:ww:nikol-pashinyan) AND peace", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := query.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			before := n.String()
			out, used, err := x.Query(n)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("expanded = %s\nwant       %s", out, tc.want)
			}
			if n.String() != before {
				t.Errorf("the query given was changed: %s", n)
			}
			var terms []string
			for _, e := range used {
				terms = append(terms, e.Term)
				if e.Entity == "" || e.Name == "" {
					t.Errorf("expansion %+v lacks its entity or name", e)
				}
			}
			if strings.Join(terms, "|") != strings.Join(tc.terms, "|") {
				t.Errorf("expansions of %v, want of %v", terms, tc.terms)
			}
		})
	}
}

// TestQueryLimits checks that expansion never makes a valid query invalid: past
// query.MaxTerms it adds nothing, and it adds at most MaxExpansions clauses.
func TestQueryLimits(t *testing.T) {
	x := newExpander(t)
	full := strings.TrimSpace(strings.Repeat("Lachin ", query.MaxTerms))
	many := strings.TrimSpace(strings.Repeat("Lachin ", 20))
	for _, q := range []string{full, many} {
		n, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		out, used, err := x.Query(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(used) > expand.MaxExpansions {
			t.Errorf("%d expansions, more than %d", len(used), expand.MaxExpansions)
		}
		if _, err := query.Parse(out.String()); err != nil {
			t.Errorf("expanded query does not parse: %v", err)
		}
	}
	n, _ := query.Parse(full)
	if _, used, _ := x.Query(n); len(used) != 0 {
		t.Errorf("a query at MaxTerms was widened by %d clauses", len(used))
	}
}
