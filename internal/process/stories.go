package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/story"
)

// storyLog keeps the enricher's story index in step with the stories topic, which every
// process instance writes and reads whole (see package story): the stage writes the
// assignments of each batch before its raw offsets are committed, and follows the topic
// into the index, reading it to its end before it enriches anything.
type storyLog struct {
	client *bus.Client
	index  *story.Index
	w      *bus.Writer
	logger *slog.Logger
}

func newStoryLog(c *bus.Client, index *story.Index, logger *slog.Logger) *storyLog {
	return &storyLog{client: c, index: index, w: c.Writer(c.Topics().Stories), logger: logger}
}

// runAfterCatchUp follows the stories topic and, once it has read what the topic held,
// runs stage. Both end when ctx does, or when either fails: a stage whose index stopped
// learning would start stories that other instances already have. It returns after both.
func (l *storyLog) runAfterCatchUp(ctx context.Context, stage func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan struct{})
	var followErr, stageErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer cancel()
		if err := l.client.Follow(ctx, l.w.Topic(), nil, l.learn, ready); err != nil {
			followErr = fmt.Errorf("following %s: %w", l.w.Topic(), err)
		}
	})
	wg.Go(func() {
		defer cancel()
		start := time.Now()
		select {
		case <-ready:
			l.logger.Info("story index read from the stories topic", "took", time.Since(start).Round(time.Millisecond))
		case <-ctx.Done(): // stage still runs, to close what it holds, and returns at once
		}
		stageErr = stage(ctx)
	})
	wg.Wait()
	return errors.Join(stageErr, followErr)
}

func (l *storyLog) learn(r bus.Record) {
	if r.Value == nil {
		return // a tombstone: nothing to learn
	}
	a, err := story.DecodeAssignment(r.Value)
	if err != nil {
		l.logger.Warn("skipping story record", "partition", r.Partition, "offset", r.Offset, "err", err)
		return
	}
	l.index.Learn(string(r.Key), a.Signature, a.Story, a.At)
}

// write writes the story assignments of arts (those with a signature) and returns once
// Kafka acknowledged them all.
func (l *storyLog) write(ctx context.Context, arts []*article.Article) error {
	recs := make([]bus.Record, 0, len(arts))
	for _, a := range arts {
		if a.Signature == 0 || a.StoryID == "" {
			continue
		}
		at := storyTime(a, func() time.Time { return a.Enriched })
		recs = append(recs, bus.Record{Key: []byte(a.ID), Value: story.Assignment{Signature: uint64(a.Signature), Story: a.StoryID, At: at}.Encode()})
	}
	if err := l.w.Write(ctx, recs...); err != nil {
		return fmt.Errorf("writing %d story assignments to %s: %w", len(recs), l.w.Topic(), err)
	}
	return nil
}

func (l *storyLog) Close() error { return l.w.Close() }
