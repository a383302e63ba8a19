package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"
	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// Consumer-group stage names (the group is the configured prefix + stage).
const (
	MatchStage    = "alert"
	DeliveryStage = "alert-delivery"
)

// Stage is the alerting stage of one process: the stream matcher, the delivery worker,
// the digest scheduler and the HTTP routes of saved searches and alerts.
type Stage struct {
	client  *bus.Client
	cfg     config.AlertConfig
	backend index.Backend
	logger  *slog.Logger
	metrics *metrics
	busM    *bus.Metrics

	set     *searches
	matcher *matcher
	hist    *history
	state   *deliveryState
	limiter *rateLimiter
	store   *searchStore
	alertW  *bus.Writer
	stateW  *bus.Writer
	dlq     *bus.DeadLetters
	send    *senders

	feedToken   string
	generations atomic.Int64 // digest-group generations joined
	ready       chan struct{}
	// digestEvery is how often queued digests are checked; tests shorten it.
	digestEvery time.Duration
	now         func() time.Time
}

// NewStage prepares the alerting stage; a declared saved search with a mistake is an
// error naming its key (see ValidateConfig). backend answers backfill requests; it may be nil
// in a process without an index, and then backfill answers 503. Metrics are registered on
// reg.
func NewStage(c *bus.Client, cfg config.AlertConfig, backend index.Backend, reg prometheus.Registerer, logger *slog.Logger) (*Stage, error) {
	if err := ValidateConfig(cfg); err != nil {
		return nil, err
	}
	langs := cfg.Languages
	if len(langs) == 0 {
		langs = query.DefaultLanguages
	}
	an, err := query.NewAnalysis(langs)
	if err != nil {
		return nil, fmt.Errorf("building the matcher's analysers: %w", err)
	}
	logger = logger.With("stage", MatchStage)
	s := &Stage{
		client:      c,
		cfg:         cfg,
		backend:     backend,
		logger:      logger,
		metrics:     newMetrics(reg),
		hist:        newHistory(cfg.MatchesKept, logger),
		state:       newDeliveryState(),
		limiter:     &rateLimiter{max: cfg.RateLimit.Max, window: cfg.RateLimit.Window, sent: map[string][]time.Time{}},
		alertW:      c.PromptWriter(c.Topics().Alerts),
		stateW:      c.PromptWriter(cfg.DeliveryTopic),
		ready:       make(chan struct{}),
		digestEvery: 15 * time.Second,
		now:         time.Now,
	}
	// The consumers' own counters go to a registry of the stage: the process's bus
	// metrics are registered once by whoever built the other stages, and registering them
	// twice on reg would fail. The alert metrics below cover what this stage does.
	s.busM = bus.NewMetrics(prometheus.NewRegistry())
	s.dlq = c.DeadLetters(MatchStage, s.busM)
	s.matcher = &matcher{an: an}
	s.set = newSearches(s.matcher.compile, logger, func(n int) { s.metrics.searches.Set(float64(n)) })
	s.matcher.set = s.set
	s.store = &searchStore{w: c.Writer(c.Topics().Searches), set: s.set}
	s.send, err = newSenders(cfg, logger)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// UseBusMetrics makes the stage's consumers and dead-letter writer count in the process's
// shared bus metrics (consumed, lag, batch errors under stages "alert" and
// "alert-delivery") rather than in the stage's own registry. Call it before Run.
func (s *Stage) UseBusMetrics(m *bus.Metrics) {
	s.busM = m
	if err := s.dlq.Close(); err != nil {
		s.logger.Warn("closing unused dead-letter writer", "err", err)
	}
	s.dlq = s.client.DeadLetters(MatchStage, m)
}

// ExpandWith makes the searches that have Expand on also match the articles linked to
// the entities their free-text words name. Call it before Run.
func (s *Stage) ExpandWith(x queryExpander) { s.matcher.exp = x }

// SetFeedToken makes the Atom feeds (served outside /api/) require token as ?token= or a
// bearer token. Call it before serving with the process's serve.token.
func (s *Stage) SetFeedToken(token string) { s.feedToken = token }

// Run runs the stage until ctx ends and returns after every goroutine it started has
// returned. It first reads the saved searches, past alerts and delivery records to their
// end, so it never matches with a partial list of searches nor re-alerts a story.
func (s *Stage) Run(ctx context.Context) error {
	defer func() {
		for _, w := range []interface{ Close() error }{s.alertW, s.stateW, s.store.w, s.dlq} {
			if err := w.Close(); err != nil {
				s.logger.Warn("closing writer", "err", err)
			}
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var errs []error
	goRun := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				errMu.Lock()
				errs = append(errs, fmt.Errorf("alert %s: %w", name, err))
				errMu.Unlock()
				cancel()
			}
		}()
	}
	// Every instance reads these topics whole (all searches, all past alerts, all delivery
	// records), not a share of them.
	views := []struct {
		topic string
		apply func(bus.Record)
	}{
		{s.client.Topics().Searches, s.set.applyRecord},
		{s.client.Topics().Alerts, s.hist.applyRecord},
		{s.cfg.DeliveryTopic, s.state.applyRecord},
	}
	readies := make([]chan struct{}, len(views))
	for i, v := range views {
		readies[i] = make(chan struct{})
		goRun("following "+v.topic, func(ctx context.Context) error {
			return s.client.Follow(ctx, v.topic, nil, v.apply, readies[i])
		})
	}
	for _, r := range readies {
		select {
		case <-r:
		case <-ctx.Done():
		}
	}
	if ctx.Err() == nil {
		if err := s.syncConfigSearches(ctx); err != nil {
			errs = append(errs, err)
			cancel()
		} else {
			close(s.ready)
			s.logger.Info("alert stage ready", "searches", len(s.set.list()))
			match := s.client.Consumer(s.client.Topics().Enriched, MatchStage, s.busM, bus.ConsumerOptions{Linger: 20 * time.Millisecond})
			goRun("matching", func(ctx context.Context) error { return match.Run(ctx, s.handleEnriched) })
			deliver := s.client.Consumer(s.client.Topics().Alerts, DeliveryStage, s.busM,
				bus.ConsumerOptions{Linger: 20 * time.Millisecond, BatchSize: 64, Drain: 5 * time.Second})
			goRun("delivery", func(ctx context.Context) error { return deliver.Run(ctx, s.handleAlerts) })
			goRun("digests", s.leadDigests)
		}
	}
	<-ctx.Done()
	wg.Wait()
	return errors.Join(errs...)
}

