package bleve

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Write builds Bleve's documents itself instead of handing Bleve a map to walk with the
// mapping: the fields, options and analysers are the index's own mapping's, read once at
// Open, so the index holds what Bleve's mapping would have put there, minus the "_all"
// composite field (every field is excluded from it, and no search reads it). Building
// them here also lets the two analyses of a text (its language's and the fold field's)
// share one tokenisation, and lower-casing when both start with it: those are a third of
// the analysis cost of an article. RawBatch keeps Bleve's own path as the baseline.

// fieldSpec is how the mapping indexes one property: a field name, its type, indexing
// options and analyser.
type fieldSpec struct {
	name     string
	typ      string
	options  bindex.FieldIndexingOptions
	analyzer analysis.Analyzer
}

// builder makes Bleve documents as the index mapping would. It is read-only after
// newBuilder, so safe for concurrent use.
type builder struct {
	props  map[string][]fieldSpec
	caches map[termCacheKey]*termCache
}

func newBuilder(im *mapping.IndexMappingImpl) (*builder, error) {
	if im.DefaultMapping == nil {
		return nil, fmt.Errorf("index mapping has no default document mapping")
	}
	bd := &builder{props: map[string][]fieldSpec{}, caches: map[termCacheKey]*termCache{}}
	for prop, dm := range im.DefaultMapping.Properties {
		if dm == nil || !dm.Enabled {
			continue
		}
		for _, fm := range dm.Fields {
			name := prop
			if fm.Name != "" {
				name = fm.Name
			}
			spec := fieldSpec{name: name, typ: fm.Type, options: fm.Options()}
			if fm.Type == "text" {
				an := fm.Analyzer
				if an == "" {
					an = im.DefaultAnalyzer
				}
				if spec.analyzer = im.AnalyzerNamed(an); spec.analyzer == nil {
					return nil, fmt.Errorf("index mapping names an unknown analyser %q for %s", an, name)
				}
				newTermCaches(bd.caches, an, spec.analyzer)
			}
			bd.props[prop] = append(bd.props[prop], spec)
		}
	}
	return bd, nil
}

// text adds value as prop's text fields, at array position pos (-1 outside a list).
func (bd *builder) text(d *document.Document, prop, value string, pos int) {
	specs := bd.props[prop]
	var indexes []uint64
	if pos >= 0 {
		indexes = []uint64{uint64(pos)}
	}
	var shared *sharedTokens
	if len(specs) == 2 {
		shared = newSharedTokens(specs[0].analyzer, specs[1].analyzer)
		if shared != nil {
			for i, a := range shared.analyzers {
				shared.caches[i] = bd.caches[termCacheKey{a, shared.common}]
			}
		}
	}
	v := []byte(value)
	for i, s := range specs {
		if s.typ != "text" {
			continue
		}
		an := s.analyzer
		if shared != nil {
			an = sharedAnalyzer{shared, i}
		} else if i > 0 {
			// An analyser may change its input in place, and a field's frequencies are
			// keyed by its terms' bytes (termKey): analysers that do not share their
			// tokens each work on a copy of their own.
			v = []byte(value)
		}
		if s.options.IsStored() {
			d.AddField(document.NewTextFieldCustom(s.name, indexes, v, s.options, an))
			continue
		}
		d.AddField(&textField{name: s.name, arrayPositions: indexes, options: s.options, analyzer: an, value: v})
	}
}

// bytes adds value as prop's text fields without copying it (the caller gives it up),
// for the stored JSON of an article.
func (bd *builder) bytes(d *document.Document, prop string, value []byte) {
	for _, s := range bd.props[prop] {
		if s.typ == "text" {
			d.AddField(document.NewTextFieldCustom(s.name, nil, value, s.options, s.analyzer))
		}
	}
}

// texts adds each value as an element of prop's list. A list whose fields are neither
// stored nor keep term vectors becomes one listField per field: the index holds the same
// terms, frequencies and norms (Bleve's segment merges the fields of one name in a
// document into one), without a field, a token stream and a frequency map per value.
func (bd *builder) texts(d *document.Document, prop string, values []string) {
	specs := bd.props[prop]
	if len(specs) != 1 || specs[0].typ != "text" || specs[0].options.IsStored() || specs[0].options.IncludeTermVectors() {
		for i, v := range values {
			bd.text(d, prop, v, i)
		}
		return
	}
	s := specs[0]
	d.AddField(&listField{name: s.name, options: s.options, analyzer: s.analyzer, values: values})
}

