package bleve

import (
	"sync"
	"unicode/utf8"

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

// tokenize splits input as Bleve's unicode tokenizer does, into sc's reused memory.
// That tokenizer asks the segmenter for one word at a time, two allocations a word and a
// space. This cuts input after every ASCII space followed by an ASCII byte, where the
// word-boundary rules (UAX #29, and the segmenter's) always break and never look
// across, and reads a piece made only of letters of the Latin and Cyrillic blocks (a
// word, type Letter) or only of ASCII digits (type Number), each perhaps between ASCII
// punctuation that cannot join it to anything, itself; most news words are such pieces.
// The other pieces go to the segmenter, a run of them in one call. Invalid UTF-8, which
// the segmenter splits by other rules, goes through Bleve's tokenizer.
func tokenize(input []byte, sc *tokenScratch) analysis.TokenStream {
	if !utf8.Valid(input) {
		return unicode.NewUnicodeTokenizer().Tokenize(input)
	}
	sg := segmentsPool.Get().(*segments)
	defer segmentsPool.Put(sg)
	toks := sc.toks[:0]
	slow := -1 // start of the pieces not read yet, or -1
	for start := 0; start < len(input); {
		end := pieceEnd(input, start)
		if from, to, typ, ok := simplePiece(input[start:end]); ok {
			var good bool
			if toks, good = segmentSpan(sg, input, slow, start, toks); !good {
				return unicode.NewUnicodeTokenizer().Tokenize(input)
			}
			slow = -1
			if from < to {
				toks = append(toks, analysis.Token{Term: input[start+from : start+to], Start: start + from, End: start + to, Position: len(toks) + 1, Type: typ})
			}
		} else if slow < 0 {
			slow = start
		}
		start = end
	}
	toks, good := segmentSpan(sg, input, slow, len(input), toks)
	if !good {
		return unicode.NewUnicodeTokenizer().Tokenize(input)
	}
	return sc.streamOf(toks)
}

// pieceEnd is where the piece of input at start ends: after the next ASCII space that
// the end of input, an ASCII byte, a letter of simplePiece or wordPunct follows, or after
// the next hyphen-minus such a letter follows. A space or a hyphen is a word boundary on
// both sides, and no rule joins across either to what follows here (UAX #29: only
// spaces, Extend, Format and ZWJ characters join a space, and a hyphen is none of those).
func pieceEnd(input []byte, start int) int {
	for i := start; i < len(input); i++ {
		switch input[i] {
		case ' ':
			if i+1 == len(input) || input[i+1] < utf8.RuneSelf || letter2(input[i+1:]) || wordPunct(input[i+1:]) > 0 {
				return i + 1
			}
		case '-':
			if i+1 < len(input) && (asciiLetter(input[i+1]) || letter2(input[i+1:])) {
				return i + 1
			}
		}
	}
	return len(input)
}

func asciiLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// letter2 reports whether p starts with a two-byte letter simplePiece reads: U+00C0-U+017F
// but × and ÷, or U+0400-U+047F (Word_Break ALetter, all of them).
func letter2(p []byte) bool {
	if len(p) < 2 || p[0]&0xe0 != 0xc0 || p[1]&0xc0 != 0x80 {
		return false
	}
	r := rune(p[0]&0x1f)<<6 | rune(p[1]&0x3f)
	return 0xc0 <= r && r <= 0x17f && r != 0xd7 && r != 0xf7 || 0x400 <= r && r <= 0x47f
}

// wordPunct is the length of the punctuation p starts with that is a word boundary on
// both sides and that no rule looks across (Word_Break Other): « or », or an em dash;
// 0 for anything else.
func wordPunct(p []byte) int {
	switch {
	case len(p) >= 2 && p[0] == 0xc2 && (p[1] == 0xab || p[1] == 0xbb):
		return 2
	case len(p) >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x94:
		return 3
	}
	return 0
}

// simplePiece reads a piece that is one word of Latin or Cyrillic letters (perhaps
// with apostrophes between letters, as in "l'alliance" or "Baku's") or of ASCII digits,
// at p[from:to], or no word (from == to), with only punctuation that breaks on both
// sides around it (ASCII, or wordPunct) and an ASCII space or a hyphen after it. ok is false for any
// other piece.
func simplePiece(p []byte) (from, to int, typ analysis.TokenType, ok bool) {
	i := 0
	for i < len(p) {
		if p[i] == '(' || p[i] == '"' || p[i] == '[' {
			i++
		} else if n := wordPunct(p[i:]); n > 0 {
			i += n
		} else {
			break
		}
	}
	from = i
	letters, digits := false, false
	for i < len(p) {
		c := p[i]
		switch {
		case asciiLetter(c):
			letters = true
			i++
			continue
		case '0' <= c && c <= '9':
			digits = true
			i++
			continue
		case c == '\'' && letters && !digits && i+1 < len(p) && (asciiLetter(p[i+1]) || letter2(p[i+1:])):
			// A letter, an apostrophe, a letter: one word (UAX #29 WB6, WB7).
			i++
			continue
		case c >= utf8.RuneSelf:
			if letter2(p[i:]) {
				letters = true
				i += 2
				continue
			}
			if wordPunct(p[i:]) == 0 {
				return 0, 0, 0, false
			}
		}
		break
	}
	to = i
	if letters && digits {
		return 0, 0, 0, false
	}
	for ; i < len(p); i++ {
		if n := wordPunct(p[i:]); n > 0 {
			i += n - 1
			continue
		}
		switch p[i] {
		case ',', '.', ';', ':', '!', '?', ')', '"', ']', '\'', ' ', '-':
			if (p[i] == ' ' || p[i] == '-') && i != len(p)-1 {
				return 0, 0, 0, false
			}
		default:
			return 0, 0, 0, false
		}
	}
	if digits {
		return from, to, analysis.Numeric, true
	}
	return from, to, analysis.AlphaNumeric, true
}

// segmentSpan appends the tokens of input[start:end] (none when start < 0) to toks, as
// the segmenter splits it; good is false when it cannot.
func segmentSpan(sg *segments, input []byte, start, end int, toks []analysis.Token) (_ []analysis.Token, good bool) {
	if start < 0 || start == end {
		return toks, true
	}
	span := input[start:end]
	words, types, consumed, err := segment.SegmentWordsDirect(span, sg.words[:0], sg.types[:0])
	sg.words, sg.types = words[:0], types[:0]
	defer clear(words) // the pool must not keep the input alive
	if err != nil || consumed != len(span) {
		return toks, false
	}
	off := start
	for i, w := range words {
		if types[i] != segment.None {
			toks = append(toks, analysis.Token{Term: w, Start: off, End: off + len(w), Position: len(toks) + 1, Type: tokenType(types[i])})
		}
		off += len(w)
	}
	return toks, true
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
	toks := grow(sc.toks, n)
	clear(toks)
	return sc.streamOf(toks)
}

// streamOf returns toks, which must be sc.toks or a slice grown from it, as a stream.
func (sc *tokenScratch) streamOf(toks []analysis.Token) analysis.TokenStream {
	sc.toks = toks
	sc.out = grow(sc.out, len(toks))
	for i := range sc.out {
		sc.out[i] = &toks[i]
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
// term frequencies of a field point into it, so it lives as long as the document; like
// freqScratch it is made for its field and not pooled.
type termBytes struct{ b []byte }

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

// freqScratch holds what tokenFrequency builds for one field, made for that field.
// It is not pooled across Writes: a pool kept every record at the size of the largest
// field it had ever held (about 220 MB held after 4,000 articles; 470 MB more peak heap in
// a 10,000-article bench), and BenchmarkIndexingEnriched measured the pooled path slower
// (1,024-1,098 against 1,113-1,238 docs per CPU-second) with 130-170 MB more peak RSS.
type freqScratch struct {
	freqs bindex.TokenFrequencies
	slabs [][]bindex.TokenFreq // a record per distinct term
	ptrs  []*bindex.TokenLocation
	locs  []bindex.TokenLocation
	size  int // the memory Bleve is told the frequencies take (Size)
}

// owners is the scratch space of one tokenFrequency call: each token's frequency record,
// to hang its location on. Unlike the frequencies it is not needed once they are
// counted, so it goes back to ownersPool at once instead of living, 8 bytes a token, as
// long as the field (the whole Bleve batch). Slices longer than maxPooledOwners (a text
// of ~400 KB) are left to the collector, so that the pool does not keep the largest
// field it ever saw.
type owners struct{ of []*bindex.TokenFreq }

const maxPooledOwners = 1 << 16

var ownersPool = sync.Pool{New: func() any { return &owners{} }}

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
	// Records are made in slabs, each for half the tokens not read yet (at least 16, at
	// most all of them), so that a field holds about a record per distinct term rather
	// than one per token. A record must not move once it is in the map.
	slabs := sc.slabs[:0]
	var slab []bindex.TokenFreq
	distinct := 0
	vectors := options.IncludeTermVectors()
	var own *owners
	if vectors {
		own = ownersPool.Get().(*owners)
		own.of = grow(own.of, len(tokens))
		defer func() {
			clear(own.of) // the pool must not keep the batch's records alive
			if cap(own.of) <= maxPooledOwners {
				ownersPool.Put(own)
			}
		}()
	}
	for i, t := range tokens {
		tf := freqs[string(t.Term)]
		if tf == nil {
			if len(slab) == cap(slab) {
				if slab != nil {
					slabs = append(slabs, slab)
				}
				left := len(tokens) - i
				slab = make([]bindex.TokenFreq, 0, min(left, max(16, (left+1)/2)))
			}
			slab = append(slab, bindex.TokenFreq{Term: t.Term})
			tf = &slab[len(slab)-1]
			freqs[string(t.Term)] = tf
			distinct++
		}
		tf.SetFrequency(tf.Frequency() + 1)
		if vectors {
			own.of[i] = tf
		}
	}
	if slab != nil {
		slabs = append(slabs, slab)
	}
	size := distinct * 96
	if vectors {
		// Each term's locations are a run of one slice, as long as its count.
		ptrs := grow(sc.ptrs, len(tokens))
		off := 0
		for _, slab := range slabs {
			for i := range slab {
				tf := &slab[i]
				n := tf.Frequency()
				tf.Locations = ptrs[off : off : off+n]
				off += n
			}
		}
		locs := grow(sc.locs, len(tokens))
		for i, t := range tokens {
			locs[i] = bindex.TokenLocation{ArrayPositions: arrayPositions, Start: t.Start, End: t.End, Position: t.Position}
			own.of[i].Locations = append(own.of[i].Locations, &locs[i])
		}
		sc.ptrs, sc.locs = ptrs, locs
		size += len(tokens) * (64 + 8*len(arrayPositions))
	}
	if options.SkipFreqNorm() {
		for _, slab := range slabs {
			for i := range slab {
				slab[i].SetFrequency(0)
			}
		}
	}
	sc.slabs, sc.size = slabs, size
	return freqs
}
