package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"wirewatch/internal/pipeline"
)

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := newFlags("run", "run [--config FILE] [--stages poll,process,index,serve]", e)
	var cf configFlags
	cf.register(fs)
	stages := fs.String("stages", strings.Join(pipeline.AllStages, ","), "comma-separated stages to run")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, logger, err := cf.load(e)
	if err != nil {
		return err
	}
	list, err := parseStages(*stages)
	if err != nil {
		return usageError{err}
	}
	return pipeline.Run(ctx, cfg, pipeline.Options{Stages: list, Embedded: true}, logger)
}

func stageCmd(stage string) func(ctx context.Context, e *env, args []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		fs := newFlags(stage, stage+" [--config FILE]", e)
		var cf configFlags
		cf.register(fs)
		if err := parse(fs, args); err != nil {
			return err
		}
		cfg, logger, err := cf.load(e)
		if err != nil {
			return err
		}
		return pipeline.Run(ctx, cfg, pipeline.Options{Stages: []string{stage}}, logger)
	}
}

func parseStages(s string) ([]string, error) {
	known := map[string]bool{}
	for _, st := range pipeline.AllStages {
		known[st] = true
	}
	var out []string
	for _, st := range strings.Split(s, ",") {
		st = strings.TrimSpace(st)
		if !known[st] {
			return nil, fmt.Errorf("--stages: unknown stage %q (known: %s)", st, strings.Join(pipeline.AllStages, ", "))
		}
		out = append(out, st)
	}
	return out, nil
}

// apiGet asks a running wirewatch's API.
func apiGet(ctx context.Context, base, token, path string, v any) error {
	return newClient(base, token).Do(ctx, http.MethodGet, path, nil, v)
}

// remoteFlags are the flags of the commands that ask a running wirewatch.
type remoteFlags struct{ addr, token string }

// register adds --addr and --token to fs. Their defaults are the values r holds, so flags
// given to `alerts` before its subcommand carry over to the subcommand's flag set; else
// the environment's.
func (r *remoteFlags) register(fs *flag.FlagSet, e *env) {
	if r.addr == "" {
		r.addr = envOr(e, "WIREWATCH_ADDR", "http://127.0.0.1:8080")
	}
	if r.token == "" {
		r.token = envOr(e, "WIREWATCH_SERVE_TOKEN", "")
	}
	fs.StringVar(&r.addr, "addr", r.addr, "base URL of a running wirewatch (WIREWATCH_ADDR)")
	fs.StringVar(&r.token, "token", r.token, "API token, if the server requires one (WIREWATCH_SERVE_TOKEN)")
}

func envOr(e *env, key, def string) string {
	for _, kv := range e.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return def
}

func cmdFeeds(ctx context.Context, e *env, args []string) error {
	fs := newFlags("feeds", "feeds [--addr URL] [--json] [poll FEED_URL]", e)
	var rf remoteFlags
	rf.register(fs, e)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch rest := fs.Args(); {
	case len(rest) == 2 && rest[0] == "poll":
		return pollFeed(ctx, e, rf, rest[1], *asJSON)
	case len(rest) > 0:
		return usageError{fmt.Errorf("feeds: unexpected %q (wirewatch feeds [poll FEED_URL])", strings.Join(rest, " "))}
	}
	var res struct {
		Feeds []map[string]any `json:"feeds"`
	}
	if err := apiGet(ctx, rf.addr, rf.token, "/api/feeds", &res); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, res)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tLAST SUCCESS\tFAILURES\tITEMS/DAY\tSTALE\tEVERY\tNEXT POLL\tLAST ERROR")
	for _, f := range res.Feeds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(f["url"]), when(f["last_success"]), cell(f["consecutive_failures"]),
			cell(f["items_per_day"]), cell(f["stale"]), seconds(f["interval_seconds"]), nextPoll(f), cell(f["last_error"]))
	}
	return tw.Flush()
}

// pollFeed asks a running wirewatch to poll one feed now (POST /api/feeds/poll).
func pollFeed(ctx context.Context, e *env, rf remoteFlags, feedURL string, asJSON bool) error {
	var res map[string]any
	err := newClient(rf.addr, rf.token).Do(ctx, http.MethodPost, "/api/feeds/poll", map[string]string{"url": feedURL}, &res)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, res)
	}
	_, err = fmt.Fprintf(e.stdout, "polling %s now; `wirewatch feeds` shows the outcome\n", feedURL)
	return err
}

// seconds shows a number of seconds as a duration ("15m0s"), "-" when absent or zero.
func seconds(v any) string {
	s, ok := v.(float64)
	if !ok || s <= 0 {
		return "-"
	}
	return (time.Duration(s * float64(time.Second))).Round(time.Second).String()
}

// nextPoll shows a feed's next poll: "polling" while one is under way, else the time.
func nextPoll(f map[string]any) string {
	if f["polling"] == true {
		return "polling"
	}
	return when(f["next_poll"])
}

// cell shows a JSON value in a table, "-" when absent.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case string:
		if v == "" {
			return "-"
		}
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// when shows an RFC 3339 time in the local zone.
func when(v any) string {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.IsZero() {
		return cell(v)
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func cmdSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlags("search", "search [--addr URL] [--sort newest] QUERY", e)
	var rf remoteFlags
	rf.register(fs, e)
	sortBy := fs.String("sort", "relevance", "relevance or newest")
	size := fs.Int("size", 20, "hits to show")
	asJSON := fs.Bool("json", false, "print the API's JSON answer")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := url.Values{"q": {strings.Join(fs.Args(), " ")}, "sort": {*sortBy}, "size": {fmt.Sprint(*size)}}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID        string    `json:"id"`
			Title     string    `json:"title"`
			Source    string    `json:"source"`
			Lang      string    `json:"lang"`
			Published time.Time `json:"published"`
			URL       string    `json:"url"`
		} `json:"hits"`
	}
	if *asJSON {
		var raw json.RawMessage
		if err := apiGet(ctx, rf.addr, rf.token, "/api/search?"+q.Encode(), &raw); err != nil {
			return err
		}
		_, err := fmt.Fprintln(e.stdout, string(raw))
		return err
	}
	if err := apiGet(ctx, rf.addr, rf.token, "/api/search?"+q.Encode(), &res); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Column > 0 {
			// Point at the mistake under the query, as a compiler would.
			return fmt.Errorf("%s\n  %s\n  %s^", ae.Msg, q.Get("q"), strings.Repeat(" ", ae.Column-1))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "%d articles\n", res.Total)
	for _, h := range res.Hits {
		fmt.Fprintf(e.stdout, "%s  [%s] %s — %s\n    %s  (id %s)\n", h.Published.Local().Format("2006-01-02 15:04"), h.Lang, h.Title, h.Source, h.URL, h.ID)
	}
	return nil
}
