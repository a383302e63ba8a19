// Package article defines the document that flows through wirewatch's topics: the poller
// publishes it raw, the processor enriches it, and the indexer and the alerter read it.
//
// An Article's ID is deterministic (see ID), so a re-poll or a replay of a topic produces
// the same key and the same index document: sinks overwrite, they never duplicate.
//
// It is a leaf at the bottom of the flow: every stage imports it, and it imports no other
// wirewatch package. Its JSON form is the value of the raw and enriched topics, so a field
// added here is part of the stream's documented schema.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	json "github.com/goccy/go-json"
)

// SchemaVersion is the version of the JSON encoding written by Encode. Decode accepts
// this version and every older one it knows how to read.
const SchemaVersion = 1

// Article is one news item, raw or enriched.
type Article struct {
	ID            string `json:"id"`
	SchemaVersion int    `json:"schema_version"`

	// From the feed (ingest).
	URL        string      `json:"url,omitempty"`  // canonical URL: tracking parameters and fragment dropped
	GUID       string      `json:"guid,omitempty"` // the feed's own item ID, if any
	Title      string      `json:"title"`
	Summary    string      `json:"summary,omitempty"` // plain text
	Text       string      `json:"text,omitempty"`    // plain text of the whole article, when known
	HTML       string      `json:"html,omitempty"`    // sanitised HTML of the content, safe to render
	Authors    []string    `json:"authors,omitempty"`
	Categories []string    `json:"categories,omitempty"`
	Image      string      `json:"image,omitempty"`
	Enclosures []Enclosure `json:"enclosures,omitempty"`
	Published  time.Time   `json:"published"`
	Updated    time.Time   `json:"updated,omitempty"`
	Fetched    time.Time   `json:"fetched"`
	Source     Source      `json:"source"`
	// Sources lists every feed that carried this article (the same canonical URL seen in
	// several feeds is one article).
	Sources []Source `json:"sources,omitempty"`
	// Truncated is set when ingest cut the item to its size limits (ingest.max_article_bytes
	// for Text and HTML; fixed bounds for the title, the summary and the lists). The whole
	// item stays at URL. OriginalBytes is then the size of the title, summary, text and HTML
	// as the feed gave them, in bytes.
	Truncated     bool `json:"truncated,omitempty"`
	OriginalBytes int  `json:"original_bytes,omitempty"`

	// Enrichment (process). Empty on a raw article.
	Lang           string    `json:"lang,omitempty"` // ISO 639-1, or "und" when too short to tell
	LangConfidence float64   `json:"lang_confidence,omitempty"`
	Entities       []Entity  `json:"entities,omitempty"`
	Topics         []string  `json:"topics,omitempty"` // topic IDs, e.g. "lachin-corridor"
	Keyphrases     []string  `json:"keyphrases,omitempty"`
	StoryID        string    `json:"story_id,omitempty"` // same story across outlets (near-duplicates)
	Signature      SimHash   `json:"signature,omitempty"`
	Enriched       time.Time `json:"enriched,omitempty"`
}

// Source is the feed an article came from.
type Source struct {
	FeedURL   string `json:"feed_url"`
	FeedTitle string `json:"feed_title,omitempty"`
	SiteURL   string `json:"site_url,omitempty"`
	Lang      string `json:"lang,omitempty"` // the language the feed declares, a hint only
}

// Enclosure is a media file attached to an item.
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// Entity types.
const (
	Person       = "PER"
	Organisation = "ORG"
	Place        = "LOC"
	Event        = "EVT" // named events and disputes, e.g. the Lachin corridor blockade
	Misc         = "MISC"
)

