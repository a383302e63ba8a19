package bench

import (
	"context"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
	"wirewatch/internal/query"
)

// TestTinyRunReportsEveryArticle runs the whole benchmark on 5 feeds × 4 items and checks
// that the report is complete and consistent. No figure is asserted: the machine is shared.
func TestTinyRunReportsEveryArticle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cfg := config.Default()
	cfg.MemoryLimitMB = 1024 // high enough to change nothing; the report must show it
	limitBefore := debug.SetMemoryLimit(-1)
	r, err := Run(ctx, Options{
		Feeds: 5, Items: 4, Searches: 5, Baselines: true, Timeout: 5 * time.Minute,
		Config: cfg, DataDir: t.TempDir(),
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, func(s string) { t.Log(s) })
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var out strings.Builder
	if err := r.Print(&out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())

	const n = 20
	if r.Articles != n || r.Searchable != n || r.Enriched != n {
		t.Errorf("articles %d, searchable %d, enriched %d: want all %d", r.Articles, r.Searchable, r.Enriched, n)
	}
	// Every article is its own story (the generator varies them), so the catch-all
	// search alerts each once.
	if r.Alerted != n || r.Deliveries != n {
		t.Errorf("alerted %d articles in %d deliveries, want %d and %d", r.Alerted, r.Deliveries, n, n)
	}
	if r.Unknown != 0 {
		t.Errorf("%d records or hits of no generated article", r.Unknown)
	}
	for name, p := range map[string]Percentiles{"to searchable": r.ToSearchable, "to enriched": r.ToEnriched, "alert latency": r.AlertLatency} {
		if p.N != n || p.P50 <= 0 || p.P50 > p.P99 || p.P99 > p.Max {
			t.Errorf("%s: %+v, want %d ordered positive latencies", name, p, n)
		}
	}
	if r.ToEnriched.P50 > r.ToSearchable.Max {
		t.Errorf("enriched p50 %s after the last article was searchable (%s)", r.ToEnriched.P50, r.ToSearchable.Max)
	}
	if r.ArticlesPerSec <= 0 || r.Elapsed < r.ToSearchable.Max-time.Millisecond || r.Memory.PeakRSS <= 0 || r.CPUPerArticle <= 0 {
		t.Errorf("articles/s %.1f, elapsed %s (last searchable after %s), peak RSS %d, CPU/article %s: want all measured",
			r.ArticlesPerSec, r.Elapsed, r.ToSearchable.Max, r.Memory.PeakRSS, r.CPUPerArticle)
	}
	if r.Memory.Limit != 1024<<20 {
		t.Errorf("memory limit during the run %d, want memory_limit_mb 1024 = %d", r.Memory.Limit, 1024<<20)
	}
	if after := debug.SetMemoryLimit(-1); after != limitBefore {
		t.Errorf("memory limit after the run %d, want the one before it, %d", after, limitBefore)
	}
	// The pipeline phase's peak holds at least what the bench held before it.
	if m := r.Memory; m.BenchRSS <= 0 || m.PeakRSS < m.BenchRSS || m.BenchHeap == 0 || m.PeakHeap == 0 || m.PeakGo < m.PeakHeap || m.GCCycles == 0 {
		t.Errorf("memory %+v: want the bench's own, the phase's peaks and its collections measured", m)
	}
	// Which stages a profile of 20 articles samples is chance; that it split one is not.
	if len(r.StageCPU) == 0 {
		t.Error("no CPU time split by stage")
	}
	for _, stage := range []string{"poll", "process", "index", "alert"} {
		if r.StageCount[stage] <= 0 || r.StageSeconds[stage] <= 0 {
			t.Errorf("stage %s: %.0f messages in %.3f s, want both measured", stage, r.StageCount[stage], r.StageSeconds[stage])
		}
	}
	if r.StageCount["process"] != n || r.StageCount["index"] != n {
		t.Errorf("process consumed %.0f, index %.0f: want %d each", r.StageCount["process"], r.StageCount["index"], n)
	}
	for name, b := range map[string]*Throughput{"bus produce": r.BusProduce, "bus consume": r.BusConsume, "raw produce": r.RawProduce,
		"raw consume": r.RawConsume, "raw bleve": r.RawBleve, "raw poll": r.RawPoll} {
		if b == nil || b.Count != n || b.Wall <= 0 {
			t.Errorf("baseline %s = %+v, want %d measured", name, b, n)
		}
	}
	if r.BusRounds <= 0 || r.BusRatioProduce <= 0 || r.BusRatioConsume <= 0 {
		t.Errorf("bus ratios: produce %.2f consume %.2f over %d rounds, want both measured", r.BusRatioProduce, r.BusRatioConsume, r.BusRounds)
	}
	for _, want := range []string{"articles/s end to end", "release → searchable p50 / p99", "alert latency p50 / p99", "peak RSS",
		"peak Go heap", "soft memory limit",
		"raw kafka-go", "raw Bleve batch", "net/http + gofeed", "bus ÷ raw kafka-go"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the printed report lacks %q", want)
		}
	}
}

