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
		switch {
		case r < 0x80 && unicode.IsLetter(r):
			return Latin
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
