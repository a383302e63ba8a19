// Package processtest finds what the enrichment tests read wherever the test runs: the
// module root (config/topics.yaml), the shared corpora and samples beside the checkout, and
// the configuration the enricher is tested with. It is imported by the tests of process,
// lang, entity, topic and eval, and imports only config.
package processtest

import (
	"os"
	"path/filepath"
	"testing"

	"wirewatch/internal/config"
)

// Root returns the module root: the nearest directory above the test's working directory
// that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("finding the module root: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("finding the module root: no go.mod above the working directory")
		}
		dir = up
	}
}

// SharedPath returns the path of rel in the shared data directory, ../shared from the
// module root, failing the test loudly when the data is absent.
func SharedPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Root(t), "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared data %s is missing (tests read ../shared beside the checkout): %v", rel, err)
	}
	return p
}

// Config is the default processing configuration with the shipped topics file and no
// reloading.
func Config(t testing.TB) config.ProcessConfig {
	t.Helper()
	cfg := config.Default().Process
	cfg.TopicsFile = filepath.Join(Root(t), "config", "topics.yaml")
	cfg.ReloadInterval = 0
	return cfg
}

// ReadFile returns the file's content, failing the test when it cannot be read.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Testdata returns the path of name in internal/process/testdata: the Lachin stories in
// five languages and their golden files, which the tests of several packages read.
func Testdata(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(Root(t), "internal", "process", "testdata", name)
}
