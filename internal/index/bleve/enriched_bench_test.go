package bleve

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/process"
	"wirewatch/internal/process/processtest"
	"wirewatch/internal/query"
)

// enrichedCorpus returns the first n of a reproducible series of what the indexing stage
// receives in `wirewatch bench`: ~3 KB news articles in en, fr and ru made of the bench's
// texts (internal/bench/texts) with a third of their words swapped, as feed items give
// them (summary and HTML), enriched by the real enricher with the shipped knowledge base
// and topics. The series is extended as needed and kept for the test binary's life.
func enrichedCorpus(tb testing.TB, n int) []*article.Article {
	tb.Helper()
	enriched.mu.Lock()
	defer enriched.mu.Unlock()
	if enriched.e == nil {
		if err := enriched.init(tb); err != nil {
			tb.Fatalf("preparing enriched articles: %v", err)
		}
	}
	for k := len(enriched.docs); k < n; k++ {
		a := enriched.article(k)
		if err := enriched.e.Enrich(a); err != nil {
			tb.Fatalf("enriching article %d: %v", k, err)
		}
		enriched.docs = append(enriched.docs, a)
	}
	return enriched.docs[:n]
}

var enriched enrichedSeries

type enrichedSeries struct {
	mu    sync.Mutex
	e     *process.Enricher
	rng   *rand.Rand
	langs []string
	mat   map[string]material
	docs  []*article.Article
}

// material is one language's text: its title, its sentences as words, and every word.
type material struct {
	title     string
	sentences [][]string
	words     []string
}

