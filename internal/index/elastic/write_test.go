package elastic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
)

func ptr(f float64) *float64 { return &f }

// testArticles are three enriched articles: French and English in November 2026, and an
// Armenian one (a language without fields in the test backend) in October.
func testArticles() []*article.Article {
	nov := time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
	return []*article.Article{
		{
			ID: "a1", URL: "https://lemonde.example/lachin", Title: "Le corridor de Latchine <fermé>",
			Summary: "Le blocus du corridor de Latchine continue.", Published: nov, Fetched: nov.Add(time.Minute),
			Source:   article.Source{FeedURL: "https://lemonde.example/rss", FeedTitle: "Le Monde"},
			Authors:  []string{"Jeanne Dupont"},
			Lang:     "fr",
			Entities: []article.Entity{{ID: "Q399", Type: article.Place, Name: "Armenia", Country: "AM", Lat: ptr(40.2), Lon: ptr(44.5), Confidence: 0.9, Known: true}, {ID: "Q399", Type: article.Place, Name: "Armenia"}},
			Topics:   []string{"lachin-corridor"}, StoryID: "s1",
		},
		{
			ID: "a2", URL: "https://bbc.example/lachin", Title: "Lachin corridor closed",
			Text: "The Lachin corridor remains closed.", Published: nov.Add(time.Hour),
			Source: article.Source{FeedURL: "https://bbc.example/rss"}, Lang: "en", StoryID: "s1",
		},
		{
			ID: "a3", URL: "https://armenpress.example/1", Title: "Լաչինի միջանցք",
			Summary: "Լաչինի միջանցքը փակ է", Published: time.Date(2026, 10, 31, 23, 59, 0, 0, time.UTC),
			Source: article.Source{FeedURL: "https://armenpress.example/rss", FeedTitle: "Armenpress"}, Lang: "hy",
		},
	}
}

// bulkRoute answers bulk requests with answer and records the actions received.
type bulkRoute struct {
	mu      sync.Mutex
	actions []bulkAction
	seen    map[string]int // times each ID was sent
}

func (b *bulkRoute) install(t *testing.T, f *fakeES, answer func(a bulkAction, attempt int) bulkItem) {
	b.seen = map[string]int{}
	f.on("POST /_bulk", func(r request) (int, string) {
		acts := parseBulk(t, r.Body)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.actions = append(b.actions, acts...)
		return 200, bulkResponse(acts, func(a bulkAction) bulkItem {
			b.seen[a.ID]++
			return answer(a, b.seen[a.ID])
		})
	})
}

func noHits() (int, string) {
	return 200, `{"took":1,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[]}}`
}

func TestWriteRequests(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem { return bulkItem{} })
	// One worker keeps the documents in one bulk request, in order, for the golden file.
	b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.BulkWorkers = 1 })

	errs, err := b.Write(context.Background(), testArticles())
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if len(errs) != 3 {
		t.Fatalf("Write returned %d item errors, want 3", len(errs))
	}
	for i, e := range errs {
		if e != nil {
			t.Errorf("doc %d: %v", i, e)
		}
	}
	golden(t, "write/first-batch.txt", transcript(f.take()))

	// A second write needs no template and no new index: only the lookup and the bulk.
	if _, err := b.Write(context.Background(), testArticles()[:1]); err != nil {
		t.Fatalf("second Write: %v", err)
	}
	var lines []string
	for _, r := range f.take() {
		lines = append(lines, r.line())
	}
	want := "POST /wirewatch-articles/_search?filter_path=hits.hits._index,hits.hits._id | POST /_bulk?filter_path=errors,items.*._index,items.*._id,items.*.status,items.*.error.type,items.*.error.reason,items.*.error.caused_by"
	if got := strings.Join(lines, " | "); got != want {
		t.Errorf("second write sent\n %s\nwant\n %s", got, want)
	}
}

