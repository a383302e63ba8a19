package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"wirewatch/internal/alert"
	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// keptValues bounds the raw and enriched records the baselines read back (each up to this
// many), so that a large run does not hold every article twice.
const keptValues = 5000

// tracker follows every article through the run: when it was released on its feed,
// written to the raw and enriched topics, found by the search API and alerted.
type tracker struct {
	ids   map[string]int // article ID → index in the times below
	names []string       // by index: where the article comes from, for the report of those missing

	mu         sync.Mutex
	release    []time.Time
	rawAt      []time.Time
	enrichedAt []time.Time
	visibleAt  []time.Time
	alertAt    []time.Time
	pending    []int // enriched, not yet seen searchable
	visible    int
	alerts     int // webhook deliveries, repeats included
	unknown    int // records and hits of no generated article
}

func newTracker(ids map[string]int, names []string) *tracker {
	n := len(names)
	return &tracker{ids: ids, names: names, release: make([]time.Time, n), rawAt: make([]time.Time, n), enrichedAt: make([]time.Time, n),
		visibleAt: make([]time.Time, n), alertAt: make([]time.Time, n)}
}

// began records every article's release time once the feeds started releasing.
func (t *tracker) began(feeds *feedServer, items []item) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, it := range items {
		t.release[i] = feeds.released(it)
	}
}

// follow reads the enriched topic from the run's brokers until ctx ends, noting when each
// article's record was written (its Kafka timestamp) and listing it for the searchability
// lookups. The returned function waits for the follower to end, after ctx ended. The raw
// topic is read only when articles are missing (readRaw): following it all along cost the
// pipeline's cores ~3% of a 10,000-article run for a figure no report showed.
func (t *tracker) follow(ctx context.Context, cfg config.Config, logger *slog.Logger) (func(), error) {
	client, err := bus.NewClient(cfg.Kafka, brokers(cfg), logger)
	if err != nil {
		return nil, err
	}
	var g errgroup.Group
	g.Go(func() error {
		err := client.Follow(ctx, cfg.Kafka.Topics.Enriched, nil, func(r bus.Record) {
			t.note(r, t.enrichedAt, func(i int) { t.pending = append(t.pending, i) })
		}, nil)
		if err != nil {
			logger.Warn("following a topic for the bench", "topic", cfg.Kafka.Topics.Enriched, "err", err)
		}
		return nil
	})
	return func() { _ = g.Wait() }, nil
}

// note records r's time in at for its article, the first time; isNew runs then, t.mu held.
func (t *tracker) note(r bus.Record, at []time.Time, isNew func(i int)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i, ok := t.ids[string(r.Key)]
	if !ok {
		t.unknown++
		return
	}
	if at[i].IsZero() {
		at[i] = r.Time
		isNew(i)
	}
}

// readRaw reads the raw topic as far as it went when called, at most for limit, noting
// which articles reached it: the report of articles never found says how far each went.
func (t *tracker) readRaw(ctx context.Context, cfg config.Config, limit time.Duration, logger *slog.Logger) {
	client, err := bus.NewClient(cfg.Kafka, brokers(cfg), logger)
	if err != nil {
		logger.Warn("reading the raw topic for the missing articles", "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- client.Follow(ctx, cfg.Kafka.Topics.Raw, nil, func(r bus.Record) { t.note(r, t.rawAt, func(int) {}) }, ready)
	}()
	select {
	case <-ready:
	case <-ctx.Done():
	}
	cancel()
	if err := <-done; err != nil && ctx.Err() == nil {
		logger.Warn("reading the raw topic for the missing articles", "err", err)
	}
}

// alerted notes a webhook delivery.
func (t *tracker) alerted(a alert.Alert, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.alerts++
	i, ok := t.ids[a.Article.ID]
	if !ok {
		t.unknown++
		return
	}
	if t.alertAt[i].IsZero() {
		t.alertAt[i] = at
	}
}

// searchChunk is how many articles one search asks about: half the search API's largest
// page (200), so that a page holds every token's hit with room to spare, and under the
// query language's 256 terms. On Elasticsearch and OpenSearch a word becomes a clause per
// searched field and language, and 100 words pass their 1,024 clauses (maxClauseCount):
// searchChunkCluster there.
const (
	searchChunk        = 100
	searchChunkCluster = 20
)

// waitSearchable asks the search API, every 100 ms, which of the articles already
// enriched it finds (by the word each carries alone), until it has found them all or
// timeout passed.
//
// Each tick first asks for the index's total (the empty query's). The bench only adds
// articles, so an unchanged total means none became searchable since the last lookups:
// then only the articles new to the pending list are asked about. And the lookups, oldest
// enriched first, stop once the articles found are as many as the index holds: the rest
// cannot be found yet. Re-asking every pending article every tick cost the search API
// 0.4–0.6 ms of CPU per article in a 10,000-article run, the pipeline's own CPU. The time
// an article is found is unchanged: the first tick after its commit asks about it.
func (t *tracker) waitSearchable(ctx context.Context, apiAddr string, tokens []string, chunkSize int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 30 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	lastTotal := -1                    // the index's total before the last lookups
	asked := make([]bool, len(tokens)) // by article: asked about at least once
	for {
		t.mu.Lock()
		pending := append([]int(nil), t.pending...)
		done := t.visible == len(t.visibleAt)
		t.mu.Unlock()
		if done {
			return nil
		}
		if len(pending) > 0 {
			total, err := searchTotal(ctx, client, apiAddr)
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("waiting for the articles to be searchable: %w", context.Cause(ctx))
				}
				return err
			}
			if total == lastTotal {
				pending = slices.DeleteFunc(pending, func(i int) bool { return asked[i] })
			}
			lastTotal = total
			for lo := 0; lo < len(pending) && t.unfound(total) > 0; lo += chunkSize {
				chunk := pending[lo:min(lo+chunkSize, len(pending))]
				words := make([]string, len(chunk))
				for j, i := range chunk {
					words[j] = tokens[i]
					asked[i] = true
				}
				// A page twice the words' count: a hit of something else cannot push one out.
				// Each token is in its article's title, and an article's fields become
				// searchable together (one document), so asking the titles alone finds it
				// exactly when its body would: half the term searchers of a plain word,
				// which looks in every language's title and body.
				found, err := search(ctx, client, apiAddr, "title:("+strings.Join(words, " OR ")+")", 2*len(chunk))
				if err != nil {
					if ctx.Err() != nil {
						return fmt.Errorf("waiting for the articles to be searchable: %w", context.Cause(ctx))
					}
					return err
				}
				t.seen(found, time.Now())
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the articles to be searchable: %w", context.Cause(ctx))
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return errNotAllSearchable
		}
	}
}

