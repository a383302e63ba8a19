//go:build live

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"wirewatch/internal/process/processtest"

	"wirewatch/internal/alert"
	"wirewatch/internal/config"
	"wirewatch/internal/livetest"
)

// Bounds of the run's phases.
const (
	startTimeout    = 2 * time.Minute // a process from exec to "wirewatch started"
	convergeTimeout = 3 * time.Minute // after the last item is out, until everything is in
	openSearchCut   = 20 * time.Second
)

// savedSearch is one search the run creates, with the stories it must alert once each.
type savedSearch struct {
	name, query string
	id          string
	want        map[string]bool // story keys of the corpus (item.story)
}

// TestLiveDistributed runs wirewatch as separate processes, two poll, two process, two
// index, one alert and one serve, on the live Kafka cluster and OpenSearch, over 100 local
// feeds of 50 items released over a minute. While the items flow it SIGKILLs the broker
// leading most of the raw topic's partitions (and starts it again), one processor and one
// indexer (not restarted: the survivors take their partitions over), and stops OpenSearch
// for 20 s. At the end every article is in OpenSearch exactly once, every saved search
// alerted once per story and no idempotency key came twice, and no feed was fetched by two
// pollers at once. It logs how long each fault took to heal.
func TestLiveDistributed(t *testing.T) {
	s := livetest.Get(t)
	runStart := time.Now()
	root := processtest.Root(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()

	t0 := time.Now()
	bin := buildWirewatch(t, root, dir)
	t.Logf("built wirewatch in %v", time.Since(t0).Round(time.Millisecond))

	// The outside world: feeds and a webhook receiver.
	feedSrv := httptest.NewUnstartedServer(nil)
	feedURL := "http://" + feedSrv.Listener.Addr().String()
	feeds := newFeedServer(newCorpus(t, root, feedURL, time.Now().Add(-time.Hour)))
	feedSrv.Config.Handler = feeds
	feedSrv.Start()
	defer feedSrv.Close()
	hook := &webhook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()

	kcfg := s.KafkaConfig() // topics and groups of this run's own
	indexPrefix := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	pattern := indexPrefix + "*"
	defer func() {
		if err := livetest.DoJSON(context.Background(), http.MethodDelete, s.OpenSearchURL()+"/"+pattern, nil, nil); err != nil {
			t.Logf("deleting the run's indices: %v", err)
		}
	}()
	cfgPath := filepath.Join(dir, "wirewatch.yaml")
	writeConfig(t, cfgPath, root, kcfg, feedSrv.URL, indexPrefix)

	c := &cluster{t: t, bin: bin, config: cfgPath, dir: dir, env: []string{
		"WIREWATCH_KAFKA_BROKERS=" + strings.Join(s.Brokers(), ","),
		"WIREWATCH_INDEX_BACKEND=opensearch",
		"WIREWATCH_INDEX_OPENSEARCH_URLS=" + s.OpenSearchURL(),
	}}
	defer c.stop()
	defer func() {
		if t.Failed() {
			c.dumpLogs()
		}
	}()

	// The consumers first, the pollers last: nothing is published before the searches exist.
	t0 = time.Now()
	alertP := c.start("alert", "alert")
	serveP := c.start("serve", "serve")
	var processors, indexers []*proc
	for i := 1; i <= 2; i++ {
		processors = append(processors, c.start(fmt.Sprintf("process-%d", i), "process"))
		indexers = append(indexers, c.start(fmt.Sprintf("index-%d", i), "index"))
	}
	alertURL := c.httpAddr(alertP, startTimeout)
	serveURL := c.httpAddr(serveP, startTimeout)
	for _, p := range append(slices.Clone(processors), indexers...) {
		c.httpAddr(p, startTimeout)
	}
	waitReady(t, "alert", alertURL, startTimeout)
	waitReady(t, "serve", serveURL, startTimeout)
	t.Logf("alert, serve, 2 process, 2 index started in %v", time.Since(t0).Round(time.Millisecond))

	searches := createSearches(ctx, t, alertURL, hookSrv.URL, feeds.c)

	var pollers []*proc
	for i := 1; i <= 2; i++ {
		name := fmt.Sprintf("poll-%d", i)
		pollers = append(pollers, c.start(name, "poll", "WIREWATCH_INGEST_USER_AGENT="+pollerPrefix+name))
	}
	for _, p := range pollers {
		c.httpAddr(p, startTimeout)
	}
	live := time.Now()
	feeds.goLive(live)
	t.Logf("feeds live: %d feeds × %d items released over %v", numFeeds, itemsPerFeed, itemsPerFeed*releaseStep)

	heals := injectFaults(ctx, t, s, c, kcfg, live, processors[0], indexers[0], processors[1], indexers[1], pattern)
	c.checkAlive()

	// Everything released; wait until OpenSearch and the webhook have it all.
	lastOut := live.Add(itemsPerFeed * releaseStep)
	time.Sleep(time.Until(lastOut))
	wantAlerts := 0
	for _, ss := range searches {
		wantAlerts += len(ss.want)
	}
	var st indexStats
	var err error
	convergeStart := time.Now()
	for {
		st, err = openSearchStats(ctx, s.OpenSearchURL(), pattern)
		got, _ := hook.received()
		if err == nil && st.distinct >= numFeeds*itemsPerFeed && len(got) >= wantAlerts {
			break
		}
		if dead := c.exited(); len(dead) > 0 {
			t.Errorf("stopped waiting: %v exited on their own", dead)
			break
		}
		if time.Since(convergeStart) > convergeTimeout {
			t.Errorf("after %v: OpenSearch holds %d distinct articles (want %d), the webhook got %d deliveries (want %d); last error: %v",
				convergeTimeout, st.distinct, numFeeds*itemsPerFeed, len(got), wantAlerts, err)
			break
		}
		time.Sleep(time.Second)
	}
	t.Logf("waited %v after the last item was released", time.Since(lastOut).Round(time.Millisecond))
	// Late duplicates (a redelivery after a crash) would come in the next seconds.
	time.Sleep(5 * time.Second)
	c.checkAlive()

	checkIndex(ctx, t, s.OpenSearchURL(), pattern, feeds.c)
	checkAlerts(t, hook, searches, feeds.c)
	checkPolls(t, feeds)

	for _, h := range heals {
		t.Logf("fault: %-34s %s", h.fault, h.healed)
	}
	t.Logf("wall time: %v (build, start, %v of feeds, faults, convergence)", time.Since(runStart).Round(time.Millisecond), itemsPerFeed*releaseStep)
}

// writeConfig writes the run's configuration file. Brokers and the index backend come from
// the environment, as an operator would set them.
func writeConfig(t *testing.T, path, root string, k config.KafkaConfig, feedBase, indexPrefix string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `log:
  level: info
  format: json
kafka:
  partitions: 4
  replication: 3
  group_prefix: %q
  topics: {raw: %q, enriched: %q, dlq: %q, feeds: %q, state: %q, alerts: %q, searches: %q}
ingest:
  opml: []
  allow_private: true
  timeout: 10s
  min_interval: 1s
  max_interval: 3s
  concurrency: 16
  per_host_concurrency: 16
  per_host_delay: 0s
  feeds:
`, k.GroupPrefix, k.Topics.Raw, k.Topics.Enriched, k.Topics.DLQ, k.Topics.Feeds, k.Topics.State, k.Topics.Alerts, k.Topics.Searches)
	for f := range numFeeds {
		fmt.Fprintf(&b, "    - url: %s/feed/%d.rss\n", feedBase, f)
	}
	fmt.Fprintf(&b, `process:
  topics_file: %q
  workers: 2
index:
  batch_size: 200
  flush_interval: 300ms
  opensearch:
    index_prefix: %q
    replicas: 0
alert:
  delivery_topic: %q
  digest:
    group: %q
  rate_limit:
    max: 100000
    window: 1h
  webhook:
    timeout: 5s
    backoff: 200ms
    max_backoff: 2s
  searches: []
  allow_private: true # the webhook receiver is on loopback
`, filepath.Join(root, "config", "topics.yaml"), indexPrefix, k.Topics.Alerts+".delivery", k.GroupPrefix+"alert-digests")
	b.WriteString("serve:\n  addr: 127.0.0.1:0\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// createSearches creates the run's saved searches through the alert stage's API, each
// with a signed webhook, and works out from the corpus which stories each must alert.
func createSearches(ctx context.Context, t *testing.T, alertURL, hookURL string, c *corpus) []*savedSearch {
	t.Helper()
	searches := []*savedSearch{
		{name: "even planted", query: wordEven},
		{name: "odd planted", query: wordOdd},
		{name: "either planted", query: wordEven + " OR " + wordOdd},
	}
	for _, ss := range searches {
		ss.want = map[string]bool{}
		for f := range numFeeds {
			for _, it := range c.items[f] {
				if (ss.query == wordEven && it.has(wordEven)) || (ss.query == wordOdd && it.has(wordOdd)) ||
					(ss.query != wordEven && ss.query != wordOdd && (it.has(wordEven) || it.has(wordOdd))) {
					ss.want[it.story] = true
				}
			}
		}
		body := alert.SavedSearch{Name: ss.name, Query: ss.query, Mode: "immediate",
			Channels: []alert.Channel{{Type: "webhook", URL: hookURL, Secret: webhookSecret}}}
		var created alert.SavedSearch
		if err := livetest.DoJSON(ctx, http.MethodPost, alertURL+"/api/searches", body, &created); err != nil {
			t.Fatalf("creating saved search %q: %v", ss.name, err)
		}
		ss.id = created.ID
		t.Logf("saved search %q (%s): %s, %d stories to alert", ss.name, ss.id, ss.query, len(ss.want))
	}
	return searches
}

// heal is how long one fault took to heal, in words.
type heal struct{ fault, healed string }

// injectFaults runs the faults one after another while the items flow and measures each.
// The livetest controls must run on the test's goroutine, so the faults are sequential.
func injectFaults(ctx context.Context, t *testing.T, s *livetest.Servers, c *cluster, k config.KafkaConfig, live time.Time,
	deadProc, deadIndex, liveProc, liveIndex *proc, pattern string) []heal {
	t.Helper()
	var heals []heal
	brokers := s.Brokers()
	waitUntil := func(at time.Time) { time.Sleep(time.Until(at)) }

	// 1. The broker leading most of the raw topic's partitions.
	waitUntil(live.Add(8 * time.Second))
	lead, err := leaders(ctx, brokers, k.Topics.Raw)
	if err != nil {
		t.Fatal(err)
	}
	count := map[int]int{}
	victim := 0
	for _, b := range lead {
		count[b]++
		if victim == 0 || count[b] > count[victim] || (count[b] == count[victim] && b < victim) {
			victim = b
		}
	}
	var led []int
	for p, b := range lead {
		if b == victim {
			led = append(led, p)
		}
	}
	slices.Sort(led)
	t.Logf("raw topic leaders %v: killing broker %d (leads partitions %v)", lead, victim, led)
	killed := time.Now()
	s.KillBroker(victim)
	var others []string
	for i, b := range brokers {
		if i+1 != victim {
			others = append(others, b)
		}
	}
	moved := time.Duration(0)
	for moved == 0 {
		lead, err := leaders(ctx, others, k.Topics.Raw)
		if err == nil && !slices.ContainsFunc(led, func(p int) bool { l := lead[p]; return l == victim || l < 0 }) {
			moved = time.Since(killed)
			break
		}
		if time.Since(killed) > time.Minute {
			t.Fatalf("the raw topic's partitions %v still have no new leader a minute after broker %d died: %v (%v)", led, victim, lead, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	back := s.StartBroker(victim)
	heals = append(heals, heal{fmt.Sprintf("kill broker %d (raw leader)", victim),
		fmt.Sprintf("leaders moved after %v; restarted and in sync %v later (%v from the kill)",
			moved.Round(time.Millisecond), back.Round(time.Millisecond), time.Since(killed).Round(time.Millisecond))})

	// 2. One processor and one indexer, not restarted: their partners take over.
	waitUntil(live.Add(25 * time.Second))
	for _, pair := range []struct {
		dead, survivor *proc
		stage, topic   string
	}{{deadProc, liveProc, "process", k.Topics.Raw}, {deadIndex, liveIndex, "index", k.Topics.Enriched}} {
		group := k.GroupPrefix + pair.stage
		_, before, _, err := groupState(ctx, brokers, group, pair.topic)
		if err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		c.kill(pair.dead)
		for {
			state, members, assigned, err := groupState(ctx, brokers, group, pair.topic)
			if err == nil && state == "Stable" && members < before && len(assigned) == k.Partitions {
				heals = append(heals, heal{"SIGKILL " + pair.dead.name,
					fmt.Sprintf("%s owns all %d partitions after %v (group %d → %d members)",
						pair.survivor.name, k.Partitions, time.Since(killed).Round(time.Millisecond), before, members)})
				break
			}
			if time.Since(killed) > time.Minute {
				t.Fatalf("group %s after %s died: %s, %d members (were %d), partitions %v; err %v",
					group, pair.dead.name, state, members, before, assigned, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// 3. OpenSearch down for 20 s, back on the same data.
	waitUntil(live.Add(35 * time.Second))
	before, err := openSearchStats(ctx, s.OpenSearchURL(), pattern)
	if err != nil {
		t.Fatal(err)
	}
	cut := time.Now()
	stopTook := s.StopOpenSearch()
	time.Sleep(openSearchCut - time.Since(cut))
	startTook := s.StartOpenSearch()
	up := time.Now()
	var resumed time.Duration
	for resumed == 0 {
		st, err := openSearchStats(ctx, s.OpenSearchURL(), pattern)
		if err == nil && st.docs > before.docs {
			resumed = time.Since(up)
			break
		}
		if time.Since(up) > time.Minute {
			t.Fatalf("a minute after OpenSearch came back the run's indices still hold %d documents (%d before the cut; err %v)", st.docs, before.docs, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
	heals = append(heals, heal{fmt.Sprintf("OpenSearch off %v", openSearchCut),
		fmt.Sprintf("stop took %v, start %v; indexers writing again %v after it was up (%v from the cut)",
			stopTook.Round(time.Millisecond), startTook.Round(time.Millisecond), resumed.Round(time.Millisecond), time.Since(cut).Round(time.Millisecond))})
	return heals
}

// checkIndex checks that OpenSearch holds every article of the corpus once.
func checkIndex(ctx context.Context, t *testing.T, base, pattern string, c *corpus) {
	t.Helper()
	st, err := openSearchStats(ctx, base, pattern)
	if err != nil {
		t.Fatalf("reading the run's indices: %v", err)
	}
	t.Logf("OpenSearch: %d documents, %d distinct article IDs, %d IDs held more than once", st.docs, st.distinct, len(st.dups))
	if st.docs != numFeeds*itemsPerFeed || st.distinct != numFeeds*itemsPerFeed {
		t.Errorf("OpenSearch holds %d documents with %d distinct article IDs, want %d of each", st.docs, st.distinct, numFeeds*itemsPerFeed)
	}
	shown := 0
	for id, n := range st.dups {
		if shown++; shown <= 10 {
			t.Errorf("article %s is in OpenSearch %d times", id, n)
		}
	}
	// Which items are missing, by the link the poller saw (the ID is wirewatch's hash of it).
	if st.distinct < numFeeds*itemsPerFeed {
		var q struct {
			Hits struct {
				Hits []struct {
					Source struct {
						URL string `json:"url"`
					} `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		body := map[string]any{"size": 10000, "_source": []string{"url"}}
		if err := livetest.DoJSON(ctx, http.MethodPost, base+"/"+pattern+"/_search", body, &q); err == nil {
			have := map[string]bool{}
			for _, h := range q.Hits.Hits {
				have[h.Source.URL] = true
			}
			var missing []string
			for f := range numFeeds {
				for _, it := range c.items[f] {
					if !have[it.link] {
						missing = append(missing, fmt.Sprintf("%d/%d", f, it.n))
					}
				}
			}
			t.Logf("%d items missing (feed/item), first ones: %.400v", len(missing), missing)
		}
	}
}

// checkAlerts checks the webhook's deliveries: no idempotency key twice, one alert per
// search and story, none for a story the search does not match.
// maxRacedStories bounds, per search, the stories alerted twice because two processors
// enriched far-apart copies of them in the same second (see checkAlerts).
const maxRacedStories = 2

func checkAlerts(t *testing.T, hook *webhook, searches []*savedSearch, c *corpus) {
	t.Helper()
	got, bad := hook.received()
	for _, b := range bad {
		t.Errorf("webhook refused a delivery: %s", b)
	}
	byLink := map[string]item{}
	for f := range numFeeds {
		for _, it := range c.items[f] {
			byLink[it.link] = it
		}
	}
	keys := map[string]int{}
	for _, d := range got {
		keys[d.key]++
	}
	repeated := 0
	for k, n := range keys {
		if n > 1 {
			repeated++
			if repeated <= 10 {
				t.Errorf("idempotency key %s delivered %d times", k, n)
			}
		}
	}
	t.Logf("webhook: %d deliveries, %d distinct idempotency keys, %d keys repeated", len(got), len(keys), repeated)
	for _, ss := range searches {
		alerts := map[string][]string{} // corpus story → the story IDs wirewatch gave its alerts
		for _, d := range got {
			if d.alert.SearchID != ss.id {
				continue
			}
			it, ok := byLink[d.alert.Article.URL]
			if !ok {
				t.Errorf("search %q alerted an article not in the corpus: %s", ss.name, d.alert.Article.URL)
				continue
			}
			alerts[it.story] = append(alerts[it.story], d.alert.StoryID)
		}
		twice := 0
		for story, ids := range alerts {
			if !ss.want[story] {
				t.Errorf("search %q alerted story %s, which it does not match", ss.name, story)
			}
			if len(ids) > 1 {
				twice++
				t.Logf("search %q alerted corpus story %s %d times (wirewatch story IDs %v)", ss.name, story, len(ids), ids)
			}
		}
		// Copies of a story that the two processors enrich in the same second, before either
		// hears of the other, get two story IDs; the alert stage still alerts once when the
		// copies are within 7 bits of each other (alert.history.isCopy). Copies farther apart
		// than that, raced that way, are the one known way to alert twice: it is counted and
		// bounded here, not hidden (each case is logged above).
		if twice > maxRacedStories {
			t.Errorf("search %q alerted %d corpus stories more than once; at most %d (copies raced across processors and more than 7 bits apart) are expected",
				ss.name, twice, maxRacedStories)
		}
		missing := 0
		for story := range ss.want {
			if len(alerts[story]) == 0 {
				missing++
			}
		}
		t.Logf("search %q: %d stories alerted of %d, %d more than once, %d never", ss.name, len(alerts), len(ss.want), twice, missing)
		if missing > 0 {
			t.Errorf("search %q never alerted %d of its %d stories", ss.name, missing, len(ss.want))
		}
	}
}

// checkPolls checks that no feed was fetched by two pollers at once, and reports how the
// feeds were shared out.
func checkPolls(t *testing.T, fs *feedServer) {
	t.Helper()
	st := fs.stats()
	t.Logf("polls: %d fetches (%v by poller), %d feeds fetched by more than one poller, %d overlapping fetches",
		st.fetches, st.perPoller, len(st.shared), st.overlaps)
	if st.unknown > 0 {
		t.Errorf("%d fetches came from something other than the run's pollers", st.unknown)
	}
	if st.overlaps > 0 {
		t.Errorf("%d fetches of a feed began while another fetch of it was running", st.overlaps)
	}
	// Ownership changes only at rebalances: the second poller joining, and perhaps the
	// group coordinator moving with the killed broker. A feed passed back and forth more
	// often than that is polled by two pollers.
	for f, owners := range st.shared {
		if len(owners) > 4 {
			t.Errorf("feed %d changed pollers %d times: %v", f, len(owners)-1, owners)
		}
	}
	if len(st.perPoller) != 2 {
		t.Errorf("fetches came from %d pollers (%v), want both", len(st.perPoller), st.perPoller)
	}
}
