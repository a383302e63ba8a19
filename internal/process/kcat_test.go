package process_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/process"
)

// TestKcatRoundTripOnTheEmbeddedBroker: a client that is not ours, Debian's kcat
// (librdkafka), produces a raw article to the embedded broker, the process stage enriches
// it, and kcat reads the enriched article and its headers back.
func TestKcatRoundTripOnTheEmbeddedBroker(t *testing.T) {
	c, _ := bustest.Start(t)
	testKcatRoundTrip(t, c)
}

// kcatEnvelope is one message as `kcat -C -J` prints it.
type kcatEnvelope struct {
	Topic     string   `json:"topic"`
	Partition int      `json:"partition"`
	Offset    int64    `json:"offset"`
	Headers   []string `json:"headers"` // name, value, name, value...
	Key       string   `json:"key"`
	Payload   string   `json:"payload"`
}

// testKcatRoundTrip runs on c's brokers (embedded or live): kcat -P writes a raw article,
// a real process stage enriches it, kcat -C -J reads it from the enriched topic.
func testKcatRoundTrip(t *testing.T, c *bus.Client) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatal("kcat is not installed: apt-get install -y kcat (.ci/run installs it)")
	}
	brokers := strings.Join(c.Brokers(), ",")
	raw := &article.Article{ID: article.ID("https://example.org/kcat", "", ""), URL: "https://example.org/kcat",
		Title:     "Лавров обсудил Лачинский коридор",
		Summary:   "Министр иностранных дел России Сергей Лавров заявил в Москве, что Лачинский коридор должен оставаться открытым.",
		Published: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	value, err := article.Encode(raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// One message per line of stdin; the encoded article is one line of JSON.
	produce := exec.CommandContext(ctx, kcat, "-P", "-b", brokers, "-t", c.Topics().Raw, "-k", raw.ID,
		"-H", bus.HeaderSchema+"="+strconv.Itoa(article.SchemaVersion))
	produce.Stdin = bytes.NewReader(append(value, '\n'))
	if out, err := produce.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}

	logger := slog.New(slog.DiscardHandler)
	e := newEnricher(t)
	stageCtx, stop := context.WithCancel(ctx)
	st := process.NewStage(c, e, bus.NewMetrics(prometheus.NewRegistry()), 2, logger)
	done := make(chan error, 1)
	go func() { done <- st.Run(stageCtx) }()
	enriched := bustest.Read(t, c, c.Topics().Enriched, 1, 45*time.Second)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("stage: %v", err)
	}
	if len(enriched) != 1 {
		t.Fatalf("enriched topic: %d messages, want the article kcat wrote", len(enriched))
	}

	// -e: exit at the end of every partition; -J: one JSON envelope per message.
	out, err := exec.CommandContext(ctx, kcat, "-C", "-b", brokers, "-t", c.Topics().Enriched, "-o", "beginning", "-e", "-J", "-q").Output()
	if err != nil {
		t.Fatalf("kcat -C: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 {
		t.Fatalf("kcat -C read %d messages, want 1:\n%s", len(lines), out)
	}
	var env kcatEnvelope
	if err := json.Unmarshal([]byte(lines[0]), &env); err != nil {
		t.Fatalf("kcat -J envelope %q: %v", lines[0], err)
	}
	if env.Topic != c.Topics().Enriched || env.Key != raw.ID {
		t.Errorf("kcat read topic %q key %q, want %q keyed by the article ID %q", env.Topic, env.Key, c.Topics().Enriched, raw.ID)
	}
	headers := map[string]string{}
	for i := 0; i+1 < len(env.Headers); i += 2 {
		headers[env.Headers[i]] = env.Headers[i+1]
	}
	if headers[bus.HeaderSchema] != strconv.Itoa(article.SchemaVersion) {
		t.Errorf("kcat read headers %v, want %s=%d", env.Headers, bus.HeaderSchema, article.SchemaVersion)
	}
	a, err := article.Decode([]byte(env.Payload))
	if err != nil {
		t.Fatalf("the payload kcat read is no article: %v\n%s", err, env.Payload)
	}
	ids := map[string]bool{}
	for _, id := range a.EntityIDs() {
		ids[id] = true
	}
	if a.ID != raw.ID || a.Title != raw.Title || a.Lang != "ru" || !ids["Q58217"] || a.Enriched.IsZero() {
		t.Errorf("enriched article as kcat read it: id %q lang %q entities %v enriched %v; want the raw one enriched (ru, Lavrov Q58217)",
			a.ID, a.Lang, a.EntityIDs(), a.Enriched)
	}
}
