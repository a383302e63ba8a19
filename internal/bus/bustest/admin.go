package bustest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"
)

// Admin returns a kafka-go client for admin calls on brokers with a transport of its own:
// kafka-go answers metadata requests from its transport's cache, and the shared default
// transport's is up to 6 s old, too old to know a topic a test just created. It is for the
// bus package's own tests; tests outside bus use the transport-free helpers below, so
// that kafka-go stays inside bus.
func Admin(brokers []string) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(brokers...), Transport: &kafka.Transport{MetadataTTL: time.Second}, Timeout: 10 * time.Second}
}

// Partition is one partition of a topic as the cluster's metadata describes it.
type Partition struct {
	ID       int
	Leader   int // the leader broker's node ID; -1 while the partition has none
	Replicas []int
}

// Metadata is what the cluster says of itself: its brokers' node IDs and, for each topic
// asked about (every topic when none is named), its partitions.
type Metadata struct {
	Brokers []int
	Topics  map[string][]Partition
}

// Describe asks brokers for the cluster's metadata.
func Describe(ctx context.Context, brokers []string, topics ...string) (Metadata, error) {
	md, err := Admin(brokers).Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return Metadata{}, fmt.Errorf("asking %v for metadata: %w", brokers, err)
	}
	out := Metadata{Topics: map[string][]Partition{}}
	for _, b := range md.Brokers {
		out.Brokers = append(out.Brokers, b.ID)
	}
	slices.Sort(out.Brokers)
	for _, tp := range md.Topics {
		if tp.Error != nil {
			return Metadata{}, fmt.Errorf("metadata of %s: %w", tp.Name, tp.Error)
		}
		for _, p := range tp.Partitions {
			part := Partition{ID: p.ID, Leader: p.Leader.ID}
			if p.Error != nil {
				part.Leader = -1
			}
			for _, r := range p.Replicas {
				part.Replicas = append(part.Replicas, r.ID)
			}
			out.Topics[tp.Name] = append(out.Topics[tp.Name], part)
		}
	}
	return out, nil
}

// TopicConfig returns the value of one setting of topic (retention.ms, cleanup.policy).
func TopicConfig(ctx context.Context, brokers []string, topic, name string) (string, error) {
	resp, err := Admin(brokers).DescribeConfigs(ctx, &kafka.DescribeConfigsRequest{
		Resources: []kafka.DescribeConfigRequestResource{{ResourceType: kafka.ResourceTypeTopic, ResourceName: topic, ConfigNames: []string{name}}}})
	if err != nil {
		return "", fmt.Errorf("describing %s: %w", topic, err)
	}
	for _, res := range resp.Resources {
		for _, c := range res.ConfigEntries {
			if c.ConfigName == name {
				return c.ConfigValue, nil
			}
		}
	}
	return "", fmt.Errorf("%s has no setting %s", topic, name)
}

// Group returns a consumer group's state, its number of members and the partitions of
// topic assigned to them.
func Group(ctx context.Context, brokers []string, group, topic string) (state string, members int, assigned []int, err error) {
	res, err := Admin(brokers).DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil {
		return "", 0, nil, fmt.Errorf("describing group %s: %w", group, err)
	}
	for _, g := range res.Groups {
		if g.Error != nil {
			return "", 0, nil, fmt.Errorf("describing group %s: %w", group, g.Error)
		}
		for _, m := range g.Members {
			for _, tp := range m.MemberAssignments.Topics {
				if tp.Topic == topic {
					assigned = append(assigned, tp.Partitions...)
				}
			}
		}
		state, members = g.GroupState, len(g.Members)
	}
	slices.Sort(assigned)
	return state, members, assigned, nil
}
