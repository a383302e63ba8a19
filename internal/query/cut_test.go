package query

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"wirewatch/internal/article"
)

// tokenizerCut is what the text analysers' tokenizer cuts from s.
func tokenizerCut(s string) []Span {
	out := []Span{}
	for _, t := range unicode.NewUnicodeTokenizer().Tokenize([]byte(s)) {
		out = append(out, Span{t.Start, t.End})
	}
	return out
}

// checkCut reports whether cutWords takes s, and fails t when it cuts s otherwise than
// the tokenizer.
func checkCut(t testing.TB, s string) bool {
	t.Helper()
	got, ok := cutWords(s, []Span{})
	if !ok {
		return false
	}
	if want := tokenizerCut(s); !slices.Equal(got, want) {
		t.Errorf("%q: cutWords %q, tokenizer %q", s, spanStrings(s, got), spanStrings(s, want))
	}
	return true
}

func spanStrings(s string, spans []Span) []string {
	out := make([]string, len(spans))
	for i, w := range spans {
		out[i] = s[w.Start:w.End]
	}
	return out
}

// TestCutWordsIsTheTokenizers puts every character cutWords accepts between characters of
// every word-break class it knows (letters of each script, digits, each kind of joiner,
// spaces, newlines, punctuation), then runs real sentences of the project's languages
// through both.
func TestCutWordsIsTheTokenizers(t *testing.T) {
	ctx := []string{"", "a", "é", "я", "ա", "ა", "ب", "5", "٥", ".", ",", ":", ";", "'", "’", "·", "։", " ", "\n", "\r\n", "-", "«"}
	checked := 0
	var bad []rune
	for r := rune(0); r <= utf8.MaxRune; r++ {
		c := string(r)
		if _, ok := cutWords(c, nil); !utf8.ValidRune(r) || !ok {
			continue
		}
		checked++
	contexts:
		for _, a := range ctx {
			for _, b := range ctx {
				for _, s := range []string{a + c + b, a + c + c + b, c + a + c + b + c, a + b + c + a + b} {
					got, ok := cutWords(s, nil)
					if !ok {
						t.Fatalf("cutWords refuses %q, made of characters it accepts", s)
					}
					if want := tokenizerCut(s); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
						if len(bad) < 10 {
							t.Logf("%q: cutWords %q, tokenizer %q", s, spanStrings(s, got), spanStrings(s, want))
						}
						bad = append(bad, r)
						break contexts
					}
				}
			}
		}
	}
	if len(bad) > 0 {
		t.Fatalf("characters cut otherwise: %U", bad)
	}
	if checked < 1200 {
		t.Fatalf("cutWords accepts only %d characters", checked)
	}
	t.Logf("%d characters checked in %d contexts", checked, 4*len(ctx)*len(ctx))

	files, _ := filepath.Glob("../../../shared/corpora/langid/*/*.txt")
	if len(files) < 20 {
		t.Fatalf("only %d corpus files under ../../../shared/corpora/langid (the test needs the shared corpora)", len(files))
	}
	lines, cut := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range append(strings.Split(string(b), "\n"), string(b)) {
			lines++
			if checkCut(t, line) {
				cut++
			}
		}
	}
	t.Logf("cutWords takes %d of %d corpus lines", cut, lines)
	if cut < lines*9/10 {
		t.Errorf("cutWords takes only %d of %d corpus lines", cut, lines)
	}
}

