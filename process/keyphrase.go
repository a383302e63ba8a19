package process

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// keyphraser extracts key phrases in the manner of RAKE: runs of content words between
// stopwords and punctuation are candidates; a word scores its degree over its frequency
// (words that occur inside longer phrases score higher), a phrase the sum of its words, and
// a phrase seen several times gets the bonus of its count.
type keyphraser struct {
	phrases map[string]int32 // phrase key (words joined by a space) -> index in cands
	cands   []kpCand
	words   map[string]kpWord
	key     []byte // scratch for building keys
}

// kpWord is a word's frequency and degree (the words of the phrases it occurs in).
type kpWord struct {
	freq, degree int
}

type kpCand struct {
	words   []string
	surface string
	count   int
	first   int
}

const maxPhraseWords = 4

func newKeyphraser() *keyphraser {
	return &keyphraser{phrases: map[string]int32{}, words: map[string]kpWord{}}
}

// reset empties k for the next article, keeping its memory.
func (k *keyphraser) reset() {
	clear(k.phrases)
	clear(k.words)
	clear(k.cands)
	k.cands = k.cands[:0]
}

func (k *keyphraser) add(toks []token, text, lang string) {
	if k.phrases == nil {
		k.phrases, k.words = map[string]int32{}, map[string]kpWord{}
	}
	stop := phraseStopFor(lang) // stopwords of lang and short ones of every language
	start := 0
	flush := func(end int) {
		for start < end {
			n := min(end-start, maxPhraseWords)
			k.candidate(toks[start:start+n], text)
			start += n
		}
	}
	for i, t := range toks {
		if t.Break && i > start {
			flush(i)
			start = i
		}
		if stop[t.Norm] || !t.Letters || utf8.RuneCountInString(t.Norm) < 2 {
			flush(i)
			start = i + 1
		}
	}
	flush(len(toks))
}

func (k *keyphraser) candidate(toks []token, text string) {
	k.key = k.key[:0]
	for i, t := range toks {
		if i > 0 {
			k.key = append(k.key, ' ')
		}
		k.key = append(k.key, t.Norm...)
	}
	ci, ok := k.phrases[string(k.key)] // no allocation for the lookup
	if !ok {
		words := make([]string, len(toks))
		for i, t := range toks {
			words[i] = t.Norm
		}
		ci = int32(len(k.cands))
		k.cands = append(k.cands, kpCand{words: words, surface: text[toks[0].Start:toks[len(toks)-1].End], first: len(k.cands)})
		k.phrases[string(k.key)] = ci
	}
	c := &k.cands[ci]
	c.count++
	for _, t := range toks {
		w := k.words[t.Norm]
		w.freq++
		w.degree += len(toks)
		k.words[t.Norm] = w
	}
}

// top returns the n best phrases, in their first surface form.
func (k *keyphraser) top(n int) []string {
	type scored struct {
		c     *kpCand
		score float64
	}
	var all []scored
	for i := range k.cands {
		c := &k.cands[i]
		if len(c.words) == 1 && c.count == 1 {
			continue // a lone word seen once says little about the article
		}
		s := 0.0
		for _, w := range c.words {
			s += float64(k.words[w].degree) / float64(k.words[w].freq)
		}
		s *= 1 + 0.5*float64(c.count-1)
		all = append(all, scored{c, s})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].c.first < all[j].c.first
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
