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
	phrases map[string]*kpCand
	freq    map[string]int
	degree  map[string]int
	order   int
}

type kpCand struct {
	words   []string
	surface string
	count   int
	first   int
}

const maxPhraseWords = 4

func (k *keyphraser) add(toks []token, text, lang string) {
	if k.phrases == nil {
		k.phrases, k.freq, k.degree = map[string]*kpCand{}, map[string]int{}, map[string]int{}
	}
	stop := stopwordsFor(lang)
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
		if isStop(t.Norm, stop) || !t.Letters || utf8.RuneCountInString(t.Norm) < 2 {
			flush(i)
			start = i + 1
		}
	}
	flush(len(toks))
}

func isStop(w string, stop map[string]bool) bool {
	return stop[w] || commonStop[w]
}

func (k *keyphraser) candidate(toks []token, text string) {
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Norm
	}
	key := strings.Join(words, " ")
	c, ok := k.phrases[key]
	if !ok {
		c = &kpCand{words: words, surface: text[toks[0].Start:toks[len(toks)-1].End], first: k.order}
		k.order++
		k.phrases[key] = c
	}
	c.count++
	for _, w := range words {
		k.freq[w]++
		k.degree[w] += len(words)
	}
}

// top returns the n best phrases, in their first surface form.
func (k *keyphraser) top(n int) []string {
	type scored struct {
		c     *kpCand
		score float64
	}
	var all []scored
	for _, c := range k.phrases {
		if len(c.words) == 1 && c.count == 1 {
			continue // a lone word seen once says little about the article
		}
		s := 0.0
		for _, w := range c.words {
			s += float64(k.degree[w]) / float64(k.freq[w])
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
