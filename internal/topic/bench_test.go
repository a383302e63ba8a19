package topic

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"wirewatch/internal/article"
)

// BenchmarkMatchShipped matches the shipped rules against the project's news set (one
// article per operation, analysis included, as the enricher calls Match), with the
// countries most rules ask for linked, so the rules' word parts run too.
func BenchmarkMatchShipped(b *testing.B) {
	s, err := Parse("config/topics.yaml", shippedTopics(b), testAnalysis(b))
	if err != nil {
		b.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join("..", "eval", "testdata", "news", "*.txt"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no news articles (%v)", err)
	}
	var arts []*article.Article
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		lang, _, _ := strings.Cut(filepath.Base(p), "-")
		arts = append(arts, articleOf(lang, string(text), "Q399", "Q227", "Q159"))
	}
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		s.Match(arts[n%len(arts)])
		n++
	}
	// The machine is shared: wall time counts other processes' work, CPU time does not.
	b.ReportMetric(float64(n)/(cpuTime()-cpu0).Seconds(), "articles/s/core")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
