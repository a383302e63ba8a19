package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wirewatch/internal/bus/bustest"
)

// TestMain lets the test binary act as the wirewatch binary: a test starts it again with
// WW_TEST_MAIN_ARGS set, so it can be killed with SIGKILL like a real process.
func TestMain(m *testing.M) {
	if args := os.Getenv("WW_TEST_MAIN_ARGS"); args != "" {
		os.Exit(cli(strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no args", nil, 0, "Commands:"},
		{"version", []string{"version"}, 0, "wirewatch dev"},
		{"run help", []string{"run", "--help"}, 0, "-stages"},
		{"poll help", []string{"poll", "--help"}, 0, "-config"},
		{"unknown", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"bad flag", []string{"run", "--nope"}, 2, "flag provided but not defined"},
		{"bad stage", []string{"run", "--stages", "poll,dance"}, 2, `unknown stage "dance"`},
		{"single stage without brokers", []string{"poll"}, 1, "kafka.brokers: required"},
		{"extract without file", []string{"extract"}, 2, "want one FILE"},
		{"eval without kind", []string{"eval", "pos", "x"}, 2, "want `ner FILE.conll` or `lang DIR`"},
		{"entities without verb", []string{"entities"}, 2, "want `unknown`"},
		{"feeds of nothing", []string{"feeds", "--addr", "http://127.0.0.1:1"}, 1, "is it running?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cli(tc.args, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut.String())
			}
			if got := out.String() + errOut.String(); !strings.Contains(got, tc.want) {
				t.Errorf("output %q does not contain %q", got, tc.want)
			}
		})
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	os.WriteFile(path, []byte("data_dir: "+dir+"\ningest:\n  feeds:\n    - url: ftp://example.org/feed\n"), 0o644)
	var out, errOut bytes.Buffer
	if code := cli([]string{"run", "--config", path}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "ingest.feeds[0].url") {
		t.Errorf("error %q does not name the key ingest.feeds[0].url", errOut.String())
	}
}

// bulkFeeds serves nFeeds feeds of perFeed items each, slowly enough that a kill lands while
// items are in flight.
func bulkFeeds(t *testing.T, nFeeds, perFeed int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f int
		if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d.xml", &f); err != nil {
			http.NotFound(w, r)
			return
		}
		time.Sleep(time.Duration(f%10) * 30 * time.Millisecond)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title><link>http://%s/</link>`, f, r.Host)
		for i := 0; i < perFeed; i++ {
			fmt.Fprintf(w, `<item><title>Report %d-%d on the Lachin corridor</title><link>http://%s/story/%d/%d</link><guid>%d-%d</guid><description>Armenia and Azerbaijan discussed the corridor in report %d of feed %d.</description><pubDate>Mon, 02 Jan 2023 %02d:%02d:00 GMT</pubDate></item>`,
				f, i, r.Host, f, i, f, i, i, f, i%24, i%60)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type child struct {
	cmd  *exec.Cmd
	logs *syncBuffer
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startChild(t *testing.T, configPath string) *child {
	t.Helper()
	return startCommand(t, "run --config "+configPath)
}

// startCommand starts the wirewatch command line args (space-separated) as a child
// process, with env added to this process's environment.
func startCommand(t *testing.T, args string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.Env = append(append(os.Environ(), "WW_TEST_MAIN_ARGS="+args), env...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting child: %v", err)
	}
	return &child{cmd: cmd, logs: logs}
}

func total(addr, q string) (int, error) {
	resp, err := http.Get("http://" + addr + "/api/search?q=" + q)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var res struct {
		Total int `json:"total"`
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	err = json.NewDecoder(resp.Body).Decode(&res)
	return res.Total, err
}

func TestKill9WhileInFlightLosesAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test runs wirewatch twice and kills it")
	}
	const nFeeds, perFeed = 20, 50
	feeds := bulkFeeds(t, nFeeds, perFeed)
	dir := t.TempDir()
	httpAddr, kafkaAddr := freeAddr(t), freeAddr(t)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "data_dir: %s\nlog: {level: warn}\nkafka: {embedded_addr: %q, partitions: 2}\nserve: {addr: %q}\nprocess: {topics_file: %q}\ningest:\n  opml: []\n  allow_private: true\n  min_interval: 500ms\n  max_interval: 2s\n  feeds:\n",
		dir, kafkaAddr, httpAddr, mustAbs(t, "../../config/topics.yaml"))
	for f := 0; f < nFeeds; f++ {
		fmt.Fprintf(&cfg, "    - url: %s/feed/%d.xml\n", feeds.URL, f)
	}
	configPath := filepath.Join(dir, "wirewatch.yaml")
	if err := os.WriteFile(configPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	c := startChild(t, configPath)
	// Kill as soon as the first articles are searchable: the rest are in the topics or
	// being fetched.
	// Deadlines are generous: the race detector and a busy machine slow everything, and
	// speed is measured by benchmarks, not asserted here.
	deadline := time.Now().Add(5 * time.Minute)
	var before int
	for {
		n, err := total(httpAddr, "")
		if err == nil && n > 0 {
			before = n
			break
		}
		if time.Now().After(deadline) {
			c.cmd.Process.Kill()
			c.cmd.Wait()
			t.Fatalf("nothing indexed within 5 minutes; child output:\n%s", c.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9: %v", err)
	}
	c.cmd.Wait()
	t.Logf("killed with %d of %d articles indexed", before, nFeeds*perFeed)

	c = startChild(t, configPath)
	defer func() {
		c.cmd.Process.Signal(syscall.SIGTERM)
		c.cmd.Wait()
	}()
	restarted := time.Now()
	deadline = restarted.Add(8 * time.Minute)
	for {
		n, err := total(httpAddr, "")
		if err == nil && n >= nFeeds*perFeed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after restart only %d of %d articles indexed (err %v); child output:\n%s", n, nFeeds*perFeed, err, c.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("all %d indexed %s after the restart", nFeeds*perFeed, time.Since(restarted).Round(time.Millisecond))
	time.Sleep(time.Second) // let any duplicate that would appear, appear
	n, err := total(httpAddr, "")
	if err != nil || n != nFeeds*perFeed {
		t.Fatalf("index holds %d articles (err %v), want exactly %d", n, err, nFeeds*perFeed)
	}
	if n, _ := total(httpAddr, "Lachin"); n != nFeeds*perFeed {
		t.Errorf("search Lachin finds %d, want %d", n, nFeeds*perFeed)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDeadPollersFeedsMoveToTheLivingOne runs two `wirewatch poll` processes against a
// broker of the test's own, kills one with SIGKILL, and checks that the feeds it polled are
// polled by the other within a minute, and that in steady state no feed is polled by both.
func TestDeadPollersFeedsMoveToTheLivingOne(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test runs two pollers and kills one")
	}
	c, _ := bustest.Start(t)
	var mu sync.Mutex
	type hit struct {
		agent string
		at    time.Time
	}
	hits := map[string][]hit{} // feed path → who polled it when
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path] = append(hits[r.URL.Path], hit{r.UserAgent(), time.Now()})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><item><title>x</title><link>http://%s%s/1</link></item></channel></rss>`, r.URL.Path, r.Host, r.URL.Path)
	}))
	defer srv.Close()
	pollersOf := func(since time.Time) map[string]map[string]bool {
		mu.Lock()
		defer mu.Unlock()
		out := map[string]map[string]bool{}
		for feed, hs := range hits {
			for _, h := range hs {
				if h.at.After(since) {
					if out[feed] == nil {
						out[feed] = map[string]bool{}
					}
					out[feed][h.agent] = true
				}
			}
		}
		return out
	}

	const nFeeds = 8
	start := func(name string) *child {
		dir := t.TempDir()
		var cfg strings.Builder
		fmt.Fprintf(&cfg, "data_dir: %s\nlog: {level: warn}\nkafka: {brokers: [%q], partitions: 2}\nserve: {addr: %q}\ningest:\n  user_agent: %s\n  opml: []\n  allow_private: true\n  min_interval: 300ms\n  max_interval: 600ms\n  feeds:\n",
			dir, c.Brokers()[0], freeAddr(t), name)
		for f := 0; f < nFeeds; f++ {
			fmt.Fprintf(&cfg, "    - url: %s/feed/%d.xml\n", srv.URL, f)
		}
		path := filepath.Join(dir, "wirewatch.yaml")
		if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		logs := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		cmd.Env = append(os.Environ(), "WW_TEST_MAIN_ARGS=poll --config "+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return &child{cmd: cmd, logs: logs}
	}
	a, b := start("poller-a"), start("poller-b")
	defer func() {
		for _, ch := range []*child{a, b} {
			ch.cmd.Process.Kill()
			ch.cmd.Wait()
		}
	}()

	// Wait until both pollers poll and every feed has settled with one of them.
	deadline := time.Now().Add(3 * time.Minute)
	var window time.Time
	for {
		window = time.Now()
		time.Sleep(3 * time.Second)
		seen := pollersOf(window)
		agents := map[string]bool{}
		overlap := false
		for _, who := range seen {
			for a := range who {
				agents[a] = true
			}
			overlap = overlap || len(who) > 1
		}
		if len(seen) == nFeeds && len(agents) == 2 && !overlap {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pollers never settled on a split of the %d feeds (last window: %v)\npoller a:\n%s\npoller b:\n%s", nFeeds, seen, a.logs.String(), b.logs.String())
		}
	}
	var ofA []string
	for feed, who := range pollersOf(window) {
		if who["poller-a"] {
			ofA = append(ofA, feed)
		}
	}
	t.Logf("poller-a polled %d of %d feeds; killing it", len(ofA), nFeeds)
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.cmd.Wait()
	killed := time.Now()
	for {
		time.Sleep(500 * time.Millisecond)
		seen := pollersOf(killed)
		moved := 0
		for _, feed := range ofA {
			if seen[feed]["poller-b"] {
				moved++
			}
		}
		if moved == len(ofA) {
			t.Logf("all %d of poller-a's feeds polled by poller-b %s after the kill", len(ofA), time.Since(killed).Round(100*time.Millisecond))
			return
		}
		if time.Since(killed) > time.Minute {
			t.Fatalf("%d of poller-a's %d feeds moved to poller-b within a minute\npoller b:\n%s", moved, len(ofA), b.logs.String())
		}
	}
}

// TestEvalNERListsMistakes runs `wirewatch eval --mistakes ner` on a small CoNLL file: the
// scores, then each missed or wrong name with the sentence it is in and, for a name the
// gold file lacks, what found it. The flag may also follow the file.
func TestEvalNERListsMistakes(t *testing.T) {
	conll := "0\tSergey\tB-PER\n1\tLavrov\tI-PER\n2\tmet\tO\n3\tZorblax\tB-PER\n4\tin\tO\n5\tYerevan\tB-LOC\n6\tand\tO\n7\tParis\tO\n8\t.\tO\n"
	path := filepath.Join(t.TempDir(), "tiny.conll")
	if err := os.WriteFile(path, []byte(conll), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..") // the default config names config/topics.yaml
	for _, args := range [][]string{{"eval", "--mistakes", "ner", path}, {"eval", "ner", path, "--mistakes"}} {
		var out, errb bytes.Buffer
		if code := cli(args, &out, &errb); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errb.String())
		}
		for _, want := range []string{"micro", `miss  PER  "Zorblax"  got: nothing`, "in: Sergey Lavrov met Zorblax in Yerevan and Paris .",
			`false LOC  "Paris"  from: knowledge base`} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%q: output lacks %q:\n%s", args, want, out.String())
			}
		}
		if strings.Contains(out.String(), `"Yerevan"`) || strings.Contains(out.String(), `"Sergey Lavrov"`) {
			t.Errorf("%q: names found right are listed as mistakes:\n%s", args, out.String())
		}
	}
}

// TestEvalNERScoresPredicted runs `wirewatch eval ner --pred PRED GOLD --halves`: a model's
// tags scored by the code that scores the enricher, each half on its own, without the
// knowledge base; --pred is only for ner.
func TestEvalNERScoresPredicted(t *testing.T) {
	dir := t.TempDir()
	gold, pred := filepath.Join(dir, "gold.conll"), filepath.Join(dir, "pred.conll")
	if err := os.WriteFile(gold, []byte("0\tSergey\tB-PER\n1\tLavrov\tI-PER\n\n0\tin\tO\n1\tYerevan\tB-LOC\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pred, []byte("Sergey\tB-PER\nLavrov\tO\n\nin\tO\nYerevan\tB-GPE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := cli([]string{"eval", "ner", "--pred", pred, gold, "--halves"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"micro       2      1      0  0.000  0.000  0.000", "half 1: 1 sentences", "half 2: 1 sentences"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	errb.Reset()
	if code := cli([]string{"eval", "--pred", pred, "lang", dir}, &out, &errb); code != 2 {
		t.Errorf("--pred with lang: exit %d, want 2: %s", code, errb.String())
	}
}
