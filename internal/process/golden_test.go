package process

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"wirewatch/internal/article"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenView is the part of an enriched article the golden files pin down.
type goldenView struct {
	Lang     string         `json:"lang"`
	Entities []goldenEntity `json:"entities"`
	Topics   []string       `json:"topics"`
}

type goldenEntity struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	Known    bool     `json:"known"`
	Mentions []string `json:"mentions"` // "field:start:end:text"
}

func viewOf(a *article.Article) goldenView {
	v := goldenView{Lang: a.Lang, Topics: a.Topics}
	for _, e := range a.Entities {
		g := goldenEntity{ID: e.ID, Type: e.Type, Name: e.Name, Known: e.Known}
		for _, m := range e.Mentions {
			g.Mentions = append(g.Mentions, fmt.Sprintf("%s:%d:%d:%s", m.Field, m.Start, m.End, m.Text))
		}
		v.Entities = append(v.Entities, g)
	}
	return v
}

// coreIDs are the entities every version of the Lachin story must yield, whatever its
// language: Armenia, Azerbaijan, Nagorno-Karabakh, Russia, Sergey Lavrov, the CSTO, Moscow,
// Yerevan, Baku, the European Union and the Lachin corridor.
var coreIDs = []string{"Q399", "Q227", "Q44302", "Q159", "Q58217", "Q318693", "Q649", "Q1953", "Q9248", "Q458", "ww:lachin-corridor"}

func TestGoldenLachin(t *testing.T) {
	e := sharedEnricher(t)
	cases := []struct {
		name, path, lang string
		core             []string
	}{
		{"seed fr", sharedPath(t, "samples/seed-article.fr.txt"), "fr", coreIDs},
		{"en", "testdata/lachin.en.txt", "en", coreIDs},
		{"ru", "testdata/lachin.ru.txt", "ru", coreIDs},
		{"hy", "testdata/lachin.hy.txt", "hy", coreIDs},
		{"az", "testdata/lachin.az.txt", "az", coreIDs},
	}
	known := map[string][]string{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Extract(e, readFile(t, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			if a.Lang != tc.lang {
				t.Errorf("lang = %s, want %s", a.Lang, tc.lang)
			}
			checkLachin(t, a, tc.core)
			for _, ent := range a.Entities {
				if ent.Known {
					known[tc.name] = append(known[tc.name], ent.ID)
				}
			}
			checkGolden(t, strings.TrimSuffix(filepath.Base(tc.path), ".txt")+".golden.json", viewOf(a))
		})
	}
	t.Run("en and ru yield the same known IDs", func(t *testing.T) {
		en, ru := known["en"], known["ru"]
		slices.Sort(en)
		slices.Sort(ru)
		if !slices.Equal(en, ru) {
			t.Errorf("en IDs %v\nru IDs %v", en, ru)
		}
	})
	t.Run("seed mentions", func(t *testing.T) {
		a, err := Extract(e, readFile(t, sharedPath(t, "samples/seed-article.fr.txt")))
		if err != nil {
			t.Fatal(err)
		}
		csto := entityByID(a, "Q318693")
		if csto == nil {
			t.Fatal("no CSTO")
		}
		var forms []string
		for _, m := range csto.Mentions {
			forms = append(forms, m.Text)
		}
		for _, want := range []string{"OTSC", "Organisation du traité de sécurité collective"} {
			if !slices.Contains(forms, want) {
				t.Errorf("CSTO mentions %q lack %q", forms, want)
			}
		}
		lavrov := entityByID(a, "Q58217")
		if lavrov == nil || lavrov.Mentions[0].Text != "Lavrov" {
			t.Errorf("Lavrov mentions: %+v", lavrov)
		}
	})
}

func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	path := filepath.Join("testdata", name)
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from the output; diff it against:\n%s", path, b)
	}
}