func (s *enrichedSeries) init(tb testing.TB) error {
	root := processtest.Root(tb)
	e, err := process.New(processtest.Config(tb), slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	s.langs = []string{"en", "fr", "ru"}
	s.mat = map[string]material{}
	for _, l := range s.langs {
		raw, err := os.ReadFile(filepath.Join(root, "internal", "bench", "texts", l+".txt"))
		if err != nil {
			return err
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
		s.mat[l] = m
	}
	s.rng = rand.New(rand.NewPCG(7, 11))
	s.e = e
	return nil
}

func (s *enrichedSeries) article(k int) *article.Article {
	l := s.langs[k%len(s.langs)]
	m := s.mat[l]
	var body strings.Builder
	for body.Len() < 3000 {
		for i, w := range m.sentences[s.rng.IntN(len(m.sentences))] {
			if i > 0 {
				body.WriteByte(' ')
			}
			if s.rng.IntN(3) == 0 {
				w = m.words[s.rng.IntN(len(m.words))]
			}
			body.WriteString(w)
		}
		body.WriteByte(' ')
	}
	text := strings.TrimSpace(body.String())
	feed := k % 100
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * 9 * time.Second)
	a := &article.Article{
		ID:            fmt.Sprintf("enriched-%07d", k),
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
	return a
}

// cpuTime is the process's user plus system CPU time: every goroutine's, Bleve's
// persister and merger included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeAll indexes docs through Write, batch at a time, and closes the index, so that
// the CPU time counts the persister's and merger's work on them. With encoded (docs'
// JSON, as the indexing stage holds it from the records), it writes through WriteEncoded.
func writeAll(tb testing.TB, dir string, docs []*article.Article, encoded [][]byte, batch int) {
	be, err := Open(dir, query.DefaultLanguages, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for j := 0; j < len(docs); j += batch {
		end := min(j+batch, len(docs))
		var err error
		if encoded != nil {
			_, err = be.WriteEncoded(context.Background(), docs[j:end], encoded[j:end])
		} else {
			_, err = be.Write(context.Background(), docs[j:end])
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := be.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkIndexingEnriched measures docs per CPU-second (user+sys of the whole process)
// of Write on real enriched articles, and in the same run on the same articles: RawBatch
// (Bleve's own Batch with the backend's mapping and documents), and "before", what Write
// did before Write built its documents (Bleve's own Batch into an index with mapping
// version 1). The batch is 500, the indexing stage's default; backend-batch2000 is Write
// with batches of 2,000 (index.batch_size); backend-encoded is WriteEncoded given the
// articles' JSON, as the indexing stage gives it.
func BenchmarkIndexingEnriched(b *testing.B) {
	docs := enrichedCorpus(b, 4000)
	var size int
	encoded := make([][]byte, len(docs))
	for i, a := range docs {
		encoded[i], _ = article.Encode(a)
		size += len(encoded[i])
	}
	b.Logf("%d enriched articles, %.1f KB of JSON each", len(docs), float64(size)/float64(len(docs))/1024)
	measure := func(b *testing.B, run func(dir string)) {
		var cpu time.Duration
		for range b.N {
			dir := b.TempDir()
			c0 := cpuTime()
			run(dir)
			cpu += cpuTime() - c0
		}
		b.ReportMetric(float64(len(docs)*b.N)/cpu.Seconds(), "docs/cpu-s")
	}
	b.Run("backend", func(b *testing.B) {
		measure(b, func(dir string) { writeAll(b, dir, docs, nil, benchBatch) })
	})
	b.Run("backend-encoded", func(b *testing.B) {
		measure(b, func(dir string) { writeAll(b, dir, docs, encoded, benchBatch) })
	})
	b.Run("backend-batch250", func(b *testing.B) {
		measure(b, func(dir string) { writeAll(b, dir, docs, nil, 250) })
	})
	b.Run("backend-encoded-batch250", func(b *testing.B) { // the indexing stage's default batch
		measure(b, func(dir string) { writeAll(b, dir, docs, encoded, 250) })
	})
	b.Run("backend-batch2000", func(b *testing.B) {
		measure(b, func(dir string) { writeAll(b, dir, docs, nil, 2000) })
	})
	b.Run("before", func(b *testing.B) {
		maker, err := Open(b.TempDir(), query.DefaultLanguages, nil) // for document()
		if err != nil {
			b.Fatal(err)
		}
		defer maker.Close()
		measure(b, func(dir string) {
			idx := newIndexV1(b, dir)
			for j := 0; j < len(docs); j += benchBatch {
				batch := idx.NewBatch()
				for _, a := range docs[j:min(j+benchBatch, len(docs))] {
					doc, err := maker.document(a)
					if err == nil {
						err = batch.Index(a.ID, doc)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if err := idx.Batch(batch); err != nil {
					b.Fatal(err)
				}
			}
			if err := idx.Close(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("raw-batch", func(b *testing.B) {
		measure(b, func(dir string) {
			if _, err := RawBatch(dir, query.DefaultLanguages, docs, benchBatch); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// latencies runs every request of reqs rounds times, the facet cache emptied before each
// as a write would, and returns the median and 95th percentile.
func latencies(tb testing.TB, be *Backend, reqs []index.Request, rounds int) (p50, p95 time.Duration) {
	var lat []time.Duration
	for range rounds {
		for _, r := range reqs {
			be.gen.Add(1)
			start := time.Now()
			if _, err := be.Search(context.Background(), r); err != nil {
				tb.Fatalf("%q: %v", r.Query, err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*95/100]
}

// BenchmarkTermCacheFilter runs the stemming and fold chains of the body fields, warm, on
// the tokens of enriched articles from every CPU at once, as Bleve's analysis workers do.
func BenchmarkTermCacheFilter(b *testing.B) {
	be := openTemp(b)
	var texts [][]byte
	for _, a := range enrichedCorpus(b, 300) {
		texts = append(texts, []byte(query.BodyText(a)))
	}
	var caches []*termCache
	for _, c := range be.build.caches {
		caches = append(caches, c)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		k := 0
		for pb.Next() {
			text, c := texts[k%len(texts)], caches[k%len(caches)]
			k++
			sc := tokenPool.Get().(*tokenScratch)
			c.filter(tokenize(text, sc))
			sc.release()
		}
	})
}
