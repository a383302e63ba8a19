package bleve

import (
	"container/list"
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// facetFields names the fields behind each facet of index.Result.Facets.
var facetFields = map[string]string{
	"langs": query.IndexLang, "topics": query.IndexTopics, "countries": query.IndexCountries,
	"sources": facetSource, "entities": facetEntity,
}

// facetTerms is how many terms Bleve keeps for a facet.
func facetTerms(name string) int {
	if name == "entities" {
		return index.FacetSize * 2 // an entity may appear under two names
	}
	return index.FacetSize
}

// histogramTerms keeps every truncated date.
const histogramTerms = 1 << 20

// addFacetRequests asks Bleve to compute the facets and the histogram with the hits.
func addFacetRequests(sr *blv.SearchRequest, withFacets bool, histField string) {
	if withFacets {
		for name, f := range facetFields {
			sr.AddFacet(name, blv.NewFacetRequest(f, facetTerms(name)))
		}
	}
	if histField != "" {
		sr.AddFacet("histogram", blv.NewFacetRequest(histField, histogramTerms))
	}
}

// snapshot opens a scorch snapshot of the index for reading segments directly; the
// caller closes it. purpose names the work in errors.
func (b *Backend) snapshot(purpose string) (*scorch.IndexSnapshot, error) {
	adv, err := b.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("opening the index for %s: %w", purpose, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("opening an index snapshot for %s: %w", purpose, err)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, errNotScorch
	}
	return snap, nil
}

// allDocsFacets computes, for a search that matches every document, the same facet
// results Bleve's facet builders would, without visiting the documents: a term's count is
// the number of live documents in its postings lists, per segment, without the
// documents deleted or replaced but not yet merged away. Terms are ordered and trimmed as
// Bleve orders them (count descending, then term), so the results are identical.
func (b *Backend) allDocsFacets(withFacets bool, histField string) (search.FacetResults, error) {
	snap, err := b.snapshot("facets")
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	count := func(field string) (map[string]int, error) { return liveTermCounts(snap, field) }
	out, err := termFacets(withFacets, count)
	if err != nil {
		return nil, err
	}
	if histField != "" {
		counts, err := count(histField)
		if err != nil {
			return nil, err
		}
		out["histogram"] = topTerms(histField, counts, histogramTerms)
	}
	return out, nil
}

// termFacets computes the facets of facetFields (none unless withFacets) from the term
// counts that count gives for a field.
func termFacets(withFacets bool, count func(field string) (map[string]int, error)) (search.FacetResults, error) {
	out := search.FacetResults{}
	if !withFacets {
		return out, nil
	}
	for name, f := range facetFields {
		counts, err := count(f)
		if err != nil {
			return nil, err
		}
		out[name] = topTerms(f, counts, facetTerms(name))
	}
	return out, nil
}

// newestDays returns the start of the newest day on or after which at least n live
// articles were published (by the day field, which truncates query.PublishedTime), or
// the zero time when the index holds fewer. With before set, only days before before's
// day count.
func (b *Backend) newestDays(n int, before time.Time) (time.Time, error) {
	snap, err := b.snapshot("the newest articles")
	if err != nil {
		return time.Time{}, err
	}
	defer snap.Close()
	days := map[string]bool{}
	for _, ss := range snap.Segments() {
		dict, err := ss.Segment().Dictionary(histDay)
		if err != nil {
			return time.Time{}, fmt.Errorf("reading days: %w", err)
		}
		it := dict.AutomatonIterator(nil, nil, nil)
		for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
			if err != nil {
				return time.Time{}, fmt.Errorf("reading days: %w", err)
			}
			days[e.Term] = true
		}
	}
	sorted := make([]string, 0, len(days))
	for d := range days {
		sorted = append(sorted, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(sorted)))
	total := 0
	beforeDay := before.UTC().Format("2006-01-02")
	for _, d := range sorted {
		if !before.IsZero() && d >= beforeDay {
			continue
		}
		for _, ss := range snap.Segments() {
			dict, err := ss.Segment().Dictionary(histDay)
			if err != nil {
				return time.Time{}, fmt.Errorf("reading days: %w", err)
			}
			pl, err := dict.PostingsList([]byte(d), ss.Deleted(), nil)
			if err != nil {
				return time.Time{}, fmt.Errorf("counting articles of %s: %w", d, err)
			}
			total += int(pl.Count())
		}
		if total >= n {
			t, err := time.Parse("2006-01-02", d)
			if err != nil {
				return time.Time{}, fmt.Errorf("reading day %q: %w", d, err)
			}
			return t, nil
		}
	}
	return time.Time{}, nil
}

