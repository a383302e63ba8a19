package ingest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"wirewatch/internal/config"
)

// ErrOPML marks a document that is not a readable OPML feed list.
var ErrOPML = errors.New("not a valid OPML feed list")

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Body    []opmlEntry `xml:"body>outline"`
}

type opmlEntry struct {
	Text     string      `xml:"text,attr"`
	Title    string      `xml:"title,attr,omitempty"`
	Type     string      `xml:"type,attr,omitempty"`
	XMLURL   string      `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string      `xml:"htmlUrl,attr,omitempty"`
	Language string      `xml:"language,attr,omitempty"`
	FullText string      `xml:"wirewatchFetchText,attr,omitempty"`
	Children []opmlEntry `xml:"outline"`
}

// maxOPMLBytes bounds an OPML document; real lists of thousands of feeds are a few MB.
const maxOPMLBytes = 32 << 20

// LoadOPML reads the feeds (outline elements with an xmlUrl, at any depth) of an OPML
// document. A nested outline inherits its parent's language. Outlines whose xmlUrl is not
// an http(s) URL are an error naming their position; duplicates are dropped.
func LoadOPML(r io.Reader) ([]config.FeedConfig, error) {
	dec := xml.NewDecoder(io.LimitReader(r, maxOPMLBytes))
	dec.Strict = true
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, _ := lookupCharset(label)
		if enc == nil {
			return nil, fmt.Errorf("unknown encoding %q", label)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	var doc opmlDoc
	if err := dec.Decode(&doc); err != nil {
		line, _ := dec.InputPos()
		return nil, fmt.Errorf("%w: line %d: %w", ErrOPML, line, err)
	}
	var feeds []config.FeedConfig
	var errs []error
	seen := map[string]bool{}
	var visit func(list []opmlEntry, path string, lang string, depth int)
	visit = func(list []opmlEntry, path string, lang string, depth int) {
		if depth > 32 {
			errs = append(errs, fmt.Errorf("%w: %s: outlines nested more than 32 deep", ErrOPML, path))
			return
		}
		for i, e := range list {
			here := fmt.Sprintf("%s.outline[%d]", path, i)
			l := lang
			if e.Language != "" {
				l = e.Language
			}
			if u := strings.TrimSpace(e.XMLURL); u != "" {
				if msg := config.CheckFeedURL(u); msg != "" {
					errs = append(errs, fmt.Errorf("%w: %s xmlUrl: %s", ErrOPML, here, msg))
				} else if !seen[u] {
					seen[u] = true
					title := strings.TrimSpace(e.Title)
					if title == "" {
						title = strings.TrimSpace(e.Text)
					}
					feeds = append(feeds, config.FeedConfig{URL: u, Title: title, Lang: l, FetchText: e.FullText == "true"})
				}
			}
			visit(e.Children, here, l, depth+1)
		}
	}
	visit(doc.Body, "body", "", 0)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return feeds, nil
}

// WriteOPML writes feeds as an OPML 2.0 document that LoadOPML and other feed readers read.
func WriteOPML(w io.Writer, feeds []config.FeedConfig) error {
	doc := opmlDoc{Version: "2.0", Title: "wirewatch feeds"}
	for _, f := range feeds {
		e := opmlEntry{Text: f.Title, Title: f.Title, Type: "rss", XMLURL: f.URL, Language: f.Lang}
		if e.Text == "" {
			e.Text = f.URL
		}
		if f.FetchText {
			e.FullText = "true"
		}
		doc.Body = append(doc.Body, e)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	return nil
}
