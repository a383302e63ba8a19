package elastic

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// maxWindow is Elasticsearch's index.max_result_window: from + size may not pass it.
const maxWindow = 10000

// hitSource lists the parts of the stored article a hit needs; the text stays on the server.
var hitSource = []string{
	"doc.id", "doc.title", "doc.url", "doc.source.feed_title", "doc.source.feed_url", "doc.lang",
	"doc.published", "doc.topics", "doc.entities.id", "doc.entities.type", "doc.entities.name",
	"doc.entities.lat", "doc.entities.lon",
	"doc.story_id",
}

// intervals maps index.Request.Interval to date_histogram calendar intervals.
var intervals = map[string]string{"hour": "hour", "day": "day", "week": "week", "month": "month"}

// facetFields are the aggregated fields behind Result.Facets.
var facetFields = map[string]string{
	"entities":  "entity_labels",
	"topics":    "topics",
	"sources":   "source",
	"langs":     "lang",
	"countries": "countries",
}

// Cursor modes: search_after values for each sort, or an offset when collapsing (field
// collapsing cannot page with search_after unless it sorts on the collapse field).
const (
	modeRelevance = "r"
	modeNewest    = "n"
	modeOffset    = "o"
)

// cursor is what Result.Next carries, base64url-encoded JSON. Sort values are kept raw
// so that 64-bit sort keys round-trip exactly.
type cursor struct {
	Mode   string            `json:"m"`
	After  []json.RawMessage `json:"a,omitempty"`
	Offset int               `json:"o,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // raw messages came from a decoded response: always valid
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor given back by a client and checks it fits mode. Every
// failure wraps index.ErrBadRequest.
func decodeCursor(s, mode string) (cursor, error) {
	var c cursor
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, fmt.Errorf("%w: cursor is not base64url: %w", index.ErrBadRequest, err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("%w: cursor is not ours: %w", index.ErrBadRequest, err)
	}
	if c.Mode != mode {
		return c, fmt.Errorf("%w: cursor was made for another sort or collapse setting", index.ErrBadRequest)
	}
	switch mode {
	case modeOffset:
		if c.Offset <= 0 || c.Offset >= maxWindow || len(c.After) != 0 {
			return c, fmt.Errorf("%w: cursor offset %d out of range", index.ErrBadRequest, c.Offset)
		}
	default:
		// relevance: _score, published, id; newest: published, id.
		kinds := map[string][]byte{modeRelevance: []byte("nns"), modeNewest: []byte("ns")}[mode]
		if len(c.After) != len(kinds) || c.Offset != 0 {
			return c, fmt.Errorf("%w: cursor has %d sort values, want %d", index.ErrBadRequest, len(c.After), len(kinds))
		}
		for i, v := range c.After {
			var ok bool
			if kinds[i] == 'n' {
				var n json.Number
				ok = json.Unmarshal(v, &n) == nil && n != ""
			} else {
				var s string
				ok = json.Unmarshal(v, &s) == nil
			}
			if !ok {
				return c, fmt.Errorf("%w: cursor sort value %d has the wrong type", index.ErrBadRequest, i)
			}
		}
	}
	return c, nil
}

// searchBody builds the _search request for req. q is the parsed query, nil for all.
func (b *Backend) searchBody(req index.Request, q query.Node) (dsl, error) {
	size := req.PageSize()
	var filters []any
	if !req.From.IsZero() || !req.To.IsZero() {
		if !req.From.IsZero() && !req.To.IsZero() && !req.From.Before(req.To) {
			return nil, fmt.Errorf("%w: from %s is not before to %s", index.ErrBadRequest, req.From.Format(time.RFC3339), req.To.Format(time.RFC3339))
		}
		filters = append(filters, publishedRange(req.From, req.To))
	}
	boolQ := dsl{}
	if q != nil {
		compiled, err := b.compiler.compileBounded(q)
		if err != nil {
			return nil, err
		}
		boolQ["must"] = []any{compiled}
	}
	if len(filters) > 0 {
		boolQ["filter"] = filters
	}
	// One hit more than asked tells whether another page follows.
	body := dsl{
		"size":             size + 1,
		"track_total_hits": true,
		"_source":          hitSource,
	}
	if req.IDsOnly {
		body["_source"] = false
	}
	if len(boolQ) > 0 {
		body["query"] = dsl{"bool": boolQ}
	} else {
		body["query"] = dsl{"match_all": dsl{}}
	}

	mode := modeRelevance
	sort := []any{"_score", dsl{"published": dsl{"order": "desc"}}, dsl{"id": dsl{"order": "asc"}}}
	if req.Sort == index.SortNewest {
		mode = modeNewest
		sort = sort[1:]
	} else if req.Sort != "" && req.Sort != index.SortRelevance {
		return nil, fmt.Errorf("%w: sort %q is not %s or %s", index.ErrBadRequest, req.Sort, index.SortRelevance, index.SortNewest)
	}
	body["sort"] = sort
	if req.Collapse {
		mode = modeOffset
		body["collapse"] = dsl{
			"field": "collapse_key",
			// Only the size of each group is wanted: the number of other copies of a story.
			"inner_hits": dsl{"name": "copies", "size": 0},
		}
	}
	if req.After != "" {
		c, err := decodeCursor(req.After, mode)
		if err != nil {
			return nil, err
		}
		if mode == modeOffset {
			if c.Offset+size+1 > maxWindow {
				return nil, fmt.Errorf("%w: cannot page past %d collapsed results", index.ErrBadRequest, maxWindow)
			}
			body["from"] = c.Offset
		} else {
			body["search_after"] = c.After
		}
	}

	if q != nil && !req.NoHighlight && !req.IDsOnly {
		fields := dsl{}
		// The .fold sub-fields mark what wildcards and fuzzy terms matched there;
		// mergeHighlights joins their marks with those of the stemmed fields.
		for _, f := range b.compiler.titles {
			fields[f] = dsl{"number_of_fragments": 0}
			fields[query.FoldField(f)] = dsl{"number_of_fragments": 0}
		}
		for _, f := range b.compiler.bodies {
			fields[f] = dsl{"fragment_size": 160, "number_of_fragments": 3}
			fields[query.FoldField(f)] = dsl{"fragment_size": 160, "number_of_fragments": 3}
		}
		body["highlight"] = dsl{
			"pre_tags":  []string{"<mark>"},
			"post_tags": []string{"</mark>"},
			// The text comes from untrusted feeds: fragments are HTML-escaped around the tags.
			"encoder": "html",
			"fields":  fields,
		}
	}

	aggs := dsl{}
	if req.Facets {
		for name, field := range facetFields {
			aggs[name] = dsl{"terms": dsl{"field": field, "size": index.FacetSize}}
		}
	}
	if req.Interval != "" {
		iv, ok := intervals[req.Interval]
		if !ok {
			return nil, fmt.Errorf("%w: interval %q is not hour, day, week or month", index.ErrBadRequest, req.Interval)
		}
		hist := dsl{"field": "published", "calendar_interval": iv, "min_doc_count": 0, "time_zone": "UTC"}
		if !req.From.IsZero() || !req.To.IsZero() {
			bounds := dsl{}
			if !req.From.IsZero() {
				bounds["min"] = ceilMilli(req.From).Format(esTime)
			}
			if !req.To.IsZero() {
				bounds["max"] = ceilMilli(req.To).Add(-time.Millisecond).Format(esTime)
			}
			hist["hard_bounds"] = bounds
		}
		aggs["histogram"] = dsl{"date_histogram": hist}
	}
	if len(aggs) > 0 {
		body["aggs"] = aggs
	}
	return body, nil
}

// searchResponse is the part of a _search answer Search reads.
type searchResponse struct {
	Took int64 `json:"took"`
	Hits struct {
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Hits []struct {
			Index     string              `json:"_index"`
			ID        string              `json:"_id"`
			Score     *float64            `json:"_score"`
			Source    json.RawMessage     `json:"_source"`
			Highlight map[string][]string `json:"highlight"`
			Sort      []json.RawMessage   `json:"sort"`
			InnerHits map[string]struct {
				Hits struct {
					Total struct {
						Value int `json:"value"`
					} `json:"total"`
				} `json:"hits"`
			} `json:"inner_hits"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]json.RawMessage `json:"aggregations"`
}

