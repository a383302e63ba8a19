package query

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/article"
)

// TestWildcardsMatchWhatWasTyped: wildcards, prefixes and fuzzy terms compare with the
// words as written (lower-cased, accents folded) as well as with the stems, in every
// language (issue 15: peacekeeper*, Sergey*, Лавров*, corrid* found nothing).
func TestWildcardsMatchWhatWasTyped(t *testing.T) {
	an := newTestAnalysis(t)
	en := &article.Article{ID: "en", Lang: "en", Title: "Peacekeepers leave the Lachin corridor",
		Text: "Sergey Lavrov met Jeyhun Bayramov. Erdoğan was not there."}
	fr := &article.Article{ID: "fr", Lang: "fr", Title: "Le corridor de Latchine rouvert",
		Text: "Les soldats de la paix russes quittent le corridor."}
	ru := &article.Article{ID: "ru", Lang: "ru", Title: "Лавров встретился с Байрамовым",
		Text: "Российские миротворцы покинули Лачинский коридор."}
	tests := []struct {
		query string
		doc   *article.Article
		want  bool
		mark  string // a word the highlight must mark
	}{
		{"peacekeeper*", en, true, "Peacekeepers"},
		{"peacekeepers", en, true, "Peacekeepers"},
		{"Sergey*", en, true, "Sergey"},
		{"serg?y", en, true, "Sergey"},
		{"Erdogan*", en, true, "Erdoğan"},
		{"erdoğ*", en, true, "Erdoğan"},
		{"corrid*", fr, true, "corridor"},
		{"corridor*", fr, true, "corridor"},
		{"Лавров*", ru, true, "Лавров"},
		{"Байрамов*", ru, true, "Байрамовым"},
		{"миротвор*", ru, true, "миротворцы"},
		{"peacekeeper~", en, true, "Peacekeepers"},
		{"Lavorv~1", en, true, "Lavrov"}, // a swap is one edit
		{"Lavrof~1", en, true, "Lavrov"},
		{"Lavrof~0", en, false, ""},
		{"Bayramow~", en, true, "Bayramov"},
		{"Лавроф~1", ru, true, "Лавров"},
		{"title:Sergey~1", en, false, ""},
		{"Latchinne~1", fr, true, "Latchine"},
		{"corrid*", ru, false, ""},
		{"-peacekeeper*", en, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			n, err := Parse(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Compile(n, MatchOptions{Analysis: an})
			if err != nil {
				t.Fatal(err)
			}
			d := an.Doc(tt.doc)
			if got := m.MatchDoc(d); got != tt.want {
				t.Fatalf("Match(%q) = %v, want %v", tt.query, got, tt.want)
			}
			if tt.mark == "" {
				return
			}
			hl := m.Highlight(d)
			all := strings.Join(append(hl["title"], hl["body"]...), " ")
			if !strings.Contains(all, "<mark>"+tt.mark+"</mark>") {
				t.Fatalf("Highlight(%q) = %q, want %q marked", tt.query, all, tt.mark)
			}
		})
	}
}

func TestFuzzyParse(t *testing.T) {
	for src, want := range map[string]string{
		"Lavrov~":        "Lavrov~",
		"Lavrov~1":       "Lavrov~1",
		"title:Lavrov~2": "title:Lavrov~2",
		"a Lavrov~0 b":   "a AND Lavrov~0 AND b",
	} {
		n, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if n.String() != want {
			t.Errorf("Parse(%q) = %q, want %q", src, n.String(), want)
		}
	}
	for word, edits := range map[string]int{"ab~": -1, "Лач~": 1, "Lachin~": 2, "Lavrov~1": 1} {
		n, err := Parse(word)
		if err != nil {
			if edits < 0 {
				continue // too short
			}
			t.Fatal(err)
		}
		if got := n.(*Fuzzy).MaxEdits(); got != edits {
			t.Errorf("%s allows %d edits, want %d", word, got, edits)
		}
	}
	if _, err := Parse("a~ b~ c~ d~ e~"); err == nil {
		t.Error("Parse accepted five short fuzzy words")
	}
	if _, err := Parse("abc~ bcd~ cde~ def~ efg~"); err == nil || !strings.Contains(err.Error(), "more than 4 wildcards other than a trailing * and fuzzy terms") {
		t.Errorf("five fuzzy terms: %v", err)
	}
}