func (bd *builder) datetime(d *document.Document, prop string, t time.Time) error {
	for _, s := range bd.props[prop] {
		if s.typ != "datetime" {
			continue
		}
		f, err := document.NewDateTimeFieldWithIndexingOptions(s.name, nil, t, time.RFC3339, s.options)
		if err != nil {
			return fmt.Errorf("indexing date %v in %s: %w", t, s.name, err)
		}
		d.AddField(f)
	}
	return nil
}

func (bd *builder) geopoint(d *document.Document, prop string, lat, lon float64) {
	for _, s := range bd.props[prop] {
		if s.typ == "geopoint" {
			d.AddField(document.NewGeoPointFieldWithIndexingOptions(s.name, nil, lon, lat, s.options))
		}
	}
}

// sharedTokens tokenises a text once for two analysers that split it alike (the same
// tokenizer type, no character filters), applying once the leading lower-casing both
// share, then runs each analyser's remaining filters on its own copy of the tokens.
// Their outputs are exactly what each analyser would give alone.
type sharedTokens struct {
	analyzers [2]*analysis.DefaultAnalyzer
	common    int           // leading token filters both apply (0 or 1: lower-casing)
	caches    [2]*termCache // the rest of each analyser's filters, when they can be cached

	mu      sync.Mutex
	tokens  analysis.TokenStream
	scratch *tokenScratch // holds tokens
	pending int           // consumers that have not taken their tokens yet
}

// newSharedTokens returns nil when a and b cannot share their tokenisation.
func newSharedTokens(a, b analysis.Analyzer) *sharedTokens {
	da, ok1 := a.(*analysis.DefaultAnalyzer)
	db, ok2 := b.(*analysis.DefaultAnalyzer)
	if !ok1 || !ok2 || len(da.CharFilters) > 0 || len(db.CharFilters) > 0 {
		return nil
	}
	_, ua := da.Tokenizer.(*unicode.UnicodeTokenizer)
	_, ub := db.Tokenizer.(*unicode.UnicodeTokenizer)
	if !ua || !ub {
		return nil
	}
	s := &sharedTokens{analyzers: [2]*analysis.DefaultAnalyzer{da, db}, pending: 2}
	if len(da.TokenFilters) > 0 && len(db.TokenFilters) > 0 && isLowerCase(da.TokenFilters[0]) && isLowerCase(db.TokenFilters[0]) {
		s.common = 1
	}
	return s
}

func isLowerCase(f analysis.TokenFilter) bool {
	_, ok := f.(*lowercase.LowerCaseFilter)
	return ok
}

// take returns the shared tokens for input: a private copy to every consumer but the
// last, which gets the originals. The consumer owns the token records in sc and the
// copy's term bytes in terms (nil for the originals): it may release them when done
// with them, or leave them to the garbage collector.
func (s *sharedTokens) take(input []byte) (ts analysis.TokenStream, sc *tokenScratch, terms *termBytes) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.scratch = tokenPool.Get().(*tokenScratch)
		s.tokens = tokenize(input, s.scratch)
		for _, f := range s.analyzers[0].TokenFilters[:s.common] {
			s.tokens = f.Filter(s.tokens)
		}
	}
	s.pending--
	if s.pending <= 0 {
		ts, sc = s.tokens, s.scratch
		s.tokens, s.scratch = nil, nil
		return ts, sc, nil
	}
	sc = tokenPool.Get().(*tokenScratch)
	terms = &termBytes{}
	return copyTokens(s.tokens, sc, terms), sc, terms
}

// copyTokens copies ts into sc, and the bytes of its terms into terms.
func copyTokens(ts analysis.TokenStream, sc *tokenScratch, terms *termBytes) analysis.TokenStream {
	n := 0
	for _, t := range ts {
		n += len(t.Term)
	}
	buf := grow(terms.b, n)[:0]
	out := sc.stream(len(ts))
	for i, t := range ts {
		*out[i] = *t
		start := len(buf)
		buf = append(buf, t.Term...)
		out[i].Term = buf[start:len(buf):len(buf)]
	}
	terms.b = buf
	return out
}

// sharedAnalyzer is one of the two analysers of a sharedTokens.
type sharedAnalyzer struct {
	s *sharedTokens
	i int
}

func (a sharedAnalyzer) Analyze(input []byte) analysis.TokenStream {
	ts, _, _ := a.analyze(input)
	return ts
}

// analyze is Analyze, with the memory the tokens are in (see sharedTokens.take).
func (a sharedAnalyzer) analyze(input []byte) (analysis.TokenStream, *tokenScratch, *termBytes) {
	ts, sc, terms := a.s.take(input)
	if c := a.s.caches[a.i]; c != nil {
		return c.filter(ts), sc, terms
	}
	for _, f := range a.s.analyzers[a.i].TokenFilters[a.s.common:] {
		ts = f.Filter(ts)
	}
	return ts, sc, terms
}

