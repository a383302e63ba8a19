package eval_test

import (
	"sync"
	"testing"

	"wirewatch/internal/process"
	"wirewatch/internal/process/processtest"
)

var (
	testEnricherOnce sync.Once
	testEnricher     *process.Enricher
	testEnricherErr  error
)

// sharedEnricher is built once: the knowledge base takes a while to load.
func sharedEnricher(t testing.TB) *process.Enricher {
	t.Helper()
	testEnricherOnce.Do(func() {
		testEnricher, testEnricherErr = process.New(processtest.Config(t), nil)
	})
	if testEnricherErr != nil {
		t.Fatalf("New: %v", testEnricherErr)
	}
	return testEnricher
}
