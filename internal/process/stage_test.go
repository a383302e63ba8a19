package process_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
	"wirewatch/internal/process"
)

func TestStageEnrichesAndDeadLettersMalformedMessages(t *testing.T) {
	c, m := bustest.Start(t)
	logger := slog.New(slog.DiscardHandler)
	cfg := config.Default().Process
	cfg.TopicsFile = "../../config/topics.yaml"
	e, err := process.New(cfg, logger)
	if err != nil {
		t.Fatalf("enricher: %v", err)
	}
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
	if !ids["Q80137"] {
		t.Errorf("entities %v lack Sergey Lavrov (Q80137) from the inflected Russian text", a.EntityIDs())
	}
	if len(dlq) != 1 || string(dlq[0].Key) != "garbage" || bustest.Header(dlq[0], bus.HeaderStage) != "process" {
		t.Fatalf("dead letters = %v, want the garbage message from the process stage", dlq)
	}
	if reason := bustest.Header(dlq[0], bus.HeaderError); reason == "" {
		t.Error("dead letter has no reason")
	}
}