func TestCutWords(t *testing.T) {
	for _, c := range []struct {
		name, s string
		want    []string // nil: left to the tokenizer
	}{
		{"empty", "", []string{}},
		{"words and punctuation", "Talks resume, in Baku!", []string{"Talks", "resume", "in", "Baku"}},
		{"letters joined", "l'Arménie d’Azerbaïdjan U.S.A. a:b", []string{"l'Arménie", "d’Azerbaïdjan", "U.S.A", "a:b"}},
		{"digits joined", "1,500.25 3;4 5:6 7.a", []string{"1,500.25", "3;4", "5", "6", "7", "a"}},
		{"joiner twice", "a..b 1,,2 a'", []string{"a", "b", "1", "2", "a"}},
		{"letters and digits", "G20 4x4", []string{"G20", "4x4"}},
		{"scripts", "Փաշինյան։ ილჰამ зʼїзд ارمنستان", []string{"Փաշինյան", "ილჰამ", "зʼїзд", "ارمنستان"}},
		{"underscore", "x_y", nil},
		{"combining mark", "e\u0301", nil},
		{"emoji", "ok 🙂", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := cutWords(c.s, []Span{})
			if c.want == nil {
				if ok {
					t.Fatalf("cutWords took %q: %q", c.s, spanStrings(c.s, got))
				}
				return
			}
			if !ok {
				t.Fatalf("cutWords refused %q", c.s)
			}
			if w := spanStrings(c.s, got); !slices.Equal(w, c.want) {
				t.Errorf("cutWords(%q) = %q, want %q", c.s, w, c.want)
			}
			checkCut(t, c.s)
		})
	}
}

// TestDocCutsAsTheTokenizer checks that a Doc made with the fast cut holds the terms,
// positions and offsets of one made by the tokenizer alone.
func TestDocCutsAsTheTokenizer(t *testing.T) {
	an := newTestAnalysis(t)
	for _, a := range []*article.Article{
		{Lang: "fr", Title: "L'Arménie et l'Azerbaïdjan", Summary: "Les pourparlers reprennent.", Text: "À Bruxelles, 1,5 million d’euros."},
		{Lang: "en", Title: "U.S. talks", Text: "Talks on the Lachin corridor resumed in Brussels on Monday's session."},
		{Lang: "ru", Title: "Переговоры", Summary: "Ереван и Баку", Text: "Ереван и Баку: переговоры 12.05."},
		{Lang: "fa", Title: "ایران و ارمنستان", Text: "ایران و ارمنستان"},
	} {
		fast := an.Doc(a)
		slow := an.DocWords(a, tokenizerCut(a.Title), tokenizerCut(BodyText(a)))
		for i, f := range []*tokenField{&fast.title, &fast.body} {
			g := []*tokenField{&slow.title, &slow.body}[i]
			if !slices.Equal(f.terms, g.terms) || !slices.Equal(f.words, g.words) {
				t.Errorf("%s field %d: fast cut %q %v, tokenizer %q %v", a.Lang, i, f.terms, f.words, g.terms, g.words)
			}
		}
	}
}

// FuzzCutWords checks that whatever text cutWords takes is cut as the tokenizer does.
func FuzzCutWords(f *testing.F) {
	for _, s := range []string{"l'Arménie d’Azerbaïdjan", "Bakı'da Paşinyan'ın", "зʼїзд 1,5 млн.", "Նիկոլ Փաշինյան։ Ադրբեջան",
		"ილჰამ ალიევი", "ایران و ارمنستان", "x_y 3.5km", "a'b'c ‘quoted’ «guillemets»", "1.a.2 a::b 3,,4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		checkCut(t, s)
	})
}

func TestReadsText(t *testing.T) {
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"entity:Q1953", false},
		{"topic:peace-talks AND lang:fr", false},
		{"published:>2026-06-01 AND NOT source:APA", false},
		{"(entity:Q1 OR country:AM) AND NOT author:x", false},
		{"Yerevan", true},
		{`title:"peace talks"`, true},
		{"entity:Q1 AND NOT talks", true},
		{"topic:x OR yere*", true},
		{"entity:Q1 AND yerevan~1", true},
		{"source:OC*", false},
	} {
		n, err := Parse(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		m, err := Compile(n, MatchOptions{Languages: []string{"en"}})
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if got := m.ReadsText(); got != c.want {
			t.Errorf("%s: ReadsText %v, want %v", c.q, got, c.want)
		}
	}
}

