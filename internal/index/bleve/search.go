package bleve

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

const (
	// collapseFactor bounds how many articles a collapsed page reads per round, as a
	// multiple of the page size.
	collapseFactor = 5
	// maxHistogramBuckets bounds gap filling in the date histogram.
	maxHistogramBuckets = 10000
	// maxTermSearchers bounds the indexed terms one search reads, over every field and
	// every wildcard's expansion: the last bound on memory behind the query language's
	// limits (query.MaxWildcards and the others).
	maxTermSearchers = 50000
)

// cursor is the decoded Result.Next: where the previous page stopped, in the sort order
// it was made for.
type cursor struct {
	Sort     string   `json:"s"`
	After    []string `json:"a"`
	Collapse bool     `json:"c,omitempty"`
}

func (c cursor) encode() string {
	raw, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err == nil && len(c.After) != 2 {
		err = fmt.Errorf("%d sort values", len(c.After))
	}
	if err != nil {
		return cursor{}, fmt.Errorf("%w: unreadable cursor: %v", index.ErrBadRequest, err)
	}
	return c, nil
}

func sortOrder(mode string) search.SortOrder {
	if mode == index.SortNewest {
		return search.SortOrder{
			&search.SortField{Field: query.IndexPublished, Type: search.SortFieldAsDate, Desc: true},
			&search.SortDocID{},
		}
	}
	return search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{}}
}

// afterValues are a hit's sort values in the form SearchAfter reads back.
func afterValues(mode string, h *search.DocumentMatch) []string {
	if mode == index.SortNewest && len(h.DecodedSort) > 0 {
		return []string{h.DecodedSort[0], h.ID}
	}
	return []string{strconv.FormatFloat(h.Score, 'g', -1, 64), h.ID}
}

