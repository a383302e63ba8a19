package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

var (
	pubA1 = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
	pubA2 = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	day20 = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	day21 = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
)

// searchAnswer is a real _search response for "Latchine OR Lachin" with facets, a daily
// histogram and two hits (sorted by relevance: _score, published, id).
var searchAnswer = fmt.Sprintf(`{
  "took": 7, "timed_out": false,
  "_shards": {"total": 2, "successful": 2, "skipped": 0, "failed": 0},
  "hits": {
    "total": {"value": 57, "relation": "eq"},
    "max_score": 1.3862942,
    "hits": [
      {"_index": "wirewatch-articles-2026.11", "_id": "a1", "_score": 1.3862942,
       "_source": {"doc": {"id": "a1", "title": "Le corridor de Latchine <fermé>", "url": "https://lemonde.example/lachin",
         "source": {"feed_url": "https://lemonde.example/rss", "feed_title": "Le Monde"}, "lang": "fr",
         "published": "2026-11-20T08:30:00Z", "topics": ["lachin-corridor"],
         "entities": [{"id": "Q399", "type": "LOC", "name": "Armenia"}], "story_id": "s1"}},
       "highlight": {
         "title_fr": ["Le corridor de <mark>Latchine</mark> &lt;fermé&gt;"],
         "body_fr": ["Le blocus du corridor de <mark>Latchine</mark> continue."]},
       "sort": [1.3862942, %d, "a1"]},
      {"_index": "wirewatch-articles-2026.11", "_id": "a2", "_score": 0.2876821,
       "_source": {"doc": {"id": "a2", "title": "Lachin corridor closed", "url": "https://bbc.example/lachin",
         "source": {"feed_url": "https://bbc.example/rss"}, "lang": "en", "published": "2026-11-20T09:30:00Z", "story_id": "s1"}},
       "highlight": {"title_en": ["<mark>Lachin</mark> corridor closed"]},
       "sort": [0.2876821, %d, "a2"]}
    ]
  },
  "aggregations": {
    "entities": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
      "buckets": [{"key": "Q399\tArmenia", "doc_count": 31}, {"key": "Q1\tAzerbaijan", "doc_count": 12}]},
    "topics": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [{"key": "lachin-corridor", "doc_count": 40}]},
    "sources": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 3,
      "buckets": [{"key": "Le Monde", "doc_count": 20}, {"key": "https://bbc.example/rss", "doc_count": 15}]},
    "langs": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
      "buckets": [{"key": "fr", "doc_count": 30}, {"key": "en", "doc_count": 27}]},
    "countries": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
    "histogram": {"buckets": [
      {"key_as_string": "2026-11-20T00:00:00.000Z", "key": %d, "doc_count": 50},
      {"key_as_string": "2026-11-21T00:00:00.000Z", "key": %d, "doc_count": 7}]}
  }
}`, pubA1.UnixMilli(), pubA2.UnixMilli(), day20.UnixMilli(), day21.UnixMilli())

// collapsedAnswer is a real collapsed answer: the top article of story s1 with its inner
// hits count, then an article without a story.
const collapsedAnswer = `{
  "took": 4, "timed_out": false,
  "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
  "hits": {
    "total": {"value": 3, "relation": "eq"},
    "max_score": null,
    "hits": [
      {"_index": "wirewatch-articles-2026.11", "_id": "a2", "_score": null,
       "_source": {"doc": {"id": "a2", "title": "Lachin corridor closed", "url": "https://bbc.example/lachin",
         "source": {"feed_url": "https://bbc.example/rss"}, "lang": "en", "published": "2026-11-20T09:30:00Z", "story_id": "s1"}},
       "fields": {"collapse_key": ["s1"]},
       "sort": [1763631000000, "a2"],
       "inner_hits": {"copies": {"hits": {"total": {"value": 2, "relation": "eq"}, "max_score": null, "hits": []}}}},
      {"_index": "wirewatch-articles-2026.10", "_id": "a3", "_score": null,
       "_source": {"doc": {"id": "a3", "title": "Լաչինի միջանցք", "url": "https://armenpress.example/1",
         "source": {"feed_url": "https://armenpress.example/rss", "feed_title": "Armenpress"}, "lang": "hy", "published": "2026-10-31T23:59:00Z"}},
       "fields": {"collapse_key": ["article:a3"]},
       "sort": [1793577540000, "a3"],
       "inner_hits": {"copies": {"hits": {"total": {"value": 1, "relation": "eq"}, "max_score": null, "hits": []}}}}
    ]
  }
}`