// hitDoc is the stored article's fields listed in hitSource.
type hitDoc struct {
	Doc struct {
		ID        string         `json:"id"`
		Title     string         `json:"title"`
		URL       string         `json:"url"`
		Source    article.Source `json:"source"`
		Lang      string         `json:"lang"`
		Published time.Time      `json:"published"`
		Topics    []string       `json:"topics"`
		Entities  []struct {
			ID   string   `json:"id"`
			Type string   `json:"type"`
			Name string   `json:"name"`
			Lat  *float64 `json:"lat"`
			Lon  *float64 `json:"lon"`
		} `json:"entities"`
		StoryID string `json:"story_id"`
	} `json:"doc"`
}

// Search runs req (see index.Backend). A query that does not parse is a *query.Error,
// returned before anything is sent; a request the backend cannot run as given wraps
// index.ErrBadRequest.
func (b *Backend) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	start := time.Now()
	var q query.Node
	if strings.TrimSpace(req.Query) != "" {
		var err error
		if q, err = query.Parse(req.Query); err != nil {
			return nil, err
		}
	}
	body, err := b.searchBody(req, q)
	if err != nil {
		return nil, err
	}
	enc, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encoding search: %w", err)
	}
	var res searchResponse
	err = b.do(ctx, "searching", esapi.SearchRequest{Index: []string{b.cfg.IndexPrefix}, Body: bytes.NewReader(enc)}, &res)
	if isIndexNotFound(err) {
		return &index.Result{Hits: []index.Hit{}, Took: time.Since(start)}, nil // nothing indexed yet
	}
	if err != nil {
		return nil, err
	}
	return b.result(req, &res, time.Since(start))
}

