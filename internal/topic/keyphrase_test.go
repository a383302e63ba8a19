package topic

import (
	"slices"
	"strings"
	"testing"

	"wirewatch/internal/process/processtest"
	"wirewatch/internal/text"
)

// TestKeyphrases reads an English news story as the enricher does, title and body apart.
func TestKeyphrases(t *testing.T) {
	src := processtest.ReadFile(t, processtest.Testdata(t, "lachin.en.txt"))
	title, body, _ := strings.Cut(src, "\n\n")
	k := NewKeyphraser()
	for _, f := range []string{strings.TrimSpace(title), body} {
		k.Add(text.Tokenize(f, nil), f, "en")
	}
	phrases := k.Top(8)
	if len(phrases) == 0 || len(phrases) > 8 {
		t.Fatalf("keyphrases %q", phrases)
	}
	for _, p := range phrases {
		first := strings.ToLower(strings.Fields(p)[0])
		if text.IsStopword("en", first) {
			t.Errorf("key phrase %q starts with a stopword", p)
		}
	}
	found := slices.ContainsFunc(phrases, func(p string) bool {
		return strings.Contains(strings.ToLower(p), "collective security treaty organization")
	})
	if !found {
		t.Errorf("keyphrases %q lack the repeated long name", phrases)
	}
}
