package lang

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pemistahl/lingua-go"

	"wirewatch/internal/article"
	"wirewatch/internal/text"
)

// Detector chooses among the configured languages with lingua-go. Low-accuracy mode is
// used: it loads only trigram models (about 50 MB for twelve languages, against 650 MB and a
// 10 s preload in high-accuracy mode) and is as good on article-length text.
type Detector struct {
	det     lingua.LanguageDetector                 // all configured languages
	byScrpt map[text.Script]lingua.LanguageDetector // the configured languages written in one script
	votes   map[text.Script]*wordVote               // decides clear cases among those before lingua
	single  map[text.Script]string                  // the only configured language of a script

	codes   map[lingua.Language]string
	allowed map[string]bool
	// sample bounds the text handed to lingua: its cost grows with length, and a few
	// hundred letters decide the language of an article as well as the whole text does.
	sample int
	// voteSample bounds the text the vote reads (see wordVote), a few times sample: the
	// vote costs a map lookup a word where lingua costs hundreds of µs a call, and in
	// sample bytes alone an article often holds too few function words for it to be sure.
	voteSample int
	// minLetters: below this, the text is too short to tell and the answer is "und".
	minLetters int
	minConf    float64
	// shortConf: a single word needs at least this confidence, else it is "und".
	shortConf float64
	// linguaOnly skips the vote: tests compare the two.
	linguaOnly bool
}

// Und is the language of a text too short (or too mixed) to tell.
const Und = "und"

// New builds the detector for the languages given as ISO 639-1 codes; highAccuracy loads
// lingua's full models (see Detector).
func New(langs []string, highAccuracy bool) (*Detector, error) {
	d := &Detector{codes: map[lingua.Language]string{}, allowed: map[string]bool{}, sample: 200, voteSample: 1000, minLetters: 3, minConf: 0.2, shortConf: 0.5,
		byScrpt: map[text.Script]lingua.LanguageDetector{}, votes: map[text.Script]*wordVote{}, single: map[text.Script]string{}}
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
	build := func(ls []lingua.Language) lingua.LanguageDetector {
		b := lingua.NewLanguageDetectorBuilder().FromLanguages(ls...)
		if !highAccuracy {
			b = b.WithLowAccuracyMode()
		}
		return b.Build()
	}
	d.det = build(ls)
	// Lingua's cost grows with the number of candidate languages; the script of a text
	// already rules most of them out, and a script only one configured language uses
	// (Armenian, Georgian) decides alone.
	groups := map[text.Script][]lingua.Language{}
	for _, l := range ls {
		if sc, ok := langScript[d.codes[l]]; ok {
			groups[sc] = append(groups[sc], l)
		}
	}
	for sc, g := range groups {
		switch len(g) {
		case 1:
			d.single[sc] = d.codes[g[0]]
		default:
			d.byScrpt[sc] = build(g)
			if v := newWordVote(g, d.codes); v != nil {
				d.votes[sc] = v
			}
		}
	}
	return d, nil
}

// langScript is the script each language is written in, for the languages wirewatch is
// configured with in practice; a language not listed is only found by the full detector.
var langScript = map[string]text.Script{
	"en": text.Latin, "fr": text.Latin, "de": text.Latin, "es": text.Latin, "tr": text.Latin, "az": text.Latin,
	"it": text.Latin, "pt": text.Latin, "nl": text.Latin, "pl": text.Latin, "ro": text.Latin, "cs": text.Latin,
	"sv": text.Latin, "da": text.Latin, "fi": text.Latin, "hu": text.Latin, "sk": text.Latin, "sl": text.Latin,
	"hr": text.Latin, "lt": text.Latin, "lv": text.Latin, "et": text.Latin, "sq": text.Latin, "id": text.Latin,
	"ru": text.Cyrillic, "uk": text.Cyrillic, "be": text.Cyrillic, "bg": text.Cyrillic, "mk": text.Cyrillic,
	"sr": text.Cyrillic, "kk": text.Cyrillic, "mn": text.Cyrillic,
	"hy": text.Armenian, "ka": text.Georgian, "fa": text.Arabic, "ar": text.Arabic, "ur": text.Arabic,
}

// Detect returns the ISO 639-1 code of s's language and a confidence in [0,1], or Und.
func (d *Detector) Detect(s string) (string, float64) {
	return d.detect(s, func() string { return s })
}

