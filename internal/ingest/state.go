package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"wirewatch/internal/config"
)

var (
	bucketFeeds    = []byte("feeds")    // feed key → feedRecord
	bucketAdded    = []byte("added")    // feed URL → config.FeedConfig added through AddFeed
	bucketArticles = []byte("articles") // article ID → articleRecord, in the article index file of earlier versions
	bucketWebSub   = []byte("websub")   // feed key → subscription
	// bucketSeen holds each feed's seen list apart from its record, as raw 8-byte
	// seenIDs (16-byte IDs before), oldest first: a poll that brings nothing new rewrites
	// the small record only, and 100 IDs take 0.8 KB instead of 3.5 KB of JSON hex.
	bucketSeen = []byte("seen") // feed key → seen IDs
)

// feedRecord is a feed's durable state. It is written only together with the outcome of a
// poll, after the Publisher acknowledged that poll's articles.
type feedRecord struct {
	// URL is where the feed is fetched now: the configured URL, or where a permanent
	// redirect moved it.
	URL        string     `json:"url"`
	Validators validators `json:"validators"`
	// Seen lists the IDs of items already published from this feed, oldest first, in hex.
	// The state file keeps them in bucketSeen instead; Seen is filled for the shared state
	// of a poller group, and read from files written before bucketSeen.
	Seen     []string      `json:"seen,omitempty"`
	Interval time.Duration `json:"interval,omitempty"`
	NextPoll time.Time     `json:"next_poll"`

	Title               string    `json:"title,omitempty"`
	SiteURL             string    `json:"site_url,omitempty"`
	Lang                string    `json:"lang,omitempty"` // as the feed declares it
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
	// NotBefore is when the server's last Retry-After ends: not even a poll asked for by
	// hand goes sooner.
	NotBefore time.Time `json:"not_before,omitzero"`

	// seen is the seen list as loaded from bucketSeen; nil when the file has none.
	seen []seenID
}

// articleRecord remembers which feeds carried an article, so the same story reached through
// another feed is one article with several sources. It is stored compactly (raw ID key,
// binary value): the index gets an entry per article, and random inserts into a
// copy-on-write B-tree cost in proportion to the pages they touch.
type articleRecord struct {
	FirstSeen time.Time
	Feeds     []string // feed keys (configured URLs), in the order they carried it
}

func (r *articleRecord) hasFeed(feedURL string) bool {
	for _, f := range r.Feeds {
		if f == feedURL {
			return true
		}
	}
	return false
}

func (r *articleRecord) addFeed(feedURL string) {
	if !r.hasFeed(feedURL) {
		r.Feeds = append(r.Feeds, feedURL)
	}
}

// appendTo appends the stored form of r to b: FirstSeen in Unix seconds, big-endian,
// then each feed key, its length first.
func (r *articleRecord) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(r.FirstSeen.Unix()))
	for _, f := range r.Feeds {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

func unmarshalArticleRecord(b []byte) (*articleRecord, error) {
	if len(b) < 8 {
		return nil, errors.New("article record too short")
	}
	r := &articleRecord{FirstSeen: time.Unix(int64(binary.BigEndian.Uint64(b)), 0)}
	b = b[8:]
	for len(b) > 0 {
		n, size := binary.Uvarint(b)
		if size <= 0 || uint64(len(b)-size) < n {
			return nil, errors.New("article record truncated")
		}
		r.Feeds = append(r.Feeds, string(b[size:size+int(n)]))
		b = b[size+int(n):]
	}
	return r, nil
}

// store is the feed state: one bbolt file for feed records, seen lists, added feeds and
// WebSub, and the cross-feed article index (articleIndex) in a directory beside it, written
// behind in large sorted runs, so that writing the index never holds the lock the
// feed-state commits need.
type store struct {
	db  *bolt.DB
	idx *articleIndex
}

func openStore(path string) (*store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating state directory: %w", err)
	}
	db, err := openBolt(path, 0, bucketFeeds, bucketAdded, bucketWebSub, bucketSeen)
	if err != nil {
		return nil, err
	}
	// The index of an earlier version was a second bbolt file: its records move in.
	base := strings.TrimSuffix(path, filepath.Ext(path)) + "-articles"
	idx, err := openArticleIndex(base, base+filepath.Ext(path))
	if err != nil {
		db.Close()
		return nil, err
	}
	return &store{db: db, idx: idx}, nil
}

