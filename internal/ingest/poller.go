package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// Publisher delivers articles to Kafka. Publish returns nil only after the broker
// acknowledged every article (RequiredAcks=all); on error, any subset may have been
// written, and the poller will offer the same articles again later (sinks are idempotent).
// When the error wraps a *bus.RecordErrors lined up with arts, articles refused as too
// large (bus.ErrTooLarge) fail alone: the others count as written, their feeds succeed,
// and the refused item is remembered as seen so that it is not offered again.
// Publish must be safe for concurrent use; the poller calls it from one goroutine at a
// time, with a context that is cancelled only by its own timeout, so a clean shutdown does
// not cut a batch in half.
type Publisher interface {
	Publish(ctx context.Context, arts []*article.Article) error
}

// FeedStatus is one feed's health, for the API, the CLI and metrics.
type FeedStatus struct {
	URL                 string        `json:"url"`       // as configured: the feed's identity
	FetchURL            string        `json:"fetch_url"` // where it is fetched now (after permanent redirects)
	Title               string        `json:"title,omitempty"`
	SiteURL             string        `json:"site_url,omitempty"`
	Lang                string        `json:"lang,omitempty"`
	LastAttempt         time.Time     `json:"last_attempt,omitzero"`
	LastSuccess         time.Time     `json:"last_success,omitzero"`
	LastError           string        `json:"last_error,omitempty"`
	LastErrorAt         time.Time     `json:"last_error_at,omitzero"`
	ConsecutiveFailures int           `json:"consecutive_failures"`
	ItemsPerDay         float64       `json:"items_per_day"`
	ItemsInFeed         int           `json:"items_in_feed"`
	LastNewItem         time.Time     `json:"last_new_item,omitzero"`
	Published           int64         `json:"published"`
	Stale               bool          `json:"stale"`
	Interval            time.Duration `json:"interval"` // nanoseconds, as Go counts them
	NextPoll            time.Time     `json:"next_poll,omitzero"`
	WebSub              bool          `json:"websub"` // a hub pushes this feed's updates
	// IntervalSeconds is Interval for people; MinIntervalSeconds and MaxIntervalSeconds
	// are the bounds this feed is polled within (its own narrowing the global ones).
	IntervalSeconds    float64 `json:"interval_seconds"`
	MinIntervalSeconds float64 `json:"min_interval_seconds"`
	MaxIntervalSeconds float64 `json:"max_interval_seconds"`
	Polling            bool    `json:"polling"` // a poll is under way
}

// Errors of AddFeed.
var (
	ErrFeedExists = errors.New("feed already in the list")
	ErrNoFeed     = errors.New("no feed found at this address")
)

// Errors of RequestPoll: the feed is not in the list, or (in a poller group) another
// poller holds it.
var (
	ErrUnknownFeed = errors.New("no such feed in the list")
	ErrNotHeld     = errors.New("feed held by another poller of the group")
)

// TooSoonError is RequestPoll's answer when the feed may not be polled yet: it was asked
// for less than the anti-hammering gap ago, or its server asked (Retry-After) for a pause.
type TooSoonError struct {
	RetryAfter time.Duration
	Reason     string
}

func (e *TooSoonError) Error() string {
	return fmt.Sprintf("too soon to poll again: %s; try again in %s", e.Reason, e.RetryAfter.Round(time.Second))
}

// pollNowGap is the shortest time between two polls asked for by hand, per feed: enough
// for a person who clicks twice, too long for a script to hammer a site through us.
const pollNowGap = 10 * time.Second

const acceptFeeds = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"

