package bleve

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/query"
)

// growthPool is how many distinct enriched articles BenchmarkIndexGrowth enriches; later
// articles reuse the enriched content of article k mod growthPool under their own ID, URL,
// GUID, title and date. The bench texts' vocabulary is saturated well before 50,000
// articles, so what grows with the index (posting lists, stored documents, segments) grows
// as with distinct articles, while memory stays bounded and enrichment stays off the clock.
const growthPool = 50_000

// BenchmarkIndexGrowth indexes real enriched articles through Write, 500 at a time, into
// one growing index, and reports the indexing rate (docs per CPU-second of the whole
// process, merges included) over each stretch up to 10k, 50k, 100k, 250k, 500k and 1M
// articles, and the search latency of searchMix (facets cold, as after every write) at
// 10k, 100k and 1M. WIREWATCH_BENCH_GROWTH sets the last size (default 100000); progress
// goes to stderr as each mark is reached, since a 1M run takes the best part of an hour.
//
// WIREWATCH_BENCH_GROWTH_DIR keeps the index in that folder. When the folder already holds
// an index of the last size, nothing is written and only the search latencies at that size
// are measured again, e.g. on a quiet machine after a build made under load.
func BenchmarkIndexGrowth(b *testing.B) {
	last := 100_000
	if n, err := strconv.Atoi(os.Getenv("WIREWATCH_BENCH_GROWTH")); err == nil && n > 0 {
		last = n
	}
	var marks []int
	for _, m := range []int{10_000, 50_000, 100_000, 250_000, 500_000, 1_000_000} {
		if m < last {
			marks = append(marks, m)
		}
	}
	marks = append(marks, last)
	searchAt := map[int]bool{marks[0]: true, 100_000: true, 1_000_000: true, last: true}
	keep := os.Getenv("WIREWATCH_BENCH_GROWTH_DIR")
	if keep != "" && searchKept(b, keep, last) {
		return
	}
	pool := enrichedCorpus(b, min(last, growthPool))
	for range b.N {
		dir := keep
		if dir == "" {
			dir = b.TempDir()
		}
		be, err := Open(dir, query.DefaultLanguages, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n, _ := be.idx.DocCount(); n > 0 {
			b.Fatalf("%s holds an index of %d articles, not %d: remove it or point WIREWATCH_BENCH_GROWTH_DIR elsewhere", dir, n, last)
		}
		from, prev := 0, 0
		start := time.Now()
		batch := make([]*article.Article, 0, benchBatch)
		for _, mark := range marks {
			c0 := cpuTime()
			for ; from < mark; from += benchBatch {
				batch = batch[:0]
				for k := from; k < min(from+benchBatch, mark); k++ {
					batch = append(batch, growthArticle(pool, k))
				}
				if _, err := be.Write(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			rate := float64(mark-prev) / (cpuTime() - c0).Seconds()
			b.ReportMetric(rate, fmt.Sprintf("docs/cpu-s@%dk", mark/1000))
			line := fmt.Sprintf("growth: %d docs after %s: %.0f docs/cpu-s since %d", mark, time.Since(start).Round(time.Second), rate, prev)
			if searchAt[mark] {
				rounds := 20
				if mark >= 500_000 {
					rounds = 5
				}
				p50, p95 := latencies(b, be, searchMix(), rounds)
				b.ReportMetric(float64(p50.Microseconds())/1000, fmt.Sprintf("p50-ms@%dk", mark/1000))
				b.ReportMetric(float64(p95.Microseconds())/1000, fmt.Sprintf("p95-ms@%dk", mark/1000))
				line += fmt.Sprintf("; search p50 %s p95 %s", p50.Round(time.Millisecond), p95.Round(time.Millisecond))
			}
			fmt.Fprintln(os.Stderr, line)
			prev = mark
		}
		be.Close()
	}
}

// searchKept measures search latency on the index kept in dir when it holds want articles,
// and reports whether it did.
func searchKept(b *testing.B, dir string, want int) bool {
	if _, err := os.Stat(dir); err != nil {
		return false
	}
	be, err := Open(dir, query.DefaultLanguages, nil)
	if err != nil {
		b.Fatalf("opening the kept index: %v", err)
	}
	defer be.Close()
	n, err := be.idx.DocCount()
	if err != nil {
		b.Fatalf("counting the kept index: %v", err)
	}
	if int(n) != want {
		if n == 0 {
			return false
		}
		b.Fatalf("%s holds %d articles, not %d", dir, n, want)
	}
	rounds := 20
	if want >= 500_000 {
		rounds = 5
	}
	for range b.N {
		p50, p95 := latencies(b, be, searchMix(), rounds)
		b.ReportMetric(float64(p50.Microseconds())/1000, fmt.Sprintf("p50-ms@%dk", want/1000))
		b.ReportMetric(float64(p95.Microseconds())/1000, fmt.Sprintf("p95-ms@%dk", want/1000))
		fmt.Fprintf(os.Stderr, "growth: kept index of %d docs: search p50 %s p95 %s\n", want, p50.Round(time.Millisecond), p95.Round(time.Millisecond))
	}
	return true
}

// growthArticle is article k of the growth series: pool[k mod len(pool)] itself below the
// pool's size, and a copy of it under its own identity and date above.
func growthArticle(pool []*article.Article, k int) *article.Article {
	src := pool[k%len(pool)]
	if k < len(pool) {
		return src
	}
	a := *src
	feed := k % 100
	a.ID = fmt.Sprintf("enriched-%07d", k)
	a.URL = fmt.Sprintf("http://127.0.0.1:8080/news/%d/%d", feed, k/100)
	a.GUID = fmt.Sprintf("bench-%d-%d", feed, k/100)
	a.Title = fmt.Sprintf("%s #%d", src.Title, k)
	a.Published = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * 9 * time.Second)
	a.Fetched = a.Published.Add(time.Minute)
	return &a
}
