package ui_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"wirewatch/article"
	"wirewatch/config"
	"wirewatch/index/bleve"
	"wirewatch/ingest"
	"wirewatch/process"
	"wirewatch/web"
	"wirewatch/web/ui"
)

// stack is a running wirewatch serving the UI on loopback.
type stack struct {
	base string
}

// enrichWriter hands polled articles to the real enricher and the real Bleve index, in
// place of the topics between them.
type enrichWriter struct {
	e *process.Enricher
	b *bleve.Backend
}

func (w enrichWriter) Publish(ctx context.Context, arts []*article.Article) error {
	for _, a := range arts {
		if err := w.e.Enrich(a); err != nil {
			return err
		}
	}
	errs, err := w.b.Write(ctx, arts)
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

func startStack(t *testing.T, token string, feeds []string) *stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Process.TopicsFile = filepath.Join("..", "..", "config", "topics.yaml")
	cfg.Ingest.OPML = nil
	cfg.Ingest.AllowPrivate = true
	cfg.Ingest.MinInterval, cfg.Ingest.MaxInterval = 500*time.Millisecond, 500*time.Millisecond
	cfg.Ingest.PerHostDelay = 0
	for _, f := range feeds {
		cfg.Ingest.Feeds = append(cfg.Ingest.Feeds, config.FeedConfig{URL: f})
	}
	logger := slog.New(slog.DiscardHandler)
	enr, err := process.New(cfg.Process, logger)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.Open(filepath.Join(dir, "index"), cfg.Process.Languages, logger)
	if err != nil {
		t.Fatal(err)
	}
	poller, err := ingest.NewPoller(cfg.Ingest, dir, enrichWriter{enr, idx}, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Options{Backend: idx, Token: token, Logger: logger})
	srv.Handle("GET /api/feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"feeds": poller.Status()})
	}))
	srv.MountFeedAdding(poller)
	ui.Mount(srv)
	hs := &http.Server{Addr: freePort(t), Handler: srv}
	done := make(chan struct{}, 2)
	go func() { _ = poller.Run(ctx); done <- struct{}{} }()
	go func() { _ = hs.ListenAndServe(); done <- struct{}{} }()
	t.Cleanup(func() {
		cancel()
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = hs.Shutdown(sctx)
		<-done
		<-done
		idx.Close()
	})
	st := &stack{base: "http://" + hs.Addr}
	wctx, wc := context.WithTimeout(ctx, 20*time.Second)
	defer wc()
	waitHTTP(wctx, t, st.base+"/healthz", func(r *http.Response) bool { return r.StatusCode == 200 })
	return st
}
