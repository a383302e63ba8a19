package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"wirewatch/internal/alert"
	"wirewatch/internal/index"
)

const alertsUsage = `usage: wirewatch alerts [--addr URL] [--token T] COMMAND [flags]

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

// writeAlertsUsage writes the usage and what each channel type does.
func writeAlertsUsage(w io.Writer) {
	io.WriteString(w, alertsUsage)
	io.WriteString(w, "\nChannel types:\n")
	for _, ct := range alert.ChannelTypes() {
		fmt.Fprintf(w, "  %-8s %s\n", ct.Name, ct.About)
	}
}

// errAlertsUsage is cmdAlerts' error for a command line it cannot understand, once it has
// written the usage to stderr.
var errAlertsUsage = errors.New("usage error")

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

func (f *searchFlags) channels() ([]alert.Channel, bool) {
	var chs []alert.Channel
	for _, u := range f.webhooks {
		chs = append(chs, alert.Channel{Type: alert.ChannelWebhook, URL: u, Secret: f.secret})
	}
	for _, u := range f.slacks {
		chs = append(chs, alert.Channel{Type: alert.ChannelSlack, URL: u})
	}
	for _, e := range f.emails {
		var to []string
		for _, a := range strings.Split(e, ",") {
			if a = strings.TrimSpace(a); a != "" {
				to = append(to, a)
			}
		}
		chs = append(chs, alert.Channel{Type: alert.ChannelEmail, To: to})
	}
	for _, ch := range []struct {
		set bool
		typ string
	}{{f.atom, alert.ChannelAtom}, {f.sse, alert.ChannelSSE}, {f.kafka, alert.ChannelKafka}} {
		if ch.set {
			chs = append(chs, alert.Channel{Type: ch.typ})
		}
	}
	return chs, len(chs) > 0
}

// cmdAlerts is `wirewatch alerts ...`: saved searches through a running wirewatch's API.
func cmdAlerts(ctx context.Context, e *env, args []string) error {
	var rf remoteFlags
	global := flag.NewFlagSet("alerts", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	rf.register(global, e)
	usage := func(format string, a ...any) error {
		if format != "" {
			fmt.Fprintf(e.stderr, "wirewatch alerts: "+format+"\n\n", a...)
		}
		writeAlertsUsage(e.stderr)
		return usageError{errAlertsUsage}
	}
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeAlertsUsage(e.stdout)
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
	rf.register(fs, e)
	var sf searchFlags
	limit := fs.Int("limit", 50, "most matches to show")
	days := fs.Int("days", 7, "days to look back")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if cmd == "add" || cmd == "edit" {
		sf.register(fs)
	}
	// Flags may come before or after the ID.
	if err := parse(fs, rest); err != nil {
		return usage("%s: %v", cmd, err)
	}
	pos := fs.Args()
	c := newClient(rf.addr, rf.token)
	needID := func() (string, error) {
		if len(pos) != 1 {
			return "", usage("%s needs exactly one search ID", cmd)
		}
		return url.PathEscape(pos[0]), nil
	}
	switch cmd {
	case "list", "ls":
		var out struct {
			Searches []alert.SavedSearch `json:"searches"`
		}
		if err := c.Do(ctx, http.MethodGet, "/api/searches", nil, &out); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(e.stdout, out)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
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
		s := alert.SavedSearch{Name: sf.name, Query: sf.query, Mode: sf.mode, Channels: chs}
		var out alert.SavedSearch
		if err := c.Do(ctx, http.MethodPost, "/api/searches", s, &out); err != nil {
			return err
		}
		return printJSON(e.stdout, out)
	case "show":
		id, err := needID()
		if err != nil {
			return err
		}
		var out alert.SavedSearch
		if err := c.Do(ctx, http.MethodGet, "/api/searches/"+id, nil, &out); err != nil {
			return err
		}
		return printJSON(e.stdout, out)
	case "edit":
		id, err := needID()
		if err != nil {
			return err
		}
		var s alert.SavedSearch
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
		body := map[string]any{"name": s.Name, "query": s.Query, "mode": s.Mode, "channels": s.Channels}
		var out alert.SavedSearch
		if err := c.Do(ctx, http.MethodPut, "/api/searches/"+id, body, &out); err != nil {
			return err
		}
		return printJSON(e.stdout, out)
	case "rm", "delete":
		id, err := needID()
		if err != nil {
			return err
		}
		if err := c.Do(ctx, http.MethodDelete, "/api/searches/"+id, nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "deleted %s\n", pos[0])
		return nil
	case "matches":
		id, err := needID()
		if err != nil {
			return err
		}
		var out struct {
			Matches []alert.Alert `json:"matches"`
		}
		if err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/api/searches/%s/matches?limit=%d", id, *limit), nil, &out); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(e.stdout, out)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
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
			return printJSON(e.stdout, out)
		}
		fmt.Fprintf(e.stdout, "%d stories in the last %d days\n", out.Total, *days)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PUBLISHED\tSOURCE\tTITLE\tURL")
		for _, h := range out.Hits {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Published.Format(time.RFC3339), h.Source, h.Title, h.URL)
		}
		return tw.Flush()
	case "help":
		writeAlertsUsage(e.stdout)
		return nil
	}
	return usage("unknown command %q", cmd)
}
