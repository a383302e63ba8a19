package alert

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"wirewatch/internal/index"
	"wirewatch/internal/web"
)

const cliUsage = `usage: wirewatch alerts [--addr URL] [--token T] COMMAND [flags]

Commands (talking to a running wirewatch):
  list                          the saved searches
  add --name N --query Q        save a search; channel flags below
  show ID                       one search
  edit ID [flags]               change a search; channel flags replace its channels
  rm ID                         delete a search
  matches ID [--limit 50]       its latest alerts
  backfill ID [--days 7]        what it would have matched in the last days

Search flags: --name, --query, --mode immediate|hourly|daily,
  --webhook URL [--secret S], --slack URL, --email a@x,b@y, --atom, --sse, --kafka
  (each channel flag may be repeated)
Global flags: --addr (default http://127.0.0.1:8080, or $WIREWATCH_ADDR), --token ($WIREWATCH_SERVE_TOKEN)
`

// ErrUsage is returned by Command for a command line it cannot understand; the usage
// has been written to stderr.
var ErrUsage = errors.New("usage error")

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// searchFlags are the flags that describe a search, for add and edit.
type searchFlags struct {
	name, query, mode, secret string
	webhooks, slacks, emails  listFlag
	atom, sse, kafka          bool
}

func (f *searchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.name, "name", "", "name of the search")
	fs.StringVar(&f.query, "query", "", "query in the analysts' query language")
	fs.StringVar(&f.mode, "mode", "", "immediate, hourly or daily")
	fs.Var(&f.webhooks, "webhook", "webhook URL (repeatable)")
	fs.StringVar(&f.secret, "secret", "", "HMAC secret of the webhooks")
	fs.Var(&f.slacks, "slack", "Slack incoming-webhook URL (repeatable)")
	fs.Var(&f.emails, "email", "comma-separated addresses of one e-mail channel (repeatable)")
	fs.BoolVar(&f.atom, "atom", false, "an Atom feed channel")
	fs.BoolVar(&f.sse, "sse", false, "a server-sent-events channel")
	fs.BoolVar(&f.kafka, "kafka", false, "a Kafka alerts-topic channel")
}

func (f *searchFlags) channels() ([]Channel, bool) {
	var chs []Channel
	for _, u := range f.webhooks {
		chs = append(chs, Channel{Type: "webhook", URL: u, Secret: f.secret})
	}
	for _, u := range f.slacks {
		chs = append(chs, Channel{Type: "slack", URL: u})
	}
	for _, e := range f.emails {
		var to []string
		for _, a := range strings.Split(e, ",") {
			if a = strings.TrimSpace(a); a != "" {
				to = append(to, a)
			}
		}
		chs = append(chs, Channel{Type: "email", To: to})
	}
	if f.atom {
		chs = append(chs, Channel{Type: "atom"})
	}
	if f.sse {
		chs = append(chs, Channel{Type: "sse"})
	}
	if f.kafka {
		chs = append(chs, Channel{Type: "kafka"})
	}
	return chs, len(chs) > 0
}

