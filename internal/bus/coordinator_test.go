package bus_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// TestConsumerOutlastsACoordinatorMoving has the broker refuse a group's joins the way a
// real cluster does while the group's coordinator moves to another broker or loads its
// offsets (Not Coordinator, then Coordinator Load In Progress), for longer than kafka-go's
// reader tries before it hands the error to FetchMessage. The consumer must wait and
// fetch again, not stop its stage: a distributed run lost its alert process this way.
func TestConsumerOutlastsACoordinatorMoving(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	cfg := config.Default().Kafka
	cfg.Brokers = cluster.ListenAddrs()
	c, err := bus.NewClient(cfg, cfg.Brokers, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.EnsureTopics(ctx, config.Default().Alert); err != nil {
		t.Fatal(err)
	}
	bustest.Produce(t, c, c.Topics().Raw, bus.Record{Key: []byte("k"), Value: []byte("v")})

	var mu sync.Mutex
	refused := 0
	const refusals = 8 // kafka-go's reader gives up after 3 joins in a row
	cluster.ControlKey(int16(kmsg.JoinGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		mu.Lock()
		defer mu.Unlock()
		if refused >= refusals {
			return nil, nil, false
		}
		cluster.KeepControl()
		refused++
		resp := req.(*kmsg.JoinGroupRequest).ResponseKind().(*kmsg.JoinGroupResponse)
		resp.ErrorCode = kerr.NotCoordinator.Code
		if refused%2 == 0 {
			resp.ErrorCode = kerr.CoordinatorLoadInProgress.Code
		}
		return resp, nil, true
	})

	m := bus.NewMetrics(prometheus.NewRegistry())
	cons := c.Consumer(c.Topics().Raw, "coordinator-test", m, bus.ConsumerOptions{Linger: 20 * time.Millisecond, Backoff: 10 * time.Millisecond})
	got := 0
	err = cons.Run(ctx, func(ctx context.Context, recs []bus.Record) error {
		got += len(recs)
		cancel()
		return nil
	})
	if err != nil {
		t.Fatalf("consumer stopped while the coordinator moved: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got != 1 || refused != refusals {
		t.Errorf("handled %d records after %d refused joins, want 1 after %d", got, refused, refusals)
	}
}
