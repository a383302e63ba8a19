package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/httpapi"
)

// collected keeps what the poller publishes; the routes under test only add feeds.
type collected struct {
	mu   sync.Mutex
	arts []*article.Article
}

func (c *collected) Publish(ctx context.Context, arts []*article.Article) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arts = append(c.arts, arts...)
	return nil
}

func TestFeedAddingRoutes(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml", "/other.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</title><link>%s/a</link></item></channel></rss>`, "http://"+r.Host)
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><title>no feed here</title></head><body>hello</body></html>`)
		}
	}))
	defer site.Close()
	cfg := config.Default().Ingest
	cfg.OPML, cfg.AllowPrivate = nil, true
	poller, err := NewPoller(cfg, t.TempDir(), &collected{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer poller.Close()
	// The routes are mounted as the web server mounts them: behind its token.
	mux := http.NewServeMux()
	poller.Routes(mux)
	api := httptest.NewServer(httpapi.RequireToken("tok", mux))
	defer api.Close()

	opml := `<?xml version="1.0"?><opml version="2.0"><body><outline text="a" xmlUrl="` + site.URL + `/other.xml"/>` +
		`<outline text="b" xmlUrl="` + site.URL + `/feed.xml"/><outline text="c" xmlUrl="` + site.URL + `/page"/></body></opml>`
	tests := []struct {
		name, path, body string
		want             int
		wantBody         string
	}{
		{"not JSON", "/api/feeds", `{url:`, 400, "reading the body"},
		{"bad scheme", "/api/feeds", `{"url":"ftp://x.example/feed"}`, 400, "url:"},
		{"no feed at the address", "/api/feeds", `{"url":"` + site.URL + `/page"}`, 422, site.URL + "/page"},
		{"a feed", "/api/feeds", `{"url":"` + site.URL + `/feed.xml"}`, 201, `"url":"` + site.URL + `/feed.xml"`},
		{"the same again", "/api/feeds", `{"url":"` + site.URL + `/feed.xml"}`, 409, "already"},
		{"not OPML", "/api/feeds/opml", `<html>`, 400, "reading OPML"},
		{"OPML: one new, one listed, one not a feed", "/api/feeds/opml", opml, 200, `"added":1,"existing":1,"failed":[{"url":"` + site.URL + `/page"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", api.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body json.RawMessage
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.want || !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("status %d body %s; want %d containing %s", resp.StatusCode, body, tc.want, tc.wantBody)
			}
		})
	}
	t.Run("token required", func(t *testing.T) {
		resp, err := http.Post(api.URL+"/api/feeds", "application/json", strings.NewReader(`{"url":"`+site.URL+`/x.xml"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d without the token", resp.StatusCode)
		}
	})
}
