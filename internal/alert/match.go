package alert

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	json "github.com/goccy/go-json"

	"wirewatch/internal/article"
	"wirewatch/internal/expand"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// compiled is a saved search ready for the stream: its matcher and its keys in the
// candidate index (query.Matcher.Required: an article matching it has one of keys; when
// always is set, no such keys exist and the search is run on every article).
type compiled struct {
	s      SavedSearch
	m      *query.Matcher
	keys   []string
	always bool
	text   bool // m reads the title or body (query.Matcher.ReadsText)
	slot   int  // in the candidate index; -1 until indexed
}

// matcher evaluates the saved searches on articles. All searches share one Analysis, so
// an article is analysed once and then run through every candidate search.
type matcher struct {
	an  *query.Analysis
	set *searches
	exp queryExpander // nil: searches are matched as written
}

// queryExpander widens a query with the entities its words name (expand.Expander); the
// first search that expands may load the knowledge base.
type queryExpander interface {
	Query(n query.Node) (query.Node, []expand.Expansion, error)
}

func (mt *matcher) compile(s SavedSearch) (*compiled, error) {
	n, err := query.Parse(s.Query)
	if err != nil {
		return nil, fmt.Errorf("parsing query of search %s: %w", s.ID, err)
	}
	if mt.exp != nil && s.expands() {
		if n, _, err = mt.exp.Query(n); err != nil {
			return nil, fmt.Errorf("expanding query of search %s: %w", s.ID, err)
		}
	}
	m, err := query.Compile(n, query.MatchOptions{Analysis: mt.an})
	if err != nil {
		return nil, fmt.Errorf("compiling query of search %s: %w", s.ID, err)
	}
	keys, ok := m.Required()
	return &compiled{s: s, m: m, keys: keys, always: !ok, text: m.ReadsText(), slot: -1}, nil
}

// match returns the searches a matches, using the candidate index. They point into the
// compiled searches and are read only: an edit compiles a new one. When no search reads
// text (all are on entities, topics, languages, dates...), a's title and body are not
// analysed at all.
func (mt *matcher) match(a *article.Article) []*SavedSearch {
	var out []*SavedSearch
	mt.set.mu.RLock()
	defer mt.set.mu.RUnlock()
	var d *query.Doc
	if mt.set.index.textReaders > 0 {
		d = mt.an.Doc(a)
	} else {
		d = mt.an.DocKeywords(a)
	}
	mt.set.index.candidates(d, func(c *compiled) {
		if c.m.MatchDoc(d) {
			out = append(out, &c.s)
		}
	})
	d.Release() // the next article's Doc is made in its memory
	return out
}

// matchAll evaluates every search on a, without the candidate index. It is the baseline
// the benchmarks compare against, and the tests' check that the index loses nothing.
func (mt *matcher) matchAll(a *article.Article) []*SavedSearch {
	d := mt.an.Doc(a)
	var out []*SavedSearch
	mt.set.mu.RLock()
	defer mt.set.mu.RUnlock()
	for _, c := range mt.set.byID {
		if c.m.MatchDoc(d) {
			out = append(out, &c.s)
		}
	}
	d.Release()
	return out
}

// rateLimiter counts each search's immediate alerts in a sliding window.
type rateLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	sent   map[string][]time.Time
}

// allow reports whether search may send one more immediate alert at now, and counts it
// when it may.
func (rl *rateLimiter) allow(search string, now time.Time) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	ts := rl.sent[search]
	cut := 0
	for cut < len(ts) && now.Sub(ts[cut]) >= rl.window {
		cut++
	}
	ts = ts[cut:]
	if len(ts) >= rl.max {
		rl.sent[search] = ts
		return false
	}
	rl.sent[search] = append(ts, now)
	return true
}

// newAlert builds the alert of search s on article a, which alerts say art of
// (alertArticle).
func newAlert(s SavedSearch, a *article.Article, art AlertArticle, now time.Time) Alert {
	story := a.StoryID
	if story == "" {
		// An article not (yet) grouped into a story is its own story.
		story = a.ID
	}
	return Alert{
		ID:         AlertID(s.ID, story),
		SearchID:   s.ID,
		SearchName: s.Name,
		StoryID:    story,
		Signature:  a.Signature,
		MatchedAt:  now.UTC(),
		Digest:     s.Mode != ModeImmediate,
		Article:    art,
	}
}

// alertArticle is what every alert on a says of it.
func alertArticle(a *article.Article) AlertArticle {
	art := AlertArticle{
		ID:        a.ID,
		Title:     a.Title,
		URL:       a.URL,
		Source:    a.Source.FeedTitle,
		Lang:      a.Lang,
		Published: a.Published,
		Topics:    a.Topics,
	}
	if art.Source == "" {
		art.Source = a.Source.FeedURL
	}
	for _, e := range a.Entities {
		art.Entities = append(art.Entities, index.EntityRef{ID: e.ID, Type: e.Type, Name: e.Name})
	}
	return art
}

// alertRecord is an alert as the alerts topic holds it (the JSON of Alert), with its
// article encoded once for all the alerts the article raises.
type alertRecord struct {
	Alert
	Article json.RawMessage `json:"article"` // hides Alert.Article
}

// encodeAlertRecord returns the JSON of alertRecord{al, artJSON}, artJSON being the
// json.Marshal of al's article. The article is the record's last field (alertRecord's own,
// after Alert's): it is spliced in after the rest is encoded, instead of being checked and
// copied by json.Marshal once per alert.
func encodeAlertRecord(al Alert, artJSON json.RawMessage) ([]byte, error) {
	head, err := json.Marshal(alertRecord{Alert: al, Article: nullJSON})
	if err != nil {
		return nil, err
	}
	head = bytes.TrimSuffix(head, []byte("null}"))
	v := make([]byte, 0, len(head)+len(artJSON)+1)
	return append(append(append(v, head...), artJSON...), '}'), nil
}

var nullJSON = json.RawMessage("null")
