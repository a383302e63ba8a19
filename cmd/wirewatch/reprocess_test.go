package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/process"
	"wirewatch/internal/process/processtest"
)

// TestReprocessCommand runs `wirewatch reprocess --from DAY` against a process stage's
// reprocess API on the embedded broker: it prints the job's counts, and the articles
// published since DAY are on the enriched topic again, enriched and marked
// wirewatch-reprocess: 1. It also checks the raw topic's retention (kafka.raw_retention).
func TestReprocessCommand(t *testing.T) {
	client, metrics := bustest.Start(t)
	raw := client.Topics().Raw
	var recs []bus.Record
	for i, day := range []string{"2026-11-20", "2026-11-21", "2025-01-05"} {
		pub, _ := time.Parse(time.DateOnly, day)
		a := &article.Article{ID: "art-" + strconv.Itoa(i), SchemaVersion: article.SchemaVersion, Published: pub,
			Title: "Lachin corridor blockade", Text: "Armenia and Azerbaijan argued over the Lachin corridor as Russian peacekeepers watched the road."}
		b, err := article.Encode(a)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, bus.Record{Key: []byte(a.ID), Value: b})
	}
	bustest.Produce(t, client, raw, recs...)

	e, err := process.New(processtest.Config(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	rp := process.NewReprocessor(client, e, metrics, slog.New(slog.DiscardHandler))
	mux := http.NewServeMux()
	rp.Routes(mux)
	api := httptest.NewServer(mux)
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rp.Run(ctx) }()
	defer func() { cancel(); <-done }()

	var out, errb bytes.Buffer
	if code := cli([]string{"reprocess", "--addr", api.URL, "--every", "20ms", "--from", "2026-11-01"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	t.Logf("stderr:\n%s", errb.String())
	if want := "done: read 3, re-enriched 2, out of range 1, failed 0"; !strings.Contains(out.String(), want) {
		t.Errorf("output %q lacks %q", out.String(), want)
	}
	got := bustest.Read(t, client, client.Topics().Enriched, 3, 5*time.Second)
	if len(got) != 2 {
		t.Fatalf("%d records on the enriched topic, want 2", len(got))
	}
	for _, r := range got {
		a, err := article.Decode(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		if bustest.Header(r, bus.HeaderReprocess) != "1" || a.ID == "art-2" || a.Lang != "en" || len(a.Topics) == 0 || a.StoryID == "" {
			t.Errorf("enriched record %s (headers %v): lang %q, topics %v, story %q", a.ID, r.Headers, a.Lang, a.Topics, a.StoryID)
		}
	}

	if code := cli([]string{"reprocess", "--addr", api.URL, "--from", "2026-12-01", "--to", "2026-11-01"}, &out, &errb); code != 2 {
		t.Errorf("a range that ends before it starts: exit %d, want 2", code)
	}

	retention, err := bustest.TopicConfig(context.Background(), client.Brokers(), raw, "retention.ms")
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.FormatInt((30 * 24 * time.Hour).Milliseconds(), 10); retention != want {
		t.Errorf("%s retention.ms = %q, want %s (kafka.raw_retention)", raw, retention, want)
	}
}
