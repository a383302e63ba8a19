package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
)

// sanitiser is built once: bluemonday policies are safe for concurrent use after setup.
var sanitiser = bluemonday.UGCPolicy()

// maxSummaryRunes bounds a summary made from full content when the feed gives none.
const maxSummaryRunes = 600

// Size bounds of an item, beside ingest.max_article_bytes for its text and its HTML (see
// boundArticle).
const (
	maxTitleBytes   = 1 << 10
	maxSummaryBytes = 16 << 10
	maxListItems    = 100 // authors, categories and enclosures kept
	maxNameBytes    = 256 // an author or a category
)

// boundArticle cuts a to the size limits, so that a raw article (and its enriched form)
// fits in one Kafka message: the title at 1 KiB, the summary at 16 KiB, the text and the
// sanitised HTML at limit bytes each (ingest.max_article_bytes), text at a word boundary
// and HTML before a tag; authors and categories at 100 of 256 bytes each, enclosures at
// 100. A description too long for a summary is kept, cut, as the text when the item has
// no other. A cut article is marked Truncated, with OriginalBytes the size of its title,
// summary, text and HTML before; the whole item stays at its URL.
func boundArticle(a *article.Article, limit int) {
	orig := len(a.Title) + len(a.Summary) + len(a.Text) + len(a.HTML)
	if a.Text == "" && len(a.Summary) > maxSummaryBytes {
		a.Text = a.Summary
	}
	cut := false
	for _, f := range []struct {
		s *string
		n int
	}{{&a.Title, maxTitleBytes}, {&a.Summary, maxSummaryBytes}, {&a.Text, limit}} {
		if len(*f.s) > f.n {
			*f.s, cut = cutText(*f.s, f.n), true
		}
	}
	if len(a.HTML) > limit {
		a.HTML, cut = cutHTML(a.HTML, limit), true
	}
	for _, list := range []*[]string{&a.Authors, &a.Categories} {
		if len(*list) > maxListItems {
			*list, cut = (*list)[:maxListItems], true
		}
		for i, s := range *list {
			if len(s) > maxNameBytes {
				(*list)[i], cut = cutText(s, maxNameBytes), true
			}
		}
	}
	if len(a.Enclosures) > maxListItems {
		a.Enclosures, cut = a.Enclosures[:maxListItems], true
	}
	if cut {
		a.Truncated, a.OriginalBytes = true, orig
	}
}

// cutText returns s cut to at most n bytes, at the last space of its last tenth when there
// is one, else at a character boundary, with "…" at the end.
func cutText(s string, n int) string {
	const ellipsis = "…"
	n -= len(ellipsis)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	cut := s[:n]
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > n-n/10 {
		cut = cut[:i]
	}
	return cut + ellipsis
}

// cutHTML returns sanitised HTML cut to at most n bytes before a tag. The sanitiser
// escapes every "<" that does not open a tag, so the cut never splits a tag; elements
// left open are closed by the browser, and nothing unsafe can appear.
func cutHTML(s string, n int) string {
	i := strings.LastIndexByte(s[:n+1], '<')
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(s[:i])
}

// Normalise turns a parsed feed into articles, in feed order. feedURL is the feed's
// configured address (the Source.FeedURL, and the base for relative links when the feed
// names no site); fetched is the fetch time, also the published time of undated items.
func Normalise(feed *gofeed.Feed, fc config.FeedConfig, feedURL string, fetched time.Time) []*article.Article {
	return normalise(feed, fc, feedURL, feedURL, fetched)
}

// normalise is Normalise with the document's base URL (where it was really fetched from,
// or its Content-Location) apart from the feed's identity.
func normalise(feed *gofeed.Feed, fc config.FeedConfig, feedURL, docURL string, fetched time.Time) []*article.Article {
	_, _, arts := normaliseFresh(feed, fc, feedURL, docURL, fetched, func(string) bool { return true })
	return arts
}

