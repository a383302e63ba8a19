package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/config"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/ingest"
	"wirewatch/internal/pipeline"
)

// Options say what to generate and how to run it. Zero values take the defaults below.
type Options struct {
	Feeds    int           // local feeds (default 20)
	Items    int           // items per feed (default 25)
	Searches int           // saved searches; the first alerts the webhook on every article (default 100)
	Spread   time.Duration // releases spread evenly over this; 0 releases every item at once (a backlog)
	Interval time.Duration // every feed's poll interval (ingest.min_interval = max_interval; default 250 ms)
	Timeout  time.Duration // longest wait for every article to be searchable (default 10 min)
	Seed     uint64        // generator seed: same seed, same articles
	// Baselines runs the raw baselines after the pipeline stopped.
	Baselines bool
	// Config is the configuration to run with (the user's file, or config.Default()); the
	// bench replaces its feeds, data directory, addresses, poll intervals and saved searches,
	// and runs on the embedded broker and Bleve, or on Live's servers.
	Config config.Config
	// Live, when set, runs the distributed mode: the bus on a real Kafka cluster and the
	// index on OpenSearch, with topics and indices of the run's own.
	Live *Live
	// DataDir is where the run's data goes; empty: a temporary directory, removed at the end.
	DataDir string
	// Logger receives the pipeline's logs (warnings and up are worth keeping).
	Logger *slog.Logger
	// CPUProfile, if set, is where the CPU profile of the measured span goes (pprof format;
	// its samples carry the stage label, `go tool pprof -tags` splits by it).
	CPUProfile string
	// MemProfile, if set, is where the heap profile goes, written each time the sampled
	// heap passes its previous peak by 5% (pprof format, in-use and allocated space): what
	// held the memory at the run's highest point, as of the collection before it.
	MemProfile string
}

