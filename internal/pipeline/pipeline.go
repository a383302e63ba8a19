// Package pipeline assembles wirewatch's stages into a process: all of them with the
// embedded broker and index (`wirewatch run`), or any subset against a real Kafka cluster
// and Elasticsearch (`wirewatch poll|process|index|serve`). The stages never call each
// other; they meet only in Kafka topics and the index.
//
// It is the top of the flow below cmd/wirewatch: it may import every stage (ingest,
// process, index/indexer, alert), the backends it chooses between, web and bus; nothing
// imports it but the command line.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"wirewatch/internal/alert"
	"wirewatch/internal/bus"
	"wirewatch/internal/config"
	"wirewatch/internal/entity"
	"wirewatch/internal/expand"
	"wirewatch/internal/httpapi"
	"wirewatch/internal/index"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/index/elastic"
	"wirewatch/internal/index/indexer"
	"wirewatch/internal/ingest"
	"wirewatch/internal/memlimit"
	"wirewatch/internal/process"
	"wirewatch/internal/topic"
	"wirewatch/internal/web"
	"wirewatch/internal/web/ui"
)

// Stage names, as used by the CLI and in metrics.
const (
	Poll    = "poll"
	Process = "process"
	Index   = "index"
	Serve   = "serve"
	Alert   = "alert"
)

// AllStages is what `wirewatch run` starts.
var AllStages = []string{Poll, Process, Index, Alert, Serve}

// Broker labels the embedded broker's goroutines in CPU profiles, as the stage names label
// the stages' (see StageLabel).
const Broker = "broker"

// StageLabel is the pprof label key under which every goroutine of a stage runs: the
// goroutines it starts while being built (its Kafka readers, the index's) and while it
// runs. A CPU profile of the process splits by it (`go tool pprof -tags`), as the bench
// does to give CPU time per stage.
const StageLabel = "stage"

// labelled runs f with ctx's goroutine labels plus stage; the goroutines f starts keep them.
func labelled(ctx context.Context, stage string, f func(context.Context) error) error {
	var err error
	pprof.Do(ctx, pprof.Labels(StageLabel, stage), func(ctx context.Context) { err = f(ctx) })
	return err
}

// Options say what to run.
type Options struct {
	Stages []string
	// Embedded allows starting the embedded broker when kafka.brokers is empty.
	Embedded bool
	// Ready, if set, receives the HTTP address once every stage has started.
	Ready func(addr string)
}

