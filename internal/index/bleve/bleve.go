package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// Names of the fields that only this backend uses (see the package documentation).
const (
	fieldDoc     = "doc"
	facetSource  = "f_source"
	facetEntity  = "f_entity"
	histHour     = "p_hour"
	histDay      = "p_day"
	histMonth    = "p_month"
	entitySep    = "\x1f"
	languagesKey = "wirewatch.languages"
	mappingKey   = "wirewatch.mapping"
)

// mappingVersion is recorded in every index Open creates. Version 2 dropped the doc
// values of entities and source, which nothing read. Write follows each index's own
// mapping, so an older index keeps working unchanged; only a new index (a reindex) gets
// the cheaper mapping.
const mappingVersion = 2

// Backend is an index.Backend on a Bleve index. It is safe for concurrent use.
type Backend struct {
	idx    blv.Index
	an     *query.Analysis
	build  *builder // the index mapping's fields, for Write
	logger *slog.Logger
	facets *facetCache   // nil disables the cache
	gen    atomic.Uint64 // bumped by every Write; facets cached before it are stale
	// noShortcuts makes match-all searches visit every document as other searches do;
	// tests compare the shortcuts with it.
	noShortcuts bool
	// batchText bounds the text one Bleve batch analyses (see maxBatchText); tests lower it.
	batchText int
	// batched, when set, is told the size of each Bleve batch Write writes (tests).
	batched func(docs int)
}

// maxBatchText bounds the titles, summaries and texts, in bytes, that one Bleve batch
// analyses: Write splits a longer list of articles into batches of at most this much text
// (an article longer than it goes alone). Bleve holds every article of a batch analysed,
// about 55 bytes per byte of text with positions, and the segment it builds from them,
// until the batch is written, so this bounds the indexing stage's memory whatever the
// articles' length: 2 MiB of text is about 110 MB. A batch of index.batch_size (500)
// articles of the usual 3 KB stays whole (1.6 MB): smaller batches cost indexing rate
// (batches of ~250: 1,330 instead of 1,657 docs per CPU-second in
// BenchmarkIndexingEnriched), through more segments to merge.
const maxBatchText = 2 << 20

// Bounds of the facet cache: entries, and facet values plus histogram buckets in all.
const (
	facetCacheEntries = 256
	facetCacheCells   = 1 << 18
)

var _ index.Backend = (*Backend)(nil)