// Entity is a person, organisation, place or event mentioned in an article, linked to a
// canonical ID shared across languages and scripts.
type Entity struct {
	ID         string   `json:"id"` // Wikidata QID ("Q399") where known, else a wirewatch ID ("ww:...")
	Type       string   `json:"type"`
	Name       string   `json:"name"`              // canonical (English) name
	Country    string   `json:"country,omitempty"` // ISO 3166-1 alpha-2, for places
	Lat        *float64 `json:"lat,omitempty"`
	Lon        *float64 `json:"lon,omitempty"`
	Confidence float64  `json:"confidence"`
	Known      bool     `json:"known"` // false: found by a pattern, not in the knowledge base
	// Mentions are the entity's first occurrences in the text, at most MaxMentions (and
	// none past the article's first MaxArticleMentions). MentionCount counts them all; it
	// is set only when some were left out.
	Mentions     []Mention `json:"mentions,omitempty"`
	MentionCount int       `json:"mention_count,omitempty"`
}

// Bounds of the enrichment an article carries, so that an enriched article fits in one
// Kafka message whatever the text: mentions kept per entity and per article, entities
// kept per article (the most confident first).
const (
	MaxMentions        = 50
	MaxArticleMentions = 1000
	MaxEntities        = 500
)

// Mention is one occurrence of an entity in the text.
type Mention struct {
	Field string `json:"field"` // "title", "summary" or "text"
	Text  string `json:"text"`  // surface form as written
	Start int    `json:"start"` // byte offset into the field
	End   int    `json:"end"`
}

