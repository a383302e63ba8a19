package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"wirewatch/internal/config"
)

// addSeeds adds every file matching pattern to the fuzz corpus.
func addSeeds(f *testing.F, pattern string, add func([]byte)) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files for %s: %v", pattern, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzParseFeed feeds arbitrary bytes and Content-Types to the parser and normaliser: no
// panic, and every article that comes out has an ID, a date and no script.
func FuzzParseFeed(f *testing.F) {
	addSeeds(f, "testdata/normalise/*[lnm]", func(b []byte) { f.Add(b, "") })
	f.Add([]byte("<rss><channel><item><title>&lol;</title></item></channel></rss>"), "text/xml; charset=koi8-r")
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1","content_html":"<script>x</script>"}]}`), "application/feed+json")
	f.Add([]byte(`<?xml version="1.0" encoding="x-unknown"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="javascript:x"/></entry></feed>`), "")
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := ParseFeed(body, contentType)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, a := range Normalise(feed, config.FeedConfig{}, "https://feeds.example/f", fetched) {
			if a.ID == "" || a.Published.IsZero() {
				t.Fatalf("article without ID or date: %+v", a)
			}
			if strings.Contains(strings.ToLower(a.HTML), "<script") {
				t.Fatalf("script survived: %q", a.HTML)
			}
			if a.URL != "" && !strings.HasPrefix(a.URL, "http") {
				t.Fatalf("non-http canonical URL %q", a.URL)
			}
		}
	})
}

// FuzzLoadOPML: no panic, and whatever loads survives a write and a reload unchanged.
func FuzzLoadOPML(f *testing.F) {
	addSeeds(f, "../../config/feeds/*.opml", func(b []byte) { f.Add(b) })
	addSeeds(f, "testdata/opml/*.opml", func(b []byte) { f.Add(b) })
	f.Add([]byte(`<opml version="2.0"><body><outline xmlUrl="ftp://x"/></body></opml>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		feeds, err := LoadOPML(bytes.NewReader(doc))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteOPML(&buf, feeds); err != nil {
			t.Fatalf("WriteOPML: %v", err)
		}
		again, err := LoadOPML(&buf)
		if err != nil {
			t.Fatalf("reloading written OPML: %v\n%s", err, buf.String())
		}
		if len(again) != len(feeds) {
			t.Fatalf("round trip: %d feeds became %d", len(feeds), len(again))
		}
		for i := range feeds {
			if feeds[i].URL != again[i].URL || feeds[i].Lang != again[i].Lang || feeds[i].FetchText != again[i].FetchText {
				t.Fatalf("round trip changed feed %d: %+v → %+v", i, feeds[i], again[i])
			}
		}
	})
}

// FuzzHTMLToText: no panic; valid UTF-8 in, valid UTF-8 out; no tag survives.
func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<script>x</script>y", "a < b", "<a href='>'>x</a>", "<!-- x", "<![CDATA[x", "&amp;&#x1F600;", "<SCRIPT/>z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlToText(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
	})
}

// FuzzDiscover: no panic on any page; every discovered URL is absolute http(s).
func FuzzDiscover(f *testing.F) {
	f.Add([]byte(`<html><head><base href="/x/"><link rel="alternate" type="application/rss+xml" href="feed"></head></html>`))
	f.Add([]byte(`<link rel="alternate feed" type="application/atom+xml" href="javascript:x">`))
	f.Fuzz(func(t *testing.T, page []byte) {
		urls, err := discoverInHTML(page, "https://site.example/page")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range urls {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Fatalf("discovered non-http URL %q", u)
			}
		}
	})
}

// FuzzXMLDeclIndex holds the hand scan of the XML declaration to the regular expression
// it replaced.
func FuzzXMLDeclIndex(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`,
		" \t\r\n\f<?xml version='1.0'?>\n<feed/>",
		"\v<?xml version='1.0'?>",
		`<?xml?>`, `<?xml>`, `<?xml ?`, `<?xml version="1.0" >?>`, `<?xml-stylesheet href="a"?>`,
		`<rss/>`, ``, `<?XML version="1.0"?>`, `<?xml a="?>"?>`,
	} {
		f.Add([]byte(s))
	}
	re := regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
	f.Fuzz(func(t *testing.T, b []byte) {
		want := -1
		if loc := re.FindIndex(b); loc != nil {
			want = loc[1]
		}
		if got := xmlDeclIndex(b); got != want {
			t.Errorf("xmlDeclIndex(%q) = %d, the regular expression ends at %d", b, got, want)
		}
	})
}

// FuzzXMLClean holds the word-at-a-time scan to the byte-by-byte one.
func FuzzXMLClean(f *testing.F) {
	for _, s := range []string{"plain ascii text, long enough", "tab\tnew\nline\rreturn....", "a\x00b", "\x1f", "\xef\xbf\xbe", "café ☕ ünïcödé text", "12345678\x0b", "1234567\xef"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for start := range min(len(b), 8) { // every alignment of the words
			if got, want := xmlClean(b[start:]), xmlCleanBytes(b[start:]); got != want {
				t.Errorf("xmlClean(%q) = %v, byte by byte %v", b[start:], got, want)
			}
		}
	})
}
