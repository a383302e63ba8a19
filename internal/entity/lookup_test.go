package entity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	r, err := New(Options{Gazetteer: true})
	if err != nil {
		t.Fatal(err)
	}
	user := filepath.Join(t.TempDir(), "entities.yaml")
	if err := os.WriteFile(user, []byte("- id: ww:acme\n  type: ORG\n  name: Zorvath Holdings\n  names:\n    ru: [Зорват Холдингс]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := r.LoadUser([]string{user})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, text string
		want       []string // IDs, in order; each "id=alias" also checks the alias
		none       bool
	}{
		{name: "a whole name, then the names it is part of", text: "Lachin",
			want: []string{"geonames:147625=Лачин", "ww:lachin-corridor=Лачинский коридор", "ww:lachin-corridor-blockade"}},
		{name: "typed in lower case", text: "lachin", want: []string{"geonames:147625", "ww:lachin-corridor"}},
		{name: "a phrase", text: "Lachin corridor", want: []string{"ww:lachin-corridor=Лачинский коридор"}},
		{name: "French form", text: "corridor de Latchine", want: []string{"ww:lachin-corridor=Лачинский коридор"}},
		{name: "Cyrillic", text: "Лавров", want: []string{"Q58217="}},
		{name: "Russian case form", text: "Лаврова", want: []string{"Q58217"}},
		{name: "French transliteration", text: "Sergueï Lavrov", want: []string{"Q58217"}},
		{name: "a user's entity", text: "zorvath", want: []string{"ww:acme=Зорват Холдингс"}},
		{name: "a common word", text: "corridor", none: true},
		{name: "common words", text: "peace talks", none: true},
		{name: "a first name alone", text: "Sergey", none: true},
		{name: "function words", text: "of the", none: true},
		{name: "empty", text: " ", none: true},
	}
	// Lachin is the gazetteer's town since December 2026; its former ID still finds it.
	if got := f.IDsOf("ww:lachin"); len(got) != 2 || got[0] != "geonames:147625" || got[1] != "ww:lachin" {
		t.Errorf("IDsOf(ww:lachin) = %q, want geonames:147625, then the former ID", got)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := f.Lookup(tc.text)
			if tc.none {
				if len(got) > 0 {
					t.Fatalf("Lookup(%q) = %+v, want none", tc.text, got)
				}
				return
			}
			if len(got) > MaxLookup {
				t.Fatalf("Lookup(%q) returned %d matches, more than MaxLookup", tc.text, len(got))
			}
			for i, w := range tc.want {
				id, alias, checkAlias := strings.Cut(w, "=")
				if i >= len(got) || got[i].ID != id {
					t.Fatalf("Lookup(%q) = %+v, want %v first", tc.text, got, tc.want)
				}
				if checkAlias && got[i].Alias != alias {
					t.Errorf("Lookup(%q)[%d].Alias = %q, want %q", tc.text, i, got[i].Alias, alias)
				}
			}
		})
	}
}