// TestDocKeywordsAnswersAsDoc: a matcher that does not read text answers on DocKeywords's
// Doc as on Doc's.
func TestDocKeywordsAnswersAsDoc(t *testing.T) {
	an := newTestAnalysis(t)
	a := &article.Article{Lang: "fr", Title: "Erevan", Text: "Les pourparlers.", Topics: []string{"peace-talks"},
		Published: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Source: article.Source{FeedTitle: "OC Media"},
		Entities: []article.Entity{{ID: "Q1953", Name: "Yerevan"}}}
	full, kw := an.Doc(a), an.DocKeywords(a)
	for _, q := range []string{"entity:Q1953", "entity:Yerevan", "topic:peace-talks AND lang:fr", "published:>2026-06-01",
		"NOT source:APA", "source:OC*", "lang:en OR topic:elections"} {
		m := compileWith(t, an, q)
		if m.ReadsText() {
			t.Fatalf("%s reads text", q)
		}
		if got, want := m.MatchDoc(kw), m.MatchDoc(full); got != want {
			t.Errorf("%s: %v on DocKeywords, %v on Doc", q, got, want)
		}
	}
}

// TestDocIsTheAnalysers: a Doc's title and body, made from the distinct words of each text
// (Analysis.words), and its fold fields, made from the same words' cached fold terms, hold
// what the analysers make of the text: the terms, their positions and offsets, the
// distinct terms in order and their positions, with the caches cold and warm. The texts
// repeat words, and words of one stem or one fold term.
func TestDocIsTheAnalysers(t *testing.T) {
	an := newTestAnalysis(t)
	arts := []*article.Article{
		{Lang: "fr", Title: "L'Arménie et l'Azerbaïdjan, l'Arménie", Summary: "Les pourparlers reprennent.", Text: "À Bruxelles, l'Arménie et l’Arménie ; corridor, corridors, Corridor. 1,5 million d’euros, 1,5 million."},
		{Lang: "en", Title: "Talks talks TALKS", Text: "Talks on the Lachin corridor resumed; the talks, talking of the corridors, resumed on Monday's session and Monday."},
		{Lang: "ru", Title: "Переговоры переговоров", Text: "Ереван и Баку: переговоры 12.05, Ереван и Баку, переговоров нет. Ёлка ёлка елка."},
		{Lang: "tr", Title: "Erdoğan ERDOĞAN", Text: "Bakü'nün açıklaması; Bakü Bakü'de Erdoğan erdogan İstanbul'da istanbul."},
		{Lang: "de", Title: "Straße STRASSE", Text: "Die Straße nach Latschin, die Straße bleibt gesperrt; Außenminister, Aussenminister."},
		{Lang: "hy", Title: "Նիկոլ Փաշինյան", Text: "Նիկոլ Փաշինյան, Նիկոլ Փաշինյանը։"},
		{Lang: "und", Title: "x", Text: ""},
	}
	for round := range 2 {
		for _, a := range arts {
			d := an.Doc(a)
			key := an.LangKey(a.Lang)
			fold := d.foldFields(FieldText)
			for i, text := range []string{a.Title, BodyText(a)} {
				check := func(what string, got *tokenField, want tokenField, positions bool) {
					t.Helper()
					if !slices.Equal(got.terms, want.terms) || !slices.Equal(got.words, want.words) {
						t.Errorf("round %d, %s %s %d:\ngot  %q %v\nwant %q %v", round, a.Lang, what, i, got.terms, got.words, want.terms, want.words)
					}
					if !slices.Equal(got.keys, want.keys) {
						t.Errorf("round %d, %s %s %d: distinct terms %q, want %q", round, a.Lang, what, i, got.keys, want.keys)
					}
					if !positions {
						return
					}
					if len(got.at) != len(want.at) {
						t.Errorf("round %d, %s %s %d: %d terms with positions, want %d", round, a.Lang, what, i, len(got.at), len(want.at))
					}
					for term, ps := range want.at {
						if !slices.Equal(got.at[term], ps) {
							t.Errorf("round %d, %s %s %d: positions of %q are %v, want %v", round, a.Lang, what, i, term, got.at[term], ps)
						}
					}
				}
				check("field", d.both[i], an.tokenField(key, text), true)
				check("fold field", fold[i], tokenFieldOf(an.fold.Analyze([]byte(text)), text, false), false)
			}
		}
	}
}
