package alert

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// Search modes.
const (
	ModeImmediate = config.ModeImmediate
	ModeHourly    = config.ModeHourly
	ModeDaily     = config.ModeDaily
)

// SavedSearch is an analyst's standing query and where its matches go.
type SavedSearch struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Query    string    `json:"query"`
	Mode     string    `json:"mode"`
	Channels []Channel `json:"channels"`
	// Origin is "config" for searches declared in the configuration file, which are
	// rewritten from the file at each start; "" for searches made through the API.
	Origin  string    `json:"origin,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Channel is one way a search's alerts are delivered: config.ChannelConfig with the API's
// JSON names. The two are converted into each other, so a field added to one alone is a
// compile error rather than a value silently dropped between the file and the API.
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

// pushed reports whether the delivery worker sends to this channel. Atom and SSE are
// served from the history every instance keeps, and the alert is already on the Kafka
// alerts topic before anything is delivered.
func (c Channel) pushed() bool {
	switch c.Type {
	case config.ChannelWebhook, config.ChannelSlack, config.ChannelEmail:
		return true
	}
	return false
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

// ErrNotFound is returned for an unknown search ID.
var ErrNotFound = errors.New("saved search not found")

// normalise fills defaults and checks s with the same rules as the configuration file.
func normalise(s *SavedSearch) error {
	s.Name = strings.TrimSpace(s.Name)
	s.Query = strings.TrimSpace(s.Query)
	if s.Mode == "" {
		s.Mode = ModeImmediate
	}
	if s.Channels == nil {
		s.Channels = []Channel{}
	}
	errs := config.ValidateSearch(s.config())
	if len(errs) == 0 {
		return nil
	}
	first := errs[0]
	inv := &InvalidError{Field: first.Key, Msg: first.Msg}
	if first.Key == "query" {
		if _, err := query.Parse(s.Query); err != nil {
			errors.As(err, &inv.Query)
		}
	}
	return inv
}

func (s *SavedSearch) config() config.SearchConfig {
	c := config.SearchConfig{Name: s.Name, Query: s.Query, Mode: s.Mode}
	for _, ch := range s.Channels {
		c.Channels = append(c.Channels, config.ChannelConfig(ch))
	}
	return c
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

// DecodeSearch parses a saved search as the API receives it, rejecting unknown fields
// so a misspelt key is an error rather than silently ignored.
func DecodeSearch(b []byte) (SavedSearch, error) {
	var s SavedSearch
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, &InvalidError{Field: "body", Msg: fmt.Sprintf("not a saved search: %v", err)}
	}
	if dec.More() {
		return s, &InvalidError{Field: "body", Msg: "more than one JSON value"}
	}
	if err := normalise(&s); err != nil {
		return s, err
	}
	return s, nil
}

// Alert is one match of a saved search on a story. ID is the idempotency key: the same
// search and story always give the same ID.
type Alert struct {
	ID         string       `json:"id"`
	SearchID   string       `json:"search_id"`
	SearchName string       `json:"search_name"`
	StoryID    string       `json:"story_id"`
	Article    AlertArticle `json:"article"`
	MatchedAt  time.Time    `json:"matched_at"`
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
