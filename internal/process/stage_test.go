package process_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/process"
	"wirewatch/internal/process/processtest"
)

func TestStageEnrichesAndDeadLettersMalformedMessages(t *testing.T) {
	c, m := bustest.Start(t)
	logger := slog.New(slog.DiscardHandler)
	e := newEnricher(t)
	raw := &article.Article{ID: article.ID("https://example.org/ru", "", ""), URL: "https://example.org/ru",
		Title: "Лавров обсудил Лачинский коридор", Summary: "Министр иностранных дел России Сергей Лавров заявил в Москве, что Лачинский коридор должен оставаться открытым.",
		Published: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	enc, _ := article.Encode(raw)
	bustest.Produce(t, c, c.Topics().Raw,
		bus.Record{Key: []byte("garbage"), Value: []byte("\x00\x01 not json")},
		bus.Record{Key: []byte(raw.ID), Value: enc},
	)
	ctx, cancel := context.WithCancel(context.Background())
	st := process.NewStage(c, e, m, 2, logger)
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	out := bustest.Read(t, c, c.Topics().Enriched, 1, 30*time.Second)
	dlq := bustest.Read(t, c, c.Topics().DLQ, 1, 30*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stage: %v", err)
	}
	if len(out) != 1 || string(out[0].Key) != raw.ID {
		t.Fatalf("enriched topic: %d messages, want the one article keyed by its ID", len(out))
	}
	a, err := article.Decode(out[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	if a.Lang != "ru" {
		t.Errorf("lang = %q, want ru", a.Lang)
	}
	ids := map[string]bool{}
	for _, id := range a.EntityIDs() {
		ids[id] = true
	}
	if !ids["Q58217"] {
		t.Errorf("entities %v lack Sergey Lavrov (Q58217) from the inflected Russian text", a.EntityIDs())
	}
	if len(dlq) != 1 || string(dlq[0].Key) != "garbage" || bustest.Header(dlq[0], bus.HeaderStage) != "process" {
		t.Fatalf("dead letters = %v, want the garbage message from the process stage", dlq)
	}
	if reason := bustest.Header(dlq[0], bus.HeaderError); reason == "" {
		t.Error("dead letter has no reason")
	}
}

// A 1,000,000-byte junk message on the raw topic (the broker takes it; no writer could
// copy it) costs one dead letter, a reference to it, and the stage goes on; an article
// naming a place thousands of times is published with its mentions capped and counted.
func TestStageDeadLettersOversizedJunkAndBoundsMentions(t *testing.T) {
	c, m := bustest.Start(t)
	logger := slog.New(slog.DiscardHandler)
	e := newEnricher(t)
	long := &article.Article{ID: article.ID("https://example.org/long", "", ""), URL: "https://example.org/long",
		Title: "Yerevan, Yerevan", Text: strings.Repeat("Talks resumed in Yerevan today. ", 3000),
		Published: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	enc, _ := article.Encode(long)
	// Produced apart: a writer refuses the junk, so it goes straight to the broker.
	bustest.ProduceUnchecked(t, c, c.Topics().Raw, []byte("junk"), bytes.Repeat([]byte("x"), 1_000_000))
	bustest.Produce(t, c, c.Topics().Raw, bus.Record{Key: []byte(long.ID), Value: enc})

	ctx, cancel := context.WithCancel(context.Background())
	st := process.NewStage(c, e, m, 2, logger)
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	out := bustest.Read(t, c, c.Topics().Enriched, 1, 60*time.Second)
	dlq := bustest.Read(t, c, c.Topics().DLQ, 1, 30*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stage: %v", err)
	}
	if len(dlq) != 1 || string(dlq[0].Key) != "junk" || bustest.Header(dlq[0], bus.HeaderReference) != "1" ||
		bustest.Header(dlq[0], bus.HeaderStage) != "process" {
		t.Fatalf("dead letters = %d, want one reference to the junk message from the process stage", len(dlq))
	}
	if len(out) != 1 {
		t.Fatalf("enriched topic: %d messages, want the long article", len(out))
	}
	a, err := article.Decode(out[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	var yerevan *article.Entity
	total := 0
	for i := range a.Entities {
		total += len(a.Entities[i].Mentions)
		if a.Entities[i].ID == "Q1953" {
			yerevan = &a.Entities[i]
		}
	}
	if yerevan == nil {
		t.Fatalf("entities %v lack Yerevan", a.EntityIDs())
	}
	if len(yerevan.Mentions) != article.MaxMentions || yerevan.MentionCount != 3002 {
		t.Errorf("Yerevan: %d mentions kept, count %d; want %d kept of 3002", len(yerevan.Mentions), yerevan.MentionCount, article.MaxMentions)
	}
	if total > article.MaxArticleMentions {
		t.Errorf("%d mentions in the article, over %d", total, article.MaxArticleMentions)
	}
}

// newEnricher builds an enricher with the shipped topic rules and no reloading, as the
// stage tests run it.
func newEnricher(t *testing.T) *process.Enricher {
	t.Helper()
	e, err := process.New(processtest.Config(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("enricher: %v", err)
	}
	return e
}
