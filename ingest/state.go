package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"wirewatch/article"
	"wirewatch/config"
)

var (
	bucketFeeds    = []byte("feeds")    // feed key → feedRecord
	bucketAdded    = []byte("added")    // feed URL → config.FeedConfig added through AddFeed
	bucketArticles = []byte("articles") // article ID → articleRecord, for cross-feed dedup
)

// feedRecord is a feed's durable state. It is written only together with the outcome of a
// poll, after the Publisher acknowledged that poll's articles.
type feedRecord struct {
	// URL is where the feed is fetched now: the configured URL, or where a permanent
	// redirect moved it.
	URL        string     `json:"url"`
	Validators validators `json:"validators"`
	// Seen lists the IDs of items already published from this feed, oldest first.
	Seen     []string      `json:"seen,omitempty"`
	Interval time.Duration `json:"interval,omitempty"`
	NextPoll time.Time     `json:"next_poll"`

	Title               string    `json:"title,omitempty"`
	SiteURL             string    `json:"site_url,omitempty"`
	LastAttempt         time.Time `json:"last_attempt,omitempty"`
	LastSuccess         time.Time `json:"last_success,omitempty"`
	LastError           string    `json:"last_error,omitempty"`
	LastErrorAt         time.Time `json:"last_error_at,omitempty"`
	ConsecutiveFailures int       `json:"consecutive_failures,omitempty"`
	ItemsPerDay         float64   `json:"items_per_day,omitempty"`
	LastNewItem         time.Time `json:"last_new_item,omitempty"`
	ItemsInFeed         int       `json:"items_in_feed,omitempty"`
	Published           int64     `json:"published,omitempty"` // articles published from this feed
	Successes           int64     `json:"successes,omitempty"`

	// WebSub subscription, when the feed advertises a hub.
	Hub          string    `json:"hub,omitempty"`
	Topic        string    `json:"topic,omitempty"`
	Secret       string    `json:"secret,omitempty"`
	LeaseExpires time.Time `json:"lease_expires,omitempty"`
}

// articleRecord remembers which feeds carried an article, so the same story reached through
// another feed is one article with several sources.
type articleRecord struct {
	FirstSeen time.Time        `json:"first_seen"`
	Sources   []article.Source `json:"sources"`
}

func (r *articleRecord) hasFeed(feedURL string) bool {
	for _, s := range r.Sources {
		if s.FeedURL == feedURL {
			return true
		}
	}
	return false
}

// store is the bbolt file holding feed state.
type store struct {
	db *bolt.DB
}

func openStore(path string) (*store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating state directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("opening feed state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketFeeds, bucketAdded, bucketArticles} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing feed state %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// loadFeeds returns every stored feed record by key.
func (s *store) loadFeeds() (map[string]*feedRecord, error) {
	out := map[string]*feedRecord{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFeeds).ForEach(func(k, v []byte) error {
			var r feedRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading state of feed %s: %w", k, err)
			}
			out[string(k)] = &r
			return nil
		})
	})
	return out, err
}

func (s *store) loadAdded() ([]config.FeedConfig, error) {
	var out []config.FeedConfig
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAdded).ForEach(func(k, v []byte) error {
			var f config.FeedConfig
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("reading added feed %s: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}

func (s *store) saveAdded(f config.FeedConfig) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketAdded).Put([]byte(f.URL), b) })
}

// lookupArticles returns the records of the given IDs that exist.
func (s *store) lookupArticles(ids []string) (map[string]*articleRecord, error) {
	out := map[string]*articleRecord{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			var r articleRecord
			if err := json.Unmarshal(v, &r); err != nil {
				// A damaged record only costs a republish, which sinks absorb.
				continue
			}
			out[id] = &r
		}
		return nil
	})
	return out, err
}

// commit writes feed records and article records in one transaction.
func (s *store) commit(feeds map[string]*feedRecord, arts map[string]*articleRecord) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bucketFeeds)
		for k, r := range feeds {
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encoding state of %s: %w", k, err)
			}
			if err := fb.Put([]byte(k), b); err != nil {
				return fmt.Errorf("writing state of %s: %w", k, err)
			}
		}
		ab := tx.Bucket(bucketArticles)
		for id, r := range arts {
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encoding article record %s: %w", id, err)
			}
			if err := ab.Put([]byte(id), b); err != nil {
				return fmt.Errorf("writing article record %s: %w", id, err)
			}
		}
		return nil
	})
}

// pruneArticles deletes article records first seen before cutoff.
func (s *store) pruneArticles(cutoff time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var r articleRecord
			if err := json.Unmarshal(v, &r); err != nil || r.FirstSeen.Before(cutoff) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, bolt.ErrDatabaseNotOpen) {
		return n, fmt.Errorf("pruning article records: %w", err)
	}
	return n, nil
}
