package query

import (
	"sync"

	"wirewatch/internal/text"
)

// The text analysers cut words with Bleve's unicode tokenizer (UAX #29 word boundaries of
// Unicode 8, a generated state machine), which costs about as much as everything else of
// analysing an article for matching. Most news text is made of characters whose
// word-break classes are plain (text.WordBreakAt): for such a text, cutWords finds the
// same words from text.Segments, one table look-up per character; a text with any other
// character is left to the tokenizer. TestCutWordsIsTheTokenizers checks every character
// the table knows, in context, against the tokenizer.

// cutWords appends to out the words the text analysers' tokenizer cuts from s, as byte
// offsets in s, and reports true; or reports false when s holds a character the table
// does not know, and the tokenizer must cut s. The tokenizer's words are the segments
// that start with a letter or a digit.
func cutWords(s string, out []Span) ([]Span, bool) {
	ok := text.Segments(s, func(w string, start int) {
		if cl, _ := text.WordBreakAt(w, 0); cl == text.BreakLetter || cl == text.BreakDigit {
			out = append(out, Span{start, start + len(w)})
		}
	})
	return out, ok
}

// spanBufs holds DocWords's cuts of a title and a body between articles: the words are
// copied out by Analysis.words, so the slices are free again once the Doc is made.
var spanBufs = sync.Pool{New: func() any { return new([2][]Span) }}

// maxPooledSpans bounds the cuts spanBufs keeps (256 KB): one huge article should not
// leave its buffer in the pool.
const maxPooledSpans = 1 << 14

func releaseSpans(bufs *[2][]Span) {
	if cap(bufs[0]) <= maxPooledSpans && cap(bufs[1]) <= maxPooledSpans {
		spanBufs.Put(bufs)
	}
}