// result turns a _search answer into an index.Result.
func (b *Backend) result(req index.Request, res *searchResponse, took time.Duration) (*index.Result, error) {
	size := req.PageSize()
	// Total counts matching articles, also when collapsing (as the Bleve backend does).
	out := &index.Result{Total: res.Hits.Total.Value, Hits: make([]index.Hit, 0, len(res.Hits.Hits)), Took: took}
	for _, h := range res.Hits.Hits {
		if req.IDsOnly {
			hit := index.Hit{ID: h.ID}
			if h.Score != nil {
				hit.Score = *h.Score
			}
			if ih, ok := h.InnerHits["copies"]; ok && ih.Hits.Total.Value > 1 {
				hit.Copies = ih.Hits.Total.Value - 1
			}
			out.Hits = append(out.Hits, hit)
			continue
		}
		var d hitDoc
		if err := json.Unmarshal(h.Source, &d); err != nil {
			return nil, fmt.Errorf("decoding hit %s: %w", h.ID, err)
		}
		hit := index.Hit{
			ID:        h.ID,
			Title:     d.Doc.Title,
			URL:       d.Doc.URL,
			Source:    d.Doc.Source.FeedTitle,
			Lang:      d.Doc.Lang,
			Published: d.Doc.Published,
			Topics:    d.Doc.Topics,
			StoryID:   d.Doc.StoryID,
		}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		for _, e := range d.Doc.Entities {
			hit.Entities = append(hit.Entities, index.EntityRef{ID: e.ID, Type: e.Type, Name: e.Name, Lat: e.Lat, Lon: e.Lon})
		}
		if ih, ok := h.InnerHits["copies"]; ok && ih.Hits.Total.Value > 1 {
			hit.Copies = ih.Hits.Total.Value - 1
		}
		for field, frags := range h.Highlight {
			if hit.Highlights == nil {
				hit.Highlights = map[string][]string{}
			}
			name := highlightField(field)
			hit.Highlights[name] = append(hit.Highlights[name], frags...)
		}
		for name, frags := range hit.Highlights {
			hit.Highlights[name] = mergeHighlights(frags, maxFragments(name))
		}
		out.Hits = append(out.Hits, hit)
	}

	if len(out.Hits) > size {
		out.Hits = out.Hits[:size]
		if req.Collapse {
			offset := 0
			if req.After != "" {
				c, _ := decodeCursor(req.After, modeOffset) // checked by searchBody
				offset = c.Offset
			}
			if next := offset + size; next+size+1 <= maxWindow {
				out.Next = encodeCursor(cursor{Mode: modeOffset, Offset: next})
			}
		} else {
			mode := modeRelevance
			if req.Sort == index.SortNewest {
				mode = modeNewest
			}
			if last := res.Hits.Hits[size-1].Sort; len(last) > 0 {
				out.Next = encodeCursor(cursor{Mode: mode, After: last})
			}
		}
	}

	if req.Facets {
		out.Facets = map[string][]index.Count{}
		for name := range facetFields {
			counts, err := termCounts(res.Aggregations[name])
			if err != nil {
				return nil, fmt.Errorf("decoding facet %s: %w", name, err)
			}
			if name == "entities" {
				for i, c := range counts {
					counts[i].Value, counts[i].Label, _ = strings.Cut(c.Value, labelSep)
				}
			}
			out.Facets[name] = counts
		}
	}
	if req.Interval != "" {
		var hist struct {
			Buckets []struct {
				Key      int64 `json:"key"`
				DocCount int   `json:"doc_count"`
			} `json:"buckets"`
		}
		if raw, ok := res.Aggregations["histogram"]; ok {
			if err := json.Unmarshal(raw, &hist); err != nil {
				return nil, fmt.Errorf("decoding histogram: %w", err)
			}
		}
		out.Histogram = make([]index.Bucket, 0, len(hist.Buckets))
		for _, bk := range hist.Buckets {
			out.Histogram = append(out.Histogram, index.Bucket{Start: time.UnixMilli(bk.Key).UTC(), Count: bk.DocCount})
		}
	}
	return out, nil
}

