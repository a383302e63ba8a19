package query

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// The text analysers cut words with Bleve's unicode tokenizer (UAX #29 word boundaries of
// Unicode 8, a generated state machine), which costs about as much as everything else of
// analysing an article for matching. Most news text is made of a few hundred characters
// whose word-break classes are plain: letters of the region's scripts, digits, the
// characters that join letters (' . : ·) or digits (. , ;) when they stand between two,
// spaces and punctuation. For such a text, cutWords finds the same words with one table
// look-up per byte; a text with any other character (combining marks, format
// characters, '_', emoji, ideographs, Hebrew) is left to the tokenizer. TestCutWordsIsTheTokenizers
// checks every character cutWords accepts, in context, against the tokenizer.

// Word-break classes of the characters cutWords knows (UAX #29 names).
const (
	cutUnknown   uint8 = iota // not handled: the tokenizer cuts the text
	cutOther                  // breaks on both sides, never part of a word
	cutLetter                 // ALetter
	cutDigit                  // Numeric
	cutMidLetter              // MidLetter: joins two letters
	cutMidNumLet              // MidNumLet and Single_Quote: joins two letters or two digits
	cutMidNum                 // MidNum: joins two digits
)

// cutClass2 holds the class of every character below U+0800 (one or two bytes in UTF-8).
var cutClass2 = func() (t [0x800]uint8) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = cutOther
	}
	t['\t'], t['\n'], t['\r'] = cutOther, cutOther, cutOther
	t['_'] = cutUnknown // ExtendNumLet: joins words
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = cutLetter, cutLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = cutDigit
	}
	t[':'] = cutMidLetter
	t['.'], t['\''] = cutMidNumLet, cutMidNumLet
	t[','], t[';'] = cutMidNum, cutMidNum
	for _, rg := range cutRanges2 {
		for r := rg[0]; r <= rg[1]; r++ {
			switch {
			case unicode.IsLetter(r):
				t[r] = cutLetter
			case unicode.IsDigit(r):
				t[r] = cutDigit
			default:
				t[r] = cutOther
			}
		}
	}
	t[0x00B7] = cutMidLetter // ·
	t[0x0589] = cutMidNum    // Armenian full stop
	t[0x060C] = cutMidNum    // Arabic comma
	return t
}()

// cutRanges2 are the characters of two bytes cutWords knows besides ASCII, inclusive.
var cutRanges2 = [][2]rune{
	{0x00A0, 0x00AC}, // Latin-1 punctuation (not the soft hyphen, a format character)
	{0x00AE, 0x00B1}, // (not the superscript digits)
	{0x00B4, 0x00B7}, // (not the cedilla)
	{0x00BA, 0x00BB},
	{0x00BF, 0x024F}, // Latin-1 letters, Latin Extended-A and -B
	{0x0250, 0x02AF}, // IPA (Azerbaijani ə)
	{0x02BC, 0x02BC}, // ʼ, the Ukrainian apostrophe (a letter)
	{0x0400, 0x0482}, // Cyrillic, without its combining marks
	{0x048A, 0x052F},
	{0x0531, 0x0556}, // Armenian capitals
	{0x0561, 0x0587}, // Armenian small letters
	{0x0589, 0x0589}, // Armenian full stop
	{0x060C, 0x060C}, // Arabic comma
	{0x061B, 0x061B},
	{0x061F, 0x061F},
	{0x0621, 0x063F}, // Arabic letters (not the tatweel), without the vowel marks
	{0x0641, 0x064A},
	{0x0660, 0x0669}, // Arabic-Indic digits
	{0x0671, 0x06D3}, // Arabic and Persian letters
	{0x06F0, 0x06F9}, // Persian digits
}

// cutClass3 is the class of a character of three bytes or more.
func cutClass3(r rune) uint8 {
	switch {
	case r >= 0x10D0 && r <= 0x10FA: // Georgian (Mkhedruli)
		return cutLetter
	case r == 0x2018 || r == 0x2019 || r == 0x2024: // ‘ ’ ․
		return cutMidNumLet
	case r == 0x2027: // hyphenation point
		return cutMidLetter
	case r == 0x2044: // fraction slash
		return cutMidNum
	case r >= 0x2010 && r <= 0x2027, // dashes, quotes, bullets, ellipsis
		r >= 0x2030 && r <= 0x203E, // per mille, primes, guillemets (not ‿ ⁀ ⁔, which join words)
		r >= 0x2041 && r <= 0x2053,
		r >= 0x2055 && r <= 0x205E,
		r >= 0x20A0 && r <= 0x20BE, // currency signs
		r == 0x2116:                // №
		return cutOther
	}
	return cutUnknown
}

// cutWords appends to out the words the text analysers' tokenizer cuts from s, as byte
// offsets in s, and reports true; or reports false when s holds a character it does not
// know, and the tokenizer must cut s.
func cutWords(s string, out []Span) ([]Span, bool) {
	start := -1      // of the word in hand
	last := cutOther // the class of its last character
	// A joiner after a word ends it unless the character after the joiner continues it
	// (WB6, WB7, WB11, WB12): pend is where the joiner began, pendClass its class.
	pend, pendClass := -1, cutOther
	for i := 0; i < len(s); {
		var cl uint8
		n := 1
		if c := s[i]; c < utf8.RuneSelf {
			cl = cutClass2[c]
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			if r < 0x800 {
				cl = cutClass2[r]
			} else {
				cl = cutClass3(r)
			}
		}
		switch cl {
		case cutUnknown:
			return out, false
		case cutLetter, cutDigit:
			if pend >= 0 {
				joins := cl == last && (pendClass == cutMidNumLet ||
					(pendClass == cutMidLetter && cl == cutLetter) || (pendClass == cutMidNum && cl == cutDigit))
				if !joins {
					out = append(out, Span{start, pend})
					start = i
				}
				pend = -1
			} else if start < 0 {
				start = i
			}
			last = cl
		default: // a joiner or another character
			if pend >= 0 { // two in a row: the word ended before the first
				out = append(out, Span{start, pend})
				start, pend = -1, -1
			}
			if start >= 0 {
				if cl == cutOther {
					out = append(out, Span{start, i})
					start = -1
				} else {
					pend, pendClass = i, cl // last stays the class before it
				}
			}
		}
		i += n
	}
	switch {
	case pend >= 0:
		out = append(out, Span{start, pend})
	case start >= 0:
		out = append(out, Span{start, len(s)})
	}
	return out, true
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
