//go:build live

package e2e

import (
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// The corpus: feeds × items articles, released one item per feed every releaseStep once
// the feeds go live, newest first in each feed.
const (
	numFeeds     = 100
	itemsPerFeed = 50
	releaseStep  = 1200 * time.Millisecond // 50 items in 60 s
	// copiesPerStory feeds carry each copied story: items copyItemA and copyItemB of
	// feeds 5g..5g+4 are one story each (40 stories of five copies, released early and late).
	copiesPerStory = 5
	copyItemA      = 7
	copyItemB      = 37
	// plantItem of every feed is a story of its own that a saved search may match.
	plantItem = 20
)

// The words planted in stories for the saved searches: made-up, so nothing else matches.
const (
	wordEven = "quorvex"  // even copied stories and plantItem of even feeds
	wordOdd  = "zelmarit" // odd copied stories and plantItem of feeds divisible by 3
)

// langs are the languages of the feeds, feed f writing in langs[f%len(langs)]; the words
// come from the multilingual Lachin stories of internal/process/testdata.
var langs = []struct{ code, file string }{
	{"en", "lachin.en.txt"}, {"ru", "lachin.ru.txt"}, {"az", "lachin.az.txt"},
	{"hy", "lachin.hy.txt"},
}

// item is one generated article.
type item struct {
	feed, n   int
	story     string // "c<g>" for a copied story, else "u<feed>-<n>"
	title     string
	body      string
	link      string
	published time.Time
}

// corpus holds every item the feed server will ever serve.
type corpus struct {
	items [numFeeds][itemsPerFeed]item
}

// words reads the vocabulary of each language from the module's testdata.
func words(t *testing.T, root string) [][]string {
	t.Helper()
	out := make([][]string, len(langs))
	for i, l := range langs {
		b, err := os.ReadFile(filepath.Join(root, "internal", "process", "testdata", l.file))
		if err != nil {
			t.Fatalf("reading the %s vocabulary: %v", l.code, err)
		}
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(string(b), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
			w = strings.Trim(strings.ToLower(w), "-")
			if len([]rune(w)) >= 3 && !seen[w] {
				seen[w] = true
				out[i] = append(out[i], w)
			}
		}
		if len(out[i]) < 30 {
			t.Fatalf("%s has only %d distinct words", l.file, len(out[i]))
		}
	}
	return out
}

// sentences makes n sentences of random words of vocab: random enough that two texts'
// SimHash signatures are far apart, so only the planted copies form stories.
func sentences(r *rand.Rand, vocab []string, n int) string {
	var b strings.Builder
	for range n {
		k := 9 + r.IntN(6)
		for j := range k {
			w := vocab[r.IntN(len(vocab))]
			if j == 0 {
				rs := []rune(w)
				w = string(unicode.ToUpper(rs[0])) + string(rs[1:])
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

// newCorpus generates the items; base is the feed server's URL and now the time the first
// item is published.
func newCorpus(t *testing.T, root, base string, now time.Time) *corpus {
	t.Helper()
	vocab := words(t, root)
	c := &corpus{}
	copied := map[int]item{} // story g's text, shared by its copies
	for f := range numFeeds {
		for n := range itemsPerFeed {
			r := rand.New(rand.NewPCG(uint64(f), uint64(n)))
			it := item{
				feed: f, n: n,
				story:     fmt.Sprintf("u%d-%d", f, n),
				link:      fmt.Sprintf("%s/news/%d/%d.html", base, f, n),
				published: now.Add(time.Duration(n) * time.Minute),
			}
			lang := f % len(langs)
			if n == copyItemA || n == copyItemB {
				g := f / copiesPerStory
				if n == copyItemB {
					g += numFeeds / copiesPerStory
				}
				it.story = fmt.Sprintf("c%d", g)
				orig, ok := copied[g]
				if !ok {
					rg := rand.New(rand.NewPCG(uint64(g), 1<<32))
					orig.title = sentences(rg, vocab[lang], 1)
					orig.body = sentences(rg, vocab[lang], 6)
					if g%2 == 0 {
						orig.body += " " + wordEven + "."
					} else {
						orig.body += " " + wordOdd + "."
					}
					copied[g] = orig
				}
				// A copy: the same text under the outlet's own headline suffix.
				it.title = fmt.Sprintf("%s (feed %d)", orig.title, f)
				it.body = orig.body
			} else {
				it.title = sentences(r, vocab[lang], 1)
				it.body = sentences(r, vocab[lang], 6)
				if n == plantItem {
					if f%2 == 0 {
						it.body += " " + wordEven + "."
					}
					if f%3 == 0 {
						it.body += " " + wordOdd + "."
					}
				}
			}
			c.items[f][n] = it
		}
	}
	return c
}

// has reports whether the item's text contains word.
func (it item) has(word string) bool {
	return strings.Contains(it.title+" "+it.body, word)
}

// feedServer serves the corpus as RSS 2.0, releasing items over time, and records who
// fetched which feed when.
type feedServer struct {
	c *corpus

	mu       sync.Mutex
	live     time.Time // zero until the feeds go live
	inFlight [numFeeds]int
	overlaps [numFeeds]int // fetches that began while another fetch of the feed was running
	fetches  [numFeeds]map[string]int
	owners   [numFeeds][]string // the poller of each fetch, collapsed runs
	unknown  int                // requests from an unknown user agent
}

func newFeedServer(c *corpus) *feedServer {
	fs := &feedServer{c: c}
	for i := range fs.fetches {
		fs.fetches[i] = map[string]int{}
	}
	return fs
}

// goLive starts the release of items.
func (fs *feedServer) goLive(at time.Time) {
	fs.mu.Lock()
	fs.live = at
	fs.mu.Unlock()
}

// visible returns how many items of each feed are out at now.
func (fs *feedServer) visible(now time.Time) int {
	fs.mu.Lock()
	live := fs.live
	fs.mu.Unlock()
	if live.IsZero() || now.Before(live) {
		return 0
	}
	return min(itemsPerFeed, int(now.Sub(live)/releaseStep)+1)
}

// pollerPrefix starts the user agent of every poller; the rest names the poller.
const pollerPrefix = "wirewatch-e2e/"

func (fs *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// /feed/<f>.rss
	name, ok := strings.CutPrefix(r.URL.Path, "/feed/")
	name, ok2 := strings.CutSuffix(name, ".rss")
	f, err := strconv.Atoi(name)
	if !ok || !ok2 || err != nil || f < 0 || f >= numFeeds {
		http.NotFound(w, r)
		return
	}
	poller, isPoller := strings.CutPrefix(r.UserAgent(), pollerPrefix)
	fs.mu.Lock()
	if !isPoller {
		fs.unknown++
	}
	if fs.inFlight[f] > 0 {
		fs.overlaps[f]++
	}
	fs.inFlight[f]++
	fs.fetches[f][poller]++
	if o := fs.owners[f]; len(o) == 0 || o[len(o)-1] != poller {
		fs.owners[f] = append(o, poller)
	}
	fs.mu.Unlock()
	defer func() {
		fs.mu.Lock()
		fs.inFlight[f]--
		fs.mu.Unlock()
	}()
	// Hold the request a little, as a real server would, so overlapping fetches show.
	time.Sleep(20 * time.Millisecond)

	n := fs.visible(time.Now())
	etag := fmt.Sprintf(`"%d-%d"`, f, n)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>E2E feed %d</title><link>http://%s/</link><description>feed %d</description>
`, f, r.Host, f)
	for i := n - 1; i >= 0; i-- {
		it := fs.c.items[f][i]
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">e2e-%d-%d</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			esc(it.title), esc(it.link), f, i, it.published.UTC().Format(time.RFC1123Z), esc(it.body))
	}
	b.WriteString("</channel></rss>\n")
	_, _ = w.Write([]byte(b.String()))
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// pollStats is what the feed server saw of the pollers.
type pollStats struct {
	fetches, overlaps, unknown int
	// shared are the feeds more than one poller fetched, with the order of their pollers.
	shared map[int][]string
	// perPoller counts fetches by poller.
	perPoller map[string]int
}

func (fs *feedServer) stats() pollStats {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	st := pollStats{unknown: fs.unknown, shared: map[int][]string{}, perPoller: map[string]int{}}
	for f := range numFeeds {
		st.overlaps += fs.overlaps[f]
		for p, n := range fs.fetches[f] {
			st.fetches += n
			st.perPoller[p] += n
		}
		if len(fs.owners[f]) > 1 {
			st.shared[f] = append([]string(nil), fs.owners[f]...)
		}
	}
	return st
}
