package pipeline

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/alert"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/process"
)

// TestReprocessAfterTopicRulesChange indexes three articles, adds a topic rule, reprocesses
// the archive through the API and checks that the index has the new topic on every article,
// the same number of articles, and that no alert went out for the old articles, although a
// saved search matches the new topic.
func TestReprocessAfterTopicRulesChange(t *testing.T) {
	texts := []string{
		"Armenia and Azerbaijan resumed border talks in Brussels on Monday, with the European Union as host.",
		"Protesters gathered in Tbilisi as Georgian Dream lawmakers voted on a foreign agents bill; Armenia watched closely.",
		"Russian gas deliveries to Armenia through Georgia were cut for two days after a pipeline was damaged by a landslide.",
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>http://wire.test/</link>`)
		for i, s := range texts {
			fmt.Fprintf(w, `<item><title>Story %d about Armenia</title><link>http://wire.test/%d</link><guid>wire-%d</guid>
<pubDate>Mon, 23 Nov 2026 0%d:00:00 GMT</pubDate><description>%s</description></item>`, i, i, i, i, html.EscapeString(s))
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer feed.Close()

	var mu sync.Mutex
	delivered := map[string]int{} // by search name
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a alert.Alert
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &a); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		mu.Lock()
		delivered[a.SearchName]++
		mu.Unlock()
	}))
	defer hook.Close()
	deliveries := func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		return map[string]int{"All": delivered["All"], "Probe": delivered["Probe"]}
	}

	topics := filepath.Join(t.TempDir(), "topics.yaml")
	orig, err := os.ReadFile("../../config/topics.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(topics, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, t.TempDir(), feed.URL+"/feed.xml")
	cfg.Process.TopicsFile = topics
	cfg.Process.ReloadInterval = 200 * time.Millisecond
	cfg.Alert.AllowPrivate = true
	channels := []config.ChannelConfig{{Type: "webhook", URL: hook.URL}}
	cfg.Alert.Searches = []config.SearchConfig{
		{Name: "All", Query: "Armenia", Channels: channels},
		{Name: "Probe", Query: "topic:reprocess-probe", Channels: channels},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r := start(t, cfg)
	defer r.stop()

	waitFor(t, r.addr, "Armenia", 3*time.Minute, func(res index.Result) bool { return res.Total == 3 })
	deadline := time.Now().Add(time.Minute)
	for deliveries()["All"] < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("deliveries = %v, want 3 for All within a minute", deliveries())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A new topic rule: the live stage reloads it, the archive does not have it yet.
	probe := "\n  - id: reprocess-probe\n    name: Reprocess probe\n    rule: Armenia\n"
	if err := os.WriteFile(topics, append(orig, probe...), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		var res struct{ Topics []struct{ ID string } }
		getJSON(t, "http://"+r.addr+"/api/topics", &res)
		if len(res.Topics) > 0 && res.Topics[len(res.Topics)-1].ID == "reprocess-probe" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the new topic rule was not reloaded within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := searchAPI(t, r.addr, "topic:reprocess-probe").Total; n != 0 {
		t.Fatalf("%d articles have the new topic before reprocessing", n)
	}

	resp, err := http.Post("http://"+r.addr+"/api/reprocess", "application/json", strings.NewReader(`{"from": "2026-11-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	var job process.Job
	if err := json.NewDecoder(resp.Body).Decode(&job); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/reprocess: %s, %v", resp.Status, err)
	}
	resp.Body.Close()
	deadline = time.Now().Add(2 * time.Minute)
	for job.State == "running" {
		if time.Now().After(deadline) {
			t.Fatalf("job still running after 2 minutes: %+v", job)
		}
		time.Sleep(100 * time.Millisecond)
		getJSON(t, "http://"+r.addr+"/api/reprocess/"+job.ID, &job)
	}
	t.Logf("job: %+v", job)
	if job.State != "done" || job.Read != 3 || job.Reprocessed != 3 || job.Failed != 0 {
		t.Errorf("job = %+v, want done with 3 read and 3 reprocessed", job)
	}

	waitFor(t, r.addr, "topic:reprocess-probe", time.Minute, func(res index.Result) bool { return res.Total == 3 })
	if n := searchAPI(t, r.addr, "Armenia").Total; n != 3 {
		t.Errorf("%d articles in the index after reprocessing, want the same 3", n)
	}
	time.Sleep(3 * time.Second) // time for a wrong alert to arrive
	if d := deliveries(); d["All"] != 3 || d["Probe"] != 0 {
		t.Errorf("deliveries = %v, want 3 for All and none for Probe: reprocessed articles must not alert", d)
	}

	// Out of range: nothing is written again.
	resp, err = http.Post("http://"+r.addr+"/api/reprocess", "application/json", strings.NewReader(`{"to": "2026-01-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	for job.State == "running" {
		time.Sleep(100 * time.Millisecond)
		getJSON(t, "http://"+r.addr+"/api/reprocess/"+job.ID, &job)
	}
	if job.State != "done" || job.OutOfRange != 3 || job.Reprocessed != 0 {
		t.Errorf("job before every article = %+v, want 3 out of range", job)
	}
}
