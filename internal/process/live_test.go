//go:build live

package process_test

import (
	"log/slog"
	"testing"

	"wirewatch/internal/livetest"
)

// TestLiveKcatRoundTrip is TestKcatRoundTripOnTheEmbeddedBroker on the live Apache Kafka
// cluster: kcat writes a raw article there, the stage enriches it, kcat reads it back.
func TestLiveKcatRoundTrip(t *testing.T) {
	s := livetest.Get(t)
	c := s.Client(s.KafkaConfig(), slog.New(slog.DiscardHandler))
	testKcatRoundTrip(t, c)
}
