package ingest

import (
	"bufio"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"

	"wirewatch/internal/config"
)

// corpusFiles lists every feed fixture of a ../shared/corpora/feeds suite.
func corpusFiles(t *testing.T, suite string) []string {
	t.Helper()
	root := sharedPath(t, filepath.Join("corpora", "feeds", suite))
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch filepath.Ext(path) {
		case ".xml", ".json", ".rss", ".atom", ".rdf":
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", root, err)
	}
	if len(files) < 50 {
		t.Fatalf("only %d fixtures under %s: corpus incomplete", len(files), root)
	}
	return files
}

// corpusHeaders reads a suite's INDEX.tsv: fixture path → simulated HTTP headers.
func corpusHeaders(t *testing.T, suite string) map[string]http.Header {
	t.Helper()
	f, err := os.Open(sharedPath(t, filepath.Join("corpora", "feeds", suite, "INDEX.tsv")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]http.Header{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header row
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			continue
		}
		h := http.Header{}
		if k, v, ok := strings.Cut(cols[1], ":"); ok {
			h.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
		out[cols[0]] = h
	}
	return out
}

// TestCorpusParsesOrRejectsClearly runs every fixture of the three suites through the
// parser and the normaliser: each is parsed, or rejected with a *ParseError; none panics.
func TestCorpusParsesOrRejectsClearly(t *testing.T) {
	total, parsed := 0, 0
	for _, suite := range []string{"feedparser", "gofeed", "feedvalidator"} {
		for _, path := range corpusFiles(t, suite) {
			total++
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			feed, err := ParseFeed(body, "")
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || err.Error() == "" {
					t.Errorf("%s: error %v is not a *ParseError", path, err)
				}
				continue
			}
			parsed++
			arts := Normalise(feed, config.FeedConfig{}, "https://feeds.example/x", time.Now())
			for i, a := range arts {
				if a.ID == "" || a.Published.IsZero() {
					t.Errorf("%s: item %d has no ID or no date: %+v", path, i, a)
				}
				if strings.Contains(strings.ToLower(a.HTML), "<script") {
					t.Errorf("%s: item %d HTML keeps a script", path, i)
				}
			}
		}
	}
	t.Logf("%d fixtures: %d parsed, %d rejected with a ParseError", total, parsed, total-parsed)
	if total < 500 {
		t.Errorf("only %d fixtures found, want the ~560 of the three suites", total)
	}
	// Most fixtures are well-formed feeds: a parser rejecting most of them is broken.
	if parsed < total*3/4 {
		t.Errorf("only %d of %d fixtures parsed", parsed, total)
	}
}

// TestCorpusServedWithHeaders serves every feedparser fixture over HTTP with the headers
// INDEX.tsv lists, fetches it with the real fetcher and parses it.
func TestCorpusServedWithHeaders(t *testing.T) {
	root := sharedPath(t, filepath.Join("corpora", "feeds", "feedparser"))
	headers := corpusHeaders(t, "feedparser")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel := strings.TrimPrefix(r.URL.Path, "/")
		for k, v := range headers[rel] {
			w.Header()[k] = v
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/octet-stream")
		}
		http.ServeFile(w, r, filepath.Join(root, filepath.FromSlash(rel)))
	}))
	defer srv.Close()
	f := newFetcher(testConfig())
	defer f.close()
	n, parsed := 0, 0
	for _, path := range corpusFiles(t, "feedparser") {
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		resp, err := f.get(t.Context(), srv.URL+"/"+rel, validators{}, acceptFeeds)
		if err != nil {
			t.Errorf("%s: fetching: %v", rel, err)
			continue
		}
		n++
		if _, err := ParseFeed(resp.Body, resp.ContentType); err == nil {
			parsed++
		}
	}
	t.Logf("%d feedparser fixtures served over HTTP, %d parsed", n, parsed)
}

