package config

import (
	"fmt"
	"net/url"
	"time"
)

// IngestConfig configures the feed pollers.
type IngestConfig struct {
	// Feeds listed inline. Feeds from OPML files are added to these.
	Feeds []FeedConfig `yaml:"feeds"`
	// OPML files with more feeds (outline elements with xmlUrl).
	OPML []string `yaml:"opml"`
	// UserAgent sent with every request.
	UserAgent string `yaml:"user_agent"`
	// Timeout bounds one whole fetch (connect, headers, body).
	Timeout time.Duration `yaml:"timeout"`
	// MinInterval is the floor of every feed's adaptive poll interval: no feed is polled
	// more often on schedule. A new feed starts there.
	MinInterval time.Duration `yaml:"min_interval"`
	// MaxInterval is the ceiling of the adaptive interval: every feed that answers is
	// polled at least this often, so it bounds how old a new item can be when it reaches
	// wirewatch (WebSub pushes and "poll now" are sooner). A feed's own min_interval may
	// ask for less, and a failing feed backs off up to its ceiling (longer only when the
	// server's Retry-After says so).
	MaxInterval time.Duration `yaml:"max_interval"`
	// Concurrency is the number of fetches in flight at once.
	Concurrency int `yaml:"concurrency"`
	// PerHostConcurrency bounds fetches in flight to one host, and PerHostDelay spaces
	// the start of two requests to the same host, so one site is never hammered.
	PerHostConcurrency int           `yaml:"per_host_concurrency"`
	PerHostDelay       time.Duration `yaml:"per_host_delay"`
	// MaxBodyBytes bounds a feed body after decompression.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxDecompressionRatio rejects a compressed body that inflates more than this many
	// times its transferred size (a gzip bomb), before MaxBodyBytes is even reached.
	MaxDecompressionRatio int `yaml:"max_decompression_ratio"`
	// MaxArticleBytes bounds an item's full text and its sanitised HTML, each; longer ones
	// are cut (at a word or tag boundary) and the article is marked truncated with its
	// original size. The whole text stays at the article's URL.
	MaxArticleBytes int `yaml:"max_article_bytes"`
	// MaxRedirects bounds a redirect chain.
	MaxRedirects int `yaml:"max_redirects"`
	// AllowPrivate lets feeds resolve to loopback, private and link-local addresses.
	AllowPrivate bool `yaml:"allow_private"`
	// StatePath is the feed-state database, relative to data_dir unless absolute.
	StatePath string `yaml:"state_path"`
	// SeenPerFeed bounds how many item IDs each feed remembers: the items its body carries
	// are always remembered, and as many again of those that left it (at least 10, at most
	// SeenPerFeed in all); past that the article index knows the feed published them.
	SeenPerFeed int `yaml:"seen_per_feed"`
	// SeenRetention is how long the cross-feed article record (which feeds carried an
	// article) is kept.
	SeenRetention time.Duration `yaml:"seen_retention"`
	// RespectRobots makes article-page fetches (fetch_text) obey robots.txt.
	RespectRobots bool `yaml:"respect_robots"`
	// WebSub subscribes to hubs that feeds advertise.
	WebSub WebSubConfig `yaml:"websub"`
}

// WebSubConfig configures push delivery from WebSub hubs.
type WebSubConfig struct {
	// CallbackURL is the public base URL at which the /websub/ handler is reachable
	// (e.g. https://wirewatch.example.org/websub/). Empty: no subscriptions, polling only.
	CallbackURL string `yaml:"callback_url"`
	// LeaseSeconds asked of the hub; leases are renewed before they run out.
	Lease time.Duration `yaml:"lease"`
}

// FeedConfig is one feed.
type FeedConfig struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	Lang  string `yaml:"lang"`
	// FetchText fetches the linked page and extracts its text when the item has only a summary.
	FetchText bool `yaml:"fetch_text"`
	// MinInterval and MaxInterval, when set, narrow this feed's poll interval within
	// ingest.min_interval and ingest.max_interval: max_interval for a feed that must be
	// fresher than the rest, min_interval for a site that asks to be polled less. A
	// min_interval above ingest.max_interval wins over it (the site's wish is explicit);
	// a max_interval below ingest.min_interval is an error.
	MinInterval time.Duration `yaml:"min_interval,omitempty" json:",omitempty"`
	MaxInterval time.Duration `yaml:"max_interval,omitempty" json:",omitempty"`
}

