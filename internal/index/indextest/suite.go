package indextest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// Options adjust RunWith.
type Options struct {
	// SkipMatcherAgreement skips the differential test against query.Matcher, for a
	// backend whose analysers only approximate Bleve's; its other tests still apply. No
	// backend sets it: OpenSearch 2.19, whose analysers are Elasticsearch's, selects the
	// same articles as the matcher for every query of testdata/queries.txt.
	SkipMatcherAgreement bool
}

// Run checks that backends made by newBackend behave as index.Backend promises.
// newBackend must return a new, empty backend configured for query.DefaultLanguages,
// whose Search sees every document that Write acknowledged; Run closes it.
func Run(t *testing.T, newBackend func(t *testing.T) index.Backend) {
	RunWith(t, newBackend, Options{})
}

// RunWith is Run with options.
func RunWith(t *testing.T, newBackend func(t *testing.T) index.Backend, opts Options) {
	ctx := context.Background()
	corpus := Corpus(t)
	loaded := newBackend(t)
	t.Cleanup(func() { loaded.Close() })
	write(t, loaded, corpus)
	s := &suite{b: loaded, corpus: corpus}

	t.Run("WriteIsIdempotent", func(t *testing.T) {
		b := newBackend(t)
		defer b.Close()
		docs := Corpus(t)[:3]
		write(t, b, docs)
		write(t, b, docs)
		changed := *docs[0]
		changed.Title = "Une version corrigée du titre"
		write(t, b, []*article.Article{&changed})
		res := search(t, b, index.Request{Size: 50})
		if res.Total != 3 || len(res.Hits) != 3 {
			t.Fatalf("after writing 3 articles twice and one again: total %d, %d hits; want 3", res.Total, len(res.Hits))
		}
		got, err := b.Get(ctx, changed.ID)
		if err != nil || got.Title != changed.Title {
			t.Fatalf("Get after rewrite = %v, %v; want title %q", got, err, changed.Title)
		}
		if n := search(t, b, index.Request{Query: `"version corrigée"`}).Total; n != 1 {
			t.Fatalf("new title found %d times, want 1", n)
		}
		if n := search(t, b, index.Request{Query: `title:blocus`}).Total; n != 0 {
			t.Fatalf("old title still found %d times, want 0", n)
		}
	})

	t.Run("WriteReportsBadItems", func(t *testing.T) {
		b := newBackend(t)
		defer b.Close()
		good := Corpus(t)[0]
		itemErrs, err := b.Write(ctx, []*article.Article{{Title: "no id"}, good})
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
		if len(itemErrs) != 2 || itemErrs[0] == nil || itemErrs[1] != nil {
			t.Fatalf("item errors = %v, want [error, nil]", itemErrs)
		}
		if _, err := b.Get(ctx, good.ID); err != nil {
			t.Fatalf("the good article was not stored: %v", err)
		}
	})

	t.Run("Get", func(t *testing.T) {
		for _, a := range corpus {
			got, err := loaded.Get(ctx, a.ID)
			if err != nil {
				t.Fatalf("Get(%s): %v", a.ID, err)
			}
			if got.Title != a.Title || got.Text != a.Text || !got.Published.Equal(a.Published) ||
				len(got.Entities) != len(a.Entities) || got.StoryID != a.StoryID {
				t.Fatalf("Get(%s) = %+v, want %+v", a.ID, got, a)
			}
		}
		if _, err := loaded.Get(ctx, "no-such-article"); !errors.Is(err, index.ErrNotFound) {
			t.Fatalf("Get(unknown) = %v, want ErrNotFound", err)
		}
	})

	t.Run("PhrasesPerLanguage", func(t *testing.T) {
		s.expect(t, `"corridor de Latchine"`, "fr-lachin-1")
		s.expect(t, `"Лачинском коридоре"`, "ru-lachin-1") // prepositional case: found through stemming
		s.expect(t, `"коридору"`, "ru-lachin-1")
		s.expect(t, `"ready to send a mission"`, "en-lachin-1")
		s.expect(t, `"send to ready"`) // order matters without ~N
		s.expect(t, `"send ready"~2`, "en-lachin-1")
		s.expect(t, `corridors`, "en-lachin-1", "en-weather-1", "fr-lachin-1") // stemmed in English and French
	})

	t.Run("WildcardsMatchWhatWasTyped", func(t *testing.T) {
		// Stemmed forms ("peacekeep", French "coridor") no longer hide the words as
		// written from wildcards and fuzzy terms; accents are folded.
		s.expect(t, "peacekeepers", "en-lachin-1", "en-pashinyan-1")
		s.expect(t, "peacekeeper*", "en-lachin-1", "en-pashinyan-1")
		s.expect(t, "corrid*", "en-lachin-1", "en-weather-1", "fr-lachin-1")
		s.expect(t, "Лавров*", "ru-lachin-1", "uk-lavrov-1")
		s.expect(t, "Пашинян*", "ru-peacekeepers-1")
		s.expect(t, "Azerbaidj*", "fr-gas-1")
		s.expect(t, "Lavrof~1", "en-lachin-1", "fr-lachin-1")
		s.expect(t, "Лавроф~", "ru-lachin-1", "uk-lavrov-1")
		s.expect(t, "Lavrof~0")
		res := search(t, s.b, index.Request{Query: "peacekeeper*", Size: 10})
		for _, h := range res.Hits {
			if !strings.Contains(strings.Join(append(h.Highlights["title"], h.Highlights["body"]...), " "), "<mark>peacekeepers</mark>") {
				t.Errorf("hit %s: highlights %v do not mark the word the wildcard matched", h.ID, h.Highlights)
			}
		}
	})

	t.Run("RelativeDates", func(t *testing.T) {
		// The corpus is from 2026-01 and 2026-02: relative to the time the test runs.
		jan20 := time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)
		days := int(time.Since(jan20).Hours() / 24) // now-<days>d/d is that midnight
		s.expectWhere(t, fmt.Sprintf("published:<now-%dd/d", days), func(a *article.Article) bool { return a.Published.Before(jan20) })
		s.expectWhere(t, fmt.Sprintf("published:>=now-%dd/d", days), func(a *article.Article) bool { return !a.Published.Before(jan20) })
		s.expect(t, "published:>now")
		s.expectWhere(t, "published:[now-100y/y TO now]", func(*article.Article) bool { return true })
	})

	t.Run("FieldFilters", func(t *testing.T) {
		s.expectWhere(t, "lang:fr", func(a *article.Article) bool { return a.Lang == "fr" })
		s.expectWhere(t, "lang:und", func(a *article.Article) bool { return a.Lang == "" })
		s.expectWhere(t, "entity:Q399", func(a *article.Article) bool { return hasEntity(a, "Q399") })
		s.expectWhere(t, `entity:"Ilham Aliyev"`, func(a *article.Article) bool { return hasEntity(a, "Q49577") })
		s.expectWhere(t, "topic:energy", func(a *article.Article) bool { return has(a.Topics, "energy") })
		s.expectWhere(t, "country:ge", func(a *article.Article) bool { return has(a.Countries(), "GE") })
		s.expectWhere(t, `source:"Reuters Europe"`, func(a *article.Article) bool {
			for _, src := range a.Sources {
				if src.FeedTitle == "Reuters Europe" {
					return true
				}
			}
			return false
		})
		s.expectWhere(t, `author:"marie dupont"`, func(a *article.Article) bool { return has(a.Authors, "Marie Dupont") })
		s.expectWhere(t, "story:story-gas", func(a *article.Article) bool { return a.StoryID == "story-gas" })
		jan20 := time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)
		s.expectWhere(t, "published:<2026-01-20", func(a *article.Article) bool { return a.Published.Before(jan20) })
		s.expectWhere(t, "published:[2026-01-18 TO 2026-01-19]", func(a *article.Article) bool {
			return !a.Published.Before(jan20.AddDate(0, 0, -2)) && a.Published.Before(jan20)
		})
		// The Spanish analyser folds the accent of "Lachín".
		s.expect(t, "-lang:en Lachin", "es-peace-1", "fr-html-1", "fr-lachin-1", "und-short-1")
	})

	t.Run("TimeRange", func(t *testing.T) {
		from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(2026, 2, 6, 0, 0, 0, 0, time.UTC)
		got := s.all(t, index.Request{From: from, To: to})
		want := ids(corpus, func(a *article.Article) bool { return !a.Published.Before(from) && a.Published.Before(to) })
		sameIDs(t, "From/To", got, want)
	})

	t.Run("Facets", func(t *testing.T) {
		res := search(t, loaded, index.Request{Facets: true, Size: 1})
		wantLangs := map[string]int{}
		wantEnts := map[string]int{}
		wantTopics := map[string]int{}
		wantCountries := map[string]int{}
		wantSources := map[string]int{}
		names := map[string]string{}
		for _, a := range corpus {
			wantLangs[query.LangValue(a)]++
			for _, id := range a.EntityIDs() {
				wantEnts[id]++
			}
			for _, e := range a.Entities {
				names[e.ID] = e.Name
			}
			for _, tp := range a.Topics {
				wantTopics[tp]++
			}
			for _, c := range a.Countries() {
				wantCountries[c]++
			}
			for _, src := range query.SourceTitles(a) {
				wantSources[src]++
			}
		}
		checkFacet(t, res, "langs", wantLangs, nil)
		checkFacet(t, res, "entities", wantEnts, names)
		checkFacet(t, res, "topics", wantTopics, nil)
		checkFacet(t, res, "countries", wantCountries, nil)
		checkFacet(t, res, "sources", wantSources, nil)
	})

	t.Run("Histogram", func(t *testing.T) {
		for _, interval := range []string{"day", "week", "month", "hour"} {
			res := search(t, loaded, index.Request{Interval: interval, Size: 1})
			sum := 0
			for i, bk := range res.Histogram {
				sum += bk.Count
				if i > 0 && !bk.Start.After(res.Histogram[i-1].Start) {
					t.Fatalf("%s buckets out of order: %v then %v", interval, res.Histogram[i-1].Start, bk.Start)
				}
				if interval == "week" && bk.Start.Weekday() != time.Monday {
					t.Fatalf("week bucket starts on %v", bk.Start.Weekday())
				}
				want := 0
				for _, a := range corpus {
					if a.Published.UTC().Truncate(time.Hour).Equal(bk.Start) && interval == "hour" ||
						interval == "day" && sameDay(a.Published, bk.Start) {
						want++
					}
				}
				if (interval == "hour" || interval == "day") && bk.Count != want {
					t.Fatalf("%s bucket %v: count %d, want %d", interval, bk.Start, bk.Count, want)
				}
			}
			if sum != len(corpus) {
				t.Fatalf("%s histogram counts %d articles, want %d", interval, sum, len(corpus))
			}
		}
		res := search(t, loaded, index.Request{Interval: "day", Size: 1})
		first := res.Histogram[0].Start
		last := res.Histogram[len(res.Histogram)-1].Start
		if want := int(last.Sub(first).Hours()/24) + 1; len(res.Histogram) != want {
			t.Fatalf("day histogram has %d buckets, want %d (empty days included)", len(res.Histogram), want)
		}
	})

	t.Run("SortNewest", func(t *testing.T) {
		res := search(t, loaded, index.Request{Sort: index.SortNewest, Size: 100})
		if len(res.Hits) != len(corpus) {
			t.Fatalf("%d hits, want %d", len(res.Hits), len(corpus))
		}
		for i := 1; i < len(res.Hits); i++ {
			if res.Hits[i].Published.After(res.Hits[i-1].Published) {
				t.Fatalf("hit %d (%v) is newer than hit %d (%v)", i, res.Hits[i].Published, i-1, res.Hits[i-1].Published)
			}
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		for _, req := range []index.Request{
			{Size: 3},
			{Size: 4, Sort: index.SortNewest},
			{Size: 2, Query: "Armenia OR Azerbaijan OR Arménie OR Армения OR Лачинский"},
			{Size: 1, Query: "entity:Q227", Sort: index.SortNewest},
		} {
			got := s.all(t, req) // fails on repeats
			want := s.all(t, index.Request{Query: req.Query, Size: 100})
			sameIDs(t, fmt.Sprintf("pages of %d for %q sorted %q", req.Size, req.Query, req.Sort), got, want)
		}
	})

	t.Run("Collapse", func(t *testing.T) {
		stories := map[string]int{}
		for _, a := range corpus {
			if a.StoryID != "" {
				stories[a.StoryID]++
			}
		}
		for _, sortBy := range []string{index.SortRelevance, index.SortNewest} {
			for _, size := range []int{100, 2} {
				seen := map[string]bool{}
				n := 0
				req := index.Request{Collapse: true, Size: size, Sort: sortBy}
				for page := 0; ; page++ {
					if page > len(corpus) {
						t.Fatal("collapsed pagination does not end")
					}
					res := search(t, loaded, req)
					for _, h := range res.Hits {
						key := h.StoryID
						if key == "" {
							key = "article:" + h.ID
						}
						if seen[key] {
							t.Fatalf("size %d, sort %s: story %s shown twice", size, sortBy, key)
						}
						seen[key] = true
						n++
						if want := stories[h.StoryID] - 1; h.StoryID != "" && h.Copies != want {
							t.Fatalf("story %s: Copies %d, want %d", h.StoryID, h.Copies, want)
						}
					}
					if res.Next == "" {
						break
					}
					req.After = res.Next
				}
				want := len(stories)
				for _, a := range corpus {
					if a.StoryID == "" {
						want++
					}
				}
				if n != want {
					t.Fatalf("size %d, sort %s: %d collapsed hits, want %d (one per story)", size, sortBy, n, want)
				}
			}
		}
	})

	t.Run("Highlights", func(t *testing.T) {
		res := search(t, loaded, index.Request{Query: "Lachin lang:fr script"})
		if len(res.Hits) != 1 || res.Hits[0].ID != "fr-html-1" {
			t.Fatalf("hits = %+v, want fr-html-1", res.Hits)
		}
		all := strings.Join(append(res.Hits[0].Highlights["body"], res.Hits[0].Highlights["title"]...), " ")
		if !strings.Contains(all, "<mark>Lachin</mark>") || !strings.Contains(all, "&lt;<mark>script</mark>&gt;") {
			t.Fatalf("highlights = %q: want marked and escaped", all)
		}
		if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(all, "<mark>", ""), "</mark>", ""), "<") {
			t.Fatalf("highlights = %q: unescaped markup", all)
		}
	})

	t.Run("NoHighlight", func(t *testing.T) {
		req := index.Request{Query: "Lachin OR corridor", Sort: index.SortNewest, Size: 50}
		with := search(t, loaded, req)
		req.NoHighlight = true
		without := search(t, loaded, req)
		if len(with.Hits) == 0 || len(without.Hits) != len(with.Hits) || without.Total != with.Total {
			t.Fatalf("with highlights %d hits (total %d), without %d (total %d): want the same, more than none",
				len(with.Hits), with.Total, len(without.Hits), without.Total)
		}
		marked := 0
		for i, h := range without.Hits {
			if h.ID != with.Hits[i].ID {
				t.Fatalf("hit %d: %s without highlights, %s with", i, h.ID, with.Hits[i].ID)
			}
			if len(h.Highlights) != 0 {
				t.Errorf("hit %s: highlights %v, asked for none", h.ID, h.Highlights)
			}
			marked += len(with.Hits[i].Highlights)
		}
		if marked == 0 {
			t.Fatal("no hit had highlights when asked for them: the comparison shows nothing")
		}
	})

	t.Run("BadRequests", func(t *testing.T) {
		_, err := loaded.Search(ctx, index.Request{Query: `Lachin AND (corridor`})
		var qe *query.Error
		if !errors.As(err, &qe) || qe.Pos != 11 {
			t.Fatalf("unbalanced bracket: %v, want *query.Error at 11", err)
		}
		_, err = loaded.Search(ctx, index.Request{Query: "foo:bar"})
		if !errors.As(err, &qe) || qe.Pos != 0 {
			t.Fatalf("unknown field: %v, want *query.Error at 0", err)
		}
		if _, err = loaded.Search(ctx, index.Request{After: "not a cursor"}); !errors.Is(err, index.ErrBadRequest) {
			t.Fatalf("bad cursor: %v, want ErrBadRequest", err)
		}
		if _, err = loaded.Search(ctx, index.Request{Interval: "fortnight"}); !errors.Is(err, index.ErrBadRequest) {
			t.Fatalf("bad interval: %v, want ErrBadRequest", err)
		}
	})

	t.Run("AgreesWithMatcher", func(t *testing.T) {
		if opts.SkipMatcherAgreement {
			t.Skip("skipped by Options.SkipMatcherAgreement")
		}
		an, err := query.NewAnalysis(query.DefaultLanguages)
		if err != nil {
			t.Fatal(err)
		}
		informative := 0
		for _, src := range Queries(t) {
			n, err := query.Parse(src)
			if err != nil {
				t.Fatalf("corpus query %q: %v", src, err)
			}
			m, err := query.Compile(n, query.MatchOptions{Analysis: an})
			if err != nil {
				t.Fatalf("compiling %q: %v", src, err)
			}
			want := ids(corpus, m.Match)
			got := s.all(t, index.Request{Query: src, Size: 100})
			sameIDs(t, fmt.Sprintf("query %q (backend vs matcher)", src), got, want)
			if len(want) > 0 && len(want) < len(corpus) {
				informative++
			}
		}
		if informative < len(Queries(t))*2/3 {
			t.Fatalf("only %d queries select some but not all articles: the corpus no longer tests much", informative)
		}
	})
}