func (o *Options) defaults() {
	if o.Feeds <= 0 {
		o.Feeds = 20
	}
	if o.Items <= 0 {
		o.Items = 25
	}
	if o.Searches <= 0 {
		o.Searches = 100
	}
	if o.Interval <= 0 {
		o.Interval = 250 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// webhookSecret signs the bench's webhook deliveries (the receiver does not check them).
const webhookSecret = "wirewatch-bench"

// Run runs the benchmark and returns its report. Progress goes to progress (one line per
// phase), which may be nil.
func Run(ctx context.Context, opts Options, progress func(string)) (*Report, error) {
	opts.defaults()
	if progress == nil {
		progress = func(string) {}
	}
	dataDir := opts.DataDir
	if dataDir == "" {
		d, err := os.MkdirTemp("", "wirewatch-bench-")
		if err != nil {
			return nil, fmt.Errorf("creating the bench data directory: %w", err)
		}
		defer os.RemoveAll(d)
		dataDir = d
	}
	items, err := generate(opts.Feeds, opts.Items, opts.Seed, opts.Spread)
	if err != nil {
		return nil, err
	}
	feeds, err := startFeeds(items, opts.Feeds)
	if err != nil {
		return nil, err
	}
	defer feeds.Close()
	ids := make(map[string]int, len(items)) // article ID → index in items
	tokens := make([]string, len(items))
	names := make([]string, len(items))
	for i, it := range items {
		id := article.ID(ingest.CanonicalURL(feeds.base()+it.link), feeds.URL(it.feed), "")
		ids[id] = i
		tokens[i] = it.token
		names[i] = fmt.Sprintf("article %s: feed %s, guid %s, word %s", id, feeds.URL(it.feed), it.guid(), it.token)
	}
	tr := newTracker(ids, names)
	hook, err := startWebhook(tr.alerted)
	if err != nil {
		return nil, err
	}
	defer hook.Close()

	cfg, err := benchConfig(opts, dataDir, feeds, hook.URL())
	if err != nil {
		return nil, err
	}

	mode := "embedded"
	if opts.Live != nil {
		mode = "live"
		if err := opts.Live.check(ctx); err != nil {
			return nil, err
		}
		if !opts.Live.Keep {
			// Registered before wirewatch starts, so run after it stopped and the
			// baselines read the records back.
			defer func() {
				if err := opts.Live.cleanUp(context.WithoutCancel(ctx), cfg, opts.Logger); err != nil {
					opts.Logger.Warn("removing the run's topics and indices from the live servers (delete them by hand, or make live-down)", "err", err)
				}
			}()
		}
	}
	r := &Report{Mode: mode, Feeds: opts.Feeds, Items: opts.Items, Articles: len(items), Searches: opts.Searches,
		Spread: opts.Spread, Interval: opts.Interval, LoadBefore: loadAvg()}
	progress(fmt.Sprintf("generated %d articles on %d feeds; starting wirewatch (%s)", len(items), opts.Feeds, servers(cfg)))

	// The bench's own goroutines (feeds, webhook, followers, lookups) count apart from
	// wirewatch's in the CPU split; the pipeline's carry their stage (pipeline.StageLabel).
	defer pprof.SetGoroutineLabels(ctx)
	pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels(pipeline.StageLabel, "bench")))
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	// waitCtx ends with the pipeline too, so that a stage failing ends the wait with its reason.
	waitCtx, pipelineEnded := context.WithCancelCause(runCtx)
	defer pipelineEnded(nil)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	mem := watchMemory(opts.MemProfile)
	memEnd := sync.OnceValues(mem.end)
	defer memEnd()
	go func() {
		// Goroutines of no stage (the shared Kafka client's) count as "wirewatch".
		pprof.SetGoroutineLabels(pprof.WithLabels(runCtx, pprof.Labels(pipeline.StageLabel, "wirewatch")))
		err := pipeline.Run(runCtx, cfg, pipeline.Options{Stages: pipeline.AllStages, Embedded: opts.Live == nil, Ready: func(a string) { ready <- a }}, opts.Logger)
		pipelineEnded(fmt.Errorf("wirewatch stopped during the run: %v", err))
		done <- err
	}()
	var apiAddr string
	select {
	case apiAddr = <-ready:
	case err := <-done:
		return nil, fmt.Errorf("starting wirewatch: %w", err)
	case <-ctx.Done():
		stop()
		return nil, errors.Join(ctx.Err(), <-done)
	}
	stopPipeline := func() error { stop(); return <-done }
	if err := waitReady(waitCtx, apiAddr, opts.Timeout); err != nil {
		return nil, errors.Join(err, stopPipeline())
	}

	// The followers time the raw and enriched records.
	follow, err := tr.follow(runCtx, cfg, opts.Logger)
	if err != nil {
		return nil, errors.Join(err, stopPipeline())
	}
	prof := startProfile()
	cpu0 := cpuTime()
	began := time.Now()
	feeds.begin(began)
	tr.began(feeds, items)
	progress(fmt.Sprintf("releasing the articles over %s; waiting until every one is searchable", opts.Spread))

	chunk := searchChunk
	if cfg.Index.Backend != "bleve" {
		chunk = searchChunkCluster
	}
	waitErr := tr.waitSearchable(waitCtx, apiAddr, tokens, chunk, opts.Timeout)
	end := time.Now()
	cpu := cpuTime() - cpu0
	if err := r.splitCPU(prof.stop(), opts.CPUProfile); err != nil {
		opts.Logger.Warn("splitting CPU time by stage", "err", err)
	}
	if errors.Is(waitErr, errNotAllSearchable) {
		tr.readRaw(runCtx, cfg, 30*time.Second, opts.Logger)
		waitErr = tr.notSearchable(opts.Timeout)
	}
	if waitErr == nil {
		// Alerts go out beside indexing; give the last ones a moment.
		tr.waitAlerts(waitCtx, 30*time.Second)
	}
	var memErr error
	r.Memory, memErr = memEnd()
	if memErr != nil {
		opts.Logger.Warn("writing the heap profile", "err", memErr)
	}
	r.LoadDuring = loadAvg()
	r.stageMetrics(runCtx, apiAddr)
	pipeErr := stopPipeline()
	follow()
	r.fill(tr, began, end, cpu)
	if err := errors.Join(waitErr, pipeErr); err != nil {
		return r, err
	}
	if !opts.Baselines {
		return r, nil
	}
	progress("measuring the raw baselines (kafka-go, Bleve, gofeed) on the same messages, wirewatch stopped")
	if err := r.baselines(ctx, cfg, tr.ids, feeds, dataDir, opts.Logger); err != nil {
		return r, fmt.Errorf("measuring baselines: %w", err)
	}
	return r, nil
}

