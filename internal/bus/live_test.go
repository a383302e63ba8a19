//go:build live

package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/livetest"
)

// live is the cluster of make test-live: the three Apache Kafka brokers livetest names,
// with topics and groups of each test's own, replication 3 and min.insync.replicas 2.
func live(t *testing.T) cluster {
	s := livetest.Get(t)
	return cluster{open: func(t *testing.T) (*bus.Client, func() *bus.Client) {
		cfg := s.KafkaConfig()
		cfg.Partitions = 2
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		c := s.Client(cfg, logger)
		restart := func() *bus.Client {
			t.Helper()
			n := coordinator(t, s.Brokers(), cfg.GroupPrefix+"test")
			s.KillBroker(n)
			t.Logf("broker %d, the group's coordinator, killed and back in sync after %v", n, s.StartBroker(n).Round(time.Millisecond))
			return s.Client(cfg, logger)
		}
		return c, restart
	}}
}

// coordinator returns the number of the broker that coordinates group (node.id i is
// broker i in servers.sh).
func coordinator(t *testing.T, brokers []string, group string) int {
	t.Helper()
	admin := bustest.Admin(brokers)
	var err error
	for range 20 {
		var resp *kafka.FindCoordinatorResponse
		resp, err = admin.FindCoordinator(context.Background(), &kafka.FindCoordinatorRequest{Key: group, KeyType: kafka.CoordinatorKeyTypeConsumer})
		if err == nil {
			err = resp.Error
		}
		if err == nil {
			return resp.Coordinator.NodeID
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("finding the coordinator of group %s: %v", group, err)
	return 0
}

func TestLivePublishConsumeCommitSurvivesRestart(t *testing.T) {
	testPublishConsumeCommitSurvivesRestart(t, live(t))
}

func TestLiveDeadLettersCarryReasonAndOrigin(t *testing.T) {
	testDeadLettersCarryReasonAndOrigin(t, live(t))
}

func TestLiveFollowIsReadyAtTheEndItHadThenKeepsTailing(t *testing.T) {
	testFollowIsReadyAtTheEndItHadThenKeepsTailing(t, live(t))
}

func TestLiveFollowEdges(t *testing.T) { testFollowEdges(t, live(t)) }

func TestLiveFollowReadsACompactedTopicBackAfterRestart(t *testing.T) {
	testFollowReadsACompactedTopicBackAfterRestart(t, live(t))
}

func TestLiveAssignmentsShareOutPartitionsAndMoveThem(t *testing.T) {
	testAssignmentsShareOutPartitionsAndMoveThem(t, live(t))
}

func TestLiveWriterRefusesAnOversizedRecordAloneAndWritesTheOthers(t *testing.T) {
	testWriterRefusesAnOversizedRecordAloneAndWritesTheOthers(t, live(t))
}

func TestLiveDeadLetterOfAnOversizedRecordIsAReference(t *testing.T) {
	testDeadLetterOfAnOversizedRecordIsAReference(t, live(t))
}

func TestLiveConsumerStuckOnARecordShowsItThenDeadLettersItAndMovesOn(t *testing.T) {
	testConsumerStuckOnARecordShowsItThenDeadLettersItAndMovesOn(t, live(t))
}

func TestLiveConsumerRetriesAnOutageWithoutDeadLettering(t *testing.T) {
	testConsumerRetriesAnOutageWithoutDeadLettering(t, live(t))
}

func TestLiveConsumerRebalanceLosesNothing(t *testing.T) {
	testConsumerRebalanceLosesNothing(t, live(t))
}

func TestLivePartitionGrowthIsConsumed(t *testing.T) { testPartitionGrowthIsConsumed(t, live(t)) }

func TestLiveConsumerFillsBatchesWhenBehindAndEndsThemWhenCaughtUp(t *testing.T) {
	testConsumerFillsBatchesWhenBehindAndEndsThemWhenCaughtUp(t, live(t))
}

// TestLiveWritesOutliveALeaderKilledMidProduce: with acks=all and min.insync.replicas=2,
// a writer keeps writing while the leader of a partition it writes to is killed: its
// writes wait for the failover and go on, and every record it was told is written is
// there to read, with the broker dead and after it came back.
func TestLiveWritesOutliveALeaderKilledMidProduce(t *testing.T) {
	s := livetest.Get(t)
	cl := live(t)
	c := cl.start(t)
	topic := c.Topics().Raw
	leader := partitionLeader(t, s.Brokers(), topic, 0)

	w := c.Writer(topic)
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var acked, failed []string
	ackedAfterKill := 0
	killed := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			k := fmt.Sprintf("w-%d", i)
			wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
			err := w.Write(wctx, bus.Record{Key: []byte(k), Value: []byte("v")})
			wcancel()
			mu.Lock()
			if err != nil {
				if ctx.Err() == nil {
					failed = append(failed, fmt.Sprintf("%s: %v", k, err))
				}
			} else {
				acked = append(acked, k)
				select {
				case <-killed:
					ackedAfterKill++
				default:
				}
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	waitUntil(t, 30*time.Second, "the first writes acknowledged", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 50 })
	start := time.Now()
	s.KillBroker(leader)
	close(killed)
	waitUntil(t, 90*time.Second, "writes acknowledged after the leader died", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ackedAfterKill >= 200
	})
	t.Logf("broker %d (leader of %s-0) killed; 200 writes acknowledged %v later", leader, topic, time.Since(start).Round(time.Millisecond))
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(failed) > 0 {
		t.Errorf("%d writes failed during the failover, want none (the writer waits for the new leader): first %s", len(failed), failed[0])
	}
	check := func(when string) {
		t.Helper()
		have, records := readKeys(t, c, topic, acked, 60*time.Second)
		var lost []string
		for _, k := range acked {
			if !have[k] {
				lost = append(lost, k)
			}
		}
		if len(lost) > 0 {
			t.Errorf("%s: %d of %d acknowledged records missing: %v", when, len(lost), len(acked), lost[:min(len(lost), 10)])
		}
		// kafka-go's writer is not idempotent: a write whose answer the dead leader never
		// sent is written again, and may be there twice. Sinks overwrite by key.
		t.Logf("%s: the topic holds %d records for %d acknowledged writes", when, records, len(acked))
	}
	check("with the old leader dead")
	t.Logf("broker %d back in sync after %v", leader, s.StartBroker(leader).Round(time.Millisecond))
	check("with the old leader back")
}

// partitionLeader returns the number of the broker leading partition p of topic.
func partitionLeader(t *testing.T, brokers []string, topic string, p int) int {
	t.Helper()
	md, err := bustest.Admin(brokers).Metadata(context.Background(), &kafka.MetadataRequest{Topics: []string{topic}})
	if err == nil && len(md.Topics) == 1 {
		err = md.Topics[0].Error
	}
	if err != nil || len(md.Topics) != 1 {
		t.Fatalf("reading metadata of %s: %v", topic, err)
	}
	for _, pt := range md.Topics[0].Partitions {
		if pt.ID == p {
			return pt.Leader.ID
		}
	}
	t.Fatalf("%s has no partition %d", topic, p)
	return 0
}

// readKeys follows topic from the start until it has seen every key of want or the
// timeout passed, and returns the keys it saw and how many records it read.
func readKeys(t *testing.T, c *bus.Client, topic string, want []string, timeout time.Duration) (map[string]bool, int) {
	t.Helper()
	missing := map[string]bool{}
	for _, k := range want {
		missing[k] = true
	}
	have, records := map[string]bool{}, 0
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := c.Follow(ctx, topic, nil, func(r bus.Record) {
		records++
		have[string(r.Key)] = true
		delete(missing, string(r.Key))
		if len(missing) == 0 {
			cancel()
		}
	}, nil)
	if err != nil {
		t.Errorf("reading %s: %v", topic, err)
	}
	return have, records
}
