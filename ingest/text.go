package ingest

import (
	"context"
	"log/slog"

	"wirewatch/article"
	"wirewatch/config"
)

// textFetcher fills in article text from the linked page for feeds with fetch_text.
type textFetcher struct {
	fetch *fetcher
	log   *slog.Logger
}

func newTextFetcher(f *fetcher, cfg config.IngestConfig, log *slog.Logger) *textFetcher {
	return &textFetcher{fetch: f, log: log}
}

func (t *textFetcher) fill(ctx context.Context, arts []*article.Article) {}
