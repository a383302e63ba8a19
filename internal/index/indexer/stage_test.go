package indexer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/index/indexer"
)

func TestStageIndexesAndDeadLettersWhatItCannotRead(t *testing.T) {
	c, m := bustest.Start(t)
	logger := slog.New(slog.DiscardHandler)
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en", "fr"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	good := &article.Article{ID: article.ID("https://example.org/lachin", "", ""), URL: "https://example.org/lachin",
		Title: "Lachin corridor reopens", Summary: "Traffic resumed on the Lachin corridor.", Lang: "en",
		Published: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	enc, err := article.Encode(good)
	if err != nil {
		t.Fatal(err)
	}
	again := *good
	again.Title = "Lachin corridor reopens (updated)"
	enc2, _ := article.Encode(&again)
	bustest.Produce(t, c, c.Topics().Enriched,
		bus.Record{Key: []byte("bad-1"), Value: []byte(`{"id": 7`)},
		bus.Record{Key: []byte(good.ID), Value: enc},
		bus.Record{Key: []byte("bad-2"), Value: []byte(`{"id":"x","schema_version":99}`)},
		bus.Record{Key: []byte(good.ID), Value: enc2},
	)

	ctx, cancel := context.WithCancel(context.Background())
	cfg := config.Default().Index
	cfg.FlushInterval = 50 * time.Millisecond
	st := indexer.NewStage(c, b, m, cfg, logger)
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()

	dlq := bustest.Read(t, c, c.Topics().DLQ, 2, 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	var got *article.Article
	for time.Now().Before(deadline) {
		if got, err = b.Get(context.Background(), good.ID); err == nil && got.Title == again.Title {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stage: %v", err)
	}
	if len(dlq) != 2 {
		t.Fatalf("dead letters: got %d, want the 2 unreadable messages", len(dlq))
	}
	for _, d := range dlq {
		if bustest.Header(d, bus.HeaderStage) != "index" || bustest.Header(d, bus.HeaderError) == "" {
			t.Errorf("dead letter %s lacks stage or reason: %v", d.Key, d.Headers)
		}
	}
	if got == nil || got.Title != again.Title {
		t.Fatalf("indexed article = %+v, want the latest version", got)
	}
	res, err := b.Search(context.Background(), index.Request{Query: "Lachin"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("search finds %d documents, want exactly 1 after two writes of one ID", res.Total)
	}
	if _, err := b.Get(context.Background(), "bad-1"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("Get of a dead-lettered key: %v, want ErrNotFound", err)
	}
}

// A 1,000,000-byte junk message on the enriched topic costs one dead letter, a reference
// to it, and the articles around it are indexed.
func TestStageDeadLettersOversizedJunkAndKeepsIndexing(t *testing.T) {
	c, m := bustest.Start(t)
	logger := slog.New(slog.DiscardHandler)
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	arts := make([]*article.Article, 2)
	for i := range arts {
		u := fmt.Sprintf("https://example.org/%d", i)
		arts[i] = &article.Article{ID: article.ID(u, "", ""), URL: u, Title: "Lachin corridor", Lang: "en",
			Published: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	}
	produce := func(a *article.Article) {
		enc, _ := article.Encode(a)
		bustest.Produce(t, c, c.Topics().Enriched, bus.Record{Key: []byte(a.ID), Value: enc})
	}
	produce(arts[0])
	bustest.ProduceUnchecked(t, c, c.Topics().Enriched, []byte("junk"), bytes.Repeat([]byte("x"), 1_000_000))
	produce(arts[1])

	ctx, cancel := context.WithCancel(context.Background())
	cfg := config.Default().Index
	cfg.FlushInterval = 50 * time.Millisecond
	st := indexer.NewStage(c, b, m, cfg, logger)
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	dlq := bustest.Read(t, c, c.Topics().DLQ, 1, 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for _, a := range arts {
		for {
			if _, err := b.Get(context.Background(), a.ID); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("article %s not indexed", a.URL)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stage: %v", err)
	}
	if len(dlq) != 1 || string(dlq[0].Key) != "junk" || bustest.Header(dlq[0], bus.HeaderReference) != "1" ||
		bustest.Header(dlq[0], bus.HeaderStage) != "index" {
		t.Fatalf("dead letters = %d, want one reference to the junk message from the index stage", len(dlq))
	}
	if n := bustest.Count(t, c.Brokers(), c.Topics().DLQ); n != 1 {
		t.Errorf("DLQ holds %d letters, want exactly 1", n)
	}
}
