package process

import (
	"strings"

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
// TestSharedCutIsTheAnalysersCut checks every character of the table against both.

// sameCut reports whether s holds only characters on which the two segmenters agree:
// those whose word-break class the shared table knows (text.WordBreakAt, which
// text.Segments and query's word cut also read).
func sameCut(s string) bool { return text.PlainBreaks(s) }

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
