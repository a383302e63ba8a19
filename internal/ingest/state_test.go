package ingest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"wirewatch/internal/config"
)

// The seen lists survive a reopen of the state file, written apart from the records; a
// record written before they were (seen as hex in the JSON) is still read, and wins over
// an older list.
func TestStoreKeepsSeenListsAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ingest.db")
	a, b, c := seenOf("a"), seenOf("b"), seenOf("c")

	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	err = st.commit(map[string]*feedRecord{
		"https://x.example/new": {URL: "https://x.example/new"},
		"https://x.example/old": {URL: "https://x.example/old"},
		"https://x.example/16":  {URL: "https://x.example/16"},
	}, map[string][]seenID{"https://x.example/new": {a, b}, "https://x.example/old": {a}})
	if err != nil {
		t.Fatal(err)
	}
	// What a version before the seen bucket wrote over the same feed (full IDs in hex),
	// and what a version before seenID wrote in the seen bucket (full IDs end to end).
	old, _ := json.Marshal(feedRecord{URL: "https://x.example/old", Seen: []string{keyOf("b").String(), keyOf("c").String()}})
	kc, ka := keyOf("c"), keyOf("a")
	full := append(kc[:], ka[:]...)
	if err := st.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSeen).Put([]byte("https://x.example/16"), full); err != nil {
			return err
		}
		return tx.Bucket(bucketFeeds).Put([]byte("https://x.example/old"), old)
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}

	st, err = openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	recs, err := st.loadFeeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		key    string
		want   []seenID
		stored bool
	}{
		{"written apart", "https://x.example/new", []seenID{a, b}, true},
		{"older format wins", "https://x.example/old", []seenID{b, c}, false},
		{"16-byte IDs", "https://x.example/16", []seenID{c, a}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFeedState(config.FeedConfig{URL: tc.key}, recs[tc.key])
			if !slices.Equal(fs.seen, tc.want) || fs.seenStored != tc.stored {
				t.Errorf("seen = %v (stored %v), want %v (stored %v)", fs.seen, fs.seenStored, tc.want, tc.stored)
			}
			if fs.rec.Seen != nil {
				t.Errorf("rec.Seen kept in memory: %v", fs.rec.Seen)
			}
		})
	}
}

// A poll that changes nothing keeps the very list, so nothing is rewritten.
func TestUpdateSeenUnchanged(t *testing.T) {
	seen := []seenID{seenOf("a"), seenOf("b")}
	for _, current := range [][]seenID{nil, {seenOf("b")}, {seenOf("a"), seenOf("b")}} {
		got := updateSeen(seen, current, 10)
		if &got[0] != &seen[0] || len(got) != len(seen) {
			t.Errorf("updateSeen(%v) copied or changed the list: %v", current, got)
		}
	}
	if got := updateSeen(seen, []seenID{seenOf("c")}, 10); len(got) != 3 || &got[0] == &seen[0] {
		t.Errorf("updateSeen with a new ID = %v, want a new list of 3", got)
	}
}

// The article index keeps records larger than a block (an article many feeds carried)
// across a reopen, and stays consistent.
func TestStoreKeepsLargeArticleRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ingest.db")
	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(time.Now().Unix(), 0)
	want := map[idKey]*articleRecord{}
	for i := range 3000 {
		r := &articleRecord{FirstSeen: now}
		for j := range 1 + i%60 {
			r.addFeed(fmt.Sprintf("https://feeds%d.example/rss/%d", j, i))
		}
		want[keyOf(fmt.Sprint(i))] = r
	}
	if err := st.saveArticles(want); err != nil {
		t.Fatal(err)
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	if st, err = openStore(path); err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ids := make([]idKey, 0, len(want))
	for k := range want {
		ids = append(ids, k)
	}
	got := map[idKey]*articleRecord{}
	if err := st.lookupArticles(ids, got); err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		if g := got[k]; g == nil || !g.FirstSeen.Equal(w.FirstSeen) || !slices.Equal(g.Feeds, w.Feeds) {
			t.Fatalf("record %s = %+v, want %+v", k, g, w)
		}
	}
	if err := st.idx.check(); err != nil {
		t.Errorf("article index inconsistent: %v", err)
	}
}