func TestWithinEdits(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		max  int
		want bool
	}{
		{"lavrov", "lavrov", 0, true},
		{"lavrov", "lavrvo", 1, true},
		{"lavrov", "lavrova", 1, true},
		{"lavrov", "avrov", 1, true},
		{"lavrov", "lovrav", 1, false},
		{"lavrov", "lovrav", 2, true},
		{"лавров", "лавровым", 2, true},
		{"лавров", "лавровым", 1, false},
		{"ab", "ba", 1, true},
	} {
		if got := withinEdits([]rune(tt.a), tt.b, tt.max); got != tt.want {
			t.Errorf("withinEdits(%q, %q, %d) = %v", tt.a, tt.b, tt.max, got)
		}
	}
}

func TestRelativeDates(t *testing.T) {
	now := time.Date(2026, 3, 12, 15, 30, 0, 0, time.UTC) // a Thursday
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in     string
		lo, hi time.Time
	}{
		{"published:>now-1d", now.AddDate(0, 0, -1).Add(time.Nanosecond), time.Time{}},
		{"published:>=now-1d", now.AddDate(0, 0, -1), time.Time{}},
		{"published:[now-7d/d TO now]", day(3, 5), now.Add(time.Nanosecond)},
		{"published:[now-7d/d TO now/d]", day(3, 5), day(3, 13)},
		{"published:{now-7d/d TO now/d}", day(3, 6), day(3, 12)},
		{"published:>now/d", day(3, 13), time.Time{}},
		{"published:<now/d", time.Time{}, day(3, 12)},
		{"published:>=now-2w", now.AddDate(0, 0, -14), time.Time{}},
		{"published:>=now-1M/M", day(2, 1), time.Time{}},
		{"published:now/w", day(3, 9), day(3, 16)},
		{"published:>=now/y", day(1, 1), time.Time{}},
		{"published:>=now-2h/h", time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC), time.Time{}},
		{"published:>=now+1d-30m/m", now.AddDate(0, 0, 1).Add(-30 * time.Minute), time.Time{}},
		{"published:[2026-03-01 TO now-1s]", day(3, 1), now.Add(-time.Second + time.Nanosecond)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			r := n.(*Range)
			if !r.IsRelative() {
				t.Fatal("not relative")
			}
			lo, hi := r.BoundsAt(now)
			if !lo.Equal(tt.lo) || !hi.Equal(tt.hi) {
				t.Fatalf("BoundsAt = [%v, %v), want [%v, %v)", lo, hi, tt.lo, tt.hi)
			}
			if again, err := Parse(n.String()); err != nil || !Equal(n, again) {
				t.Fatalf("round trip %q: %v", n.String(), err)
			}
		})
	}

	// In a saved search, now is when the article was analysed for matching.
	an := newTestAnalysis(t)
	n, _ := Parse("published:>now-1d")
	m, err := Compile(n, MatchOptions{Analysis: an})
	if err != nil {
		t.Fatal(err)
	}
	d := an.Doc(&article.Article{ID: "x", Lang: "en", Title: "x", Published: time.Now().Add(-2 * time.Hour)})
	if !m.MatchDoc(d) {
		t.Error("an article published 2 h before it was processed does not match published:>now-1d")
	}
	d.Now = time.Now().AddDate(0, 0, 2)
	if m.MatchDoc(d) {
		t.Error("an article processed 2 days after publication matches published:>now-1d")
	}

	for src, off := range map[string]int{"now-1x": 5, "now-d": 3, "now/q": 4, "now/d+1d": 5, "nowx": 3} {
		_, err := ParseDate(src, now, false)
		qe, ok := err.(*Error)
		if !ok || qe.Pos != off {
			t.Errorf("ParseDate(%q) = %v, want an error at %d", src, err, off)
		}
	}
	if got, err := ParseDate("now-1d/d", now, true); err != nil || !got.Equal(day(3, 12)) {
		t.Errorf("ParseDate(now-1d/d, end) = %v, %v; want the end of yesterday", got, err)
	}
	if got, err := ParseDate("2026-03-01", now, false); err != nil || !got.Equal(day(3, 1)) {
		t.Errorf("ParseDate(2026-03-01) = %v, %v", got, err)
	}
}