// syncConfigSearches writes the searches declared in the configuration file whose
// definition differs from the topic's, in batches: a file of thousands of searches is
// written in a few round trips, not one acknowledged write each.
func (s *Stage) syncConfigSearches(ctx context.Context) error {
	now := s.now().UTC()
	var changed []SavedSearch
	var at []int // each changed search's index in the configuration, for errors
	for i, c := range s.cfg.Searches {
		want := fromConfig(c)
		if err := normalise(&want, rulesOf(s.cfg)); err != nil {
			return fmt.Errorf("alert.searches[%d]: %w", i, err)
		}
		have, ok := s.set.get(want.ID)
		if ok && sameDefinition(have, want) {
			continue
		}
		want.Created, want.Updated = now, now
		if ok {
			want.Created = have.Created
		}
		changed, at = append(changed, want), append(at, i)
	}
	for start := 0; start < len(changed); start += syncBatch {
		end := min(start+syncBatch, len(changed))
		if err := s.store.saveAll(ctx, changed[start:end]); err != nil {
			return fmt.Errorf("alert.searches[%d] to [%d]: %w", at[start], at[end-1], err)
		}
	}
	return nil
}

// syncBatch is how many of the configuration's searches one write carries.
const syncBatch = 1000

// handleEnriched matches a batch of enriched articles and writes their alerts to the
// alerts topic, each article's as soon as it is matched (alertWriter), so the first
// article of a batch does not wait for the others. It returns nil only once Kafka
// acknowledged every alert, so the batch's offsets are committed only then: a crash in
// between redoes the batch, and the history of the alerts topic keeps the redo from
// alerting twice.
func (s *Stage) handleEnriched(ctx context.Context, msgs []bus.Record) error {
	w := s.writeAlerts(ctx, len(msgs))
	b, err := s.matchBatch(msgs, s.now(), w.add)
	if err := errors.Join(err, w.wait()); err != nil {
		return err
	}
	if err := s.dlq.Send(ctx, b.letters...); err != nil {
		return err
	}
	s.metrics.articles.Add(float64(b.articles))
	return nil
}