// splitCPU fills StageCPU from the measured span's CPU profile and writes the profile to
// path when one is set.
func (r *Report) splitCPU(prof []byte, path string) error {
	if prof == nil {
		return errors.New("another CPU profile was running")
	}
	var errs []error
	if path != "" {
		if err := os.WriteFile(path, prof, 0o644); err != nil {
			errs = append(errs, fmt.Errorf("writing the CPU profile: %w", err))
		}
	}
	split, err := cpuByStage(prof)
	r.StageCPU = split
	return errors.Join(append(errs, err)...)
}

// benchConfig is the user's configuration with the bench's feeds, searches, addresses and
// data directory, on the embedded broker and Bleve or on the live servers.
func benchConfig(opts Options, dataDir string, feeds *feedServer, hookURL string) (config.Config, error) {
	cfg := opts.Config
	cfg.DataDir = dataDir
	cfg.Serve.Addr = "127.0.0.1:0"
	cfg.Serve.Token = ""
	if opts.Live != nil {
		opts.Live.configure(&cfg)
	} else {
		addr, err := freeAddr()
		if err != nil {
			return cfg, err
		}
		cfg.Kafka.Brokers = nil
		cfg.Kafka.EmbeddedAddr = addr
		cfg.Index.Backend = "bleve"
	}
	cfg.Ingest.OPML = nil
	cfg.Ingest.Feeds = nil
	for f := range opts.Feeds {
		cfg.Ingest.Feeds = append(cfg.Ingest.Feeds, config.FeedConfig{URL: feeds.URL(f)})
	}
	cfg.Ingest.AllowPrivate = true // the feeds are on loopback
	cfg.Ingest.MinInterval, cfg.Ingest.MaxInterval = opts.Interval, opts.Interval
	// Every feed is on one loopback host: per-host politeness would measure itself.
	cfg.Ingest.PerHostConcurrency = cfg.Ingest.Concurrency
	cfg.Ingest.PerHostDelay = 0
	cfg.Ingest.WebSub.CallbackURL = ""
	cfg.Alert.Enabled = true
	cfg.Alert.AllowPrivate = true // the webhook is on loopback
	cfg.Alert.RateLimit.Max = opts.Feeds*opts.Items + 1
	cfg.Alert.Searches = searches(opts.Searches, opts.Feeds*opts.Items, hookURL)
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("bench configuration: %w", err)
	}
	return cfg, nil
}

