package alert

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
	"wirewatch/internal/query"
)

var testWords = map[string][]string{
	"en": {"blockade", "corridor", "Lachin", "Yerevan", "Baku", "talks", "ceasefire", "border", "peace", "refugees", "Karabakh", "minister", "elections", "protest"},
	"fr": {"blocus", "corridor", "Latchine", "Erevan", "Bakou", "négociations", "cessez-le-feu", "frontière", "paix", "réfugiés", "l'Arménie", "ministre"},
	"ru": {"блокада", "коридор", "Лачин", "Ереван", "Баку", "переговоры", "перемирие", "граница", "мир", "беженцы", "Карабах", "министр"},
}

var testTopics = []string{"lachin-corridor", "peace-talks", "border-clashes", "elections"}
var testEntities = []article.Entity{
	{ID: "Q1000", Type: article.Place, Name: "Lachin corridor"},
	{ID: "Q1953", Type: article.Place, Name: "Yerevan"},
	{ID: "Q9248", Type: article.Place, Name: "Baku"},
	{ID: "Q7184", Type: article.Person, Name: "Ilham Aliyev"},
}

func randomArticle(r *rand.Rand, i int) *article.Article {
	langs := []string{"en", "fr", "ru"}
	lang := langs[r.IntN(len(langs))]
	words := testWords[lang]
	sentence := func(n int) string {
		ws := make([]string, n)
		for j := range ws {
			ws[j] = words[r.IntN(len(words))]
		}
		return strings.Join(ws, " ")
	}
	a := &article.Article{
		ID:        fmt.Sprintf("a%d", i),
		Title:     sentence(3 + r.IntN(5)),
		Summary:   sentence(10 + r.IntN(20)),
		Lang:      lang,
		Published: time.Date(2026, 1+time.Month(r.IntN(11)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
		Source:    article.Source{FeedTitle: []string{"OC Media", "CivilNet", "APA"}[r.IntN(3)]},
		StoryID:   fmt.Sprintf("s%d", r.IntN(50)),
	}
	for _, t := range testTopics {
		if r.IntN(4) == 0 {
			a.Topics = append(a.Topics, t)
		}
	}
	for _, e := range testEntities {
		if r.IntN(3) == 0 {
			a.Entities = append(a.Entities, e)
		}
	}
	return a
}

// randomQuery builds a query of the shapes analysts write: words, phrases, fields,
// wildcards, negations and ranges, nested.
func randomQuery(r *rand.Rand, depth int) string {
	leaf := func() string {
		lang := []string{"en", "fr", "ru"}[r.IntN(3)]
		words := testWords[lang]
		w := words[r.IntN(len(words))]
		switch r.IntN(10) {
		case 0:
			return fmt.Sprintf("%q", w+" "+words[r.IntN(len(words))])
		case 1:
			return "topic:" + testTopics[r.IntN(len(testTopics))]
		case 2:
			e := testEntities[r.IntN(len(testEntities))]
			if r.IntN(2) == 0 {
				return "entity:" + e.ID
			}
			return fmt.Sprintf("entity:%q", e.Name)
		case 3:
			return "lang:" + lang
		case 4:
			rs := []rune(w)
			return string(rs[:min(3, len(rs))]) + "*"
		case 5:
			return "published:>2026-06-01"
		case 6:
			return "title:" + w
		}
		return w
	}
	if depth <= 0 || r.IntN(3) == 0 {
		return leaf()
	}
	switch r.IntN(4) {
	case 0:
		return "(" + randomQuery(r, depth-1) + " OR " + randomQuery(r, depth-1) + ")"
	case 1:
		return "NOT " + leaf()
	}
	return "(" + randomQuery(r, depth-1) + " AND " + randomQuery(r, depth-1) + ")"
}

func testMatcher(t testing.TB, queries []string) *matcher {
	t.Helper()
	an, err := query.NewAnalysis([]string{"en", "fr", "ru"})
	if err != nil {
		t.Fatal(err)
	}
	mt := &matcher{an: an}
	mt.set = newSearches(mt.compile, slog.New(slog.DiscardHandler), func(int) {})
	for i, q := range queries {
		if err := mt.set.put(SavedSearch{ID: fmt.Sprintf("q%05d", i), Name: q, Query: q, Mode: ModeImmediate}); err != nil {
			t.Fatalf("query %q: %v", q, err)
		}
	}
	return mt
}

func ids(ss []*SavedSearch) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	sort.Strings(out)
	return out
}

// TestCandidateIndexLosesNothing compares the indexed matcher with running every search
// on every article, over random queries and articles: the index may only skip searches
// that would not have matched.
func TestCandidateIndexLosesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var queries []string
	for range 600 {
		queries = append(queries, randomQuery(r, 3))
	}
	mt := testMatcher(t, queries)
	always := len(mt.set.index.always)
	if always > len(queries)/2 {
		t.Errorf("%d of %d searches have no anchor; the index is not doing its job", always, len(queries))
	}
	matched, checked := 0, 0
	for i := range 400 {
		a := randomArticle(r, i)
		got, want := ids(mt.match(a)), ids(mt.matchAll(a))
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("article %+v:\nindexed %v\nall     %v", a, got, want)
		}
		matched += len(want)
		mt.set.index.candidates(mt.an.Doc(a), func(*compiled) { checked++ })
	}
	if matched == 0 {
		t.Fatal("no article matched any query: the test proves nothing")
	}
	t.Logf("%d matches; %d candidate checks instead of %d", matched, checked, 400*len(queries))
}

