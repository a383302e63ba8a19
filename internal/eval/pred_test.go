package eval_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirewatch/internal/eval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestNERPredictedGolden scores a model's output (testdata/pred/pred.conll: the gold file's
// tokens with a model's tags, in two columns, types of its own and ill-formed I- tags
// included) against testdata/pred/gold.conll, mistakes and halves listed, and compares
// the report with testdata/pred/report.golden.txt. Run with -update to rewrite it.
func TestNERPredictedGolden(t *testing.T) {
	rep := scorePredicted(t, eval.NEROptions{Mistakes: true, Halves: true})
	// The counts, worked out by hand: PER 2 of 3 right (Ararat Mirzoyan is an ORG here),
	// LOC 3 of 4 (an I-LOC after O starts a name, so Vienna counts; "Minsk" alone does
	// not), ORG 1 of 3 ("OSCE" and "Group" are not the gold span); NORP and GPE are not
	// scored, MISC is reported and not averaged.
	for typ, want := range map[string][3]int{"PER": {2, 3, 2}, "LOC": {4, 4, 3}, "ORG": {3, 3, 1}, "MISC": {1, 1, 0}} {
		s := rep.Types[typ]
		if got := [3]int{s.Gold, s.Predicted, s.Correct}; got != want {
			t.Errorf("%s: gold, predicted, correct = %v, want %v", typ, got, want)
		}
	}
	if m := rep.Micro; m.Gold != 9 || m.Predicted != 10 || m.Correct != 6 {
		t.Errorf("micro = %+v, want 9 gold, 10 predicted, 6 correct", m)
	}
	if len(rep.Halves) != 2 || rep.Halves[0].Sentences != 2 || rep.Halves[0].Micro.Correct+rep.Halves[1].Micro.Correct != 6 {
		t.Errorf("halves = %+v, want two of 2 sentences, 6 right between them", rep.Halves)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "pred", "report.golden.txt")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("report differs from %s (-update rewrites it):\n%s", golden, b.String())
	}
}

// TestNERPredictedScoresAsTagger checks that a model whose output is the gold file itself
// scores 1, and that mistakes name the model as their source.
func TestNERPredictedScoresAsTagger(t *testing.T) {
	gold, err := os.ReadFile(filepath.Join("testdata", "pred", "gold.conll"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := eval.NERWith(nil, bytes.NewReader(gold), eval.NEROptions{Predicted: bytes.NewReader(gold)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Micro.F1 != 1 || rep.Types["MISC"].F1 != 1 {
		t.Errorf("gold scored against itself: micro %+v, MISC %+v, want F1 1", rep.Micro, rep.Types["MISC"])
	}
	rep = scorePredicted(t, eval.NEROptions{Mistakes: true})
	for _, m := range rep.Mistakes {
		if m.Kind == "false" && m.From != "model" {
			t.Errorf("false name %q from %q, want from model", m.Name, m.From)
		}
	}
}

func TestNERPredictedErrors(t *testing.T) {
	gold := "0\tSergey\tB-PER\n1\tLavrov\tI-PER\n\n0\tin\tO\n1\tYerevan\tB-LOC\n"
	for _, tc := range []struct{ name, pred, want string }{
		{"other token", "Sergey\tB-PER\nLavrov\tI-PER\n\nin\tO\nErevan\tB-LOC\n", `sentence 2 has other tokens`},
		{"missing sentence", "Sergey\tB-PER\nLavrov\tI-PER\n", "1 sentences, the gold file has 2"},
		{"four columns", "0 Sergey B-PER x\n", "predicted tags: reading CoNLL line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eval.NERWith(nil, strings.NewReader(gold), eval.NEROptions{Predicted: strings.NewReader(tc.pred)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func scorePredicted(t *testing.T, o eval.NEROptions) *eval.NERReport {
	t.Helper()
	gold, err := os.Open(filepath.Join("testdata", "pred", "gold.conll"))
	if err != nil {
		t.Fatal(err)
	}
	defer gold.Close()
	pred, err := os.Open(filepath.Join("testdata", "pred", "pred.conll"))
	if err != nil {
		t.Fatal(err)
	}
	defer pred.Close()
	o.Predicted = pred
	rep, err := eval.NERWith(nil, gold, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestNERTagsRoundTrip writes the names scored as CoNLL (NEROptions.Tags), for the rules and
// for a model's output, and scores that file again: the same names, so the same counts.
func TestNERTagsRoundTrip(t *testing.T) {
	gold, err := os.ReadFile(filepath.Join("testdata", "pred", "gold.conll"))
	if err != nil {
		t.Fatal(err)
	}
	pred, err := os.ReadFile(filepath.Join("testdata", "pred", "pred.conll"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    eval.NEROptions
	}{
		{"rules", eval.NEROptions{}},
		{"model", eval.NEROptions{Predicted: bytes.NewReader(pred)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tags bytes.Buffer
			tc.o.Tags = &tags
			first, err := eval.NERWith(sharedEnricher(t), bytes.NewReader(gold), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			again, err := eval.NERWith(nil, bytes.NewReader(gold), eval.NEROptions{Predicted: &tags})
			if err != nil {
				t.Fatal(err)
			}
			if first.Micro.Correct == 0 {
				t.Fatalf("nothing right the first time: %+v", first.Micro)
			}
			for typ, s := range first.Types {
				if a := again.Types[typ]; a.Correct != s.Correct || a.Predicted != s.Predicted {
					t.Errorf("%s: rescored %d right of %d, first %d of %d", typ, a.Correct, a.Predicted, s.Correct, s.Predicted)
				}
			}
		})
	}
}