type suite struct {
	b      index.Backend
	corpus []*article.Article
}

func write(t *testing.T, b index.Backend, docs []*article.Article) {
	t.Helper()
	itemErrs, err := b.Write(context.Background(), docs)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for i, e := range itemErrs {
		if e != nil {
			t.Fatalf("Write %s: %v", docs[i].ID, e)
		}
	}
}

func search(t *testing.T, b index.Backend, req index.Request) *index.Result {
	t.Helper()
	res, err := b.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}

// all follows the cursor to the end and returns the IDs, failing on a repeat.
func (s *suite) all(t *testing.T, req index.Request) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page > len(s.corpus)+1 {
			t.Fatalf("%q: pagination does not end", req.Query)
		}
		res := search(t, s.b, req)
		for _, h := range res.Hits {
			if seen[h.ID] {
				t.Fatalf("%q: %s returned twice while paginating", req.Query, h.ID)
			}
			seen[h.ID] = true
			out = append(out, h.ID)
		}
		if res.Total < len(out) {
			t.Fatalf("%q: total %d but %d hits", req.Query, res.Total, len(out))
		}
		if res.Next == "" {
			return out
		}
		req.After = res.Next
	}
}

func (s *suite) expect(t *testing.T, q string, want ...string) {
	t.Helper()
	sameIDs(t, q, s.all(t, index.Request{Query: q, Size: 100}), want)
}

