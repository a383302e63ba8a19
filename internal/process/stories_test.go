package process_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
	"wirewatch/internal/process"
	"wirewatch/internal/process/processtest"
)

// instance is one process stage with an enricher of its own, as one `wirewatch process`
// would run it.
type instance struct {
	t       *testing.T
	metrics *bus.Metrics
	cancel  context.CancelFunc
	done    chan error
}

func startInstance(t *testing.T, c *bus.Client) *instance {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	e := newEnricher(t)
	m := bus.NewMetrics(prometheus.NewRegistry())
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{t: t, metrics: m, cancel: cancel, done: make(chan error, 1)}
	st := process.NewStage(c, e, m, 2, logger)
	go func() { in.done <- st.Run(ctx) }()
	t.Cleanup(in.stop)
	return in
}

// stop is a SIGTERM: the batch in hand is finished and committed.
func (in *instance) stop() {
	in.cancel()
	if err := <-in.done; err != nil {
		in.t.Errorf("process stage: %v", err)
	}
	in.done <- nil // a second stop returns at once
}

func (in *instance) consumed() int {
	return int(testutil.ToFloat64(in.metrics.Consumed.WithLabelValues("process")))
}

// lachinCopy is one outlet's copy of the Lachin story: the same text under its own URL,
// and a headline of its own when title is set.
func lachinCopy(t *testing.T, url, title string) *article.Article {
	if title == "" {
		title = "Lavrov blames Armenia for the CSTO mission"
	}
	return &article.Article{ID: article.ID(url, "", ""), URL: url, Title: title,
		Text:      processtest.ReadFile(t, processtest.Testdata(t, "lachin.en.txt")),
		Published: time.Date(2023, 1, 18, 10, 0, 0, 0, time.UTC), SchemaVersion: article.SchemaVersion}
}

func produceRaw(t *testing.T, c *bus.Client, arts ...*article.Article) {
	t.Helper()
	recs := make([]bus.Record, len(arts))
	for i, a := range arts {
		b, err := article.Encode(a)
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = bus.Record{Key: []byte(a.ID), Value: b}
	}
	bustest.Produce(t, c, c.Topics().Raw, recs...)
}

// storiesOf reads the enriched topic until it holds n records and returns each article's
// latest story ID.
func storiesOf(t *testing.T, c *bus.Client, n int) map[string]string {
	t.Helper()
	return readStories(t, c, n, n)
}

// readStories reads the enriched topic from its start until it has at least records
// records and articles distinct articles, and returns each article's last story. A batch
// redone after a rebalance writes its articles again (same IDs, same stories), so records
// alone could hold fewer articles than were enriched.
func readStories(t *testing.T, c *bus.Client, records, articles int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k := records; len(out) < articles; k += articles - len(out) {
		recs := bustest.Read(t, c, c.Topics().Enriched, k, time.Minute)
		if len(recs) < k {
			t.Fatalf("enriched topic: %d records (%d articles) within a minute, want %d records of %d articles", len(recs), len(out), k, articles)
		}
		clear(out)
		for _, r := range recs {
			a, err := article.Decode(r.Value)
			if err != nil {
				t.Fatal(err)
			}
			if prev, seen := out[a.ID]; seen && prev != a.StoryID {
				t.Errorf("article %s written twice with stories %q and %q", a.ID, prev, a.StoryID)
			}
			out[a.ID] = a.StoryID
		}
	}
	return out
}

// TestStoriesSurviveRestarts: a copy enriched after the processor restarted, and copies
// redelivered to a processor that starts with no committed offsets (as after a kill -9
// before the commit), join the story the first processor started.
func TestStoriesSurviveRestarts(t *testing.T) {
	c, _ := bustest.Start(t)
	first := lachinCopy(t, "https://example.org/a", "")
	copy1 := lachinCopy(t, "https://example.com/b", "Russia's Lavrov says Armenia blocked CSTO mission")
	copy2 := lachinCopy(t, "https://example.net/c", "")

	a := startInstance(t, c)
	produceRaw(t, c, first)
	if got := storiesOf(t, c, 1)[first.ID]; got != first.ID {
		t.Fatalf("the first article starts its story: got %q, want %q", got, first.ID)
	}
	a.stop()

	b := startInstance(t, c)
	produceRaw(t, c, copy1)
	if got := storiesOf(t, c, 2)[copy1.ID]; got != first.ID {
		t.Errorf("a copy after a restart got story %q, want the first article's %q", got, first.ID)
	}
	b.stop()

	// A processor in a group with no committed offsets is given every raw record again,
	// as a restarted one is given a batch whose offsets a kill -9 left uncommitted.
	cfg := config.Default().Kafka
	cfg.Partitions = 2
	cfg.GroupPrefix = "after-kill-"
	fresh, err := bus.NewClient(cfg, c.Brokers(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	startInstance(t, fresh)
	produceRaw(t, c, copy2)
	got := readStories(t, c, 2+3, 3) // two, then the three again
	for _, a := range []*article.Article{first, copy1, copy2} {
		if got[a.ID] != first.ID {
			t.Errorf("after redelivery %s has story %q, want %q", a.URL, got[a.ID], first.ID)
		}
	}
}

// TestStoriesAreSharedByInstances: two processors in one group each enrich some copies of
// one story; every copy joins the story the first one started, whichever processor got it.
func TestStoriesAreSharedByInstances(t *testing.T) {
	c, _ := bustest.Start(t)
	first := lachinCopy(t, "https://example.org/first", "")
	a := startInstance(t, c)
	produceRaw(t, c, first)
	storiesOf(t, c, 1)

	b := startInstance(t, c)
	// The group gives b a partition once it rebalanced; copies are sent until b enriched one.
	want := map[string]bool{first.ID: true}
	for round := 0; b.consumed() == 0; round++ {
		if round == 20 {
			t.Fatalf("the second processor enriched nothing of %d copies", len(want)-1)
		}
		var arts []*article.Article
		for i := range 4 {
			arts = append(arts, lachinCopy(t, "https://example.org/copy/"+string(rune('a'+round))+string(rune('a'+i)), ""))
			want[arts[i].ID] = true
		}
		produceRaw(t, c, arts...)
		storiesOf(t, c, len(want))
		time.Sleep(500 * time.Millisecond) // metrics count a batch once committed
	}
	got := storiesOf(t, c, len(want))
	for id := range want {
		if got[id] != first.ID {
			t.Errorf("article %s has story %q, want %q (processor a enriched %d, b %d)", id, got[id], first.ID, a.consumed(), b.consumed())
		}
	}
}
