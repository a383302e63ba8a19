package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/web"
)

func newServer(t *testing.T, token string, arts ...*article.Article) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en", "fr"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if len(arts) > 0 {
		errs, err := b.Write(context.Background(), arts)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			if e != nil {
				t.Fatal(e)
			}
		}
	}
	ws := web.New(web.Options{Token: token, Logger: logger})
	web.NewSearch(b, 10*time.Second, logger).Routes(ws)
	srv := httptest.NewServer(ws)
	t.Cleanup(srv.Close)
	return srv
}

func sample(i int, title string) *article.Article {
	u := "https://news.example/" + strings.ReplaceAll(title, " ", "-")
	return &article.Article{ID: article.ID(u, "", ""), URL: u, Title: title, Summary: title + " — report.", Lang: "en",
		Source:    article.Source{FeedTitle: "Example News", FeedURL: "https://news.example/rss"},
		Published: time.Date(2026, 11, 1+i, 8, 0, 0, 0, time.UTC)}
}

func get(t *testing.T, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestSearchAnswersAndBadRequestsSayWhere(t *testing.T) {
	srv := newServer(t, "", sample(0, "Lachin corridor blockade"), sample(1, "Baku talks resume"))
	tests := []struct {
		name   string
		params url.Values
		status int
		check  func(t *testing.T, body map[string]any)
	}{
		{"hit", url.Values{"q": {"Lachin"}}, 200, func(t *testing.T, b map[string]any) {
			if b["total"].(float64) != 1 {
				t.Errorf("total %v, want 1", b["total"])
			}
		}},
		{"everything", url.Values{"q": {""}, "sort": {"newest"}}, 200, func(t *testing.T, b map[string]any) {
			hits := b["hits"].([]any)
			if len(hits) != 2 || hits[0].(map[string]any)["title"] != "Baku talks resume" {
				t.Errorf("newest first: %v", hits)
			}
		}},
		{"unbalanced quote", url.Values{"q": {`lang:en "Lachin`}}, 400, func(t *testing.T, b map[string]any) {
			if b["column"].(float64) != 9 || b["position"].(float64) != 8 {
				t.Errorf("position %v column %v, want 8 and 9", b["position"], b["column"])
			}
		}},
		{"unknown field", url.Values{"q": {"colour:red"}}, 400, func(t *testing.T, b map[string]any) {
			if !strings.Contains(b["error"].(string), "colour") {
				t.Errorf("error %q does not name the field", b["error"])
			}
		}},
		{"bad size", url.Values{"q": {"x"}, "size": {"5000"}}, 400, func(t *testing.T, b map[string]any) {
			if !strings.HasPrefix(b["error"].(string), "size:") {
				t.Errorf("error %q does not name the parameter", b["error"])
			}
		}},
		{"hit without highlights", url.Values{"q": {"Lachin"}, "highlight": {"false"}}, 200, func(t *testing.T, b map[string]any) {
			hits := b["hits"].([]any)
			if len(hits) != 1 {
				t.Fatalf("hits %v, want 1", hits)
			}
			if h, ok := hits[0].(map[string]any)["highlights"]; ok {
				t.Errorf("highlights %v, asked for none", h)
			}
		}},
		{"hit with highlights", url.Values{"q": {"Lachin"}, "highlight": {"true"}}, 200, func(t *testing.T, b map[string]any) {
			if _, ok := b["hits"].([]any)[0].(map[string]any)["highlights"]; !ok {
				t.Error("no highlights, asked for them")
			}
		}},
		{"bad highlight", url.Values{"q": {"Lachin"}, "highlight": {"nope"}}, 400, func(t *testing.T, b map[string]any) {
			if !strings.HasPrefix(b["error"].(string), "highlight:") {
				t.Errorf("error %q does not name the parameter", b["error"])
			}
		}},
		{"ids only", url.Values{"q": {"Lachin OR Baku"}, "sort": {"newest"}, "fields": {"id"}}, 200, func(t *testing.T, b map[string]any) {
			if b["total"].(float64) != 2 {
				t.Errorf("total %v, want 2", b["total"])
			}
			hits := b["hits"].([]any)
			want := []string{sample(1, "Baku talks resume").ID, sample(0, "Lachin corridor blockade").ID}
			if len(hits) != len(want) {
				t.Fatalf("hits %v, want %d", hits, len(want))
			}
			for i, h := range hits {
				h := h.(map[string]any)
				if h["id"] != want[i] {
					t.Errorf("hit %d: id %v, want %s", i, h["id"], want[i])
				}
				if _, ok := h["score"]; !ok {
					t.Errorf("hit %d has no score: %v", i, h)
				}
				for k := range h {
					if k != "id" && k != "score" {
						t.Errorf("hit %d has %q, asked for ids only: %v", i, k, h)
					}
				}
			}
		}},
		{"ids only, collapsed", url.Values{"q": {"Lachin"}, "collapse": {"1"}, "fields": {"id"}}, 200, func(t *testing.T, b map[string]any) {
			hits := b["hits"].([]any)
			if len(hits) != 1 || hits[0].(map[string]any)["id"] != sample(0, "Lachin corridor blockade").ID {
				t.Errorf("hits %v, want the Lachin article's id", hits)
			}
		}},
		{"all fields", url.Values{"q": {"Lachin"}, "fields": {"all"}, "highlight": {"false"}}, 200, func(t *testing.T, b map[string]any) {
			if title := b["hits"].([]any)[0].(map[string]any)["title"]; title != "Lachin corridor blockade" {
				t.Errorf("title %v, want the article's", title)
			}
		}},
		{"bad fields", url.Values{"q": {"Lachin"}, "fields": {"title"}}, 400, func(t *testing.T, b map[string]any) {
			if !strings.HasPrefix(b["error"].(string), "fields:") {
				t.Errorf("error %q does not name the parameter", b["error"])
			}
		}},
		{"bad date", url.Values{"from": {"yesterday"}}, 400, nil},
		{"forged cursor", url.Values{"q": {"Lachin"}, "after": {"not-a-cursor"}}, 400, nil},
		{"bad sort", url.Values{"sort": {"random"}}, 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+"/api/search?"+tc.params.Encode())
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("answer is not JSON: %s", body)
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func TestArticleAndNotFound(t *testing.T) {
	a := sample(0, "Lachin corridor blockade")
	srv := newServer(t, "", a)
	resp, body := get(t, srv.URL+"/api/articles/"+a.ID)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Lachin corridor blockade") {
		t.Errorf("GET article: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, srv.URL+"/api/articles/nope")
	if resp.StatusCode != 404 {
		t.Errorf("unknown article: %d, want 404", resp.StatusCode)
	}
}

func TestExportCSVGuardsFormulasAndPagesThroughEverything(t *testing.T) {
	var arts []*article.Article
	for i := 0; i < 450; i++ {
		arts = append(arts, sample(i%28, "Lachin report "+strings.Repeat("x", i%7)+" "+string(rune('a'+i%26))+" "+time.Duration(i).String()))
	}
	arts = append(arts, sample(3, "=HYPERLINK(\"http://evil\") Lachin"))
	srv := newServer(t, "", arts...)
	resp, body := get(t, srv.URL+"/api/export?format=csv&q=Lachin")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+451 {
		t.Errorf("CSV has %d data rows, want all 451 (across several pages)", len(rows)-1)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[0]] {
			t.Errorf("article %s exported twice", r[0])
		}
		seen[r[0]] = true
		if strings.HasPrefix(r[4], "=") {
			t.Errorf("title cell %q would run as a formula", r[4])
		}
	}
	resp, _ = get(t, srv.URL+"/api/export?format=xlsx")
	if resp.StatusCode != 400 {
		t.Errorf("unknown format: %d, want 400", resp.StatusCode)
	}
	resp, body = get(t, srv.URL+"/api/export?format=ndjson&q=Lachin&limit=10")
	if n := strings.Count(string(body), "\n"); resp.StatusCode != 200 || n != 10 {
		t.Errorf("ndjson with limit 10: %d lines, status %d", n, resp.StatusCode)
	}
}

func TestTokenGuardsTheAPIButNotHealth(t *testing.T) {
	srv := newServer(t, "s3cret", sample(0, "Lachin"))
	if resp, _ := get(t, srv.URL+"/api/search?q=Lachin"); resp.StatusCode != 401 {
		t.Errorf("no token: %d, want 401", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/api/search?q=Lachin", "Authorization", "Bearer wrong"); resp.StatusCode != 401 {
		t.Errorf("wrong token: %d, want 401", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/api/search?q=Lachin", "Authorization", "Bearer s3cret"); resp.StatusCode != 200 {
		t.Errorf("right token: %d, want 200", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz with token set: %d, want 200 (probes carry no token)", resp.StatusCode)
	}
}

// While the parts still mount their routes (the knowledge base loading), a route that is
// not there yet is "starting", 503 with Retry-After, never a 404; health answers at once.
func TestStartingAnswers503UntilMounted(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	ws := web.New(web.Options{Logger: logger})
	ws.Starting()
	srv := httptest.NewServer(ws)
	t.Cleanup(srv.Close)

	resp, body := get(t, srv.URL+"/api/search?q=Lachin")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "starting") {
		t.Fatalf("before mounting: %d %q Retry-After=%q, want 503 starting with Retry-After", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if resp, body := get(t, srv.URL+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz while starting: %d %s", resp.StatusCode, body)
	}

	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	web.NewSearch(b, 10*time.Second, logger).Routes(ws)
	ws.Mounted()
	if resp, body := get(t, srv.URL+"/api/search?q=Lachin"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after mounting: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv.URL+"/api/nothing-here"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown route after mounting: %d, want 404", resp.StatusCode)
	}
}