// ID returns the deterministic article ID: from the canonical URL when there is one,
// otherwise from the feed URL and the item's GUID. The same story seen in two feeds under
// one canonical URL gets one ID.
func ID(canonicalURL, feedURL, guid string) string {
	var key string
	switch {
	case canonicalURL != "":
		key = "url\x00" + canonicalURL
	default:
		key = "guid\x00" + feedURL + "\x00" + guid
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// ErrDecode marks a message that is not a readable article; such messages go to the DLQ.
var ErrDecode = errors.New("undecodable article")

// The codec is github.com/goccy/go-json: the bytes encoding/json writes (with
// SetEscapeHTML(false), less its trailing newline) and the values it reads, checked on real
// feeds and enriched articles and by fuzzing against encoding/json (codec_test.go), in a
// quarter of the CPU time to decode and under half to encode. See DEPENDENCIES.md.

// Encode serialises a for a Kafka message value, into a slice of exactly its length. HTML is
// not escaped (no \u003c for <): the value is never embedded in a page, and escaping would
// double the size of markup. As with encoding/json, invalid UTF-8 is written as U+FFFD,
// and U+2028 and U+2029 as escapes.
func Encode(a *Article) ([]byte, error) {
	a.SchemaVersion = SchemaVersion
	b, err := json.MarshalWithOption(a, json.DisableHTMLEscape())
	if err != nil {
		return nil, fmt.Errorf("encoding article %s: %w", a.ID, err)
	}
	return b, nil
}

// AppendEncode appends to dst the bytes Encode writes for a and returns the extended
// slice, for a writer that encodes a batch of articles into one reused buffer instead of
// a new slice each (Encode's copy was most of what encoding an article allocated).
func AppendEncode(dst []byte, a *Article) ([]byte, error) {
	a.SchemaVersion = SchemaVersion
	w := appender{b: dst}
	enc := json.NewEncoder(&w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return dst, fmt.Errorf("encoding article %s: %w", a.ID, err)
	}
	return w.b[:len(w.b)-1], nil // less the newline an Encoder ends each value with
}

// appender is an io.Writer that appends to b.
type appender struct{ b []byte }

func (w *appender) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// Decode parses a Kafka message value. Every failure wraps ErrDecode.
func Decode(b []byte) (*Article, error) {
	var a Article
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	if err := a.check(); err != nil {
		return nil, err
	}
	return &a, nil
}

// partHead is what DecodeListing and DecodeMatching both read: the fields that identify an
// article and say where and when it was published.
type partHead struct {
	ID            string    `json:"id"`
	SchemaVersion int       `json:"schema_version"`
	URL           string    `json:"url"`
	Title         string    `json:"title"`
	Published     time.Time `json:"published"`
	Fetched       time.Time `json:"fetched"`
	Source        Source    `json:"source"`
	Lang          string    `json:"lang"`
	Topics        []string  `json:"topics"`
	StoryID       string    `json:"story_id"`
}

func (h *partHead) article() *Article {
	return &Article{
		ID: h.ID, SchemaVersion: h.SchemaVersion, URL: h.URL, Title: h.Title,
		Published: h.Published, Fetched: h.Fetched, Source: h.Source, Lang: h.Lang,
		Topics: h.Topics, StoryID: h.StoryID,
	}
}

// decodePart unmarshals b into part, a struct of some of Article's fields; every failure
// wraps ErrDecode.
func decodePart(b []byte, part any) error {
	if err := json.Unmarshal(b, part); err != nil {
		return fmt.Errorf("%w: %w", ErrDecode, err)
	}
	return nil
}

// DecodeListing is Decode for a reader that lists articles, such as a page of search hits:
// it reads the ID, schema version, title, URL, source, language, published and fetched
// times, topics, story and the entities (ID, type, name, location) of the article in b,
// and skips the rest (summary, text, HTML, key phrases, mentions...), whose syntax is
// checked but not their types. Those fields have the values Decode gives them; the others
// are zero. Every failure wraps ErrDecode.
func DecodeListing(b []byte) (*Article, error) {
	var l struct {
		partHead
		Entities []struct {
			ID   string   `json:"id"`
			Type string   `json:"type"`
			Name string   `json:"name"`
			Lat  *float64 `json:"lat"`
			Lon  *float64 `json:"lon"`
		} `json:"entities"`
	}
	if err := decodePart(b, &l); err != nil {
		return nil, err
	}
	a := l.article()
	if l.Entities != nil {
		a.Entities = make([]Entity, len(l.Entities))
		for i, e := range l.Entities {
			a.Entities[i] = Entity{ID: e.ID, Type: e.Type, Name: e.Name, Lat: e.Lat, Lon: e.Lon}
		}
	}
	if err := a.check(); err != nil {
		return nil, err
	}
	return a, nil
}

// DecodeMatching is Decode for a reader that matches articles against queries and
// reports the matches, such as the alert stage: it reads every field a query can look at
// (the ID, schema version, URL, title, summary, text, authors, published and fetched
// times, source and sources, language, entities without their location, confidence and
// mentions, topics, story and signature), and skips the rest (HTML, key phrases,
// mentions...: about half of an enriched article), whose syntax is checked but not their
// types. Those fields have the values Decode gives them; the others are zero. Every
// failure wraps ErrDecode.
func DecodeMatching(b []byte) (*Article, error) {
	var m struct {
		partHead
		partText
		Entities  []partEntity `json:"entities"`
		Signature SimHash      `json:"signature"`
	}
	if err := decodePart(b, &m); err != nil {
		return nil, err
	}
	a := m.article()
	m.fill(a)
	a.Entities, a.Signature = entitiesOf(m.Entities), m.Signature
	if err := a.check(); err != nil {
		return nil, err
	}
	return a, nil
}

// DecodeIndexing is Decode for a reader that indexes an article and keeps b itself as
// the article's stored form, such as the indexing stage with a backend that stores the
// record's bytes: it reads what DecodeMatching reads, less the signature, plus the
// location of the entities (what a search index looks at, facets and the map included),
// and skips the rest (HTML, key phrases, mentions...), whose syntax is checked but not
// their types. Those fields have the values Decode gives them; the others are zero. Every
// failure wraps ErrDecode.
func DecodeIndexing(b []byte) (*Article, error) {
	var x struct {
		partHead
		partText
		Entities []placedEntity `json:"entities"`
	}
	if err := decodePart(b, &x); err != nil {
		return nil, err
	}
	a := x.article()
	x.fill(a)
	a.Entities = entitiesOf(x.Entities)
	if err := a.check(); err != nil {
		return nil, err
	}
	return a, nil
}

// partText is the text of an article as DecodeMatching and DecodeIndexing read it.
type partText struct {
	Summary string   `json:"summary"`
	Text    string   `json:"text"`
	Authors []string `json:"authors"`
	Sources []Source `json:"sources"`
}

func (t partText) fill(a *Article) {
	a.Summary, a.Text, a.Authors, a.Sources = t.Summary, t.Text, t.Authors, t.Sources
}

// partEntity is an entity without its location, confidence and mentions; placedEntity
// with its location.
type partEntity struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

type placedEntity struct {
	partEntity
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
}

func (e partEntity) entity() Entity {
	return Entity{ID: e.ID, Type: e.Type, Name: e.Name, Country: e.Country}
}

func (e placedEntity) entity() Entity {
	x := e.partEntity.entity()
	x.Lat, x.Lon = e.Lat, e.Lon
	return x
}

// entitiesOf returns the entities read partly, nil for none.
func entitiesOf[E interface{ entity() Entity }](es []E) []Entity {
	if es == nil {
		return nil
	}
	out := make([]Entity, len(es))
	for i, e := range es {
		out[i] = e.entity()
	}
	return out
}

// check reports, wrapping ErrDecode, what makes a decoded article unreadable.
func (a *Article) check() error {
	if a.SchemaVersion < 1 || a.SchemaVersion > SchemaVersion {
		return fmt.Errorf("%w: schema version %d not supported (this build reads 1..%d)", ErrDecode, a.SchemaVersion, SchemaVersion)
	}
	if a.ID == "" {
		return fmt.Errorf("%w: missing id", ErrDecode)
	}
	return nil
}

// EntityIDs returns the IDs of a's entities, in order, without repeats.
func (a *Article) EntityIDs() []string {
	ids := make([]string, 0, len(a.Entities))
	if len(a.Entities) <= smallSet {
		for _, e := range a.Entities {
			if !slices.Contains(ids, e.ID) {
				ids = append(ids, e.ID)
			}
		}
		return ids
	}
	seen := make(map[string]bool, len(a.Entities))
	for _, e := range a.Entities {
		if !seen[e.ID] {
			seen[e.ID] = true
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// smallSet is the size up to which EntityIDs and Countries find repeats by looking
// through what they kept, without a map: the alert stage and the topic rules ask for them
// for every article, and most articles name a few entities.
const smallSet = 16

// Countries returns the country codes of the places a mentions, without repeats.
func (a *Article) Countries() []string {
	var cc []string
	if len(a.Entities) <= smallSet {
		for _, e := range a.Entities {
			if e.Country != "" && !slices.Contains(cc, e.Country) {
				cc = append(cc, e.Country)
			}
		}
		return cc
	}
	seen := map[string]bool{}
	for _, e := range a.Entities {
		if e.Country != "" && !seen[e.Country] {
			seen[e.Country] = true
			cc = append(cc, e.Country)
		}
	}
	return cc
}

// Body returns the best text of the article: the full text when known, else the summary.
func (a *Article) Body() string {
	if a.Text != "" {
		return a.Text
	}
	return a.Summary
}

// SimHash is an article's 64-bit near-duplicate signature (see package story). In JSON it
// is a string of 16 hexadecimal digits: as a JSON number, values above 2^53 lose bits in
// JavaScript and in most JSON tools. A number is still read, as earlier versions wrote one.
type SimHash uint64

// MarshalJSON writes s as "0123456789abcdef" (fmt's %016x, without fmt: the alert stage
// writes one per alert).
func (s SimHash) MarshalJSON() ([]byte, error) {
	const digits = "0123456789abcdef"
	b := make([]byte, 18)
	b[0], b[17] = '"', '"'
	for i := 16; i >= 1; i-- {
		b[i] = digits[s&0xf]
		s >>= 4
	}
	return b, nil
}

// UnmarshalJSON reads a string of up to 16 hexadecimal digits, or a decimal number.
func (s *SimHash) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		v, err := strconv.ParseUint(string(b[1:len(b)-1]), 16, 64)
		if err != nil {
			return fmt.Errorf("signature %s: not 16 hexadecimal digits", b)
		}
		*s = SimHash(v)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("signature %s: not a string of hexadecimal digits or a number", b)
	}
	*s = SimHash(v)
	return nil
}
