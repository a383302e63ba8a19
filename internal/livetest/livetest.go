// Package livetest gives the live suites the real servers deployments/live/servers.sh runs:
// a three-broker Apache Kafka cluster (KRaft, replication 3, min.insync.replicas 2) and one
// OpenSearch 2.19 node, on loopback, with controls that kill and restart them. It is a test
// helper, as bustest is for the embedded broker: where bustest stands in for Kafka, livetest
// is the real thing, for what kfake lacks (replication, divergent logs, broker failover).
//
// Live suites are tests named TestLive* in files built with the "live" tag, so the plain
// `go test ./...` neither sees them nor needs Java; `make test-live` starts the servers, sets
// WIREWATCH_LIVE_KAFKA, WIREWATCH_LIVE_OPENSEARCH and WIREWATCH_LIVE_CTL, and runs them one
// package at a time (-p 1), because a fault one test injects hits every client of the cluster.
// For the same reason a test that injects faults must not call t.Parallel. Without the
// variables a live test fails, never skips: a live suite that silently ran nothing would
// pass for the wrong reason.
//
// It sits beside bus in the flow and may import only internal/config and internal/bus (of
// bus only NewClient, EnsureTopics and Ping).
package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// The environment that names the servers; `make test-live` sets all three.
const (
	// EnvKafka holds the brokers' addresses, comma-separated, broker 1 first.
	EnvKafka = "WIREWATCH_LIVE_KAFKA"
	// EnvOpenSearch holds the OpenSearch base URL.
	EnvOpenSearch = "WIREWATCH_LIVE_OPENSEARCH"
	// EnvCtl holds the absolute path of deployments/live/servers.sh.
	EnvCtl = "WIREWATCH_LIVE_CTL"
)

// ctlTimeout bounds one fault control: servers.sh itself gives a server 180 s to be ready.
const ctlTimeout = 4 * time.Minute

// Servers are the live servers of one test. Its methods fail the test on any error, so they
// must be called from the test's goroutine, as t.Fatal must.
type Servers struct {
	t             testing.TB
	brokers       []string
	openSearchURL string
	ctl           string

	// What the test stopped and has not started again, for restore.
	killed         map[int]bool
	openSearchDown bool
}

// Get returns the servers the environment names, and fails t with the way to start them
// when a variable is missing. Servers a test stopped and did not start again are started
// when it ends, so one failing test does not leave the next with a broken cluster.
func Get(t testing.TB) *Servers {
	t.Helper()
	var missing []string
	env := func(key string) string {
		v := strings.TrimSpace(os.Getenv(key))
		if v == "" {
			missing = append(missing, key)
		}
		return v
	}
	brokers, osURL, ctl := env(EnvKafka), env(EnvOpenSearch), env(EnvCtl)
	if len(missing) > 0 {
		t.Fatalf("livetest: %s not set: live suites run against real servers; start them and run the suites with `make test-live` (deployments/live/README.md)", strings.Join(missing, ", "))
	}
	if !filepath.IsAbs(ctl) {
		t.Fatalf("livetest: %s=%q must be the absolute path of deployments/live/servers.sh", EnvCtl, ctl)
	}
	if fi, err := os.Stat(ctl); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("livetest: %s=%q is not an executable script (%v)", EnvCtl, ctl, err)
	}
	s := &Servers{t: t, openSearchURL: strings.TrimRight(osURL, "/"), ctl: ctl, killed: map[int]bool{}}
	for _, b := range strings.Split(brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			s.brokers = append(s.brokers, b)
		}
	}
	t.Cleanup(s.restore)
	return s
}

// Brokers returns the brokers' addresses; Brokers()[i-1] is broker i.
func (s *Servers) Brokers() []string { return append([]string(nil), s.brokers...) }

// Broker returns the address of broker i (1-based, as in servers.sh).
func (s *Servers) Broker(i int) string {
	s.t.Helper()
	s.checkBroker(i)
	return s.brokers[i-1]
}

// OpenSearchURL returns the OpenSearch base URL, without a trailing slash.
func (s *Servers) OpenSearchURL() string { return s.openSearchURL }

// KafkaConfig returns the default Kafka configuration with replication 3 and topic names
// and consumer groups of the test's own, so tests never see each other's records.
func (s *Servers) KafkaConfig() config.KafkaConfig {
	cfg := config.Default().Kafka
	cfg.Brokers = s.Brokers()
	cfg.Replication = 3
	prefix := fmt.Sprintf("live.%s.%d.", testName(s.t.Name()), time.Now().UnixNano())
	tp := &cfg.Topics
	for _, name := range []*string{&tp.Raw, &tp.Enriched, &tp.DLQ, &tp.Feeds, &tp.State, &tp.Alerts, &tp.Searches, &tp.Stories} {
		*name = prefix + *name
	}
	cfg.GroupPrefix = prefix + cfg.GroupPrefix
	return cfg
}

