package bleve

import (
	"fmt"
	"time"

	"wirewatch/internal/article"
)

// RawBatch is a baseline for `wirewatch bench`, not part of the search path: it creates a
// new index at path (an empty or absent directory) with the backend's mapping for
// languages, and indexes docs into it batchSize at a time with Bleve's own Batch, the
// documents built exactly as Write builds them, with nothing around it (no Kafka, no
// decoding, no per-item error handling). It returns the time the documents and batches
// took, so that the indexing stage's cost can be told from Bleve's. The index is closed
// when it returns; the caller removes path.
func RawBatch(path string, languages []string, docs []*article.Article, batchSize int) (time.Duration, error) {
	b, err := Open(path, languages, nil)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	batchSize = max(1, batchSize)
	start := time.Now()
	for lo := 0; lo < len(docs); lo += batchSize {
		batch := b.idx.NewBatch()
		for _, a := range docs[lo:min(lo+batchSize, len(docs))] {
			doc, err := b.document(a)
			if err == nil {
				err = batch.Index(a.ID, doc)
			}
			if err != nil {
				return 0, fmt.Errorf("building raw baseline document %s: %w", a.ID, err)
			}
		}
		if err := b.idx.Batch(batch); err != nil {
			return 0, fmt.Errorf("writing raw baseline batch of %d: %w", batch.Size(), err)
		}
	}
	return time.Since(start), nil
}