// Run runs the chosen stages until ctx ends, then drains and stops them in order: stages
// first (each finishes and commits the batch in hand), then the HTTP server, then the
// index and the embedded broker.
func Run(ctx context.Context, cfg config.Config, opts Options, logger *slog.Logger) error {
	has := map[string]bool{}
	for _, s := range opts.Stages {
		has[s] = true
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("creating data_dir: %w", err)
	}
	if env := os.Getenv("GOMEMLIMIT"); env != "" {
		logger.Info("soft memory limit from GOMEMLIMIT; memory_limit_mb is not applied", "GOMEMLIMIT", env)
	} else if cfg.MemoryLimitMB > 0 {
		// The limit is the process's; the one before comes back when Run returns, for a
		// process (the bench, tests) that goes on.
		g := memlimit.Start(int64(cfg.MemoryLimitMB)<<20, logger)
		defer g.Stop()
		logger.Info("soft memory limit set", "memory_limit_mb", cfg.MemoryLimitMB)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := bus.NewMetrics(reg)

	brokers := cfg.Kafka.Brokers
	if len(brokers) == 0 {
		if !opts.Embedded {
			return errors.New("kafka.brokers: required for a single stage (set it, or WIREWATCH_KAFKA_BROKERS); `wirewatch run` starts an embedded broker instead")
		}
		var emb *bus.Embedded
		err := labelled(ctx, Broker, func(context.Context) (err error) {
			emb, err = bus.StartEmbedded(cfg.Path("kafka"), cfg.Kafka.EmbeddedAddr, logger)
			return err
		})
		if err != nil {
			return err
		}
		defer emb.Close()
		brokers = emb.Addrs()
		logger.Info("embedded broker started", "addr", brokers, "dir", cfg.Path("kafka"))
	}
	client, err := bus.NewClient(cfg.Kafka, brokers, logger)
	if err != nil {
		return err
	}
	if err := client.EnsureTopics(ctx, cfg.Alert); err != nil {
		return err
	}

	var backend index.Backend
	// A lone alert stage uses the index only for backfills, and only a shared one: the
	// embedded Bleve index belongs to the process that indexes.
	if has[Index] || has[Serve] || (has[Alert] && cfg.Index.Backend != "bleve") {
		err = labelled(ctx, Index, func(ctx context.Context) (err error) {
			backend, err = openBackend(ctx, cfg, logger)
			return err
		})
		if err != nil {
			return err
		}
		defer func() {
			if err := backend.Close(); err != nil {
				logger.Error("closing index", "err", err)
			}
		}()
	}

	// closers run after the stages stopped and before the index and the broker close (defers run last-in, first-out).
	var closers []func() error
	defer func() {
		for _, c := range closers {
			if err := c(); err != nil {
				logger.Warn("closing", "err", err)
			}
		}
	}()

	// The HTTP server starts before the stages are built (the knowledge base takes seconds
	// to load) so /healthz answers at once and /readyz says what is still starting.
	var started atomic.Bool
	var readies []func() error // stages' own readiness: appended while building, read once started
	checks := map[string]web.Check{
		"kafka": client.Ping,
		// A stage whose batch keeps failing is not ready: the answer names it, where it is
		// stuck and why, while its lag grows in /metrics.
		"stages": func(context.Context) error {
			if !started.Load() {
				return errors.New("starting")
			}
			for _, ready := range readies {
				if err := ready(); err != nil {
					return err
				}
			}
			return client.Health()
		},
	}
	// Each part mounts its own routes on srv; /api/ ones need serve.token.
	srv := web.New(web.Options{Registry: reg, Checks: checks, Token: cfg.Serve.Token, Logger: logger})
	srv.Starting()
	ln, err := net.Listen("tcp", cfg.Serve.Addr)
	if err != nil {
		return fmt.Errorf("serve.addr: %w", err)
	}
	httpSrv := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	var httpGroup errgroup.Group
	httpGroup.Go(func() error {
		return labelled(ctx, Serve, func(context.Context) error {
			if err := httpSrv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serving HTTP: %w", err)
			}
			return nil
		})
	})
	stopHTTP := func() error {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.Serve.ShutdownTimeout)
		defer cancel()
		if err := httpSrv.Shutdown(shutdownCtx); err != nil {
			logger.Warn("shutting down HTTP", "err", err)
		}
		return httpGroup.Wait()
	}

	// Every stage is built before any starts, so a construction error leaves nothing running.
	// Each is built and run under its label, so its goroutines carry it (see StageLabel).
	type stageRun struct {
		stage string
		run   func(context.Context) error
	}
	var runs []stageRun
	add := func(stage string, fs ...func(context.Context) error) {
		for _, f := range fs {
			runs = append(runs, stageRun{stage, f})
		}
	}
	var enricher *process.Enricher // set when this process enriches; its knowledge base serves expansion
	names := expand.New(func() (expand.Names, error) { return queryNames(cfg.Process, enricher, logger) })
	builders := []struct {
		stage string
		on    bool
		build func(ctx context.Context) error
	}{
		{Poll, has[Poll], func(ctx context.Context) error {
			w := client.ArticleWriter(client.Topics().Raw, metrics)
			closers = append(closers, w.Close)
			poller, err := newPoller(ctx, cfg, client, w, logger.With("stage", Poll))
			if err != nil {
				return err
			}
			closers = append(closers, poller.Close) // Run closes it too; this covers a later build error
			if err := poller.RegisterMetrics(reg); err != nil {
				return fmt.Errorf("registering feed metrics: %w", err)
			}
			poller.Routes(srv) // /api/feeds, and /websub/ for the hubs
			add(Poll, poller.Run)
			return nil
		}},
		{Process, has[Process], func(context.Context) error {
			e, err := process.New(cfg.Process, logger.With("stage", Process))
			if err != nil {
				return err
			}
			e.Routes(srv)
			if !has[Serve] {
				web.TopicRoutes(srv, e) // the serve stage mounts them otherwise
			}
			enricher = e
			keepUnknown := func(ctx context.Context) error { return e.KeepUnknown(ctx, cfg.Path(cfg.Process.UnknownPath)) }
			rp := process.NewReprocessor(client, e, metrics, logger)
			rp.Routes(srv) // POST /api/reprocess: re-enrich the archive after the knowledge changed
			add(Process, process.NewStage(client, e, metrics, cfg.Process.Workers, logger).Run, e.Watch, keepUnknown, rp.Run)
			return nil
		}},
		{Index, has[Index], func(context.Context) error {
			add(Index, indexer.NewStage(client, backend, metrics, cfg.Index, logger).Run)
			return nil
		}},
		{Alert, has[Alert] && cfg.Alert.Enabled, func(context.Context) error {
			acfg := cfg.Alert
			if len(acfg.Languages) == 0 {
				acfg.Languages = cfg.Process.Languages // match with the index's analysers
			}
			st, err := alert.NewStage(client, acfg, backend, reg, logger)
			if err != nil {
				return err
			}
			st.SetFeedToken(cfg.Serve.Token)
			st.ExpandWith(names) // loads the knowledge base only if a saved search expands
			st.UseBusMetrics(metrics)
			st.Routes(srv)
			add(Alert, st.Run)
			readies = append(readies, st.Ready) // /readyz waits for the saved searches
			return nil
		}},
		{Serve, has[Serve], func(context.Context) error {
			// The search API has no loop of its own: without this a lone `wirewatch serve`
			// would stop its server as soon as it started.
			add(Serve, func(ctx context.Context) error { <-ctx.Done(); return nil })
			// Searches widen names with the entities they name (expand): the knowledge
			// base is loaded here, before the search API answers, not by a first search.
			if err := names.Load(); err != nil {
				return err
			}
			search := web.NewSearch(backend, cfg.Serve.SearchTimeout, logger)
			search.ExpandWith(names)
			topics, err := servedTopics(cfg.Process, enricher)
			if err != nil {
				return err
			}
			search.NameTopicsWith(topics)
			web.TopicRoutes(srv, topics) // the enrichment stage's topics when it runs here
			search.Routes(srv)
			ui.Routes(srv) // the analyst UI: static pages over the API
			return nil
		}},
	}
	for _, b := range builders {
		if !b.on {
			continue
		}
		if err := labelled(ctx, b.stage, b.build); err != nil {
			return errors.Join(err, stopHTTP())
		}
	}
	// stageCtx, not ctx: the HTTP goroutine reads ctx while this runs.
	stages, stageCtx := errgroup.WithContext(ctx)
	for _, r := range runs {
		stages.Go(func() error { return labelled(stageCtx, r.stage, r.run) })
	}
	started.Store(true)
	srv.Mounted()
	logger.Info("wirewatch started", "stages", strings.Join(opts.Stages, ","), "http", "http://"+ln.Addr().String(), "data_dir", cfg.DataDir)
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}

	stageErr := stages.Wait()
	httpErr := stopHTTP()
	logger.Info("wirewatch stopped")
	return errors.Join(stageErr, httpErr)
}

