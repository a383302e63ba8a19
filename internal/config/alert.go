package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"time"
)

// AlertConfig configures the alerting stage: how alerts are delivered and the saved
// searches declared in the file (more are added through the API and the CLI).
type AlertConfig struct {
	Enabled bool `yaml:"enabled"`
	// DeliveryTopic is the compacted topic that records, per alert and channel, whether
	// it was delivered, and holds alerts waiting for a digest. It survives restarts, so a
	// restarted stage neither resends a delivered channel nor loses a queued digest.
	DeliveryTopic string `yaml:"delivery_topic"`
	// PublicURL is the base URL of the web UI, used for links in e-mails and Atom feeds.
	PublicURL string `yaml:"public_url"`
	// MatchesKept is how many recent matches per search are kept in memory for the API,
	// the Atom feed and the event stream's replay.
	MatchesKept int `yaml:"matches_kept"`
	// AllowPrivate lets webhook and Slack channels post to loopback, private, link-local
	// and metadata addresses. Off, such URLs are refused when a search is saved and every
	// connection (redirects included) is checked on the address it resolved to, as
	// ingest.allow_private does for feeds. The SMTP server is the operator's choice
	// (alert.smtp.host) and is not checked.
	AllowPrivate bool            `yaml:"allow_private"`
	SMTP         SMTPConfig      `yaml:"smtp"`
	Webhook      WebhookConfig   `yaml:"webhook"`
	RateLimit    RateLimitConfig `yaml:"rate_limit"`
	Digest       DigestConfig    `yaml:"digest"`
	// Languages are the languages whose analysers the matcher uses for text terms; keep
	// them equal to process.languages so that alerts and search agree.
	Languages []string `yaml:"languages"`
	// Searches are checked by the alert stage (alert.ValidateConfig), which knows the
	// query language and the channel types.
	Searches []SearchConfig `yaml:"searches"`
}

// SMTPConfig is the mail server e-mail alerts go through. STARTTLS is used whenever the
// server offers it.
type SMTPConfig struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	From     string `yaml:"from"`
	// RequireTLS refuses to send (and to authenticate) over a connection without TLS.
	RequireTLS bool          `yaml:"require_tls"`
	Timeout    time.Duration `yaml:"timeout"`
}

// WebhookConfig is the retry policy of every outgoing HTTP delivery (webhook and Slack)
// and of e-mail.
type WebhookConfig struct {
	Timeout time.Duration `yaml:"timeout"`
	// MaxAttempts counts every attempt: the first few in line, the rest made by the
	// retrier after the delivery was parked.
	MaxAttempts int `yaml:"max_attempts"`
	// Backoff doubles after each failed attempt, up to MaxBackoff.
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
}

// RateLimitConfig turns floods into digests: once a search has sent Max immediate alerts
// within Window, further matches wait and go out together when the window ends.
type RateLimitConfig struct {
	Max    int           `yaml:"max"`
	Window time.Duration `yaml:"window"`
}

// DigestConfig says when digests are sent.
type DigestConfig struct {
	// HourlyMinute is the minute past each hour at which hourly digests go out.
	HourlyMinute int `yaml:"hourly_minute"`
	// DailyAt is the local time ("08:00") of the daily digest in TimeZone.
	DailyAt  string `yaml:"daily_at"`
	TimeZone string `yaml:"time_zone"`
	// Group is the Kafka consumer group through which the alert instances elect the one
	// that sends digests, so that several instances send each digest once.
	Group string `yaml:"group"`
}

// SearchConfig is a saved search declared in the configuration file. Its ID is derived
// from its name, so restarting with the same file updates rather than duplicates it.
type SearchConfig struct {
	Name     string          `yaml:"name"`
	Query    string          `yaml:"query"`
	Mode     string          `yaml:"mode"` // immediate (default), hourly, daily
	Channels []ChannelConfig `yaml:"channels"`
}

// ChannelConfig is one way a search's alerts are delivered.
type ChannelConfig struct {
	Type   string   `yaml:"type"`   // webhook, slack, email, atom, sse, kafka
	URL    string   `yaml:"url"`    // webhook, slack
	Secret string   `yaml:"secret"` // webhook: HMAC-SHA256 key of the signature header
	To     []string `yaml:"to"`     // email
}

func alertDefaults() AlertConfig {
	return AlertConfig{
		Enabled:       true,
		DeliveryTopic: "wirewatch.alerts.delivery",
		PublicURL:     "http://127.0.0.1:8080",
		MatchesKept:   200,
		SMTP:          SMTPConfig{Port: 587, From: "wirewatch@localhost", Timeout: 30 * time.Second},
		Webhook:       WebhookConfig{Timeout: 10 * time.Second, MaxAttempts: 8, Backoff: time.Second, MaxBackoff: 5 * time.Minute},
		RateLimit:     RateLimitConfig{Max: 20, Window: time.Hour},
		Digest:        DigestConfig{HourlyMinute: 0, DailyAt: "08:00", TimeZone: "UTC", Group: "wirewatch-alert-digests"},
	}
}

// DailyClock parses DailyAt ("08:00") into hours and minutes.
func (c DigestConfig) DailyClock() (hour, minute int, err error) {
	t, err := time.Parse("15:04", c.DailyAt)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day like 08:00", c.DailyAt)
	}
	return t.Hour(), t.Minute(), nil
}

func (c *AlertConfig) validate() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if !c.Enabled {
		return nil
	}
	if c.DeliveryTopic == "" {
		add("alert.delivery_topic", "must not be empty")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("alert.public_url", "%q is not an http(s) URL", c.PublicURL)
		}
	}
	if c.MatchesKept < 1 {
		add("alert.matches_kept", "must be at least 1")
	}
	if c.SMTP.Host != "" {
		if c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
			add("alert.smtp.port", "must be between 1 and 65535, not %d", c.SMTP.Port)
		}
		if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
			add("alert.smtp.from", "%q is not an e-mail address", c.SMTP.From)
		}
	}
	if c.SMTP.Timeout <= 0 {
		add("alert.smtp.timeout", "must be positive")
	}
	if c.Webhook.Timeout <= 0 {
		add("alert.webhook.timeout", "must be positive")
	}
	if c.Webhook.MaxAttempts < 1 {
		add("alert.webhook.max_attempts", "must be at least 1")
	}
	if c.Webhook.Backoff <= 0 {
		add("alert.webhook.backoff", "must be positive")
	}
	if c.Webhook.MaxBackoff < c.Webhook.Backoff {
		add("alert.webhook.max_backoff", "must be at least alert.webhook.backoff (%s)", c.Webhook.Backoff)
	}
	if c.RateLimit.Max < 1 {
		add("alert.rate_limit.max", "must be at least 1")
	}
	if c.RateLimit.Window <= 0 {
		add("alert.rate_limit.window", "must be positive")
	}
	if c.Digest.HourlyMinute < 0 || c.Digest.HourlyMinute > 59 {
		add("alert.digest.hourly_minute", "must be between 0 and 59, not %d", c.Digest.HourlyMinute)
	}
	if _, _, err := c.Digest.DailyClock(); err != nil {
		add("alert.digest.daily_at", "%v", err)
	}
	if c.Digest.Group == "" {
		add("alert.digest.group", "must not be empty")
	}
	if _, err := time.LoadLocation(c.Digest.TimeZone); err != nil {
		add("alert.digest.time_zone", "%q is not a known time zone", c.Digest.TimeZone)
	}
	for i, l := range c.Languages {
		if len(l) != 2 {
			add(fmt.Sprintf("alert.languages[%d]", i), "%q is not an ISO 639-1 code", l)
		}
	}
	return errs
}
