// Package indexer is the indexing stage: it reads enriched articles from Kafka and writes
// them into a search backend (package index holds the contract; bleve and elastic implement
// it), committing an offset only after its document is stored or dead-lettered.
//
// It sits after process in the flow, beside alert on the enriched topic: it imports bus,
// article, config and the index contract, never a backend (pipeline chooses one) or another
// stage.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
)

// Stage consumes enriched articles and writes them to a Backend. A message's offset is
// committed only after its document is stored or the message is dead-lettered with the
// reason (an undecodable message, a document the backend rejects for good).
type Stage struct {
	backend  index.Backend
	consumer *bus.Consumer
	dlq      *bus.DeadLetters
	logger   *slog.Logger
	// retries bounds the in-batch retries of retryable items before the whole batch is
	// handed back to the consumer, which retries it with a longer backoff.
	retries int
}

// encodedWriter is a Backend that can store each article's JSON as the stage read it
// (the Bleve backend; see bleve.Backend.WriteEncoded): encoded[i], when not nil, is JSON
// at the current schema version that article.Decode reads as docs[i], and is stored
// instead of an encoding made again; docs[i] need then hold only what
// article.DecodeIndexing reads. Its contract is otherwise Write's.
type encodedWriter interface {
	WriteEncoded(ctx context.Context, docs []*article.Article, encoded [][]byte) ([]error, error)
}

// NewStage builds the indexing stage.
func NewStage(c *bus.Client, b index.Backend, m *bus.Metrics, cfg config.IndexConfig, logger *slog.Logger) *Stage {
	return &Stage{
		backend:  b,
		consumer: c.Consumer(c.Topics().Enriched, "index", m, bus.ConsumerOptions{BatchSize: cfg.BatchSize, Linger: cfg.FlushInterval, Fill: true}),
		dlq:      c.DeadLetters("index", m),
		logger:   logger.With("stage", "index"),
		retries:  3,
	}
}

// Run indexes until ctx ends.
func (s *Stage) Run(ctx context.Context) error {
	defer s.dlq.Close()
	return s.consumer.Run(ctx, s.handle)
}

func (s *Stage) handle(ctx context.Context, msgs []bus.Record) error {
	var letters []bus.Letter
	// The latest message for an ID wins, as it would in Kafka's own order.
	byID := make(map[string]int, len(msgs))
	docs := make([]*article.Article, 0, len(msgs))
	origin := make([]bus.Record, 0, len(msgs))
	// A backend that stores the records' own bytes needs only what article.DecodeIndexing
	// reads of the others (see encodedWriter); any other backend gets whole articles.
	_, partly := s.backend.(encodedWriter)
	for _, m := range msgs {
		a, err := decode(m.Value, partly)
		if err != nil {
			s.logger.Warn("dead-lettering undecodable message", "partition", m.Partition, "offset", m.Offset, "err", err)
			letters = append(letters, bus.Letter{Record: m, Reason: err})
			continue
		}
		if i, ok := byID[a.ID]; ok {
			docs[i], origin[i] = a, m
			continue
		}
		byID[a.ID] = len(docs)
		docs = append(docs, a)
		origin = append(origin, m)
	}
	backoff := 100 * time.Millisecond
	for attempt := 0; len(docs) > 0; attempt++ {
		itemErrs, err := s.write(ctx, docs, origin)
		if err != nil {
			// The backend is down or refusing requests: no record is to blame, so the
			// consumer retries without dead-lettering any.
			return fmt.Errorf("writing %d documents: %w: %w", len(docs), bus.ErrUnavailable, err)
		}
		if len(itemErrs) != len(docs) {
			return fmt.Errorf("writing %d documents: backend answered for %d", len(docs), len(itemErrs))
		}
		var retryDocs []*article.Article
		var retryOrigin []bus.Record
		var lastErr error
		for i, ierr := range itemErrs {
			switch {
			case ierr == nil:
			case errors.Is(ierr, index.ErrRetryable):
				retryDocs = append(retryDocs, docs[i])
				retryOrigin = append(retryOrigin, origin[i])
				lastErr = ierr
			default:
				s.logger.Warn("dead-lettering rejected document", "article_id", docs[i].ID, "err", ierr)
				letters = append(letters, bus.Letter{Record: origin[i], Reason: fmt.Errorf("indexing article %s: %w", docs[i].ID, ierr)})
			}
		}
		docs, origin = retryDocs, retryOrigin
		if len(docs) == 0 {
			break
		}
		if attempt >= s.retries {
			return fmt.Errorf("%d documents still failing after %d attempts: %w: %w", len(docs), attempt+1, bus.ErrUnavailable, lastErr)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	return s.dlq.Send(ctx, letters...)
}

// write writes docs, read from origin, to the backend. A backend that can store the
// records' own bytes is given those of every record at the current schema version (the
// article was decoded from them, so they decode to it again); an older version's are
// not, and the backend encodes that article at the current one, so that the index holds
// the current version only.
func (s *Stage) write(ctx context.Context, docs []*article.Article, origin []bus.Record) ([]error, error) {
	ew, ok := s.backend.(encodedWriter)
	if !ok {
		return s.backend.Write(ctx, docs)
	}
	encoded := make([][]byte, len(docs))
	for i, a := range docs {
		if a.SchemaVersion == article.SchemaVersion {
			encoded[i] = origin[i].Value
		}
	}
	return ew.WriteEncoded(ctx, docs, encoded)
}

// decode reads a record of the enriched topic: whole, or, when partly is set, as
// article.DecodeIndexing reads it if it is at the current schema version (the backend
// stores its bytes), which skips the half of it that no index field holds (HTML, mentions,
// key phrases). A record at an older version is read whole, as the backend encodes it.
//
// The skipped fields' syntax is checked, not their types: a record that only a wrong type
// there spoils (such as "html": 5, which article.Encode cannot write) is indexed instead
// of dead-lettered, as the alert stage already matches it, and Get then reports it
// undecodable.
func decode(value []byte, partly bool) (*article.Article, error) {
	if !partly {
		return article.Decode(value)
	}
	a, err := article.DecodeIndexing(value)
	if err != nil || a.SchemaVersion == article.SchemaVersion {
		return a, err
	}
	return article.Decode(value)
}
