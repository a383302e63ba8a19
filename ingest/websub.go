package ingest

import (
	"context"
	"time"

	"github.com/mmcdole/gofeed"

	"wirewatch/config"
)

type websub struct {
	p   *Poller
	cfg config.WebSubConfig
}

func newWebSub(p *Poller, cfg config.WebSubConfig) *websub { return &websub{p: p, cfg: cfg} }

func (w *websub) run(ctx context.Context) { <-ctx.Done() }

func (w *websub) active(r *feedRecord, now time.Time) bool { return false }

func hubLinks(feed *gofeed.Feed) (hub, topic string) { return "", "" }