func TestGeneratedArticlesDifferAndRelease(t *testing.T) {
	items, err := generate(3, 4, 7, 11*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 12 {
		t.Fatalf("%d items, want 12", len(items))
	}
	tokens, bodies := map[string]bool{}, map[string]bool{}
	langs := map[string]int{}
	for i, it := range items {
		if len(it.body()) < articleBytes || len(it.body()) > 2*articleBytes {
			t.Errorf("item %d: body of %d bytes, want about %d", i, len(it.body()), articleBytes)
		}
		if !strings.Contains(it.title, it.token) || !strings.Contains(it.body(), it.token) {
			t.Errorf("item %d: token %q missing from title or body", i, it.token)
		}
		tokens[it.token], bodies[it.body()] = true, true
		langs[it.lang]++
		if want := time.Duration(i) * time.Second; it.at != want {
			t.Errorf("item %d released at %s, want %s", i, it.at, want)
		}
	}
	if len(tokens) != 12 || len(bodies) != 12 {
		t.Errorf("%d distinct tokens and %d distinct bodies, want 12 each", len(tokens), len(bodies))
	}
	if langs["en"] != 4 || langs["fr"] != 4 || langs["ru"] != 4 {
		t.Errorf("languages %v, want 4 each of en, fr, ru", langs)
	}
	again, _ := generate(3, 4, 7, 11*time.Second)
	if again[5].body() != items[5].body() {
		t.Error("the same seed generated another article")
	}
}

// TestTokensStayApartUnderEveryAnalyser guards the bench's lookups: each article is found
// by its token alone, so no analyser may fold two tokens into one term. The French light
// stemmer folds doubled letters, and tokens differing only by one ("wwbqddck", "wwbqdck")
// once made an article's lookup find another and the run wait for it forever.
func TestTokensStayApartUnderEveryAnalyser(t *testing.T) {
	an, err := query.NewAnalysis(languages)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000 // past the 10,000 articles of the run
	for _, key := range an.Keys() {
		owner := make(map[string]int, n)
		for k := range n {
			tok := token(k)
			terms := an.TermsOf(key, "("+tok+")")
			if len(terms) != 1 {
				t.Fatalf("%s: token %q analysed into %q, want one term", key, tok, terms)
			}
			if j, ok := owner[terms[0]]; ok {
				t.Fatalf("%s: tokens %q and %q both analyse to %q", key, token(j), tok, terms[0])
			}
			owner[terms[0]] = k
		}
	}
}

func TestMissingArticlesAreNamed(t *testing.T) {
	names := []string{"article a: feed F0, guid bench-0-0", "article b: feed F1, guid bench-1-0", "article c: feed F0, guid bench-0-1"}
	tr := newTracker(map[string]int{"a": 0, "b": 1, "c": 2}, names)
	now := time.Now()
	tr.enrichedAt[1] = now
	tr.seen([]string{"a"}, now)
	got := tr.missing(1)
	want := []string{names[1] + " (raw false, enriched true, alerted false)", "and 1 more"}
	if !slices.Equal(got, want) {
		t.Errorf("missing = %q, want %q", got, want)
	}
}

// TestMissingArticlesSayWhetherTheyReachedTheRawTopic: when articles are missing, the raw
// topic is read once, as far as it went, and the report says which reached it; the read
// ends when it has caught up, not when its time runs out.
func TestMissingArticlesSayWhetherTheyReachedTheRawTopic(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	e, c := bustest.StartIn(t, t.TempDir(), logger)
	cfg := config.Default()
	cfg.Kafka.Brokers = e.Addrs()
	bustest.Produce(t, c, cfg.Kafka.Topics.Raw, bus.Record{Key: []byte("a"), Value: []byte("{}")}, bus.Record{Key: []byte("c"), Value: []byte("{}")})

	names := []string{"article a", "article b", "article c"}
	tr := newTracker(map[string]int{"a": 0, "b": 1, "c": 2}, names)
	start := time.Now()
	tr.readRaw(context.Background(), cfg, 20*time.Second, logger)
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("readRaw took %s: it waited out its limit instead of ending when caught up", took)
	}
	if tr.rawAt[0].IsZero() || !tr.rawAt[1].IsZero() || tr.rawAt[2].IsZero() {
		t.Fatalf("raw times %v, want a and c only", tr.rawAt)
	}
	err := tr.notSearchable(time.Minute)
	for _, want := range []string{"0 of 3 articles searchable", "article a (raw true, enriched false", "article b (raw false"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to say %q", err, want)
		}
	}
}

