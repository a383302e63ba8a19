package alert

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// leadDigests sends digests and retries parked deliveries while this instance leads. The instances elect the leader
// through Kafka, not among themselves: they join one consumer group on the single-
// partition searches topic, and whoever is assigned that partition sends the digests for
// that group generation. Kafka's eager rebalancing ends a generation everywhere before
// the next one starts, so two instances never send at once; a digest's ID recorded in the
// delivery topic covers the rest (a leader dying between sending and recording).
func (s *Stage) leadDigests(ctx context.Context) error {
	topic := s.client.Topics().Searches
	group, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                s.cfg.Digest.Group,
		Brokers:           s.client.Brokers(),
		Dialer:            s.conns.dialer,
		Topics:            []string{topic},
		HeartbeatInterval: 500 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  5 * time.Second,
		JoinGroupBackoff:  500 * time.Millisecond,
		Logger:            kafka.LoggerFunc(func(string, ...any) {}),
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			s.logger.Warn(fmt.Sprintf(msg, args...), "component", "kafka-go", "group", s.cfg.Digest.Group)
		}),
	})
	if err != nil {
		return fmt.Errorf("joining digest group %s (alert.digest.group): %w", s.cfg.Digest.Group, err)
	}
	defer group.Close()
	for {
		gen, err := group.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				return nil
			}
			s.logger.Warn("digest group generation", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		s.generations.Add(1)
		for _, pa := range gen.Assignments[topic] {
			if pa.ID == 0 {
				s.logger.Info("this instance sends digests", "generation", gen.ID)
				s.metrics.digestLeader.Set(1)
				gen.Start(func(gctx context.Context) {
					defer s.metrics.digestLeader.Set(0)
					s.digestLoop(gctx)
				})
			}
		}
	}
}