// Open opens the index at path, creating it when absent. languages lists the languages
// that get their own analysed fields; an existing index keeps the languages it was
// created with (changing them needs a reindex) and says so in the log.
func Open(path string, languages []string, logger *slog.Logger) (*Backend, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var idx blv.Index
	var err error
	// An empty directory (a fresh temp dir, a volume mount) is a new index too.
	if entries, rerr := os.ReadDir(path); rerr == nil && len(entries) == 0 || errors.Is(rerr, os.ErrNotExist) {
		err = blv.ErrorIndexPathDoesNotExist
	} else {
		idx, err = blv.OpenUsing(path, scorchConfig())
	}
	switch {
	case errors.Is(err, blv.ErrorIndexPathDoesNotExist):
		m, err := newMapping(query.LangKeys(languages))
		if err != nil {
			return nil, err
		}
		if idx, err = blv.NewUsing(path, m, scorch.Name, scorch.Name, scorchConfig()); err != nil {
			return nil, fmt.Errorf("creating bleve index %s: %w", path, err)
		}
		stored, _ := json.Marshal(query.LangKeys(languages))
		if err := idx.SetInternal([]byte(languagesKey), stored); err != nil {
			idx.Close()
			return nil, fmt.Errorf("recording languages in %s: %w", path, err)
		}
		if err := idx.SetInternal([]byte(mappingKey), []byte(strconv.Itoa(mappingVersion))); err != nil {
			idx.Close()
			return nil, fmt.Errorf("recording the mapping version in %s: %w", path, err)
		}
		logger.Info("created search index", "path", path, "languages", query.LangKeys(languages), "mapping", mappingVersion)
	case err != nil:
		return nil, fmt.Errorf("opening bleve index %s: %w", path, err)
	default:
		raw, err := idx.GetInternal([]byte(languagesKey))
		var stored []string
		if err == nil {
			err = json.Unmarshal(raw, &stored)
		}
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("reading languages of %s: %w", path, err)
		}
		if want := query.LangKeys(languages); !slices.Equal(want, stored) {
			logger.Warn("search index keeps the languages it was created with; reindex to change them",
				"path", path, "index_languages", stored, "configured_languages", want)
		}
		languages = stored
		if v := storedMappingVersion(idx); v < mappingVersion {
			logger.Info("search index has an older mapping: it works as before, but a reindex (a new index directory, the enriched topic replayed) indexes faster",
				"path", path, "index_mapping", v, "current_mapping", mappingVersion)
		}
		if !hasFoldFields(idx, stored) {
			logger.Warn("search index predates the fields of words as written: wildcards match stems only and fuzzy terms nothing until it is rebuilt",
				"path", path)
		}
	}
	an, err := query.NewAnalysis(languages)
	if err != nil {
		idx.Close()
		return nil, err
	}
	im, ok := idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		idx.Close()
		return nil, fmt.Errorf("reading the mapping of %s: unexpected type %T", path, idx.Mapping())
	}
	bd, err := newBuilder(im)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("reading the mapping of %s: %w", path, err)
	}
	return &Backend{idx: idx, an: an, build: bd, logger: logger, facets: newFacetCache(facetCacheEntries, facetCacheCells)}, nil
}

// mergeFloor is the size in documents under which the merger counts a segment as this
// size (Bleve's FloorSegmentSize, 2,000 by default). With Bleve's default, an index under
// 20,000 articles may hold only one segment per 2,000 articles, so the merger remerged
// the indexing stage's 500-article segments as they came: 2.9 merges per article by
// 4,000 articles, 1.8 by 100,000 (mergeplan.Plan replayed on 500-article batches). At the
// stage's batch size it merges ten at a time instead: 0 by 4,000, 1.45 by 100,000, 2.4
// against 2.7 by 1M, for up to 31 segments instead of 24.
const mergeFloor = 500

// scorchConfig is the index's runtime configuration, for new and existing indexes: the
// merge plan (mergeFloor) and nothing that changes durability, so a Batch is persisted
// before it returns as with Bleve's defaults.
func scorchConfig() map[string]any {
	// Bleve starts from its default plan and sets the keys given.
	return map[string]any{"scorchMergePlanOptions": map[string]any{"FloorSegmentSize": mergeFloor}}
}

// Analysis returns the analysers the index was built with; pass it to query.Compile so
// that stream matching agrees with search.
func (b *Backend) Analysis() *query.Analysis { return b.an }

// Close closes the index.
func (b *Backend) Close() error { return b.idx.Close() }

