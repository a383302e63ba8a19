// Package index is the contract between the indexing stage (package indexer), the search
// API (package web) and the alert stage on one side and a search backend (package bleve,
// embedded; package elastic, Elasticsearch) on the other: documents are written and searched
// through Backend, with the same answers from every backend.
//
// In the flow it sits below those users and above the backends, which implement it; the
// stages above choose a backend (package pipeline) and see only Backend. It imports only
// package article: a Request carries its query as text in the analysts' language, and each
// backend parses and compiles it with package query, so the contract does not depend on
// the language. Package indextest holds the behaviour every backend must show.
package index

import (
	"context"
	"errors"
	"time"

	"wirewatch/internal/article"
)

// Backend is a search store. Both implementations (Bleve, Elasticsearch) give the same
// answers to the same Request.
//
// Write stores docs under their IDs, overwriting any earlier version, and returns one
// error per doc (nil where the doc is durably stored). An error that wraps ErrRetryable may
// succeed if sent again; any other is permanent for that doc. The returned slice has
// len(docs) entries unless the whole call failed, in which case err is set. Cancelling ctx
// abandons the call; what was already stored stays stored.
//
// Backends are safe for concurrent use.
type Backend interface {
	Write(ctx context.Context, docs []*article.Article) (itemErrs []error, err error)
	Search(ctx context.Context, req Request) (*Result, error)
	Get(ctx context.Context, id string) (*article.Article, error)
	Close() error
}

var (
	// ErrRetryable marks a write that failed for a passing reason (429, 5xx, timeout).
	ErrRetryable = errors.New("retryable")
	// ErrNotFound is returned by Get for an unknown ID.
	ErrNotFound = errors.New("article not found")
	// ErrBadRequest marks a search that cannot succeed as sent: a bad cursor, an unknown
	// interval or sort. (A query syntax error is a *query.Error, which also means 400.)
	ErrBadRequest = errors.New("bad search request")
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
)

// Request is one search. Query is in the analysts' query language (package query); the
// empty query matches everything.
type Request struct {
	Query    string
	From, To time.Time // published time range; zero means open
	Sort     string    // SortRelevance (default) or SortNewest
	Size     int       // hits per page; see PageSize
	After    string    // opaque cursor from Result.Next, for deep pagination
	Facets   bool      // compute facets
	Interval string    // date histogram interval: "hour", "day", "week", "month"; "" for none
	Collapse bool      // one hit per story ID
	// NoHighlight leaves Hit.Highlights out: a client that wants only the hits (an export, a
	// check that articles arrived) spares the index re-reading every hit's text.
	NoHighlight bool
	// IDsOnly makes each hit carry its ID and Score alone (and Copies when collapsing), for a
	// client that only checks which articles match: the backend then reads no stored article,
	// and no highlights are made.
	IDsOnly bool
}

// Page and facet sizes, the same for every backend.
const (
	DefaultSize = 20  // hits per page when Request.Size is 0
	MaxSize     = 500 // most hits per page
	FacetSize   = 20  // most values per facet of Result.Facets
)

// PageSize is r.Size, defaulted to DefaultSize and capped at MaxSize.
func (r Request) PageSize() int {
	switch {
	case r.Size <= 0:
		return DefaultSize
	case r.Size > MaxSize:
		return MaxSize
	}
	return r.Size
}

// Result is a page of hits.
type Result struct {
	Total     int                `json:"total"`
	Hits      []Hit              `json:"hits"`
	Next      string             `json:"next,omitempty"`   // cursor for the next page, "" on the last
	Facets    map[string][]Count `json:"facets,omitempty"` // "entities", "topics", "sources", "langs", "countries"
	Histogram []Bucket           `json:"histogram,omitempty"`
	Took      time.Duration      `json:"took_ns"`
}

// Hit is one matching article.
type Hit struct {
	ID         string              `json:"id"`
	Score      float64             `json:"score"`
	Title      string              `json:"title"`
	URL        string              `json:"url"`
	Source     string              `json:"source"` // feed title
	Lang       string              `json:"lang"`
	Published  time.Time           `json:"published"`
	Topics     []string            `json:"topics,omitempty"`
	Entities   []EntityRef         `json:"entities,omitempty"`
	StoryID    string              `json:"story_id,omitempty"`
	Copies     int                 `json:"copies,omitempty"`     // other articles of the same story, when collapsing
	Highlights map[string][]string `json:"highlights,omitempty"` // field → fragments; matches wrapped in <mark>, the rest HTML-escaped
}

// EntityRef is an entity as shown on a hit; a place the knowledge base locates has its
// coordinates, for the UI's map.
type EntityRef struct {
	ID   string   `json:"id"`
	Type string   `json:"type"`
	Name string   `json:"name"`
	Lat  *float64 `json:"lat,omitempty"`
	Lon  *float64 `json:"lon,omitempty"`
}

// Count is one facet value.
type Count struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	Count int    `json:"count"`
}

// Bucket is one step of the date histogram.
type Bucket struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
}
