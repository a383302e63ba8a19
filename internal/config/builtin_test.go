package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestDefaultDataFilesAreBuiltIn checks that the files the defaults name are read from the
// binary when the working directory lacks them, and that a file on disk wins.
func TestDefaultDataFilesAreBuiltIn(t *testing.T) {
	repoTopics, err := os.ReadFile("../../config/topics.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	d := Default()
	for _, path := range []string{d.Process.TopicsFile, d.Ingest.OPML[0]} {
		b, builtin, err := ReadDataFile(path)
		if err != nil || !builtin || len(b) == 0 {
			t.Errorf("%s from an empty directory: %d bytes, builtin %v, err %v", path, len(b), builtin, err)
		}
	}
	if b, _, _ := ReadDataFile("config/topics.yaml"); !bytes.Equal(b, repoTopics) {
		t.Error("the built-in topics differ from config/topics.yaml")
	}

	// The user's own file at the default path wins, and so does any path they name.
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	own := []byte("topics: []\n")
	if err := os.WriteFile(filepath.Join(dir, "config", "topics.yaml"), own, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, builtin, err := ReadDataFile("config/topics.yaml"); err != nil || builtin || !bytes.Equal(b, own) {
		t.Errorf("own config/topics.yaml: %q builtin %v err %v", b, builtin, err)
	}
	// A path that is not a default one must exist.
	for _, path := range []string{"mine/topics.yaml", "config/other.yaml", filepath.Join(dir, "nope.yaml"), "config/../config/nope.opml"} {
		if _, _, err := ReadDataFile(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: err %v, want not found", path, err)
		}
	}
}
