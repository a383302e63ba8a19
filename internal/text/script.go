package text

import "unicode"

// Script is the writing system of a word, among those of the watched region.
type Script uint8

// The scripts ScriptOf tells apart; Other is any other or none.
const (
	Other Script = iota
	Latin
	Cyrillic
	Armenian
	Georgian
	Arabic
)

// ScriptOf returns the script of w's first letter of a known script.
func ScriptOf(w string) Script {
	for _, r := range w {
		// The entity rules ask this of every word and of many a character: ASCII and the
		// basic Latin and Cyrillic letters are answered without a table search.
		switch {
		case r < 0x80:
			if uint32(r|0x20)-'a' < 26 {
				return Latin
			}
			continue // a digit, space or punctuation: no script
		case 0xC0 <= r && r <= 0x24F && r != 0xD7 && r != 0xF7: // À…ɏ but × and ÷
			return Latin
		case 0x400 <= r && r <= 0x481: // Ѐ…ҁ
			return Cyrillic
		case unicode.Is(unicode.Latin, r):
			return Latin
		case unicode.Is(unicode.Cyrillic, r):
			return Cyrillic
		case unicode.Is(unicode.Armenian, r):
			return Armenian
		case unicode.Is(unicode.Georgian, r):
			return Georgian
		case unicode.Is(unicode.Arabic, r):
			return Arabic
		}
	}
	return Other
}