// openBolt opens (creating) a bbolt file and its buckets. pageSize applies to a new file
// only (0: the OS page size); a file keeps the size it was created with.
func openBolt(path string, pageSize int, buckets ...[]byte) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true, PageSize: pageSize})
	if err != nil {
		return nil, fmt.Errorf("opening feed state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
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
	return db, nil
}

func (s *store) close() error { return errors.Join(s.idx.close(), s.db.Close()) }

// loadFeeds returns every stored feed record by key, with its seen list.
func (s *store) loadFeeds() (map[string]*feedRecord, error) {
	out := map[string]*feedRecord{}
	if err := loadJSON(s.db, bucketFeeds, "state of feed", func(k string, r feedRecord) { out[k] = &r }); err != nil {
		return out, err
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSeen).ForEach(func(k, v []byte) error {
			// A list in the record itself was written by a version before bucketSeen,
			// after this one: it is the newer.
			if r := out[string(k)]; r != nil && len(r.Seen) == 0 {
				if list, ok := unpackSeen(v); ok {
					r.seen = list
				}
			}
			return nil
		})
	})
	if err != nil {
		return out, fmt.Errorf("reading seen lists: %w", err)
	}
	return out, nil
}

func (s *store) loadAdded() ([]config.FeedConfig, error) {
	var out []config.FeedConfig
	err := loadJSON(s.db, bucketAdded, "added feed", func(_ string, f config.FeedConfig) { out = append(out, f) })
	return out, err
}

func (s *store) saveAdded(f config.FeedConfig) error { return putJSON(s.db, bucketAdded, f.URL, f) }

// lookupArticles adds to out the stored records of the given IDs that exist.
func (s *store) lookupArticles(ids []idKey, out map[idKey]*articleRecord) error {
	// In key order, each lookup in a run reads the block the one before it may have read.
	ids = slices.Clone(ids)
	slices.SortFunc(ids, compareKeys)
	if err := s.idx.lookup(ids, out); err != nil {
		return fmt.Errorf("reading article records: %w", err)
	}
	return nil
}

func compareKeys(a, b idKey) int { return bytes.Compare(a[:], b[:]) }

// saveArticles writes article records as one run of the article index.
func (s *store) saveArticles(arts map[idKey]*articleRecord) error {
	if err := s.idx.save(arts); err != nil {
		return fmt.Errorf("saving article records: %w", err)
	}
	return nil
}

// commit writes feed records, and the seen lists that changed, in one transaction.
func (s *store) commit(feeds map[string]*feedRecord, seen map[string][]seenID) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		fb, sb := tx.Bucket(bucketFeeds), tx.Bucket(bucketSeen)
		// In key order: a flush of many quiet records writes each page once.
		for _, k := range slices.Sorted(maps.Keys(feeds)) {
			rec := *feeds[k]
			rec.Seen = nil // kept in bucketSeen
			b, err := json.Marshal(&rec)
			if err != nil {
				return fmt.Errorf("encoding state of %s: %w", k, err)
			}
			if err := fb.Put([]byte(k), b); err != nil {
				return fmt.Errorf("writing state of %s: %w", k, err)
			}
		}
		for k, list := range seen {
			if err := sb.Put([]byte(k), packSeen(list)); err != nil {
				return fmt.Errorf("writing seen list of %s: %w", k, err)
			}
		}
		return nil
	})
}

// pruneArticles deletes article records first seen before cutoff.
func (s *store) pruneArticles(cutoff time.Time) (int, error) {
	n, err := s.idx.prune(cutoff)
	if err != nil {
		return n, fmt.Errorf("pruning article records: %w", err)
	}
	return n, nil
}

// loadSubscriptions returns the stored WebSub subscriptions by feed key.
func (s *store) loadSubscriptions() (map[string]*subscription, error) {
	out := map[string]*subscription{}
	err := loadJSON(s.db, bucketWebSub, "WebSub subscription of", func(k string, sub subscription) { out[k] = &sub })
	return out, err
}

func (s *store) saveSubscription(key string, sub subscription) error {
	return putJSON(s.db, bucketWebSub, key, sub)
}

// loadJSON decodes every value of bucket and hands it to add with its key. what names a
// value in errors ("reading <what> <key>: …").
func loadJSON[T any](db *bolt.DB, bucket []byte, what string, add func(key string, v T)) error {
	return db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, b []byte) error {
			var v T
			if err := json.Unmarshal(b, &v); err != nil {
				return fmt.Errorf("reading %s %s: %w", what, k, err)
			}
			add(string(k), v)
			return nil
		})
	})
}

// putJSON stores v, encoded, under key in bucket.
func putJSON(db *bolt.DB, bucket []byte, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte(key), b) })
}