func (s *suite) expectWhere(t *testing.T, q string, keep func(*article.Article) bool) {
	t.Helper()
	want := ids(s.corpus, keep)
	if len(want) == 0 {
		t.Fatalf("%q: the corpus has no article for this test", q)
	}
	sameIDs(t, q, s.all(t, index.Request{Query: q, Size: 100}), want)
}

func ids(corpus []*article.Article, keep func(*article.Article) bool) []string {
	var out []string
	for _, a := range corpus {
		if keep(a) {
			out = append(out, a.ID)
		}
	}
	return out
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	g := append([]string(nil), got...)
	w := append([]string(nil), want...)
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, ",") != strings.Join(w, ",") {
		t.Fatalf("%s: got %v, want %v", what, g, w)
	}
}

func hasEntity(a *article.Article, id string) bool { return has(a.EntityIDs(), id) }

func has(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}

func checkFacet(t *testing.T, res *index.Result, name string, want map[string]int, labels map[string]string) {
	t.Helper()
	got := res.Facets[name]
	if len(got) != len(want) && len(got) < 20 {
		t.Fatalf("facet %s: %d values %v, want %d %v", name, len(got), got, len(want), want)
	}
	for i, c := range got {
		if want[c.Value] != c.Count {
			t.Fatalf("facet %s: %s counted %d, want %d", name, c.Value, c.Count, want[c.Value])
		}
		if labels != nil && c.Label != labels[c.Value] {
			t.Fatalf("facet %s: %s labelled %q, want %q", name, c.Value, c.Label, labels[c.Value])
		}
		if i > 0 && c.Count > got[i-1].Count {
			t.Fatalf("facet %s not in descending count order: %v", name, got)
		}
	}
}