func TestPercentilesAndMetricLines(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if p := percentiles(ds); p.N != 100 || p.P50 != 50*time.Millisecond || p.P99 != 99*time.Millisecond || p.Max != 100*time.Millisecond {
		t.Errorf("percentiles = %+v", p)
	}
	if p := percentiles(nil); p != (Percentiles{}) {
		t.Errorf("percentiles of nothing = %+v", p)
	}
	tests := []struct {
		line, name, stage string
		value             float64
		ok                bool
	}{
		{`wirewatch_batch_seconds_sum{stage="index"} 1.5`, "wirewatch_batch_seconds_sum", "index", 1.5, true},
		{`wirewatch_ingest_fetch_seconds_count 25`, "wirewatch_ingest_fetch_seconds_count", "", 25, true},
		{`# HELP wirewatch_batch_seconds Time`, "", "", 0, false},
		{`garbage`, "", "", 0, false},
	}
	for _, tt := range tests {
		name, stage, v, ok := metricLine(tt.line)
		if name != tt.name || stage != tt.stage || v != tt.value || ok != tt.ok {
			t.Errorf("metricLine(%q) = %q %q %v %v", tt.line, name, stage, v, ok)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestLiveConfigIsTheRunsOwn checks the distributed mode's configuration: the live brokers
// with replication 3 and OpenSearch, and topics, consumer groups and indices that no other
// run shares.
func TestLiveConfigIsTheRunsOwn(t *testing.T) {
	feeds, err := startFeeds(nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer feeds.Close()
	l := &Live{Brokers: []string{"127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"}, OpenSearchURL: "http://127.0.0.1:19201"}
	o := Options{Feeds: 2, Items: 1, Searches: 2, Live: l, Config: config.Default()}
	o.defaults()
	var runs [2]config.Config
	for i := range runs {
		if runs[i], err = benchConfig(o, t.TempDir(), feeds, "http://127.0.0.1:1/hook"); err != nil {
			t.Fatal(err)
		}
	}
	a, b := runs[0], runs[1]
	if !slices.Equal(a.Kafka.Brokers, l.Brokers) || a.Kafka.Replication != 3 {
		t.Errorf("kafka %v, replication %d: want the live brokers, replication 3", a.Kafka.Brokers, a.Kafka.Replication)
	}
	if a.Index.Backend != "opensearch" || !slices.Equal(a.Index.OpenSearch.URLs, []string{l.OpenSearchURL}) {
		t.Errorf("index %s on %v, want opensearch on %s", a.Index.Backend, a.Index.OpenSearch.URLs, l.OpenSearchURL)
	}
	def := config.Default()
	pairs := map[string][3]string{
		"raw":      {def.Kafka.Topics.Raw, a.Kafka.Topics.Raw, b.Kafka.Topics.Raw},
		"enriched": {def.Kafka.Topics.Enriched, a.Kafka.Topics.Enriched, b.Kafka.Topics.Enriched},
		"stories":  {def.Kafka.Topics.Stories, a.Kafka.Topics.Stories, b.Kafka.Topics.Stories},
		"delivery": {def.Alert.DeliveryTopic, a.Alert.DeliveryTopic, b.Alert.DeliveryTopic},
		"groups":   {def.Kafka.GroupPrefix, a.Kafka.GroupPrefix, b.Kafka.GroupPrefix},
		"index":    {def.Index.OpenSearch.IndexPrefix, a.Index.OpenSearch.IndexPrefix, b.Index.OpenSearch.IndexPrefix},
	}
	for what, p := range pairs {
		if p[1] == p[0] || p[1] == p[2] || !strings.Contains(p[1], "bench-") {
			t.Errorf("%s: default %q, run 1 %q, run 2 %q: want a name of each run's own", what, p[0], p[1], p[2])
		}
	}
}
