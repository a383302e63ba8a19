package article_test

import (
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/ingest"
	"wirewatch/internal/process"
	"wirewatch/internal/process/processtest"
)

// realCorpus is what the article codec reads and writes in the pipeline, made by the
// project's own stages from data nobody on the project wrote:
//
//   - feeds: every item of the feed fixtures in ../shared/corpora/feeds (RSS, Atom, RDF and
//     JSON Feed; odd encodings, entities, dates, enclosures), normalised by ingest, as the
//     raw topic carries them, then the same items enriched by process;
//   - bench: articles like the ones `wirewatch bench` indexes (~3 KB of en, fr or ru text
//     from internal/bench/texts with a third of the words swapped, given as summary and
//     HTML), enriched: ~12 KB of JSON each, what the index and alert stages decode.
type realCorpus struct {
	raw, feeds, bench []*article.Article
}

var (
	corpusOnce sync.Once
	corpusData realCorpus
	corpusErr  error
)

// loadCorpus returns the corpus, made once per test binary.
func loadCorpus(tb testing.TB) realCorpus {
	tb.Helper()
	// processtest fails tb when the shared data is missing: resolve the paths here, on
	// the calling test, and build the corpus once.
	feedsDir := processtest.SharedPath(tb, "corpora/feeds")
	root := processtest.Root(tb)
	cfg := processtest.Config(tb)
	corpusOnce.Do(func() { corpusData, corpusErr = makeCorpus(feedsDir, root, cfg) })
	if corpusErr != nil {
		tb.Fatalf("making the article corpus: %v", corpusErr)
	}
	return corpusData
}

func makeCorpus(feedsDir, root string, cfg config.ProcessConfig) (realCorpus, error) {
	var c realCorpus
	fetched := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	err := filepath.WalkDir(feedsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext != ".xml" && ext != ".json" {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		feed, err := ingest.ParseFeed(body, "")
		if err != nil {
			return nil // an ill-formed fixture: ingest rejects it, no article comes of it
		}
		rel, _ := filepath.Rel(feedsDir, path)
		c.raw = append(c.raw, ingest.Normalise(feed, config.FeedConfig{}, "https://feeds.example/"+filepath.ToSlash(rel), fetched)...)
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("reading the feed fixtures: %w", err)
	}
	for _, a := range c.raw {
		a.SchemaVersion = article.SchemaVersion
	}
	e, err := process.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return c, err
	}
	for _, a := range c.raw {
		en := *a
		if err := e.Enrich(&en); err != nil {
			return c, fmt.Errorf("enriching %s: %w", a.ID, err)
		}
		c.feeds = append(c.feeds, &en)
	}
	bench, err := benchArticles(root, 300)
	if err != nil {
		return c, err
	}
	for _, a := range bench {
		if err := e.Enrich(a); err != nil {
			return c, fmt.Errorf("enriching %s: %w", a.ID, err)
		}
	}
	c.bench = bench
	return c, nil
}

// benchArticles makes n articles the way the bench's feeds and
// internal/index/bleve/enriched_bench_test.go do, reproducibly.
func benchArticles(root string, n int) ([]*article.Article, error) {
	type material struct {
		title     string
		sentences [][]string
		words     []string
	}
	langs := []string{"en", "fr", "ru"}
	mat := map[string]material{}
	for _, l := range langs {
		raw, err := os.ReadFile(filepath.Join(root, "internal", "bench", "texts", l+".txt"))
		if err != nil {
			return nil, err
		}
		paras := strings.Split(strings.TrimSpace(string(raw)), "\n\n")
		m := material{title: paras[0]}
		for _, p := range paras[1:] {
			for sent := range strings.SplitAfterSeq(p, ". ") {
				if ws := strings.Fields(sent); len(ws) > 0 {
					m.sentences = append(m.sentences, ws)
					m.words = append(m.words, ws...)
				}
			}
		}
		mat[l] = m
	}
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([]*article.Article, 0, n)
	for k := range n {
		m := mat[langs[k%len(langs)]]
		var body strings.Builder
		for body.Len() < 3000 {
			for i, w := range m.sentences[rng.IntN(len(m.sentences))] {
				if i > 0 {
					body.WriteByte(' ')
				}
				if rng.IntN(3) == 0 {
					w = m.words[rng.IntN(len(m.words))]
				}
				body.WriteString(w)
			}
			body.WriteByte(' ')
		}
		text := strings.TrimSpace(body.String())
		feed := k % 100
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * 9 * time.Second)
		a := &article.Article{
			ID:            fmt.Sprintf("bench-%07d", k),
			SchemaVersion: article.SchemaVersion,
			URL:           fmt.Sprintf("http://127.0.0.1:8080/news/%d/%d", feed, k/100),
			GUID:          fmt.Sprintf("bench-%d-%d", feed, k/100),
			Title:         fmt.Sprintf("%s %d", m.title, k),
			Summary:       text,
			HTML:          "<p>" + text + "</p>",
			Published:     at,
			Fetched:       at.Add(time.Minute),
			Source:        article.Source{FeedURL: fmt.Sprintf("http://127.0.0.1:8080/feeds/%d.xml", feed), FeedTitle: fmt.Sprintf("Bench Wire %d", feed)},
		}
		a.Sources = []article.Source{a.Source}
		out = append(out, a)
	}
	return out, nil
}
