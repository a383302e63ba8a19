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
// every word in one call and puts the tokens in two allocations. Input the segmenter
// cannot take in one call (invalid UTF-8) goes through Bleve's tokenizer.
func tokenize(input []byte) analysis.TokenStream {
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
	toks := make([]analysis.Token, n)
	out := make(analysis.TokenStream, n)
	start, pos := 0, 1
	for i, w := range words {
		end := start + len(w)
		if types[i] != segment.None {
			t := &toks[pos-1]
			t.Term, t.Start, t.End, t.Position, t.Type = w, start, end, pos, tokenType(types[i])
			out[pos-1] = t
			pos++
		}
		start = end
	}
	clear(words) // the pool must not keep the input alive
	return out
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

// tokenFrequency is analysis.TokenFrequency with its records in a few slices instead
// of two or three allocations per distinct term.
func tokenFrequency(tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions) bindex.TokenFrequencies {
	// A text of n words has about n/2 distinct ones; the map grows past that if need be.
	freqs := make(bindex.TokenFrequencies, len(tokens)/2+1)
	var terms []*bindex.TokenFreq // distinct, in order of first occurrence
	var slab []bindex.TokenFreq   // their records, in chunks
	vectors := options.IncludeTermVectors()
	var owners []*bindex.TokenFreq
	if vectors {
		owners = make([]*bindex.TokenFreq, len(tokens))
	}
	for i, t := range tokens {
		tf := freqs[string(t.Term)]
		if tf == nil {
			if len(slab) == cap(slab) {
				slab = make([]bindex.TokenFreq, 0, min(len(tokens)-i, max(16, len(tokens)/4)))
			}
			slab = append(slab, bindex.TokenFreq{Term: t.Term})
			tf = &slab[len(slab)-1]
			freqs[string(t.Term)] = tf
			terms = append(terms, tf)
		}
		tf.SetFrequency(tf.Frequency() + 1)
		if vectors {
			owners[i] = tf
		}
	}
	if vectors {
		// Each term's locations are a run of one slice, as long as its count.
		ptrs := make([]*bindex.TokenLocation, len(tokens))
		off := 0
		for _, tf := range terms {
			n := tf.Frequency()
			tf.Locations = ptrs[off : off : off+n]
			off += n
		}
		locs := make([]bindex.TokenLocation, len(tokens))
		for i, t := range tokens {
			locs[i] = bindex.TokenLocation{ArrayPositions: arrayPositions, Start: t.Start, End: t.End, Position: t.Position}
			owners[i].Locations = append(owners[i].Locations, &locs[i])
		}
	}
	if options.SkipFreqNorm() {
		for _, tf := range terms {
			tf.SetFrequency(0)
		}
	}
	return freqs
}
