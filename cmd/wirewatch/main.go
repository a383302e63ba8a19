// Command wirewatch runs the news-ingestion pipeline: `wirewatch run` starts every stage in
// one process on embedded defaults; `poll`, `process`, `index`, `alert` and `serve` run one
// stage each against a real Kafka cluster and search engine. It is also the whole command
// line: `search`, `feeds`, `alerts`, `entities`, `reprocess` ask a running wirewatch over its API;
// `extract` and `eval` run the enricher on files.
//
// main is thin: it parses the command and its flags, loads the configuration and calls
// package pipeline (or eval, or the API client in client.go); no stage logic lives here.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sort"
	"syscall"

	"wirewatch/internal/config"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets.
type env struct {
	stdout, stderr io.Writer
	environ        []string
}

// commands is filled in init: the commands' own help refers back to this table.
var commands map[string]command

func init() {
	commands = map[string]command{
		"run":       {"run every stage in one process (embedded broker and index unless configured)", cmdRun},
		"poll":      {"run the feed pollers alone", stageCmd("poll")},
		"process":   {"run the enrichment stage alone", stageCmd("process")},
		"index":     {"run the indexing stage alone", stageCmd("index")},
		"serve":     {"run the search API and UI alone", stageCmd("serve")},
		"alert":     {"run the alerting stage alone", stageCmd("alert")},
		"alerts":    {"list, add, edit and remove saved searches of a running wirewatch", cmdAlerts},
		"feeds":     {"show the health of every feed (asks a running wirewatch)", cmdFeeds},
		"search":    {"search a running wirewatch from the terminal", cmdSearch},
		"version":   {"print the version", cmdVersion},
		"extract":   {"print the enrichment (language, entities, topics) of a text as JSON", cmdExtract},
		"eval":      {"measure language detection (lang DIR), entity extraction (ner FILE.conll) or entities and topics of news articles (news DIR)", cmdEval},
		"reprocess": {"re-enrich the archive (or --from/--to) after the knowledge base, entities or topics changed (asks a running wirewatch)", cmdReprocess},
		"bench":     {"measure throughput, latency and memory end to end on generated local feeds (make bench-e2e)", cmdBench},
		"entities":  {"list names found by patterns but not in the knowledge base (asks a running wirewatch)", cmdEntities},
	}
}

func cli(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, environ: os.Environ()}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wirewatch: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "wirewatch %s: %v\n", args[0], err)
			return 2
		}
		fmt.Fprintf(stderr, "wirewatch %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "wirewatch %s: news feeds → Kafka → enrichment → search and alerts\n\nUsage: wirewatch COMMAND [flags]   (wirewatch COMMAND --help for its flags)\n\nCommands:\n", version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func newFlags(name, synopsis string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: wirewatch %s\n\n%s\n\nFlags:\n", synopsis, commands[name].summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parse reads flags wherever they stand among the arguments ("eval ner FILE --mistakes"
// as well as "eval --mistakes ner FILE"); after "--" everything is an argument.
func parse(fs *flag.FlagSet, args []string) error {
	var pos, rest []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	return fs.Parse(append(append([]string{"--"}, pos...), rest...))
}

// configFlags registers the flags every stage command takes.
type configFlags struct {
	path    string
	dataDir string
}

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.path, "config", os.Getenv("WIREWATCH_CONFIG"), "YAML configuration file (WIREWATCH_CONFIG); WIREWATCH_* variables override it")
	fs.StringVar(&c.dataDir, "data-dir", "", "data directory (overrides data_dir)")
}

func (c *configFlags) load(e *env) (config.Config, *slog.Logger, error) {
	environ := e.environ
	if c.dataDir != "" {
		environ = append(append([]string(nil), environ...), config.EnvPrefix+"DATA_DIR="+c.dataDir)
	}
	cfg, err := config.Load(c.path, environ)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, newLogger(cfg.Log, e.stderr), nil
}

func newLogger(c config.LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlags("version", "version", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wirewatch %s\n", version)
	return nil
}
