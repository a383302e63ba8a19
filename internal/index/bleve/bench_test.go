package bleve

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/index/indextest"
	"wirewatch/internal/query"
)

// generator makes reproducible synthetic articles from the vocabulary of the test
// corpus: same seed, same articles.
type generator struct {
	rng      *rand.Rand
	zipf     *rand.Zipf
	words    map[string][]string // lang → vocabulary
	langs    []string
	entities []article.Entity
	topics   []string
	sources  []article.Source
}

func newGenerator(t testing.TB, seed int64) *generator {
	g := &generator{rng: rand.New(rand.NewSource(seed)), words: map[string][]string{}}
	g.zipf = rand.NewZipf(g.rng, 1.07, 2, 29999)
	seen := map[string]bool{}
	for _, a := range indextest.Corpus(t) {
		lang := a.Lang
		if lang == "" {
			continue
		}
		if g.words[lang] == nil {
			g.langs = append(g.langs, lang)
		}
		for _, w := range strings.Fields(a.Title + " " + a.Summary + " " + a.Text) {
			g.words[lang] = append(g.words[lang], w)
		}
		for _, e := range a.Entities {
			if !seen[e.ID] {
				seen[e.ID] = true
				g.entities = append(g.entities, e)
			}
		}
		g.topics = append(g.topics, a.Topics...)
		g.sources = append(g.sources, a.Source)
	}
	sort.Strings(g.langs)
	return g
}

// text draws one word in ten from the corpus vocabulary (so analysts' words such as
// Lachin occur, in a few percent of articles) and the rest from a Zipf distribution over
// 30,000 pseudo-words in the language's script, as in real text where most words are
// rare.
func (g *generator) text(lang string, n int) string {
	ws := g.words[lang]
	out := make([]string, n)
	for i := range out {
		if g.rng.Intn(10) == 0 {
			out[i] = ws[g.rng.Intn(len(ws))]
		} else {
			out[i] = pseudoWord(lang, int(g.zipf.Uint64()))
		}
	}
	return strings.Join(out, " ")
}

// pseudoWord spells i in the alphabet of lang's script, at least three letters long.
func pseudoWord(lang string, i int) string {
	alphabet := []rune("abcdefghijklmnopqrstuvwxyz")
	switch lang {
	case "ru", "uk":
		alphabet = []rune("абвгдежзиклмнопрстуфхцчшыэюя")
	case "hy":
		alphabet = []rune("աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ")
	case "ka":
		alphabet = []rune("აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ")
	case "ar", "fa":
		alphabet = []rune("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
	}
	var b []rune
	for n := i + len(alphabet)*len(alphabet); n > 0; n /= len(alphabet) {
		b = append(b, alphabet[n%len(alphabet)])
	}
	return string(b)
}

func (g *generator) article(i int) *article.Article {
	lang := g.langs[g.rng.Intn(len(g.langs))]
	if g.rng.Intn(3) == 0 {
		lang = "en"
	}
	a := &article.Article{
		ID:            fmt.Sprintf("bench-%07d", i),
		SchemaVersion: article.SchemaVersion,
		URL:           fmt.Sprintf("https://bench.example/%d", i),
		Title:         g.text(lang, 6+g.rng.Intn(8)),
		Summary:       g.text(lang, 20+g.rng.Intn(20)),
		Text:          g.text(lang, 80+g.rng.Intn(160)),
		Lang:          lang,
		Published:     time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g.rng.Int63n(int64(365 * 24 * time.Hour)))),
		Source:        g.sources[g.rng.Intn(len(g.sources))],
		Topics:        []string{g.topics[g.rng.Intn(len(g.topics))]},
	}
	for k := 1 + g.rng.Intn(4); k > 0; k-- {
		a.Entities = append(a.Entities, g.entities[g.rng.Intn(len(g.entities))])
	}
	if g.rng.Intn(3) == 0 {
		a.StoryID = fmt.Sprintf("story-%d", g.rng.Intn(i/3+1))
	}
	return a
}

func (g *generator) articles(from, n int) []*article.Article {
	out := make([]*article.Article, n)
	for i := range out {
		out[i] = g.article(from + i)
	}
	return out
}

const benchBatch = 500

// BenchmarkIndexing compares Write (document building, JSON for Get, batching) with raw
// Bleve batches of the same documents into an index with the same mapping.
func BenchmarkIndexing(b *testing.B) {
	docs := newGenerator(b, 1).articles(0, 4000)
	b.Run("backend", func(b *testing.B) {
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			be, err := Open(b.TempDir(), query.DefaultLanguages, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			for j := 0; j < len(docs); j += benchBatch {
				if _, err := be.Write(context.Background(), docs[j:min(j+benchBatch, len(docs))]); err != nil {
					b.Fatal(err)
				}
			}
			elapsed += time.Since(start)
			b.StopTimer()
			be.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(len(docs)*b.N)/elapsed.Seconds(), "docs/s")
	})
	b.Run("raw-bleve", func(b *testing.B) {
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			// The same mapping and the same document maps, built before the clock runs.
			be, err := Open(b.TempDir(), query.DefaultLanguages, nil)
			if err != nil {
				b.Fatal(err)
			}
			maps := make([]map[string]any, len(docs))
			for j, a := range docs {
				if maps[j], err = be.document(a); err != nil {
					b.Fatal(err)
				}
			}
			m, _ := newMapping(query.LangKeys(query.DefaultLanguages))
			be.Close()
			idx, err := blv.NewUsing(filepath.Join(b.TempDir(), "raw"), m, scorch.Name, scorch.Name, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			for j := 0; j < len(docs); j += benchBatch {
				batch := idx.NewBatch()
				for k := j; k < min(j+benchBatch, len(docs)); k++ {
					if err := batch.Index(docs[k].ID, maps[k]); err != nil {
						b.Fatal(err)
					}
				}
				if err := idx.Batch(batch); err != nil {
					b.Fatal(err)
				}
			}
			elapsed += time.Since(start)
			b.StopTimer()
			idx.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(len(docs)*b.N)/elapsed.Seconds(), "docs/s")
	})
}

