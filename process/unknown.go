package process

import "strings"

// findUnknown adds names the knowledge base does not know, found by patterns. (Filled in
// by patterns.go.)
func (e *Enricher) findUnknown(toks []token, text string, spans []span, lang string) []span {
	return spans
}

// unknownKey is the ID key of an unknown name: folded, transliterated to Latin, so the same
// name in two scripts meets.
func unknownKey(toks []token) string {
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		parts = append(parts, latinKey(t.Norm))
	}
	return strings.Join(parts, " ")
}