func TestWritePerItemResults(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	var bulk bulkRoute
	bulk.install(t, f, func(a bulkAction, attempt int) bulkItem {
		switch a.ID {
		case "bad":
			return bulkItem{Status: 400, Type: "mapper_parsing_exception",
				Reason: "failed to parse field [published] of type [date] in document with id 'bad'. Preview of field's value: 'yesterday'",
				Cause:  "failed to parse date field [yesterday] with format [strict_date_optional_time||epoch_millis]"}
		case "busy-once":
			if attempt == 1 {
				return bulkItem{Status: 429, Type: "es_rejected_execution_exception",
					Reason: "rejected execution of coordinating operation [coordinating_and_primary_bytes=1048576, replica_bytes=0, all_bytes=1048576, coordinating_operation_bytes=2048, max_coordinating_and_primary_bytes=1048576]"}
			}
		case "down":
			return bulkItem{Status: 503, Type: "unavailable_shards_exception",
				Reason: "[wirewatch-articles-2026.11][0] primary shard is not active Timeout: [1m], request: [BulkShardRequest [[wirewatch-articles-2026.11][0]] containing [1] requests]"}
		}
		return bulkItem{}
	})
	b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.MaxRetries = 2 })

	pub := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var docs []*article.Article
	for _, id := range []string{"ok", "bad", "busy-once", "down", "ok2"} {
		docs = append(docs, &article.Article{ID: id, Title: id, Published: pub, Lang: "en"})
	}
	docs = append(docs, nil, &article.Article{Title: "no id"})
	errs, err := b.Write(context.Background(), docs)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if len(errs) != len(docs) {
		t.Fatalf("got %d item errors for %d docs", len(errs), len(docs))
	}
	for _, i := range []int{0, 2, 4} {
		if errs[i] != nil {
			t.Errorf("%s: unexpected error %v", docs[i].ID, errs[i])
		}
	}

	var bad *Error
	if !errors.As(errs[1], &bad) {
		t.Fatalf("bad: error %v is not an *Error", errs[1])
	}
	if bad.Status != 400 || bad.Type != "mapper_parsing_exception" || !strings.Contains(bad.Reason, "failed to parse field [published]") ||
		!strings.Contains(bad.Cause, "illegal_argument_exception") {
		t.Errorf("bad: got %+v", bad)
	}
	if errors.Is(errs[1], index.ErrRetryable) {
		t.Errorf("bad: a mapping error must not be retryable")
	}

	var down *Error
	if !errors.As(errs[3], &down) || down.Status != 503 || down.Type != "unavailable_shards_exception" {
		t.Errorf("down: got %v", errs[3])
	}
	if !errors.Is(errs[3], index.ErrRetryable) {
		t.Errorf("down: error %v does not wrap index.ErrRetryable", errs[3])
	}
	if errs[5] == nil || errs[6] == nil || errors.Is(errs[5], index.ErrRetryable) || errors.Is(errs[6], index.ErrRetryable) {
		t.Errorf("nil and id-less articles: got %v, %v; want permanent errors", errs[5], errs[6])
	}

	bulk.mu.Lock()
	defer bulk.mu.Unlock()
	wantSeen := map[string]int{"ok": 1, "bad": 1, "busy-once": 2, "down": 3, "ok2": 1}
	for id, n := range wantSeen {
		if bulk.seen[id] != n {
			t.Errorf("%s sent %d times, want %d", id, bulk.seen[id], n)
		}
	}
}