// benchArticles is the size of the search benchmark's index. WIREWATCH_BENCH_ARTICLES
// overrides it for exploring; WIREWATCH_BENCH_DIR keeps the index between runs (it is
// built only when the directory is empty).
var benchArticles = 100_000

var (
	bench100k     *Backend
	bench100kErr  error
	bench100kOnce sync.Once
	bench100kDir  string
)

// open100k builds the 100,000-article index once per run, under a temp dir that
// TestMain removes.
func open100k(b *testing.B) *Backend {
	bench100kOnce.Do(func() {
		if n, err := strconv.Atoi(os.Getenv("WIREWATCH_BENCH_ARTICLES")); err == nil && n > 0 {
			benchArticles = n
		}
		dir := os.Getenv("WIREWATCH_BENCH_DIR")
		if dir == "" {
			bench100kDir, bench100kErr = os.MkdirTemp("", "wirewatch-bench-100k-")
			if bench100kErr != nil {
				return
			}
			dir = bench100kDir
		}
		bench100k, bench100kErr = Open(filepath.Join(dir, "index"), query.DefaultLanguages, nil)
		if bench100kErr != nil {
			return
		}
		if n, _ := bench100k.idx.DocCount(); n > 0 {
			benchArticles = int(n)
			return
		}
		g := newGenerator(b, 2)
		start := time.Now()
		const batch = 2000
		for i := 0; i < benchArticles; i += batch {
			if _, err := bench100k.Write(context.Background(), g.articles(i, min(batch, benchArticles-i))); err != nil {
				bench100kErr = err
				return
			}
		}
		fmt.Fprintf(os.Stderr, "built the %d-article index in %v\n", benchArticles, time.Since(start).Round(time.Second))
	})
	if bench100kErr != nil {
		b.Fatalf("building the 100k index: %v", bench100kErr)
	}
	return bench100k
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench100k != nil {
		bench100k.Close()
	}
	if bench100kDir != "" {
		os.RemoveAll(bench100kDir)
	}
	os.Exit(code)
}

// searchMix is a mix of analyst queries, with facets, histograms and collapse.
func searchMix() []index.Request {
	return []index.Request{
		{Query: "Lachin"},
		{Query: `"corridor Lachin"`},
		{Query: `"Лачинский коридор"`, Sort: index.SortNewest},
		{Query: "Armenia OR Azerbaijan", Facets: true},
		{Query: "entity:Q399 topic:energy"},
		{Query: "Lach* -lang:en"},
		{Query: `"Lavrov mission"~5`},
		{Query: "published:[2025-09-01 TO 2025-10-01] Lavrov", Interval: "day"},
		{Query: "", Facets: true, Sort: index.SortNewest},
		{Query: "mission", Collapse: true},
	}
}

// BenchmarkSearch100k measures search latency over 100,000 articles for a mix of analyst
// queries with highlights, and reports the median and 95th percentile.
func BenchmarkSearch100k(b *testing.B) {
	be := open100k(b)
	reqs := searchMix()
	for _, r := range reqs { // warm caches once
		if _, err := be.Search(context.Background(), r); err != nil {
			b.Fatalf("%q: %v", r.Query, err)
		}
	}
	// "mix" repeats searches between writes, as paging analysts do, so facets come from
	// the cache after the first round; "mix-cold" marks the index written before every
	// search, so nothing is cached. The single queries run cold.
	b.Run("mix", func(b *testing.B) { searchLatency(b, be, reqs, false) })
	b.Run("mix-cold", func(b *testing.B) { searchLatency(b, be, reqs, true) })
	if os.Getenv("WIREWATCH_BENCH_EACH") != "" {
		for _, r := range reqs {
			name := fmt.Sprintf("%q facets=%v interval=%s collapse=%v", r.Query, r.Facets, r.Interval, r.Collapse)
			b.Run(name, func(b *testing.B) { searchLatency(b, be, []index.Request{r}, true) })
		}
	}
}

func searchLatency(b *testing.B, be *Backend, reqs []index.Request, cold bool) {
	lat := make([]time.Duration, 0, b.N)
	total := 0
	for i := 0; i < b.N; i++ {
		if cold {
			be.gen.Add(1) // what a write does to the facet cache
		}
		start := time.Now()
		res, err := be.Search(context.Background(), reqs[i%len(reqs)])
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		total += res.Total
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(total)/float64(b.N), "hits/op")
}
