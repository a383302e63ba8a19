package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"wirewatch/internal/config"
)

// GroupConfig places a poller in a group of pollers that split one feed list through
// Kafka: the feed list is a topic (key: feed URL, value: the FeedConfig as JSON, empty to
// remove), its partitions are shared out by a consumer group, so each feed is polled by
// exactly one live poller, and a dead poller's partitions move to the others within the
// session timeout. Feed state goes to a compacted state topic (key: feed URL) after every
// commit, so the poller taking a feed over continues from its validators and seen list.
type GroupConfig struct {
	Brokers    []string
	FeedsTopic string
	StateTopic string
	GroupID    string
	// Dialer carries TLS/SASL for a real cluster; nil dials plain TCP.
	Dialer *kafka.Dialer
	// SessionTimeout bounds how long a dead poller keeps its feeds (default 6s).
	SessionTimeout time.Duration
}

// GroupPoller is a Poller whose feed list is its share of the feeds topic.
type GroupPoller struct {
	*Poller
	g      GroupConfig
	log    *slog.Logger
	client *kafka.Client
	state  *kafka.Writer
}

// NewGroupPoller creates a poller for scale-out. cfg.Feeds and cfg.OPML are ignored: put the
// list on the feeds topic with WriteFeedList.
func NewGroupPoller(cfg config.IngestConfig, g GroupConfig, dataDir string, pub Publisher, logger *slog.Logger) (*GroupPoller, error) {
	if len(g.Brokers) == 0 || g.FeedsTopic == "" || g.StateTopic == "" || g.GroupID == "" {
		return nil, errors.New("creating group poller: brokers, feeds topic, state topic and group ID are required")
	}
	if g.SessionTimeout == 0 {
		g.SessionTimeout = 6 * time.Second
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
	p.mu.Unlock()
	transport := &kafka.Transport{}
	if g.Dialer != nil {
		transport.TLS = g.Dialer.TLS
		transport.SASL = g.Dialer.SASLMechanism
	}
	gp := &GroupPoller{
		Poller: p,
		g:      g,
		log:    logger,
		client: &kafka.Client{Addr: kafka.TCP(g.Brokers...), Transport: transport, Timeout: 10 * time.Second},
		state: &kafka.Writer{
			Addr: kafka.TCP(g.Brokers...), Topic: g.StateTopic, Balancer: &kafka.Hash{},
			RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, Transport: transport,
		},
	}
	p.stateSink = gp.shareState
	return gp, nil
}

// shareState writes committed feed records to the state topic. A failure is logged: this
// poller's own state is safe, and a takeover from an older record republishes at most.
func (gp *GroupPoller) shareState(ctx context.Context, records map[string]*feedRecord) {
	msgs := make([]kafka.Message, 0, len(records))
	for k, r := range records {
		b, err := json.Marshal(r)
		if err != nil {
			continue
		}
		msgs = append(msgs, kafka.Message{Key: []byte(k), Value: b})
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := gp.state.WriteMessages(wctx, msgs...); err != nil {
		gp.log.Warn("sharing feed state", "feeds", len(msgs), "error", err)
	}
}

// Run polls this poller's share of the feeds until ctx ends, following rebalances.
func (gp *GroupPoller) Run(ctx context.Context) error {
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                gp.g.GroupID,
		Brokers:           gp.g.Brokers,
		Dialer:            gp.g.Dialer,
		Topics:            []string{gp.g.FeedsTopic},
		HeartbeatInterval: 500 * time.Millisecond,
		SessionTimeout:    gp.g.SessionTimeout,
		RebalanceTimeout:  5 * time.Second,
		JoinGroupBackoff:  500 * time.Millisecond,
		StartOffset:       kafka.FirstOffset,
		Logger:            kafka.LoggerFunc(func(string, ...any) {}),
		ErrorLogger:       kafka.LoggerFunc(func(f string, a ...any) { gp.log.Debug("kafka consumer group", "msg", fmt.Sprintf(f, a...)) }),
	})
	if err != nil {
		gp.Poller.Close()
		return fmt.Errorf("joining poller group %s: %w", gp.g.GroupID, err)
	}
	var wg sync.WaitGroup
	pctx, stopPolling := context.WithCancel(ctx)
	var runErr error
	wg.Go(func() { runErr = gp.Poller.Run(pctx) })
	for ctx.Err() == nil {
		gen, err := cg.Next(ctx)
		if err != nil {
			if ctx.Err() == nil {
				gp.log.Warn("waiting for a poller group generation", "error", err)
				sleepCtx(ctx, time.Second)
			}
			continue
		}
		gp.follow(ctx, gen)
	}
	// Leave the group first so the feeds move at once, then let the poller finish.
	cg.Close()
	stopPolling()
	wg.Wait()
	gp.state.Close()
	return runErr
}