// Poller polls the feed list and publishes new articles. Create it with NewPoller, then
// call Run once; Status and AddFeed are safe to call at any time from any goroutine.
type Poller struct {
	cfg     config.IngestConfig
	log     *slog.Logger
	pub     Publisher
	fetch   *fetcher
	store   *store
	metrics *metrics
	text    *textFetcher
	websub  *websub

	mu      sync.Mutex
	feeds   map[string]*feedState
	order   []string // feed keys in the order they were added
	wake    chan struct{}
	results chan *pollResult
	backlog *backlog // bounds the fresh articles between poll and commit
	// resultsOpen guards sends to results from outside Run's workers (WebSub pushes).
	resultsMu   sync.RWMutex
	resultsOpen bool

	// stateSink, when set (scale-out), receives every committed feed record so another
	// poller taking the feed over continues from it.
	stateSink func(ctx context.Context, records map[string]*feedRecord)

	// group names the poller group in scale-out mode, where a feed missing here may be
	// another poller's. pollNowGap is the anti-hammering gap of RequestPoll.
	group      string
	pollNowGap time.Duration

	// resultPool recycles the results of scheduled polls (see newResult).
	resultPool sync.Pool

	// quiet lists the feeds whose last poll brought nothing and whose record waits for the
	// committer's next flush (see committer); guarded by mu. It names the feed, not a copy
	// of its record: the flush writes the record as it is then. A feed is listed once,
	// while its quiet flag is set; a durable commit clears the flag (the record is written
	// then) and the flush skips it. A slice and a flag, not a map by key: at a cycle of
	// 10,000 304s, hashing the feed's URL into a map was a tenth of settling a poll.
	quiet []*feedState

	// polls counts committed poll outcomes (a benchmark's cycle ends when every feed's is in).
	polls     atomic.Int64
	ran       atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

type feedState struct {
	cfg config.FeedConfig
	rec feedRecord
	// seen lists the IDs of items already published from this feed, oldest first; the
	// state file keeps it apart from rec, and the shared state of a poller group in
	// rec.Seen. seenStored: the state file holds this very list.
	seen       []seenID
	seenStored bool
	busy       bool // a poll or its commit is under way; never two at once for one feed
	// dropped: the feed left this poller (its feed list changed, or in a poller group its
	// partition moved), and any poll of it that was dispatched is cancelled and its outcome
	// dropped. stop is the context of the worker that polls the feed, which dropLocked
	// cancels while that worker still polls it; left, when set, is closed once that poll
	// has ended (releaseFeeds waits for it). quiet: the feed is in p.quiet (see there).
	// The four bools share one word: at 512 bytes a feedState is still a small object,
	// which the garbage collector scans a span at a time; at 520 the poll cycle's GC work
	// grew by about 5%.
	dropped bool
	quiet   bool
	stop    *pollContext
	left    chan struct{}
	// requested is when a poll was last asked for by hand (RequestPoll); a request that
	// comes while a poll is under way makes the feed due again as soon as it commits.
	requested time.Time
}

// newFeedState starts a feed from its stored record, or afresh when rec is nil.
func newFeedState(f config.FeedConfig, rec *feedRecord) *feedState {
	fs := &feedState{cfg: f}
	if rec != nil {
		fs.rec = *rec
		if len(rec.Seen) > 0 {
			fs.seen = decodeSeen(rec.Seen)
		} else {
			fs.seen, fs.seenStored = rec.seen, rec.seen != nil
		}
		fs.rec.Seen, fs.rec.seen = nil, nil
	}
	if fs.rec.URL == "" {
		fs.rec.URL = f.URL
	}
	return fs
}

// pollResult is what a poll hands to the committer.
type pollResult struct {
	key     string
	at      time.Time
	err     error
	retry   time.Duration // server's Retry-After
	maxAge  time.Duration
	changed bool // a new body was parsed
	// fresh are the items not seen from this feed before, oldest first.
	fresh      []*article.Article
	current    []seenID // IDs of every item in the feed body, for the seen list
	validators validators
	newURL     string
	title      string
	siteURL    string
	lang       string
	rate       float64 // items per day from item dates, <0 unknown
	newest     time.Time
	items      int
	hub, topic string
	pushed     bool       // came from a WebSub push: not a scheduled poll
	fs         *feedState // the feed state polled (nil for a push)
	held       int        // of p.backlog, given back by the commit
	done       chan error // when set, told the commit outcome
}

// newResult returns a zero result for a scheduled poll, recycled from a committed or
// dropped one when there is one: a result per poll was, after the request, the largest
// allocation of a poll answered 304.
func (p *Poller) newResult() *pollResult {
	if r, _ := p.resultPool.Get().(*pollResult); r != nil {
		return r
	}
	return new(pollResult)
}

// recycle gives back r, once committed or dropped, when nothing refers to it any more. A
// push's result is never recycled: the request that pushed it still reads done.
func (p *Poller) recycle(r *pollResult) {
	if r.pushed {
		return
	}
	*r = pollResult{}
	p.resultPool.Put(r)
}

// broughtNothing reports whether r is a scheduled poll that succeeded without a new body
// (a 304, or the same bytes): its commit changes the feed's schedule and counters only.
func (r *pollResult) broughtNothing() bool {
	return r.err == nil && !r.pushed && !r.changed && len(r.fresh) == 0
}

// ConfiguredFeeds returns the feeds the configuration lists: ingest.feeds, then every feed
// of the ingest.opml files (the default list is built in: see config.ReadDataFile).
func ConfiguredFeeds(cfg config.IngestConfig) ([]config.FeedConfig, error) {
	feeds := append([]config.FeedConfig(nil), cfg.Feeds...)
	for i, path := range cfg.OPML {
		b, _, err := config.ReadDataFile(path) // the built-in list when the default path is missing
		if err != nil {
			return nil, fmt.Errorf("reading ingest.opml[%d]: %w", i, err)
		}
		list, err := LoadOPML(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("reading ingest.opml[%d] %s: %w", i, path, err)
		}
		feeds = append(feeds, list...)
	}
	return feeds, nil
}

// NewPoller loads the feed list (cfg.Feeds, the OPML files, feeds added earlier through
// AddFeed) and the feed state under dataDir. It does not fetch anything.
func NewPoller(cfg config.IngestConfig, dataDir string, pub Publisher, logger *slog.Logger) (*Poller, error) {
	if pub == nil {
		return nil, errors.New("creating poller: nil Publisher")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	feeds, err := ConfiguredFeeds(cfg)
	if err != nil {
		return nil, err
	}
	statePath := cfg.StatePath
	if statePath == "" {
		statePath = "ingest.db"
	}
	if !filepath.IsAbs(statePath) {
		statePath = filepath.Join(dataDir, statePath)
	}
	st, err := openStore(statePath)
	if err != nil {
		return nil, err
	}
	added, err := st.loadAdded()
	if err != nil {
		st.close()
		return nil, err
	}
	feeds = append(feeds, added...)
	records, err := st.loadFeeds()
	if err != nil {
		st.close()
		return nil, err
	}
	p := &Poller{
		cfg:     cfg,
		log:     logger,
		pub:     pub,
		fetch:   newFetcher(cfg),
		store:   st,
		feeds:   map[string]*feedState{},
		wake:    make(chan struct{}, 1),
		results: make(chan *pollResult, max(cfg.Concurrency, 1)*2),
		backlog: newBacklog(backlogArticles),

		pollNowGap: pollNowGap,
	}
	p.metrics = newMetrics(p)
	p.text = newTextFetcher(p.fetch, cfg, logger)
	subs, err := st.loadSubscriptions()
	if err != nil {
		st.close()
		return nil, err
	}
	p.websub = newWebSub(p, cfg.WebSub, subs)
	for _, f := range feeds {
		f.URL = strings.TrimSpace(f.URL)
		if _, dup := p.feeds[f.URL]; dup || config.CheckFeedURL(f.URL) != "" {
			continue
		}
		p.feeds[f.URL] = newFeedState(f, records[f.URL])
		p.order = append(p.order, f.URL)
	}
	return p, nil
}

// Run polls until ctx ends, then waits for its goroutines, lets a publish under way finish
// and commit, and closes the state file. It can be called once.
func (p *Poller) Run(ctx context.Context) error {
	if !p.ran.CompareAndSwap(false, true) {
		return errors.New("poller: Run called twice")
	}
	defer p.Close()
	p.log.Info("poller starting", "feeds", len(p.order), "concurrency", p.cfg.Concurrency)

	p.resultsMu.Lock()
	p.resultsOpen = true
	p.resultsMu.Unlock()

	var wg sync.WaitGroup
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		p.commitLoop(ctx)
	}()
	work := make(chan *feedState)
	for range max(p.cfg.Concurrency, 1) {
		wg.Go(func() {
			pc := &pollContext{}
			for fs := range work {
				p.pollOne(ctx, fs, pc)
			}
			if pc.cancel != nil {
				pc.cancel(nil)
			}
		})
	}
	wg.Go(func() { p.websub.run(ctx) })
	wg.Go(func() { p.pruneLoop(ctx) })
	p.schedule(ctx, work)
	close(work)
	wg.Wait()

	p.resultsMu.Lock()
	p.resultsOpen = false
	close(p.results)
	p.resultsMu.Unlock()
	<-committed
	p.log.Info("poller stopped")
	return nil
}

// Close releases the state file. Run calls it on return; call it yourself only when Run
// was never called.
func (p *Poller) Close() error {
	p.closeOnce.Do(func() {
		p.fetch.close()
		p.closeErr = p.store.close()
	})
	return p.closeErr
}

// scheduleHorizon is how far ahead the scheduler looks: it wakes at the earliest due time
// within it, and at the horizon's end anyway.
const scheduleHorizon = time.Minute

// schedule hands due feeds to the workers until ctx ends.
func (p *Poller) schedule(ctx context.Context, work chan<- *feedState) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		var due []*feedState
		next := now.Add(scheduleHorizon)
		p.mu.Lock()
		for _, k := range p.order {
			fs := p.feeds[k]
			if fs.busy {
				continue
			}
			if !fs.rec.NextPoll.After(now) {
				fs.busy = true
				due = append(due, fs)
			} else if fs.rec.NextPoll.Before(next) {
				next = fs.rec.NextPoll
			}
		}
		p.mu.Unlock()
		sort.SliceStable(due, func(i, j int) bool { return due[i].rec.NextPoll.Before(due[j].rec.NextPoll) })
		for i, fs := range due {
			select {
			case work <- fs:
			case <-ctx.Done():
				p.mu.Lock()
				for _, rest := range due[i:] {
					rest.busy = false
				}
				p.mu.Unlock()
				return
			}
		}
		if len(due) > 0 {
			continue // time has passed while dispatching; look again
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(time.Until(next))
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-timer.C:
		}
	}
}