// TestCorpusEncodings checks that titles in legacy and UTF-16/32 encodings come out as the
// right Unicode, whichever way the encoding is signalled.
func TestCorpusEncodings(t *testing.T) {
	cases := []struct {
		file, contentType string
		item              bool // check the first item's title, not the feed's
		want              string
	}{
		// No declaration anywhere: the detector must find the encoding.
		{"tests/illformed/chardet/koi8r.xml", "", true, "Как пережить новогоднюю ночь"},
		{"tests/illformed/chardet/eucjp.xml", "", true, "ゲーム三昧な正月"},
		{"tests/illformed/chardet/euckr.xml", "", true, "EUC-KR 에서 TypeKey 한글닉네임 표시하기"},
		{"tests/illformed/chardet/shiftjis.xml", "", true, "DrecomRSSに記事投稿が反映されない…"},
		// Declared in the XML declaration.
		{"tests/encoding/euc-kr.xml", "", false, "\ub144"},
		// Declared only by HTTP.
		{"tests/encoding/http_text_xml_charset_2.xml", "text/xml; charset=windows-1252", true, "Foo"},
	}
	root := sharedPath(t, filepath.Join("corpora", "feeds", "feedparser"))
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(root, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			feed, err := ParseFeed(body, tc.contentType)
			if err != nil {
				t.Fatalf("ParseFeed: %v", err)
			}
			got := feed.Title
			if tc.item {
				if len(feed.Items) == 0 {
					t.Fatalf("no items")
				}
				got = feed.Items[0].Title
			}
			if got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("windows-1252 description", func(t *testing.T) {
		body, err := os.ReadFile(filepath.Join(root, "tests/encoding/http_text_xml_charset_2.xml"))
		if err != nil {
			t.Fatal(err)
		}
		feed, err := ParseFeed(body, "text/xml; charset=windows-1252")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := feed.Items[0].Description, "This is a \u00a3\u201ctest.\u201d"; got != want {
			t.Errorf("description = %q, want %q", got, want)
		}
	})
}

// TestUnicodeEncodings re-encodes a feed with a Korean title into UTF-16 and UTF-32, with
// and without byte order mark, and checks the title survives each; the corpus's own UTF-16/32
// fixtures are empty feeds, which must at least parse.
func TestUnicodeEncodings(t *testing.T) {
	const title = "년 — Ереван"
	for _, f := range []string{"utf-16be.xml", "utf-16le.xml", "utf-16be-bom.xml", "utf-16le-bom.xml", "utf-16be-autodetect.xml",
		"utf-16le-autodetect.xml", "utf-32be.xml", "utf-32le.xml", "utf-32be-bom.xml", "utf-32le-bom.xml",
		"utf-32be-autodetect.xml", "utf-32le-autodetect.xml", "u16.xml", "utf16.xml", "utf_16.xml", "utf_32.xml"} {
		body, err := os.ReadFile(filepath.Join(sharedPath(t, "corpora/feeds/feedparser/tests/encoding"), f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseFeed(body, ""); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	cases := []struct {
		name  string
		enc   encoding.Encoding
		label string // in the XML declaration; "" for none
	}{
		{"utf-16le with BOM", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "utf-16"},
		{"utf-16be with BOM", unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16"},
		{"utf-16le declared", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"},
		{"utf-16be no BOM", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16"},
		{"utf-32le with BOM", utf32.UTF32(utf32.LittleEndian, utf32.UseBOM), "utf-32"},
		{"utf-32be no BOM", utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + tc.label + `"?><rss version="2.0"><channel><title>` + title + `</title></channel></rss>`
			body, err := tc.enc.NewEncoder().Bytes([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			feed, err := ParseFeed(body, "")
			if err != nil {
				t.Fatalf("ParseFeed: %v", err)
			}
			if feed.Title != title {
				t.Errorf("title = %q, want %q", feed.Title, title)
			}
		})
	}
}
