package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/httpapi"
	"wirewatch/internal/story"
)

// Reprocessing: when the knowledge base, the user's entities file or the topic rules
// change, a Reprocessor re-enriches the archive (the raw topic, which keeps
// kafka.raw_retention of articles) or the part of it published in a date range, and
// writes it to the enriched topic again:
//
//   - no duplicates: an article keeps its ID, the key every sink overwrites by;
//   - no alerts: every record it writes carries the header bus.HeaderReprocess, and the
//     alert stage skips such records (the index stage writes them as any other);
//   - the live stream unaffected: it reads the raw topic with bus.Follow, outside the
//     process stage's consumer group, from each partition's first offset up to its end at
//     the start of the job (records produced later are the live stage's); it enriches on
//     one goroutine, leaving the stage its workers; and it gives stories from an index of
//     its own, so the live story index does not fill with old articles;
//   - stories kept: an article whose assignment is still on the stories topic (kept 7
//     days, bus.StoriesRetention) keeps its story; an older one joins a near copy of it the
//     same job met within the story window, or starts its own story;
//   - progress: a Job's counts, which the API returns and `wirewatch reprocess` prints.
//
// One job runs at a time; a second is refused (ErrReprocessBusy).

// reprocessBatch is how many articles a job enriches before it writes them.
const reprocessBatch = 200

// maxReprocessJobs is how many finished jobs a Reprocessor remembers for the API.
const maxReprocessJobs = 20

// ErrReprocessBusy is returned by Start while a job runs.
var ErrReprocessBusy = errors.New("a reprocess job is already running")

