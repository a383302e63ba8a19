package ingest

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"wirewatch/internal/config"
)

func loadOPMLFile(t *testing.T, path string) []config.FeedConfig {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feeds, err := LoadOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	return feeds
}

func TestLoadOPMLNestedAndInherited(t *testing.T) {
	feeds := loadOPMLFile(t, "testdata/opml/nested.opml")
	want := []config.FeedConfig{
		{URL: "https://www.lemonde.fr/international/rss_full.xml", Title: "Le Monde", Lang: "fr"},
		{URL: "https://www.rfi.fr/fr/europe/rss", Title: "RFI Europe", Lang: "fr", FetchText: true},
	}
	if len(feeds) != len(want) {
		t.Fatalf("got %+v, want %+v", feeds, want)
	}
	for i := range want {
		if feeds[i] != want[i] {
			t.Errorf("feed %d = %+v, want %+v", i, feeds[i], want[i])
		}
	}
}

func TestLoadOPMLDefaultList(t *testing.T) {
	feeds := loadOPMLFile(t, "../../config/feeds/south-caucasus.opml")
	if len(feeds) != 59 {
		t.Errorf("default list has %d feeds, EVIDENCE.md lists 59", len(feeds))
	}
	langs := map[string]int{}
	for _, fc := range feeds {
		langs[fc.Lang]++
	}
	for _, l := range []string{"en", "fr", "ru", "hy", "az", "ka"} {
		if langs[l] == 0 {
			t.Errorf("no %s feed in the default list", l)
		}
	}
}

func TestLoadOPMLErrorsNamePosition(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"not xml", "hello", "line 1"},
		{"bad scheme", `<opml version="2.0"><body><outline text="a"/><outline xmlUrl="ftp://x.example/f"/></body></opml>`, "body.outline[1] xmlUrl"},
		{"truncated", `<opml version="2.0"><body><outline xmlUrl="https://x.example/f">`, "line 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadOPML(strings.NewReader(tc.doc))
			if !errors.Is(err, ErrOPML) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v: want ErrOPML mentioning %q", err, tc.want)
			}
		})
	}
}

func TestWriteOPMLRoundTrip(t *testing.T) {
	in := []config.FeedConfig{
		{URL: "https://a.example/feed?x=1&y=2", Title: "A & B <news>", Lang: "hy", FetchText: true},
		{URL: "https://b.example/rss"},
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := LoadOPML(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(out) != 2 || out[0] != in[0] || out[1].URL != in[1].URL || out[1].Title != in[1].URL {
		t.Errorf("round trip: %+v", out)
	}
}