func (p *Poller) wakeScheduler() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// pollContext is a worker's context for its polls, one poll after another: it is made
// again only once cancelled (the feed polled left, the fetch timed out, or Run is
// stopping). A context per poll, with its cancel function, Done channel and map of
// children, was four allocations of a poll answered 304. fs, guarded by p.mu, is the feed
// the worker polls, or polled last: only a drop of that feed cancels the context.
type pollContext struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer // ingest.timeout of each fetch: cancels ctx (newFetchTimer)
	fs     *feedState
}

// pollOne fetches and parses one feed and hands the outcome to the committer. A feed
// dropped before or while it is polled (releaseFeeds) is not fetched, or its fetch is
// cancelled, and its outcome dropped.
func (p *Poller) pollOne(ctx context.Context, fs *feedState, pc *pollContext) {
	p.mu.Lock()
	if fs.dropped {
		p.pollEndedLocked(fs)
		p.mu.Unlock()
		return
	}
	// Checked under p.mu, through which a drop cancels: a context live here is cancelled
	// from now on only for this poll's feed, or by its own fetch's timeout, which the fetch
	// of the last poll has seen through (see fetcher.fetch).
	if pc.ctx == nil || pc.ctx.Err() != nil {
		if pc.cancel != nil {
			pc.cancel(nil)
		}
		pc.ctx, pc.cancel = context.WithCancelCause(ctx)
		pc.timer = newFetchTimer(pc.cancel)
	}
	pc.fs = fs
	fc, rec := fs.cfg, fs.rec
	fs.stop = pc
	p.mu.Unlock()
	pctx := pc.ctx
	res := p.poll(pctx, pc.timer, fc, rec, fs)
	res.fs = fs
	// What the poll reserved of the backlog becomes what it brings.
	p.backlog.add(len(res.fresh) - res.held)
	res.held = len(res.fresh)
	if pctx.Err() != nil && context.Cause(pctx) != errFetchTimeout {
		// Stopping, or the feed left: drop the outcome; the next poll starts again from
		// the old state, here or at the feed's next poller. A timeout is an outcome.
		p.backlog.add(-res.held)
		p.mu.Lock()
		p.pollEndedLocked(fs)
		p.mu.Unlock()
		p.recycle(res)
		return
	}
	if p.settleQuiet(res) {
		return
	}
	p.results <- res
}

// settleQuiet commits, in the worker, the outcome of a scheduled poll that brought nothing
// (a 304, or the same body) and changes nothing that must be durable: the committer would
// only have applied it to the feed's state in memory and noted the feed in p.quiet for its
// next flush. Passing such outcomes through the commit loop, a channel send, a batch and
// five map writes a poll, was the largest cost of a cycle of 304s above a raw loop's. It
// reports whether r was settled (and recycled); otherwise the committer takes it: a
// failure, new items, changed validators or address, a seen list the state file lacks or
// must trim, a feed that left, a poll someone waits for, or a poller group's shared
// state, which gets every record.
func (p *Poller) settleQuiet(r *pollResult) bool {
	if !r.broughtNothing() || r.done != nil || r.held != 0 || p.stateSink != nil {
		return false
	}
	now := time.Now()
	p.mu.Lock()
	fs := r.fs
	if fs == nil || fs.dropped || !fs.seenStored || len(fs.seen) > p.cfg.SeenPerFeed ||
		fs.rec.ConsecutiveFailures != 0 || r.validators != fs.rec.Validators ||
		(r.newURL != "" && r.newURL != fs.rec.URL) {
		p.mu.Unlock()
		return false
	}
	// In place: nothing is written now, so there is no write to wait for before the
	// feed's state may change; one poll of a feed at a time (busy) keeps it in order.
	p.applySuccess(&fs.rec, r, now)
	p.markQuietLocked(fs)
	soon := p.pollCommittedLocked(fs, r, now)
	p.mu.Unlock()
	p.polls.Add(1)
	p.recycle(r)
	if soon {
		p.wakeScheduler()
	}
	return true
}

// markQuietLocked lists fs in p.quiet, once. p.mu is held.
func (p *Poller) markQuietLocked(fs *feedState) {
	if !fs.quiet {
		fs.quiet = true
		p.quiet = append(p.quiet, fs)
	}
}

// pollCommittedLocked ends fs's scheduled poll r once its outcome is committed: the feed
// may be polled again, at once if someone asked while r was under way. It reports
// whether the feed is due within the scheduler's horizon. p.mu is held.
func (p *Poller) pollCommittedLocked(fs *feedState, r *pollResult, now time.Time) (soon bool) {
	if !r.pushed {
		fs.busy = false
		fs.stop = nil
		if fs.requested.After(r.at) {
			fs.rec.NextPoll = now // asked for while this poll was under way: poll again
		}
	}
	return fs.rec.NextPoll.Before(time.Now().Add(scheduleHorizon))
}

// pollEndedLocked marks the end of fs's poll: its outcome was committed, or dropped
// because fs left this poller. p.mu is held.
func (p *Poller) pollEndedLocked(fs *feedState) {
	fs.stop = nil
	if fs.left != nil {
		close(fs.left)
		fs.left = nil
	}
}

// dropLocked removes the feed k from the poller: a poll of it dispatched or under way is
// cancelled, and when there is one, the returned channel is closed once it has ended.
// p.mu is held; the caller fixes p.order.
func (p *Poller) dropLocked(k string) <-chan struct{} {
	fs := p.feeds[k]
	delete(p.feeds, k)
	if fs == nil || fs.dropped {
		return nil
	}
	fs.dropped = true
	if !fs.busy {
		return nil
	}
	if fs.stop != nil && fs.stop.fs == fs {
		fs.stop.cancel(nil) // the worker still polls this feed; otherwise it has moved on
	}
	fs.left = make(chan struct{})
	return fs.left
}

// releaseFeeds stops polling every feed, as a poller of a group does when its generation
// ends: polls under way are cancelled and their outcomes dropped, so the state the feeds'
// next poller reads is the last one shared. It returns one channel per poll that was under
// way, closed when that poll has ended; once all are closed, this poller fetches none of
// the feeds any more.
func (p *Poller) releaseFeeds() []<-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	var polls []<-chan struct{}
	for _, k := range p.order {
		if ch := p.dropLocked(k); ch != nil {
			polls = append(polls, ch)
		}
	}
	p.order = nil
	return polls
}

func (p *Poller) poll(ctx context.Context, timer *time.Timer, fc config.FeedConfig, rec feedRecord, fs *feedState) *pollResult {
	start := time.Now()
	res := p.newResult()
	*res = pollResult{key: fc.URL, at: start, rate: -1}
	var resp response
	err := p.fetch.fetch(ctx, timer, rec.URL, rec.Validators, acceptFeeds, &resp)
	p.metrics.observeFetch(time.Since(start), err)
	if err != nil {
		res.err = err
		var se *HTTPStatusError
		if errors.As(err, &se) {
			res.retry = se.RetryAfter
		}
		return res
	}
	res.validators = resp.Validators
	res.newURL = resp.PermanentURL
	res.maxAge = resp.MaxAge
	if resp.NotModified {
		return res
	}
	// Reserved once the body is in: a slow server holds a worker, never the backlog.
	res.held, err = p.backlog.reserve(ctx, cmp.Or(rec.ItemsInFeed, unknownFeedItems))
	if err != nil {
		res.err = err // stopping: pollOne drops the outcome
		return res
	}
	feed, err := ParseFeed(resp.Body, resp.ContentType)
	if err != nil {
		res.err = fmt.Errorf("feed %s: %w", rec.URL, err)
		return res
	}
	res.hub, res.topic = hubLinks(resp.Header, resp.Body)
	if res.topic == "" {
		res.topic = rec.URL
	}
	return p.digest(ctx, fc, fs, feed, resp.Base, res, start)
}

