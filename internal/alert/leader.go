package alert

import (
	"context"
	"fmt"
	"slices"

	"wirewatch/internal/bus"
)

// leadDigests sends digests and retries parked deliveries while this instance leads. The
// instances elect the leader through Kafka, not among themselves: they join one consumer
// group on the single-partition searches topic, and whoever is assigned that partition
// sends the digests for that group generation. Kafka's eager rebalancing ends a generation
// everywhere before the next one starts, so two instances never send at once; a digest's
// ID recorded in the delivery topic covers the rest (a leader dying between sending and
// recording).
func (s *Stage) leadDigests(ctx context.Context) error {
	g := bus.Group{ID: s.cfg.Digest.Group, Topic: s.client.Topics().Searches}
	err := s.client.Assignments(ctx, g, func(gctx context.Context, partitions []int) {
		s.generations.Add(1)
		if !slices.Contains(partitions, 0) {
			return
		}
		s.logger.Info("this instance sends digests", "group", g.ID)
		s.metrics.digestLeader.Set(1)
		defer s.metrics.digestLeader.Set(0)
		s.digestLoop(gctx)
	})
	if err != nil {
		return fmt.Errorf("joining digest group %s (alert.digest.group): %w", g.ID, err)
	}
	return nil
}
