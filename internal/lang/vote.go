package lang

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pemistahl/lingua-go"

	"wirewatch/internal/text"
)

// wordVote tells the configured languages of one script apart by their function words and
// letters before lingua is asked. In the couple of hundred letters the detector reads,
// running text in one of them usually holds several words only that language uses ("the",
// "les", "und", "и") or letters only its alphabet has (ə, ы, і, پ), and counting them costs
// a few µs against lingua's 50. The vote answers only when that evidence is overwhelming
// and nothing in the sample speaks against it; everything else goes to lingua. Where the
// vote answers it gives the scores lingua gives a text it is sure of (1 for the language,
// 0 for the others), so the letter cues and the confidence are computed as before.
//
// On the language-identification sentences of lingua's test set (the shared corpora and
// the held-out half, all 75 languages), joined into article-like samples, and on the NER
// corpora, the vote never named a different language than lingua where lingua was right;
// where they differed the vote was right (English and French sentences lingua gave to
// German, Spanish or English), or the text mixed two languages, or was in a language not
// configured.
type wordVote struct {
	langs   []lingua.Language // the group's languages, in lingua's order
	codes   []string          // their codes
	users   map[string]uint16 // a lower-case function word -> bit set of the languages using it
	letters map[rune]uint16   // a lower-case letter beyond the basic ones -> the languages writing it
	marks   map[rune]int8     // a marker letter -> index of its language
}

// The vote's thresholds. By words: at least voteMinWords function words of the winner that
// no other candidate uses, voteRatio times as many as any other candidate's own, and the
// winner's function words (own or shared) at least voteShare of the sample's words. By
// letters: at least voteMinLetters letters, a marker of the winner and none of another, no
// other candidate with more own function words, and the winner's function words at least
// voteLetterShare of the words. Either way the winner's function words outnumber any other
// candidate's voteKnownRatio times, and the sample has no letter its alphabet lacks.
const (
	voteMinWords    = 4
	voteRatio       = 4
	voteShare       = 0.25
	voteMinLetters  = 60
	voteLetterShare = 0.05
	voteKnownRatio  = 1.5
)

// alphabets are the letters beyond a-z, or beyond the basic Cyrillic а-я, that each
// language writes: a letter the winner of a vote does not write counts against the vote.
var alphabets = map[string]string{
	"en": "",
	"fr": "àâæçèéêëîïôœùûüÿ",
	"de": "äöüß",
	"es": "áéíñóúü",
	"tr": "âçğıîöşûü",
	"az": "çəğıöşü",
	"ru": "ёъыэ",
	"uk": "ґєії",
	"fa": "پچژگکی",
	"ar": "ةيكى",
}

// markers are the letters of alphabets that set a language apart from its neighbours of the
// same script wherever they occur. Latin accents do not (Italian and Catalan write è and à
// too, Dutch ë); these do.
var markers = map[string]string{
	"az": "ə",
	"ru": "ёъыэ",
	"uk": "ґєії",
	"fa": "پچژگ",
	"ar": "ة",
}

// maxVoteLangs bounds a group's size so that the vote counts on the stack.
const maxVoteLangs = 16

// newWordVote returns the vote among ls, or nil when one of them has no function words or
// alphabet listed: that language could never win the vote, so the vote could not be trusted.
func newWordVote(ls []lingua.Language, codes map[lingua.Language]string) *wordVote {
	if len(ls) > maxVoteLangs {
		return nil
	}
	v := &wordVote{langs: slices.Clone(ls), users: map[string]uint16{}, letters: map[rune]uint16{}, marks: map[rune]int8{}}
	slices.Sort(v.langs)
	for i, l := range v.langs {
		c := codes[l]
		words, ok := text.Stopwords(c)
		abc, ok2 := alphabets[c]
		if !ok || !ok2 {
			return nil
		}
		v.codes = append(v.codes, c)
		for _, w := range words {
			v.users[strings.ToLower(w)] |= 1 << i
		}
		for _, r := range abc {
			v.letters[r] |= 1 << i
		}
		for _, r := range markers[c] {
			v.marks[r] = int8(i)
		}
	}
	return v
}

