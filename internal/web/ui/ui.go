// Package ui is the analyst's browser interface: search with facets and a date histogram,
// article, entity and topic pages, saved searches with live alerts, and feed health. It is a
// set of static files (vanilla JS and CSS, embedded in the binary) that talk only to
// wirewatch's own JSON API, mounted on the web.Server by Routes. It imports only httpapi.
//
// Everything shown comes from feeds written by strangers, so the script builds the page
// from DOM nodes and text, never from HTML strings, and every page is served with a strict
// Content-Security-Policy that forbids inline scripts and styles and any other origin.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"wirewatch/internal/httpapi"
)

//go:embed static
var static embed.FS

// ContentSecurityPolicy is sent with every page and asset: only this origin's scripts,
// styles and API, images only from here or data: URLs, and no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// pagePatterns are the UI's addresses. Each serves the same shell page; the script reads the
// path and the query string, so a URL names the whole view and can be shared.
var pagePatterns = []string{
	"GET /{$}",
	"GET /search",
	"GET /article/{id}",
	"GET /entity/{id}",
	"GET /topic/{id}",
	"GET /alerts",
	"GET /feeds",
}

// Routes mounts the UI's pages and assets on r. The pages hold no data (that comes from
// /api/, which the server guards with its token), so they are served without one.
func Routes(r httpapi.Router) {
	h := Handler()
	for _, p := range pagePatterns {
		r.Handle(p, h)
	}
	r.Handle("GET /ui/", h)
}

// Handler serves the shell page for every UI path and the assets under /ui/.
func Handler() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	assets := map[string]asset{}
	_ = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		assets[p] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ctype}
		return nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "index.html"
		if rest, ok := strings.CutPrefix(r.URL.Path, "/ui/"); ok {
			name = rest
		}
		a, ok := assets[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Type", a.ctype)
		// Revalidate every time: the binary may have been replaced, and the ETag makes it cheap.
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
	})
}

type asset struct {
	body  []byte
	etag  string
	ctype string
}