func newMapping(langKeys []string) (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := query.DefineAnalysis(im, langKeys); err != nil {
		return nil, fmt.Errorf("building index mapping: %w", err)
	}
	dm := mapping.NewDocumentStaticMapping()
	text := func(analyzer string) *mapping.FieldMapping {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = true // positions, for phrases
		fm.DocValues = false
		return fm
	}
	kw := func(analyzer string, docValues, store bool) *mapping.FieldMapping {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = store
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = docValues
		return fm
	}
	// Each text field is indexed twice: stemmed by its language's analyser, and as the
	// words were written under query.FoldField's name, for wildcards and fuzzy terms.
	folded := func(field string) *mapping.FieldMapping {
		fm := text(query.FoldAnalyzer)
		fm.Name = query.FoldField(field)
		fm.IncludeTermVectors = false // no phrases here
		return fm
	}
	for _, k := range langKeys {
		for _, f := range []string{query.TitleField(k), query.BodyField(k)} {
			dm.AddFieldMappingsAt(f, text(query.AnalyzerName(k)), folded(f))
		}
	}
	// Doc values only where Bleve sorts or counts facets (facets.go, collapse): the
	// entity and source facets count f_entity and f_source.
	for _, f := range []string{query.FieldID, query.FieldURL, query.IndexSourceURL, query.IndexAuthors, query.IndexEntityNames, query.IndexEntities, query.IndexSource} {
		dm.AddFieldMappingsAt(f, kw(query.KeywordAnalyzer, false, false))
	}
	for _, f := range []string{query.IndexLang, query.IndexTopics, query.IndexCountries} {
		dm.AddFieldMappingsAt(f, kw(query.KeywordAnalyzer, true, false))
	}
	dm.AddFieldMappingsAt(query.IndexStory, kw(query.KeywordAnalyzer, true, true))
	for _, f := range []string{facetSource, facetEntity, histHour, histDay, histMonth} {
		dm.AddFieldMappingsAt(f, kw(keyword.Name, true, false))
	}
	pub := mapping.NewDateTimeFieldMapping()
	pub.Store, pub.IncludeInAll, pub.DocValues = false, false, true
	dm.AddFieldMappingsAt(query.IndexPublished, pub)
	geo := mapping.NewGeoPointFieldMapping()
	geo.Store, geo.IncludeInAll = false, false
	dm.AddFieldMappingsAt(query.IndexLocation, geo)
	src := mapping.NewTextFieldMapping()
	src.Index, src.Store, src.IncludeInAll, src.IncludeTermVectors, src.DocValues = false, true, false, false, false
	dm.AddFieldMappingsAt(fieldDoc, src)

	im.DefaultMapping = dm
	im.DefaultAnalyzer = query.KeywordAnalyzer
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false
	return im, nil
}

// storedMappingVersion is the mapping version recorded in idx; indexes made before
// versions were recorded are version 1.
func storedMappingVersion(idx blv.Index) int {
	raw, err := idx.GetInternal([]byte(mappingKey))
	if err != nil || raw == nil {
		return 1
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return 1
	}
	return v
}

// hasFoldFields reports whether idx maps the fold fields (indexes created before them
// do not, and Bleve cannot add a field to an existing index).
func hasFoldFields(idx blv.Index, langKeys []string) bool {
	im, ok := idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok || im.DefaultMapping == nil || len(langKeys) == 0 {
		return false
	}
	dm := im.DefaultMapping.Properties[query.TitleField(langKeys[0])]
	if dm == nil {
		return false
	}
	for _, fm := range dm.Fields {
		if fm.Name == query.FoldField(query.TitleField(langKeys[0])) {
			return true
		}
	}
	return false
}

// fields are the values Bleve indexes for an article, by property of the mapping.
type fields struct {
	title, body string // in the text fields of the article's language, key
	key         string
	doc         []byte // the article as JSON, stored for Get
	published   time.Time
	scalars     map[string]string   // keyword properties holding one value
	lists       map[string][]string // keyword properties holding a list
	location    []float64           // lat, lon; nil without a located place
}

// fields returns what Bleve indexes for a. encoded, when not nil, is a's JSON as the
// caller read it (see WriteEncoded) and is stored as it is; otherwise a is encoded.
func (b *Backend) fields(a *article.Article, encoded []byte) (*fields, error) {
	raw := encoded
	if raw == nil {
		cp := *a // Encode stamps the schema version; leave the caller's article alone
		var err error
		if raw, err = article.Encode(&cp); err != nil {
			return nil, err
		}
	}
	pub := query.PublishedTime(a)
	f := &fields{
		title:     a.Title,
		body:      query.BodyText(a),
		key:       b.an.LangKey(a.Lang),
		published: pub,
		doc:       raw,
		scalars: map[string]string{
			query.FieldID: a.ID,
			histHour:      pub.Format("2006-01-02T15"),
			histDay:       pub.Format("2006-01-02"),
			histMonth:     pub.Format("2006-01"),
		},
		lists: map[string][]string{},
	}
	if a.URL != "" {
		f.scalars[query.FieldURL] = a.URL
	}
	for k, vs := range query.KeywordValues(a) {
		if len(vs) > 0 {
			f.lists[k] = vs
		}
	}
	if s := query.SourceTitles(a); len(s) > 0 {
		f.lists[facetSource] = s
	}
	var ents []string
	seen := map[string]bool{}
	for _, e := range a.Entities {
		if e.ID != "" && !seen[e.ID] {
			seen[e.ID] = true
			ents = append(ents, e.ID+entitySep+e.Name)
		}
	}
	if len(ents) > 0 {
		f.lists[facetEntity] = ents
	}
	for _, e := range a.Entities {
		if e.Lat != nil && e.Lon != nil {
			f.location = []float64{*e.Lat, *e.Lon}
			break
		}
	}
	return f, nil
}

