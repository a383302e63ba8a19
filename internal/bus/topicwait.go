package bus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

// topicsWait bounds how long EnsureTopics waits for every broker to know the topics.
const topicsWait = 30 * time.Second

// awaitTopics waits until every broker of the cluster knows topics, with a leader for
// each of their partitions and, when partitions > 0, at least that many partitions each. A real cluster answers CreateTopics once its controller
// created them, and tells its brokers afterwards, one by one: until then a writer whose
// metadata came from a broker that has not heard yet fails with Unknown Topic Or
// Partition, which kafka-go's writer does not retry. (The embedded broker knows a topic
// the moment it is created.)
func (c *Client) awaitTopics(ctx context.Context, topics []string, partitions int) error {
	ctx, cancel := context.WithTimeout(ctx, topicsWait)
	defer cancel()
	for {
		err := c.topicsKnown(ctx, topics, partitions)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for every broker to know topics %v: %w", topics, errors.Join(err, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// topicsKnown asks every broker of the cluster for the metadata of topics and returns
// nil when each knows them all, with a leader for every partition (and at least
// partitions of them, when partitions > 0).
func (c *Client) topicsKnown(ctx context.Context, topics []string, partitions int) error {
	var brokers []kafka.Broker
	var errs []error
	for _, addr := range c.brokers {
		conn, err := c.dialer.DialContext(ctx, "tcp", addr)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		brokers, err = conn.Brokers()
		conn.Close()
		if err == nil {
			break
		}
		errs = append(errs, err)
	}
	if brokers == nil {
		return fmt.Errorf("listing the brokers: %w", errors.Join(errs...))
	}
	for _, b := range brokers {
		addr := net.JoinHostPort(b.Host, strconv.Itoa(b.Port))
		if err := c.knows(ctx, addr, topics, partitions); err != nil {
			return fmt.Errorf("asking broker %d at %s: %w", b.ID, addr, err)
		}
	}
	return nil
}

func (c *Client) knows(ctx context.Context, addr string, topics []string, partitions int) error {
	conn, err := c.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	parts, err := conn.ReadPartitions(topics...)
	if err != nil {
		return err
	}
	have := map[string]int{}
	for _, p := range parts {
		if p.Error != nil {
			return fmt.Errorf("%s[%d]: %w", p.Topic, p.ID, p.Error)
		}
		if p.Leader.Host == "" {
			return fmt.Errorf("%s[%d] has no leader yet", p.Topic, p.ID)
		}
		have[p.Topic]++
	}
	for _, t := range topics {
		if have[t] == 0 {
			return fmt.Errorf("topic %s unknown", t)
		}
		if have[t] < partitions {
			return fmt.Errorf("topic %s has %d partitions, not yet %d", t, have[t], partitions)
		}
	}
	return nil
}

func topicNames(specs []kafka.TopicConfig) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Topic
	}
	return names
}
