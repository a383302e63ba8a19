package bleve

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	bindex "github.com/blevesearch/bleve_index_api"

	"wirewatch/internal/index/indextest"
	"wirewatch/internal/process/processtest"
	"wirewatch/internal/query"
)

// tokenizeCases are texts in every script the project meets, and the characters that
// decide a word boundary: joiners between letters and digits, underscores, combining
// marks, format characters, CR LF, kana, ideographs, Hebrew quotes, emoji, bad UTF-8.
func tokenizeCases(t *testing.T) []string {
	t.Helper()
	cases := []string{
		"", " ", "a", "l'État d’urgence, aujourd'hui: 3,5 % — «Ереван»", "e.g. U.S.A. a:b 1.5.6 1,000,000 3'4",
		"snake_case __init__ _x x_ 12_34 a1b2 1a 1.a a.1", "Nagorno-Karabakh (CSTO), \"Armenia\" Mr. Lavrov's",
		"line\r\nbreak\rcr\nlf\u2028ls\u0085nel", "e\u0301te\u0301 cafe\u0300 \u0301lead a\u200db a\u00adb a\u200bb",
		"カタカナ ひらがな 漢字テスト 한국어 שָׁלוֹם ב\"ג ג'ורג' ქართული Հայաստան Azərbaycan فارسی",
		"🇦🇲🇦🇿 👍🏽 x\U0001F600y", "bad \xff utf8 \xe2\x82 end", "tab\tsep\vform\f", strings.Repeat("ab ", 700),
		"(Word), \"2026.\" [café] ×÷ Ёлка ёж ǀ  a1 1,000 x. \u0301y _z ҂ \u0483 end.",
		"«Армения» — «l'alliance», Baku's Nagorno-Karabakh. Haut-Karabakh à x-1 1-x -a a- a'b' a'1 1'a ''a a--b x.-y «» —» é'é—x",
	}
	for _, a := range indextest.Corpus(t) {
		cases = append(cases, a.Title, query.BodyText(a))
	}
	root := processtest.Root(t)
	for _, l := range []string{"en", "fr", "ru"} {
		raw, err := os.ReadFile(filepath.Join(root, "internal", "bench", "texts", l+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, string(raw))
	}
	// Random strings over the same alphabet, so that every pair of classes meets.
	var alphabet []rune
	for _, c := range cases[:12] {
		alphabet = append(alphabet, []rune(c)...)
	}
	alphabet = append(alphabet, []rune(cases[14]+cases[15])...) // the words tokenize reads itself
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(24) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	return cases
}

// TestTokenizeAsBleve checks that tokenize gives exactly Bleve's unicode tokenizer's
// tokens: terms, offsets, positions and types.
func TestTokenizeAsBleve(t *testing.T) {
	for _, c := range tokenizeCases(t) {
		checkTokenize(t, c)
	}
}

func FuzzTokenizeAsBleve(f *testing.F) {
	for _, c := range []string{"l'État d’urgence", "snake_case 1,000.5", "カタカナ 漢字", "e\u0301te\u0301", "bad \xff",
		"(Word), \"2026.\" café ×÷ Ёлка ёж  a1 1,000 l'été x. \u0301y _z ҂ \u0483 end.",
		"«Армения» — «l'alliance», Baku's Nagorno-Karabakh. x-1 a'1 ''a a--b x.-y é'é—x"} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) { checkTokenize(t, s) })
}

func checkTokenize(t *testing.T, s string) {
	t.Helper()
	want := unicode.NewUnicodeTokenizer().Tokenize([]byte(s))
	sc := tokenPool.Get().(*tokenScratch) // reused memory, as in Write
	defer sc.release()
	got := tokenize([]byte(s), sc)
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !reflect.DeepEqual(tokenValues(got), tokenValues(want)) {
		t.Fatalf("tokenize(%q)\n= %v\nBleve's tokenizer: %v", s, tokenValues(got), tokenValues(want))
	}
}

