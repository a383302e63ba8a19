package bleve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/index/indextest"
	"wirewatch/internal/query"
)

// TestWriteIndexesAsMapping checks that the documents Write builds itself index exactly
// what Bleve's mapping makes of the same article: the same terms with the same counts in
// every field, the same stored values, and the same term vectors (positions, for phrases).
// So do those WriteEncoded builds of the articles as the indexing stage gives them: read
// by article.DecodeIndexing, with their JSON.
func TestWriteIndexesAsMapping(t *testing.T) {
	docs := indextest.Corpus(t)
	gen := newGenerator(t, 3)
	docs = append(docs, gen.articles(0, 300)...)

	written := openTemp(t)
	if _, err := written.Write(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	// Several writes, so that later ones reuse the analysis memory of earlier ones
	// (compared below by searches: dictionary counts are per segment).
	again := openTemp(t)
	for i := 0; i < len(docs); i += 37 {
		if _, err := again.Write(context.Background(), docs[i:min(i+37, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	// What the indexing stage writes: each article as DecodeIndexing reads its record,
	// with the record's bytes.
	encoded := openTemp(t)
	partial, raws := make([]*article.Article, len(docs)), make([][]byte, len(docs))
	for i, a := range docs {
		cp := *a
		raw, err := article.Encode(&cp)
		if err != nil {
			t.Fatal(err)
		}
		if partial[i], err = article.DecodeIndexing(raw); err != nil {
			t.Fatal(err)
		}
		raws[i] = raw
	}
	if _, err := encoded.WriteEncoded(context.Background(), partial, raws); err != nil {
		t.Fatal(err)
	}
	mapped := openTemp(t)
	batch := mapped.idx.NewBatch()
	for _, a := range docs {
		doc, err := mapped.document(a)
		if err != nil {
			t.Fatal(err)
		}
		if err := batch.Index(a.ID, doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := mapped.idx.Batch(batch); err != nil {
		t.Fatal(err)
	}

	fieldsOf := func(b *Backend) []string {
		fs, err := b.idx.Fields()
		if err != nil {
			t.Fatal(err)
		}
		// Bleve's mapping also names location.lat and location.lon, empty fields.
		fs = slices.DeleteFunc(fs, func(f string) bool { return f == "_all" || f != fieldDoc && len(dictionary(t, b.idx, f)) == 0 })
		slices.Sort(fs)
		return fs
	}
	wf, mf := fieldsOf(written), fieldsOf(mapped)
	if !slices.Equal(wf, mf) {
		t.Fatalf("fields of Write's index %v, of the mapping's %v", wf, mf)
	}
	if ef := fieldsOf(encoded); !slices.Equal(ef, mf) {
		t.Fatalf("fields of WriteEncoded's index %v, of the mapping's %v", ef, mf)
	}
	for _, f := range wf {
		if w, m := dictionary(t, written.idx, f), dictionary(t, mapped.idx, f); !reflect.DeepEqual(w, m) {
			t.Errorf("field %s: Write indexed %d terms, the mapping %d (%s)", f, len(w), len(m), firstDiff(w, m))
		}
		if e, m := dictionary(t, encoded.idx, f), dictionary(t, mapped.idx, f); !reflect.DeepEqual(e, m) {
			t.Errorf("field %s: WriteEncoded of partly decoded articles indexed %d terms, the mapping %d (%s)", f, len(e), len(m), firstDiff(e, m))
		}
	}
	// Term frequencies and norms show in scores: every term of the list fields, which
	// Write indexes as one field per list, scores each article as the mapping's index does.
	for _, f := range []string{query.IndexEntities, query.IndexEntityNames, query.IndexTopics, query.IndexCountries, query.IndexSource, facetEntity, facetSource} {
		for term := range dictionary(t, written.idx, f) {
			if w, m := scores(t, written.idx, f, term), scores(t, mapped.idx, f, term); !reflect.DeepEqual(w, m) {
				t.Fatalf("field %s, term %q: Write's index scores %v, the mapping's %v", f, term, w, m)
			}
		}
	}
	for _, a := range docs {
		w, m := storedAndVectors(t, written, a.ID), storedAndVectors(t, mapped, a.ID)
		if !reflect.DeepEqual(w, m) {
			t.Fatalf("article %s: Write stored/located %v\nthe mapping %v", a.ID, w, m)
		}
		if e := storedAndVectors(t, encoded, a.ID); !reflect.DeepEqual(e, m) {
			t.Fatalf("article %s: WriteEncoded stored/located %v\nthe mapping %v", a.ID, e, m)
		}
		if g := storedAndVectors(t, again, a.ID); !reflect.DeepEqual(g, m) {
			t.Fatalf("article %s: Write in several batches stored/located %v\nthe mapping %v", a.ID, g, m)
		}
	}
	for _, f := range wf {
		if f == fieldDoc || f == query.IndexPublished || f == query.IndexLocation {
			continue // not text terms
		}
		terms := slices.Sorted(maps.Keys(dictionary(t, mapped.idx, f)))
		step := max(1, len(terms)/100) // a sample of each field's terms, for time
		for i := 0; i < len(terms); i += step {
			term := terms[i]
			if g, m := scores(t, again.idx, f, term), scores(t, mapped.idx, f, term); !reflect.DeepEqual(slices.Sorted(maps.Keys(g)), slices.Sorted(maps.Keys(m))) {
				t.Fatalf("field %s, term %q: Write in several batches finds %v, the mapping %v", f, term, g, m)
			}
		}
	}
}

func dictionary(t *testing.T, idx blv.Index, field string) map[string]uint64 {
	t.Helper()
	d, err := idx.FieldDict(field)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := map[string]uint64{}
	for e, err := d.Next(); e != nil || err != nil; e, err = d.Next() {
		if err != nil {
			t.Fatal(err)
		}
		out[e.Term] = e.Count
	}
	return out
}

// scores returns the score of every article holding term in field.
func scores(t *testing.T, idx blv.Index, field, term string) map[string]float64 {
	t.Helper()
	q := blv.NewTermQuery(term)
	q.SetField(field)
	sr := blv.NewSearchRequestOptions(q, 10_000, 0, false)
	res, err := idx.Search(sr)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]float64, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

func firstDiff(a, b map[string]uint64) string {
	for k, v := range a {
		if b[k] != v {
			return fmt.Sprintf("%q: %d vs %d", k, v, b[k])
		}
	}
	for k, v := range b {
		if a[k] != v {
			return fmt.Sprintf("%q: %d vs %d", k, a[k], v)
		}
	}
	return "same terms"
}

// storedAndVectors lists a document's stored fields and, through a search for each of
// its title and body terms, where they occur.
func storedAndVectors(t *testing.T, b *Backend, id string) map[string]string {
	t.Helper()
	d, err := b.idx.Document(id)
	if err != nil || d == nil {
		t.Fatalf("document %s: %v", id, err)
	}
	out := map[string]string{}
	d.VisitFields(func(f bindex.Field) {
		if f.Name() != "_id" {
			out["stored "+f.Name()] = string(f.Value())
		}
	})
	a, err := b.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	key := b.an.LangKey(a.Lang)
	for _, f := range []string{query.TitleField(key), query.BodyField(key)} {
		q := blv.NewDocIDQuery([]string{id})
		sr := blv.NewSearchRequest(q)
		sr.IncludeLocations = true
		terms := b.an.TermsOf(key, a.Title+" "+query.BodyText(a))
		if len(terms) > 0 {
			tq := blv.NewTermQuery(terms[0])
			tq.SetField(f)
			sr = blv.NewSearchRequest(blv.NewConjunctionQuery(q, tq))
			sr.IncludeLocations = true
		}
		res, err := b.idx.Search(sr)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			for term, locs := range h.Locations[f] {
				for _, l := range locs {
					out["locations "+f+" "+term] += fmt.Sprintf(" %d:%d-%d", l.Pos, l.Start, l.End)
				}
			}
		}
	}
	return out
}

// TestOlderMappingKeepsWorking opens an index made with mapping version 1 (doc values on
// entities and source, no version recorded): Open says a reindex would index faster, and
// Write still indexes what that index's own mapping asks for.
func TestOlderMappingKeepsWorking(t *testing.T) {
	dir := t.TempDir()
	newIndexV1(t, dir).Close()

	var log bytes.Buffer
	b, err := Open(dir, query.DefaultLanguages, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.Contains(log.String(), "older mapping") || !strings.Contains(log.String(), "index_mapping=1") {
		t.Fatalf("Open logged %q, want the older mapping named", log.String())
	}
	docs := indextest.Corpus(t)
	write(t, b, docs...)
	for _, s := range b.build.props[query.IndexEntities] {
		if !s.options.IncludeDocValues() {
			t.Fatalf("Write indexes entities with %v, not the index's own doc values", s.options)
		}
	}
	res, err := b.Search(context.Background(), index.Request{Query: "entity:Q399", Facets: true})
	if err != nil || res.Total == 0 || len(res.Facets["entities"]) == 0 {
		t.Fatalf("search on the older index: %v %+v", err, res)
	}

	fresh, err := Open(t.TempDir(), query.DefaultLanguages, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if v := storedMappingVersion(fresh.idx); v != mappingVersion {
		t.Fatalf("new index records mapping %d, want %d", v, mappingVersion)
	}
}

// newIndexV1 creates an index at dir as Open did before mapping version 2.
func newIndexV1(tb testing.TB, dir string) blv.Index {
	tb.Helper()
	keys := query.LangKeys(query.DefaultLanguages)
	m, err := newMapping(keys)
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range []string{query.IndexEntities, query.IndexSource} {
		m.DefaultMapping.Properties[f].Fields[0].DocValues = true
	}
	idx, err := blv.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		tb.Fatal(err)
	}
	raw, _ := json.Marshal(keys)
	if err := idx.SetInternal([]byte(languagesKey), raw); err != nil {
		tb.Fatal(err)
	}
	return idx
}

// TestTextUnsharedAnalysers checks that two analysers of one property that cannot share
// their tokens (here not Bleve's unicode tokenizer) each keep their own terms: one
// lower-cases in place, and the other's frequencies are keyed by their terms' bytes.
func TestTextUnsharedAnalysers(t *testing.T) {
	asIs := &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer()}
	lower := &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer(), TokenFilters: []analysis.TokenFilter{lowercase.NewLowerCaseFilter()}}
	bd := &builder{props: map[string][]fieldSpec{"p": {
		{name: "as_is", typ: "text", options: bindex.IndexField, analyzer: asIs},
		{name: "lower", typ: "text", options: bindex.IndexField, analyzer: lower},
	}}}
	d := document.NewDocument("x")
	bd.text(d, "p", "Running Fast", -1)
	want := map[string]string{"as_is": "Running Fast", "lower": "running fast"}
	for _, f := range d.Fields {
		f.Analyze()
	}
	for _, f := range d.Fields {
		freqs := f.AnalyzedTokenFrequencies()
		term := want[f.Name()]
		if tf := freqs[term]; len(freqs) != 1 || tf == nil || string(tf.Term) != term {
			t.Errorf("%s: frequencies %v, want the one term %q", f.Name(), freqValues(freqs), term)
		}
	}
}
