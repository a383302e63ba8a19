package main

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestStoryAlertsOnceAcrossKillTermAndTwoProcessors follows one story that more and more
// outlets carry through three lives of wirewatch: killed with SIGKILL, stopped with
// SIGTERM, then run beside a second `wirewatch process` in the same group. Every copy
// joins the story of the first, so the saved search's webhook is called once.
func TestStoryAlertsOnceAcrossKillTermAndTwoProcessors(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test runs wirewatch four times")
	}
	const text = `Azerbaijan reopened the Lachin corridor on Monday after a month-long blockade, letting Red Cross convoys travel from Armenia to Stepanakert. Russian peacekeepers watched the road near the checkpoint as the first trucks passed. Officials in Yerevan said the reopening must be permanent and called on the European Union to keep monitoring the border.`
	// The feed carries the first `copies` outlets' copies, each under its own URL.
	var copies atomic.Int64
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>http://%s/</link>`, r.Host)
		for i := range copies.Load() {
			fmt.Fprintf(w, `<item><title>Lachin corridor reopens to aid convoys</title><link>http://%s/outlet/%d/lachin</link><guid>copy-%d</guid><pubDate>Mon, 23 Nov 2026 06:%02d:00 GMT</pubDate><description>%s</description></item>`,
				r.Host, i, i, i, html.EscapeString(text))
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer feed.Close()
	var mu sync.Mutex
	hooks := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a struct {
			StoryID string `json:"story_id"`
			Article struct {
				URL string `json:"url"`
			} `json:"article"`
		}
		json.NewDecoder(r.Body).Decode(&a)
		t.Logf("webhook: story %s, article %s", a.StoryID, a.Article.URL)
		mu.Lock()
		hooks++
		mu.Unlock()
	}))
	defer hook.Close()
	delivered := func() int {
		mu.Lock()
		defer mu.Unlock()
		return hooks
	}

	dir := t.TempDir()
	httpAddr, kafkaAddr := freeAddr(t), freeAddr(t)
	cfg := fmt.Sprintf(`data_dir: %s
log: {level: warn}
kafka: {embedded_addr: %q, partitions: 2}
serve: {addr: %q}
process: {topics_file: %q}
ingest: {opml: [], allow_private: true, min_interval: 300ms, max_interval: 1s, feeds: [{url: %q}]}
alert:
  allow_private: true # the webhook receiver is on loopback
  searches:
    - name: Convoys
      query: '"Red Cross convoys"'
      channels: [{type: webhook, url: %q}]
`, dir, kafkaAddr, httpAddr, mustAbs(t, "../../config/topics.yaml"), feed.URL+"/feed.xml", hook.URL)
	configPath := filepath.Join(dir, "wirewatch.yaml")
	if err := os.WriteFile(configPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var children []*child
	defer func() {
		for _, c := range children {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	}()
	start := func(args string, env ...string) *child {
		c := startCommand(t, args, env...)
		children = append(children, c)
		return c
	}
	// waitIndexed waits until the search finds n copies, then lets a wrong alert arrive.
	waitIndexed := func(n int, logs func() string) {
		t.Helper()
		deadline := time.Now().Add(4 * time.Minute)
		for {
			got, err := total(httpAddr, url.QueryEscape(`"Red Cross convoys"`))
			if err == nil && got >= n {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d copies indexed within 4 minutes (err %v); output:\n%s", got, n, err, logs())
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(3 * time.Second)
	}

	copies.Store(1)
	c := start("run --config " + configPath)
	waitIndexed(1, c.logs.String)
	if n := delivered(); n != 1 {
		t.Fatalf("%d webhook calls for the first copy, want 1; output:\n%s", n, c.logs.String())
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9: %v", err)
	}
	c.cmd.Wait()

	copies.Store(2)
	c = start("run --config " + configPath)
	waitIndexed(2, c.logs.String)
	if n := delivered(); n != 1 {
		t.Errorf("after a kill -9 and a second copy: %d webhook calls, want 1", n)
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("wirewatch after SIGTERM: %v; output:\n%s", err, c.logs.String())
	}

	c = start("run --config " + configPath)
	waitIndexed(2, c.logs.String)
	// A second processor joins the group on the first one's broker; the next copies are
	// shared out between the two by partition.
	pAddr := freeAddr(t)
	p := start("process --config "+configPath, "WIREWATCH_KAFKA_BROKERS="+kafkaAddr, "WIREWATCH_SERVE_ADDR="+pAddr)
	both := func() string { return c.logs.String() + "\n--- second processor:\n" + p.logs.String() }
	// Copies come two at a time until the second processor enriched one (its group joined
	// once its knowledge base loaded).
	for n := int64(2); processed(pAddr) == 0; {
		if n >= 24 {
			t.Fatalf("the second processor enriched none of %d copies; output:\n%s", n, both())
		}
		n += 2
		copies.Store(n)
		waitIndexed(int(n), both)
	}
	if n := delivered(); n != 1 {
		t.Errorf("after a SIGTERM and copies over two processors: %d webhook calls, want 1", n)
	}
}

// processed returns how many raw articles the process stage serving its metrics at addr
// has enriched and committed (0 while it is not up).
func processed(addr string) int {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, `wirewatch_messages_consumed_total{stage="process"} `); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}