// document is a as Bleve's mapping takes it: the input of RawBatch, Bleve's own path.
func (b *Backend) document(a *article.Article) (map[string]any, error) {
	f, err := b.fields(a, nil)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{
		query.TitleField(f.key): f.title,
		query.BodyField(f.key):  f.body,
		query.IndexPublished:    f.published,
		fieldDoc:                string(f.doc),
	}
	for k, v := range f.scalars {
		doc[k] = v
	}
	for k, vs := range f.lists {
		doc[k] = vs
	}
	if f.location != nil {
		doc[query.IndexLocation] = map[string]any{"lat": f.location[0], "lon": f.location[1]}
	}
	return doc, nil
}

// bleveDocument is a as Write indexes it: the fields the mapping would make of document(a),
// built directly (see build.go), storing encoded as its JSON when not nil.
func (b *Backend) bleveDocument(a *article.Article, encoded []byte) (*document.Document, error) {
	f, err := b.fields(a, encoded)
	if err != nil {
		return nil, err
	}
	d := document.NewDocument(a.ID)
	b.build.text(d, query.TitleField(f.key), f.title, -1)
	b.build.text(d, query.BodyField(f.key), f.body, -1)
	if err := b.build.datetime(d, query.IndexPublished, f.published); err != nil {
		return nil, err
	}
	b.build.bytes(d, fieldDoc, f.doc)
	for k, v := range f.scalars {
		b.build.text(d, k, v, -1)
	}
	for k, vs := range f.lists {
		b.build.texts(d, k, vs)
	}
	if f.location != nil {
		b.build.geopoint(d, query.IndexLocation, f.location[0], f.location[1])
	}
	return d, nil
}

// Write indexes docs in one batch, or in several of at most maxBatchText of text each, in
// order; a later version of an ID replaces the earlier one. When a batch fails, those
// before it are written: writing docs again is harmless.
//
// A list that needs several batches is cut into batches of about equal text, as few as
// the bound allows: filling each to the bound left a remainder (455 articles and 45, for
// 500 of 4.6 KB), so that the stage's peak was the bound's while two batches of 250 would
// do, and the index got a segment of a few articles to merge.
func (b *Backend) Write(ctx context.Context, docs []*article.Article) ([]error, error) {
	return b.WriteEncoded(ctx, docs, nil)
}

