package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// esDoc is the indexed form of an article, less its per-language title_/body_ fields,
// which encodeDoc adds. Field names match the Bleve backend's.
type esDoc struct {
	ID           string     `json:"id"`
	URL          string     `json:"url,omitempty"`
	Lang         string     `json:"lang"`
	Source       []string   `json:"source,omitempty"`
	SourceURL    []string   `json:"source_url,omitempty"`
	Authors      []string   `json:"authors,omitempty"`
	Entities     []string   `json:"entities,omitempty"`
	EntityLabels []string   `json:"entity_labels,omitempty"` // "ID\tName", for labelled facets
	EntityNames  []string   `json:"entity_names,omitempty"`
	Topics       []string   `json:"topics,omitempty"`
	Countries    []string   `json:"countries,omitempty"`
	StoryID      string     `json:"story_id,omitempty"`
	CollapseKey  string     `json:"collapse_key"`
	Location     []geoPoint `json:"location,omitempty"`
	Published    *time.Time `json:"published,omitempty"`
	Fetched      *time.Time `json:"fetched,omitempty"`
	// The stored article, "doc", is spliced in by encodeDoc rather than marshalled here:
	// json.Marshal would re-validate and compact it, the largest part of the document.
}

type geoPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// labelSep joins an entity ID and its name in entity_labels; IDs never contain a tab.
const labelSep = "\t"

// fieldLang is the language key whose fields hold a's text: its primary language tag
// when configured, else "und".
func (b *Backend) fieldLang(a *article.Article) string {
	if l := query.LangValue(a); b.hasLng[l] {
		return l
	}
	return undLang
}

// encodeDoc returns the JSON document stored for a. Every indexed value comes from the
// helpers of package query, which the Bleve backend and the stream matcher use too.
func (b *Backend) encodeDoc(a *article.Article) ([]byte, error) {
	full := *a
	full.SchemaVersion = article.SchemaVersion
	raw, err := json.Marshal(&full)
	if err != nil {
		return nil, fmt.Errorf("encoding article %s: %w", a.ID, err)
	}
	kw := query.KeywordValues(a)
	published := query.PublishedTime(a)
	d := esDoc{
		ID:          a.ID,
		URL:         a.URL,
		Lang:        query.LangValue(a),
		Source:      kw[query.IndexSource],
		SourceURL:   kw[query.IndexSourceURL],
		Authors:     kw[query.IndexAuthors],
		Entities:    kw[query.IndexEntities],
		EntityNames: kw[query.IndexEntityNames],
		Topics:      kw[query.IndexTopics],
		Countries:   kw[query.IndexCountries],
		StoryID:     a.StoryID,
		CollapseKey: strings.ToLower(a.StoryID),
		Published:   &published,
	}
	if d.CollapseKey == "" {
		// Elasticsearch collapses all documents missing the field into one group;
		// an article without a story is a story of its own. Story IDs compare without
		// case (story:S1 finds s1), so collapsing does too; "article:" keeps an article
		// ID from meeting a story ID.
		d.CollapseKey = "article:" + a.ID
	}
	seen := map[string]bool{}
	for _, e := range a.Entities {
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		d.EntityLabels = append(d.EntityLabels, e.ID+labelSep+e.Name)
		if e.Lat != nil && e.Lon != nil && validGeo(*e.Lat, *e.Lon) {
			d.Location = append(d.Location, geoPoint{Lat: *e.Lat, Lon: *e.Lon})
		}
	}
	if !a.Fetched.IsZero() {
		t := a.Fetched.UTC()
		d.Fetched = &t
	}
	body, err := json.Marshal(&d)
	if err != nil {
		return nil, fmt.Errorf("encoding article %s: %w", a.ID, err)
	}
	lang := b.fieldLang(a)
	text, err := json.Marshal(map[string]string{query.TitleField(lang): a.Title, query.BodyField(lang): query.BodyText(a)})
	if err != nil {
		return nil, fmt.Errorf("encoding article %s: %w", a.ID, err)
	}
	// Splice the language fields in front and the article at the end:
	// {"body_xx":…,"title_xx":…,"id":…,…,"doc":{…}}.
	out := make([]byte, 0, len(text)+len(body)+len(raw)+8)
	out = append(out, text[:len(text)-1]...)
	out = append(out, ',')
	out = append(out, body[1:len(body)-1]...)
	out = append(out, `,"doc":`...)
	out = append(out, raw...)
	out = append(out, '}')
	return out, nil
}

