package text

import (
	"unicode"
	"unicode/utf8"
)

// The UAX #29 word segmenter (package words) is a general state machine and costs about a
// third of Tokenize. News text is mostly made of characters whose word-break classes are
// plain: letters of the region's scripts, digits, the characters that join letters
// (: · ’) or digits (, ;) or both (. ') when they stand between two, spaces, line breaks
// and punctuation that stands alone. For such a text, segments cuts the same segments
// with one table look-up per character; a text with any other character (combining marks,
// format characters, '_', emoji, ideographs, Hebrew, other spaces) is left to package
// words. TestSegmentsAreUAX29 checks every character segments knows, in context, against
// package words, and FuzzSegments any text of them.

// Word-break classes of the characters segments knows (UAX #29 names).
const (
	segUnknown   uint8 = iota // not handled: package words cuts the text
	segOther                  // a segment of its own
	segSpace                  // WSegSpace: a run of them is one segment
	segCR                     // CR, one segment with an LF after it
	segLetter                 // ALetter
	segDigit                  // Numeric
	segMidLetter              // MidLetter: joins two letters
	segMidNumLet              // MidNumLet and Single_Quote: joins two letters or two digits
	segMidNum                 // MidNum: joins two digits
)

// segClass2 holds the class of every character below U+0800 (one or two bytes in UTF-8).
var segClass2 = func() (t [0x800]uint8) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = segOther
	}
	t[' '] = segSpace
	t['\t'], t['\n'], t['\v'], t['\f'] = segOther, segOther, segOther, segOther
	t['\r'] = segCR
	t['_'] = segUnknown // ExtendNumLet: joins words
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = segLetter, segLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = segDigit
	}
	t[':'] = segMidLetter
	t['.'], t['\''] = segMidNumLet, segMidNumLet
	t[','], t[';'] = segMidNum, segMidNum
	for _, rg := range segRanges2 {
		for r := rg[0]; r <= rg[1]; r++ {
			switch {
			case unicode.IsLetter(r):
				t[r] = segLetter
			case unicode.IsDigit(r):
				t[r] = segDigit
			default:
				t[r] = segOther
			}
		}
	}
	t[0x00B7] = segMidLetter // ·
	t[0x0589] = segMidNum    // Armenian full stop
	return t
}()

// segRanges2 are the characters of two bytes segments knows besides ASCII, inclusive.
var segRanges2 = [][2]rune{
	{0x00A0, 0x00AC}, // no-break space, Latin-1 punctuation (not the soft hyphen, a format character)
	{0x00AE, 0x00B1}, // (not the superscript digits)
	{0x00B4, 0x00B7}, // (not the cedilla)
	{0x00BA, 0x00BB},
	{0x00BF, 0x024F}, // Latin-1 letters, Latin Extended-A and -B
	{0x0250, 0x02AF}, // IPA (Azerbaijani ə)
	{0x0400, 0x0482}, // Cyrillic, without its combining marks
	{0x048A, 0x052F},
	{0x0531, 0x0556}, // Armenian capitals
	{0x0561, 0x0587}, // Armenian small letters
	{0x0589, 0x0589}, // Armenian full stop
}

// segClass3 is the class of a character of three bytes or more.
func segClass3(r rune) uint8 {
	switch {
	case r >= 0x10D0 && r <= 0x10FA: // Georgian (Mkhedruli)
		return segLetter
	case r == 0x2018 || r == 0x2019 || r == 0x2024: // ‘ ’ ․
		return segMidNumLet
	case r >= 0x2010 && r <= 0x2017, // dashes
		r >= 0x201A && r <= 0x2023, // quotes, daggers, bullets
		r == 0x2025 || r == 0x2026, // leaders, ellipsis
		r >= 0x2030 && r <= 0x203E, // per mille, primes, guillemets (not ‿ ⁀ ⁔, which join words)
		r >= 0x20A0 && r <= 0x20BE, // currency signs
		r == 0x2116:                // №
		return segOther
	}
	return segUnknown
}

// segments calls seg with each UAX #29 word-break segment of s and its offset, in order,
// and reports true; or reports false at the first character it does not know, having
// called seg for some of the segments before it.
func segments(s string, seg func(w string, start int)) bool {
	start := -1      // of the word in hand
	last := segOther // the class of its last character
	// A joiner after a word ends it unless the character after the joiner continues it
	// (WB6, WB7, WB11, WB12): pend is where the joiner began, pendEnd where it ended,
	// pendClass its class.
	pend, pendEnd, pendClass := -1, -1, segOther
	// endWord ends the word in hand at at, or before the joiner after it.
	endWord := func(at int) {
		if start < 0 {
			return
		}
		if pend >= 0 {
			seg(s[start:pend], start)
			seg(s[pend:pendEnd], pend)
		} else {
			seg(s[start:at], start)
		}
		start, pend = -1, -1
	}
	for i := 0; i < len(s); {
		var cl uint8
		n := 1
		if c := s[i]; c < utf8.RuneSelf {
			cl = segClass2[c]
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			if r < 0x800 {
				cl = segClass2[r]
			} else {
				cl = segClass3(r)
			}
		}
		switch cl {
		case segUnknown:
			return false
		case segLetter, segDigit:
			if pend >= 0 {
				joins := cl == last && (pendClass == segMidNumLet ||
					(pendClass == segMidLetter && cl == segLetter) || (pendClass == segMidNum && cl == segDigit))
				if !joins {
					seg(s[start:pend], start)
					seg(s[pend:pendEnd], pend)
					start = i
				}
				pend = -1
			} else if start < 0 {
				start = i
			}
			last = cl
		case segMidLetter, segMidNumLet, segMidNum:
			if pend >= 0 { // two in a row: the word ended before the first
				endWord(i)
			}
			if start >= 0 {
				pend, pendEnd, pendClass = i, i+n, cl // last stays the class before it
			} else {
				seg(s[i:i+n], i)
			}
		default:
			endWord(i)
			switch {
			case cl == segSpace:
				for n < len(s)-i && s[i+n] == ' ' {
					n++
				}
			case cl == segCR && n < len(s)-i && s[i+n] == '\n':
				n++
			}
			seg(s[i:i+n], i)
		}
		i += n
	}
	endWord(len(s))
	return true
}
