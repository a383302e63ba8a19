package process

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"wirewatch/internal/article"
	"wirewatch/internal/entity"
	"wirewatch/internal/query"
	"wirewatch/internal/text"
)

// analysersCut is what the topic rules' analysers cut from s by themselves.
func analysersCut(s string) []query.Span {
	out := []query.Span{}
	for _, t := range unicode.NewUnicodeTokenizer().Tokenize([]byte(s)) {
		out = append(out, query.Span{Start: t.Start, End: t.End})
	}
	return out
}

// sharedCut is what the stage gives them instead, from the entity step's tokens.
func sharedCut(s string) ([]query.Span, bool) {
	return appendWords([]query.Span{}, s, text.Tokenize(s, nil), 0)
}

func checkSharedCut(t testing.TB, s string) bool {
	t.Helper()
	got, ok := sharedCut(s)
	if !ok {
		return false
	}
	if want := analysersCut(s); !slices.Equal(got, want) {
		t.Errorf("%q: shared cut %v, analysers cut %v", s, spanWords(s, got), spanWords(s, want))
	}
	return true
}

func spanWords(s string, spans []query.Span) []string {
	out := make([]string, len(spans))
	for i, w := range spans {
		out[i] = s[w.Start:w.End]
	}
	return out
}

// TestSharedCutIsTheAnalysersCut puts every character sameCut accepts between characters
// of every word-break class that it accepts (letters of each script, digits, the
// characters that join words or numbers, spaces, punctuation), then runs real sentences
// in the project's languages through both segmenters.
func TestSharedCutIsTheAnalysersCut(t *testing.T) {
	ctx := []string{"", "a", "é", "я", "ա", "ა", "ب", "5", ".", ",", ":", "'", "’", " ", "\n"}
	checked := 0
	var bad []rune
	for r := rune(0); r <= utf8.MaxRune; r++ {
		c := string(r)
		if !utf8.ValidRune(r) || !sameCut(c) {
			continue
		}
		checked++
	contexts:
		for _, a := range ctx {
			for _, b := range ctx {
				for _, s := range []string{a + c + b, a + c + c + b, c + a + c + b + c} {
					got, ok := sharedCut(s)
					if !ok {
						t.Fatalf("sameCut refuses %q, made of characters it accepts", s)
					}
					if want := analysersCut(s); !slices.Equal(got, want) {
						if len(bad) < 10 {
							t.Logf("%q: shared cut %v, analysers cut %v", s, spanWords(s, got), spanWords(s, want))
						}
						bad = append(bad, r)
						break contexts
					}
				}
			}
		}
	}
	if len(bad) > 0 {
		t.Fatalf("characters cut apart: %U", bad)
	}
	t.Logf("%d characters checked in %d contexts", checked, 3*len(ctx)*len(ctx))

	files, _ := filepath.Glob(filepath.Join(sharedPath(t, "corpora/langid"), "*", "*.txt"))
	more, _ := filepath.Glob("testdata/*.txt")
	files = append(append(files, more...), sharedPath(t, "samples/seed-article.fr.txt"))
	if len(files) < 20 {
		t.Fatalf("only %d corpus files found", len(files))
	}
	lines, shared := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range append(strings.Split(string(b), "\n"), string(b)) {
			lines++
			if checkSharedCut(t, line) {
				shared++
			}
		}
	}
	t.Logf("%d of %d corpus lines take the shared cut", shared, lines)
	if shared < lines*9/10 {
		t.Errorf("only %d of %d corpus lines take the shared cut", shared, lines)
	}
}

// TestCutWordsCoverBodyText checks cutWords against the body as the index builds it, for
// each way an article's summary and text combine.
func TestCutWordsCoverBodyText(t *testing.T) {
	const s, x = "Lachin: talks resume.", "Talks on the Lachin corridor resumed in Brussels on Monday."
	for _, c := range []struct {
		name, summary, text string
		blanked, covered    bool
	}{
		{"text only", "", x, false, true},
		{"summary only", s, "", false, true},
		{"summary leads the text", x[:20], x, true, true},
		{"summary inside the text", x[6:30], x, true, false},
		{"summary and text", s, x, false, true},
		{"no body", "", "", false, true},
		{"other characters", s, x + " 🙂", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := &article.Article{Title: "Lachin talks", Summary: c.summary, Text: c.text}
			fields := []entity.Field{{Text: a.Title}, {Text: a.Summary}, {Text: a.Text}}
			if c.blanked {
				fields[1].Text = ""
			}
			for i := range fields {
				fields[i].Toks = text.Tokenize(fields[i].Text, nil)
			}
			title, body := cutWords(a, fields, nil, []query.Span{})
			if want := analysersCut(a.Title); !slices.Equal(title, want) {
				t.Errorf("title: %v, want %v", title, want)
			}
			if !c.covered {
				if body != nil {
					t.Errorf("body: %v, want nil (the analysers cut it)", body)
				}
				return
			}
			bt := query.BodyText(a)
			if want := analysersCut(bt); body == nil || !slices.Equal(body, want) {
				t.Errorf("body: %v, want %v", spanWords(bt, body), spanWords(bt, want))
			}
		})
	}
}

// FuzzSharedCut checks that whatever text sameCut accepts is cut alike.
func FuzzSharedCut(f *testing.F) {
	for _, s := range []string{"l'Arménie d’Azerbaïdjan", "Bakı'da Paşinyan'ın", "зʼїзд 1,5 млн.", "Նիկոլ Փաշինյան։ Ադրբեջան",
		"ილჰამ ალიევი", "ایران و ارمنستان", "x_y 3.5km", "a'b'c ‘quoted’ «guillemets»"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		checkSharedCut(t, s)
	})
}

// TestSharedCutKeepsTopics enriches articles made of real sentences, most of which take
// the shared cut, and checks that each gets the topics the rules give it when they
// analyse it themselves (topic.Set.Match).
func TestSharedCutKeepsTopics(t *testing.T) {
	e := sharedEnricher(t)
	st := e.state.Load()
	if st.topics.Len() == 0 {
		t.Fatal("the test configuration has no topics")
	}
	files, _ := filepath.Glob(filepath.Join(sharedPath(t, "corpora/langid"), "sentences", "*.txt"))
	more, _ := filepath.Glob("testdata/*.txt")
	files = append(append(files, more...), sharedPath(t, "samples/seed-article.fr.txt"))
	articles, withTopics := 0, 0
	for _, f := range files {
		lines := strings.Split(readFile(t, f), "\n")
		for i := 0; i+4 <= len(lines) && i < 200; i += 4 {
			a := &article.Article{ID: fmt.Sprintf("%s-%d", f, i), Title: lines[i]}
			switch i % 12 { // each way BodyText joins summary and text
			case 0:
				a.Summary, a.Text = lines[i+1], strings.Join(lines[i+1:i+4], "\n\n")
			case 4:
				a.Summary, a.Text = lines[i+1], strings.Join(lines[i+2:i+4], "\n\n")
			default:
				a.Text = strings.Join(lines[i+1:i+4], "\n\n")
			}
			if err := e.Enrich(a); err != nil {
				t.Fatal(err)
			}
			got := a.Topics
			a.Topics = nil
			if want := st.topics.Match(a); !slices.Equal(got, want) {
				t.Errorf("%s line %d: topics %v, the rules alone say %v", f, i, got, want)
			}
			articles++
			if len(got) > 0 {
				withTopics++
			}
		}
	}
	t.Logf("%d articles, %d with topics", articles, withTopics)
	if withTopics == 0 {
		t.Error("no article got a topic: the check says nothing")
	}
}
