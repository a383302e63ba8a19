package ui_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// item is one entry of a test feed.
type item struct {
	GUID, Title, Link, Description string
	Published                      time.Time
}

// testFeed is an RSS 2.0 feed served by an httptest server; items can be added while the
// pipeline polls it.
type testFeed struct {
	srv   *httptest.Server
	title string
	mu    sync.Mutex
	items []item
}

func newTestFeed(t *testing.T, title string, items ...item) *testFeed {
	t.Helper()
	f := &testFeed{title: title, items: items}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *testFeed) URL() string { return f.srv.URL + "/feed.xml" }

func (f *testFeed) add(it item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append([]item{it}, f.items...)
}

func (f *testFeed) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/feed.xml" {
		// Article pages: the items carry their text, nothing is fetched from here.
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	items := append([]item(nil), f.items...)
	f.mu.Unlock()
	type rssItem struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		GUID        string `xml:"guid"`
		Description string `xml:"description"`
		PubDate     string `xml:"pubDate"`
	}
	var doc struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title string    `xml:"title"`
			Link  string    `xml:"link"`
			Items []rssItem `xml:"item"`
		} `xml:"channel"`
	}
	doc.Version = "2.0"
	doc.Channel.Title = f.title
	doc.Channel.Link = f.srv.URL + "/"
	for _, it := range items {
		link := it.Link
		if link == "" {
			link = f.srv.URL + "/news/" + it.GUID
		}
		doc.Channel.Items = append(doc.Channel.Items, rssItem{it.Title, link, it.GUID, it.Description, it.Published.Format(time.RFC1123Z)})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, xml.Header)
	if err := xml.NewEncoder(w).Encode(doc); err != nil {
		http.Error(w, err.Error(), 500)
	}
}

// waitHTTP polls url until it answers 200 or the deadline passes.
func waitHTTP(ctx context.Context, t *testing.T, url string, ok func(*http.Response) bool) {
	t.Helper()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			good := ok(resp)
			resp.Body.Close()
			if good {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", url, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
