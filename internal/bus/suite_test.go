package bus_test

import (
	"log/slog"
	"testing"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// A cluster is a Kafka the behaviour suite runs on. The suite's test bodies (test* funcs)
// take one, so the same assertions run on the embedded broker (kfake, in make test: the
// Test* funcs) and on the live three-broker Apache Kafka cluster (make test-live:
// live_test.go's TestLive* funcs).
type cluster struct {
	// open returns a client with the pipeline's topics created, two partitions each,
	// whose topic and group names no other test uses, and restart, which brings the
	// cluster down and up again the way a crash would and returns a new client (another
	// process) on the same topics and groups. On the embedded broker restart closes it and
	// starts another on its data directory; on the live cluster it kills the broker that
	// coordinates the consumer group of stage "test" (consumeAll) and starts it again on
	// its data. Clients from before a restart must not be used after it.
	open func(t *testing.T) (c *bus.Client, restart func() *bus.Client)
}

// embedded is the cluster of make test: one kfake broker per test, on loopback, with its
// data in a temp dir.
func embedded() cluster {
	return cluster{open: func(t *testing.T) (*bus.Client, func() *bus.Client) {
		dir, logger := t.TempDir(), slog.New(slog.DiscardHandler)
		e, c := bustest.StartIn(t, dir, logger)
		restart := func() *bus.Client {
			t.Helper()
			e.Close()
			var c2 *bus.Client
			e, c2 = bustest.StartIn(t, dir, logger)
			return c2
		}
		return c, restart
	}}
}

// start returns a client of a fresh cluster of kind cl, for tests that do not restart it.
func (cl cluster) start(t *testing.T) *bus.Client {
	t.Helper()
	c, _ := cl.open(t)
	return c
}
