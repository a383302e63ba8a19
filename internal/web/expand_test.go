package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/entity"
	"wirewatch/internal/expand"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/web"
)

// TestSearchExpandsNamesAcrossScripts searches a Bleve index of English, French and
// Russian articles linked to two entities: a name in one script finds the articles in
// every script, says which entities it was widened with, and expand=false turns it off.
func TestSearchExpandsNamesAcrossScripts(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en", "fr", "ru"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	corridor := article.Entity{ID: "ww:lachin-corridor", Type: "LOC", Name: "Lachin corridor", Known: true}
	lavrov := article.Entity{ID: "Q58217", Type: "PER", Name: "Sergey Lavrov", Known: true}
	arts := []*article.Article{
		linked(0, "en", "Traffic resumes on the Lachin corridor", corridor),
		linked(1, "fr", "Le corridor Lachin rouvert aux camions", corridor),
		linked(2, "ru", "Движение по Лачинскому коридору возобновлено", corridor),
		linked(3, "en", "Lavrov meets his counterpart in Baku", lavrov),
		linked(4, "fr", "M. Lavrov a déclaré que la mission restait possible", lavrov),
		linked(5, "ru", "Лавров заявил о готовности направить миссию", lavrov),
	}
	errs, err := b.Write(context.Background(), arts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		if e != nil {
			t.Fatal(e)
		}
	}
	x := expand.New(func() (expand.Names, error) {
		r, err := entity.New(entity.Options{})
		if err != nil {
			return nil, err
		}
		return r.LoadUser(nil)
	})
	ws := web.New(web.Options{Logger: logger})
	s := web.NewSearch(b, 10*time.Second, logger)
	s.ExpandWith(x)
	s.Routes(ws)
	srv := httptest.NewServer(ws)
	t.Cleanup(srv.Close)

	tests := []struct {
		name, q, expand string
		want            []string // titles' languages, sorted
		entity, alias   string   // an expansion the answer must list
	}{
		{"Latin name finds every script", "Lachin", "", []string{"en", "fr", "ru"}, "ww:lachin-corridor", "Лачинский коридор"},
		{"turned off", "Lachin", "false", []string{"en", "fr"}, "", ""},
		{"Cyrillic name finds every script", "Лавров", "", []string{"en", "fr", "ru"}, "Q58217", ""},
		{"Cyrillic, turned off", "Лавров", "false", []string{"ru"}, "", ""},
		{"explicitly on", "Lavrov", "true", []string{"en", "fr", "ru"}, "Q58217", "Сергей Лавров"},
		// Words typed without quotes that together name the corridor: each alone named
		// nothing or the town, so only articles with both words were found.
		{"a name typed as words, Cyrillic", "Лачинский коридор", "", []string{"en", "fr", "ru"}, "ww:lachin-corridor", ""},
		{"a name typed as words, Azerbaijani", "Laçın dəhlizi", "", []string{"en", "fr", "ru"}, "ww:lachin-corridor", "Лачинский коридор"},
		{"a name typed as words, Latin", "Sergey Lavrov", "", []string{"en", "fr", "ru"}, "Q58217", "Сергей Лавров"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{"q": {tc.q}}
			if tc.expand != "" {
				v.Set("expand", tc.expand)
			}
			resp, body := get(t, srv.URL+"/api/search?"+v.Encode())
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var res struct {
				Hits []struct {
					Lang string `json:"lang"`
				} `json:"hits"`
				Expanded []expand.Expansion `json:"expanded"`
			}
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatal(err)
			}
			var langs []string
			for _, h := range res.Hits {
				langs = append(langs, h.Lang)
			}
			slices.Sort(langs)
			if !slices.Equal(langs, tc.want) {
				t.Errorf("hits in %v, want %v", langs, tc.want)
			}
			if tc.entity == "" {
				if len(res.Expanded) > 0 {
					t.Errorf("expanded %+v with expand=false", res.Expanded)
				}
				return
			}
			i := slices.IndexFunc(res.Expanded, func(e expand.Expansion) bool { return e.Entity == tc.entity })
			if i < 0 {
				t.Fatalf("expanded %+v does not list %s", res.Expanded, tc.entity)
			}
			if e := res.Expanded[i]; e.Term != tc.q || e.Alias != tc.alias || e.Name == "" {
				t.Errorf("expansion %+v, want term %q, alias %q and a name", e, tc.q, tc.alias)
			}
		})
	}
}

func linked(i int, lang, title string, e article.Entity) *article.Article {
	a := sample(i, title)
	a.Lang, a.Summary = lang, title
	a.Entities = []article.Entity{e}
	return a
}