// Job is a reprocess job's state and progress.
type Job struct {
	ID       string     `json:"id"`
	From     *time.Time `json:"from,omitempty"` // articles published (else fetched) at or after
	To       *time.Time `json:"to,omitempty"`   // and before
	State    string     `json:"state"`          // running, done or failed
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`
	// Read counts the raw records read; Reprocessed those written again; OutOfRange those
	// published outside From..To; Failed those that could not be decoded or no longer fit
	// in a message once enriched (the live stage dead-lettered them already, or would).
	Read        int    `json:"read"`
	Reprocessed int    `json:"reprocessed"`
	OutOfRange  int    `json:"out_of_range"`
	Failed      int    `json:"failed"`
	Error       string `json:"error,omitempty"`
}

// Reprocessor runs reprocess jobs for an Enricher. Its methods are safe for concurrent use.
type Reprocessor struct {
	client *bus.Client
	e      *Enricher
	out    *bus.ArticleWriter
	logger *slog.Logger

	// ctx is what Start's jobs run under: cancelled when Run's context ends.
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	jobs []*Job // the last maxReprocessJobs, oldest first
	busy bool
	wg   sync.WaitGroup
	seq  int
}

// NewReprocessor returns a Reprocessor that writes to the enriched topic.
func NewReprocessor(c *bus.Client, e *Enricher, m *bus.Metrics, logger *slog.Logger) *Reprocessor {
	ctx, cancel := context.WithCancel(context.Background())
	return &Reprocessor{
		ctx:    ctx,
		cancel: cancel,
		client: c,
		e:      e,
		out:    c.ArticleWriter(c.Topics().Enriched, m).WithHeaders(bus.Header{Key: bus.HeaderReprocess, Value: []byte("1")}),
		logger: logger.With("stage", "reprocess"),
	}
}

// Run returns when ctx ends, after stopping the running job, waiting for it and closing
// the writer. Start may be called before Run.
func (r *Reprocessor) Run(ctx context.Context) error {
	<-ctx.Done()
	r.cancel()
	r.wg.Wait()
	return r.out.Close()
}

// Start starts a job over the articles published in [from, to) (a zero time: no bound)
// and returns it at once. It fails with ErrReprocessBusy while another job runs, and
// once Run returned.
func (r *Reprocessor) Start(from, to time.Time) (Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy {
		return Job{}, ErrReprocessBusy
	}
	if r.ctx.Err() != nil {
		return Job{}, errors.New("starting a reprocess job: the process stage has stopped")
	}
	j := r.newJob(from, to)
	r.wg.Go(func() { _ = r.run(r.ctx, j, from, to) })
	return *j, nil
}

// newJob records a running job; r.mu is held.
func (r *Reprocessor) newJob(from, to time.Time) *Job {
	r.seq++
	j := &Job{ID: strconv.FormatInt(time.Now().Unix(), 36) + "-" + strconv.Itoa(r.seq), State: "running", Started: time.Now().UTC()}
	if !from.IsZero() {
		j.From = &from
	}
	if !to.IsZero() {
		j.To = &to
	}
	r.busy = true
	r.jobs = append(r.jobs, j)
	if len(r.jobs) > maxReprocessJobs {
		r.jobs = r.jobs[len(r.jobs)-maxReprocessJobs:]
	}
	return j
}

// Job returns a copy of the job with id; State is empty when there is none.
func (r *Reprocessor) Job(id string) Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range r.jobs {
		if j.ID == id {
			return *j
		}
	}
	return Job{}
}

// update changes j under r.mu.
func (r *Reprocessor) update(j *Job, f func(*Job)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(j)
}

func (r *Reprocessor) run(ctx context.Context, j *Job, from, to time.Time) (err error) {
	log := r.logger.With("job", j.ID)
	log.Info("reprocessing the archive", "from", from, "to", to)
	defer func() {
		now := time.Now().UTC()
		r.update(j, func(j *Job) {
			j.Finished, j.State = &now, "done"
			if err != nil {
				j.State, j.Error = "failed", err.Error()
			}
		})
		r.mu.Lock()
		r.busy = false
		r.mu.Unlock()
		if err != nil {
			log.Error("reprocessing the archive", "err", err)
			return
		}
		done := r.Job(j.ID)
		log.Info("reprocessed the archive", "reprocessed", done.Reprocessed, "read", done.Read, "failed", done.Failed)
	}()
	stories, err := r.knownStories(ctx, from, to)
	if err != nil {
		return err
	}
	cfg := r.e.cfg
	local := story.NewIndex(orDefault(cfg.StoryWindow, 72*time.Hour), orDefault(cfg.StoryMaxArticles, 100000), cfg.StoryMaxDistance)
	started := time.Now()
	var batch []*article.Article
	flush := func(ctx context.Context) error {
		if len(batch) == 0 {
			return nil
		}
		for _, a := range batch {
			if as, ok := stories[a.ID]; ok {
				local.Learn(a.ID, as.Signature, as.Story, as.At)
			}
			if err := r.e.enrich(a, local); err != nil {
				return fmt.Errorf("enriching article %s: %w", a.ID, err)
			}
			boundEnrichment(a)
		}
		failed := 0
		if err := r.out.Publish(ctx, batch); err != nil {
			var re *bus.RecordErrors
			if !errors.As(err, &re) {
				return err
			}
			for _, rerr := range re.Errs {
				if rerr != nil && !errors.Is(rerr, bus.ErrTooLarge) {
					return err
				}
				if rerr != nil {
					failed++
				}
			}
		}
		n := len(batch)
		r.update(j, func(j *Job) { j.Reprocessed += n - failed; j.Failed += failed })
		batch = batch[:0]
		return nil
	}
	err = r.readArchive(ctx, started, func(ctx context.Context, rec bus.Record) error {
		a, err := article.Decode(rec.Value)
		if err != nil {
			r.update(j, func(j *Job) { j.Read++; j.Failed++ })
			return nil
		}
		if t := storyTime(a, time.Now); (!from.IsZero() && t.Before(from)) || (!to.IsZero() && !t.Before(to)) {
			r.update(j, func(j *Job) { j.Read++; j.OutOfRange++ })
			return nil
		}
		r.update(j, func(j *Job) { j.Read++ })
		batch = append(batch, a)
		if len(batch) < reprocessBatch {
			return nil
		}
		return flush(ctx)
	})
	if err != nil {
		return err
	}
	return flush(ctx)
}

// orDefault returns v, or def when v is not positive (as New reads the story options).
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// readArchive calls apply, never concurrently, on each record of the raw topic produced
// before started, reading every partition from its first offset to its end. It returns
// once all are read, or on apply's first error, or when ctx ends.
func (r *Reprocessor) readArchive(ctx context.Context, started time.Time, apply func(context.Context, bus.Record) error) error {
	actx, stop := context.WithCancel(ctx)
	defer stop()
	var applyErr error
	raw := r.client.Topics().Raw
	err := r.client.ReadAll(actx, raw, nil, func(rec bus.Record) {
		if applyErr != nil || rec.Time.After(started) {
			return // records written since the job started are the live stage's
		}
		if applyErr = apply(ctx, rec); applyErr != nil {
			stop()
		}
	})
	if applyErr != nil {
		return applyErr
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", raw, err)
	}
	return nil
}

// knownStories reads the stories topic to its end and returns the assignments of the
// articles published in [from, to), by article ID: at most what the topic holds
// (bus.StoriesRetention of articles).
func (r *Reprocessor) knownStories(ctx context.Context, from, to time.Time) (map[string]story.Assignment, error) {
	known := map[string]story.Assignment{}
	topic := r.client.Topics().Stories
	err := r.client.ReadAll(ctx, topic, nil, func(rec bus.Record) {
		if rec.Value == nil {
			return
		}
		a, err := story.DecodeAssignment(rec.Value)
		if err != nil || (!from.IsZero() && a.At.Before(from)) || (!to.IsZero() && !a.At.Before(to)) {
			return
		}
		known[string(rec.Key)] = a
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", topic, err)
	}
	return known, nil
}

// Routes mounts the reprocess API:
//
//	POST /api/reprocess      {"from": "2026-01-02", "to": "2026-01-31"} (both optional;
//	                         a day, inclusive, or an RFC 3339 time) → 202 the job;
//	                         409 while another job runs
//	GET  /api/reprocess      → 200 {"jobs": [...]}: the last 20 jobs, oldest first
//	GET  /api/reprocess/{id} → 200 the job, its counts as they grow; 404 if unknown
func (r *Reprocessor) Routes(rt httpapi.Router) {
	rt.Handle("POST /api/reprocess", http.HandlerFunc(r.serveStart))
	rt.Handle("GET /api/reprocess", http.HandlerFunc(r.serveJobs))
	rt.Handle("GET /api/reprocess/{id}", http.HandlerFunc(r.serveJob))
}

// ReprocessRequest is the body of POST /api/reprocess.
type ReprocessRequest struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

func (r *Reprocessor) serveStart(w http.ResponseWriter, req *http.Request) {
	var body ReprocessRequest
	if req.ContentLength != 0 {
		if err := httpapi.DecodeJSON(req.Body, 4<<10, &body); err != nil {
			httpapi.WriteError(w, http.StatusBadRequest, err)
			return
		}
	}
	from, to, err := ReprocessRange(body.From, body.To)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, err)
		return
	}
	j, err := r.Start(from, to)
	switch {
	case errors.Is(err, ErrReprocessBusy):
		httpapi.WriteError(w, http.StatusConflict, err)
	case err != nil:
		httpapi.WriteError(w, http.StatusServiceUnavailable, err)
	default:
		httpapi.WriteJSON(w, http.StatusAccepted, j)
	}
}

func (r *Reprocessor) serveJobs(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	jobs := make([]Job, len(r.jobs))
	for i, j := range r.jobs {
		jobs[i] = *j
	}
	r.mu.Unlock()
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"jobs": jobs})
}

func (r *Reprocessor) serveJob(w http.ResponseWriter, req *http.Request) {
	j := r.Job(req.PathValue("id"))
	if j.State == "" {
		httpapi.WriteError(w, http.StatusNotFound, fmt.Errorf("no reprocess job %q", req.PathValue("id")))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, j)
}

// ReprocessRange parses the bounds of a job: a day (2006-01-02; to is inclusive, so the
// bound is the next midnight UTC) or an RFC 3339 time; empty is no bound.
func ReprocessRange(from, to string) (time.Time, time.Time, error) {
	parse := func(key, s string, endOfDay bool) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			if endOfDay {
				t = t.AddDate(0, 0, 1)
			}
			return t, nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: %q is neither a day (2006-01-02) nor an RFC 3339 time", key, s)
		}
		return t, nil
	}
	f, err := parse("from", from, false)
	if err != nil {
		return f, f, err
	}
	t, err := parse("to", to, true)
	if err != nil {
		return f, t, err
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		return f, t, fmt.Errorf("to: %s is not after from %s", to, from)
	}
	return f, t, nil
}
