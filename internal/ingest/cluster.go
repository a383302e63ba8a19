package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
	"wirewatch/internal/httpapi"
)

// FeedLog is the Kafka side of a group of pollers; *bus.Client implements it. Assignments
// shares the feeds topic's partitions out among the pollers, Follow reads a topic whole and
// keeps tailing it, Writer writes feed lists and feed state. The contracts (who retries,
// what cancel does) are bus's.
type FeedLog interface {
	Assignments(ctx context.Context, g bus.Group, run func(ctx context.Context, partitions []int)) error
	Follow(ctx context.Context, topic string, partitions []int, apply func(bus.Record), ready chan<- struct{}) error
	Writer(topic string) *bus.Writer
}

// GroupConfig places a poller in a group of pollers that split one feed list through
// Kafka: the feed list is a topic (key: feed URL, value: the FeedConfig as JSON, empty to
// remove), its partitions are shared out by a consumer group, so each feed is polled by
// exactly one live poller, and a dead poller's partitions move to the others within the
// session timeout. Feed state goes to a compacted state topic (key: feed URL) after every
// commit, so the poller taking a feed over continues from its validators and seen list.
type GroupConfig struct {
	Log        FeedLog
	FeedsTopic string
	StateTopic string
	GroupID    string
	// SessionTimeout bounds how long a dead poller keeps its feeds (default 6s).
	SessionTimeout time.Duration
}

// GroupPoller polls its share of the feeds topic. It is a Poller whose feed list the
// group decides, so it offers the Poller's feed routes and metrics but runs differently.
type GroupPoller struct {
	poller *Poller
	g      GroupConfig
	log    *slog.Logger
	state  *bus.Writer
	// polling is closed when the poller's Run has returned: no poll is under way after it.
	polling chan struct{}
}