// TestFoldFromWords: the fold fields a Doc builds from the words its language's analyser
// cut are the fold analyser's own output.
func TestFoldFromWords(t *testing.T) {
	an, err := NewAnalysis(DefaultLanguages)
	if err != nil {
		t.Fatal(err)
	}
	if an.cutLikeFold["en"] == nil || an.cutLikeFold["ru"] == nil {
		t.Fatal("the English and Russian analysers should cut words as the fold analyser does")
	}
	texts := []string{
		"L'Arménie accuse l'Azerbaïdjan du blocus du corridor de Latchine.",
		"Erdoğan met Aliyev in Bakü'nün centre; the peacekeepers' base — 3,000 troops.",
		"Блокада Лачинского коридора: Лавров встретился с Пашиняном.",
		"ՀՀ վարչապետ Նիկոլ Փաշինյան 2026 թ. ‘quoted’ ＇full＇ Straße ÉCOLE",
		"", "   ", "x",
	}
	// Every text's fields are made in the memory the one before it was made in.
	mem := &docMem{}
	for round := range 2 { // the second round finds the words in the fold term cache
		for _, key := range an.Keys() {
			for _, text := range texts {
				mem.reset()
				_, words := an.words(key, text, nil, mem)
				if words == nil {
					continue
				}
				got, want := an.foldField(text, words, mem), an.foldField(text, nil, nil)
				if !slices.Equal(got.terms, want.terms) || !slices.Equal(got.words, want.words) {
					t.Errorf("round %d, %s %q:\nfrom words %q %v\nanalysed   %q %v", round, key, text, got.terms, got.words, want.terms, want.words)
				}
				if !slices.Equal(got.keys, want.keys) { // fold fields keep no positions map
					t.Errorf("round %d, %s %q: distinct terms %q, want %q", round, key, text, got.keys, want.keys)
				}
			}
		}
	}
}

// TestCachedTermsAreAnalysed: the terms a Doc takes from the term cache, the first time a
// word is met and every time after, are the language analyser's own, in every language.
func TestCachedTermsAreAnalysed(t *testing.T) {
	an, err := NewAnalysis(DefaultLanguages)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"L'Arménie accuse l'Azerbaïdjan du blocus du corridor de Latchine; les corridors restent fermés.",
		"The peacekeepers' convoy reached Stepanakert's outskirts; Russia's ministry denied it.",
		"Блокада Лачинского коридора: Лавров встретился с Пашиняном в Москве, блокады продолжаются.",
		"Bakü'nün açıklamasına göre Ermenistan'ın heyeti İstanbul'da görüştü.",
		"Die Straße nach Latschin bleibt gesperrt, sagte der Außenminister.",
		"El corredor de Lachín sigue cerrado según las autoridades armenias.",
		"أعلنت وزارة الخارجية الأذربيجانية أن الممر مغلق",
		"Il corridoio di Lachin è chiuso, dice l'ambasciatore.",
		"O corredor de Lachin continua fechado, disseram as autoridades.",
		"De corridor van Lachin blijft gesloten volgens de autoriteiten.",
		"ՀՀ վարչապետ Նիկոլ Փաշինյանը հանդիպեց Ալիևին; Azərbaycan Respublikası; საქართველოს მთავრობა; Україна заявила",
		"ÉCOLE Straße ＡＢＣ ﬁnance 3,000 troops 12.5% — x",
	}
	mem := &docMem{}       // each text's fields are made in the memory of the text before
	for round := range 4 { // rounds 1 and 3 find every word in the cache
		for _, key := range an.Keys() {
			for _, text := range texts {
				mem.reset()
				var cut []Span // rounds 2 and 3: the words as DocWords gives them, if cutWords can
				if round >= 2 {
					if c, ok := cutWords(text, nil); ok {
						cut = c
					}
				}
				got, words := an.words(key, text, cut, mem)
				want := an.tokenField(key, text)
				if words == nil {
					continue
				}
				if !slices.Equal(got.terms, want.terms) || !slices.Equal(got.words, want.words) {
					t.Fatalf("round %d, %s %q:\ncached   %q %v\nanalysed %q %v", round, key, text, got.terms, got.words, want.terms, want.words)
				}
				if len(got.at) != len(want.at) || !slices.Equal(got.keys, want.keys) {
					t.Fatalf("round %d, %s %q: distinct terms %q, want %q", round, key, text, got.keys, want.keys)
				}
				for term, ps := range want.at {
					if !slices.Equal(got.at[term], ps) {
						t.Fatalf("round %d, %s %q: positions of %q are %v, want %v", round, key, text, term, got.at[term], ps)
					}
				}
			}
		}
	}
	if n := len(an.terms["fr"].terms); n == 0 {
		t.Error("the French term cache is empty")
	}
	// The cut path starting with an empty cache, words met twice in one text.
	fresh, err := NewAnalysis([]string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	text := "Walking talks: the talks walked on, walking."
	cut, ok := cutWords(text, nil)
	if !ok {
		t.Fatal("cutWords does not cut the test text")
	}
	if got, _ := fresh.words("en", text, cut, nil); !slices.Equal(got.terms, fresh.TermsOf("en", text)) {
		t.Fatalf("cut words on an empty cache: %q, want %q", got.terms, fresh.TermsOf("en", text))
	}
}