func TestSearch(t *testing.T) {
	f := newFakeES(t)
	f.on("POST /{index}/_search", func(request) (int, string) { return 200, searchAnswer })
	b := newTestBackend(t, f, nil)

	// Size 1: the answer's second hit only tells that another page follows.
	req := index.Request{Query: "Latchine OR Lachin", Size: 1, Facets: true, Interval: "day",
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	res, err := b.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if res.Total != 57 || len(res.Hits) != 1 {
		t.Fatalf("got total %d and %d hits, want 57 and 1", res.Total, len(res.Hits))
	}
	wantHit := index.Hit{
		ID: "a1", Score: 1.3862942, Title: "Le corridor de Latchine <fermé>", URL: "https://lemonde.example/lachin",
		Source: "Le Monde", Lang: "fr", Published: pubA1, Topics: []string{"lachin-corridor"},
		Entities: []index.EntityRef{{ID: "Q399", Type: "LOC", Name: "Armenia"}}, StoryID: "s1",
		Highlights: map[string][]string{
			"title": {"Le corridor de <mark>Latchine</mark> &lt;fermé&gt;"},
			"body":  {"Le blocus du corridor de <mark>Latchine</mark> continue."},
		},
	}
	if !reflect.DeepEqual(res.Hits[0], wantHit) {
		t.Errorf("hit 0:\n got %+v\nwant %+v", res.Hits[0], wantHit)
	}
	wantEntities := []index.Count{{Value: "Q399", Label: "Armenia", Count: 31}, {Value: "Q1", Label: "Azerbaijan", Count: 12}}
	if !reflect.DeepEqual(res.Facets["entities"], wantEntities) {
		t.Errorf("entities facet: got %+v, want %+v", res.Facets["entities"], wantEntities)
	}
	if got := res.Facets["langs"]; len(got) != 2 || got[0] != (index.Count{Value: "fr", Count: 30}) {
		t.Errorf("langs facet: got %+v", got)
	}
	if got, ok := res.Facets["countries"]; !ok || len(got) != 0 {
		t.Errorf("countries facet: got %+v, want present and empty", got)
	}
	wantHist := []index.Bucket{{Start: day20, Count: 50}, {Start: day21, Count: 7}}
	if !reflect.DeepEqual(res.Histogram, wantHist) {
		t.Errorf("histogram: got %+v, want %+v", res.Histogram, wantHist)
	}
	if res.Next == "" {
		t.Fatalf("a full page must give a cursor")
	}

	// The cursor carries the last hit's sort values, unchanged, into search_after.
	req.After = res.Next
	if _, err := b.Search(context.Background(), req); err != nil {
		t.Fatalf("Search page 2: %v", err)
	}
	reqs := f.take()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	var page2 struct {
		SearchAfter json.RawMessage `json:"search_after"`
	}
	if err := json.Unmarshal(reqs[1].Body, &page2); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`[1.3862942,%d,"a1"]`, pubA1.UnixMilli()); string(page2.SearchAfter) != want {
		t.Errorf("search_after: got %s, want %s", page2.SearchAfter, want)
	}
	golden(t, "search/facets-histogram.txt", transcript(reqs[:1]))
}

func TestSearchRequestBodies(t *testing.T) {
	tests := []struct {
		name string
		req  index.Request
	}{
		{"empty-query-newest", index.Request{Sort: index.SortNewest}},
		{"range-only", index.Request{From: day20, To: day21, Size: 5}},
		{"collapse", index.Request{Query: "lang:en", Collapse: true, Sort: index.SortNewest, Size: 1}},
		{"size capped at 500", index.Request{Size: 100000, Sort: index.SortNewest}},
	}
	var all []request
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeES(t)
			f.on("POST /{index}/_search", func(request) (int, string) { return 200, collapsedAnswer })
			b := newTestBackend(t, f, nil)
			if _, err := b.Search(context.Background(), tt.req); err != nil {
				t.Fatalf("Search: %v", err)
			}
			all = append(all, f.take()...)
		})
	}
	golden(t, "search/bodies.txt", transcript(all))
}

func TestSearchCollapse(t *testing.T) {
	f := newFakeES(t)
	f.on("POST /{index}/_search", func(request) (int, string) { return 200, collapsedAnswer })
	b := newTestBackend(t, f, nil)
	req := index.Request{Query: "lang:en", Collapse: true, Sort: index.SortNewest, Size: 1}
	res, err := b.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if res.Total != 3 || len(res.Hits) != 1 || res.Hits[0].Copies != 1 || res.Hits[0].Score != 0 {
		t.Fatalf("got total %d, hits %+v; want 3 articles and one hit with 1 copy", res.Total, res.Hits)
	}
	if res.Next == "" {
		t.Fatal("no cursor although a second story remains")
	}
	req.After = res.Next
	if _, err := b.Search(context.Background(), req); err != nil {
		t.Fatalf("Search page 2: %v", err)
	}
	reqs := f.take()
	var page2 struct {
		From        int             `json:"from"`
		SearchAfter json.RawMessage `json:"search_after"`
	}
	if err := json.Unmarshal(reqs[1].Body, &page2); err != nil {
		t.Fatal(err)
	}
	if page2.From != 1 || page2.SearchAfter != nil {
		t.Errorf("collapsed page 2 must use from=1 and no search_after, got from=%d search_after=%s", page2.From, page2.SearchAfter)
	}
	// A collapse cursor is refused for an uncollapsed search.
	req.Collapse = false
	if _, err := b.Search(context.Background(), req); !errors.Is(err, index.ErrBadRequest) {
		t.Errorf("collapse cursor on a plain search: got %v, want index.ErrBadRequest", err)
	}
}

