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

// Write cuts a list that needs several batches into batches of about equal text, not into
// full ones and a remainder: five articles of ~1 KB under a bound of 4.5 KB go in batches
// of 2 and 3 (the old cut: 4 and 1), and all of them are found.
func TestWriteSplitsBatchesEvenly(t *testing.T) {
	b, err := Open(t.TempDir()+"/idx", []string{"en"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.batchText = 4500
	var sizes []int
	b.batched = func(n int) { sizes = append(sizes, n) }
	var docs []*article.Article
	for i := range 5 {
		u := fmt.Sprintf("https://example.org/%d", i)
		docs = append(docs, &article.Article{ID: article.ID(u, "", ""), URL: u, Lang: "en",
			Title: fmt.Sprintf("report number%d", i), Text: strings.Repeat("corridor talks ", 70),
			Published: time.Date(2026, 11, 1, 0, 0, i, 0, time.UTC)})
	}
	errs, err := b.Write(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e != nil {
			t.Errorf("article %d: %v", i, e)
		}
	}
	if len(sizes) != 2 || min(sizes[0], sizes[1]) != 2 {
		t.Errorf("batches of %v articles, want two of 2 and 3", sizes)
	}
	res, err := b.Search(context.Background(), index.Request{Query: "corridor", Size: 20, IDsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 5 {
		t.Errorf("%d articles found, want 5", res.Total)
	}
}