// NewGroupPoller creates a poller for scale-out. cfg.Feeds and cfg.OPML are ignored: put the
// list on the feeds topic with WriteFeedList.
func NewGroupPoller(cfg config.IngestConfig, g GroupConfig, dataDir string, pub Publisher, logger *slog.Logger) (*GroupPoller, error) {
	if g.Log == nil || g.FeedsTopic == "" || g.StateTopic == "" || g.GroupID == "" {
		return nil, errors.New("creating group poller: feed log, feeds topic, state topic and group ID are required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Feeds, cfg.OPML = nil, nil
	p, err := NewPoller(cfg, dataDir, pub, logger)
	if err != nil {
		return nil, err
	}
	// Feeds added earlier through AddFeed belong on the topic in this mode, not here.
	p.mu.Lock()
	p.feeds, p.order = map[string]*feedState{}, nil
	p.group = g.GroupID
	p.mu.Unlock()
	gp := &GroupPoller{poller: p, g: g, log: logger, state: g.Log.Writer(g.StateTopic), polling: make(chan struct{})}
	p.stateSink = gp.shareState
	return gp, nil
}

// AddFeed adds a feed to this poller, as Poller.AddFeed does.
func (gp *GroupPoller) AddFeed(ctx context.Context, f config.FeedConfig) error {
	return gp.poller.AddFeed(ctx, f)
}

// Status returns the health of the feeds this poller holds now.
func (gp *GroupPoller) Status() []FeedStatus { return gp.poller.Status() }

// RegisterMetrics registers the poller's metrics on reg.
func (gp *GroupPoller) RegisterMetrics(reg prometheus.Registerer) error {
	return gp.poller.RegisterMetrics(reg)
}

// Routes mounts the poller's HTTP routes (see Poller.Routes).
func (gp *GroupPoller) Routes(r httpapi.Router) { gp.poller.Routes(r) }

// Close releases the poller's state file and the state writer. Run closes them on return;
// call it yourself only when Run was never called.
func (gp *GroupPoller) Close() error {
	return errors.Join(gp.poller.Close(), gp.state.Close())
}

// shareState writes committed feed records to the state topic. A failure is logged: this
// poller's own state is safe, and a takeover from an older record republishes at most.
func (gp *GroupPoller) shareState(ctx context.Context, records map[string]*feedRecord) {
	recs := make([]bus.Record, 0, len(records))
	for k, r := range records {
		b, err := json.Marshal(r)
		if err != nil {
			continue
		}
		recs = append(recs, bus.Record{Key: []byte(k), Value: b})
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := gp.state.Write(wctx, recs...); err != nil {
		gp.log.Warn("sharing feed state", "feeds", len(recs), "error", err)
	}
}

// Run polls this poller's share of the feeds until ctx ends, following rebalances.
func (gp *GroupPoller) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	pctx, stopPolling := context.WithCancel(ctx)
	var runErr error
	wg.Go(func() {
		defer close(gp.polling)
		runErr = gp.poller.Run(pctx)
	})
	group := bus.Group{ID: gp.g.GroupID, Topic: gp.g.FeedsTopic, SessionTimeout: gp.g.SessionTimeout}
	// Assignments returns after leaving the group, so the feeds move at once; then the
	// poller finishes.
	groupErr := gp.g.Log.Assignments(ctx, group, gp.generation)
	stopPolling()
	wg.Wait()
	if err := gp.Close(); err != nil {
		gp.log.Warn("closing group poller", "error", err)
	}
	if groupErr != nil {
		return fmt.Errorf("joining poller group %s: %w", gp.g.GroupID, groupErr)
	}
	return runErr
}

// generation takes on the feeds of one generation's partitions and keeps them up to date
// until the generation ends. It reads those partitions of the feeds topic and the whole
// state topic to their end before switching the feed list, so a feed taken over continues
// from the state its last poller shared.
func (gp *GroupPoller) generation(ctx context.Context, partitions []int) {
	var mu sync.Mutex
	feeds := map[string]config.FeedConfig{}
	shared := map[string]*feedRecord{}
	live := false // the first switch waits for both topics; then every change switches
	// apply switches the poller to the feeds read so far. It runs under mu, so two
	// switches never pass each other with an older list landing last.
	apply := func() {
		list := make([]config.FeedConfig, 0, len(feeds))
		for _, f := range feeds {
			list = append(list, f)
		}
		if err := gp.poller.replaceFeeds(list, shared); err != nil {
			gp.log.Error("switching feed list", "error", err)
		}
	}
	onFeed := func(r bus.Record) {
		mu.Lock()
		defer mu.Unlock()
		applyFeedRecord(feeds, r)
		if live {
			apply()
		}
	}
	onState := func(r bus.Record) {
		var rec feedRecord
		if json.Unmarshal(r.Value, &rec) != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		shared[string(r.Key)] = &rec
	}
	var wg sync.WaitGroup
	follow := func(topic string, parts []int, apply func(bus.Record)) (chan struct{}, chan struct{}) {
		// Plain locals, not named results: `return ready, ended` would write the variables
		// the goroutine below reads.
		ready, ended := make(chan struct{}), make(chan struct{})
		wg.Go(func() {
			defer close(ended)
			if err := gp.g.Log.Follow(ctx, topic, parts, apply, ready); err != nil {
				gp.log.Error("following topic", "topic", topic, "error", err)
			}
		})
		return ready, ended
	}
	feedsReady, feedsEnded := follow(gp.g.FeedsTopic, partitions, onFeed)
	stateReady, stateEnded := follow(gp.g.StateTopic, nil, onState)
	// A topic that cannot be read leaves the list as far as it was read, as a partition
	// that failed to load did before.
	for _, c := range [][2]chan struct{}{{feedsReady, feedsEnded}, {stateReady, stateEnded}} {
		select {
		case <-c[0]:
		case <-c[1]:
		}
	}
	if ctx.Err() == nil {
		mu.Lock()
		live = true
		apply()
		n := len(feeds)
		mu.Unlock()
		gp.log.Info("poller group generation", "partitions", partitions, "feeds", n)
	}
	wg.Wait()
	// The generation is over, and its partitions may go to another poller as soon as this
	// one rejoins the group, which kafka-go does when this function returns. Let go of their
	// feeds first and wait for the polls under way to end (they are cancelled, their
	// outcomes dropped), so the next poller of a feed never fetches it while this one still
	// does, and starts from the state this one last shared.
	for _, ended := range gp.poller.releaseFeeds() {
		select {
		case <-ended:
		case <-gp.polling:
		}
	}
}

func applyFeedRecord(m map[string]config.FeedConfig, r bus.Record) {
	key := string(r.Key)
	if len(r.Value) == 0 {
		delete(m, key)
		return
	}
	var f config.FeedConfig
	if err := json.Unmarshal(r.Value, &f); err != nil || f.URL == "" {
		return
	}
	m[f.URL] = f
}

// WriteFeedList puts feeds on the feeds topic (keyed by URL, so each feed always lands in
// the same partition), for pollers created with NewGroupPoller.
func WriteFeedList(ctx context.Context, log FeedLog, topic string, feeds []config.FeedConfig) error {
	w := log.Writer(topic)
	defer w.Close()
	recs := make([]bus.Record, 0, len(feeds))
	for _, f := range feeds {
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		recs = append(recs, bus.Record{Key: []byte(f.URL), Value: b})
	}
	if err := w.Write(ctx, recs...); err != nil {
		return fmt.Errorf("writing feed list to %s: %w", topic, err)
	}
	return nil
}
