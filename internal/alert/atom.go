package alert

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// Atom (RFC 4287) elements of a saved search's feed.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     string         `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published,omitempty"`
	Links     []atomLink     `xml:"link"`
	Summary   string         `xml:"summary,omitempty"`
	Category  []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// renderAtom renders the matches (newest first) of ss. Entry IDs are tag URIs built from
// the alert ID, so a reader never shows one alert twice.
func renderAtom(ss SavedSearch, matches []Alert, publicURL string) ([]byte, error) {
	base := strings.TrimRight(publicURL, "/")
	updated := ss.Updated
	if len(matches) > 0 && matches[0].MatchedAt.After(updated) {
		updated = matches[0].MatchedAt
	}
	f := atomFeed{
		ID:      "tag:wirewatch,2026:search:" + ss.ID,
		Title:   "wirewatch: " + ss.Name,
		Updated: updated.UTC().Format(time.RFC3339),
		Author:  atomPerson{Name: "wirewatch"},
	}
	if base != "" {
		f.Links = append(f.Links, atomLink{Rel: "self", Href: base + "/feeds/searches/" + ss.ID + ".atom"})
	}
	for _, a := range matches {
		e := atomEntry{
			ID:      "tag:wirewatch,2026:alert:" + a.ID,
			Title:   a.Article.Title,
			Updated: a.MatchedAt.UTC().Format(time.RFC3339),
			Summary: fmt.Sprintf("%s (%s)", a.Article.Source, a.Article.Lang),
		}
		if !a.Article.Published.IsZero() {
			e.Published = a.Article.Published.UTC().Format(time.RFC3339)
		}
		if a.Article.URL != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Href: a.Article.URL})
		}
		for _, t := range a.Article.Topics {
			e.Category = append(e.Category, atomCategory{Term: t})
		}
		for _, en := range a.Article.Entities {
			e.Category = append(e.Category, atomCategory{Term: en.ID, Label: en.Name})
		}
		f.Entries = append(f.Entries, e)
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("rendering Atom feed of search %s: %w", ss.ID, err)
	}
	return append([]byte(xml.Header), b...), nil
}
