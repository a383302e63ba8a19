package process

import (
	"strings"
	"unicode/utf8"

	"wirewatch/internal/article"
	"wirewatch/internal/entity"
	"wirewatch/internal/query"
	"wirewatch/internal/text"
)

// The stage segments each text once. The entity step's tokenizer (package text, UAX #29
// of Unicode 16) and the topic rules' analysers (Bleve's unicode tokenizer, UAX #29 of
// Unicode 8) cut the same words wherever a text holds only characters whose word-break
// properties did not change between the two versions and that neither treats apart; the
// topic rules then take their words from the entity step's tokens (text.Token.WordStart
// and WordEnd) instead of segmenting the text again. A text with any other character
// (emoji, combining marks, Armenian emphasis and question marks, Persian zero-width
// non-joiners, new letters) is segmented by the analysers themselves, as before.
// TestSharedCutIsTheAnalysersCut checks every character of the list against both.

// sameCut reports whether s holds only characters on which the two segmenters agree.
func sameCut(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiSameCut[c] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < rune(len(twoByteSameCut)) {
			if !twoByteSameCut[r] {
				return false
			}
		} else if !runeSameCut(r) {
			return false
		}
		i += n
	}
	return true
}

// asciiSameCut is every printable ASCII character but '_' (which joins words, so that
// "_abc" is a word of the analysers and not of the entity step's tokenizer), and tab, LF
// and CR.
var asciiSameCut = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = c != '_'
	}
	t['\t'], t['\n'], t['\r'] = true, true, true
	return t
}()

// sameCutRanges are the other characters, inclusive ranges in order.
var sameCutRanges = [][2]rune{
	{0x00A0, 0x00AC}, // Latin-1 punctuation (not the soft hyphen)
	{0x00AE, 0x00B1}, // (not the superscript digits, which are numbers to one and not the other)
	{0x00B4, 0x00B7}, // (not the cedilla)
	{0x00BA, 0x00BB},
	{0x00BF, 0x024F}, // Latin-1 letters, Latin Extended-A and -B
	{0x0250, 0x02AF}, // IPA (Azerbaijani ə)
	{0x02BC, 0x02BC}, // ʼ, the Ukrainian apostrophe
	{0x0400, 0x0482}, // Cyrillic, without its combining marks
	{0x048A, 0x052F},
	{0x0531, 0x0556}, // Armenian capitals
	{0x0561, 0x0587}, // Armenian small letters
	{0x0589, 0x0589}, // Armenian full stop
	{0x060C, 0x060C}, // Arabic comma
	{0x061B, 0x061B},
	{0x061F, 0x061F},
	{0x0621, 0x064A}, // Arabic letters, without the vowel marks
	{0x0660, 0x0669}, // Arabic-Indic digits
	{0x0671, 0x06D3}, // Arabic and Persian letters
	{0x06F0, 0x06F9}, // Persian digits
	{0x10D0, 0x10FA}, // Georgian (Mkhedruli)
	{0x2010, 0x2027}, // dashes, quotes, bullets, ellipsis
	{0x2030, 0x203E}, // per mille, primes, guillemets and other punctuation (not ‿ ⁀ ⁔,
	{0x2041, 0x2053}, // which join words)
	{0x2055, 0x205E},
	{0x20A0, 0x20BE}, // currency signs
	{0x2116, 0x2116}, // №
}

// twoByteSameCut is runeSameCut for the characters of two bytes in UTF-8 (Latin,
// Cyrillic, Armenian, Arabic), most of every text that is not ASCII.
var twoByteSameCut = func() (t [0x800]bool) {
	for r := range t {
		t[r] = r >= utf8.RuneSelf && runeSameCut(rune(r))
	}
	return t
}()

func runeSameCut(r rune) bool {
	for _, rg := range sameCutRanges {
		if r < rg[0] {
			return false
		}
		if r <= rg[1] {
			return true
		}
	}
	return false
}

// appendWords appends the words of s as the analysers cut them, from toks (s's tokens),
// and reports false when s holds a character on which the segmenters may disagree.
func appendWords(out []query.Span, s string, toks []text.Token, shift int) ([]query.Span, bool) {
	if !sameCut(s) {
		return out, false
	}
	for _, t := range toks {
		out = append(out, query.Span{Start: t.WordStart + shift, End: t.WordEnd + shift})
	}
	return out, true
}

// cutWords returns the words of a's title and body (query.BodyText) from the tokens of
// fields (title, summary, text, as enrich fills them), appended to title[:0] and
// body[:0]; nil for a text they do not cover, which query.Analysis.DocWords then cuts
// itself.
func cutWords(a *article.Article, fields []entity.Field, title, body []query.Span) ([]query.Span, []query.Span) {
	title, ok := appendWords(title[:0], a.Title, fields[0].Toks, 0)
	if !ok {
		title = nil
	}
	sum, txt := fields[1], fields[2]
	body = body[:0]
	switch {
	case a.Text == "":
		body, ok = appendWords(body, a.Summary, sum.Toks, 0)
	case a.Summary == "" || strings.HasPrefix(a.Text, a.Summary):
		body, ok = appendWords(body, a.Text, txt.Toks, 0)
	case sum.Text == "":
		ok = false // the summary was left out of the fields as the text repeats it
	default:
		// Summary, a blank line (which no word crosses), then the text.
		if body, ok = appendWords(body, a.Summary, sum.Toks, 0); ok {
			body, ok = appendWords(body, a.Text, txt.Toks, len(a.Summary)+len("\n\n"))
		}
	}
	if !ok {
		body = nil
	}
	return title, body
}