func TestWriteWholeBulkFailure(t *testing.T) {
	tests := []struct {
		name      string
		responses []string // status:body per bulk request, in turn; the last repeats
		wantErr   bool     // items end with a retryable error
		wantCalls int
	}{
		{
			name:      "429 then accepted, retried by the transport",
			responses: []string{`429:{"error":{"root_cause":[{"type":"circuit_breaking_exception","reason":"[parent] Data too large, data for [<http_request>] would be [1023410176/976mb], which is larger than the limit of [1020054732/972.7mb]","bytes_wanted":1023410176,"bytes_limit":1020054732,"durability":"TRANSIENT"}],"type":"circuit_breaking_exception","reason":"[parent] Data too large, data for [<http_request>] would be [1023410176/976mb], which is larger than the limit of [1020054732/972.7mb]","bytes_wanted":1023410176,"bytes_limit":1020054732,"durability":"TRANSIENT"},"status":429}`, "200:"},
			wantCalls: 2,
		},
		{
			name:      "authentication failure is retryable for every item, not a DLQ case",
			responses: []string{`401:{"error":{"root_cause":[{"type":"security_exception","reason":"unable to authenticate user [wirewatch] for REST request [/_bulk]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","ApiKey"]}}],"type":"security_exception","reason":"unable to authenticate user [wirewatch] for REST request [/_bulk]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","ApiKey"]}},"status":401}`},
			wantErr:   true,
			wantCalls: 3, // the transport does not retry a 401; Write's own rounds do (1 + max_retries 2)
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeES(t)
			f.acknowledge()
			f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
			var mu sync.Mutex
			calls := 0
			f.on("POST /_bulk", func(r request) (int, string) {
				mu.Lock()
				defer mu.Unlock()
				resp := tt.responses[min(calls, len(tt.responses)-1)]
				calls++
				status, body, _ := strings.Cut(resp, ":")
				if status == "200" {
					return 200, bulkResponse(parseBulk(t, r.Body), func(bulkAction) bulkItem { return bulkItem{} })
				}
				var code int
				fmt.Sscan(status, &code)
				return code, body
			})
			b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.MaxRetries = 2; c.BulkWorkers = 1 })
			errs, err := b.Write(context.Background(), testArticles()[:2])
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			for i, e := range errs {
				if tt.wantErr != (e != nil) {
					t.Errorf("doc %d: error %v, want error: %t", i, e, tt.wantErr)
				}
				if e != nil && !errors.Is(e, index.ErrRetryable) {
					t.Errorf("doc %d: error %v does not wrap index.ErrRetryable", i, e)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if calls != tt.wantCalls {
				t.Errorf("bulk requests: %d, want %d", calls, tt.wantCalls)
			}
		})
	}
}

func TestWriteKeepsArticleInFirstMonth(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	// a1 was stored in October before its feed moved its date into November.
	f.on("POST /{index}/_search", func(request) (int, string) {
		return 200, `{"took":2,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[{"_index":"wirewatch-articles-2026.10","_id":"a1","_score":null}]}}`
	})
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem { return bulkItem{} })
	b := newTestBackend(t, f, nil)

	docs := testArticles()[:2]
	if errs, err := b.Write(context.Background(), docs); err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("Write: %v %v", errs, err)
	}
	got := map[string]string{}
	for _, a := range bulk.actions {
		got[a.ID] = a.Index
	}
	want := map[string]string{"a1": "wirewatch-articles-2026.10", "a2": "wirewatch-articles-2026.11"}
	for id, idx := range want {
		if got[id] != idx {
			t.Errorf("%s written to %q, want %q", id, got[id], idx)
		}
	}
	for _, r := range f.take() {
		if r.Method == "PUT" && r.Path == "/wirewatch-articles-2026.10" {
			t.Errorf("created the month the lookup found; only unseen months need creating")
		}
	}
}

func TestWriteExistingIndexAndNoAlias(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	// No index yet behind the alias: the lookup's 404 means "nothing stored".
	f.on("POST /{index}/_search", func(r request) (int, string) { return 404, indexNotFound("wirewatch-articles") })
	// Another process created the month first.
	f.on("PUT /{index}", func(r request) (int, string) {
		return 400, alreadyExists(strings.TrimPrefix(r.Path, "/"))
	})
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem { return bulkItem{} })
	b := newTestBackend(t, f, nil)
	errs, err := b.Write(context.Background(), testArticles())
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for i, e := range errs {
		if e != nil {
			t.Errorf("doc %d: %v", i, e)
		}
	}
	if len(bulk.actions) != 3 {
		t.Errorf("bulk actions: %d, want 3", len(bulk.actions))
	}
}

func TestWriteDuplicateIDsInOneCall(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem {
		return bulkItem{Status: 400, Type: "document_parsing_exception", Reason: "[1:52] failed to parse field [location] of type [geo_point]"}
	})
	b := newTestBackend(t, f, nil)
	first := testArticles()[0]
	second := *first
	second.Title = "Updated title"
	errs, err := b.Write(context.Background(), []*article.Article{first, &second})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if len(bulk.actions) != 1 || !strings.Contains(string(bulk.actions[0].Doc), "Updated title") {
		t.Fatalf("want one bulk action with the last version, got %d actions", len(bulk.actions))
	}
	if errs[0] == nil || errs[0] != errs[1] {
		t.Errorf("both copies must share the one result, got %v and %v", errs[0], errs[1])
	}
}

