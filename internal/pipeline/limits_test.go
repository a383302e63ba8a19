package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/index"
)

// The check: a 5 MB feed item and a 1 MB junk message on the raw and on the
// enriched topic leave every stage flowing, with the DLQ holding one entry for each stage
// the junk reached.
func TestOversizedItemAndJunkMessagesLeaveEveryStageFlowing(t *testing.T) {
	text, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("the seed article is missing (%v): this test needs ../shared beside the checkout", err)
	}
	var open atomic.Bool // the feed carries its items only once the junk is in the topics
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		items := ""
		if open.Load() {
			huge := strings.Repeat("<p>"+strings.Repeat("Marchandises bloquées au poste frontière. ", 50)+"</p>", 5<<20/2100)
			items = fmt.Sprintf(`<item><title>Corridor de Latchine : Moscou accuse Erevan</title>
<link>%[1]s/articles/lachin</link><guid>seed-1</guid><pubDate>Wed, 18 Jan 2023 10:00:00 GMT</pubDate>
<description>%[2]s</description></item>
<item><title>Zangezur dossier complet</title><link>%[1]s/articles/huge</link><guid>huge-1</guid>
<pubDate>Wed, 18 Jan 2023 11:00:00 GMT</pubDate><description><![CDATA[%[3]s]]></description></item>`,
				srv.URL, html.EscapeString(string(text)), huge)
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Seed News</title>
<link>%s/</link><language>fr</language>%s</channel></rss>`, srv.URL, items)
	}))
	defer srv.Close()
	cfg := testConfig(t, t.TempDir(), srv.URL+"/feed.xml")
	cfg.Kafka.EmbeddedAddr = freeAddr(t)
	r := start(t, cfg)
	defer r.stop()

	c, err := bus.NewClient(cfg.Kafka, []string{cfg.Kafka.EmbeddedAddr}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	junk := bytes.Repeat([]byte("x"), 1_000_000)
	bustest.ProduceUnchecked(t, c, cfg.Kafka.Topics.Raw, []byte("junk-raw"), junk)
	bustest.ProduceUnchecked(t, c, cfg.Kafka.Topics.Enriched, []byte("junk-enriched"), junk)
	open.Store(true)

	waitFor(t, r.addr, "Lachin", 2*time.Minute, func(res index.Result) bool { return res.Total > 0 })
	res := waitFor(t, r.addr, "Zangezur", time.Minute, func(res index.Result) bool { return res.Total > 0 })
	if res.Total != 1 {
		t.Errorf("the 5 MB item is indexed %d times, want once (truncated)", res.Total)
	}
	dlq := bustest.Read(t, c, cfg.Kafka.Topics.DLQ, 3, time.Minute)
	time.Sleep(time.Second) // time for any extra letter to show
	if n := bustest.Count(t, []string{cfg.Kafka.EmbeddedAddr}, cfg.Kafka.Topics.DLQ); n != 3 {
		t.Errorf("DLQ holds %d letters, want 3", n)
	}
	got := map[string]string{}
	for _, d := range dlq {
		got[bustest.Header(d, bus.HeaderStage)] = string(d.Key)
		if bustest.Header(d, bus.HeaderReference) != "1" {
			t.Errorf("dead letter %s from %s is not a reference", d.Key, bustest.Header(d, bus.HeaderStage))
		}
	}
	want := map[string]string{Process: "junk-raw", Index: "junk-enriched", Alert: "junk-enriched"}
	for stage, key := range want {
		if got[stage] != key {
			t.Errorf("dead letters by stage = %v, want %v", got, want)
			break
		}
	}
	var ready map[string]string
	getJSON(t, "http://"+r.addr+"/readyz", &ready)
	if ready["stages"] != "ok" {
		t.Errorf("/readyz = %v, want every stage ready", ready)
	}
}

// A stage stuck on a batch says so: /readyz answers 503 naming the stage, where it is stuck
// and why, and the lag of its partition shows in /metrics. Here the index stage writes to
// an Elasticsearch that refuses every bulk request (a read-only cluster), an outage it
// waits out.
func TestReadyzNamesAStuckStage(t *testing.T) {
	es := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/_bulk") {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error":{"type":"cluster_block_exception","reason":"index read-only"},"status":403}`)
			return
		}
		fmt.Fprint(w, `{"acknowledged":true}`)
	}))
	defer es.Close()
	cfg := testConfig(t, t.TempDir())
	cfg.Kafka.EmbeddedAddr = freeAddr(t)
	cfg.Index.Backend = "elasticsearch"
	cfg.Index.Elastic.URLs = []string{es.URL}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() {
		done <- Run(ctx, cfg, Options{Stages: []string{Index, Serve}, Embedded: true, Ready: func(a string) { ready <- a }}, logger)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run ended: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("not ready")
	}
	c, err := bus.NewClient(cfg.Kafka, []string{cfg.Kafka.EmbeddedAddr}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a := &article.Article{ID: article.ID("https://example.org/a", "", ""), URL: "https://example.org/a", Title: "Lachin", Lang: "en"}
	enc, _ := article.Encode(a)
	bustest.Produce(t, c, cfg.Kafka.Topics.Enriched, bus.Record{Key: []byte(a.ID), Value: enc})

	deadline := time.Now().Add(time.Minute)
	var body map[string]string
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body = map[string]string{}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable && strings.HasPrefix(body["stages"], "index stuck") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %v, want 503 naming the index stage", resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body["stages"], cfg.Kafka.Topics.Enriched) || !strings.Contains(body["stages"], "offset 0") {
		t.Errorf("/readyz stages = %q, want the topic and offset", body["stages"])
	}
	if m := getText(t, "http://"+addr+"/metrics"); !strings.Contains(m, `wirewatch_consumer_lag{partition=`) ||
		!regexp.MustCompile(`wirewatch_consumer_lag\{partition="\d",stage="index"\} 1`).MatchString(m) {
		t.Errorf("/metrics lacks the stuck stage's lag of 1")
	}
	if n := bustest.Count(t, []string{cfg.Kafka.EmbeddedAddr}, cfg.Kafka.Topics.DLQ); n != 0 {
		t.Errorf("DLQ holds %d letters during an outage, want none", n)
	}
}
