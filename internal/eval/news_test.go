package eval_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirewatch/internal/article"
	"wirewatch/internal/eval"
	"wirewatch/internal/process"
)

func extractor(t testing.TB) eval.Extractor {
	e := sharedEnricher(t)
	return func(s string) (*article.Article, error) { return process.Extract(e, s) }
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEvalNewsArithmetic checks the report's sums and rates on two articles whose
// enrichment is known: a key entity missed, one found under another ID with its name,
// output entities that are no key entity, and a topic missed.
func TestEvalNewsArithmetic(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.txt": "Sergey Lavrov flew to Yerevan on Monday to meet officials of Armenia.\n",
		// Lavrov and Yerevan are linked; Armenia is output and also_ok; the gold's
		// ww:nobody is missed; "Lavrov" under a wrong ID would be found, not linked.
		"a.gold.yaml": `lang: en
entities:
  - {id: Q58217, name: Sergey Lavrov}
  - {id: Q1953, name: Yerevan}
  - {id: ww:nobody, name: Nobody Atall}
topics: [csto]
also_ok:
  - {id: Q399, name: Armenia}
`,
		"b.txt": "Ilham Aliyev met Vladimir Putin in Moscow on Tuesday, where the two leaders talked about trade and the weather.\n",
		// Aliyev is listed under a wrong ID with his right name: found, not linked, and
		// his output entity is false. Putin and Moscow are not in the gold file: false too.
		"b.gold.yaml": `lang: en
entities:
  - {id: ww:not-aliyev, name: Ilham Aliyev}
`,
		"c.txt": "Лавров прилетел в Ереван.\n",
		"c.gold.yaml": `lang: ru
entities:
  - {id: Q58217, name: Sergey Lavrov}
  - {id: Q1953, name: Yerevan}
`,
	})
	rep, err := eval.NewsMistakes(extractor(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	en, ru, all := rep.Languages["en"], rep.Languages["ru"], rep.Overall
	if en == nil || ru == nil || len(rep.Languages) != 2 {
		t.Fatalf("languages = %v, want en and ru", rep.Languages)
	}
	want := eval.NewsScores{Articles: 2, LangRight: 2, Key: 4, Linked: 2, Found: 3, Output: 6, OutputOK: 3, Topics: 1, TopicsFound: 0,
		LinkedRecall: 0.5, FoundRecall: 0.75, Precision: 0.5, TopicRecall: 0}
	if *en != want {
		t.Errorf("en = %+v\nwant %+v", *en, want)
	}
	if ru.Key != 2 || ru.Linked != 2 || ru.LinkedRecall != 1 {
		t.Errorf("ru = %+v, want 2 of 2 key entities linked", *ru)
	}
	if all.Articles != 3 || all.Key != en.Key+ru.Key || all.Linked != en.Linked+ru.Linked || all.Output != en.Output+ru.Output ||
		all.OutputOK != en.OutputOK+ru.OutputOK || all.LinkedRecall != float64(all.Linked)/float64(all.Key) ||
		all.Precision != float64(all.OutputOK)/float64(all.Output) {
		t.Errorf("overall = %+v, not the sum of en %+v and ru %+v", all, *en, *ru)
	}
	kinds := map[string]int{}
	for _, m := range rep.Mistakes {
		kinds[m.Kind]++
	}
	if kinds["miss"] != 2 || kinds["false"] != 3 || kinds["topic-miss"] != 1 || len(rep.Mistakes) != 6 {
		t.Errorf("mistakes by kind = %v, want 2 miss, 3 false, 1 topic-miss", kinds)
	}
	if !strings.Contains(b.String(), `"Nobody Atall": nothing under that name`) {
		t.Errorf("report does not show the missed entity:\n%s", b.String())
	}
}

// TestEvalNewsSet runs the project's own news set (testdata/news) and logs its figures;
// it holds them to nothing but sanity, since the set is for measuring, not a goal.
func TestEvalNewsSet(t *testing.T) {
	rep, err := eval.NewsMistakes(extractor(t), "testdata/news")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	if rep.Overall.Articles < 10 || len(rep.Languages) < 10 {
		t.Errorf("%d articles in %d languages read, want the whole set", rep.Overall.Articles, len(rep.Languages))
	}
	if rep.Overall.Key == 0 || rep.Overall.Output == 0 {
		t.Errorf("overall = %+v: nothing scored", rep.Overall)
	}
}

func TestEvalNewsErrors(t *testing.T) {
	x := extractor(t)
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"empty", nil, "no NAME.gold.yaml"},
		{"no text", map[string]string{"a.gold.yaml": "lang: en\n"}, "reading article"},
		{"no lang", map[string]string{"a.gold.yaml": "entities: []\n", "a.txt": "x"}, "lang: missing"},
		{"no id", map[string]string{"a.gold.yaml": "lang: en\nentities: [{name: X}]\n", "a.txt": "x"}, "id: missing"},
		{"unknown key", map[string]string{"a.gold.yaml": "lang: en\nentitys: []\n", "a.txt": "x"}, "entitys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			_, err := eval.News(x, dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}