// errNotAllSearchable is waitSearchable's error when its time ran out; notSearchable
// says which articles are missing.
var errNotAllSearchable = errors.New("not every article became searchable in time")

// notSearchable describes a run whose articles were not all found within timeout: how
// many were, and the first missing ones with how far each went.
func (t *tracker) notSearchable(timeout time.Duration) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Errorf("after %s, %d of %d articles searchable (%d enriched); not found: %s",
		timeout, t.visible, len(t.visibleAt), countSet(t.enrichedAt), strings.Join(t.missing(maxMissing), "; "))
}

// unfound is how many of the index's total articles the search API has not yet been seen
// to find: at most that many pending articles can be found now. Every article found is a
// document of the index, so it is never less than the pending articles the index holds.
func (t *tracker) unfound(total int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return total - t.visible
}

// maxMissing bounds the articles named in a report of those never found.
const maxMissing = 20

// missing describes up to limit articles never found by the search API, in generation
// order: where each came from and how far it went. t.mu is held.
func (t *tracker) missing(limit int) []string {
	var out []string
	for i, name := range t.names {
		if !t.visibleAt[i].IsZero() {
			continue
		}
		if len(out) == limit {
			out = append(out, fmt.Sprintf("and %d more", len(t.names)-countSet(t.visibleAt)-limit))
			break
		}
		out = append(out, fmt.Sprintf("%s (raw %t, enriched %t, alerted %t)", name, !t.rawAt[i].IsZero(), !t.enrichedAt[i].IsZero(), !t.alertAt[i].IsZero()))
	}
	return out
}

// seen marks the articles the search API found.
func (t *tracker) seen(ids []string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		i, ok := t.ids[id]
		if !ok {
			t.unknown++
			continue
		}
		if t.visibleAt[i].IsZero() {
			t.visibleAt[i] = at
			t.visible++
		}
	}
	t.pending = slices.DeleteFunc(t.pending, func(i int) bool { return !t.visibleAt[i].IsZero() })
}

// waitAlerts waits until every article alerted the catch-all search, or d passed.
func (t *tracker) waitAlerts(ctx context.Context, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		t.mu.Lock()
		n := countSet(t.alertAt)
		t.mu.Unlock()
		if n == len(t.alertAt) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// searchTotal asks the search API how many articles the index holds (the empty query's
// total).
func searchTotal(ctx context.Context, client *http.Client, addr string) (int, error) {
	_, total, err := searchPage(ctx, client, addr, "", 1)
	return total, err
}

// search asks the search API for q and returns the IDs it found.
func search(ctx context.Context, client *http.Client, addr, q string, size int) ([]string, error) {
	ids, _, err := searchPage(ctx, client, addr, q, size)
	return ids, err
}

// searchPage asks the search API for a page of q's hits: their IDs and the total matching.
func searchPage(ctx context.Context, client *http.Client, addr, q string, size int) ([]string, int, error) {
	u := "http://" + addr + "/api/search?" + url.Values{"q": {q}, "size": {fmt.Sprint(size)}, "expand": {"false"}, "fields": {"id"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("asking the search API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return nil, 0, fmt.Errorf("asking the search API: %s: %s", resp.Status, b)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, 0, fmt.Errorf("decoding the search API's answer: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, res.Total, nil
}

// webhook receives the catch-all search's alerts on loopback and notes when each came.
type webhook struct {
	srv   *http.Server
	ln    net.Listener
	group errgroup.Group
}

func startWebhook(onAlert func(alert.Alert, time.Time)) (*webhook, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the webhook: %w", err)
	}
	h := &webhook{ln: ln}
	h.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var a alert.Alert
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&a); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		onAlert(a, at)
		w.WriteHeader(http.StatusNoContent)
	})}
	h.group.Go(func() error {
		if err := h.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serving the webhook: %w", err)
		}
		return nil
	})
	return h, nil
}

// URL is where the webhook receives.
func (h *webhook) URL() string { return "http://" + h.ln.Addr().String() + "/hook" }

func (h *webhook) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(h.srv.Shutdown(ctx), h.group.Wait())
}

func countSet(ts []time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.IsZero() {
			n++
		}
	}
	return n
}

// waitReady asks /readyz until every part says ready (the alert stage has written and
// loaded its saved searches), so that the clock starts on a pipeline that can keep up,
// not on one still compiling thousands of searches. It returns the last answer on timeout.
func waitReady(ctx context.Context, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	var last string
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%s: %s", resp.Status, b)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wirewatch not ready within %s: %s", timeout, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