func TestSearchRefusesBeforeSending(t *testing.T) {
	tests := []struct {
		name      string
		req       index.Request
		wantQuery bool // a *query.Error; else index.ErrBadRequest
	}{
		{"unclosed group", index.Request{Query: "title:(Lachin"}, true},
		{"range on a text field", index.Request{Query: "title:[a TO b]"}, true},
		{"unknown interval", index.Request{Interval: "fortnight"}, false},
		{"unknown sort", index.Request{Sort: "oldest"}, false},
		{"from after to", index.Request{From: day21, To: day20}, false},
		{"garbage cursor", index.Request{After: "!!!"}, false},
		{"cursor of another sort", index.Request{After: encodeCursor(cursor{Mode: modeNewest, After: []json.RawMessage{[]byte("1"), []byte(`"x"`)}})}, false},
		{"cursor with wrong types", index.Request{After: encodeCursor(cursor{Mode: modeRelevance, After: []json.RawMessage{[]byte(`"x"`), []byte("1"), []byte(`"y"`)}})}, false},
	}
	f := newFakeES(t)
	b := newTestBackend(t, f, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Search(context.Background(), tt.req)
			var qe *query.Error
			if tt.wantQuery && !errors.As(err, &qe) {
				t.Errorf("got %v, want a *query.Error", err)
			}
			if !tt.wantQuery && !errors.Is(err, index.ErrBadRequest) {
				t.Errorf("got %v, want index.ErrBadRequest", err)
			}
			if reqs := f.take(); len(reqs) != 0 {
				t.Errorf("%d requests sent for a request refused locally", len(reqs))
			}
		})
	}
}

func TestSearchErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		wantType  string
		retryable bool
		empty     bool // no error: an empty result
	}{
		{
			name:     "bad query",
			status:   400,
			body:     `{"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query: Can only use wildcard queries on keyword, text and wildcard fields - not on [published] which is of type [date]","index_uuid":"x1","index":"wirewatch-articles-2026.11"}],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[{"shard":0,"index":"wirewatch-articles-2026.11","node":"n1","reason":{"type":"query_shard_exception","reason":"failed to create query","index_uuid":"x1","index":"wirewatch-articles-2026.11"}}]},"status":400}`,
			wantType: "search_phase_execution_exception",
		},
		{
			name:      "cluster overloaded",
			status:    503,
			body:      `{"error":{"root_cause":[],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[]},"status":503}`,
			wantType:  "search_phase_execution_exception",
			retryable: true,
		},
		{name: "nothing indexed yet", status: 404, body: indexNotFound("wirewatch-articles"), empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeES(t)
			f.on("POST /{index}/_search", func(request) (int, string) { return tt.status, tt.body })
			b := newTestBackend(t, f, nil)
			res, err := b.Search(context.Background(), index.Request{Query: "Lachin"})
			if tt.empty {
				if err != nil || res.Total != 0 || len(res.Hits) != 0 {
					t.Fatalf("got %+v, %v; want an empty result", res, err)
				}
				return
			}
			var esErr *Error
			if !errors.As(err, &esErr) || esErr.Type != tt.wantType || esErr.Status != tt.status {
				t.Fatalf("got %v, want an *Error %d %s", err, tt.status, tt.wantType)
			}
			if errors.Is(err, index.ErrRetryable) != tt.retryable {
				t.Errorf("retryable: got %t, want %t", !tt.retryable, tt.retryable)
			}
		})
	}
}

