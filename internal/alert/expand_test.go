package alert

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"wirewatch/internal/article"
	"wirewatch/internal/entity"
	"wirewatch/internal/expand"
)

// TestExpandedSearchAlertsAcrossScripts: a Russian article linked to the Lachin corridor,
// which never writes the Latin word, alerts a saved search for Lachin with expansion on
// (the default of a new search), and neither a search that turned it off nor one stored
// before the field existed.
func TestExpandedSearchAlertsAcrossScripts(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	st := startStage(t, c, testAlertConfig(), func(s *Stage) {
		s.ExpandWith(expand.New(func() (expand.Names, error) {
			r, err := entity.New(entity.Options{})
			if err != nil {
				return nil, err
			}
			return r.LoadUser(nil)
		}))
	})
	post := func(body string) SavedSearch {
		t.Helper()
		status, b := doJSON(t, "POST", st.api.URL+"/api/searches", body)
		if status != http.StatusCreated {
			t.Fatalf("creating the search: %d %s", status, b)
		}
		return decodeSearchJSON(t, b)
	}
	expanding := post(`{"name":"Lachin","query":"Lachin","channels":[{"type":"atom"}]}`)
	literal := post(`{"name":"Lachin as written","query":"Lachin","expand":false,"channels":[{"type":"atom"}]}`)
	if expanding.Expand == nil || !*expanding.Expand || literal.Expand == nil || *literal.Expand {
		t.Fatalf("expand = %v and %v, want true by default and false as asked", expanding.Expand, literal.Expand)
	}
	old := createSearch(t, st, SavedSearch{Name: "Lachin, stored before expansion", Query: "Lachin", Channels: []Channel{{Type: "atom"}}})
	if old.Expand != nil {
		t.Fatalf("a stored search without the field got expand = %v", *old.Expand)
	}

	u := "https://ria.example/news/lachin"
	ru := &article.Article{
		ID: article.ID(u, "", ""), URL: u, Lang: "ru", StoryID: "story-ru",
		Title:     "Движение по Лачинскому коридору возобновлено",
		Summary:   "Грузовики Красного Креста снова проходят по дороге.",
		Published: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Source:    article.Source{FeedURL: "https://ria.example/feed", FeedTitle: "ria.example"},
		Entities:  []article.Entity{{ID: "ww:lachin-corridor", Type: article.Place, Name: "Lachin corridor", Known: true}},
	}
	publish(t, c, ru)
	waitFor(t, 20*time.Second, "the Russian article to alert the expanding search", func() bool {
		feed := getAtom(t, st.api.URL+"/feeds/searches/"+expanding.ID+".atom")
		return len(feed.Entries) == 1 && feed.Entries[0].Title == ru.Title
	})
	waitFor(t, 10*time.Second, "the article to be matched", func() bool {
		return testutil.ToFloat64(st.metrics.articles) == 1
	})
	for _, s := range []SavedSearch{literal, old} {
		if feed := getAtom(t, st.api.URL+"/feeds/searches/"+s.ID+".atom"); len(feed.Entries) != 0 {
			t.Errorf("search %q alerted on a Russian article it does not name: %+v", s.Name, feed.Entries)
		}
	}
}