// listField is every value of a list property as one Bleve field, for fields that are
// neither stored nor keep term vectors (so no array positions are recorded): its terms
// and their frequencies summed over the values, and its length the sum of theirs, as
// Bleve's segment would sum the fields of one name in a document.
type listField struct {
	name     string
	options  bindex.FieldIndexingOptions
	analyzer analysis.Analyzer
	values   []string
	length   int
	freqs    bindex.TokenFrequencies
	freqSize int // the memory freqs take, for Size
}

var _ document.Field = (*listField)(nil)

func (f *listField) Name() string                         { return f.name }
func (f *listField) ArrayPositions() []uint64             { return nil }
func (f *listField) Options() bindex.FieldIndexingOptions { return f.options }
func (f *listField) EncodedFieldType() byte               { return 't' }
func (f *listField) AnalyzedLength() int                  { return f.length }

func (f *listField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

// Value is the values joined; only Size and NumPlainTextBytes use it.
func (f *listField) Value() []byte { return []byte(strings.Join(f.values, " ")) }

func (f *listField) NumPlainTextBytes() uint64 {
	var n uint64
	for _, v := range f.values {
		n += uint64(len(v))
	}
	return n
}

func (f *listField) Size() int {
	n := int(f.NumPlainTextBytes()) + len(f.name) + 64
	if f.freqs != nil {
		n += f.freqSize
	}
	return n
}

// Analyze counts the terms of every value in one tokenFrequency call, so that the
// field's map and records are made once at their size, rather than a record and a key
// per term as they come; the values' bytes, which the analyser may change in place, are
// copied into one buffer.
func (f *listField) Analyze() {
	n := 0
	for _, v := range f.values {
		n += len(v)
	}
	buf := make([]byte, 0, n)
	var tokens analysis.TokenStream
	for _, v := range f.values {
		start := len(buf)
		buf = append(buf, v...)
		// Capped, so that a filter that appends cannot write over the next value.
		tokens = append(tokens, f.analyzer.Analyze(buf[start:len(buf):len(buf)])...)
	}
	f.length = len(tokens)
	f.freqs, f.freqSize = tokenFrequency(tokens, nil, f.options)
}

// textField is document.TextField for a field that is not stored (so its analyser may
// work on its value in place), with the frequencies counted by tokenFrequency.
type textField struct {
	name           string
	arrayPositions []uint64
	options        bindex.FieldIndexingOptions
	analyzer       analysis.Analyzer
	value          []byte
	length         int
	freqs          bindex.TokenFrequencies
	freqSize       int        // the memory freqs take, for Size
	terms          *termBytes // holds terms of freqs when not nil
}

var _ document.Field = (*textField)(nil)

func (f *textField) Name() string                         { return f.name }
func (f *textField) ArrayPositions() []uint64             { return f.arrayPositions }
func (f *textField) Options() bindex.FieldIndexingOptions { return f.options }
func (f *textField) Value() []byte                        { return f.value }
func (f *textField) NumPlainTextBytes() uint64            { return uint64(len(f.value)) }
func (f *textField) EncodedFieldType() byte               { return 't' }
func (f *textField) AnalyzedLength() int                  { return f.length }

func (f *textField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

// Size estimates the field's memory for Bleve's statistics, without walking the
// frequencies as document.TextField does.
func (f *textField) Size() int {
	n := len(f.name) + len(f.value) + 8*len(f.arrayPositions) + 96
	if f.freqs != nil {
		n += f.freqSize
	}
	return n
}

func (f *textField) Analyze() {
	var tokens analysis.TokenStream
	var sc *tokenScratch
	if sa, ok := f.analyzer.(sharedAnalyzer); ok {
		tokens, sc, f.terms = sa.analyze(f.value)
	} else {
		tokens = f.analyzer.Analyze(f.value)
	}
	f.length = len(tokens)
	f.freqs, f.freqSize = tokenFrequency(tokens, f.arrayPositions, f.options)
	if sc != nil {
		sc.release() // the frequencies hold no token record
	}
}

// release drops the field's frequencies once Bleve is done with the document, so that a
// document still referenced does not hold them.
func (f *textField) release() {
	f.freqs, f.freqSize, f.terms = nil, 0, nil
}

// releaseFields drops the frequencies of d's fields (see textField.release).
func releaseFields(d *document.Document) {
	for _, fl := range d.Fields {
		if tf, ok := fl.(*textField); ok {
			tf.release()
		}
	}
}