// digest normalises a parsed feed and keeps the items this feed has not published yet.
func (p *Poller) digest(ctx context.Context, fc config.FeedConfig, fs *feedState, feed *gofeed.Feed, docURL string, res *pollResult, at time.Time) *pollResult {
	res.changed = true
	res.title = strings.TrimSpace(feed.Title)
	res.items = len(feed.Items)
	res.rate, res.newest = publishingRate(feed, at)
	p.mu.Lock()
	seen := fs.seen // replaced as a whole on commit, never changed in place
	p.mu.Unlock()
	inBody := map[string]bool{}
	src, ids, fresh := normaliseFresh(feed, fc, fc.URL, docURL, at, func(id string) bool {
		if inBody[id] {
			return false // feeds do repeat items
		}
		inBody[id] = true
		return !containsSeen(seen, seenOf(id))
	})
	if len(ids) > 0 {
		res.siteURL, res.lang = src.SiteURL, src.Lang
	}
	res.fresh = fresh
	res.current = make([]seenID, 0, len(inBody))
	for _, id := range ids {
		if inBody[id] {
			delete(inBody, id)
			res.current = append(res.current, seenOf(id))
		}
	}
	// Feeds list newest first; publish oldest first so consumers see the natural order.
	sort.SliceStable(res.fresh, func(i, j int) bool { return res.fresh[i].Published.Before(res.fresh[j].Published) })
	if fc.FetchText {
		p.text.fill(ctx, res.fresh)
	}
	for _, a := range res.fresh {
		boundArticle(a, p.cfg.MaxArticleBytes)
	}
	return res
}

// seenWindowFloor is the fewest departed items a seen list keeps after a full body, so
// that a feed of one or two items (or a body that came back empty) still remembers the
// items it carried last.
const seenWindowFloor = 10

// seenLimit is how many IDs a feed's seen list keeps after the successful poll r (see
// updateSeen, which never drops an ID the body carries). After a full body of n items:
// those n, and as many again of the items that left the body last, at least
// seenWindowFloor and at most ingest.seen_per_feed of them. A 304 or a push says nothing
// of what left the body: the list then keeps up to seen_per_feed IDs, or twice the pushed
// items, as before.
//
// What stops a feed republishing an item: while the item is in the feed's body, and for
// as long as n newer items have not pushed it out of the window after it left, its seen
// list, which is committed with every batch, so a crash (kill -9) forgets nothing of it.
// Past the window, the article index (ingest.seen_retention, 90 days by default) still
// knows the feed published it (committer.commit skips an article whose record names the
// feed), except for the records not yet written behind when the process died (at most
// 30 s or 5,000 of them): only an item that left the body and the window within those
// 30 s and came back after the restart is offered again, and the sinks absorb it. The
// window spares the article index's lookups for items that come and go (a feed whose
// caches serve slightly different bodies). Keeping 100 IDs for a feed of 20 items, as
// before, held 4.8 MB more of heap at 10,000 feeds, and as much more of the state file
// rewritten and read through its map on every change.
func (p *Poller) seenLimit(r *pollResult) int {
	n := len(r.current)
	if !r.changed || r.pushed {
		return max(p.cfg.SeenPerFeed, 2*n)
	}
	return n + min(max(n, seenWindowFloor), p.cfg.SeenPerFeed)
}

// publishingRate estimates items per day from the item dates of one feed body: over the
// last week, or over the span the body covers when it holds less than a week. It returns
// -1 when the items carry no dates.
func publishingRate(feed *gofeed.Feed, now time.Time) (float64, time.Time) {
	var times []time.Time
	var newest time.Time
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		t := it.PublishedParsed
		if t == nil {
			t = it.UpdatedParsed
		}
		if t == nil || t.IsZero() || t.After(now.Add(time.Hour)) {
			continue
		}
		times = append(times, *t)
		if t.After(newest) {
			newest = *t
		}
	}
	if len(times) == 0 {
		return -1, time.Time{}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	week := 7 * 24 * time.Hour
	oldest := times[0]
	if now.Sub(oldest) > week {
		n := 0
		for _, t := range times {
			if now.Sub(t) <= week {
				n++
			}
		}
		return float64(n) / 7, newest
	}
	// The body covers less than a week: the feed is truncated, so the span tells the rate,
	// given two items at least: one item alone (a new feed) spans nothing, and taking an
	// hour for its span made a one-item feed wait an hour for its second.
	if len(times) < 2 {
		return -1, newest
	}
	span := now.Sub(oldest)
	if span < time.Hour {
		span = time.Hour
	}
	return float64(len(times)) / span.Hours() * 24, newest
}

// commitArticles bounds the fresh articles of one commit: the batch stops filling once it
// carries that many, and Publish is never handed more at once (a single feed with more
// is published in several calls, then committed). A backlog (a restart after a pause,
// many feeds changing at once) so flows to the raw topic a few hundred articles at a time,
// each batch committed before the next, instead of being encoded and held whole by one
// Publish that nothing downstream sees the end of until all of it is written.
const commitArticles = 500

// commitLoop publishes and commits poll results in batches, so one Publish call and one
// fsync serve many feeds, up to 128 feeds or commitArticles fresh articles. It ends when
// p.results is closed, after writing the article records it holds.
func (p *Poller) commitLoop(ctx context.Context) {
	const maxBatch = 128
	const linger = 20 * time.Millisecond
	const flushEvery = 30 * time.Second
	const flushAt = 5000
	c := &committer{p: p, pending: map[idKey]*articleRecord{}, records: map[string]*feedRecord{}, durable: map[string]*feedRecord{}, lastFlush: time.Now(), flushed: make(chan error, 1)}
	defer c.finish()
	idle := time.NewTimer(flushEvery)
	defer idle.Stop()
	for {
		var first *pollResult
		select {
		case r, ok := <-p.results:
			if !ok {
				return
			}
			first = r
		case err := <-c.flushed:
			c.flushEnded(err)
			continue
		case <-idle.C:
			c.startFlush()
			idle.Reset(flushEvery)
			continue
		}
		batch := []*pollResult{first}
		articles := len(first.fresh)
		// The linger is for batches that publish or fsync, so that one call serves many
		// feeds. Polls that brought nothing (a 304, the same body) commit to memory only
		// (see committer): waiting for more of them saved nothing and held the last of a
		// cycle of 304s back by the whole linger, so such a batch takes what is already
		// waiting and goes, and starts lingering only once something else joins it.
		var timer *time.Timer
		if !first.broughtNothing() {
			timer = time.NewTimer(linger)
		}
	fill:
		for len(batch) < maxBatch && articles < commitArticles {
			var r *pollResult
			var ok bool
			if timer == nil {
				select {
				case r, ok = <-p.results:
				default:
					break fill
				}
			} else {
				select {
				case r, ok = <-p.results:
				case <-timer.C:
					break fill
				}
			}
			if !ok {
				break fill
			}
			batch = append(batch, r)
			articles += len(r.fresh)
			if timer == nil && !r.broughtNothing() {
				timer = time.NewTimer(linger)
			}
		}
		if timer != nil {
			timer.Stop()
		}
		c.commit(ctx, batch)
		if len(c.pending) >= flushAt || time.Since(c.lastFlush) >= flushEvery {
			c.startFlush()
		}
	}
}

