package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/topic"
	"wirewatch/internal/web"
)

const namedTopics = `topics:
  - id: csto
    name: CSTO
    names: {en: Collective Security Treaty Organization, fr: OTSC, ru: ОДКБ}
    rule: entity:ww:csto
  - id: eu-mediation
    name: EU mediation and monitoring
    rule: entity:ww:euma
`

// TestSearchNamesTopics checks that search answers carry the topics' names from the topics
// file, in the reader's language when the file has it, so that the UI never shows an ID
// turned into words ("Csto", "Eu mediation"); and that a process without the enrichment
// stage serves the names on GET /api/topics.
func TestSearchNamesTopics(t *testing.T) {
	ts, err := topic.ParseNames("topics.yaml", []byte(namedTopics))
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := sample(0, "CSTO summit in Yerevan"), sample(1, "EU monitors at the border")
	a1.Topics, a2.Topics = []string{"csto"}, []string{"eu-mediation", "csto"}
	srv := newTopicServer(t, web.FixedTopics(ts), a1, a2)

	cases := []struct {
		name, acceptLanguage string
		want                 map[string]string
	}{
		{"no language", "", map[string]string{"csto": "CSTO", "eu-mediation": "EU mediation and monitoring"}},
		{"French", "fr-CH, fr;q=0.9, en;q=0.8", map[string]string{"csto": "OTSC", "eu-mediation": "EU mediation and monitoring"}},
		{"Russian", "ru", map[string]string{"csto": "ОДКБ", "eu-mediation": "EU mediation and monitoring"}},
		{"English", "en-GB", map[string]string{"csto": "Collective Security Treaty Organization", "eu-mediation": "EU mediation and monitoring"}},
		{"a language the file lacks", "de", map[string]string{"csto": "CSTO", "eu-mediation": "EU mediation and monitoring"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.acceptLanguage != "" {
				h = []string{"Accept-Language", tc.acceptLanguage}
			}
			resp, body := get(t, srv.URL+"/api/search?facets=1", h...)
			var res struct {
				Facets map[string][]struct{ Value, Label string }
			}
			if err := json.Unmarshal(body, &res); resp.StatusCode != 200 || err != nil {
				t.Fatalf("search: %d %s (%v)", resp.StatusCode, body, err)
			}
			got := map[string]string{}
			for _, c := range res.Facets["topics"] {
				got[c.Value] = c.Label
			}
			if len(got) != len(tc.want) {
				t.Fatalf("topic facets %v, want %v", got, tc.want)
			}
			for id, want := range tc.want {
				if got[id] != want {
					t.Errorf("topic %s labelled %q, want %q", id, got[id], want)
				}
			}
		})
	}

	resp, body := get(t, srv.URL+"/api/topics")
	var list struct {
		Topics []struct {
			ID, Name string
			Names    map[string]string
		}
	}
	if err := json.Unmarshal(body, &list); resp.StatusCode != 200 || err != nil {
		t.Fatalf("GET /api/topics: %d %s (%v)", resp.StatusCode, body, err)
	}
	if len(list.Topics) != 2 || list.Topics[0].ID != "csto" || list.Topics[0].Name != "CSTO" || list.Topics[0].Names["fr"] != "OTSC" ||
		list.Topics[1].Name != "EU mediation and monitoring" {
		t.Errorf("GET /api/topics = %+v", list.Topics)
	}
}

func newTopicServer(t *testing.T, topics web.FixedTopics, arts ...*article.Article) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	ws := web.New(web.Options{Logger: logger})
	s := web.NewSearch(openIndex(t, arts...), 10*time.Second, logger)
	s.NameTopicsWith(topics)
	s.Routes(ws)
	web.TopicRoutes(ws, topics)
	srv := httptest.NewServer(ws)
	t.Cleanup(srv.Close)
	return srv
}

// openIndex is a Bleve index on a temporary directory holding arts.
func openIndex(t *testing.T, arts ...*article.Article) *bleve.Backend {
	t.Helper()
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en", "fr"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	errs, err := b.Write(context.Background(), arts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		if e != nil {
			t.Fatal(e)
		}
	}
	return b
}