// alertWriter writes the alerts of one batch while the batch is still being matched: the
// first article's at once, then, in one write, whatever was matched while a write was in
// flight. A batch of one article has nothing to overlap and is written without the
// goroutine. The alerts of a write that failed are unclaimed, so the redone batch claims
// them again; those of the writes that succeeded stay claimed, being on the topic.
type alertWriter struct {
	s     *Stage
	ctx   context.Context
	queue chan []bus.Record // one send per article, buffered for the whole batch; nil for one
	done  chan struct{}
	err   error // of the first failed write; later alerts are then not written
}

// writeAlerts starts the writer of a batch of at most n articles; wait ends it.
func (s *Stage) writeAlerts(ctx context.Context, n int) *alertWriter {
	w := &alertWriter{s: s, ctx: ctx, done: make(chan struct{})}
	if n <= 1 {
		close(w.done)
		return w
	}
	w.queue = make(chan []bus.Record, n)
	go func() {
		defer close(w.done)
		for recs := range w.queue {
			for more := true; more; {
				select {
				case next, ok := <-w.queue:
					recs, more = append(recs, next...), ok
				default:
					more = false
				}
			}
			w.write(recs)
		}
	}()
	return w
}

// write writes recs, or unclaims them when this or an earlier write failed.
func (w *alertWriter) write(recs []bus.Record) {
	if w.err == nil {
		err := w.s.alertW.Write(w.ctx, recs...)
		if err == nil {
			w.s.metrics.alerts.Add(float64(len(recs)))
			return
		}
		w.err = fmt.Errorf("writing %d alerts: %w", len(recs), err)
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = string(r.Key)
	}
	w.s.hist.unclaim(ids)
}

// add queues the alerts of one article, claimed in the history; their keys are their IDs.
func (w *alertWriter) add(recs []bus.Record) {
	switch {
	case len(recs) == 0:
	case w.queue == nil:
		w.write(recs)
	default:
		w.queue <- recs
	}
}

// wait returns once every queued alert is written or unclaimed, with the first error.
func (w *alertWriter) wait() error {
	if w.queue != nil {
		close(w.queue)
	}
	<-w.done
	return w.err
}

// matchedBatch is what matching a batch of enriched records gave besides its alerts.
type matchedBatch struct {
	letters  []bus.Letter // records that are not articles
	articles int          // articles matched
}

// matchBatch decodes each enriched record once, analyses it once for every saved search
// (matcher.match) and hands the article's alerts that are news, claimed in the history, to
// emit, before it goes on to the next record. Articles a reprocess job wrote again
// (bus.HeaderReprocess) are old news and alert nobody. On error the article at hand keeps
// nothing claimed; what emit was given is emit's to write, or to unclaim.
func (s *Stage) matchBatch(msgs []bus.Record, now time.Time, emit func([]bus.Record)) (matchedBatch, error) {
	var b matchedBatch
	for _, m := range msgs {
		if slices.ContainsFunc(m.Headers, func(h bus.Header) bool { return h.Key == bus.HeaderReprocess }) {
			continue
		}
		a, err := article.DecodeMatching(m.Value) // what a search or an alert reads of it
		if err != nil {
			b.letters = append(b.letters, bus.Letter{Record: m, Reason: err})
			continue
		}
		b.articles++
		start := time.Now()
		hits := s.matcher.match(a)
		s.metrics.matchSeconds.Observe(time.Since(start).Seconds())
		if len(hits) == 0 {
			continue
		}
		recs, err := s.alertsOf(a, hits, now)
		if err != nil {
			return b, err
		}
		emit(recs)
	}
	return b, nil
}

