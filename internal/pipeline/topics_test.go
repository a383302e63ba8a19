package pipeline

import (
	"testing"

	"wirewatch/internal/config"
)

// TestServedTopicsWithoutEnrichment checks where a process that serves the UI without the
// enrichment stage finds the topics' names: the topics file (here the built-in one), read
// once, names in other languages included.
func TestServedTopicsWithoutEnrichment(t *testing.T) {
	cfg := config.Default().Process
	l, err := servedTopics(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, tp := range l.Topics() {
		if tp.ID == "lachin-corridor" {
			found = tp.Name == "Lachin corridor dispute" && tp.NameIn("fr") != tp.Name
		}
	}
	if !found {
		t.Errorf("the built-in topics lack the Lachin corridor by name in English and French: %+v", l.Topics())
	}
	cfg.TopicsFile = t.TempDir() + "/missing.yaml"
	if _, err := servedTopics(cfg, nil); err == nil {
		t.Error("a missing topics file gave no error")
	}
}