// normaliseFresh is normalise for a poll: it returns the feed's source, the ID of every
// item, in feed order, and the articles of the items whose ID fresh accepts (asked once an
// item), in full. Sanitising and text
// extraction are most of normalising, and an item seen before needs neither: it costs
// its link and ID only, unless it has neither link nor GUID and so is known by content.
func normaliseFresh(feed *gofeed.Feed, fc config.FeedConfig, feedURL, docURL string, fetched time.Time, fresh func(id string) bool) (src article.Source, ids []string, arts []*article.Article) {
	base, _ := url.Parse(docURL)
	site := resolve(base, feed.Link)
	if siteURL, err := url.Parse(site); err == nil && site != "" {
		// Item links are relative to the site, as xml:base-less feeds mean them.
		base = siteURL
	}
	src = article.Source{FeedURL: feedURL, FeedTitle: fc.Title, SiteURL: site, Lang: langHint(fc.Lang, feed.Language)}
	if src.FeedTitle == "" {
		src.FeedTitle = collapseSpace(feed.Title)
	}
	ids = make([]string, 0, len(feed.Items))
	arts = make([]*article.Article, 0, len(feed.Items))
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		id := identify(it, base, src.FeedURL)
		known := id.id != ""
		if known && !fresh(id.id) {
			ids = append(ids, id.id) // an item seen before costs its ID only
			continue
		}
		a := id.article(src, fetched)
		fillItem(a, it, id.base, fetched)
		ids = append(ids, a.ID)
		if known || fresh(a.ID) {
			arts = append(arts, a)
		}
	}
	return src, ids, arts
}

func normaliseItem(it *gofeed.Item, base *url.URL, src article.Source, fetched time.Time) *article.Article {
	a, itemBase := itemIdentity(it, base, src, fetched)
	fillItem(a, it, itemBase, fetched)
	return a
}

// itemIdentity starts an item's article with what identifies it: its canonical URL, its
// GUID, and its ID unless it has neither (then fillItem derives one from its content). It
// returns the base for the item's relative links too.
func itemIdentity(it *gofeed.Item, base *url.URL, src article.Source, fetched time.Time) (*article.Article, *url.URL) {
	id := identify(it, base, src.FeedURL)
	return id.article(src, fetched), id.base
}

// identity is what identifies an item, before it becomes an article.
type identity struct {
	url, guid, id string
	base          *url.URL // for the item's relative links
}

func identify(it *gofeed.Item, base *url.URL, feedURL string) identity {
	link := it.Link
	if link == "" && len(it.Links) > 0 {
		link = it.Links[0]
	}
	// The link is parsed once: it is the base of the item's relative links and, made
	// canonical, its URL (resolving, reparsing and canonicalising each parsed it again).
	id := identity{base: base, guid: strings.TrimSpace(it.GUID)}
	if u := resolveURL(base, link); u != nil {
		id.base, id.url = u, canonicalURL(*u)
	}
	if id.url != "" || id.guid != "" {
		id.id = article.ID(id.url, feedURL, id.guid)
	}
	return id
}

func (id identity) article(src article.Source, fetched time.Time) *article.Article {
	return &article.Article{
		ID:      id.id,
		URL:     id.url,
		GUID:    id.guid,
		Fetched: fetched.UTC(),
		Source:  src,
		Sources: []article.Source{src},
	}
}