// servedTopics are the topics whose names the search API and the UI show: the enrichment
// stage's when this process runs one (they reload with the file), else the topics file
// read once.
func servedTopics(cfg config.ProcessConfig, e *process.Enricher) (interface{ Topics() []topic.Topic }, error) {
	if e != nil {
		return e, nil
	}
	if cfg.TopicsFile == "" {
		return web.FixedTopics(nil), nil
	}
	b, _, err := config.ReadDataFile(cfg.TopicsFile)
	if err != nil {
		return nil, fmt.Errorf("reading the topics' names: %w", err)
	}
	ts, err := topic.ParseNames(cfg.TopicsFile, b)
	return web.FixedTopics(ts), err
}

// queryNames is the knowledge base the search API and saved searches look query words up
// in: the enrichment stage's when this process runs one (its user entities reload with
// it), else a copy loaded with the same options, whose user entity files are read once.
func queryNames(cfg config.ProcessConfig, e *process.Enricher, logger *slog.Logger) (expand.Names, error) {
	if e != nil {
		return enricherNames{e}, nil
	}
	start := time.Now()
	r, err := entity.New(entity.Options{Gazetteer: cfg.Gazetteer})
	if err != nil {
		return nil, err
	}
	f, err := r.LoadUser(cfg.EntitiesFiles)
	if err != nil {
		return nil, err
	}
	ents, n := r.Size()
	logger.Info("knowledge base loaded for query expansion", "entities", ents, "names", n, "took", time.Since(start).Round(time.Millisecond))
	return f, nil
}

