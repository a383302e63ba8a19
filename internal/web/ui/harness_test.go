package ui_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/pipeline"
)

// stack is a whole wirewatch (`wirewatch run`: embedded broker, poller, enrichment, Bleve
// index, API and UI) running in this test process on loopback.
type stack struct {
	base string
}

// startStack runs the real pipeline on a temp data dir, polling feeds every half second.
func startStack(t *testing.T, token string, feeds []string) *stack {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Addr = "127.0.0.1:0"
	cfg.Serve.Token = token
	cfg.Ingest.OPML = nil
	cfg.Ingest.AllowPrivate = true // the test feeds are on loopback
	cfg.Alert.AllowPrivate = true  // and so are the webhooks the follow dialog sets up
	cfg.Ingest.MinInterval, cfg.Ingest.MaxInterval = 300*time.Millisecond, 500*time.Millisecond
	for _, f := range feeds {
		cfg.Ingest.Feeds = append(cfg.Ingest.Feeds, config.FeedConfig{URL: f})
	}
	cfg.Process.TopicsFile = filepath.Join("..", "..", "..", "config", "topics.yaml")
	// The test articles name only curated entities, in these languages: a smaller detector
	// and no city gazetteer start faster.
	cfg.Process.Gazetteer = false
	cfg.Process.Languages = []string{"en", "ru", "fa", "hy", "az"}
	cfg.Kafka.Partitions = 2
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	began := time.Now()
	go func() {
		done <- pipeline.Run(ctx, cfg, pipeline.Options{Stages: pipeline.AllStages, Embedded: true, Ready: func(a string) { ready <- a }}, logger)
	}()
	select {
	case addr := <-ready:
		t.Logf("wirewatch run ready in %s", time.Since(began).Round(10*time.Millisecond))
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("wirewatch run stopped with: %v", err)
			}
		})
		st := &stack{base: "http://" + addr}
		wctx, wc := context.WithTimeout(ctx, 20*time.Second)
		defer wc()
		waitHTTP(wctx, t, st.base+"/healthz", func(r *http.Response) bool { return r.StatusCode == 200 })
		return st
	case err := <-done:
		cancel()
		t.Fatalf("wirewatch run ended before it was ready: %v", err)
	case <-time.After(3 * time.Minute): // generous: make test runs other packages' tests beside this one
		cancel()
		t.Fatal("wirewatch run not ready after 3 minutes")
	}
	return nil
}

type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