// committer is the commit loop's state. Article records are written behind, every 30 s or
// 5,000 records, as one sorted run of the article index (articleIndex), by a goroutine of
// their own, while polling and committing go on. Losing them in a crash costs at most a
// republish, which the sinks absorb; the per-feed seen lists, which stop a feed
// republishing, go with every batch.
//
// So do the records of feeds whose poll changed anything that matters after a crash
// (new items, validators, address, failures). A poll that brought nothing (a 304, the
// same body) changes only the schedule and counters: its record waits in p.quiet for the
// next flush, written there in one sorted transaction, instead of a transaction and an
// fsync per batch, which were half the CPU of a cycle of 304s. A crash loses at most a
// flush interval of them: those feeds are polled again on restart, conditionally. Most
// such polls never reach the committer: their worker settles them (Poller.settleQuiet).
// p.quiet names the feed, not a copy of its record: until the feed's next commit, which
// clears its quiet flag unless it is quiet too, its record is the feed state's, read at
// the flush. A copy per poll was the largest allocation of a commit of 304s.
type committer struct {
	p         *Poller
	pending   map[idKey]*articleRecord // not yet handed to a flush
	inflight  map[idKey]*articleRecord // being written; nil when no flush runs
	flushed   chan error               // the running flush's outcome
	lastFlush time.Time
	// spareQuiet is an empty list that takes p.quiet's place at a flush, and the list
	// flushed becomes the next spare: emptied, not made again, as the next flush holds
	// about as many.
	spareQuiet []*feedState

	// Scratch of commit, cleared and refilled by each: a cycle of 304s commits in batches
	// of a few polls, for which a record per poll and maps per batch were most of what a
	// commit allocated. Neither the store nor stateSink keeps them.
	recs             []feedRecord
	records, durable map[string]*feedRecord
}

// startFlush hands the pending records to a background write, waiting for the previous
// one first, so at most one runs and memory stays bounded.
func (c *committer) startFlush() {
	c.lastFlush = time.Now()
	c.flushQuiet()
	if len(c.pending) == 0 {
		return
	}
	if c.inflight != nil {
		c.flushEnded(<-c.flushed)
	}
	c.inflight, c.pending = c.pending, map[idKey]*articleRecord{}
	m := c.inflight
	go func() { c.flushed <- c.p.store.saveArticles(m) }()
}

// flushQuiet writes the records of the polls that brought nothing, here in the commit
// loop, so that no later record of the same feed can be overtaken by it.
//
// Workers add to p.quiet while the flush writes: the feeds are taken out of it under p.mu
// together with their records, and listed again if the write fails, unless a newer poll
// listed them already.
func (c *committer) flushQuiet() {
	p := c.p
	p.mu.Lock()
	if len(p.quiet) == 0 {
		p.mu.Unlock()
		return
	}
	taken := p.quiet
	p.quiet, c.spareQuiet = c.spareQuiet[:0], nil
	recs := make([]feedRecord, 0, len(taken))
	byKey := make(map[string]*feedRecord, len(taken))
	kept := taken[:0] // the feeds still quiet, whose records are written now
	for _, fs := range taken {
		if !fs.quiet {
			continue // written since by a durable commit
		}
		fs.quiet = false
		kept = append(kept, fs)
		recs = append(recs, fs.rec)
		byKey[fs.cfg.URL] = &recs[len(recs)-1]
	}
	p.mu.Unlock()
	if err := p.store.commit(byKey, nil); err != nil {
		p.log.Error("saving feed state", "feeds", len(kept), "error", err)
		p.mu.Lock()
		for _, fs := range kept {
			p.markQuietLocked(fs) // for the next flush
		}
		p.mu.Unlock()
	}
	clear(taken) // no feed held past its flush
	c.spareQuiet = taken[:0]
}

func (c *committer) flushEnded(err error) {
	if err != nil {
		c.p.log.Error("saving article records", "records", len(c.inflight), "error", err)
		for k, r := range c.inflight {
			if _, newer := c.pending[k]; !newer {
				c.pending[k] = r // retried with the next flush
			}
		}
	}
	c.inflight = nil
}

// finish waits for a running flush and writes what is left.
func (c *committer) finish() {
	if c.inflight != nil {
		c.flushEnded(<-c.flushed)
	}
	c.startFlush()
	if c.inflight != nil {
		c.flushEnded(<-c.flushed)
	}
}

// lookup finds an article record in memory (pending or being written).
func (c *committer) lookup(k idKey) *articleRecord {
	if r := c.pending[k]; r != nil {
		return r
	}
	return c.inflight[k]
}