// validGeo rejects coordinates Elasticsearch would refuse, which would fail the whole document.
func validGeo(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// docMonth is the time that picks a new article's monthly index: query.PublishedTime,
// except that an article with neither date goes to the current month, not to 1970.
func docMonth(a *article.Article) time.Time {
	if a.Published.IsZero() && a.Fetched.IsZero() {
		return time.Now().UTC()
	}
	return query.PublishedTime(a)
}

// pending is one document on its way to a bulk request.
type pending struct {
	pos   int // index into Write's docs
	id    string
	index string
	body  []byte
}

// Write stores docs (see index.Backend). Per-document failures are *Error values carrying
// the cluster's error type and reason: permanent ones (a mapping conflict, a malformed
// document) are returned at once; 429 and 5xx rejections are retried with backoff up to
// max_retries times and, if they still fail, returned wrapping
// index.ErrRetryable. A bulk request that fails as a whole (network, authentication, the
// cluster down) is a cluster problem, not a document problem: its documents get errors
// wrapping index.ErrRetryable so they are retried, never sent to the DLQ.
func (b *Backend) Write(ctx context.Context, docs []*article.Article) ([]error, error) {
	errs := make([]error, len(docs))
	if len(docs) == 0 {
		return errs, nil
	}
	if err := b.Setup(ctx); err != nil {
		return nil, err
	}
	// One document per ID, the last one given: bulk workers run in parallel, so two
	// versions in one call would race.
	last := make(map[string]int, len(docs))
	for i, a := range docs {
		switch {
		case a == nil:
			errs[i] = fmt.Errorf("indexing document %d: nil article", i)
		case a.ID == "":
			errs[i] = fmt.Errorf("indexing document %d (%q): article has no id", i, a.URL)
		default:
			last[a.ID] = i
		}
	}
	ids := make([]string, 0, len(last))
	for i, a := range docs {
		if a != nil && a.ID != "" && last[a.ID] == i {
			ids = append(ids, a.ID)
		}
	}
	stored, err := b.lookup(ctx, ids)
	if err != nil {
		return nil, err
	}
	items := make([]pending, 0, len(ids))
	for _, id := range ids {
		i := last[id]
		a := docs[i]
		body, err := b.encodeDoc(a)
		if err != nil {
			errs[i] = err
			continue
		}
		name, ok := stored[id]
		if !ok {
			month := docMonth(a)
			name = b.monthIndex(month)
			if err := b.ensureIndex(ctx, name, month); err != nil {
				return nil, err
			}
		}
		items = append(items, pending{pos: i, id: id, index: name, body: body})
	}

	for attempt := 0; len(items) > 0; attempt++ {
		results, err := b.send(ctx, items)
		if err != nil {
			return nil, err
		}
		var again []pending
		for k, it := range items {
			errs[it.pos] = results[k]
			if results[k] != nil && errors.Is(results[k], index.ErrRetryable) {
				again = append(again, it)
			}
		}
		if len(again) == 0 || attempt >= b.cfg.MaxRetries {
			break
		}
		wait := backoff(b.cfg.RetryBackoff, attempt+1)
		b.log.Warn("cluster rejected documents, retrying", "server", b.fl.name, "count", len(again), "attempt", attempt+1, "wait", wait)
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, err
		}
		items = again
	}
	for i, a := range docs {
		if a != nil && a.ID != "" && last[a.ID] != i {
			errs[i] = errs[last[a.ID]]
		}
	}
	return errs, nil
}

// send runs one round of items through the bulk indexer and returns their results in order.
func (b *Backend) send(ctx context.Context, items []pending) ([]error, error) {
	var (
		mu      sync.Mutex
		results = make([]error, len(items))
		done    = make([]bool, len(items))
	)
	for k, it := range items {
		k, it := k, it
		err := b.bulk.Add(ctx, esutil.BulkIndexerItem{
			Index:      it.index,
			Action:     "index",
			DocumentID: it.id,
			Body:       bytes.NewReader(it.body),
			OnSuccess: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) {
				mu.Lock()
				done[k] = true
				mu.Unlock()
			},
			OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
				var itemErr error
				if err != nil {
					itemErr = fmt.Errorf("indexing article %s: %w: %w", it.id, index.ErrRetryable, err)
				} else {
					e := &Error{Server: b.fl.name, Status: res.Status, Type: res.Error.Type, Reason: res.Error.Reason, Op: "indexing article " + it.id}
					if c := res.Error.Cause; c.Type != "" || c.Reason != "" {
						e.Cause = strings.TrimSpace(c.Type + ": " + c.Reason)
					}
					itemErr = e
				}
				mu.Lock()
				done[k], results[k] = true, itemErr
				mu.Unlock()
			},
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("queueing article %s for bulk: %w", it.id, err)
		}
	}
	// Flush returns once every worker has sent what it held, and every callback above has run.
	if err := b.bulk.Flush(ctx); err != nil {
		return nil, fmt.Errorf("flushing bulk requests: %w", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for k := range items {
		if !done[k] {
			results[k] = fmt.Errorf("indexing article %s: %w: no result for it in the bulk response", items[k].id, index.ErrRetryable)
		}
	}
	return results, nil
}

// lookupChunk bounds one ids query well under index.max_result_window (10 000).
const lookupChunk = 1000

// lookup returns the index that already holds each of ids, for those stored before.
// It searches the alias, so it sees documents once refreshed (within a second by default).
func (b *Backend) lookup(ctx context.Context, ids []string) (map[string]string, error) {
	found := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += lookupChunk {
		chunk := ids[start:min(start+lookupChunk, len(ids))]
		body, err := json.Marshal(map[string]any{
			"query":            map[string]any{"ids": map[string]any{"values": chunk}},
			"size":             len(chunk),
			"_source":          false,
			"track_total_hits": false,
		})
		if err != nil {
			return nil, fmt.Errorf("encoding id lookup: %w", err)
		}
		var res struct {
			Hits struct {
				Hits []struct {
					Index string `json:"_index"`
					ID    string `json:"_id"`
				} `json:"hits"`
			} `json:"hits"`
		}
		req := esapi.SearchRequest{
			Index:      []string{b.cfg.IndexPrefix},
			Body:       bytes.NewReader(body),
			FilterPath: []string{"hits.hits._index", "hits.hits._id"},
		}
		err = b.do(ctx, "looking up stored articles", req, &res)
		if isIndexNotFound(err) {
			return found, nil // nothing written yet: the alias appears with the first index
		}
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits.Hits {
			// Two copies can only come from a race between writers (see the package
			// comment); keep writing to the older month so the pair does not grow.
			if prev, ok := found[h.ID]; !ok || h.Index < prev {
				found[h.ID] = h.Index
			}
		}
	}
	return found, nil
}

func isIndexNotFound(err error) bool {
	var esErr *Error
	return errors.As(err, &esErr) && esErr.Status == http.StatusNotFound && esErr.Type == "index_not_found_exception"
}