// alertsOf returns the alert records of article a on the searches it matched that are news
// to them, claimed in the history. On error none stays claimed.
func (s *Stage) alertsOf(a *article.Article, hits []*SavedSearch, now time.Time) ([]bus.Record, error) {
	art := alertArticle(a)
	var (
		artJSON json.RawMessage
		err     error
		recs    []bus.Record
		claimed []string
	)
	for _, ss := range hits {
		al := newAlert(*ss, a, art, now)
		if !s.hist.claim(al) {
			s.metrics.duplicates.Inc()
			continue
		}
		claimed = append(claimed, al.ID)
		if !al.Digest && !s.limiter.allow(ss.ID, now) {
			al.Digest = true
			s.metrics.rateLimited.Inc()
		}
		if artJSON == nil {
			artJSON, err = json.Marshal(art)
		}
		var v []byte
		if err == nil {
			v, err = encodeAlertRecord(al, artJSON)
		}
		if err != nil {
			s.hist.unclaim(claimed)
			return nil, fmt.Errorf("encoding alert %s: %w", al.ID, err)
		}
		recs = append(recs, bus.Record{Key: []byte(al.ID), Value: v})
	}
	return recs, nil
}

// Ready returns nil once Run has loaded the saved searches and written the configuration's,
// and started matching; before, an error saying so. It is a readiness check: a process
// whose alert stage is not ready would let articles through unmatched until it is.
func (s *Stage) Ready() error {
	select {
	case <-s.ready:
		return nil
	default:
		return errors.New("alert stage: loading and writing saved searches")
	}
}

// waitReady blocks until Run has loaded the searches, or ctx ends.
func (s *Stage) waitReady(ctx context.Context) bool {
	select {
	case <-s.ready:
		return true
	case <-ctx.Done():
		return false
	}
}

type metrics struct {
	articles     prometheus.Counter
	alerts       prometheus.Counter
	duplicates   prometheus.Counter
	rateLimited  prometheus.Counter
	searches     prometheus.Gauge
	matchSeconds prometheus.Histogram
	deliveries   *prometheus.CounterVec // channel, outcome
	queued       prometheus.Gauge
	digestLeader prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		articles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_alert_articles_total", Help: "Enriched articles matched against the saved searches.",
		}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_alerts_total", Help: "Alerts written to the alerts topic.",
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_alert_duplicates_total", Help: "Matches dropped because the story already alerted for the search.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_alert_rate_limited_total", Help: "Immediate alerts turned into a digest by the per-search rate limit.",
		}),
		searches: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wirewatch_saved_searches", Help: "Saved searches known to this instance.",
		}),
		matchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "wirewatch_alert_match_seconds", Help: "Time to match one article against every saved search.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10),
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_alert_deliveries_total", Help: "Delivery attempts by channel type and outcome (delivered, retry, failed).",
		}, []string{"channel", "outcome"}),
		queued: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wirewatch_alert_digest_queued", Help: "Alerts waiting for a digest.",
		}),
		digestLeader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wirewatch_alert_digest_leader", Help: "1 while this instance is the one sending digests.",
		}),
	}
	reg.MustRegister(m.articles, m.alerts, m.duplicates, m.rateLimited, m.searches, m.matchSeconds, m.deliveries, m.queued, m.digestLeader)
	return m
}
