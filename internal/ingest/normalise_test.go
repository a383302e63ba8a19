package ingest

import (
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/normalise")

// TestNormaliseGolden normalises each feed in testdata/normalise and compares the articles
// with the .golden.json beside it. Run with -update after a deliberate change, and read
// the diff.
func TestNormaliseGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/normalise/*.[xj][ms][lo]*")
	if err != nil || len(inputs) < 4 {
		t.Fatalf("golden inputs: %v (%d found)", err, len(inputs))
	}
	fetched := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.json") {
			continue
		}
		t.Run(filepath.Base(in), func(t *testing.T) {
			body, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			feed, err := ParseFeed(body, "")
			if err != nil {
				t.Fatalf("ParseFeed: %v", err)
			}
			arts := Normalise(feed, config.FeedConfig{}, "https://feeds.example/"+filepath.Base(in), fetched)
			got, err := json.MarshalIndent(arts, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, filepath.Ext(in)) + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden file (run with -update to create it): %v", err)
			}
			if strings.TrimSpace(string(want)) != strings.TrimSpace(string(got)) {
				t.Errorf("normalised articles differ from %s:\n%s", golden, got)
			}
		})
	}
}

func TestCanonicalURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://Example.ORG:443/a?utm_source=x&b=2&a=1#frag", "https://example.org/a?a=1&b=2"},
		{"http://example.org:80", "http://example.org/"},
		{"http://example.org:8080/x", "http://example.org:8080/x"},
		{"https://news.example/story?fbclid=1&gclid=2&ns_mchannel=rss&xtor=RSS-1", "https://news.example/story"},
		{"https://user:pw@example.org/p", "https://example.org/p"},
		{"javascript:alert(1)", ""},
		{"/relative/only", ""},
		{"mailto:x@example.org", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := CanonicalURL(tc.in); got != tc.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "  Hello   world ", "Hello world"},
		{"entities", "Tom &amp; Jerry &lt;3 &eacute;t&eacute;", "Tom & Jerry <3 été"},
		{"paragraphs", "<p>One</p><p>Two<br>Three</p>", "One\n\nTwo\nThree"},
		{"script and style dropped", "<p>a</p><script>if (a < b) alert('x')</script><style>p{}</style><p>b</p>", "a\n\nb"},
		{"comment and cdata", "x<!-- hidden --> y <![CDATA[z]]>", "x y z"},
		{"quoted >", `<a title="a > b" href="/x">link</a> text`, "link text"},
		{"lone <", "3 < 4 and 5 > 2", "3 < 4 and 5 > 2"},
		{"unfinished tag", "text <a href=", "text"},
		{"upper-case script", "a<SCRIPT>evil()</SCRIPT>b", "ab"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlToText(tc.in); got != tc.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSanitiseHTMLDropsScriptsAndResolvesLinks(t *testing.T) {
	base := mustURL(t, "https://site.example/news/")
	in := `<p onclick="x()">Hi <a href="../about?a=1&amp;b=2">us</a> <img src="i.png" onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">js</a></p>`
	got := sanitiseHTML(in, base)
	for _, bad := range []string{"onclick", "onerror", "<script", "javascript:"} {
		if strings.Contains(got, bad) {
			t.Errorf("sanitised HTML keeps %q: %s", bad, got)
		}
	}
	for _, want := range []string{`href="https://site.example/about?a=1&amp;b=2"`, `src="https://site.example/news/i.png"`} {
		if !strings.Contains(got, want) {
			t.Errorf("sanitised HTML lacks %s: %s", want, got)
		}
	}
}

// TestStoredURLsAreWebURLs: an article's link, image and enclosures reach the analyst's
// browser, so only http(s) URLs are kept, whatever scheme the feed wrote.
func TestStoredURLsAreWebURLs(t *testing.T) {
	body := `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title><link>https://site.example/</link>
<item><title>A</title><link>https://site.example/a</link><description>x</description>
  <enclosure url="javascript:alert(1)" type="image/png" length="1"/>
  <enclosure url="data:image/png;base64,AAAA" type="image/png" length="1"/>
  <enclosure url="https://site.example/ok.mp3" type="audio/mpeg" length="10"/>
  <media:thumbnail url="javascript:alert(2)"/></item>
<item><title>B</title><link>javascript:alert(3)</link><guid isPermaLink="false">b-1</guid><description>y</description>
  <enclosure url="https://site.example/pic.jpg" type="image/jpeg" length="5"/></item>
</channel></rss>`
	feed, err := ParseFeed([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	arts := Normalise(feed, config.FeedConfig{}, "https://site.example/feed.xml", time.Now())
	if len(arts) != 2 {
		t.Fatalf("got %d articles, want 2", len(arts))
	}
	for _, a := range arts {
		urls := []string{a.URL, a.Image}
		for _, e := range a.Enclosures {
			urls = append(urls, e.URL)
		}
		for _, u := range urls {
			if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
				t.Errorf("article %q keeps %q", a.Title, u)
			}
		}
	}
	if len(arts[0].Enclosures) != 1 || arts[0].Image != "" {
		t.Errorf("first item: enclosures %+v, image %q; want only the mp3 and no image", arts[0].Enclosures, arts[0].Image)
	}
	if arts[1].Image != "https://site.example/pic.jpg" {
		t.Errorf("second item: image %q, want its jpeg enclosure", arts[1].Image)
	}
}

func TestCollapseSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "a\u2003b", "\u0085a", "é b ç", "a \xffb", "\xff", "a\u200bb"} {
		want := strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
		if got := collapseSpace(s); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// normaliseFresh, which a poll uses, gives every item's ID and, for the items it is told
// are fresh, the very articles Normalise gives; the others cost no article.
func TestNormaliseFreshSkipsSeenItems(t *testing.T) {
	inputs, err := filepath.Glob("testdata/normalise/*.[xj][ms][lo]*")
	if err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.json") {
			continue
		}
		body, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		feed, err := ParseFeed(body, "")
		if err != nil {
			t.Fatalf("%s: ParseFeed: %v", in, err)
		}
		feedURL := "https://feeds.example/" + filepath.Base(in)
		all := Normalise(feed, config.FeedConfig{}, feedURL, fetched)
		n := 0
		_, ids, fresh := normaliseFresh(feed, config.FeedConfig{}, feedURL, feedURL, fetched, func(string) bool {
			n++
			return n%2 == 1 // every other item counts as seen
		})
		if len(ids) != len(all) || n != len(all) {
			t.Fatalf("%s: %d IDs and %d questions for %d items", in, len(ids), n, len(all))
		}
		var want []*article.Article
		for i, a := range all {
			if ids[i] != a.ID {
				t.Errorf("%s: item %d has ID %s, Normalise says %s", in, i, ids[i], a.ID)
			}
			if i%2 == 0 {
				want = append(want, a)
			}
		}
		if !reflect.DeepEqual(fresh, want) {
			t.Errorf("%s: fresh articles differ from Normalise's", in)
		}
	}
}

// TestItemLinkParsedOnce: an item's canonical URL, from its link parsed once, is what
// resolving the link to a string and canonicalising that string gives.
func TestItemLinkParsedOnce(t *testing.T) {
	base, _ := url.Parse("https://News.Example:443/section/feed.xml?x=1")
	for _, ref := range []string{
		"/a/b?utm_source=rss&z=2&a=1#top",
		"rel/path/../x.html",
		"  https://EXAMPLE.org:80/%7Euser/caf%C3%A9?b=2&a=1  ",
		"http://example.org:80/p%2Fq?fbclid=1",
		"https://[2001:db8::1]:443/x",
		"//cdn.example.net/img.png",
		"https://user:pw@example.com/private?token=x&gclid=y",
		"https://example.com/ünïcödé path?q=a b",
		"https://example.com",
		"?only=query",
		"#frag",
		"javascript:alert(1)",
		"mailto:a@example.com",
		"https://example.com/a;b?c=%zz",
	} {
		want := CanonicalURL(resolve(base, ref))
		got := ""
		if u := resolveURL(base, ref); u != nil {
			got = canonicalURL(*u)
		}
		if got != want {
			t.Errorf("link %q: canonical %q from the parsed link, %q from its string", ref, got, want)
		}
	}
}
