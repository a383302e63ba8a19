package alert

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/httpapi"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// Search modes.
const (
	ModeImmediate = "immediate"
	ModeHourly    = "hourly"
	ModeDaily     = "daily"
)

// SavedSearch is an analyst's standing query and where its matches go.
type SavedSearch struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Query    string    `json:"query"`
	Mode     string    `json:"mode"`
	Channels []Channel `json:"channels"`
	// Expand widens the query's free-text words that name a known entity with that
	// entity, in every language and script (package expand). New searches, from the API
	// or the configuration file, have it on unless the API says false; a search stored
	// before the field existed has none and keeps its literal meaning until it is saved
	// again.
	Expand *bool `json:"expand,omitempty"`
	// Origin is "config" for searches declared in the configuration file, which are
	// rewritten from the file at each start; "" for searches made through the API.
	Origin  string    `json:"origin,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Channel is one way a search's alerts are delivered (the types are in channelKinds):
// config.ChannelConfig with the API's JSON names. A declared channel is converted into a
// Channel, so a field added to one alone is a compile error rather than a value silently
// dropped between the file and the API.
type Channel struct {
	Type   string   `json:"type"`
	URL    string   `json:"url,omitempty"`
	Secret string   `json:"secret,omitempty"`
	To     []string `json:"to,omitempty"`
}

// Key names the channel in delivery records: its type and a hash of its target, so that
// editing a search's other channels does not make a delivered one look undelivered.
func (c Channel) Key() string {
	target := c.URL + "\x00" + strings.Join(c.To, ",")
	sum := sha256.Sum256([]byte(target))
	return c.Type + ":" + hex.EncodeToString(sum[:6])
}

// pushed reports whether the delivery worker sends to this channel (see channelKinds).
func (c Channel) pushed() bool {
	kind, ok := channelKindOf(c.Type)
	return ok && kind.send != nil
}

// InvalidError is a saved search that cannot be accepted. Field names the offending key
// ("query", "channels[1].url"); for a query that does not parse, Query holds the parser's
// error with its position.
type InvalidError struct {
	Field string
	Msg   string
	Query *query.Error
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Msg }

// FieldName is the key at fault; the API's error body names it as "field".
func (e *InvalidError) FieldName() string { return e.Field }

// Unwrap returns the parser's error of a query that does not parse, so the API's error
// body can say where the mistake is.
func (e *InvalidError) Unwrap() error {
	if e.Query == nil {
		return nil
	}
	return e.Query
}

// ErrNotFound is returned for an unknown search ID.
var ErrNotFound = errors.New("saved search not found")

// Bounds of a saved search: it is one record on the searches topic, held in memory by
// every instance and matched against every article, so each part has a limit.
const (
	MaxNameLen     = 200  // characters
	MaxQueryBytes  = 4096 // bytes
	MaxChannels    = 20
	MaxURLBytes    = 2048
	MaxSecretBytes = 256
	MaxRecipients  = 50
)

// normalise fills defaults and checks s with the same rules as searches declared in the
// configuration file; the error is the first mistake. rules carry alert.allow_private
// (without it a webhook or Slack URL on a private address is refused) and whether a mail
// server is configured (without one an e-mail channel is refused).
func normalise(s *SavedSearch, rules checkRules) error {
	s.Name = strings.TrimSpace(s.Name)
	s.Query = strings.TrimSpace(s.Query)
	if s.Mode == "" {
		s.Mode = ModeImmediate
	}
	if s.Channels == nil {
		s.Channels = []Channel{}
	}
	if errs := validate(*s, rules); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// validate returns every mistake in s, each keyed relative to the search ("query",
// "channels[1].url"), so that a search means the same wherever it was declared.
func validate(s SavedSearch, rules checkRules) []*InvalidError {
	var errs []*InvalidError
	bad := func(key, format string, args ...any) {
		errs = append(errs, &InvalidError{Field: key, Msg: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(s.Name) == "" {
		bad("name", "must not be empty")
	} else if msg := checkText(s.Name, MaxNameLen); msg != "" {
		bad("name", "%s", msg)
	}
	switch {
	case strings.TrimSpace(s.Query) == "":
		bad("query", "must not be empty")
	case len(s.Query) > MaxQueryBytes:
		bad("query", "is %d bytes long; at most %d", len(s.Query), MaxQueryBytes)
	case !utf8.ValidString(s.Query) || strings.ContainsRune(s.Query, utf8.RuneError):
		bad("query", "is not valid UTF-8")
	default:
		if _, err := query.Parse(s.Query); err != nil {
			inv := &InvalidError{Field: "query", Msg: err.Error()}
			if errors.As(err, &inv.Query) {
				inv.Msg = fmt.Sprintf("%s (at column %d)", inv.Query.Msg, inv.Query.Column)
			}
			errs = append(errs, inv)
		}
	}
	switch s.Mode {
	case "", ModeImmediate, ModeHourly, ModeDaily:
	default:
		bad("mode", "must be immediate, hourly or daily, not %q", s.Mode)
	}
	if len(s.Channels) > MaxChannels {
		bad("channels", "has %d channels; at most %d", len(s.Channels), MaxChannels)
		return errs
	}
	for i, ch := range s.Channels {
		key := fmt.Sprintf("channels[%d]", i)
		checkChannel(ch, rules, func(k, format string, args ...any) {
			if k != "" {
				k = "." + k
			}
			bad(key+k, format, args...)
		})
	}
	return errs
}

// checkText returns what is wrong with a one-line text of at most max characters, or "".
// JSON decoding turns invalid UTF-8 and lone surrogates into U+FFFD, so that is refused
// too.
func checkText(s string, max int) string {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "is not valid UTF-8"
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("is %d characters long; at most %d", n, max)
	}
	for i, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("has control character %U at byte %d", r, i)
		}
	}
	return ""
}

// ValidateConfig checks the saved searches declared in the configuration file, which
// config.Load leaves to the stage that knows the query language and the channel types.
// Every mistake is a *config.FieldError naming its key ("alert.searches[2].query").
func ValidateConfig(c config.AlertConfig) error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	names := map[string]int{}
	for i, sc := range c.Searches {
		key := fmt.Sprintf("alert.searches[%d]", i)
		for _, e := range validate(fromConfig(sc), rulesOf(c)) {
			errs = append(errs, &config.FieldError{Key: key + "." + e.Field, Msg: e.Msg})
		}
		n := strings.ToLower(strings.TrimSpace(sc.Name))
		if j, dup := names[n]; dup && n != "" {
			errs = append(errs, &config.FieldError{Key: key + ".name", Msg: fmt.Sprintf("%q is already the name of alert.searches[%d]", sc.Name, j)})
		}
		names[n] = i
	}
	return errors.Join(errs...)
}

// fromConfig turns a declared search into a SavedSearch whose ID is derived from its
// name, so the same file yields the same IDs on every start.
func fromConfig(c config.SearchConfig) SavedSearch {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(c.Name))))
	s := SavedSearch{
		ID:     "cfg-" + hex.EncodeToString(sum[:8]),
		Name:   c.Name,
		Query:  c.Query,
		Mode:   c.Mode,
		Expand: new(true),
		Origin: "config",
	}
	for _, ch := range c.Channels {
		s.Channels = append(s.Channels, Channel(ch))
	}
	return s
}

// sameDefinition reports whether a and b differ only in bookkeeping (ID, times).
func sameDefinition(a, b SavedSearch) bool {
	a.ID, a.Created, a.Updated = "", time.Time{}, time.Time{}
	b.ID, b.Created, b.Updated = "", time.Time{}, time.Time{}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func newSearchID() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// DecodeSearch parses a saved search as the API receives it (at most 64 KiB), rejecting
// unknown fields so a misspelt key is an error rather than silently ignored, and webhook
// URLs on private addresses (alert.allow_private off). Whether e-mail can be delivered is
// the server's to judge: DecodeSearch accepts e-mail channels.
func DecodeSearch(b []byte) (SavedSearch, error) {
	return decodeSearch(bytes.NewReader(b), checkRules{mail: true})
}

func decodeSearch(body io.Reader, rules checkRules) (SavedSearch, error) {
	var in apiSearch
	if err := httpapi.DecodeJSON(body, maxBodyBytes, &in); err != nil {
		msg := err.Error()
		if !errors.Is(err, httpapi.ErrTooLarge) && !errors.Is(err, httpapi.ErrTrailingData) {
			msg = "not a saved search: " + msg
		}
		return SavedSearch{}, &InvalidError{Field: "body", Msg: msg}
	}
	s := in.SavedSearch
	s.Channels = nil
	if in.Channels != nil {
		s.Channels = make([]Channel, len(in.Channels))
		for i, ch := range in.Channels {
			s.Channels[i] = ch.Channel // secret_set, sent back from a GET, says nothing new
		}
	}
	if err := normalise(&s, rules); err != nil {
		return s, err
	}
	if s.Expand == nil {
		s.Expand = new(true)
	}
	return s, nil
}

// expands reports whether the search's query is widened with entities (see Expand).
func (s SavedSearch) expands() bool { return s.Expand != nil && *s.Expand }

// apiSearch is a SavedSearch as the API shows and takes it: channel secrets are
// write-only, so that no response, log of one or browser cache holds them.
type apiSearch struct {
	SavedSearch
	Channels []apiChannel `json:"channels"`
}

// apiChannel is a Channel whose secret a response replaces with secret_set.
type apiChannel struct {
	Channel
	SecretSet bool `json:"secret_set,omitempty"`
}

// public returns s as a response shows it: each secret replaced by secret_set.
func public(s SavedSearch) apiSearch {
	out := apiSearch{SavedSearch: s, Channels: make([]apiChannel, len(s.Channels))}
	for i, ch := range s.Channels {
		out.Channels[i] = apiChannel{Channel: ch, SecretSet: ch.Secret != ""}
		out.Channels[i].Secret = ""
	}
	return out
}

// keepSecrets gives each channel of an update that sends no secret the secret of the
// channel it replaces (same type and target), so that a search read through the API,
// which never shows secrets, can be edited and saved back without losing them.
func keepSecrets(upd *SavedSearch, old SavedSearch) {
	for i, ch := range upd.Channels {
		if ch.Secret != "" {
			continue
		}
		for _, o := range old.Channels {
			if o.Secret != "" && o.Key() == ch.Key() {
				upd.Channels[i].Secret = o.Secret
				break
			}
		}
	}
}

// Alert is one match of a saved search on a story. ID is the idempotency key: the same
// search and story always give the same ID.
type Alert struct {
	ID         string `json:"id"`
	SearchID   string `json:"search_id"`
	SearchName string `json:"search_name"`
	StoryID    string `json:"story_id"`
	// Signature is the article's SimHash: a later copy near it alerts the search no more,
	// even if it was put in another story (see history.claim).
	Signature article.SimHash `json:"signature,omitempty"`
	Article   AlertArticle    `json:"article"`
	MatchedAt time.Time       `json:"matched_at"`
	// Digest is set when the alert waits for a digest rather than going out at once:
	// the search is in hourly or daily mode, or it went over its rate limit.
	Digest bool `json:"digest,omitempty"`
}

// AlertArticle is what an alert says of the article that matched.
type AlertArticle struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	URL       string            `json:"url"`
	Source    string            `json:"source"`
	Lang      string            `json:"lang"`
	Published time.Time         `json:"published"`
	Topics    []string          `json:"topics,omitempty"`
	Entities  []index.EntityRef `json:"entities,omitempty"`
}

// AlertID is the idempotency key of a search's alert on a story.
func AlertID(searchID, storyID string) string {
	sum := sha256.Sum256([]byte(searchID + "\x00" + storyID))
	return hex.EncodeToString(sum[:16])
}