// enricherNames looks names up in the enrichment stage's current knowledge base.
type enricherNames struct{ e *process.Enricher }

func (n enricherNames) Lookup(s string) []entity.Match { return n.e.Finder().Lookup(s) }

// IDsOf gives every ID an entity has had (expand.FormerIDs).
func (n enricherNames) IDsOf(id string) []string { return n.e.Finder().IDsOf(id) }

// poller is the poll stage as the process wires it: *ingest.Poller on the embedded
// broker, *ingest.GroupPoller on a real cluster.
type poller interface {
	Run(ctx context.Context) error
	Close() error
	RegisterMetrics(reg prometheus.Registerer) error
	Routes(r httpapi.Router)
}

// newPoller builds the poll stage. On the embedded broker one poller polls every feed. On a
// real cluster the pollers form a consumer group over the compacted feeds topic, so each
// feed is polled by one live poller and a dead poller's feeds move to the others; each
// poller publishes its configured feed list to that topic first (keyed by URL, so every
// poller writing the same list changes nothing).
func newPoller(ctx context.Context, cfg config.Config, client *bus.Client, pub ingest.Publisher, logger *slog.Logger) (poller, error) {
	if len(cfg.Kafka.Brokers) == 0 {
		return ingest.NewPoller(cfg.Ingest, cfg.DataDir, pub, logger)
	}
	feeds, err := ingest.ConfiguredFeeds(cfg.Ingest)
	if err != nil {
		return nil, err
	}
	if err := ingest.WriteFeedList(ctx, client, cfg.Kafka.Topics.Feeds, feeds); err != nil {
		return nil, fmt.Errorf("publishing the feed list to %s: %w", cfg.Kafka.Topics.Feeds, err)
	}
	return ingest.NewGroupPoller(cfg.Ingest, ingest.GroupConfig{
		Log:        client,
		FeedsTopic: cfg.Kafka.Topics.Feeds,
		StateTopic: cfg.Kafka.Topics.State,
		GroupID:    cfg.Kafka.GroupPrefix + Poll,
	}, cfg.DataDir, pub, logger)
}

func openBackend(ctx context.Context, cfg config.Config, logger *slog.Logger) (index.Backend, error) {
	var (
		b   *elastic.Backend
		err error
	)
	switch cfg.Index.Backend {
	case "elasticsearch":
		b, err = elastic.New(cfg.Index.Elastic, cfg.Process.Languages, logger)
	case "opensearch":
		b, err = elastic.NewOpenSearch(cfg.Index.OpenSearch, cfg.Process.Languages, logger)
	default:
		path := cfg.Path(cfg.Index.BlevePath)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("creating index directory: %w", err)
		}
		return bleve.Open(path, cfg.Process.Languages, logger)
	}
	if err != nil {
		return nil, err
	}
	// Installing the template and alias is idempotent; a cluster that is not up yet
	// makes this fail loudly at start rather than at the first write.
	if err := b.Setup(ctx); err != nil {
		return nil, fmt.Errorf("setting up %s: %w", cfg.Index.Backend, err)
	}
	return b, nil
}
