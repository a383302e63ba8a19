package bleve

import (
	"testing"

	"wirewatch/internal/index"
	"wirewatch/internal/index/indextest"
	"wirewatch/internal/query"
)

func TestBackendSuite(t *testing.T) {
	indextest.Run(t, func(t *testing.T) index.Backend {
		b, err := Open(t.TempDir(), query.DefaultLanguages, nil)
		if err != nil {
			t.Fatalf("opening bleve index: %v", err)
		}
		return b
	})
}