// matchedFacets computes the facets and histogram of the documents q matches as Bleve's
// facet builders would, without reading each match's doc values: it collects the matches
// of each segment in a bitmap, then counts each term's postings within it (as postings
// minus everything else, which PostingsList's except argument gives). histField should
// have few terms: each costs a postings lookup per segment.
func (b *Backend) matchedFacets(ctx context.Context, q bq.Query, withFacets bool, histField string) (search.FacetResults, error) {
	snap, err := b.snapshot("facets")
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	// The hits search's options: scorch recycles term readers between the searches of a
	// snapshot, so keep them configured alike.
	s, err := q.Searcher(ctx, snap, b.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		return nil, fmt.Errorf("preparing the facet search: %w", err)
	}
	defer s.Close()
	segs := snap.Segments()
	// Global document numbers run through the segments in order, each taking as many
	// numbers as it holds documents, deleted ones included.
	offsets := make([]uint64, len(segs))
	matched := make([]*roaring.Bitmap, len(segs))
	var running uint64
	for i, ss := range segs {
		offsets[i] = running
		running += ss.Segment().Count()
		matched[i] = roaring.New()
	}
	var ids []bindex.IndexInternalID
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, fmt.Errorf("collecting matches for facets: %w", err)
		}
		if dm == nil {
			break
		}
		if len(dm.IndexInternalID) != 8 {
			return nil, fmt.Errorf("unexpected internal document id %x", dm.IndexInternalID)
		}
		ids = append(ids, append(bindex.IndexInternalID(nil), dm.IndexInternalID...))
		num := binary.BigEndian.Uint64(dm.IndexInternalID)
		i := sort.Search(len(offsets), func(x int) bool { return offsets[x] > num }) - 1
		matched[i].Add(uint32(num - offsets[i]))
		sctx.DocumentMatchPool.Put(dm)
	}
	others := make([]*roaring.Bitmap, len(segs))
	for i, ss := range segs {
		if !matched[i].IsEmpty() {
			others[i] = roaring.Flip(matched[i], 0, ss.Segment().Count())
		}
	}
	// The matches holding a term are its postings outside others.
	count := func(field string) (map[string]int, error) {
		counts := map[string]int{}
		for i, ss := range segs {
			if others[i] == nil {
				continue
			}
			if err := addTermCounts(counts, ss, field, others[i]); err != nil {
				return nil, err
			}
		}
		return counts, nil
	}
	out, err := termFacets(withFacets, count)
	if err != nil {
		return nil, err
	}
	if histField != "" {
		// A histogram has many terms: when the matches are fewer than the postings lookups
		// it would take, read the matches' doc values as Bleve's facet builder does.
		lookups := 0
		for i, ss := range segs {
			if others[i] != nil {
				dict, err := ss.Segment().Dictionary(histField)
				if err != nil {
					return nil, fmt.Errorf("reading terms of %s: %w", histField, err)
				}
				lookups += int(dict.Cardinality())
			}
		}
		if len(ids) >= lookups {
			counts, err := count(histField)
			if err != nil {
				return nil, err
			}
			out["histogram"] = topTerms(histField, counts, histogramTerms)
		} else {
			dvr, err := snap.DocValueReader([]string{histField})
			if err != nil {
				return nil, fmt.Errorf("reading doc values of %s: %w", histField, err)
			}
			counts := map[string]int{}
			for _, id := range ids {
				err := dvr.VisitDocValues(id, func(field string, term []byte) {
					if field == histField {
						counts[string(term)]++
					}
				})
				if err != nil {
					return nil, fmt.Errorf("reading doc values of %s: %w", histField, err)
				}
			}
			out["histogram"] = topTerms(histField, counts, histogramTerms)
		}
	}
	return out, nil
}

// topTerms orders and trims counts as Bleve's terms facet builder does.
func topTerms(field string, counts map[string]int, n int) *search.FacetResult {
	fr := &search.FacetResult{Field: field, Terms: &search.TermFacets{}}
	for t, c := range counts {
		fr.Terms.Add(&search.TermFacet{Term: t, Count: c})
	}
	sort.Sort(fr.Terms)
	fr.Terms.TrimToTopN(min(n, fr.Terms.Len()))
	return fr
}

