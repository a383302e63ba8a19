package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"
)

// Group timings, tuned for quick joins and rebalances: kafka-go's defaults take 9 s to
// join and 18 s to rebalance.
const (
	heartbeatInterval     = 500 * time.Millisecond
	defaultSessionTimeout = 6 * time.Second
	rebalanceTimeout      = 5 * time.Second
	joinGroupBackoff      = 500 * time.Millisecond

	// partitionWatchInterval is how often a group member checks its topic's partition
	// count, so that a topic grown (AddPartitions) is rebalanced over its new partitions.
	// Without the watch, kafka-go's members never consume a partition added after they
	// joined, until some member happens to join or leave.
	partitionWatchInterval = 2 * time.Second
)

// Group is a consumer group whose members share out the partitions of one topic.
type Group struct {
	// ID is the whole group ID (no prefix is added).
	ID    string
	Topic string
	// SessionTimeout bounds how long a member that died keeps its partitions
	// (default 6 s).
	SessionTimeout time.Duration
}

// Assignments joins group g and, for each generation of the group, calls run with the
// partitions of g.Topic assigned to this member (sorted, possibly none) in a goroutine of
// its own. run's ctx is cancelled when the generation ends (a member joins or leaves, or
// ctx ends); the next generation starts only after run returned, so two members never
// hold one partition at once. run returning early does not end the generation.
//
// Assignments returns nil when ctx ends, after leaving the group and after run returned.
// It retries failed joins itself, once a second, logging each failure; it returns an
// error only when the group cannot be set up at all.
func (c *Client) Assignments(ctx context.Context, g Group, run func(ctx context.Context, partitions []int)) error {
	session := g.SessionTimeout
	if session <= 0 {
		session = defaultSessionTimeout
	}
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                g.ID,
		Brokers:           c.brokers,
		Dialer:            c.dialer,
		Topics:            []string{g.Topic},
		HeartbeatInterval: heartbeatInterval,
		SessionTimeout:    session,
		RebalanceTimeout:  rebalanceTimeout,
		JoinGroupBackoff:  joinGroupBackoff,
		StartOffset:       kafka.FirstOffset,
		Logger:            kafka.LoggerFunc(c.debugf),
		ErrorLogger:       kafka.LoggerFunc(c.errorf),

		WatchPartitionChanges:  true,
		PartitionWatchInterval: partitionWatchInterval,
	})
	if err != nil {
		return fmt.Errorf("joining group %s: %w", g.ID, err)
	}
	// Closing the group ends the generation in hand and waits for its run to return.
	defer cg.Close()
	for {
		gen, err := cg.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				return nil
			}
			c.logger.Warn("waiting for a group generation", "group", g.ID, "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		var parts []int
		for _, pa := range gen.Assignments[g.Topic] {
			parts = append(parts, pa.ID)
		}
		slices.Sort(parts)
		c.logger.Debug("group generation", "group", g.ID, "generation", gen.ID, "partitions", parts)
		gen.Start(func(gctx context.Context) {
			run(gctx, parts)
			// kafka-go ends a generation as soon as one of its functions returns.
			<-gctx.Done()
		})
	}
}