// commit dedups a batch across feeds, publishes it, and only then advances feed state.
func (c *committer) commit(ctx context.Context, batch []*pollResult) {
	p := c.p
	now := time.Now()
	held := 0
	for _, r := range batch {
		held += r.held
	}
	defer p.backlog.add(-held)
	// A feed that left this poller while being polled (scale-out rebalance) is now another
	// poller's: its result is dropped, not published. So is the poll of a feed that left
	// and came back: the feed's new state is polled afresh.
	p.mu.Lock()
	kept := batch[:0]
	for _, r := range batch {
		cur := p.feeds[r.key]
		keep := cur != nil && (r.fs == nil || r.fs == cur)
		switch {
		case keep:
			kept = append(kept, r)
		case r.done != nil:
			r.done <- fmt.Errorf("feed %s is no longer polled here", r.key)
		}
		if r.fs != nil && r.fs != cur {
			p.pollEndedLocked(r.fs)
		}
		if !keep {
			p.recycle(r)
		}
	}
	batch = kept
	p.mu.Unlock()
	defer func() {
		for _, r := range batch {
			p.recycle(r)
		}
	}()
	var ids []idKey
	for _, r := range batch {
		for _, a := range r.fresh {
			ids = append(ids, keyOf(a.ID))
		}
	}
	// A batch of polls that brought no item (a cycle of 304s is made of them) has nothing
	// to look up: no map for it, no read lock on the article index.
	var known map[idKey]*articleRecord
	if len(ids) > 0 {
		known = make(map[idKey]*articleRecord, len(ids))
		for _, k := range ids {
			if rec := c.lookup(k); rec != nil {
				known[k] = rec
			}
		}
		if err := p.store.lookupArticles(ids, known); err != nil {
			p.log.Error("reading article records", "error", err)
		}
	}
	var toPublish []*article.Article
	inBatch := map[idKey]*article.Article{}
	changed := map[idKey]*articleRecord{}
	publishing := map[*pollResult]bool{}
	for _, r := range batch {
		for _, a := range r.fresh {
			k := keyOf(a.ID)
			rec := known[k]
			if rec != nil && rec.hasFeed(r.key) {
				continue // published from this feed before its seen list forgot it
			}
			if prev := inBatch[k]; prev != nil {
				// Two feeds in one batch carry the same story: one article, both sources.
				prev.Sources = appendSource(prev.Sources, a.Source)
				rec.addFeed(r.key)
				publishing[r] = true
				continue
			}
			if rec == nil {
				rec = &articleRecord{FirstSeen: now}
			} else {
				// Copied: the stored or pending record changes only if Publish succeeds.
				rec = &articleRecord{FirstSeen: rec.FirstSeen, Feeds: slices.Clone(rec.Feeds)}
				a.Sources = append(p.sourcesOf(rec.Feeds), a.Sources...)
			}
			known[k] = rec
			rec.addFeed(r.key)
			changed[k] = rec
			inBatch[k] = a
			toPublish = append(toPublish, a)
			publishing[r] = true
		}
	}
	var pubErr error
	var refused map[idKey]error
	if len(toPublish) > 0 {
		// Detached from Run's context: a batch under way at shutdown finishes and commits,
		// so a clean restart never republishes it.
		refused, pubErr = p.publish(context.WithoutCancel(ctx), toPublish)
		if pubErr != nil {
			p.log.Error("publishing articles", "articles", len(toPublish), "error", pubErr)
		} else {
			p.metrics.published.Add(float64(len(toPublish) - len(refused)))
			p.metrics.refused.Add(float64(len(refused)))
			for k, rec := range changed {
				if refused[k] == nil {
					c.pending[k] = rec
				}
			}
		}
	}
	records, durable := c.records, c.durable // durable: written now; the others wait in p.quiet
	clear(records)
	clear(durable)
	c.recs = slices.Grow(c.recs[:0], len(batch))[:len(batch)]
	newSeen := map[string][]seenID{}
	seenWrites := map[string][]seenID{} // the seen lists the state file lacks
	p.mu.Lock()
	for i, r := range batch {
		fs := p.feeds[r.key]
		if fs == nil {
			continue
		}
		rec := &c.recs[i]
		*rec = fs.rec // a copy; fs.rec is replaced as a whole below
		switch {
		case pubErr != nil && publishing[r]:
			p.applyFailure(rec, r, fmt.Errorf("publishing: %w", pubErr), now)
		case r.err != nil:
			p.applyFailure(rec, r, r.err, now)
		default:
			itemErr := p.dropRefused(r, refused)
			p.applySuccess(rec, r, now)
			if itemErr != nil {
				// The feed is fine; its health still shows the item it could not pass on.
				rec.LastError, rec.LastErrorAt = itemErr.Error(), now
			}
			newSeen[r.key] = updateSeen(fs.seen, r.current, p.seenLimit(r))
		}
		seen, ok := newSeen[r.key]
		if !ok {
			seen = fs.seen
		}
		if !fs.seenStored || !slices.Equal(seen, fs.seen) {
			seenWrites[r.key] = seen
		}
		if p.stateSink != nil {
			rec.Seen = encodeSeen(seen)
		}
		records[r.key] = rec
		_, seenChanged := seenWrites[r.key]
		if r.err == nil && !r.pushed && !r.changed && len(r.fresh) == 0 && !seenChanged &&
			fs.rec.ConsecutiveFailures == 0 && rec.URL == fs.rec.URL && rec.Validators == fs.rec.Validators {
			p.markQuietLocked(fs)
		} else {
			durable[r.key] = rec
			fs.quiet = false // older than this one; the flush skips it
		}
	}
	p.mu.Unlock()
	stored := true
	if len(durable) > 0 || len(seenWrites) > 0 {
		if err := p.store.commit(durable, seenWrites); err != nil {
			// The articles are out; without the state they will be offered again, which
			// the sinks absorb. Keep the in-memory state, which is right.
			p.log.Error("saving feed state", "error", err)
			stored = false
		}
	}
	if p.stateSink != nil {
		p.stateSink(ctx, records)
	}
	// The scheduler is woken only when a feed of the batch is due within its horizon: any
	// later time it finds on its next look, which comes at the latest when the horizon of
	// its last look ends. A cycle of 10,000 polls otherwise rescanned the list per batch.
	soon := false
	p.mu.Lock()
	for _, r := range batch {
		fs := p.feeds[r.key]
		if r.fs != nil && r.fs != fs {
			// Dropped while its outcome was committed (released by its poller group):
			// the outcome is out and shared, which is what the wait for it is for.
			p.pollEndedLocked(r.fs)
			continue
		}
		if fs == nil {
			continue
		}
		fs.rec = *records[r.key]
		fs.rec.Seen = nil
		if seen, ok := newSeen[r.key]; ok {
			fs.seen = seen
		}
		if _, written := seenWrites[r.key]; written {
			fs.seenStored = stored
		}
		soon = p.pollCommittedLocked(fs, r, now) || soon
	}
	p.mu.Unlock()
	p.polls.Add(int64(len(batch)))
	for _, r := range batch {
		if r.done != nil {
			if pubErr != nil && publishing[r] {
				r.done <- pubErr
			} else {
				r.done <- r.err
			}
		}
	}
	if soon {
		p.wakeScheduler()
	}
}

// publish hands arts to the Publisher commitArticles at a time, each call with its own
// timeout, and stops at the first call that fails for more than refused articles: then
// the error is that call's, and the commit treats the whole batch as not written (what
// went out is offered again and the sinks absorb it). Otherwise it returns the articles
// refused as too large, from every call.
func (p *Poller) publish(ctx context.Context, arts []*article.Article) (map[idKey]error, error) {
	var refused map[idKey]error
	for chunk := range slices.Chunk(arts, commitArticles) {
		pctx, cancel := context.WithTimeout(ctx, max(30*time.Second, p.cfg.Timeout))
		err := p.pub.Publish(pctx, chunk)
		cancel()
		r, err := refusals(chunk, err)
		if err != nil {
			return nil, err
		}
		if refused == nil {
			refused = r
		} else {
			maps.Copy(refused, r)
		}
	}
	return refused, nil
}

// refusals splits a Publish error: the articles refused as too large, which fail alone,
// and what is left of the error when nothing else failed (nil: the rest was written).
func refusals(arts []*article.Article, err error) (map[idKey]error, error) {
	var re *bus.RecordErrors
	if !errors.As(err, &re) || len(re.Errs) != len(arts) {
		return nil, err
	}
	refused := map[idKey]error{}
	for i, e := range re.Errs {
		switch {
		case e == nil:
		case errors.Is(e, bus.ErrTooLarge):
			refused[keyOf(arts[i].ID)] = e
		default:
			return nil, err
		}
	}
	return refused, nil
}

// dropRefused takes the refused articles out of r's fresh items and returns an error
// naming them, or nil when none of r's was refused.
func (p *Poller) dropRefused(r *pollResult, refused map[idKey]error) error {
	if len(refused) == 0 {
		return nil
	}
	var errs []error
	kept := r.fresh[:0:0]
	for _, a := range r.fresh {
		if e := refused[keyOf(a.ID)]; e != nil {
			p.log.Warn("item refused: too large for a Kafka message even once truncated", "feed_url", r.key, "article_url", a.URL, "error", e)
			errs = append(errs, fmt.Errorf("item %s refused: %w", cmp.Or(a.URL, a.GUID, a.ID), e))
			continue
		}
		kept = append(kept, a)
	}
	r.fresh = kept
	return errors.Join(errs...)
}