// follow takes on the feeds of one generation's partitions and tails them for changes
// until the generation ends.
func (gp *GroupPoller) follow(ctx context.Context, gen *kafka.Generation) {
	parts := gen.Assignments[gp.g.FeedsTopic]
	feeds := map[int]map[string]config.FeedConfig{}
	next := map[int]int64{}
	for _, pa := range parts {
		msgs, end, err := gp.readAll(ctx, gp.g.FeedsTopic, pa.ID)
		if err != nil {
			gp.log.Error("reading feed list partition", "partition", pa.ID, "error", err)
			continue
		}
		feeds[pa.ID] = map[string]config.FeedConfig{}
		for _, m := range msgs {
			applyFeedMessage(feeds[pa.ID], m)
		}
		next[pa.ID] = end
	}
	shared, err := gp.readState(ctx)
	if err != nil {
		gp.log.Error("reading shared feed state", "error", err)
	}
	var mu sync.Mutex
	apply := func() {
		mu.Lock()
		var list []config.FeedConfig
		for _, m := range feeds {
			for _, f := range m {
				list = append(list, f)
			}
		}
		mu.Unlock()
		if err := gp.Poller.replaceFeeds(list, shared); err != nil {
			gp.log.Error("switching feed list", "error", err)
		}
	}
	apply()
	gp.log.Info("poller group generation", "generation", gen.ID, "partitions", len(parts), "feeds", len(gp.Poller.Status()))
	for _, pa := range parts {
		partition, from := pa.ID, next[pa.ID]
		gen.Start(func(gctx context.Context) {
			r := kafka.NewReader(kafka.ReaderConfig{
				Brokers: gp.g.Brokers, Dialer: gp.g.Dialer, Topic: gp.g.FeedsTopic, Partition: partition,
				MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 250 * time.Millisecond,
			})
			defer r.Close()
			if err := r.SetOffset(from); err != nil {
				return
			}
			for {
				m, err := r.ReadMessage(gctx)
				if err != nil {
					return // generation over
				}
				mu.Lock()
				if feeds[partition] == nil {
					feeds[partition] = map[string]config.FeedConfig{}
				}
				applyFeedMessage(feeds[partition], m)
				mu.Unlock()
				apply()
			}
		})
	}
	// Block until the generation ends (rebalance) or the poller stops.
	done := make(chan struct{})
	gen.Start(func(gctx context.Context) {
		<-gctx.Done()
		close(done)
	})
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func applyFeedMessage(m map[string]config.FeedConfig, msg kafka.Message) {
	key := string(msg.Key)
	if len(msg.Value) == 0 {
		delete(m, key)
		return
	}
	var f config.FeedConfig
	if err := json.Unmarshal(msg.Value, &f); err != nil || f.URL == "" {
		return
	}
	m[f.URL] = f
}

// readAll reads a partition from its start to its end as of now.
func (gp *GroupPoller) readAll(ctx context.Context, topic string, partition int) ([]kafka.Message, int64, error) {
	resp, err := gp.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{
		Topics: map[string][]kafka.OffsetRequest{topic: {kafka.FirstOffsetOf(partition), kafka.LastOffsetOf(partition)}},
	})
	if err != nil {
		return nil, 0, fmt.Errorf("listing offsets of %s/%d: %w", topic, partition, err)
	}
	var first, last int64
	for _, po := range resp.Topics[topic] {
		if po.Partition == partition {
			if po.Error != nil {
				return nil, 0, fmt.Errorf("listing offsets of %s/%d: %w", topic, partition, po.Error)
			}
			first, last = po.FirstOffset, po.LastOffset
		}
	}
	if last <= first {
		return nil, last, nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: gp.g.Brokers, Dialer: gp.g.Dialer, Topic: topic, Partition: partition,
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 250 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(first); err != nil {
		return nil, 0, err
	}
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out []kafka.Message
	for {
		m, err := r.ReadMessage(rctx)
		if err != nil {
			return nil, 0, fmt.Errorf("reading %s/%d: %w", topic, partition, err)
		}
		out = append(out, m)
		if m.Offset >= last-1 {
			return out, last, nil
		}
	}
}

// readState reads the whole state topic: the latest record of every feed.
func (gp *GroupPoller) readState(ctx context.Context) (map[string]*feedRecord, error) {
	meta, err := gp.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{gp.g.StateTopic}})
	if err != nil {
		return nil, fmt.Errorf("reading metadata of %s: %w", gp.g.StateTopic, err)
	}
	out := map[string]*feedRecord{}
	for _, t := range meta.Topics {
		if t.Error != nil {
			return nil, fmt.Errorf("reading metadata of %s: %w", gp.g.StateTopic, t.Error)
		}
		for _, part := range t.Partitions {
			msgs, _, err := gp.readAll(ctx, gp.g.StateTopic, part.ID)
			if err != nil {
				return out, err
			}
			for _, m := range msgs {
				var r feedRecord
				if json.Unmarshal(m.Value, &r) == nil {
					out[string(m.Key)] = &r
				}
			}
		}
	}
	return out, nil
}

// WriteFeedList puts feeds on the feeds topic (keyed by URL, so each feed always lands in
// the same partition), for pollers created with NewGroupPoller. transport carries the
// cluster's TLS and SASL; nil dials plain TCP.
func WriteFeedList(ctx context.Context, brokers []string, transport *kafka.Transport, topic string, feeds []config.FeedConfig) error {
	if transport == nil {
		transport = &kafka.Transport{}
	}
	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: topic, Balancer: &kafka.Hash{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, Transport: transport}
	defer w.Close()
	msgs := make([]kafka.Message, 0, len(feeds))
	for _, f := range feeds {
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		msgs = append(msgs, kafka.Message{Key: []byte(f.URL), Value: b})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("writing feed list to %s: %w", topic, err)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