// TestTermCacheIsBounded: a language's term cache never holds more than maxCachedTerms
// words, and keeps analysing correctly once it started again.
func TestTermCacheIsBounded(t *testing.T) {
	an, err := NewAnalysis([]string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range maxCachedTerms + 1000 {
		fmt.Fprintf(&b, "w%dx ", i)
	}
	for _, text := range []string{b.String(), "walking talks", b.String()} {
		an.words("en", text, nil, nil)
		if n := len(an.terms["en"].terms); n > maxCachedTerms {
			t.Fatalf("the cache holds %d words, more than %d", n, maxCachedTerms)
		}
	}
	if got, _ := an.words("en", "walking talks", nil, nil); !slices.Equal(got.terms, []string{"walk", "talk"}) {
		t.Fatalf("after the cache started again: %q", got.terms)
	}
}

// TestAnalysisSharedByGoroutines: matchers on several goroutines share one Analysis and
// its term caches, and each sees what it would alone.
func TestAnalysisSharedByGoroutines(t *testing.T) {
	an, err := NewAnalysis([]string{"en", "fr", "ru"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(&Wildcard{Pattern: "latch*"}, MatchOptions{Analysis: an})
	if err != nil {
		t.Fatal(err)
	}
	arts := []*article.Article{
		{ID: "fr", Lang: "fr", Title: "Le blocus du corridor de Latchine", Summary: "L'Arménie accuse l'Azerbaïdjan."},
		{ID: "en", Lang: "en", Title: "Talks on the Lachin corridor", Summary: "Armenia's minister walked out."},
		{ID: "ru", Lang: "ru", Title: "Блокада Лачинского коридора", Summary: "Лавров встретился с Пашиняном."},
	}
	want := make([]bool, len(arts))
	for i, a := range arts {
		want[i] = m.Match(a)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := (i + g) % len(arts)
				if got := m.Match(arts[k]); got != want[k] {
					t.Errorf("goroutine %d: %s matches %v, alone %v", g, arts[k].ID, got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestHasFoldApostrophe(t *testing.T) {
	for _, s := range []string{"", "abc", "l'a", "l’a", "l‘a", "l＇a", "l`a", "ʼ", "\xe2\x80", "\xe2\xe2\x80\x99", "\xf0\xe2\x80\x98x", "—–…", "Ｇ", "\xef\xbc"} {
		if got, want := hasFoldApostrophe([]byte(s)), bytes.ContainsFunc([]byte(s), isFoldApostrophe); got != want {
			t.Errorf("hasFoldApostrophe(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestKeywordIsTheKeywordAnalyser(t *testing.T) {
	an, err := NewAnalysis(DefaultLanguages)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"", "Q399", "ww:ilham-aliyev", "armenia-azerbaijan-peace", "EN", "Ilham Aliyev", "Ильхам Алиев", "İstanbul", "\xff"} {
		ts := an.keyword.Analyze([]byte(v))
		if got, want := an.Keyword(v), string(ts[0].Term); got != want {
			t.Errorf("Keyword(%q) = %q, the analyser says %q", v, got, want)
		}
	}
}

func TestSortedCopyIsSorted(t *testing.T) {
	ss := []string{"", "a", "ab", "ab\x00", "abcdefgh", "abcdefghi", "abcdefgg", "b", "\xff", "коридор", "коридоры", "ლაჩინ", "Z", "abcdefgh\x00"}
	for range 3 {
		want := slices.Clone(ss)
		slices.Sort(want)
		if got := sortedCopy(ss, nil); !slices.Equal(got, want) {
			t.Fatalf("sortedCopy(%q) = %q, want %q", ss, got, want)
		}
		slices.Reverse(ss)
		ss = append(ss[1:], ss[0])
	}
}
