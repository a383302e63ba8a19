package livetest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestGetReadsTheEnvironment runs without servers: it checks what Get makes of the variables
// make test-live sets, and that KafkaConfig gives each test topics of its own.
func TestGetReadsTheEnvironment(t *testing.T) {
	ctl := filepath.Join(t.TempDir(), "servers.sh")
	if err := os.WriteFile(ctl, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvKafka, " 127.0.0.1:39092, 127.0.0.1:39093 ,127.0.0.1:39094,")
	t.Setenv(EnvOpenSearch, "http://127.0.0.1:39201/")
	t.Setenv(EnvCtl, ctl)

	s := Get(t)
	if want := []string{"127.0.0.1:39092", "127.0.0.1:39093", "127.0.0.1:39094"}; !slices.Equal(s.Brokers(), want) {
		t.Errorf("Brokers() = %q, want %q", s.Brokers(), want)
	}
	if got := s.Broker(2); got != "127.0.0.1:39093" {
		t.Errorf("Broker(2) = %q, want the second address", got)
	}
	if got := s.OpenSearchURL(); got != "http://127.0.0.1:39201" {
		t.Errorf("OpenSearchURL() = %q, want it without the trailing slash", got)
	}

	a, b := s.KafkaConfig(), s.KafkaConfig()
	if a.Replication != 3 || !slices.Equal(a.Brokers, s.Brokers()) {
		t.Errorf("KafkaConfig: replication %d brokers %q, want 3 and the live brokers", a.Replication, a.Brokers)
	}
	valid := regexp.MustCompile(`^[a-zA-Z0-9.-]{1,249}$`)
	for _, name := range []string{a.Topics.Raw, a.Topics.Enriched, a.Topics.DLQ, a.Topics.Feeds, a.Topics.State, a.Topics.Alerts, a.Topics.Searches, a.GroupPrefix} {
		if !valid.MatchString(name) {
			t.Errorf("%q is not a topic name Kafka takes without a '.'/'_' clash", name)
		}
	}
	if a.Topics.Raw == b.Topics.Raw || a.GroupPrefix == b.GroupPrefix {
		t.Errorf("two KafkaConfig calls share topic %q or group prefix %q", a.Topics.Raw, a.GroupPrefix)
	}
}

func TestTestName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"TestLiveFailover", "TestLiveFailover"},
		{"TestLiveFailover/kill_leader#01", "TestLiveFailover-kill-leader-01"},
		{"TestLiveÉtat", "TestLive-tat"},
	} {
		if got := testName(c.in); got != c.want {
			t.Errorf("testName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