var errNotScorch = fmt.Errorf("index is not a scorch index")

// liveTermCounts returns the number of live documents holding each term of field, leaving
// out terms no live document holds.
func liveTermCounts(snap *scorch.IndexSnapshot, field string) (map[string]int, error) {
	counts := map[string]int{}
	for _, ss := range snap.Segments() {
		if err := addTermCounts(counts, ss, field, ss.Deleted()); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// addTermCounts adds to counts, for each term of field in ss, how many of the segment's
// documents outside except hold it, leaving out terms none of them holds.
func addTermCounts(counts map[string]int, ss *scorch.SegmentSnapshot, field string, except *roaring.Bitmap) error {
	dict, err := ss.Segment().Dictionary(field)
	if err != nil {
		return fmt.Errorf("reading terms of %s: %w", field, err)
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
		if err != nil {
			return fmt.Errorf("reading terms of %s: %w", field, err)
		}
		// Not e.Count: besides counting deleted documents, the dictionary iterator of
		// zap v16 reports 1 for every term after one held by a single document.
		pl, err := dict.PostingsList([]byte(e.Term), except, nil)
		if err != nil {
			return fmt.Errorf("counting %s in %s: %w", e.Term, field, err)
		}
		if n := pl.Count(); n > 0 {
			counts[e.Term] += int(n)
		}
	}
	return nil
}

// facetKey identifies the facets and histogram of one search. Paging, sort and collapse
// do not change them.
type facetKey struct {
	query    string
	from, to time.Time
	facets   bool
	interval string
}

type facetEntry struct {
	key       facetKey
	gen       uint64
	facets    map[string][]index.Count
	histogram []index.Bucket
	cells     int
}

// facetCache keeps the facets and histograms of recent searches until the next write:
// the analyst UI asks for them with every page and every repeated search. Entries made
// before the latest write (an older generation) are never returned.
type facetCache struct {
	mu       sync.Mutex
	maxCells int // bounds memory: facet values plus histogram buckets over all entries
	maxLen   int
	cells    int
	lru      *list.List // of *facetEntry, most recent first
	byKey    map[facetKey]*list.Element
}

func newFacetCache(maxLen, maxCells int) *facetCache {
	return &facetCache{maxLen: maxLen, maxCells: maxCells, lru: list.New(), byKey: map[facetKey]*list.Element{}}
}

func (c *facetCache) get(k facetKey, gen uint64) (map[string][]index.Count, []index.Bucket, bool) {
	if c == nil {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[k]
	if !ok {
		return nil, nil, false
	}
	e := el.Value.(*facetEntry)
	if e.gen != gen {
		c.remove(el)
		return nil, nil, false
	}
	c.lru.MoveToFront(el)
	return copyFacets(e.facets), copyHistogram(e.histogram), true
}

func (c *facetCache) put(k facetKey, gen uint64, facets map[string][]index.Count, hist []index.Bucket) {
	if c == nil {
		return
	}
	e := &facetEntry{key: k, gen: gen, facets: copyFacets(facets), histogram: copyHistogram(hist), cells: len(hist) + 1}
	for _, cs := range facets {
		e.cells += len(cs)
	}
	if e.cells > c.maxCells {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[k]; ok {
		if el.Value.(*facetEntry).gen > gen {
			return // a search that began after a later write got there first
		}
		c.remove(el)
	}
	c.byKey[k] = c.lru.PushFront(e)
	c.cells += e.cells
	for c.lru.Len() > c.maxLen || c.cells > c.maxCells {
		c.remove(c.lru.Back())
	}
}

func (c *facetCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*facetEntry)
	delete(c.byKey, e.key)
	c.cells -= e.cells
}

// Cached results are copied in and out so that callers may change what they get.
func copyFacets(f map[string][]index.Count) map[string][]index.Count {
	if f == nil {
		return nil
	}
	out := make(map[string][]index.Count, len(f))
	for k, v := range f {
		out[k] = append([]index.Count{}, v...)
	}
	return out
}

func copyHistogram(h []index.Bucket) []index.Bucket {
	if h == nil {
		return nil
	}
	return append([]index.Bucket{}, h...)
}
