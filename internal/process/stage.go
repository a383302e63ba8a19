package process

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
)

// Stage consumes raw articles, enriches them and publishes them to the enriched topic. A
// raw message's offset is committed only after its enriched article is acknowledged by
// Kafka, or after the message went to the dead-letter topic with the reason.
type Stage struct {
	enricher *Enricher
	consumer *bus.Consumer
	out      *bus.ArticleWriter
	dlq      *bus.DeadLetters
	stories  *storyLog
	workers  int
	logger   *slog.Logger
}

// NewStage builds the processing stage; workers articles are enriched in parallel.
func NewStage(c *bus.Client, e *Enricher, m *bus.Metrics, workers int, logger *slog.Logger) *Stage {
	return &Stage{
		enricher: e,
		consumer: c.Consumer(c.Topics().Raw, "process", m, bus.ConsumerOptions{}),
		out:      c.ArticleWriter(c.Topics().Enriched, m),
		dlq:      c.DeadLetters("process", m),
		stories:  newStoryLog(c, e.stories, logger.With("stage", "process")),
		workers:  max(1, workers),
		logger:   logger.With("stage", "process"),
	}
}

// Run processes until ctx ends.
func (s *Stage) Run(ctx context.Context) error {
	defer s.out.Close()
	defer s.dlq.Close()
	defer s.stories.Close()
	return s.stories.runAfterCatchUp(ctx, func(ctx context.Context) error { return s.consumer.Run(ctx, s.handle) })
}

func (s *Stage) handle(ctx context.Context, msgs []bus.Record) error {
	arts := make([]*article.Article, len(msgs))
	errs := make([]error, len(msgs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(s.workers, len(msgs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				arts[i], errs[i] = s.enrich(msgs[i])
			}
		}()
	}
	for i := range msgs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var letters []bus.Letter
	var ok []*article.Article
	var origin []bus.Record
	for i, err := range errs {
		if err != nil {
			s.logger.Warn("dead-lettering article", "partition", msgs[i].Partition, "offset", msgs[i].Offset, "err", err)
			letters = append(letters, bus.Letter{Record: msgs[i], Reason: err})
			continue
		}
		ok = append(ok, arts[i])
		origin = append(origin, msgs[i])
	}
	// The story assignments and the enriched articles go out side by side, one produce
	// round trip instead of two: both are acknowledged before the raw offsets are
	// committed, and a batch that fails is redone whole, which both writes absorb.
	var storyErr error
	var writing sync.WaitGroup
	writing.Go(func() { storyErr = s.stories.write(ctx, ok) })
	pubErr := s.out.Publish(ctx, ok)
	writing.Wait()
	if storyErr != nil {
		return storyErr
	}
	if err := pubErr; err != nil {
		// An enriched article that does not fit in a message, bounds and all, is refused
		// alone: its raw message goes to the DLQ and the others count as written.
		var re *bus.RecordErrors
		if !errors.As(err, &re) {
			return err
		}
		for i, rerr := range re.Errs {
			switch {
			case rerr == nil:
			case errors.Is(rerr, bus.ErrTooLarge):
				s.logger.Warn("dead-lettering article too large once enriched", "article_id", ok[i].ID, "err", rerr)
				letters = append(letters, bus.Letter{Record: origin[i], Reason: fmt.Errorf("publishing enriched article %s: %w", ok[i].ID, rerr)})
			default:
				return err
			}
		}
	}
	return s.dlq.Send(ctx, letters...)
}

func (s *Stage) enrich(m bus.Record) (a *article.Article, err error) {
	// Enrichment runs on text from anywhere; a bug it trips must cost one message, not the stage.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("enriching message at offset %d: panic: %v", m.Offset, r)
		}
	}()
	a, err = article.Decode(m.Value)
	if err != nil {
		return nil, err
	}
	if err := s.enricher.Enrich(a); err != nil {
		return nil, fmt.Errorf("enriching article %s: %w", a.ID, err)
	}
	boundEnrichment(a)
	return a, nil
}

// boundEnrichment keeps what enrichment adds within the article package's bounds, so
// that an enriched article fits in one message whatever its text: the most confident
// entities (article.MaxEntities), each with its first article.MaxMentions mentions, and
// no mentions past the article's first article.MaxArticleMentions. An entity that lost
// mentions keeps their number in MentionCount. What still does not fit is refused by the
// writer and dead-lettered (see handle).
func boundEnrichment(a *article.Article) {
	if len(a.Entities) > article.MaxEntities {
		slices.SortStableFunc(a.Entities, func(x, y article.Entity) int { return cmp.Compare(y.Confidence, x.Confidence) })
		a.Entities = a.Entities[:article.MaxEntities]
	}
	budget := article.MaxArticleMentions
	for i := range a.Entities {
		e := &a.Entities[i]
		keep := min(len(e.Mentions), article.MaxMentions, budget)
		budget -= keep
		if keep < len(e.Mentions) {
			e.MentionCount = len(e.Mentions)
			e.Mentions = e.Mentions[:keep:keep]
		}
	}
}