// detect is Detect of s, with long returning the text the vote reads when s's sample does
// not decide it: s itself, or a longer start of the article s is the sample of.
func (d *Detector) detect(s string, long func() string) (string, float64) {
	sample, letters := d.cut(s)
	if letters < d.minLetters {
		return Und, 0
	}
	det := d.det
	var vote *wordVote
	sc, share := dominantScript(sample)
	if share >= 0.9 {
		if code, ok := d.single[sc]; ok {
			return code, share
		}
		if g, ok := d.byScrpt[sc]; ok {
			det, vote = g, d.votes[sc]
		}
	}
	// Lingua costs hundreds of µs a sample; where function words and letters leave no
	// doubt, the vote answers in a few µs what lingua would (see wordVote). It reads
	// lingua's sample first, then, when that does not decide, a longer start of the text.
	var buf [maxVoteLangs]langScore
	var scores []langScore
	if vote != nil && !d.linguaOnly {
		if i := d.decide(vote, sample, sc, long); i >= 0 {
			scores = vote.certain(i, buf[:0])
		}
	}
	if scores == nil {
		for _, v := range det.ComputeLanguageConfidenceValues(sample) {
			if c, ok := d.codes[v.Language()]; ok {
				scores = append(scores, langScore{c, v.Value()})
			}
		}
	}
	if len(scores) == 0 {
		return Und, 0
	}
	cues := letterCuesOf(sample)
	var code string
	var conf, total float64
	for _, v := range scores {
		// A floor keeps a language lingua ruled out reachable when the letters insist.
		p := (v.value + 0.001) * cues.likelihood(v.code)
		total += p
		if p > conf {
			code, conf = v.code, p
		}
	}
	if code == "" || total == 0 {
		return Und, 0
	}
	conf /= total
	if conf < d.minConf || (conf < d.shortConf && oneWord(sample)) {
		return Und, conf // too little text to tell, rather than a guess
	}
	return code, conf
}

// langScore is lingua's confidence in one configured language.
type langScore struct {
	code  string
	value float64
}

// oneWord reports whether s is a single word.
func oneWord(s string) bool {
	return len(strings.Fields(s)) < 2
}

// letterCues counts letters that only some of the configured languages use. Lingua's
// trigram models confuse close pairs (Russian/Ukrainian, Azerbaijani/Turkish,
// Persian/Arabic); their alphabets do not: ə is Azerbaijani and never Turkish, q and x are
// not Turkish letters, ы э ъ ё are Russian, і ї є ґ Ukrainian, پ چ ژ گ Persian, ة Arabic.
type letterCues struct {
	cyrillic, latin, arabic   int
	schwa, qx, ru, uk, fa, ar bool
}

func letterCuesOf(s string) letterCues {
	var c letterCues
	for _, r := range s {
		switch {
		case r >= 'а' && r <= 'я' || r >= 'А' && r <= 'Я':
			c.cyrillic++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			c.latin++
		case r >= 0x0620 && r <= 0x06FF:
			c.arabic++
		}
		switch r {
		case 'ə', 'Ə':
			c.schwa = true
			c.latin++
		case 'ы', 'э', 'ъ', 'ё', 'Ы', 'Э', 'Ъ', 'Ё':
			c.ru = true
		case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
			c.uk = true
			c.cyrillic++
		case 'پ', 'چ', 'ژ', 'گ':
			c.fa = true
		case 'ة', 'ي', 'ك', 'ى':
			c.ar = true
		case 'q', 'x':
			c.qx = true
		}
	}
	return c
}

// likelihood weighs a language by how likely its alphabet is to produce the letters seen:
// a letter the language lacks rules it out; the absence of a letter the language writes
// often (Ukrainian і/ї/є in about 7% of letters, Azerbaijani ə in about 8%, Russian ы/э/ъ/ё
// in about 2%) becomes less likely with every letter of text: (1-p)^n.
func (c letterCues) likelihood(lang string) float64 {
	pow := func(p float64, n int) float64 { return math.Pow(1-p, float64(n)) }
	switch lang {
	case "uk":
		if c.ru && !c.uk {
			return 0.001
		}
		if !c.uk {
			return pow(0.07, c.cyrillic)
		}
	case "ru":
		if c.uk && !c.ru {
			return 0.001
		}
		if !c.ru {
			return pow(0.02, c.cyrillic)
		}
	case "az":
		if !c.schwa {
			return pow(0.08, c.latin)
		}
	case "tr", "en", "fr", "de", "es":
		if c.schwa {
			return 1e-6
		}
		if lang == "tr" && c.qx {
			return 0.05
		}
	case "fa":
		if c.ar && !c.fa {
			return 0.05
		}
	case "ar":
		if c.fa {
			return 0.001
		}
	}
	return 1
}

