package bleve

import (
	"sync"
	"unicode/utf8"
	"unsafe"

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
// term frequencies of a field point into it, so it lives as long as the document; it is
// made for its field and not pooled.
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

// grow returns s with length n, reallocated only when too short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// termIDs is the scratch space of one tokenFrequency call: an id for each distinct
// term, in order of first appearance, the token that first has it and how many have it,
// and each token's id. None of it is needed once the frequencies are built, so it goes
// back to termIDsPool (cleared, so that the pool keeps no text alive) instead of living
// as long as the field (the whole Bleve batch). Scratch grown past maxPooledTokens (a
// text of ~400 KB) is left to the collector, so that the pool does not keep the largest
// field it ever saw.
type termIDs struct {
	ids   map[string]int32
	first []int32
	count []int32
	of    []int32
}

const maxPooledTokens = 1 << 16

// smallField is the number of tokens up to which tokenFrequency finds a term's id by
// comparing it with every distinct term before it instead of in a map: keyword fields
// are one token, titles a dozen, and clearing a map that a body grew costs more.
const smallField = 24

var termIDsPool = sync.Pool{New: func() any { return &termIDs{ids: map[string]int32{}} }}

func (s *termIDs) release() {
	clear(s.ids)
	if cap(s.of) <= maxPooledTokens && cap(s.first) <= maxPooledTokens {
		termIDsPool.Put(s)
	}
}

// termKey is term as a map key without copying it. Nothing writes to a term's bytes
// once its analysis is over (they are the field's own copy of its value, a copy of the
// shared tokens, or a termCache's read-only values), and the frequencies are built only
// then, so the key cannot change under the map. Copying every key was one allocation
// per distinct term of every field, 131,000 for 500 articles.
func termKey(term []byte) string { return unsafe.String(unsafe.SliceData(term), len(term)) }

// tokenFrequency is analysis.TokenFrequency (the same frequencies and locations) in
// memory sized exactly: it numbers the distinct terms first, in pooled scratch space,
// then makes the map and one record per distinct term at their final size, and with
// term vectors one location per token, the locations of a term a run of one slice. Its
// size is the memory the frequencies take, for Bleve's statistics (textField.Size).
//
// Bleve's version, and this one before, sized the map and records by guesses (half the
// tokens): 210,000 records made for 131,000 distinct terms in 500 enriched articles. A
// Bleve batch keeps every field's frequencies until its segment is built, so the slack
// was held at the indexing stage's peak.
func tokenFrequency(tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions) (_ bindex.TokenFrequencies, size int) {
	sc := termIDsPool.Get().(*termIDs)
	defer sc.release()
	first, count := sc.first[:0], sc.count[:0]
	of := grow(sc.of, len(tokens))
	if len(tokens) <= smallField {
		for i, t := range tokens {
			id := int32(-1)
			for j, f := range first {
				if string(tokens[f].Term) == string(t.Term) {
					id = int32(j)
					break
				}
			}
			if id < 0 {
				id = int32(len(first))
				first, count = append(first, int32(i)), append(count, 0)
			}
			count[id]++
			of[i] = id
		}
	} else {
		for i, t := range tokens {
			id, ok := sc.ids[string(t.Term)]
			if !ok {
				id = int32(len(first))
				first, count = append(first, int32(i)), append(count, 0)
				sc.ids[termKey(t.Term)] = id
			}
			count[id]++
			of[i] = id
		}
	}
	sc.first, sc.count, sc.of = first, count, of

	recs := make([]bindex.TokenFreq, len(first))
	freqs := make(bindex.TokenFrequencies, len(first))
	for id, f := range first {
		term := tokens[f].Term
		recs[id].Term = term
		freqs[termKey(term)] = &recs[id]
	}
	size = len(first) * 96
	if options.IncludeTermVectors() {
		ptrs := make([]*bindex.TokenLocation, len(tokens))
		off := 0
		for id, n := range count {
			recs[id].Locations = ptrs[off : off : off+int(n)]
			off += int(n)
		}
		locs := make([]bindex.TokenLocation, len(tokens))
		for i, t := range tokens {
			locs[i] = bindex.TokenLocation{ArrayPositions: arrayPositions, Start: t.Start, End: t.End, Position: t.Position}
			r := &recs[of[i]]
			r.Locations = append(r.Locations, &locs[i])
		}
		size += len(tokens) * (64 + 8*len(arrayPositions))
	}
	if !options.SkipFreqNorm() {
		for id, n := range count {
			recs[id].SetFrequency(int(n))
		}
	}
	return freqs, size
}
