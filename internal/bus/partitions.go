package bus

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// AddPartitions grows topic to total partitions, for an operator who needs more
// consumers of a stage than the topic has partitions. Kafka never removes partitions:
// a total below the current count is refused, and the current count itself is a no-op.
// Keys hash over the new count from then on, so records of one key written before and
// after the growth may sit in different partitions (their order across the two is lost).
// It returns once every broker knows the new partitions. Running consumers pick them up
// at their next partition check (partitionWatchInterval); followers started before the
// growth do not see them.
func (c *Client) AddPartitions(ctx context.Context, topic string, total int) error {
	admin := c.admin(15 * time.Second)
	md, err := admin.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return fmt.Errorf("reading metadata of topic %s: %w", topic, err)
	}
	if len(md.Topics) != 1 {
		return fmt.Errorf("reading metadata of topic %s: %d topics in the answer", topic, len(md.Topics))
	}
	if err := md.Topics[0].Error; err != nil {
		return fmt.Errorf("reading metadata of topic %s: %w", topic, err)
	}
	have := len(md.Topics[0].Partitions)
	switch {
	case total == have:
		return nil
	case total < have:
		return fmt.Errorf("growing topic %s to %d partitions: it has %d, and Kafka cannot remove partitions", topic, total, have)
	}
	resp, err := admin.CreatePartitions(ctx, &kafka.CreatePartitionsRequest{
		Topics: []kafka.TopicPartitionsConfig{{Name: topic, Count: int32(total)}},
	})
	if err == nil {
		err = resp.Errors[topic]
	}
	if err != nil {
		return fmt.Errorf("growing topic %s from %d to %d partitions: %w", topic, have, total, err)
	}
	// As after creating a topic, the brokers hear of the new partitions one by one; until
	// they all did, a writer or another AddPartitions may still see the old count.
	return c.awaitTopics(ctx, []string{topic}, total)
}