func TestSetupWithRetention(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.Retention = 90 * 24 * time.Hour })
	for range 2 {
		if err := b.Setup(context.Background()); err != nil {
			t.Fatalf("Setup: %v", err)
		}
	}
	golden(t, "setup/retention.txt", transcript(f.take()))
}

func TestSetupFailure(t *testing.T) {
	f := newFakeES(t)
	f.on("PUT /_index_template/{name}", func(request) (int, string) {
		return 400, `{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"unknown setting [index.lifecycle.nam] did you mean [index.lifecycle.name]?"}],"type":"illegal_argument_exception","reason":"unknown setting [index.lifecycle.nam] did you mean [index.lifecycle.name]?"},"status":400}`
	})
	b := newTestBackend(t, f, nil)
	errs, err := b.Write(context.Background(), testArticles())
	var esErr *Error
	if errs != nil || !errors.As(err, &esErr) || esErr.Type != "illegal_argument_exception" || errors.Is(err, index.ErrRetryable) {
		t.Fatalf("Write after a failed setup: %v, %v; want the template error and no item results", errs, err)
	}
	for _, r := range f.take() {
		if r.Path == "/_bulk" {
			t.Errorf("documents were sent although the template could not be installed")
		}
	}
}

// TestWriteConcurrentCalls checks that calls sharing the bulk indexer each get their own
// documents' results, in their own order.
func TestWriteConcurrentCalls(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	var bulk bulkRoute
	bulk.install(t, f, func(a bulkAction, _ int) bulkItem {
		if strings.HasSuffix(a.ID, "7") {
			return bulkItem{Status: 400, Type: "mapper_parsing_exception", Reason: "failed to parse " + a.ID}
		}
		return bulkItem{}
	})
	b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.FlushBytes = 4096 }) // several requests per call
	pub := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var docs []*article.Article
			for i := range 40 {
				docs = append(docs, &article.Article{ID: fmt.Sprintf("g%d-%d", g, i), Title: "t", Text: strings.Repeat("x ", 100), Published: pub})
			}
			errs, err := b.Write(context.Background(), docs)
			if err != nil {
				t.Errorf("goroutine %d: %v", g, err)
				return
			}
			for i, e := range errs {
				bad := strings.HasSuffix(docs[i].ID, "7")
				var esErr *Error
				if bad && (!errors.As(e, &esErr) || esErr.Reason != "failed to parse "+docs[i].ID) {
					t.Errorf("%s: got %v, want its own mapping error", docs[i].ID, e)
				}
				if !bad && e != nil {
					t.Errorf("%s: unexpected error %v", docs[i].ID, e)
				}
			}
		}()
	}
	wg.Wait()
	bulk.mu.Lock()
	defer bulk.mu.Unlock()
	if len(bulk.actions) != 6*40 {
		t.Errorf("%d documents sent, want %d", len(bulk.actions), 6*40)
	}
}

func TestSetupWithoutManagingTemplates(t *testing.T) {
	for _, exists := range []bool{true, false} {
		t.Run(fmt.Sprintf("template exists %t", exists), func(t *testing.T) {
			f := newFakeES(t)
			f.on("HEAD /_index_template/{name}", func(request) (int, string) {
				if exists {
					return 200, ""
				}
				return 404, ""
			})
			b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.ManageTemplates = false })
			err := b.Setup(context.Background())
			if exists != (err == nil) {
				t.Fatalf("Setup: %v (template exists: %t)", err, exists)
			}
			if err != nil && !strings.Contains(err.Error(), "index-template.json") {
				t.Errorf("the error should say how to install the template: %v", err)
			}
			for _, r := range f.take() {
				if r.Method != "HEAD" {
					t.Errorf("with manage_templates off Setup sent %s", r.line())
				}
			}
		})
	}
}
