package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRoutesServePagesAndAssetsWithCSP(t *testing.T) {
	mux := http.NewServeMux()
	Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cases := []struct {
		name, path, wantType, wantBody string
		wantStatus                     int
	}{
		{"root", "/", "text/html", `<script src="/ui/app.js" defer></script>`, 200},
		{"search with query", "/search?q=Lachin&f=lang:hy", "text/html", "<main id=\"main\"", 200},
		{"article", "/article/abc123", "text/html", "<main id=\"main\"", 200},
		{"entity", "/entity/Q1000", "text/html", "<main id=\"main\"", 200},
		{"topic", "/topic/lachin-corridor", "text/html", "<main id=\"main\"", 200},
		{"alerts", "/alerts", "text/html", "<main id=\"main\"", 200},
		{"feeds", "/feeds", "text/html", "<main id=\"main\"", 200},
		{"script", "/ui/app.js", "text/javascript", `"use strict";`, 200},
		{"style", "/ui/app.css", "text/css", ":root", 200},
		{"icon", "/ui/favicon.svg", "image/svg+xml", "<svg", 200},
		{"unknown asset", "/ui/nope.js", "text/plain", "404", 404},
		{"unknown page", "/nope", "text/plain", "404", 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.wantType) {
				t.Errorf("Content-Type %q, want %s", ct, c.wantType)
			}
			if !strings.Contains(string(body), c.wantBody) {
				t.Errorf("body lacks %q", c.wantBody)
			}
			if c.wantStatus == 200 {
				if got := resp.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
					t.Errorf("CSP %q", got)
				}
				if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("ETag") == "" {
					t.Errorf("headers %v", resp.Header)
				}
			}
		})
	}
}

// TestAssetsHaveNoInlineCode guards the CSP: an inline script, style or event handler would
// be blocked by the browser, and innerHTML would reopen the door the CSP closes.
func TestAssetsHaveNoInlineCode(t *testing.T) {
	page, _ := static.ReadFile("static/index.html")
	script, _ := static.ReadFile("static/app.js")
	for _, bad := range []string{"<style", " style=", " onclick=", " onerror=", " onload=", "<script>", "http://", "https://"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(string(script), bad) {
			t.Errorf("app.js contains %q", bad)
		}
	}
}

func TestETagRevalidates(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/ui/app.js", nil))
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest("GET", "/ui/app.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("status %d with matching ETag, want 304", rec.Code)
	}
}