// Command runs `wirewatch alerts ...` against a running wirewatch's API.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var addr, token string
	global := flag.NewFlagSet("alerts", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	addGlobal := func(fs *flag.FlagSet) {
		fs.StringVar(&addr, "addr", addr, "base URL of the wirewatch API")
		fs.StringVar(&token, "token", token, "API token")
	}
	addr = envOr("WIREWATCH_ADDR", "http://127.0.0.1:8080")
	token = envOr("WIREWATCH_SERVE_TOKEN", "")
	addGlobal(global)
	usage := func(format string, a ...any) error {
		if format != "" {
			fmt.Fprintf(stderr, "wirewatch alerts: "+format+"\n\n", a...)
		}
		io.WriteString(stderr, cliUsage)
		return ErrUsage
	}
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, cliUsage)
			return nil
		}
		return usage("%v", err)
	}
	rest := global.Args()
	if len(rest) == 0 {
		return usage("missing command")
	}
	cmd, rest := rest[0], rest[1:]
	fs := flag.NewFlagSet("alerts "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addGlobal(fs)
	var sf searchFlags
	limit := fs.Int("limit", 50, "most matches to show")
	days := fs.Int("days", 7, "days to look back")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if cmd == "add" || cmd == "edit" {
		sf.register(fs)
	}
	// Flags may come before or after the ID.
	var pos []string
	for {
		if err := fs.Parse(rest); err != nil {
			return usage("%s: %v", cmd, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	c := web.NewClient(addr, token)
	needID := func() (string, error) {
		if len(pos) != 1 {
			return "", usage("%s needs exactly one search ID", cmd)
		}
		return url.PathEscape(pos[0]), nil
	}
	printJSON := func(v any) error {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	switch cmd {
	case "list", "ls":
		var out struct {
			Searches []SavedSearch `json:"searches"`
		}
		if err := c.Do(ctx, http.MethodGet, "/api/searches", nil, &out); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tMODE\tCHANNELS\tQUERY")
		for _, s := range out.Searches {
			var types []string
			for _, ch := range s.Channels {
				types = append(types, ch.Type)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Mode, strings.Join(types, ","), s.Query)
		}
		return tw.Flush()
	case "add":
		if len(pos) != 0 {
			return usage("add takes no arguments, only flags (got %q)", pos)
		}
		chs, _ := sf.channels()
		s := SavedSearch{Name: sf.name, Query: sf.query, Mode: sf.mode, Channels: chs}
		var out SavedSearch
		if err := c.Do(ctx, http.MethodPost, "/api/searches", s, &out); err != nil {
			return err
		}
		return printJSON(out)
	case "show":
		id, err := needID()
		if err != nil {
			return err
		}
		var out SavedSearch
		if err := c.Do(ctx, http.MethodGet, "/api/searches/"+id, nil, &out); err != nil {
			return err
		}
		return printJSON(out)
	case "edit":
		id, err := needID()
		if err != nil {
			return err
		}
		var s SavedSearch
		if err := c.Do(ctx, http.MethodGet, "/api/searches/"+id, nil, &s); err != nil {
			return err
		}
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "name":
				s.Name = sf.name
			case "query":
				s.Query = sf.query
			case "mode":
				s.Mode = sf.mode
			}
		})
		if chs, set := sf.channels(); set {
			s.Channels = chs
		}
		// Bookkeeping fields are the server's; send only the definition.
		s.Created, s.Updated, s.Origin = time.Time{}, time.Time{}, ""
		body := map[string]any{"name": s.Name, "query": s.Query, "mode": s.Mode, "channels": s.Channels}
		var out SavedSearch
		if err := c.Do(ctx, http.MethodPut, "/api/searches/"+id, body, &out); err != nil {
			return err
		}
		return printJSON(out)
	case "rm", "delete":
		id, err := needID()
		if err != nil {
			return err
		}
		if err := c.Do(ctx, http.MethodDelete, "/api/searches/"+id, nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted %s\n", pos[0])
		return nil
	case "matches":
		id, err := needID()
		if err != nil {
			return err
		}
		var out struct {
			Matches []Alert `json:"matches"`
		}
		if err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/api/searches/%s/matches?limit=%d", id, *limit), nil, &out); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "MATCHED\tSOURCE\tTITLE\tURL")
		for _, a := range out.Matches {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.MatchedAt.Format(time.RFC3339), a.Article.Source, a.Article.Title, a.Article.URL)
		}
		return tw.Flush()
	case "backfill":
		id, err := needID()
		if err != nil {
			return err
		}
		var out index.Result
		if err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/api/searches/%s/backfill?days=%d&size=%d", id, *days, *limit), nil, &out); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out)
		}
		fmt.Fprintf(stdout, "%d stories in the last %d days\n", out.Total, *days)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PUBLISHED\tSOURCE\tTITLE\tURL")
		for _, h := range out.Hits {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Published.Format(time.RFC3339), h.Source, h.Title, h.URL)
		}
		return tw.Flush()
	case "help":
		io.WriteString(stdout, cliUsage)
		return nil
	}
	return usage("unknown command %q", cmd)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
