package bleve

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
)

// Write splits a list of articles whose text passes the bound into several Bleve batches,
// in order: every article is found, the later version of an ID wins, and each batch bumps
// the generation that invalidates cached facets.
func TestWriteSplitsBatchesByText(t *testing.T) {
	b, err := Open(t.TempDir()+"/idx", []string{"en"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.batchText = 2500 // two of the 1 KB articles below per batch
	var docs []*article.Article
	for i := range 7 {
		u := fmt.Sprintf("https://example.org/%d", i)
		docs = append(docs, &article.Article{ID: article.ID(u, "", ""), URL: u, Lang: "en",
			Title: fmt.Sprintf("report number%d", i), Text: strings.Repeat("corridor talks ", 70),
			Published: time.Date(2026, 11, 1, 0, 0, i, 0, time.UTC)})
	}
	again := *docs[0]
	again.Title = "report revised"
	docs = append(docs, &again, nil)
	gen := b.gen.Load()
	errs, err := b.Write(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs[:8] {
		if e != nil {
			t.Errorf("article %d: %v", i, e)
		}
	}
	if errs[8] == nil {
		t.Error("the nil article has no error")
	}
	if got := b.gen.Load() - gen; got != 4 {
		t.Errorf("%d batches written, want 4 (2+2+2+2 articles)", got)
	}
	res, err := b.Search(context.Background(), index.Request{Query: "corridor", Size: 20, IDsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 7 {
		t.Errorf("%d articles found, want 7", res.Total)
	}
	res, err = b.Search(context.Background(), index.Request{Query: "revised"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != docs[0].ID {
		t.Errorf("the later version of %s did not replace the first: %+v", docs[0].ID, res.Hits)
	}
}
