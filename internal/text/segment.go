package text

import "unicode/utf8"

// The UAX #29 word segmenter (package words) is a general state machine and costs about a
// third of Tokenize. News text is mostly made of characters whose word-break classes are
// plain (see WordBreakAt). For such a text, Segments cuts the same segments with one table
// look-up per character; a text with any other character (combining marks, format
// characters, '_', emoji, ideographs, Hebrew, other spaces) is left to package words.
// TestSegmentsAreUAX29 checks every character Segments knows, in context, against package
// words, and FuzzSegments any text of them. The query package cuts its words with
// Segments too, and checks them against Bleve's tokenizer.

// Segments calls seg with each UAX #29 word-break segment of s and its offset, in order,
// and reports true; or reports false at the first character it does not know, having
// called seg for some of the segments before it.
func Segments(s string, seg func(w string, start int)) bool {
	start := -1        // of the word in hand
	last := BreakOther // the class of its last character
	// A joiner after a word ends it unless the character after the joiner continues it
	// (WB6, WB7, WB11, WB12): pend is where the joiner began, pendEnd where it ended,
	// pendClass its class.
	pend, pendEnd, pendClass := -1, -1, BreakOther
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
		cl, n := breakClass2[s[i]], 1
		if s[i] >= utf8.RuneSelf {
			cl, n = wordBreakRune(s, i)
		}
		switch cl {
		case BreakUnknown:
			return false
		case BreakLetter, BreakDigit:
			if pend >= 0 {
				joins := cl == last && (pendClass == BreakMidNumLet ||
					(pendClass == BreakMidLetter && cl == BreakLetter) || (pendClass == BreakMidNum && cl == BreakDigit))
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
		case BreakMidLetter, BreakMidNumLet, BreakMidNum:
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
			case cl == BreakSpace:
				for n < len(s)-i && s[i+n] == ' ' {
					n++
				}
			case cl == BreakCR && n < len(s)-i && s[i+n] == '\n':
				n++
			}
			seg(s[i:i+n], i)
		}
		i += n
	}
	endWord(len(s))
	return true
}