// WriteEncoded is Write for a caller that holds each article's JSON as it read it, such
// as the value of the enriched record: encoded[i], when encoded is not nil and encoded[i]
// is not nil, is stored as docs[i]'s JSON (what Get decodes) instead of an encoding of
// docs[i] made here. It must be JSON at the current schema version, and docs[i] what
// article.Decode or article.DecodeIndexing reads of it: the index fields are made from
// docs[i], which needs no more than DecodeIndexing reads. Bleve copies encoded[i] into
// the index, so the caller may reuse it once WriteEncoded returns. Encoding each article
// again was an eighth of what the indexing stage allocated (21 of 163 MB in a bench
// profile), and 12.7 MB of live heap.
func (b *Backend) WriteEncoded(ctx context.Context, docs []*article.Article, encoded [][]byte) ([]error, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if encoded != nil && len(encoded) != len(docs) {
		return nil, fmt.Errorf("writing %d articles with %d encodings", len(docs), len(encoded))
	}
	itemErrs := make([]error, len(docs))
	batch := b.idx.NewBatch()
	built := make([]*document.Document, 0, len(docs))
	// Bleve is done with the documents when Batch returns: their term frequencies are
	// dropped then (build.go).
	release := func() {
		for _, d := range built {
			releaseFields(d)
		}
		built = built[:0]
	}
	defer release()
	limit := b.batchText
	if limit <= 0 {
		limit = maxBatchText
	}
	total := 0
	for _, a := range docs {
		if a != nil && a.ID != "" {
			total += textBytes(a)
		}
	}
	parts := max(1, (total+limit-1)/limit)
	// part is the batch an article goes in: the one its text's midpoint falls in when
	// the text is cut into parts equal spans.
	part := func(before, n int) int {
		if total == 0 {
			return 0
		}
		return min(parts-1, (2*before+n)*parts/(2*total))
	}
	text, before, current := 0, 0, 0
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		defer b.gen.Add(1) // after the batch is visible to searches
		if b.batched != nil {
			b.batched(batch.Size())
		}
		if err := b.idx.Batch(batch); err != nil {
			return fmt.Errorf("writing batch of %d articles: %w", batch.Size(), err)
		}
		release()
		batch.Reset()
		text = 0
		return nil
	}
	for i, a := range docs {
		if a == nil || a.ID == "" {
			itemErrs[i] = errors.New("indexing article: missing id")
			continue
		}
		n := textBytes(a)
		p := part(before, n)
		before += n
		if text > 0 && (text+n > limit || p != current) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		current = p
		var enc []byte
		if encoded != nil {
			enc = encoded[i]
		}
		doc, err := b.bleveDocument(a, enc)
		if err == nil {
			built = append(built, doc)
			err = batch.IndexAdvanced(doc)
		}
		if err != nil {
			itemErrs[i] = fmt.Errorf("indexing article %s: %w", a.ID, err)
			continue
		}
		text += n
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return itemErrs, nil
}

// textBytes is the text of a that a Bleve batch analyses with positions, for maxBatchText.
func textBytes(a *article.Article) int { return len(a.Title) + len(a.Summary) + len(a.Text) }

// Get returns the stored article.
func (b *Backend) Get(ctx context.Context, id string) (*article.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := b.idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("reading article %s: %w", id, err)
	}
	if d == nil {
		return nil, fmt.Errorf("article %s: %w", id, index.ErrNotFound)
	}
	var raw []byte
	d.VisitFields(func(f bindex.Field) {
		if f.Name() == fieldDoc {
			raw = f.Value()
		}
	})
	if raw == nil {
		return nil, fmt.Errorf("article %s has no stored document: %w", id, index.ErrNotFound)
	}
	a, err := article.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("decoding stored article %s: %w", id, err)
	}
	return a, nil
}

// compile parses and compiles an analyst's query; the empty query matches everything.
func (b *Backend) compile(src string) (query.Node, bq.Query, error) {
	if strings.TrimSpace(src) == "" {
		return nil, bq.NewMatchAllQuery(), nil
	}
	n, err := query.Parse(src)
	if err != nil {
		return nil, nil, err
	}
	q, err := compiler{b.an}.compile(n)
	var qe *query.Error
	if errors.As(err, &qe) {
		qe.WithSource(src)
	}
	if err != nil {
		return nil, nil, err
	}
	return n, q, nil
}

func withTimeRange(q bq.Query, from, to time.Time) bq.Query {
	if from.IsZero() && to.IsZero() {
		return q
	}
	t, f := true, false
	r := bq.NewDateRangeInclusiveQuery(from, to, &t, &f)
	r.SetField(query.IndexPublished)
	return bq.NewConjunctionQuery([]bq.Query{q, r})
}
