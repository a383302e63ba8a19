package process

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"wirewatch/internal/article"
	"wirewatch/internal/text"

	"wirewatch/internal/process/processtest"
)

// benchArticles builds ~3 KB news articles in several languages from the testdata stories
// and the seed article, each repeated up to about 3 KB.
func benchArticles(b *testing.B) []*article.Article {
	b.Helper()
	srcs := []string{
		readFile(b, sharedPath(b, "samples/seed-article.fr.txt")),
		readFile(b, "testdata/lachin.en.txt"),
		readFile(b, "testdata/lachin.ru.txt"),
		readFile(b, "testdata/lachin.hy.txt"),
		readFile(b, "testdata/lachin.az.txt"),
	}
	var out []*article.Article
	for i, s := range srcs {
		text := s
		for len(text) < 3000 {
			text += "\n\n" + s
		}
		if len(text) > 3200 {
			cut := strings.LastIndexAny(text[:3200], " \n")
			text = text[:cut]
		}
		title, body, _ := strings.Cut(text, "\n\n")
		out = append(out, &article.Article{ID: fmt.Sprintf("bench-%d", i), Title: title, Text: body, Published: time.Now()})
	}
	return out
}

// BenchmarkEnrichMixed measures enrichment throughput per core on ~3 KB articles in five
// languages (goal: 2,000 articles/s/core) and reports the resident heap with the full
// knowledge base loaded.
func BenchmarkEnrichMixed(b *testing.B) {
	e := sharedEnricher(b)
	arts := benchArticles(b)
	var bytes int64
	for _, a := range arts {
		bytes += int64(len(a.Title) + len(a.Text))
	}
	b.SetBytes(bytes / int64(len(arts)))
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src := arts[i%len(arts)]
		a := *src
		a.ID = fmt.Sprintf("%s-%d", src.ID, i)
		if err := e.Enrich(&a); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// The machine is shared: wall time counts other processes' work, CPU time does not.
	// articles/s/core is what one core enriches when it is not shared.
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "articles/s/core")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	if rss, ok := residentMB(); ok {
		b.ReportMetric(rss, "rss-MB")
	}
}

// BenchmarkNew measures loading the knowledge base and the language models.
func BenchmarkNew(b *testing.B) {
	cfg := processtest.Config(b)
	for i := 0; i < b.N; i++ {
		if _, err := New(cfg, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// residentMB reads the process's resident set size from /proc (Linux only).
func residentMB() (float64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			var kb float64
			if _, err := fmt.Sscan(f[1], &kb); err == nil {
				return kb / 1024, true
			}
		}
	}
	return 0, false
}

// BenchmarkDetectLanguage measures language detection alone on the benchmark articles.
func BenchmarkDetectLanguage(b *testing.B) {
	e := sharedEnricher(b)
	arts := benchArticles(b)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.lang.DetectArticle(arts[i%len(arts)])
	}
	b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "texts/s/core")
}

// BenchmarkTokenize measures the tokenizer alone on the benchmark articles' text.
func BenchmarkTokenize(b *testing.B) {
	arts := benchArticles(b)
	var toks []text.Token
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		toks = text.Tokenize(arts[i%len(arts)].Text, toks[:0])
	}
}
