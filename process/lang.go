package process

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/pemistahl/lingua-go"
)

// langDetector chooses among the configured languages with lingua-go. Low-accuracy mode is
// used: it loads only trigram models (about 50 MB for twelve languages, against 650 MB and a
// 10 s preload in high-accuracy mode) and is as good on article-length text.
type langDetector struct {
	det     lingua.LanguageDetector
	codes   map[lingua.Language]string
	allowed map[string]bool
	// sample bounds the text handed to lingua: its cost grows with length, and a few
	// hundred letters decide the language of an article as well as the whole text does.
	sample int
	// minLetters: below this, the text is too short to tell and the answer is "und".
	minLetters int
	minConf    float64
}

// Und is the language of a text too short (or too mixed) to tell.
const Und = "und"

func newLangDetector(langs []string, highAccuracy bool) (*langDetector, error) {
	d := &langDetector{codes: map[lingua.Language]string{}, allowed: map[string]bool{}, sample: 600, minLetters: 3, minConf: 0.2}
	var ls []lingua.Language
	for _, code := range langs {
		iso := lingua.GetIsoCode639_1FromValue(strings.ToUpper(code))
		l := lingua.GetLanguageFromIsoCode639_1(iso)
		if iso == lingua.UnknownIsoCode639_1 || l == lingua.Unknown {
			return nil, fmt.Errorf("building language detector: %q is not a language lingua knows", code)
		}
		ls = append(ls, l)
		d.codes[l] = strings.ToLower(code)
		d.allowed[strings.ToLower(code)] = true
	}
	if len(ls) == 1 {
		// lingua needs two languages; a single-language setup still wants "und" for noise.
		extra := lingua.English
		if ls[0] == lingua.English {
			extra = lingua.French
		}
		ls = append(ls, extra)
	}
	b := lingua.NewLanguageDetectorBuilder().FromLanguages(ls...)
	if !highAccuracy {
		b = b.WithLowAccuracyMode()
	}
	d.det = b.Build()
	return d, nil
}

// detect returns the ISO 639-1 code of text's language and a confidence in [0,1], or Und.
func (d *langDetector) detect(text string) (string, float64) {
	sample, letters := d.cut(text)
	if letters < d.minLetters {
		return Und, 0
	}
	vals := d.det.ComputeLanguageConfidenceValues(sample)
	if len(vals) == 0 {
		return Und, 0
	}
	best := vals[0]
	code, ok := d.codes[best.Language()]
	if !ok || best.Value() < d.minConf {
		return Und, best.Value()
	}
	return code, best.Value()
}

// cut returns the first d.sample bytes of text, ending on a word boundary, and the number of
// letters in them.
func (d *langDetector) cut(text string) (string, int) {
	letters := 0
	end := len(text)
	for i, r := range text {
		if i >= d.sample && !unicode.IsLetter(r) {
			end = i
			break
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return text[:end], letters
}
