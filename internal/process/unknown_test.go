package process

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUnknownNamesSurviveRestarts checks that the list behind `wirewatch entities unknown`
// is written under the data directory and read back by the next enricher, whose own
// counts add to it.
func TestUnknownNamesSurviveRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unknown-names.json")
	keep := func(e *Enricher) (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.KeepUnknown(ctx, path) }()
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("KeepUnknown: %v", err)
			}
		}
	}
	count := func(e *Enricher, id string) (int, string) {
		for _, x := range e.Unknown(100) {
			if x.ID == id {
				return x.Count, x.Name
			}
		}
		return 0, ""
	}
	const text, id = "Yesterday Mr. Tigran Abrahamyan met reporters in Kapan.", "new:PER:tigran abrahamyan"

	first, _, _ := newUserEnricher(t, "[]\n", "topics: []\n")
	stop := keep(first)
	enrichText(t, first, text)
	enrichText(t, first, text)
	stop()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the list was not saved: %v", err)
	}

	second, _, _ := newUserEnricher(t, "[]\n", "topics: []\n")
	enrichText(t, second, text) // counted before the saved list is read: the counts add up
	stop = keep(second)
	defer stop()
	for range 200 {
		if n, _ := count(second, id); n == 3 {
			break
		}
		time.Sleep(10 * time.Millisecond) // KeepUnknown reads the file in its own goroutine
	}
	if n, name := count(second, id); n != 3 || name != "Tigran Abrahamyan" {
		t.Errorf("after the restart %s has count %d and name %q, want 3 and the surface form (all: %+v)", id, n, name, second.Unknown(10))
	}
}