// sourcesOf describes the feeds that carried an article before, from the feed list.
func (p *Poller) sourcesOf(feeds []string) []article.Source {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]article.Source, 0, len(feeds))
	for _, f := range feeds {
		src := article.Source{FeedURL: f}
		if fs := p.feeds[f]; fs != nil {
			src.FeedTitle = fs.cfg.Title
			if src.FeedTitle == "" {
				src.FeedTitle = fs.rec.Title
			}
			src.SiteURL = fs.rec.SiteURL
			src.Lang = langHint(fs.cfg.Lang, "")
			if src.Lang == "" {
				src.Lang = fs.rec.Lang
			}
		}
		out = append(out, src)
	}
	return out
}

func appendSource(list []article.Source, s article.Source) []article.Source {
	for _, x := range list {
		if x.FeedURL == s.FeedURL {
			return list
		}
	}
	return append(list, s)
}

func (p *Poller) applyFailure(rec *feedRecord, r *pollResult, err error, now time.Time) {
	rec.LastAttempt = now
	rec.LastError = err.Error()
	rec.LastErrorAt = now
	rec.ConsecutiveFailures++
	p.metrics.failures.Inc()
	p.log.Warn("polling feed", "feed_url", r.key, "consecutive_failures", rec.ConsecutiveFailures, "error", err)
	if r.pushed {
		return // a failed push leaves the poll schedule alone
	}
	// Exponential backoff from the feed's floor up to its ceiling, so a feed that comes
	// back is seen within its ceiling; never sooner than the server asks (up to a day).
	lo, hi := p.boundsOf(r.key)
	backoff := min(lo*time.Duration(1<<min(rec.ConsecutiveFailures-1, 16)), hi)
	rec.NextPoll = now.Add(jitter(backoff))
	rec.NotBefore = time.Time{}
	if r.retry > 0 {
		rec.NotBefore = now.Add(min(r.retry, 24*time.Hour))
		rec.NextPoll = maxTime(rec.NextPoll, rec.NotBefore)
	}
}

// boundsOf returns the shortest and longest poll interval of the feed under key; the
// caller holds p.mu.
func (p *Poller) boundsOf(key string) (lo, hi time.Duration) {
	var fc config.FeedConfig
	if fs := p.feeds[key]; fs != nil {
		fc = fs.cfg
	}
	return p.cfg.FeedBounds(fc)
}

func (p *Poller) applySuccess(rec *feedRecord, r *pollResult, now time.Time) {
	if r.pushed {
		// A push carries only what changed: it says nothing of validators, rate or size.
		if len(r.fresh) > 0 {
			rec.Published += int64(len(r.fresh))
			rec.LastNewItem = now
		}
		return
	}
	rec.LastAttempt = now
	rec.LastSuccess = now
	rec.ConsecutiveFailures = 0
	rec.NotBefore = time.Time{}
	rec.Successes++
	rec.Validators = r.validators
	if r.newURL != "" && r.newURL != rec.URL {
		p.log.Info("feed moved permanently", "feed_url", r.key, "new_url", r.newURL)
		rec.URL = r.newURL
	}
	if r.changed {
		rec.ItemsInFeed = r.items
		if r.title != "" {
			rec.Title = r.title
		}
		if r.siteURL != "" {
			rec.SiteURL = r.siteURL
		}
		if r.lang != "" {
			rec.Lang = r.lang
		}
		if r.rate >= 0 {
			rec.ItemsPerDay = r.rate
		}
		if !r.newest.IsZero() {
			rec.LastNewItem = maxTime(rec.LastNewItem, r.newest)
		}
	}
	if len(r.fresh) > 0 {
		rec.Published += int64(len(r.fresh))
		if r.rate < 0 {
			rec.LastNewItem = now // undated items: their arrival is all we know
		}
	}
	if r.hub != "" {
		p.websub.observe(r.key, r.hub, r.topic)
	}
	rec.Interval = p.nextInterval(rec, r)
	rec.NextPoll = now.Add(jitter(rec.Interval))
}

// nextInterval is the poll interval after a success: one expected item per poll from the
// observed publishing rate (Miniflux's entries-per-week rule), or, when the rate is not
// known yet (a new feed, undated items), from the feed's floor, shorter after news and
// longer after silence; never shorter than the server's Cache-Control max-age; always
// within the feed's bounds (config.IngestConfig.FeedBounds), whose ceiling is what makes
// freshness a promise. The caller holds p.mu.
func (p *Poller) nextInterval(rec *feedRecord, r *pollResult) time.Duration {
	lo, hi := p.boundsOf(r.key)
	var iv time.Duration
	switch {
	case r.changed && r.rate > 0:
		iv = time.Duration(float64(24*time.Hour) / r.rate)
	case r.changed && r.rate == 0:
		iv = hi
	case rec.Interval == 0:
		iv = lo
	case len(r.fresh) > 0:
		iv = rec.Interval / 2
	default:
		iv = rec.Interval * 3 / 2
	}
	if p.websub.active(r.key, time.Now()) {
		iv = hi // pushes bring news; polling is only the safety net
	}
	iv = max(iv, r.maxAge)
	return min(max(iv, lo), hi)
}

// jitter shortens an interval by up to 15% so feeds added together do not stay in
// lockstep; only shortens, so a feed's ceiling holds.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - time.Duration(rand.Float64()*0.15*float64(d))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Status returns every feed's health, in list order.
func (p *Poller) Status() []FeedStatus {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]FeedStatus, 0, len(p.order))
	for _, k := range p.order {
		fs := p.feeds[k]
		r := &fs.rec
		title := fs.cfg.Title
		if title == "" {
			title = r.Title
		}
		lo, hi := p.cfg.FeedBounds(fs.cfg)
		out = append(out, FeedStatus{
			URL: k, FetchURL: r.URL, Title: title, SiteURL: r.SiteURL, Lang: fs.cfg.Lang,
			LastAttempt: r.LastAttempt, LastSuccess: r.LastSuccess, LastError: r.LastError,
			LastErrorAt: r.LastErrorAt, ConsecutiveFailures: r.ConsecutiveFailures,
			ItemsPerDay: math.Round(r.ItemsPerDay*100) / 100, ItemsInFeed: r.ItemsInFeed,
			LastNewItem: r.LastNewItem, Published: r.Published, Stale: stale(r, now),
			Interval: r.Interval, NextPoll: r.NextPoll, WebSub: p.websub.active(k, now),
			IntervalSeconds: r.Interval.Seconds(), MinIntervalSeconds: lo.Seconds(), MaxIntervalSeconds: hi.Seconds(),
			Polling: fs.busy,
		})
	}
	return out
}

// stale: the feed answers but brings nothing: empty after several successful polls, or
// no new item for five usual gaps between items (at least a day; a week when the rate is
// unknown).
func stale(r *feedRecord, now time.Time) bool {
	if r.Successes < 2 || r.ConsecutiveFailures > 0 {
		return false
	}
	if r.ItemsInFeed == 0 {
		return true
	}
	if r.LastNewItem.IsZero() {
		return false
	}
	limit := 7 * 24 * time.Hour
	if r.ItemsPerDay > 0 {
		limit = max(time.Duration(5*float64(24*time.Hour)/r.ItemsPerDay), 24*time.Hour)
	}
	return now.Sub(r.LastNewItem) > limit
}

