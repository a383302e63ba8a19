package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"wirewatch/internal/bench"
)

func cmdBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags("bench", "bench [--feeds N] [--items M] [--searches K] [--spread DURATION] [--live [--keep]] [--cpuprofile FILE] [--memprofile FILE] [--config FILE] [--json]", e)
	var cf configFlags
	cf.register(fs)
	var o bench.Options
	fs.IntVar(&o.Feeds, "feeds", 20, "local feeds to generate")
	fs.IntVar(&o.Items, "items", 25, "items per feed (~3 KB articles in English, French and Russian)")
	fs.IntVar(&o.Searches, "searches", 100, "saved searches; the first alerts a loopback webhook on every article")
	fs.DurationVar(&o.Spread, "spread", 0, "release the items evenly over this long (0: all at once, a backlog to drain)")
	fs.DurationVar(&o.Interval, "interval", 0, "every feed's poll interval (default 250ms)")
	fs.DurationVar(&o.Timeout, "timeout", 0, "longest wait for every article to be searchable (default 10m)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the generated articles")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write the CPU profile of the measured span here (pprof; go tool pprof -tags splits it by stage)")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write the heap profile here at the run's highest heap (pprof; go tool pprof -sample_index=inuse_space)")
	noBase := fs.Bool("no-baselines", false, "skip the raw baselines (kafka-go, Bleve, gofeed)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	live := fs.Bool("live", false, "run the distributed mode: the bus on the Kafka brokers of "+bench.EnvLiveKafka+
		" and the index on the OpenSearch of "+bench.EnvLiveOpenSearch+" (make live-up starts them; deployments/live)")
	keep := fs.Bool("keep", false, "with --live, leave the run's topics, indices and index template on the servers (by default the run deletes them)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *keep && !*live {
		return usageError{errors.New("--keep is for --live runs (an embedded run's data goes with its data directory)")}
	}
	// The live servers' variables are the bench's, not settings: the configuration must not
	// see them (an unknown WIREWATCH_ variable is an error there).
	ce := *e
	ce.environ = slices.DeleteFunc(slices.Clone(e.environ), func(kv string) bool { return strings.HasPrefix(kv, "WIREWATCH_LIVE_") })
	if *live {
		l, err := bench.LiveFromEnv(func(k string) string { return envValue(e.environ, k) })
		if err != nil {
			return err
		}
		l.Keep = *keep
		o.Live = l
	}
	cfg, logger, err := cf.load(&ce)
	if err != nil {
		return err
	}
	// The pipeline's own logs would drown the report: only its warnings and errors show.
	o.Config, o.Baselines, o.DataDir = cfg, !*noBase, cf.dataDir
	o.Logger = slog.New(levelFloor{logger.Handler(), slog.LevelWarn})
	report, err := bench.Run(ctx, o, func(s string) { fmt.Fprintln(e.stderr, "bench:", s) })
	if report != nil {
		if *asJSON {
			if perr := printJSON(e.stdout, report); perr != nil {
				return perr
			}
		} else if perr := report.Print(e.stdout); perr != nil {
			return perr
		}
	}
	return err
}

// levelFloor drops records below a level, whatever the handler it wraps would take.
type levelFloor struct {
	slog.Handler
	floor slog.Level
}

func (l levelFloor) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.floor && l.Handler.Enabled(ctx, lv)
}

func (l levelFloor) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFloor{l.Handler.WithAttrs(as), l.floor}
}

func (l levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{l.Handler.WithGroup(name), l.floor}
}

// envValue is the value of key in environ ("KEY=value" entries), the last one winning as
// in a shell; empty when absent.
func envValue(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}
