package bench

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// texts are news articles in the languages the bench generates (en and ru are the
// enricher's golden inputs in internal/process/testdata; fr is a sister article on the
// same story). Their sentences and words are the material every generated article is made of.
//
//go:embed texts/*.txt
var texts embed.FS

// languages the bench cycles through, in order.
var languages = []string{"en", "fr", "ru"}

// articleBytes is the size the bench aims at for an article's body, as in the issue (~3 KB).
const articleBytes = 3000

// item is one generated feed item. Its body is made again from seed each time it is
// served rather than held: 10,000 bodies of ~3 KB were 30 MB of the bench's own heap
// during the run, counted in the pipeline phase's peaks (and twice over at GOGC=100).
type item struct {
	feed  int
	n     int           // position in its feed
	token string        // a word found in this article only: the bench looks it up in the index
	lang  string        // the language it is written in
	title string        // with the token in it
	link  string        // path on the feed server
	at    time.Duration // when the feed starts carrying it, after the run began; its publication date
	mat   *material     // the language's material the body is made of
	seed  uint64        // the body's, unique to the item
}

// guid is the item's GUID in its feed.
func (it item) guid() string { return fmt.Sprintf("bench-%d-%d", it.feed, it.n) }

// body is ~3 KB of plain text, the same every time for an item: the material's sentences
// in a random order with about a third of their words swapped for others of the same
// language, and the token at the end.
func (it item) body() string { return string(it.appendBody(nil)) }

// appendBody appends the item's body to b: the feed server makes every served body in
// one reused buffer.
func (it item) appendBody(b []byte) []byte {
	rng := rand.New(rand.NewPCG(it.seed, it.seed^0x9e3779b97f4a7c15))
	m := it.mat
	start := len(b)
	for len(b)-start < articleBytes {
		s := m.sentences[rng.IntN(len(m.sentences))]
		for i, w := range s {
			if i > 0 {
				b = append(b, ' ')
			}
			if rng.IntN(3) == 0 {
				w = m.words[rng.IntN(len(m.words))]
			}
			b = append(b, w...)
		}
		b = append(b, ' ')
	}
	b = append(b, '(')
	b = append(b, it.token...)
	return append(b, ')')
}

// material is one language's text cut into sentences and words.
type material struct {
	title     string
	sentences [][]string // each sentence's words
	words     []string
}

func loadMaterial() (map[string]*material, error) {
	out := map[string]*material{}
	for _, lang := range languages {
		b, err := texts.ReadFile("texts/" + lang + ".txt")
		if err != nil {
			return nil, fmt.Errorf("reading the %s text: %w", lang, err)
		}
		paras := strings.Split(strings.TrimSpace(string(b)), "\n\n")
		m := material{title: paras[0]}
		for _, p := range paras[1:] {
			for s := range strings.SplitAfterSeq(p, ". ") {
				if s = strings.TrimSpace(s); s != "" {
					words := strings.Fields(s)
					m.sentences = append(m.sentences, words)
					m.words = append(m.words, words...)
				}
			}
		}
		out[lang] = &m
	}
	return out, nil
}

// generate makes feeds × items articles, reproducibly for a seed. Each is ~3 KB in one of
// the languages, made of the material's sentences in a random order with about a third of
// their words swapped for others of the same language, so that no two share a SimHash
// neighbourhood (each is its own story and alerts on its own), while the names the
// enricher finds (Lavrov, Armenia, the CSTO) and the stop words stay realistic.
// Releases are spread evenly over spread, feed by feed in turn.
func generate(feeds, items int, seed uint64, spread time.Duration) ([]item, error) {
	mat, err := loadMaterial()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := feeds * items
	out := make([]item, 0, total)
	for n := range items {
		for f := range feeds {
			k := len(out)
			lang := languages[k%len(languages)]
			m := mat[lang]
			tok := token(k)
			var at time.Duration
			if total > 1 {
				at = spread * time.Duration(k) / time.Duration(total-1)
			}
			out = append(out, item{
				feed: f, n: n, token: tok, lang: lang,
				title: fmt.Sprintf("%s %s", m.title, tok),
				link:  fmt.Sprintf("/news/%d/%d", f, n),
				at:    at,
				mat:   m,
				seed:  rng.Uint64(),
			})
		}
	}
	return out, nil
}

// token spells k after a fixed prefix ("wwbq", then letters, then "k"): a word no text
// contains by chance, that every analyser keeps whole and apart from every other token.
// The French light stemmer folds a doubled letter into one ("wwbqddck" and "wwbqdck" are
// one term), so two neighbouring letters are never the same: each letter is a digit in
// base 18 over the consonants other than "k" (the end mark) and the letter before it.
func token(k int) string {
	const letters = "bcdfghjlmnpqrstvwxz" // the consonants but "k"
	b := []byte("wwbq")
	for {
		prev := b[len(b)-1]
		d := k % (len(letters) - 1)
		k /= len(letters) - 1
		for i := range len(letters) {
			if letters[i] == prev {
				continue
			}
			if d == 0 {
				b = append(b, letters[i])
				break
			}
			d--
		}
		if k == 0 {
			break
		}
	}
	return string(b) + "k"
}