// Search runs one search. A query that does not parse is a *query.Error; a bad cursor,
// sort or interval wraps index.ErrBadRequest.
func (b *Backend) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	start := time.Now()
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	mode := req.Sort
	switch mode {
	case "":
		mode = index.SortRelevance
	case index.SortRelevance, index.SortNewest:
	default:
		return nil, fmt.Errorf("%w: unknown sort %q (relevance or newest)", index.ErrBadRequest, req.Sort)
	}
	histField, err := histogramField(req.Interval)
	if err != nil {
		return nil, err
	}
	size := req.PageSize()
	var after []string
	if req.After != "" {
		c, err := decodeCursor(req.After)
		if err != nil {
			return nil, err
		}
		if c.Sort != mode || c.Collapse != req.Collapse {
			return nil, fmt.Errorf("%w: cursor was made for another sort or collapse setting", index.ErrBadRequest)
		}
		after = c.After
	}
	node, q, err := b.compile(req.Query)
	if err != nil {
		return nil, err
	}
	q = withTimeRange(q, req.From, req.To)
	var m *query.Matcher // marks the highlights
	if node != nil && !req.NoHighlight && !req.IDsOnly {
		if m, err = query.Compile(node, query.MatchOptions{Analysis: b.an}); err != nil {
			return nil, err
		}
	}

	fetch := size + 1
	if req.Collapse {
		fetch = size*collapseFactor + 1
	}
	matchAll := node == nil && req.From.IsZero() && req.To.IsZero() && !b.noShortcuts
	hitsQuery := q
	var since time.Time
	if matchAll && mode == index.SortNewest && !req.Collapse {
		// A page of everything, newest first, lies within the newest days (before the
		// cursor's day) that hold fetch articles: search only from there to the cursor
		// instead of sorting the whole index.
		var until time.Time
		ok := true
		if after != nil {
			until, err = time.Parse(time.RFC3339Nano, after[0])
			ok = err == nil
		}
		if ok {
			if since, err = b.newestDays(fetch, until); err != nil {
				return nil, err
			}
		}
		if !since.IsZero() {
			t := true
			r := bq.NewDateRangeInclusiveQuery(since, until, &t, &t)
			r.SetField(query.IndexPublished)
			hitsQuery = r
		}
	}
	sr := b.request(hitsQuery, mode, fetch, after, hitFields(req.IDsOnly, req.Collapse))
	key := facetKey{query: req.Query, from: req.From, to: req.To, facets: req.Facets, interval: req.Interval}
	gen := b.gen.Load() // before any snapshot is taken, so a write that follows makes the entry stale
	wantFacets := req.Facets || histField != ""
	var fres search.FacetResults
	var facetsDone chan error // set when facets are being counted concurrently
	cachedFacets, cachedHist, cached := b.facets.get(key, gen)
	switch {
	case !wantFacets || cached:
	case matchAll:
		// Every document matches: count terms from the dictionaries.
		if fres, err = b.allDocsFacets(req.Facets, histField); err != nil {
			return nil, err
		}
	case b.noShortcuts:
		addFacetRequests(sr, req.Facets, histField)
	default:
		// Hourly buckets are too many terms to count one by one; Bleve counts them.
		bitmapHist := histField
		if histField == histHour {
			bitmapHist = ""
			addFacetRequests(sr, false, histField)
		}
		if !req.Facets && bitmapHist == "" {
			break // Bleve counts the hourly histogram with the hits
		}
		// Count the facets alongside the hits search; fres is read only after facetsDone.
		facetsDone = make(chan error, 1)
		go func() {
			var err error
			fres, err = b.matchedFacets(ctx, q, req.Facets, bitmapHist)
			facetsDone <- err
		}()
	}
	res, err := b.idx.SearchInContext(ctx, sr)
	if facetsDone != nil {
		if ferr := <-facetsDone; ferr != nil && err == nil {
			return nil, ferr
		}
	}
	if err != nil {
		return nil, fmt.Errorf("searching %q: %w", req.Query, err)
	}
	out := &index.Result{Total: int(res.Total)}
	if !since.IsZero() {
		// Report what searching everything reports: every article, each scored 1.
		n, err := b.idx.DocCount()
		if err != nil {
			return nil, fmt.Errorf("counting articles: %w", err)
		}
		out.Total = int(n)
		for _, h := range res.Hits {
			h.Score = 1
		}
	}
	if fres == nil {
		fres = res.Facets
	} else if h, ok := res.Facets["histogram"]; ok {
		fres["histogram"] = h
	}
	switch {
	case cached:
		out.Facets, out.Histogram = cachedFacets, cachedHist
	case wantFacets:
		if req.Facets {
			out.Facets = facets(fres)
		}
		if histField != "" {
			out.Histogram = histogram(fres["histogram"], req.Interval)
		}
		b.facets.put(key, gen, out.Facets, out.Histogram)
	}
	if req.Collapse {
		if err := b.collapse(ctx, q, mode, size, after, req.IDsOnly, res, m, out); err != nil {
			return nil, err
		}
	} else {
		hits := res.Hits
		if len(hits) > size {
			hits = hits[:size]
		}
		for _, h := range hits {
			hit, err := b.hit(h, m, req.IDsOnly)
			if err != nil {
				return nil, err
			}
			out.Hits = append(out.Hits, hit)
			if len(res.Hits) > size {
				out.Next = cursor{Sort: mode, After: afterValues(mode, h)}.encode()
			}
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// request is a search for a page of hits that loads their stored fields (see hitFields).
func (b *Backend) request(q bq.Query, mode string, size int, after []string, fields []string) *blv.SearchRequest {
	sr := blv.NewSearchRequestOptions(q, size, 0, false)
	sr.SortByCustom(sortOrder(mode))
	if after != nil {
		sr.SetSearchAfter(after)
	}
	sr.Fields = fields
	return sr
}

// hitFields are the stored fields a page of hits loads: the article and its story ID, or
// for idsOnly nothing (Bleve reads every stored field of a document to return any of them)
// unless collapsing needs the story ID.
func hitFields(idsOnly, collapse bool) []string {
	switch {
	case !idsOnly:
		return []string{fieldDoc, query.IndexStory}
	case collapse:
		return []string{query.IndexStory}
	}
	return nil
}

// hit turns a Bleve match into an index.Hit, from the stored article: the whole of it when
// m highlights its text, else only the fields a hit lists (see article.DecodeListing), and
// none of it when idsOnly.
func (b *Backend) hit(h *search.DocumentMatch, m *query.Matcher, idsOnly bool) (index.Hit, error) {
	if idsOnly {
		return index.Hit{ID: h.ID, Score: h.Score}, nil
	}
	raw, _ := h.Fields[fieldDoc].(string)
	decode := article.DecodeListing
	if m != nil {
		decode = article.Decode
	}
	a, err := decode([]byte(raw))
	if err != nil {
		return index.Hit{}, fmt.Errorf("decoding stored article %s: %w", h.ID, err)
	}
	hit := index.Hit{
		ID:        a.ID,
		Score:     h.Score,
		Title:     a.Title,
		URL:       a.URL,
		Source:    a.Source.FeedTitle,
		Lang:      query.LangValue(a),
		Published: query.PublishedTime(a),
		Topics:    a.Topics,
		StoryID:   a.StoryID,
	}
	seen := map[string]bool{}
	for _, e := range a.Entities {
		if !seen[e.ID] {
			seen[e.ID] = true
			hit.Entities = append(hit.Entities, index.EntityRef{ID: e.ID, Type: e.Type, Name: e.Name, Lat: e.Lat, Lon: e.Lon})
		}
	}
	if m != nil {
		hit.Highlights = m.Highlight(b.an.Doc(a))
	}
	return hit, nil
}

func histogramField(interval string) (string, error) {
	switch interval {
	case "":
		return "", nil
	case "hour":
		return histHour, nil
	case "day", "week":
		return histDay, nil
	case "month":
		return histMonth, nil
	}
	return "", fmt.Errorf("%w: unknown interval %q (hour, day, week or month)", index.ErrBadRequest, interval)
}

func facets(fr search.FacetResults) map[string][]index.Count {
	out := map[string][]index.Count{}
	for _, name := range []string{"langs", "topics", "countries", "sources"} {
		counts := []index.Count{}
		for _, t := range fr[name].Terms.Terms() {
			v := t.Term
			if name == "countries" {
				v = strings.ToUpper(v)
			}
			counts = append(counts, index.Count{Value: v, Count: t.Count})
		}
		out[name] = counts
	}
	// Entities are indexed as "ID\x1fname"; fold names of one ID together.
	byID := map[string]*index.Count{}
	best := map[string]int{}
	var order []string
	for _, t := range fr["entities"].Terms.Terms() {
		id, name, _ := strings.Cut(t.Term, entitySep)
		c := byID[id]
		if c == nil {
			c = &index.Count{Value: id}
			byID[id] = c
			order = append(order, id)
		}
		c.Count += t.Count
		if t.Count > best[id] {
			best[id], c.Label = t.Count, name
		}
	}
	ents := []index.Count{}
	for _, id := range order {
		ents = append(ents, *byID[id])
	}
	sort.SliceStable(ents, func(i, j int) bool { return ents[i].Count > ents[j].Count })
	if len(ents) > index.FacetSize {
		ents = ents[:index.FacetSize]
	}
	out["entities"] = ents
	return out
}

// histogram turns the truncated-date facet into buckets in time order, with empty
// buckets filled in between the first and the last.
func histogram(f *search.FacetResult, interval string) []index.Bucket {
	if f == nil {
		return nil
	}
	layout := map[string]string{"hour": "2006-01-02T15", "day": "2006-01-02", "week": "2006-01-02", "month": "2006-01"}[interval]
	counts := map[time.Time]int{}
	for _, t := range f.Terms.Terms() {
		at, err := time.Parse(layout, t.Term)
		if err != nil {
			continue
		}
		if interval == "week" {
			at = weekStart(at)
		}
		counts[at] += t.Count
	}
	if len(counts) == 0 {
		return []index.Bucket{}
	}
	keys := make([]time.Time, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Before(keys[j]) })
	step := func(t time.Time) time.Time {
		switch interval {
		case "hour":
			return t.Add(time.Hour)
		case "day":
			return t.AddDate(0, 0, 1)
		case "week":
			return t.AddDate(0, 0, 7)
		}
		return t.AddDate(0, 1, 0)
	}
	var out []index.Bucket
	first, last := keys[0], keys[len(keys)-1]
	n := 0
	for t := first; !t.After(last) && n <= maxHistogramBuckets; t = step(t) {
		n++
	}
	if n > maxHistogramBuckets {
		for _, k := range keys {
			out = append(out, index.Bucket{Start: k, Count: counts[k]})
		}
		return out
	}
	for t := first; !t.After(last); t = step(t) {
		out = append(out, index.Bucket{Start: t, Count: counts[t]})
	}
	return out
}

// weekStart is the Monday 00:00 UTC of t's ISO week.
func weekStart(t time.Time) time.Time {
	wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
	d := t.AddDate(0, 0, -wd)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// collapse fills out with one hit per story. See the package documentation for how and
// where its limits are.
func (b *Backend) collapse(ctx context.Context, q bq.Query, mode string, size int, after []string, idsOnly bool,
	res *blv.SearchResult, m *query.Matcher, out *index.Result) error {
	type candidate struct {
		h     *search.DocumentMatch
		story string // normalised story ID, "" for an article without one
	}
	firstPage := after == nil
	var picked []candidate
	seen := map[string]bool{}
	var lastAfter []string // sort values of the last article consumed for this page
	more := false
	window := res.Hits
	for {
		for _, h := range window {
			story, _ := h.Fields[query.IndexStory].(string)
			story = b.an.Keyword(story)
			if story != "" && seen[story] {
				lastAfter = afterValues(mode, h)
				continue
			}
			if len(picked) == size {
				more = true
				break
			}
			if story != "" {
				seen[story] = true
			}
			picked = append(picked, candidate{h: h, story: story})
			lastAfter = afterValues(mode, h)
		}
		if more || len(window) < size*collapseFactor+1 {
			break
		}
		// The window was full of copies: read the next one.
		sr := b.request(q, mode, size*collapseFactor+1, lastAfter, hitFields(idsOnly, true))
		next, err := b.idx.SearchInContext(ctx, sr)
		if err != nil {
			return fmt.Errorf("searching for more stories: %w", err)
		}
		window = next.Hits
		if len(window) == 0 {
			break
		}
	}

	// Count each picked story's matching articles, and find its best one.
	var stories []bq.Query
	for _, c := range picked {
		if c.story != "" {
			t := bq.NewTermQuery(c.story)
			t.SetField(query.IndexStory)
			stories = append(stories, t)
		}
	}
	copies := map[string]int{}
	bestOf := map[string]string{}
	if len(stories) > 0 {
		sq := bq.NewConjunctionQuery([]bq.Query{q, bq.NewDisjunctionQuery(stories)})
		sr := blv.NewSearchRequestOptions(sq, index.MaxSize, 0, false)
		sr.SortByCustom(sortOrder(mode))
		sr.Fields = []string{query.IndexStory}
		sr.AddFacet("stories", blv.NewFacetRequest(query.IndexStory, len(stories)))
		sres, err := b.idx.SearchInContext(ctx, sr)
		if err != nil {
			return fmt.Errorf("counting story copies: %w", err)
		}
		for _, t := range sres.Facets["stories"].Terms.Terms() {
			copies[t.Term] = t.Count - 1
		}
		for _, h := range sres.Hits {
			s, _ := h.Fields[query.IndexStory].(string)
			if s = b.an.Keyword(s); bestOf[s] == "" {
				bestOf[s] = h.ID
			}
		}
	}
	for _, c := range picked {
		// A story whose best article ranks before this page was shown already.
		if c.story != "" && !firstPage && bestOf[c.story] != "" && bestOf[c.story] != c.h.ID {
			continue
		}
		hit, err := b.hit(c.h, m, idsOnly)
		if err != nil {
			return err
		}
		hit.Copies = copies[c.story]
		out.Hits = append(out.Hits, hit)
	}
	if more {
		out.Next = cursor{Sort: mode, After: lastAfter, Collapse: true}.encode()
	}
	return nil
}
