package bleve

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/segment"
)

// The cheaper halves of analysis for Write. Both give exactly what Bleve's own code
// gives (TestTokenizeAsBleve, TestWriteIndexesAsMapping); they differ only in how much
// they allocate, which is most of the analysis cost of an article through the GC.

// segments is the scratch space of one tokenize call.
type segments struct {
	words [][]byte
	types []int
}

var segmentsPool = sync.Pool{New: func() any { return &segments{words: make([][]byte, 0, 1024), types: make([]int, 0, 1024)} }}

// tokenize splits input as Bleve's unicode tokenizer does. That tokenizer asks the
// segmenter for one word at a time, two allocations a word and a space; this asks for
// every word in one call and puts the tokens in sc's reused memory. Input the segmenter
// cannot take in one call (invalid UTF-8) goes through Bleve's tokenizer.
func tokenize(input []byte, sc *tokenScratch) analysis.TokenStream {
	sg := segmentsPool.Get().(*segments)
	defer segmentsPool.Put(sg)
	words, types, consumed, err := segment.SegmentWordsDirect(input, sg.words[:0], sg.types[:0])
	sg.words, sg.types = words[:0], types[:0]
	if err != nil || consumed != len(input) {
		return unicode.NewUnicodeTokenizer().Tokenize(input)
	}
	n := 0
	for _, t := range types {
		if t != segment.None {
			n++
		}
	}
	out := sc.stream(n)
	start, pos := 0, 1
	for i, w := range words {
		end := start + len(w)
		if types[i] != segment.None {
			t := out[pos-1]
			t.Term, t.Start, t.End, t.Position, t.Type = w, start, end, pos, tokenType(types[i])
			pos++
		}
		start = end
	}
	clear(words) // the pool must not keep the input alive
	return out
}

// tokenScratch holds the Token records of one text's analysis. Nothing reads them once
// the text's term frequencies are counted (their terms are other memory), so
// textField.Analyze hands them back to tokenPool at once (release) and the next text
// reuses them: they were most of what analysis allocated.
type tokenScratch struct {
	toks []analysis.Token
	out  analysis.TokenStream
}

var tokenPool = sync.Pool{New: func() any { return &tokenScratch{} }}

// stream returns n zeroed tokens in sc's memory.
func (sc *tokenScratch) stream(n int) analysis.TokenStream {
	sc.toks = grow(sc.toks, n)
	clear(sc.toks)
	sc.out = grow(sc.out, n)
	for i := range sc.out {
		sc.out[i] = &sc.toks[i]
	}
	return sc.out
}

// release clears sc, so that the pool keeps no text alive, and returns it to the pool.
func (sc *tokenScratch) release() {
	clear(sc.toks)
	clear(sc.out)
	tokenPool.Put(sc)
}

// termBytes holds the bytes of the terms of a copy of a text's tokens (copyTokens). The
// term frequencies of a field point into it, so it lives until Bleve is done with the
// document, like freqScratch.
type termBytes struct{ b []byte }

var termBytesPool = sync.Pool{New: func() any { return &termBytes{} }}

func (tb *termBytes) release() {
	tb.b = tb.b[:0]
	termBytesPool.Put(tb)
}

// tokenType is Bleve's unicode tokenizer's token type for a segment type.
func tokenType(segmentType int) analysis.TokenType {
	switch segmentType {
	case segment.Ideo, segment.Kana:
		return analysis.Ideographic
	case segment.Number:
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// freqScratch holds what tokenFrequency builds for one field. Bleve reads it only
// while it builds the batch's segment, so Write hands it back to freqPool once Batch has
// returned and the next fields reuse it (release).
type freqScratch struct {
	freqs  bindex.TokenFrequencies
	slab   []bindex.TokenFreq // a record per distinct term
	owners []*bindex.TokenFreq
	ptrs   []*bindex.TokenLocation
	locs   []bindex.TokenLocation
	size   int // the memory Bleve is told the frequencies take (Size)
}

var freqPool = sync.Pool{New: func() any { return &freqScratch{} }}

// release clears sc, so that the pool keeps no article alive, and returns it to the pool.
func (sc *freqScratch) release() {
	clear(sc.freqs)
	clear(sc.slab)
	clear(sc.owners)
	clear(sc.ptrs)
	clear(sc.locs)
	sc.slab, sc.owners, sc.ptrs, sc.locs = sc.slab[:0], sc.owners[:0], sc.ptrs[:0], sc.locs[:0]
	freqPool.Put(sc)
}

// grow returns s with length n, reallocated only when too short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// tokenFrequency is analysis.TokenFrequency in sc's reused memory: the frequencies are
// valid until sc is released.
func tokenFrequency(sc *freqScratch, tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions) bindex.TokenFrequencies {
	if sc.freqs == nil {
		sc.freqs = make(bindex.TokenFrequencies, len(tokens)/2+1)
	}
	freqs := sc.freqs
	// Every record is in slab, which must not move once a record is in the map.
	slab := grow(sc.slab, len(tokens))[:0]
	vectors := options.IncludeTermVectors()
	var owners []*bindex.TokenFreq
	if vectors {
		owners = grow(sc.owners, len(tokens))
	}
	for i, t := range tokens {
		tf := freqs[string(t.Term)]
		if tf == nil {
			slab = append(slab, bindex.TokenFreq{Term: t.Term})
			tf = &slab[len(slab)-1]
			freqs[string(t.Term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		if vectors {
			owners[i] = tf
		}
	}
	size := len(slab) * 96
	if vectors {
		// Each term's locations are a run of one slice, as long as its count.
		ptrs := grow(sc.ptrs, len(tokens))
		off := 0
		for i := range slab {
			tf := &slab[i]
			n := tf.Frequency()
			tf.Locations = ptrs[off : off : off+n]
			off += n
		}
		locs := grow(sc.locs, len(tokens))
		for i, t := range tokens {
			locs[i] = bindex.TokenLocation{ArrayPositions: arrayPositions, Start: t.Start, End: t.End, Position: t.Position}
			owners[i].Locations = append(owners[i].Locations, &locs[i])
		}
		sc.owners, sc.ptrs, sc.locs = owners, ptrs, locs
		size += len(tokens) * (64 + 8*len(arrayPositions))
	}
	if options.SkipFreqNorm() {
		for i := range slab {
			slab[i].SetFrequency(0)
		}
	}
	sc.slab, sc.size = slab, size
	return freqs
}
