package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/entity"
	"wirewatch/internal/eval"
	"wirewatch/internal/process"
)

// enricher loads the knowledge base, language models and topics as `process` would.
func enricher(e *env, cf *configFlags) (*process.Enricher, error) {
	cfg, _, err := cf.load(e)
	if err != nil {
		return nil, err
	}
	return process.New(cfg.Process, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func cmdExtract(ctx context.Context, e *env, args []string) error {
	fs := newFlags("extract", "extract [--config FILE] FILE|-", e)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("want one FILE, or - for standard input")}
	}
	var text []byte
	var err error
	if name := fs.Arg(0); name == "-" {
		text, err = io.ReadAll(io.LimitReader(os.Stdin, 16<<20))
	} else {
		text, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("reading text: %w", err)
	}
	en, err := enricher(e, &cf)
	if err != nil {
		return err
	}
	a, err := process.Extract(en, string(text))
	if err != nil {
		return err
	}
	return printJSON(e.stdout, a)
}

func cmdEval(ctx context.Context, e *env, args []string) (err error) {
	fs := newFlags("eval", "eval [--json] [--mistakes] [--halves] [--pred PRED.conll] [--tags-out OUT.conll] ner FILE.conll | lang DIR | news DIR", e)
	var cf configFlags
	cf.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	mistakes := fs.Bool("mistakes", false, "ner, news: also list every missed and every wrong name (ner: with its sentence; news: with its article)")
	halves := fs.Bool("halves", false, "ner: also score the first and the second half of the sentences on their own")
	pred := fs.String("pred", "", "ner: score this CoNLL file's tags (a model's output over FILE.conll's tokens) instead of the enricher's names")
	tagsOut := fs.String("tags-out", "", "ner: also write the names scored as CoNLL over FILE.conll's tokens (the form --pred reads)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 || (fs.Arg(0) != "ner" && fs.Arg(0) != "lang" && fs.Arg(0) != "news") {
		return usageError{fmt.Errorf("want `ner FILE.conll` or `lang DIR`, or `news DIR` (NAME.txt articles beside NAME.gold.yaml key-entity lists; see internal/eval/news.go)")}
	}
	if fs.Arg(0) != "ner" && (*halves || *pred != "" || *tagsOut != "") {
		return usageError{fmt.Errorf("--halves, --pred and --tags-out are for `ner`")}
	}
	o := eval.NEROptions{Mistakes: *mistakes, Halves: *halves}
	if *tagsOut != "" {
		f, err := os.Create(*tagsOut)
		if err != nil {
			return fmt.Errorf("creating the tags file: %w", err)
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("writing the tags file: %w", cerr)
			}
		}()
		o.Tags = f
	}
	if *pred != "" {
		return evalPredicted(e, fs.Arg(1), *pred, o, *asJSON)
	}
	en, err := enricher(e, &cf)
	if err != nil {
		return err
	}
	type report interface {
		WriteText(io.Writer) error
	}
	var rep report
	switch fs.Arg(0) {
	case "ner":
		f, err := os.Open(fs.Arg(1))
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := eval.NERWith(en, f, o)
		if err != nil {
			return err
		}
		rep = r
	case "news":
		score := eval.News
		if *mistakes {
			score = eval.NewsMistakes
		}
		r, err := score(func(s string) (*article.Article, error) { return process.Extract(en, s) }, fs.Arg(1))
		if err != nil {
			return err
		}
		rep = r
	case "lang":
		r, err := eval.Lang(en, fs.Arg(1))
		if err != nil {
			return err
		}
		rep = r
	}
	if *asJSON {
		return printJSON(e.stdout, rep)
	}
	return rep.WriteText(e.stdout)
}

// evalPredicted scores a model's tags (predPath) against the gold CoNLL file with the code
// that scores the enricher; it needs no knowledge base.
func evalPredicted(e *env, goldPath, predPath string, o eval.NEROptions, asJSON bool) error {
	gold, err := os.Open(goldPath)
	if err != nil {
		return err
	}
	defer gold.Close()
	pred, err := os.Open(predPath)
	if err != nil {
		return err
	}
	defer pred.Close()
	o.Predicted = pred
	rep, err := eval.NERWith(nil, gold, o)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, rep)
	}
	return rep.WriteText(e.stdout)
}

func cmdEntities(ctx context.Context, e *env, args []string) error {
	fs := newFlags("entities", "entities unknown [--addr URL] [--n 50] [--json]", e)
	var rf remoteFlags
	rf.register(fs, e)
	n := fs.Int("n", 50, "how many names")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "unknown" {
		return usageError{fmt.Errorf("want `unknown`: names found by patterns and not in the knowledge base, for curation")}
	}
	var res struct {
		Names []entity.UnknownName `json:"names"`
	}
	if err := apiGet(ctx, rf.addr, rf.token, "/api/entities/unknown?"+url.Values{"n": {strconv.Itoa(*n)}}.Encode(), &res); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, res)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COUNT\tTYPE\tNAME\tID")
	for _, u := range res.Names {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.Count, u.Type, u.Name, u.ID)
	}
	return tw.Flush()
}

// cmdReprocess asks a running wirewatch's process stage to re-enrich the archive (POST
// /api/reprocess) and prints the job's progress until it ends. Interrupting the command
// stops the printing, not the job.
func cmdReprocess(ctx context.Context, e *env, args []string) error {
	fs := newFlags("reprocess", "reprocess [--from DATE] [--to DATE] [--addr URL] [--json]", e)
	var rf remoteFlags
	rf.register(fs, e)
	from := fs.String("from", "", "first day (2006-01-02) or time (RFC 3339) of publication to re-enrich; empty: the oldest article kept")
	to := fs.String("to", "", "last day (inclusive) or time (exclusive) of publication to re-enrich; empty: now")
	asJSON := fs.Bool("json", false, "print the finished job as JSON")
	every := fs.Duration("every", time.Second, "how often to print progress")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Errorf("want no arguments, only --from and --to")}
	}
	if _, _, err := process.ReprocessRange(*from, *to); err != nil {
		return usageError{err}
	}
	c := newClient(rf.addr, rf.token)
	var job process.Job
	if err := c.Do(ctx, http.MethodPost, "/api/reprocess", process.ReprocessRequest{From: *from, To: *to}, &job); err != nil {
		return fmt.Errorf("starting the reprocess job: %w", err)
	}
	fmt.Fprintf(e.stderr, "reprocess job %s started\n", job.ID)
	last := -1
	for job.State == "running" {
		select {
		case <-ctx.Done():
			fmt.Fprintf(e.stderr, "stopped watching; job %s goes on (GET /api/reprocess/%s)\n", job.ID, job.ID)
			return nil
		case <-time.After(*every):
		}
		if err := c.Do(ctx, http.MethodGet, "/api/reprocess/"+url.PathEscape(job.ID), nil, &job); err != nil {
			return fmt.Errorf("asking for the reprocess job: %w", err)
		}
		if job.Read != last {
			last = job.Read
			fmt.Fprintf(e.stderr, "read %d, re-enriched %d, out of range %d, failed %d\n", job.Read, job.Reprocessed, job.OutOfRange, job.Failed)
		}
	}
	if *asJSON {
		if err := printJSON(e.stdout, job); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "job %s %s: read %d, re-enriched %d, out of range %d, failed %d\n", job.ID, job.State, job.Read, job.Reprocessed, job.OutOfRange, job.Failed)
	}
	if job.State == "failed" {
		return fmt.Errorf("reprocessing: %s", job.Error)
	}
	return nil
}