// decide returns the index in v of the language the vote decides, or -1: on sample, then,
// when that does not decide, on the vote's longer text (see voteText) of long().
func (d *Detector) decide(v *wordVote, sample string, sc text.Script, long func() string) int {
	if i := v.decide(v.count(sample)); i >= 0 {
		return i
	}
	if more := d.voteText(long(), sample, sc); len(more) > len(sample) {
		return v.decide(v.count(more))
	}
	return -1
}

// voteText is the text the vote reads: the first d.voteSample bytes of s, ending on a word
// boundary, when they are written in sc, the script of sample (lingua's), as much as the
// detector asks of sample; else sample, so that a text that turns to another script after
// sample is decided as before.
func (d *Detector) voteText(s, sample string, sc text.Script) string {
	if len(sample) == len(s) || d.voteSample <= d.sample {
		return sample
	}
	// cutAt and dominantScript in one pass over the longer text.
	var sh scriptShares
	end := len(s)
	for i, r := range s {
		if !isLetter(r) {
			if i >= d.voteSample {
				end = i
				break
			}
			continue
		}
		sh.add(r)
	}
	if lsc, share := sh.dominant(); lsc != sc || share < 0.9 {
		return sample
	}
	return s[:end]
}

// cut returns the first d.sample bytes of s, ending on a word boundary, and the number of
// letters in them.
func (d *Detector) cut(s string) (string, int) { return cutAt(s, d.sample) }

// cutAt returns the first n bytes of s, ending on a word boundary, and the number of
// letters in them.
func cutAt(s string, n int) (string, int) {
	letters := 0
	end := len(s)
	for i, r := range s {
		if i >= n && !isLetter(r) {
			end = i
			break
		}
		if isLetter(r) {
			letters++
		}
	}
	return s[:end], letters
}

// dominantScript returns the script most letters of s are in and their share.
func dominantScript(s string) (text.Script, float64) {
	var sh scriptShares
	for _, r := range s {
		if isLetter(r) {
			sh.add(r)
		}
	}
	return sh.dominant()
}

// scriptShares counts letters by script.
type scriptShares struct {
	counts [text.Arabic + 1]int
	total  int
}

func (sh *scriptShares) add(letter rune) {
	sh.total++
	sh.counts[scriptOf(letter)]++
}

// dominant returns the script most letters are in and their share.
func (sh *scriptShares) dominant() (text.Script, float64) {
	if sh.total == 0 {
		return text.Other, 0
	}
	best := text.Other
	for sc := range sh.counts {
		if sh.counts[sc] > sh.counts[best] {
			best = text.Script(sc)
		}
	}
	return best, float64(sh.counts[best]) / float64(sh.total)
}

// isLetter is unicode.IsLetter, answered without a table search for the basic Latin and
// Cyrillic letters: the detector reads up to voteSample bytes of every article a rune at
// a time.
func isLetter(r rune) bool {
	if uint32(r) < utf8.RuneSelf {
		return uint32(r|0x20)-'a' < 26 // an ASCII letter in either case
	}
	return uint32(r)-0x400 <= 0x81 || unicode.IsLetter(r) // Ѐ…ҁ are all letters
}

// scriptOf is text.ScriptOf of the letter r alone, as isLetter.
func scriptOf(r rune) text.Script {
	switch {
	case r < utf8.RuneSelf && isLetter(r):
		return text.Latin
	case 0x400 <= r && r <= 0x481:
		return text.Cyrillic
	}
	return text.ScriptOf(string(r))
}

// DetectArticle returns the language of a from its title and the start of its body, as
// Detect. The vote's longer sample is cut only when lingua's does not decide the vote;
// lingua reads the same start of either as of the whole text (see Detector.cut).
func (d *Detector) DetectArticle(a *article.Article) (string, float64) {
	return d.detect(articleSample(a, d.sample), func() string { return articleSample(a, max(d.sample, d.voteSample)) })
}

// articleSample is the text the language is told from: the title and the start of the
// body. The detector reads only the first limit bytes and the rest of the word there (see
// Detector.cut), so the body is cut after the first non-letter from that point on rather
// than copied whole.
func articleSample(a *article.Article, limit int) string {
	body := a.Body()
	if a.Title == "" {
		return body
	}
	if body == "" {
		return a.Title
	}
	need := limit - len(a.Title) - len(".\n")
	for j, r := range body {
		if j >= need && !isLetter(r) {
			_, size := utf8.DecodeRuneInString(body[j:])
			body = body[:j+size]
			break
		}
	}
	return a.Title + ".\n" + body
}
