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
	// MinInterval and MaxInterval bound a feed's adaptive poll interval.
	MinInterval time.Duration `yaml:"min_interval"`
	MaxInterval time.Duration `yaml:"max_interval"`
	// Concurrency is the number of fetches in flight at once.
	Concurrency int `yaml:"concurrency"`
	// MaxBodyBytes bounds a feed body after decompression.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// AllowPrivate lets feeds resolve to loopback, private and link-local addresses.
	AllowPrivate bool `yaml:"allow_private"`
}

// FeedConfig is one feed.
type FeedConfig struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	Lang  string `yaml:"lang"`
	// FetchText fetches the linked page and extracts its text when the item has only a summary.
	FetchText bool `yaml:"fetch_text"`
}

func ingestDefaults() IngestConfig {
	return IngestConfig{
		OPML:         []string{"config/feeds/south-caucasus.opml"},
		UserAgent:    "wirewatch/1.0 (+https://github.com/wirewatch/wirewatch)",
		Timeout:      30 * time.Second,
		MinInterval:  2 * time.Minute,
		MaxInterval:  6 * time.Hour,
		Concurrency:  32,
		MaxBodyBytes: 16 << 20,
	}
}

func (c *IngestConfig) validate() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	for i, f := range c.Feeds {
		u, err := url.Parse(f.URL)
		switch {
		case f.URL == "":
			add(fmt.Sprintf("ingest.feeds[%d].url", i), "missing")
		case err != nil:
			add(fmt.Sprintf("ingest.feeds[%d].url", i), "%v", err)
		case u.Scheme != "http" && u.Scheme != "https":
			add(fmt.Sprintf("ingest.feeds[%d].url", i), "%q: scheme must be http or https", f.URL)
		case u.Host == "":
			add(fmt.Sprintf("ingest.feeds[%d].url", i), "%q: missing host", f.URL)
		}
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
	if c.MaxBodyBytes < 1024 {
		add("ingest.max_body_bytes", "must be at least 1024")
	}
	return errs
}
