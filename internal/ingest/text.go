package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/temoto/robotstxt"
	"golang.org/x/net/html/charset"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

// ErrRobotsDisallowed: the site's robots.txt forbids fetching the article page.
var ErrRobotsDisallowed = errors.New("disallowed by robots.txt")

// minTextRunes: an extraction shorter than this is a cookie wall or a teaser, not the
// article, and is not worth replacing the feed's summary with.
const minTextRunes = 200

// textFetcher fills in the full text of articles whose feed gives only a summary, for
// feeds with fetch_text: it fetches the linked page through the same fetcher (limits,
// per-host politeness, private-address guard), honours robots.txt, and extracts the main
// text with readability (Mozilla's algorithm).
type textFetcher struct {
	fetch         *fetcher
	log           *slog.Logger
	respectRobots bool
	agent         string // product token matched against robots.txt groups

	mu     sync.Mutex
	robots map[string]*robotsEntry // by scheme://host
}

type robotsEntry struct {
	data    *robotstxt.RobotsData
	expires time.Time
}

func newTextFetcher(f *fetcher, cfg config.IngestConfig, log *slog.Logger) *textFetcher {
	agent, _, _ := strings.Cut(cfg.UserAgent, "/")
	return &textFetcher{fetch: f, log: log, respectRobots: cfg.RespectRobots, agent: strings.TrimSpace(agent), robots: map[string]*robotsEntry{}}
}

// fill sets Text (and richer sanitised HTML) on the articles that lack it. A page that
// cannot be fetched or read leaves its article as the feed gave it.
func (t *textFetcher) fill(ctx context.Context, arts []*article.Article) {
	for _, a := range arts {
		if a.Text != "" || a.URL == "" || ctx.Err() != nil {
			continue
		}
		text, htmlOut, err := t.extract(ctx, a.URL)
		if err != nil {
			t.log.Debug("fetching article text", "feed_url", a.Source.FeedURL, "article_url", a.URL, "error", err)
			continue
		}
		a.Text = text
		if htmlOut != "" {
			a.HTML = htmlOut
		}
		if a.Summary == "" {
			a.Summary = truncateRunes(collapseSpace(text), maxSummaryRunes)
		}
	}
}

// extract fetches pageURL and returns its main text and sanitised HTML.
func (t *textFetcher) extract(ctx context.Context, pageURL string) (string, string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", "", fmt.Errorf("parsing article URL: %w", err)
	}
	if t.respectRobots && !t.allowed(ctx, u) {
		return "", "", fmt.Errorf("fetching %s: %w", pageURL, ErrRobotsDisallowed)
	}
	resp, err := t.fetch.get(ctx, pageURL, validators{}, "text/html, application/xhtml+xml;q=0.9")
	if err != nil {
		return "", "", err
	}
	typ, _ := mediaType(resp.ContentType)
	if typ != "" && typ != "text/html" && typ != "application/xhtml+xml" {
		return "", "", fmt.Errorf("fetching %s: not an HTML page (%s)", pageURL, typ)
	}
	// Pages declare their charset in HTTP or a <meta>; x/net/html/charset reads both.
	r, err := charset.NewReader(bytes.NewReader(resp.Body), resp.ContentType)
	if err != nil {
		return "", "", fmt.Errorf("decoding %s: %w", pageURL, err)
	}
	final, _ := url.Parse(resp.FinalURL)
	parser := readability.NewParser()
	page, err := parser.Parse(r, final)
	if err != nil {
		return "", "", fmt.Errorf("extracting text of %s: %w", pageURL, err)
	}
	if page.Node == nil {
		return "", "", fmt.Errorf("extracting text of %s: no article found", pageURL)
	}
	var htmlBuf, textBuf strings.Builder
	if err := page.RenderHTML(&htmlBuf); err != nil {
		return "", "", fmt.Errorf("rendering %s: %w", pageURL, err)
	}
	if err := page.RenderText(&textBuf); err != nil {
		return "", "", fmt.Errorf("rendering %s: %w", pageURL, err)
	}
	text := tidyLines(textBuf.String())
	if len([]rune(text)) < minTextRunes {
		return "", "", fmt.Errorf("extracting text of %s: only %d characters", pageURL, len([]rune(text)))
	}
	return text, sanitiseHTML(htmlBuf.String(), final), nil
}

// allowed consults the host's robots.txt, fetched at most once a day (an hour after a
// failure). Unreachable robots.txt (5xx, network) means no, as RFC 9309 says; 4xx yes.
func (t *textFetcher) allowed(ctx context.Context, u *url.URL) bool {
	origin := u.Scheme + "://" + u.Host
	t.mu.Lock()
	e := t.robots[origin]
	t.mu.Unlock()
	if e == nil || time.Now().After(e.expires) {
		e = &robotsEntry{expires: time.Now().Add(24 * time.Hour)}
		resp, err := t.fetch.get(ctx, origin+"/robots.txt", validators{}, "text/plain")
		var se *HTTPStatusError
		switch {
		case err == nil:
			e.data, err = robotstxt.FromBytes(resp.Body)
			if err != nil {
				e.data, _ = robotstxt.FromStatusAndBytes(200, nil) // unreadable rules: none apply
			}
		case errors.As(err, &se):
			e.data, _ = robotstxt.FromStatusAndBytes(se.StatusCode, nil)
			if e.data == nil {
				e.data, _ = robotstxt.FromStatusAndBytes(500, nil)
			}
		default:
			e.data, _ = robotstxt.FromStatusAndBytes(500, nil)
			e.expires = time.Now().Add(time.Hour)
		}
		t.mu.Lock()
		t.robots[origin] = e
		t.mu.Unlock()
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return e.data.TestAgent(path, t.agent)
}