func ingestDefaults() IngestConfig {
	return IngestConfig{
		OPML:                  []string{"config/feeds/south-caucasus.opml"},
		UserAgent:             "wirewatch/1.0 (+https://github.com/wirewatch/wirewatch)",
		Timeout:               30 * time.Second,
		MinInterval:           2 * time.Minute,
		MaxInterval:           15 * time.Minute,
		Concurrency:           32,
		PerHostConcurrency:    2,
		PerHostDelay:          500 * time.Millisecond,
		MaxBodyBytes:          16 << 20,
		MaxDecompressionRatio: 100,
		MaxArticleBytes:       256 << 10,
		MaxRedirects:          5,
		StatePath:             "ingest.db",
		SeenPerFeed:           100,
		SeenRetention:         90 * 24 * time.Hour,
		RespectRobots:         true,
		WebSub:                WebSubConfig{Lease: 7 * 24 * time.Hour},
	}
}

func (c *IngestConfig) validate() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	for i, f := range c.Feeds {
		if msg := CheckFeedURL(f.URL); msg != "" {
			add(fmt.Sprintf("ingest.feeds[%d].url", i), "%s", msg)
		}
		errs = append(errs, c.CheckFeedIntervals(f, fmt.Sprintf("ingest.feeds[%d].", i))...)
	}
	if c.Timeout <= 0 {
		add("ingest.timeout", "must be positive")
	}
	if c.MinInterval <= 0 {
		add("ingest.min_interval", "must be positive")
	}
	if c.MaxInterval < c.MinInterval {
		add("ingest.max_interval", "%s is below ingest.min_interval %s", c.MaxInterval, c.MinInterval)
	}
	if c.Concurrency < 1 {
		add("ingest.concurrency", "must be at least 1")
	}
	if c.PerHostConcurrency < 1 {
		add("ingest.per_host_concurrency", "must be at least 1")
	}
	if c.PerHostDelay < 0 {
		add("ingest.per_host_delay", "must not be negative")
	}
	if c.MaxBodyBytes < 1024 {
		add("ingest.max_body_bytes", "must be at least 1024")
	}
	if c.MaxDecompressionRatio < 2 {
		add("ingest.max_decompression_ratio", "must be at least 2")
	}
	if c.MaxArticleBytes < 4096 {
		add("ingest.max_article_bytes", "must be at least 4096")
	}
	if c.MaxRedirects < 0 {
		add("ingest.max_redirects", "must not be negative")
	}
	if c.StatePath == "" {
		add("ingest.state_path", "must not be empty")
	}
	if c.SeenPerFeed < 10 {
		add("ingest.seen_per_feed", "must be at least 10")
	}
	if c.SeenRetention < 24*time.Hour {
		add("ingest.seen_retention", "must be at least 24h")
	}
	if c.WebSub.CallbackURL != "" {
		if msg := CheckFeedURL(c.WebSub.CallbackURL); msg != "" {
			add("ingest.websub.callback_url", "%s", msg)
		}
		if c.WebSub.Lease < time.Hour {
			add("ingest.websub.lease", "must be at least 1h")
		}
	}
	return errs
}

// CheckFeedIntervals returns what is wrong with f's own poll intervals against these
// global ones, as *FieldError naming prefix+"min_interval" or prefix+"max_interval".
func (c *IngestConfig) CheckFeedIntervals(f FeedConfig, prefix string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: prefix + key, Msg: fmt.Sprintf(format, args...)})
	}
	if f.MinInterval < 0 {
		add("min_interval", "must not be negative")
	}
	switch {
	case f.MaxInterval < 0:
		add("max_interval", "must not be negative")
	case f.MaxInterval == 0:
	case f.MaxInterval < c.MinInterval:
		add("max_interval", "%s is below ingest.min_interval %s, which no feed is polled more often than", f.MaxInterval, c.MinInterval)
	case f.MaxInterval < f.MinInterval:
		add("max_interval", "%s is below this feed's min_interval %s", f.MaxInterval, f.MinInterval)
	}
	return errs
}

// FeedBounds returns the shortest and longest poll interval of feed f: the global bounds
// narrowed by the feed's own, where a feed's min_interval above the global ceiling wins.
func (c *IngestConfig) FeedBounds(f FeedConfig) (lo, hi time.Duration) {
	lo, hi = c.MinInterval, c.MaxInterval
	if f.MaxInterval > 0 {
		hi = min(hi, f.MaxInterval)
	}
	lo = max(lo, f.MinInterval)
	return lo, max(hi, lo)
}

// CheckFeedURL returns why raw is not a usable feed URL, or "" when it is.
func CheckFeedURL(raw string) string {
	if raw == "" {
		return "missing"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return err.Error()
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q: scheme must be http or https", raw)
	case u.Host == "":
		return fmt.Sprintf("%q: missing host", raw)
	}
	return ""
}