// TestCandidateIndexFollowsEdits: an edited search is found under its new terms only, a
// deleted one not at all, and a freed slot serves the next search.
func TestCandidateIndexFollowsEdits(t *testing.T) {
	mt := testMatcher(t, []string{"Baku", "Yerevan"})
	a := &article.Article{ID: "x", Title: "Talks in Yerevan", Lang: "en"}
	b := &article.Article{ID: "y", Title: "Talks in Baku", Lang: "en"}
	if got := ids(mt.match(a)); len(got) != 1 || got[0] != "q00001" {
		t.Fatalf("before edits: %v", got)
	}
	later := time.Now()
	if err := mt.set.put(SavedSearch{ID: "q00001", Name: "y", Query: "Tbilisi", Mode: ModeImmediate, Updated: later}); err != nil {
		t.Fatal(err)
	}
	if got := ids(mt.match(a)); len(got) != 0 {
		t.Errorf("edited search still matches its old query: %v", got)
	}
	mt.set.remove("q00000", later)
	if got := ids(mt.match(b)); len(got) != 0 {
		t.Errorf("deleted search matches: %v", got)
	}
	if err := mt.set.put(SavedSearch{ID: "new", Name: "n", Query: "talks", Mode: ModeImmediate, Updated: later}); err != nil {
		t.Fatal(err)
	}
	if got := ids(mt.match(b)); len(got) != 1 || got[0] != "new" || mt.set.index.slots != 2 {
		t.Errorf("after reuse: %v, %d slots", got, mt.set.index.slots)
	}
	// An older record arriving late (the follower behind a local write) changes nothing.
	if err := mt.set.put(SavedSearch{ID: "q00001", Name: "y", Query: "Yerevan", Mode: ModeImmediate, Updated: later.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := ids(mt.match(a)); len(got) != 1 || got[0] != "new" {
		t.Errorf("a stale record was applied: %v", got)
	}
	if err := mt.set.put(SavedSearch{ID: "q00000", Name: "x", Query: "Baku", Mode: ModeImmediate, Updated: later.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, ok := mt.set.get("q00000"); ok {
		t.Error("a record older than the tombstone revived a deleted search")
	}
}

func TestRateLimiter(t *testing.T) {
	rl := &rateLimiter{max: 2, window: time.Hour, sent: map[string][]time.Time{}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Minute, true}, {2 * time.Minute, false}, {59 * time.Minute, false}, {61 * time.Minute, true}, {62 * time.Minute, true}, {63 * time.Minute, false}}
	for _, s := range steps {
		if got := rl.allow("s", t0.Add(s.at)); got != s.want {
			t.Errorf("at +%s: allow = %v, want %v", s.at, got, s.want)
		}
	}
	if !rl.allow("other", t0.Add(2*time.Minute)) {
		t.Error("limits are per search")
	}
}

// TestAlertRecordIsAlert: an alert as matchBatch writes it, its article encoded once for
// every search and spliced into each record, is the JSON of the Alert: the same keys and
// values, and the same bytes as json.Marshal of the record.
func TestAlertRecordIsAlert(t *testing.T) {
	a := &article.Article{
		ID: "a1", Title: "Talks in Yerevan <b>& \"Baku\"</b> \u2028", URL: "https://example.com/a1?x=1&y=2", Lang: "en", StoryID: "s1",
		Published: time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC), Signature: 0xfeed,
		Source: article.Source{FeedURL: "https://example.com/feed"}, Topics: []string{"peace-talks"},
		Entities: testEntities[:2],
	}
	for _, s := range []SavedSearch{
		{ID: "q1", Name: "Yerevan", Mode: ModeImmediate},
		{ID: "q2", Name: "daily \"talks\" <b>", Mode: ModeDaily},
	} {
		art := alertArticle(a)
		al := newAlert(s, a, art, time.Date(2026, 11, 2, 3, 5, 0, 0, time.UTC))
		want, err := json.Marshal(al)
		if err != nil {
			t.Fatal(err)
		}
		artJSON, err := json.Marshal(art)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeAlertRecord(al, artJSON)
		if err != nil {
			t.Fatal(err)
		}
		if whole, err := json.Marshal(alertRecord{Alert: al, Article: artJSON}); err != nil || string(got) != string(whole) {
			t.Errorf("spliced record\n%s\nis not json.Marshal's\n%s (%v)", got, whole, err)
		}
		var g, w map[string]json.RawMessage
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if len(g) != len(w) {
			t.Fatalf("record has keys %v, the alert %v", g, w)
		}
		for k, v := range w {
			if string(g[k]) != string(v) {
				t.Errorf("%s: record has %s, the alert %s", k, g[k], v)
			}
		}
		if back, err := readAlert(bus.Record{Value: got}); err != nil || back.Article.Source != "https://example.com/feed" || len(back.Article.Entities) != 2 {
			t.Errorf("reading the record back: %+v, %v", back, err)
		}
	}
}

// TestKeywordSearchesSkipText: while no search reads text, the matcher does not analyse
// articles' words, and finds what running every search on fully analysed articles
// finds; once a search that reads text arrives (and after it goes), the words are
// analysed again (and not).
func TestKeywordSearchesSkipText(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var queries []string
	for len(queries) < 300 {
		q := randomQuery(r, 3)
		n, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		m, err := query.Compile(n, query.MatchOptions{Languages: []string{"en"}})
		if err != nil {
			t.Fatal(err)
		}
		if !m.ReadsText() {
			queries = append(queries, q)
		}
	}
	mt := testMatcher(t, queries)
	if n := mt.set.index.textReaders; n != 0 {
		t.Fatalf("%d searches read text; want none", n)
	}
	matched := 0
	for i := range 300 {
		a := randomArticle(r, i)
		got, want := ids(mt.match(a)), ids(mt.matchAll(a))
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("article %+v:\nwithout its words %v\nanalysed         %v", a, got, want)
		}
		matched += len(want)
	}
	if matched == 0 {
		t.Fatal("no article matched any query: the test proves nothing")
	}
	a := &article.Article{ID: "x", Title: "Talks in Yerevan", Lang: "en"}
	if err := mt.set.put(SavedSearch{ID: "words", Name: "w", Query: "yerevan OR entity:nothing", Mode: ModeImmediate}); err != nil {
		t.Fatal(err)
	}
	if got := ids(mt.match(a)); !slices.Contains(got, "words") {
		t.Errorf("a search on words added to keyword searches does not match: %v", got)
	}
	mt.set.remove("words", time.Now())
	if n := mt.set.index.textReaders; n != 0 {
		t.Errorf("%d searches read text after the one that did was removed", n)
	}
}