// voteCounts is what a sample shows each language of a group.
type voteCounts struct {
	own     [maxVoteLangs]int // function words only this language uses
	known   [maxVoteLangs]int // function words this language uses, alone or not
	markers [maxVoteLangs]int // its marker letters
	alien   [maxVoteLangs]int // letters its alphabet lacks
	words   int
	letters int
}

func (v *wordVote) count(s string) voteCounts {
	var c voteCounts
	var buf [64]byte
	w := buf[:0]
	long := false // a word longer than buf: no function word is
	end := func() {
		if len(w) == 0 && !long {
			return
		}
		c.words++
		if users, ok := v.users[string(w)]; ok && !long {
			for i := range v.langs {
				if users&(1<<i) != 0 {
					c.known[i]++
					if users == 1<<i {
						c.own[i]++
					}
				}
			}
		}
		w, long = w[:0], false
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch {
			case 'a' <= r && r <= 'z':
				c.letters++
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
				c.letters++
			case r == '\'':
			default:
				end()
				continue
			}
		} else {
			switch {
			case unicode.IsLetter(r):
				r = unicode.ToLower(r)
				c.letters++
				if i, ok := v.marks[r]; ok {
					c.markers[i]++
				}
				if users, ok := v.letters[r]; ok {
					for i := range v.langs {
						if users&(1<<i) == 0 {
							c.alien[i]++
						}
					}
				} else if r >= utf8.RuneSelf && !baseLetter(r) { // İ lowers to i
					for i := range v.langs {
						c.alien[i]++
					}
				}
			case r == '’' || unicode.Is(unicode.Mn, r):
			default:
				end()
				continue
			}
		}
		if len(w)+utf8.UTFMax > cap(w) {
			long = true
			continue
		}
		w = utf8.AppendRune(w, r)
	}
	end()
	return c
}

// baseLetter reports a letter every language of its script writes: the basic Cyrillic and
// Arabic letters (those some language lacks are in alphabets, looked up first).
func baseLetter(r rune) bool {
	return r >= 'а' && r <= 'я' || r >= 0x0621 && r <= 0x064A
}

// decide returns the index of the language the counts leave no doubt about, or -1.
func (v *wordVote) decide(c voteCounts) int {
	n := len(v.langs)
	best := 0
	for i := 1; i < n; i++ {
		if c.own[i] > c.own[best] {
			best = i
		}
	}
	second := 0
	for i := 0; i < n; i++ {
		if i != best {
			second = max(second, c.own[i])
		}
	}
	byWords := c.own[best] >= voteMinWords && c.own[best] >= voteRatio*second &&
		float64(c.known[best]) >= voteShare*float64(c.words)
	if !byWords {
		best = -1
		for i := 0; i < n; i++ {
			if c.markers[i] > 0 {
				if best >= 0 {
					return -1 // markers of two languages
				}
				best = i
			}
		}
		if best < 0 || c.letters < voteMinLetters || c.own[best] < second ||
			float64(c.known[best]) < voteLetterShare*float64(c.words) {
			return -1
		}
	}
	if c.alien[best] > 0 {
		return -1
	}
	for i := 0; i < n; i++ {
		if i != best && (c.markers[i] > 0 || float64(c.known[best]) < voteKnownRatio*float64(c.known[i])) {
			return -1
		}
	}
	return best
}

// certain appends to out the scores lingua gives a text it has no doubt about: 1 for the
// language at index i, 0 for the others, in lingua's order (by value, then by language).
func (v *wordVote) certain(i int, out []langScore) []langScore {
	out = append(out, langScore{v.codes[i], 1})
	for j, c := range v.codes {
		if j != i {
			out = append(out, langScore{c, 0})
		}
	}
	return out
}