func TestGet(t *testing.T) {
	stored := testArticles()[0]
	f := newFakeES(t)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem { return bulkItem{} })
	b := newTestBackend(t, f, nil)
	if _, err := b.Write(context.Background(), testArticles()[:1]); err != nil {
		t.Fatal(err)
	}
	// Answer the get with the document exactly as it was sent in the bulk request.
	f.on("POST /{index}/_search", func(r request) (int, string) {
		if strings.Contains(string(r.Body), `"a1"`) {
			return 200, fmt.Sprintf(`{"took":1,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"total":{"value":1,"relation":"eq"},"max_score":1.0,"hits":[{"_index":%q,"_id":"a1","_score":1.0,"_source":%s}]}}`,
				bulk.actions[0].Index, bulk.actions[0].Doc)
		}
		return 200, `{"took":1,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}}`
	})
	f.take()
	got, err := b.Get(context.Background(), "a1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	stored.SchemaVersion = 1
	if !reflect.DeepEqual(got, stored) {
		t.Errorf("Get returned\n %+v\nwant\n %+v", got, stored)
	}
	if _, err := b.Get(context.Background(), "nope"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("Get(unknown): got %v, want ErrNotFound", err)
	}
	golden(t, "get.txt", transcript(f.take()))

	f.on("POST /{index}/_search", func(request) (int, string) { return 404, indexNotFound("wirewatch-articles") })
	if _, err := b.Get(context.Background(), "a1"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("Get with no index yet: got %v, want ErrNotFound", err)
	}
}

func TestProductCheck(t *testing.T) {
	// A server that answers like Elasticsearch but without X-Elastic-Product is refused by
	// the client, as in production; the fake cluster sends the header.
	f := newFakeES(t)
	f.on("POST /{index}/_search", func(request) (int, string) { return 200, searchAnswer })
	impostor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, searchAnswer)
	}))
	defer impostor.Close()
	b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.URLs = []string{impostor.URL} })
	if _, err := b.Search(context.Background(), index.Request{}); err == nil || !strings.Contains(err.Error(), "not Elasticsearch") {
		t.Fatalf("a server without X-Elastic-Product: Elasticsearch: got %v, want the client's product check error", err)
	}
	if _, err := newTestBackend(t, f, nil).Search(context.Background(), index.Request{}); err != nil {
		t.Fatalf("the fake cluster fails the product check: %v", err)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(cursor{Mode: modeRelevance, After: []json.RawMessage{[]byte("1.5"), []byte("-9223372036854775808"), []byte(`"a1"`)}}), modeRelevance)
	f.Add(encodeCursor(cursor{Mode: modeOffset, Offset: 20}), modeOffset)
	f.Add("e30", modeNewest)
	f.Add("", modeNewest)
	f.Fuzz(func(t *testing.T, s, mode string) {
		c, err := decodeCursor(s, mode)
		if err != nil {
			if !errors.Is(err, index.ErrBadRequest) {
				t.Fatalf("error %v does not wrap index.ErrBadRequest", err)
			}
			return
		}
		// An accepted cursor re-encodes to one that is accepted again and equal.
		c2, err := decodeCursor(encodeCursor(c), mode)
		if err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("cursor %q accepted but does not round-trip: %+v / %+v, %v", s, c, c2, err)
		}
	})
}

// FuzzSearchResponse feeds answers to the code that reads them: whatever the cluster (or
// something pretending to be one) sends, reading it returns a result or an error.
func FuzzSearchResponse(f *testing.F) {
	f.Add(searchAnswer, 1, true)
	f.Add(collapsedAnswer, 1, false)
	f.Add(`{"hits":{"hits":[{"_id":"x","_source":{"doc":{"published":"yesterday"}}}]}}`, 0, false)
	f.Add(`{"aggregations":{"entities":{"buckets":[{"key":7,"doc_count":1}]},"histogram":{"buckets":[{"key":"x"}]}}}`, 5, true)
	b := &Backend{} // result reads only the answer
	f.Fuzz(func(t *testing.T, body string, size int, collapse bool) {
		var res searchResponse
		if json.Unmarshal([]byte(body), &res) != nil {
			return
		}
		req := index.Request{Size: size, Collapse: collapse, Facets: true, Interval: "day"}
		if _, err := b.result(req, &res, 0); err != nil {
			return
		}
	})
}

// IDsOnly asks Elasticsearch for no _source and no highlights, and the hits carry their ID
// and score alone.
func TestSearchIDsOnly(t *testing.T) {
	f := newFakeES(t)
	f.on("POST /{index}/_search", func(request) (int, string) { return 200, searchAnswer })
	b := newTestBackend(t, f, nil)
	res, err := b.Search(context.Background(), index.Request{Query: "Latchine OR Lachin", Size: 1, IDsOnly: true})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if want := (index.Hit{ID: "a1", Score: 1.3862942}); len(res.Hits) != 1 || !reflect.DeepEqual(res.Hits[0], want) {
		t.Errorf("hits %+v, want only %+v", res.Hits, want)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(f.take()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if string(body["_source"]) != "false" {
		t.Errorf("_source %s, want false", body["_source"])
	}
	if h, ok := body["highlight"]; ok {
		t.Errorf("highlight %s asked for, want none", h)
	}
}
