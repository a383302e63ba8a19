//go:build live

package livetest_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"wirewatch/internal/bus/bustest"

	"wirewatch/internal/livetest"
)

// TestLiveServersUp checks what every live suite relies on: three brokers that take topics
// with three replicas, a cluster that keeps answering with one broker dead and takes it back,
// and an OpenSearch 2.19 with the language analysers of analysis-common.
func TestLiveServersUp(t *testing.T) {
	s := livetest.Get(t)
	if n := len(s.Brokers()); n != 3 {
		t.Fatalf("%s names %d brokers %v, want 3", livetest.EnvKafka, n, s.Brokers())
	}
	cfg := s.KafkaConfig()
	c := s.Client(cfg, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	md, err := bustest.Describe(ctx, s.Brokers())
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Brokers) != 3 {
		t.Fatalf("metadata lists %d brokers, want 3: %+v", len(md.Brokers), md.Brokers)
	}
	want := []string{cfg.Topics.Raw, cfg.Topics.Enriched, cfg.Topics.DLQ, cfg.Topics.Feeds, cfg.Topics.State, cfg.Topics.Alerts, cfg.Topics.Searches}
	for _, name := range want {
		parts, ok := md.Topics[name]
		if !ok {
			t.Errorf("EnsureTopics did not create %s", name)
			continue
		}
		for _, p := range parts {
			if len(p.Replicas) != 3 {
				t.Errorf("%s-%d has %d replicas, want 3", name, p.ID, len(p.Replicas))
			}
		}
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping with three brokers: %v", err)
	}

	// Broker 1 is the first address every client tries.
	s.KillBroker(1)
	if err := c.Ping(ctx); err != nil {
		t.Errorf("ping with broker 1 dead: %v", err)
	}
	// The cluster fences the dead broker after broker.session.timeout.ms (5 s).
	start := time.Now()
	for {
		md, err := bustest.Describe(ctx, s.Brokers()[1:])
		if err != nil {
			t.Fatal(err)
		}
		if len(md.Brokers) == 2 {
			t.Logf("broker 1 fenced after %v", time.Since(start).Round(time.Millisecond))
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("metadata still lists %d brokers 30 s after broker 1 died", len(md.Brokers))
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("broker 1 back and in sync after %v", s.StartBroker(1).Round(time.Millisecond))
	if err := c.Ping(ctx); err != nil {
		t.Errorf("ping after broker 1 came back: %v", err)
	}

	var root struct {
		Version struct {
			Distribution string `json:"distribution"`
			Number       string `json:"number"`
		} `json:"version"`
	}
	call(ctx, t, http.MethodGet, s.OpenSearchURL()+"/", nil, &root)
	if root.Version.Distribution != "opensearch" || !strings.HasPrefix(root.Version.Number, "2.19.") {
		t.Errorf("GET / says %s %s, want opensearch 2.19.x", root.Version.Distribution, root.Version.Number)
	}
	analysers := []struct {
		analyzer, text string
		want           []string
	}{
		{"english", "Negotiations continued", []string{"negoti", "continu"}},
		{"french", "les négociations", []string{"negoci"}},
		{"russian", "переговоры продолжились", []string{"переговор", "продолж"}},
	}
	for _, a := range analysers {
		t.Run(a.analyzer, func(t *testing.T) {
			var res struct {
				Tokens []struct {
					Token string `json:"token"`
				} `json:"tokens"`
			}
			call(ctx, t, http.MethodPost, s.OpenSearchURL()+"/_analyze", map[string]string{"analyzer": a.analyzer, "text": a.text}, &res)
			var got []string
			for _, tok := range res.Tokens {
				got = append(got, tok.Token)
			}
			if !slices.Equal(got, a.want) {
				t.Errorf("%s analyser: %q gives %q, want %q", a.analyzer, a.text, got, a.want)
			}
		})
	}
}

// TestLiveOpenSearchRestart checks the OpenSearch controls: a stopped node comes back on
// its data, with the documents written before the stop.
func TestLiveOpenSearchRestart(t *testing.T) {
	s := livetest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	index := fmt.Sprintf("%s/live-restart-%d", s.OpenSearchURL(), time.Now().UnixNano())
	t.Cleanup(func() {
		if err := livetest.DoJSON(context.Background(), http.MethodDelete, index, nil, nil); err != nil {
			t.Logf("deleting the test index: %v", err)
		}
	})
	call(ctx, t, http.MethodPut, index+"/_doc/1?refresh=true", map[string]string{"title": "Lachin corridor"}, nil)

	t.Logf("opensearch stopped in %v", s.StopOpenSearch().Round(time.Millisecond))
	if err := livetest.DoJSON(ctx, http.MethodGet, s.OpenSearchURL()+"/", nil, nil); err == nil {
		t.Fatal("OpenSearch still answers after opensearch-stop")
	}
	t.Logf("opensearch back after %v", s.StartOpenSearch().Round(time.Millisecond))

	var doc struct {
		Found  bool              `json:"found"`
		Source map[string]string `json:"_source"`
	}
	call(ctx, t, http.MethodGet, index+"/_doc/1", nil, &doc)
	if !doc.Found || doc.Source["title"] != "Lachin corridor" {
		t.Errorf("after the restart the document is %+v, want the one written before", doc)
	}
}

// TestLiveKcat checks the cluster with a third-party client, librdkafka's kcat (a Debian
// package .ci/run installs): it must see the three brokers.
func TestLiveKcat(t *testing.T) {
	s := livetest.Get(t)
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatal("kcat is not installed: apt-get install -y kcat (.ci/run installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, kcat, "-b", strings.Join(s.Brokers(), ","), "-L", "-m", "10").CombinedOutput()
	if err != nil {
		t.Fatalf("kcat -L: %v\n%s", err, out)
	}
	// " 3 brokers:" then "  broker 1 at 127.0.0.1:39092 (controller)"
	if !regexp.MustCompile(`(?m)^ 3 brokers:$`).Match(out) {
		t.Errorf("kcat -L does not list 3 brokers:\n%s", out)
	}
	for i, addr := range s.Brokers() {
		line := fmt.Sprintf("broker %d at %s", i+1, addr)
		if !bytes.Contains(out, []byte(line)) {
			t.Errorf("kcat -L has no %q:\n%s", line, out)
		}
	}
}

// call sends a JSON request to OpenSearch and decodes the answer into out (when not nil),
// failing t on any error.
func call(ctx context.Context, t *testing.T, method, url string, body, out any) {
	t.Helper()
	if err := livetest.DoJSON(ctx, method, url, body, out); err != nil {
		t.Fatal(err)
	}
}
