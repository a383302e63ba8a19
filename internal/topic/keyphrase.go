package topic

import (
	"slices"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Keyphraser extracts key phrases in the manner of RAKE: runs of content words between
// stopwords and punctuation are candidates; a word scores its degree over its frequency
// (words that occur inside longer phrases score higher), a phrase the sum of its words, and
// a phrase seen several times gets the bonus of its count.
type Keyphraser struct {
	// Words and phrases are numbered per article: a phrase is known by its words' numbers,
	// so looking one up or adding it builds no key string and allocates nothing.
	ids     map[string]int32 // word -> index in words
	words   []kpWord         // per word: frequency and degree
	phrases map[kpKey]int32  // phrase -> index in cands
	cands   []kpCand
}

// kpWord is a word's frequency and degree (the words of the phrases it occurs in).
type kpWord struct {
	freq, degree int
}

// kpKey is a phrase as the numbers of its words, unused places -1.
type kpKey [maxPhraseWords]int32

type kpCand struct {
	key     kpKey
	n       int // words
	surface string
	count   int
	first   int
}

const maxPhraseWords = 4

// NewKeyphraser returns an empty Keyphraser. One serves one article at a time: Add its
// fields, read Top, then Reset it for the next.
func NewKeyphraser() *Keyphraser {
	return &Keyphraser{ids: map[string]int32{}, phrases: map[kpKey]int32{}}
}

// Reset empties k for the next article, keeping its memory.
func (k *Keyphraser) Reset() {
	clear(k.ids)
	clear(k.phrases)
	k.words = k.words[:0]
	clear(k.cands)
	k.cands = k.cands[:0]
}

// Add reads the tokens of one field of src, an article in lang, for candidate phrases.
func (k *Keyphraser) Add(toks []text.Token, src, lang string) {
	if k.ids == nil {
		k.ids, k.phrases = map[string]int32{}, map[kpKey]int32{}
	}
	stop := text.PhraseStops(lang) // stopwords of lang and short ones of every language
	start := 0
	flush := func(end int) {
		for start < end {
			n := min(end-start, maxPhraseWords)
			k.candidate(toks[start:start+n], src)
			start += n
		}
	}
	for i, t := range toks {
		if t.Break && i > start {
			flush(i)
			start = i
		}
		if !t.Letters || shorterThan2(t.Norm) || stop[t.Norm] {
			flush(i)
			start = i + 1
		}
	}
	flush(len(toks))
}

// shorterThan2 reports a word of fewer than two letters.
func shorterThan2(w string) bool {
	if len(w) <= 1 {
		return true
	}
	_, n := utf8.DecodeRuneInString(w)
	return n == len(w)
}

func (k *Keyphraser) candidate(toks []text.Token, src string) {
	key := kpKey{-1, -1, -1, -1}
	for i, t := range toks {
		id, ok := k.ids[t.Norm]
		if !ok {
			id = int32(len(k.words))
			k.ids[t.Norm] = id
			k.words = append(k.words, kpWord{})
		}
		key[i] = id
		w := &k.words[id]
		w.freq++
		w.degree += len(toks)
	}
	ci, ok := k.phrases[key]
	if !ok {
		ci = int32(len(k.cands))
		k.cands = append(k.cands, kpCand{key: key, n: len(toks), surface: src[toks[0].Start:toks[len(toks)-1].End], first: len(k.cands)})
		k.phrases[key] = ci
	}
	k.cands[ci].count++
}

// Top returns the n best phrases, in their first surface form.
func (k *Keyphraser) Top(n int) []string {
	type scored struct {
		c     *kpCand
		score float64
	}
	all := make([]scored, 0, len(k.cands))
	for i := range k.cands {
		c := &k.cands[i]
		if c.n == 1 && c.count == 1 {
			continue // a lone word seen once says little about the article
		}
		s := 0.0
		for _, id := range c.key[:c.n] {
			w := k.words[id]
			s += float64(w.degree) / float64(w.freq)
		}
		s *= 1 + 0.5*float64(c.count-1)
		all = append(all, scored{c, s})
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return a.c.first - b.c.first
	})
	var out []string
	seen := map[string]bool{}
	for _, s := range all {
		if len(out) == n {
			break
		}
		key := strings.ToLower(s.c.surface)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s.c.surface)
	}
	return out
}