func tokenValues(ts analysis.TokenStream) []analysis.Token {
	out := make([]analysis.Token, len(ts))
	for i, t := range ts {
		out[i] = *t
	}
	return out
}

// TestTokenFrequencyAsBleve checks tokenFrequency against analysis.TokenFrequency with
// and without term vectors, array positions and frequencies.
func TestTokenFrequencyAsBleve(t *testing.T) {
	options := []bindex.FieldIndexingOptions{
		bindex.IndexField,
		bindex.IndexField | bindex.IncludeTermVectors,
		bindex.IndexField | bindex.IncludeTermVectors | bindex.SkipFreqNorm,
		bindex.IndexField | bindex.SkipFreqNorm,
	}
	for _, c := range tokenizeCases(t)[:40] {
		for _, o := range options {
			for _, ap := range [][]uint64{nil, {3}} {
				tokens := unicode.NewUnicodeTokenizer().Tokenize([]byte(c))
				want := analysis.TokenFrequency(tokens, ap, o)
				got, _ := tokenFrequency(tokens, ap, o)
				if !reflect.DeepEqual(freqValues(got), freqValues(want)) {
					t.Fatalf("%q, options %v: tokenFrequency\n%v\nBleve's\n%v", c, o, freqValues(got), freqValues(want))
				}
			}
		}
	}
}

type freqValue struct {
	term      string
	frequency int
	locations []bindex.TokenLocation
}

func freqValues(tfs bindex.TokenFrequencies) map[string]freqValue {
	out := map[string]freqValue{}
	for k, tf := range tfs {
		v := freqValue{term: string(tf.Term), frequency: tf.Frequency()}
		for _, l := range tf.Locations {
			v.locations = append(v.locations, *l)
		}
		out[k] = v
	}
	return out
}

// TestTermCacheAsAnalyzers checks that every cached filter chain gives, cold and warm,
// exactly the tokens of its analyser, for the body fields of every default language.
func TestTermCacheAsAnalyzers(t *testing.T) {
	b := openTemp(t)
	cases := tokenizeCases(t)
	cached := 0
	for _, k := range query.LangKeys(query.DefaultLanguages) {
		for _, s := range b.build.props[query.BodyField(k)] {
			da, ok := s.analyzer.(*analysis.DefaultAnalyzer)
			if !ok {
				continue
			}
			c := b.build.caches[termCacheKey{da, 0}]
			if c == nil {
				continue
			}
			cached++
			for round := range 2 {
				for _, text := range cases {
					want := tokenValues(s.analyzer.Analyze([]byte(text)))
					got := tokenValues(c.filter(tokenize([]byte(text), new(tokenScratch))))
					if len(want) == 0 && len(got) == 0 {
						continue
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, round %d, %q:\ncached %v\nanalyser %v", s.name, round, text, got, want)
					}
				}
			}
		}
	}
	if cached < 4 {
		t.Fatalf("%d body fields have a term cache, want en, fr, ru and the fold fields", cached)
	}
}

// TestTokenFrequencyAllocatesPerField checks that tokenFrequency's allocations do not grow
// with the number of distinct terms: the map, records and locations of a field are each
// made once at their size (a copied key and a record slab per term before, which a Bleve
// batch held until its segment was built).
func TestTokenFrequencyAllocatesPerField(t *testing.T) {
	allocs := func(distinct int) float64 {
		var b strings.Builder
		for rep := range 3 {
			for i := range distinct {
				fmt.Fprintf(&b, "word%d ", i*7+rep%2)
			}
		}
		text := []byte(b.String())
		tokens := unicode.NewUnicodeTokenizer().Tokenize(text)
		return testing.AllocsPerRun(20, func() {
			tokenFrequency(tokens, nil, bindex.IndexField|bindex.IncludeTermVectors)
		})
	}
	few, many := allocs(100), allocs(300)
	// Pooled scratch dropped by a collection during the runs adds a few; a per-term
	// allocation adds at least 200.
	if many-few > 50 {
		t.Fatalf("%.0f allocations for 200 distinct terms, %.0f for 600: they grow with the terms", few, many)
	}
}