// fillItem completes an article itemIdentity started: text, sanitised HTML, dates, media.
func fillItem(a *article.Article, it *gofeed.Item, itemBase *url.URL, fetched time.Time) {
	a.Title = collapseSpace(htmlToText(it.Title))
	descText := ""
	if it.Description != "" {
		descText = htmlToText(it.Description)
	}
	var contentText, contentHTML string
	if it.Content != "" {
		contentHTML = it.Content
		contentText = htmlToText(it.Content)
	}
	a.Summary = descText
	if a.Summary == "" && contentText != "" {
		a.Summary = truncateRunes(collapseSpace(contentText), maxSummaryRunes)
	}
	// Full text: the content when it says more than the summary does.
	if contentText != "" && len(contentText) > len(descText) {
		a.Text = contentText
	}
	body := contentHTML
	if body == "" {
		body = it.Description
	}
	if body != "" {
		a.HTML = sanitiseHTML(body, itemBase)
	}
	a.Authors = authors(it)
	a.Categories = uniqueTrimmed(it.Categories)
	a.Enclosures = enclosures(it, itemBase)
	a.Image = image(it, itemBase, a.Enclosures, a.HTML)

	switch {
	case it.PublishedParsed != nil && !it.PublishedParsed.IsZero():
		a.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero():
		a.Published = it.UpdatedParsed.UTC()
	default:
		a.Published = a.Fetched
	}
	// A date in the future is a feed bug; the first-seen time is the better guess.
	if a.Published.After(fetched.Add(24 * time.Hour)) {
		a.Published = a.Fetched
	}
	if it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero() {
		a.Updated = it.UpdatedParsed.UTC()
	}
	if a.Title == "" {
		a.Title = truncateRunes(collapseSpace(a.Summary), 120)
	}
	if a.ID == "" {
		// Neither link nor GUID: the item is identified by what it says.
		sum := sha256.Sum256([]byte(a.Title + "\x00" + a.Summary + "\x00" + a.Published.Format(time.RFC3339)))
		a.ID = article.ID(a.URL, a.Source.FeedURL, "content:"+hex.EncodeToString(sum[:12]))
	}
}

func langHint(configured, declared string) string {
	l := configured
	if l == "" {
		l = declared
	}
	l = strings.ToLower(strings.TrimSpace(l))
	if p, _, ok := strings.Cut(l, "-"); ok {
		l = p
	}
	if p, _, ok := strings.Cut(l, "_"); ok {
		l = p
	}
	return l
}

func authors(it *gofeed.Item) []string {
	var names []string
	for _, p := range it.Authors {
		if p == nil {
			continue
		}
		n := p.Name
		if n == "" {
			n = p.Email
		}
		names = append(names, n)
	}
	if len(names) == 0 && it.DublinCoreExt != nil {
		names = append(names, it.DublinCoreExt.Creator...)
	}
	return uniqueTrimmed(names)
}

func uniqueTrimmed(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = collapseSpace(s)
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		out = append(out, s)
	}
	return out
}

func enclosures(it *gofeed.Item, base *url.URL) []article.Enclosure {
	var out []article.Enclosure
	seen := map[string]bool{}
	for _, e := range it.Enclosures {
		if e == nil || e.URL == "" {
			continue
		}
		u := resolve(base, e.URL)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		n, _ := strconv.ParseInt(strings.TrimSpace(e.Length), 10, 64)
		out = append(out, article.Enclosure{URL: u, Type: strings.TrimSpace(e.Type), Length: max(n, 0)})
	}
	return out
}

// image picks the item's picture: its own image, an image enclosure, Media RSS, or the
// first <img> of the (sanitised, absolutised) content, in that order.
func image(it *gofeed.Item, base *url.URL, encl []article.Enclosure, sanitised string) string {
	if it.Image != nil && it.Image.URL != "" {
		if u := resolve(base, it.Image.URL); u != "" {
			return u
		}
	}
	for _, e := range encl {
		if strings.HasPrefix(e.Type, "image/") || (e.Type == "" && isImagePath(e.URL)) {
			return e.URL
		}
	}
	if media, ok := it.Extensions["media"]; ok {
		for _, name := range []string{"thumbnail", "content", "group"} {
			for _, ext := range media[name] {
				if u := mediaURL(ext); u != "" {
					return resolve(base, u)
				}
			}
		}
	}
	if src := resolve(nil, firstImgSrc(sanitised)); src != "" {
		return src
	}
	return ""
}