// searches returns n saved searches. The first matches every bench article (each carries
// a word starting "wwbq") and alerts the webhook: its alerts are the ones timed. The others
// are as analysts' searches are on a given article, mostly silent: each names the word of
// one article (of one that does not exist past the articles' count) and a place, so the
// matcher weighs every one of them on every article and a few alert, into memory (Atom).
func searches(n, articles int, hookURL string) []config.SearchConfig {
	out := []config.SearchConfig{{
		Name: "bench: every article", Query: "wwbq*", Mode: "immediate",
		Channels: []config.ChannelConfig{{Type: "webhook", URL: hookURL, Secret: webhookSecret}},
	}}
	for i := 1; i < n; i++ {
		k := (i - 1) * 7 % max(1, articles)
		if i > articles {
			k = articles + i
		}
		out = append(out, config.SearchConfig{
			Name:     fmt.Sprintf("bench %d", i),
			Query:    fmt.Sprintf("%s AND (Armenia OR Yerevan OR Arménie OR Erevan OR Армения OR Ереван)", token(k)),
			Mode:     "immediate",
			Channels: []config.ChannelConfig{{Type: "atom"}},
		})
	}
	return out
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port for the embedded broker: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// baselines measures the raw baselines on the run's own messages, read back from the run's
// topics (up to keptValues of each): the raw topic's values through the bus and through
// kafka-go alone (on a new embedded broker, or on the live brokers), the enriched articles
// into a new Bleve index, and one poll of every feed with net/http and gofeed.
func (r *Report) baselines(ctx context.Context, cfg config.Config, ids map[string]int, feeds *feedServer, dataDir string, logger *slog.Logger) error {
	urls := make([]string, len(feeds.items))
	for f := range urls {
		urls[f] = feeds.URL(f)
	}
	cpu0 := cpuTime()
	d, n, err := rawPoll(ctx, urls, cfg.Ingest.Concurrency)
	if err != nil {
		return err
	}
	r.RawPoll = &Throughput{Label: "raw poll: net/http + gofeed, every feed once", Count: n, Unit: "items", Wall: d, CPU: cpuTime() - cpu0}

	raw, enriched, err := readBack(ctx, cfg, ids, logger)
	if err != nil {
		return err
	}
	if err := r.busBaselines(ctx, cfg, raw, filepath.Join(dataDir, "baseline-kafka"), logger); err != nil {
		return err
	}
	docs := make([]*article.Article, 0, len(enriched))
	for _, v := range enriched {
		a, err := article.Decode(v)
		if err != nil {
			return fmt.Errorf("decoding an enriched article: %w", err)
		}
		docs = append(docs, a)
	}
	return r.bleveBaseline(cfg, docs, filepath.Join(dataDir, "baseline-bleve"))
}

// busRounds is how many rounds bus.CompareThroughput runs; the report gives their medians.
const busRounds = 5

// busBaselines compares the bus (Writer, Consumer) with kafka-go alone on values, on the
// live brokers or a new embedded broker, with the pipeline's partitions and replication: bus.CompareThroughput runs an
// uncounted warm-up round and then busRounds rounds in which the two sides take turns
// going first, each on new topics; the report gives each side's median round.
func (r *Report) busBaselines(ctx context.Context, cfg config.Config, values [][]byte, dir string, logger *slog.Logger) error {
	if len(values) == 0 {
		return errors.New("no raw records were captured")
	}
	brokers := cfg.Kafka.Brokers
	if len(brokers) == 0 {
		emb, err := bus.StartEmbedded(dir, "127.0.0.1:0", logger)
		if err != nil {
			return err
		}
		defer emb.Close()
		brokers = emb.Addrs()
	}
	client, err := bus.NewClient(cfg.Kafka, brokers, logger)
	if err != nil {
		return err
	}
	cmp, err := bus.CompareThroughput(ctx, client, values, busRounds, bus.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		return err
	}
	b, raw := cmp.Medians()
	r.BusProduce = &Throughput{Label: "bus: Writer.Write", Count: b.Messages, Unit: "msgs", Bytes: b.Bytes, Wall: b.Produce, CPU: b.ProduceCPU}
	r.BusConsume = &Throughput{Label: "bus: Consumer.Run", Count: b.Messages, Unit: "msgs", Bytes: b.Bytes, Wall: b.Consume, CPU: b.ConsumeCPU}
	r.RawProduce = &Throughput{Label: "raw kafka-go: Writer.WriteMessages", Count: raw.Messages, Unit: "msgs", Bytes: raw.Bytes, Wall: raw.Produce, CPU: raw.ProduceCPU}
	r.RawConsume = &Throughput{Label: "raw kafka-go: Reader.FetchMessage", Count: raw.Messages, Unit: "msgs", Bytes: raw.Bytes, Wall: raw.Consume, CPU: raw.ConsumeCPU}
	r.BusRatioProduce, r.BusRatioConsume = cmp.Ratios()
	r.BusRounds = busRounds
	return nil
}

// bleveBaseline indexes the run's enriched articles into a new Bleve index with
// wirewatch's mapping, index.batch_size at a time.
func (r *Report) bleveBaseline(cfg config.Config, docs []*article.Article, dir string) error {
	if len(docs) == 0 {
		return errors.New("no enriched records were captured")
	}
	cpu0 := cpuTime()
	d, err := bleve.RawBatch(dir, cfg.Process.Languages, docs, cfg.Index.BatchSize)
	if err != nil {
		return err
	}
	r.RawBleve = &Throughput{Label: fmt.Sprintf("raw Bleve batch (%d per batch), wirewatch mapping", cfg.Index.BatchSize),
		Count: len(docs), Unit: "docs", Wall: d, CPU: cpuTime() - cpu0}
	return nil
}
