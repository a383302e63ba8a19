package text

import (
	"unicode"
	"unicode/utf8"
)

// WordBreak is a character's word-break class (UAX #29 names), for the characters whose
// class is plain and the same in the Unicode versions of the two segmenters the project
// runs (package words for Tokenize, Unicode 15; Bleve's unicode tokenizer for the search
// analysers, Unicode 8): letters of the region's scripts (Latin, Cyrillic, Armenian,
// Georgian, Arabic and Persian), digits, the characters that join letters (: · ‧) or
// digits (, ; ։ ، ⁄) or both (. ' ‘ ’ ․) when they stand between two, spaces, line breaks
// and punctuation that stands alone. Every other character is BreakUnknown: a text holding
// one is cut by a segmenter. Segments (here) and query's word cut both read this one table;
// each is checked character by character against its segmenter.
type WordBreak uint8

// The classes WordBreakAt gives.
const (
	BreakUnknown   WordBreak = iota // not handled: a segmenter cuts the text
	BreakOther                      // a segment of its own, never part of a word
	BreakSpace                      // WSegSpace: a run of them is one segment (Unicode 11 on)
	BreakCR                         // CR, one segment with an LF after it
	BreakLetter                     // ALetter
	BreakDigit                      // Numeric
	BreakMidLetter                  // MidLetter: joins two letters
	BreakMidNumLet                  // MidNumLet and Single_Quote: joins two letters or two digits
	BreakMidNum                     // MidNum: joins two digits
)

// WordBreakAt returns the class of the character at s[i] and its length in bytes.
func WordBreakAt(s string, i int) (WordBreak, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return breakClass2[c], 1
	}
	return wordBreakRune(s, i)
}

// wordBreakRune is WordBreakAt for a character of two bytes or more. The loops of this
// package look ASCII up in breakClass2 themselves and call it for the rest.
func wordBreakRune(s string, i int) (WordBreak, int) {
	r, n := utf8.DecodeRuneInString(s[i:])
	if r < 0x800 {
		return breakClass2[r], n
	}
	return breakClass3(r), n
}

// breakClass2 holds the class of every character below U+0800 (one or two bytes in UTF-8).
var breakClass2 = func() (t [0x800]WordBreak) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = BreakOther
	}
	t[' '] = BreakSpace
	t['\t'], t['\n'], t['\v'], t['\f'] = BreakOther, BreakOther, BreakOther, BreakOther
	t['\r'] = BreakCR
	t['_'] = BreakUnknown // ExtendNumLet: joins words
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = BreakLetter, BreakLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = BreakDigit
	}
	t[':'] = BreakMidLetter
	t['.'], t['\''] = BreakMidNumLet, BreakMidNumLet
	t[','], t[';'] = BreakMidNum, BreakMidNum
	for _, rg := range breakRanges2 {
		for r := rg[0]; r <= rg[1]; r++ {
			switch {
			case unicode.IsLetter(r):
				t[r] = BreakLetter
			case unicode.IsDigit(r):
				t[r] = BreakDigit
			default:
				t[r] = BreakOther
			}
		}
	}
	t[0x00B7] = BreakMidLetter // ·
	t[0x0589] = BreakMidNum    // Armenian full stop
	t[0x060C] = BreakMidNum    // Arabic comma
	return t
}()

// breakRanges2 are the characters of two bytes the table knows besides ASCII, inclusive.
var breakRanges2 = [][2]rune{
	{0x00A0, 0x00AC}, // no-break space, Latin-1 punctuation (not the soft hyphen, a format character)
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

// breakClass3 is the class of a character of three bytes or more.
func breakClass3(r rune) WordBreak {
	switch {
	case r >= 0x10D0 && r <= 0x10FA: // Georgian (Mkhedruli)
		return BreakLetter
	case r == 0x2018 || r == 0x2019 || r == 0x2024: // ‘ ’ ․
		return BreakMidNumLet
	case r == 0x2027: // hyphenation point
		return BreakMidLetter
	case r == 0x2044: // fraction slash
		return BreakMidNum
	case r >= 0x2010 && r <= 0x2026, // dashes, quotes, daggers, bullets, leaders, ellipsis
		r >= 0x2030 && r <= 0x203E, // per mille, primes, guillemets (not ‿ ⁀ ⁔, which join words)
		r >= 0x2041 && r <= 0x2053,
		r >= 0x2055 && r <= 0x205E,
		r >= 0x20A0 && r <= 0x20BE, // currency signs
		r == 0x2116:                // №
		return BreakOther
	}
	return BreakUnknown
}

// PlainBreaks reports whether WordBreakAt knows the class of every character of s.
func PlainBreaks(s string) bool {
	for i := 0; i < len(s); {
		cl, n := breakClass2[s[i]], 1
		if s[i] >= utf8.RuneSelf {
			cl, n = wordBreakRune(s, i)
		}
		if cl == BreakUnknown {
			return false
		}
		i += n
	}
	return true
}