// mediaURL reads a Media RSS element: its url attribute, or that of a child in a group.
func mediaURL(e ext.Extension) string {
	if u := e.Attrs["url"]; u != "" {
		if m := e.Attrs["medium"]; m == "" || m == "image" {
			if t := e.Attrs["type"]; t == "" || strings.HasPrefix(t, "image/") {
				return u
			}
		}
	}
	for _, name := range []string{"thumbnail", "content"} {
		for _, c := range e.Children[name] {
			if u := mediaURL(c); u != "" {
				return u
			}
		}
	}
	return ""
}

func isImagePath(u string) bool {
	switch strings.ToLower(path.Ext(strings.SplitN(u, "?", 2)[0])) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif":
		return true
	}
	return false
}

// CanonicalURL returns raw without the fragment and tracking parameters, with the scheme
// and host lower-cased, default ports dropped and the query sorted, so one story has one
// address. It returns "" for anything that is not an absolute http(s) URL.
func CanonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return canonicalURL(*u)
}

// canonicalURL is CanonicalURL of a parsed URL; it changes its copy only.
func canonicalURL(u url.URL) string {
	if u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	u.Host = strings.ToLower(u.Host)
	if h, p, ok := strings.Cut(u.Host, ":"); ok && !strings.Contains(u.Host, "]") {
		if (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
			u.Host = h
		}
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err == nil {
			for k := range q {
				if isTrackingParam(k) {
					delete(q, k)
				}
			}
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"yclid": true, "mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "_hsenc": true,
	"_hsmi": true, "igshid": true, "ref_src": true, "ocid": true, "xtor": true, "ito": true,
	"cmpid": true, "at_medium": true, "at_campaign": true, "at_source": true, "at_link": true,
	"wt_mc": true, "spm": true, "maca": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
}

func isTrackingParam(k string) bool {
	k = strings.ToLower(k)
	return strings.HasPrefix(k, "utm_") || strings.HasPrefix(k, "ns_") || strings.HasPrefix(k, "at_custom") || trackingParams[k]
}

// resolve makes ref absolute against base; "" when ref is empty, unusable or not an
// http(s) URL. What it returns is stored in articles and shown as a link or an image in a
// browser, where a javascript: or data: URL from a feed would run or embed what the feed
// wrote.
func resolve(base *url.URL, ref string) string {
	if r := resolveURL(base, ref); r != nil {
		return r.String()
	}
	return ""
}

// resolveURL is resolve without the last step, for a caller that reads the URL's parts:
// nil where resolve returns "".
func resolveURL(base *url.URL, ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	r, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if base != nil && !r.IsAbs() {
		r = base.ResolveReference(r)
	}
	if !r.IsAbs() || (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
		return nil
	}
	return r
}

// sanitiseHTML keeps only what bluemonday's UGC policy allows (no script, no event
// handlers, no javascript: URLs), then makes relative href/src absolute against base.
// Plain text is escaped rather than parsed.
func sanitiseHTML(s string, base *url.URL) string {
	if strings.IndexByte(s, '<') < 0 {
		return html.EscapeString(html.UnescapeString(strings.TrimSpace(s)))
	}
	return absolutiseSanitised(strings.TrimSpace(sanitiser.Sanitize(s)), base)
}

// blockTags end a line of text.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "tr": true,
	"table": true, "section": true, "article": true, "header": true, "footer": true, "figure": true,
	"figcaption": true, "hr": true, "dd": true, "dt": true, "dl": true,
}

// tidyLines collapses spaces within lines and keeps at most one blank line between
// paragraphs.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = collapseSpace(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// collapseSpace trims s and turns every run of white space in it into one space. Most
// titles and lines need nothing: they are returned as they are, without a copy.
func collapseSpace(s string) string {
	if collapsed(s) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// collapsed reports whether collapseSpace would return s unchanged: no white space at
// either end, and none inside but single ASCII spaces.
func collapsed(s string) bool {
	prevSpace := true // no space at the start
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
				continue
			case '\t', '\n', '\v', '\f', '\r':
				return false
			}
			prevSpace = false
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += size
		prevSpace = false
	}
	return !prevSpace || s == ""
}

func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