// AddFeed adds a feed to the list and polls it at once. rawURL may be the feed itself or a
// web page that advertises feeds (<link rel="alternate">); then the first advertised feed
// that parses is added. The feed is remembered across restarts.
func (p *Poller) AddFeed(ctx context.Context, f config.FeedConfig) error {
	f.URL = strings.TrimSpace(f.URL)
	if msg := config.CheckFeedURL(f.URL); msg != "" {
		return fmt.Errorf("adding feed: url %s", msg)
	}
	if p.has(f.URL) {
		return fmt.Errorf("adding feed %s: %w", f.URL, ErrFeedExists)
	}
	feedURL, err := p.resolveFeed(ctx, f.URL)
	if err != nil {
		return fmt.Errorf("adding feed %s: %w", f.URL, err)
	}
	f.URL = feedURL
	if err := p.store.saveAdded(f); err != nil {
		return fmt.Errorf("adding feed %s: saving: %w", f.URL, err)
	}
	p.mu.Lock()
	if _, dup := p.feeds[f.URL]; dup {
		p.mu.Unlock()
		return fmt.Errorf("adding feed %s: %w", f.URL, ErrFeedExists)
	}
	p.feeds[f.URL] = newFeedState(f, nil)
	p.order = append(p.order, f.URL)
	p.mu.Unlock()
	p.log.Info("feed added", "feed_url", f.URL)
	p.wakeScheduler()
	return nil
}

// replaceFeeds makes feeds the whole feed list (scale-out: the feeds of the partitions
// this poller holds). A feed new to this poller starts from the newer of its local state
// and shared (another poller's last commit); a feed no longer listed stops being polled.
func (p *Poller) replaceFeeds(feeds []config.FeedConfig, shared map[string]*feedRecord) error {
	local, err := p.store.loadFeeds()
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(feeds))
	for _, f := range feeds {
		want[f.URL] = true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	order := make([]string, 0, len(feeds))
	for _, k := range p.order {
		if want[k] {
			order = append(order, k)
		} else {
			p.dropLocked(k)
		}
	}
	for _, f := range feeds {
		if _, ok := p.feeds[f.URL]; ok || config.CheckFeedURL(f.URL) != "" {
			continue
		}
		rec := local[f.URL]
		if s := shared[f.URL]; s != nil && (rec == nil || s.LastAttempt.After(rec.LastAttempt)) {
			rec = s
		}
		p.feeds[f.URL] = newFeedState(f, rec)
		order = append(order, f.URL)
	}
	p.order = order
	p.wakeScheduler()
	return nil
}

// Feeds returns the feed list as configured (inline, OPML, added), for OPML export.
func (p *Poller) Feeds() []config.FeedConfig {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]config.FeedConfig, 0, len(p.order))
	for _, k := range p.order {
		out = append(out, p.feeds[k].cfg)
	}
	return out
}

// PollNow makes a feed (or every feed, for "") due at once, ignoring its schedule: for an
// operator's "refresh" and for benchmarks. It reports whether the feed is known.
func (p *Poller) PollNow(feedURL string) bool {
	p.mu.Lock()
	found := false
	now := time.Now()
	for k, fs := range p.feeds {
		if feedURL == "" || k == feedURL {
			fs.rec.NextPoll = now
			found = true
		}
	}
	p.mu.Unlock()
	p.wakeScheduler()
	return found
}

// RequestPoll makes a feed due at once, for a person's "poll now": the poll still waits
// its turn for the site (per_host_concurrency, per_host_delay). A feed asked for less than
// pollNowGap ago, or whose server asked for a pause (Retry-After), gets a *TooSoonError;
// one not in the list ErrUnknownFeed, or in a poller group ErrNotHeld. A request that
// comes while the feed is being polled makes it poll again once that poll is committed.
// It returns when the feed is due.
func (p *Poller) RequestPoll(feedURL string) (time.Time, error) {
	feedURL = strings.TrimSpace(feedURL)
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	fs := p.feeds[feedURL]
	switch {
	case fs == nil && p.group != "":
		p.metrics.pollRequests.WithLabelValues("not_held").Inc()
		return time.Time{}, fmt.Errorf("polling %s: %w %q: each poller polls its share of the feeds; ask the one whose GET /api/feeds lists it", feedURL, ErrNotHeld, p.group)
	case fs == nil:
		p.metrics.pollRequests.WithLabelValues("unknown").Inc()
		return time.Time{}, fmt.Errorf("polling %s: %w", feedURL, ErrUnknownFeed)
	}
	if wait := fs.requested.Add(p.pollNowGap).Sub(now); wait > 0 {
		p.metrics.pollRequests.WithLabelValues("too_soon").Inc()
		return time.Time{}, &TooSoonError{RetryAfter: wait, Reason: fmt.Sprintf("polled on request less than %s ago", p.pollNowGap)}
	}
	if wait := fs.rec.NotBefore.Sub(now); wait > 0 {
		p.metrics.pollRequests.WithLabelValues("too_soon").Inc()
		return time.Time{}, &TooSoonError{RetryAfter: wait, Reason: "the feed's server asked (Retry-After) for a pause"}
	}
	p.metrics.pollRequests.WithLabelValues("accepted").Inc()
	fs.requested = now
	if !fs.busy {
		fs.rec.NextPoll = now
	}
	p.log.Info("poll requested", "feed_url", feedURL, "under_way", fs.busy)
	p.wakeScheduler()
	return now, nil
}

func (p *Poller) has(u string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.feeds[u]
	return ok
}

// resolveFeed returns rawURL when it serves a feed, else the first feed its page advertises.
func (p *Poller) resolveFeed(ctx context.Context, rawURL string) (string, error) {
	resp, err := p.fetch.get(ctx, rawURL, validators{}, acceptFeeds+", text/html;q=0.7")
	if err != nil {
		return "", err
	}
	if _, perr := ParseFeed(resp.Body, resp.ContentType); perr == nil {
		return rawURL, nil
	}
	candidates, err := discoverInHTML(resp.Body, resp.FinalURL)
	if err != nil {
		return "", err
	}
	var errs []error
	for _, c := range candidates {
		if p.has(c) {
			return "", ErrFeedExists
		}
		r, err := p.fetch.get(ctx, c, validators{}, acceptFeeds)
		if err == nil {
			if _, err = ParseFeed(r.Body, r.ContentType); err == nil {
				return c, nil
			}
		}
		errs = append(errs, fmt.Errorf("%s: %w", c, err))
	}
	if len(candidates) == 0 {
		return "", fmt.Errorf("%w: the page advertises no feed", ErrNoFeed)
	}
	return "", fmt.Errorf("%w: no advertised feed parsed: %w", ErrNoFeed, errors.Join(errs...))
}

// pruneLoop forgets cross-feed article records past ingest.seen_retention, daily.
func (p *Poller) pruneLoop(ctx context.Context) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		if n, err := p.store.pruneArticles(time.Now().Add(-p.cfg.SeenRetention)); err != nil {
			p.log.Warn("pruning article records", "error", err)
		} else if n > 0 {
			p.log.Info("pruned article records", "records", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
