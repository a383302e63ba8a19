package eval_test

import (
	"bytes"
	"testing"

	"wirewatch/internal/eval"
	"wirewatch/internal/process/processtest"
)

// TestEvalLangSentences measures language detection on the shared development sentences
// and holds it to the project's quality bar (average ≥ 97%, no language under 93%).
func TestEvalLangSentences(t *testing.T) {
	e := sharedEnricher(t)
	for _, kind := range []string{"sentences", "word-pairs", "single-words"} {
		rep, err := eval.Lang(e, processtest.SharedPath(t, "corpora/langid/"+kind))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		t.Logf("\n%s", b.String())
		if kind != "sentences" {
			continue
		}
		if rep.Average < 0.97 {
			t.Errorf("average accuracy on sentences %.3f < 0.97", rep.Average)
		}
		for _, l := range rep.Languages {
			if l.Accuracy < 0.93 {
				t.Errorf("%s accuracy on sentences %.3f < 0.93", l.Lang, l.Accuracy)
			}
		}
	}
}
