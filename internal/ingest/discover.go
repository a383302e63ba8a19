package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// maxPageBytes bounds a page read for autodiscovery.
const maxPageBytes = 4 << 20

// Discover fetches the web page at pageURL and returns the feeds it advertises with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href="...">, as
// absolute URLs in page order. client should be one that refuses private addresses when
// the URL comes from a user.
func Discover(ctx context.Context, client *http.Client, pageURL string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return nil, fmt.Errorf("discovering feeds at %s: %w", pageURL, err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("discovering feeds at %s: %w", pageURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("discovering feeds at %s: %w", pageURL, &HTTPStatusError{URL: pageURL, StatusCode: resp.StatusCode})
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
	if err != nil {
		return nil, fmt.Errorf("discovering feeds at %s: reading page: %w", pageURL, err)
	}
	return discoverInHTML(body, resp.Request.URL.String())
}

var feedTypes = map[string]bool{
	"application/rss+xml": true, "application/atom+xml": true, "application/feed+json": true,
	"application/json": true, "application/rdf+xml": true, "application/x-rss+xml": true,
	"text/xml": true, "application/xml": true,
}

// discoverInHTML lists the feeds a page advertises, resolved against <base href> or
// pageURL.
func discoverInHTML(body []byte, pageURL string) ([]string, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("parsing page URL %q: %w", pageURL, err)
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []string
	seen := map[string]bool{}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out, nil
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		if tag == "body" {
			return out, nil // feeds are advertised in the head
		}
		if tag != "link" && tag != "base" {
			continue
		}
		attrs := map[string]string{}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			attrs[strings.ToLower(string(k))] = string(v)
		}
		if tag == "base" {
			if b, err := url.Parse(strings.TrimSpace(attrs["href"])); err == nil && attrs["href"] != "" {
				base = base.ResolveReference(b)
			}
			continue
		}
		rels := strings.Fields(strings.ToLower(attrs["rel"]))
		alternate := false
		for _, r := range rels {
			if r == "alternate" || r == "feed" {
				alternate = true
			}
		}
		typ, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(attrs["type"])), ";")
		if !alternate || !feedTypes[typ] || attrs["href"] == "" {
			continue
		}
		u := resolve(base, attrs["href"])
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
}
