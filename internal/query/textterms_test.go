package query

import (
	"runtime"
	"testing"
	"time"

	"wirewatch/internal/article"
)

// TestSearchesShareTheirWordsAnalyses compiles searches that share words: they share one
// analysis of each (an entry in Analysis.texts), still match as before, and once no
// compiled search holds a word's analysis any more its entry goes.
func TestSearchesShareTheirWordsAnalyses(t *testing.T) {
	an, err := NewAnalysis([]string{"en", "fr", "ru"})
	if err != nil {
		t.Fatal(err)
	}
	entries := func() int {
		an.texts.mu.Lock()
		defer an.texts.mu.Unlock()
		return len(an.texts.m)
	}
	a := compileWith(t, an, "Armenia AND corridor")
	b := compileWith(t, an, `Armenia AND "peace talks"`)
	if got := entries(); got != 3 { // armenia, corridor, "peace talks"
		t.Fatalf("%d analyses for 3 distinct text values, want 3", got)
	}
	if an.textTerms("Armenia", 0) != an.textTerms("Armenia", 0) {
		t.Error("one word analysed twice")
	}
	art := &article.Article{ID: "x", Lang: "en", Title: "Armenia reopens the corridor", Text: "Peace talks resume."}
	if !a.Match(art) || !b.Match(art) {
		t.Errorf("matches %v %v, want both", a.Match(art), b.Match(art))
	}
	if c := compileWith(t, an, "Armenia NOT corridor"); c.Match(art) {
		t.Error("NOT corridor matched an article about the corridor")
	}

	a, b = nil, nil
	for deadline := time.Now().Add(10 * time.Second); entries() > 0; time.Sleep(10 * time.Millisecond) {
		runtime.GC()
		if time.Now().After(deadline) {
			t.Fatalf("%d analyses kept 10 s after every search holding them was dropped", entries())
		}
	}
}