// termCounts reads a terms aggregation's buckets. A missing aggregation is no counts.
func termCounts(raw json.RawMessage) ([]index.Count, error) {
	counts := []index.Count{}
	if len(raw) == 0 {
		return counts, nil
	}
	var agg struct {
		Buckets []struct {
			Key      json.RawMessage `json:"key"`
			DocCount int             `json:"doc_count"`
		} `json:"buckets"`
	}
	if err := json.Unmarshal(raw, &agg); err != nil {
		return nil, err
	}
	for _, bk := range agg.Buckets {
		var v string
		if err := json.Unmarshal(bk.Key, &v); err != nil {
			v = string(bk.Key) // a numeric key, should a mapping ever make one
		}
		counts = append(counts, index.Count{Value: v, Count: bk.DocCount})
	}
	slices.SortStableFunc(counts, func(a, b index.Count) int { return b.Count - a.Count })
	return counts, nil
}

// Get returns the article stored under id, or an error wrapping index.ErrNotFound. Months
// are separate indices, so it searches the alias by ID rather than GET _doc (which needs
// one concrete index); like a search it sees writes once they are refreshed.
func (b *Backend) Get(ctx context.Context, id string) (*article.Article, error) {
	body, err := json.Marshal(dsl{
		"query":   dsl{"ids": dsl{"values": []string{id}}},
		"size":    1,
		"_source": []string{"doc"},
	})
	if err != nil {
		return nil, fmt.Errorf("encoding get %s: %w", id, err)
	}
	var res struct {
		Hits struct {
			Hits []struct {
				Source struct {
					Doc json.RawMessage `json:"doc"`
				} `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	err = b.do(ctx, "getting article "+id, esapi.SearchRequest{Index: []string{b.cfg.IndexPrefix}, Body: bytes.NewReader(body)}, &res)
	if isIndexNotFound(err) || (err == nil && len(res.Hits.Hits) == 0) {
		return nil, fmt.Errorf("getting article %s: %w", id, index.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	a, err := article.Decode(res.Hits.Hits[0].Source.Doc)
	if err != nil {
		return nil, fmt.Errorf("getting article %s: %w", id, err)
	}
	return a, nil
}

// maxFragments is how many highlight fragments a hit keeps of a field: the whole title,
// up to three pieces of the body (as requested).
func maxFragments(name string) int {
	if name == "title" {
		return 1
	}
	return 3
}

// mergeHighlights joins the fragments that a text field and its .fold sub-field return
// for the same stretch of text, marking every word either marked, and keeps at most
// limit fragments, in the order first seen. Fragments are HTML-escaped text with
// <mark>…</mark> around matches.
func mergeHighlights(frags []string, limit int) []string {
	if len(frags) < 2 {
		return frags
	}
	type merged struct {
		plain  string
		marked []bool // per byte of plain
	}
	var out []*merged
	byPlain := map[string]*merged{}
	for _, f := range frags {
		plain, marked := unmark(f)
		m := byPlain[plain]
		if m == nil {
			m = &merged{plain: plain, marked: marked}
			byPlain[plain] = m
			out = append(out, m)
			continue
		}
		for i, on := range marked {
			m.marked[i] = m.marked[i] || on
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	res := make([]string, len(out))
	for i, m := range out {
		var b strings.Builder
		for j := 0; j < len(m.plain); j++ {
			if m.marked[j] && (j == 0 || !m.marked[j-1]) {
				b.WriteString(markOpen)
			}
			b.WriteByte(m.plain[j])
			if m.marked[j] && (j == len(m.plain)-1 || !m.marked[j+1]) {
				b.WriteString(markClose)
			}
		}
		res[i] = b.String()
	}
	return res
}

const markOpen, markClose = "<mark>", "</mark>"

// unmark returns a highlight fragment without its mark tags, and which bytes were marked.
func unmark(frag string) (string, []bool) {
	var b strings.Builder
	var marked []bool
	on := false
	for i := 0; i < len(frag); {
		switch {
		case strings.HasPrefix(frag[i:], markOpen):
			on, i = true, i+len(markOpen)
		case strings.HasPrefix(frag[i:], markClose):
			on, i = false, i+len(markClose)
		default:
			b.WriteByte(frag[i])
			marked = append(marked, on)
			i++
		}
	}
	return b.String(), marked
}