// Client returns a bus client for cfg (from KafkaConfig) on the live brokers, with the
// topics created.
func (s *Servers) Client(cfg config.KafkaConfig, logger *slog.Logger) *bus.Client {
	s.t.Helper()
	c, err := bus.NewClient(cfg, s.Brokers(), logger)
	if err != nil {
		s.t.Fatalf("livetest: kafka client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	alerts := config.Default().Alert
	alerts.DeliveryTopic = cfg.Topics.Alerts + ".delivery" // the test's own, like its other topics
	if err := c.EnsureTopics(ctx, alerts); err != nil {
		s.t.Fatalf("livetest: creating topics: %v", err)
	}
	return c
}

// KillBroker SIGKILLs broker i (1-based): no controlled shutdown, no flush. The cluster
// fences it after broker.session.timeout.ms (5 s) and moves its leaderships.
func (s *Servers) KillBroker(i int) {
	s.t.Helper()
	s.checkBroker(i)
	s.run("kafka-kill", fmt.Sprint(i))
	s.killed[i] = true
}

// StartBroker starts broker i again on its data and returns how long it took until the
// cluster was ready again: the broker registered and, when no other broker is down, every
// partition's replicas back in sync.
func (s *Servers) StartBroker(i int) time.Duration {
	s.t.Helper()
	s.checkBroker(i)
	d := s.run("kafka-start", fmt.Sprint(i))
	delete(s.killed, i)
	return d
}

// StopOpenSearch stops the OpenSearch node (SIGTERM, so it closes its indices; SIGKILL after
// 30 s) and returns how long the stop took.
func (s *Servers) StopOpenSearch() time.Duration {
	s.t.Helper()
	d := s.run("opensearch-stop")
	s.openSearchDown = true
	return d
}

// StartOpenSearch starts the OpenSearch node again on its data and returns how long it
// took until the cluster health was yellow or green.
func (s *Servers) StartOpenSearch() time.Duration {
	s.t.Helper()
	d := s.run("opensearch-start")
	s.openSearchDown = false
	return d
}

func (s *Servers) checkBroker(i int) {
	s.t.Helper()
	if i < 1 || i > len(s.brokers) {
		s.t.Fatalf("livetest: broker %d: brokers are numbered 1 to %d", i, len(s.brokers))
	}
}

// run runs servers.sh with args, logs what it printed and returns how long it took.
func (s *Servers) run(args ...string) time.Duration {
	s.t.Helper()
	d, err := s.exec(args...)
	if err != nil {
		s.t.Fatalf("livetest: %v", err)
	}
	return d
}

func (s *Servers) exec(args ...string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ctlTimeout)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, s.ctl, args...).CombinedOutput()
	d := time.Since(start)
	s.t.Logf("servers.sh %s (%v):\n%s", strings.Join(args, " "), d.Round(time.Millisecond), strings.TrimSpace(string(out)))
	if err != nil {
		return d, fmt.Errorf("running servers.sh %s: %w", strings.Join(args, " "), err)
	}
	return d, nil
}

// restore starts what the test stopped and left stopped.
func (s *Servers) restore() {
	for i := range s.killed {
		if _, err := s.exec("kafka-start", fmt.Sprint(i)); err != nil {
			s.t.Errorf("livetest: restarting broker %d after the test: %v", i, err)
		}
	}
	if s.openSearchDown {
		if _, err := s.exec("opensearch-start"); err != nil {
			s.t.Errorf("livetest: restarting OpenSearch after the test: %v", err)
		}
	}
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9-]+`)

// testName turns a test name into a piece of a topic name. Kafka allows [a-zA-Z0-9._-] but
// refuses a topic that differs from another only by '.' against '_', so '_' is left out too.
func testName(name string) string {
	name = unsafeName.ReplaceAllString(name, "-")
	if len(name) > 60 {
		name = name[:60]
	}
	return name
}

// DoJSON sends a JSON request (body nil: none) and decodes a 2xx answer into out (when not
// nil); any other status is an error carrying the start of the answer. The live suites
// talk to OpenSearch and to wirewatch's own API through it.
func DoJSON(ctx context.Context, method, url string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding the request: %w", err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return fmt.Errorf("building %s %s: %w", method, url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("sending %s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("reading the answer to %s %s: %w", method, url, err)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %.500s", method, url, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("decoding the answer to %s %s: %w", method, url, err)
		}
	}
	return nil
}
