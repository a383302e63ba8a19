package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func indexRecords(from, to int, seen time.Time, feed string) map[idKey]*articleRecord {
	m := map[idKey]*articleRecord{}
	for i := from; i < to; i++ {
		m[keyOf(fmt.Sprint(i))] = &articleRecord{FirstSeen: seen, Feeds: []string{feed}}
	}
	return m
}

func lookupAll(t *testing.T, st *store, from, to int) map[idKey]*articleRecord {
	t.Helper()
	var ids []idKey
	for i := from; i < to; i++ {
		ids = append(ids, keyOf(fmt.Sprint(i)))
	}
	got := map[idKey]*articleRecord{}
	if err := st.lookupArticles(ids, got); err != nil {
		t.Fatal(err)
	}
	return got
}

func runFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.run"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// Flushes become runs and runs of like size merge: the newest version of a record wins,
// through merges and a reopen, the runs stay few, and the files check.
func TestArticleIndexMergesRunsNewestWins(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ingest.db")
	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Unix(time.Now().Unix(), 0)
	for f := range 40 {
		// Each flush adds 500 records and rewrites 100 of the previous flush's.
		m := indexRecords(f*500, (f+1)*500, day, "https://a.example/rss")
		for k, r := range indexRecords(f*500-100, f*500, day, "https://a.example/rss") {
			r.addFeed(fmt.Sprintf("https://b.example/%d", f))
			m[k] = r
		}
		if err := st.saveArticles(m); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(runFiles(t, filepath.Join(dir, "ingest-articles"))); n > 8 {
		t.Errorf("%d runs after 40 flushes, want them merged to a few", n)
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	if st, err = openStore(path); err != nil {
		t.Fatal(err)
	}
	defer st.close()
	got := lookupAll(t, st, 0, 20500)
	if len(got) != 20000 {
		t.Fatalf("found %d records, want 20000", len(got))
	}
	for f := 1; f < 40; f++ {
		r := got[keyOf(fmt.Sprint(f*500-1))]
		if want := []string{"https://a.example/rss", fmt.Sprintf("https://b.example/%d", f)}; !slices.Equal(r.Feeds, want) {
			t.Fatalf("record rewritten by flush %d has feeds %v, want %v", f, r.Feeds, want)
		}
	}
	if err := st.idx.check(); err != nil {
		t.Errorf("article index inconsistent: %v", err)
	}
}

// Pruning drops the records first seen before the cutoff and keeps the rest.
func TestArticleIndexPrunes(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "ingest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	now := time.Unix(time.Now().Unix(), 0)
	old := now.Add(-100 * 24 * time.Hour)
	for _, m := range []map[idKey]*articleRecord{
		indexRecords(0, 300, old, "f"), indexRecords(300, 400, now, "f"), indexRecords(400, 500, old, "f"),
	} {
		if err := st.saveArticles(m); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.pruneArticles(now.Add(-90 * 24 * time.Hour))
	if err != nil || n != 400 {
		t.Fatalf("pruneArticles = %d, %v; want 400 dropped", n, err)
	}
	got := lookupAll(t, st, 0, 500)
	if len(got) != 100 || got[keyOf("350")] == nil {
		t.Errorf("after pruning %d records left, want the 100 recent ones", len(got))
	}
	if n, err := st.pruneArticles(now.Add(-90 * 24 * time.Hour)); err != nil || n != 0 {
		t.Errorf("second prune = %d, %v; want nothing to do", n, err)
	}
}

// The bbolt article index of an earlier version moves into the new index on open, and is
// removed once it has.
func TestArticleIndexMovesOldBoltFile(t *testing.T) {
	dir := t.TempDir()
	legacy := filepath.Join(dir, "ingest-articles.db")
	db, err := openBolt(legacy, 1024, bucketArticles)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(time.Now().Unix(), 0)
	want := indexRecords(0, 2000, now, "https://old.example/rss")
	if err := db.Update(func(tx *bolt.Tx) error {
		for k, r := range want {
			if err := tx.Bucket(bucketArticles).Put(k[:], r.appendTo(nil)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := openStore(filepath.Join(dir, "ingest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	got := lookupAll(t, st, 0, 2000)
	for k, w := range want {
		if g := got[k]; g == nil || !g.FirstSeen.Equal(w.FirstSeen) || !slices.Equal(g.Feeds, w.Feeds) {
			t.Fatalf("record %s = %+v, want %+v", k, g, w)
		}
	}
	if _, err := os.Stat(legacy); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old article index still there: %v", err)
	}
}

// What a crash leaves (a run half written, runs a finished merge took in) is cleared on
// open; a damaged block costs its own records only.
func TestArticleIndexRecoversFromCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ingest.db")
	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(time.Now().Unix(), 0)
	for i := range 2 {
		if err := st.saveArticles(indexRecords(i*1000, (i+1)*1000, now, "f")); err != nil {
			t.Fatal(err)
		}
	}
	st.close()
	idxDir := filepath.Join(dir, "ingest-articles")
	runs := runFiles(t, idxDir)
	if len(runs) != 1 || !strings.HasSuffix(runs[0], "0000000000000000-0000000000000001.run") {
		t.Fatalf("runs %v, want the two flushes merged into one", runs)
	}
	merged, err := os.ReadFile(runs[0])
	if err != nil {
		t.Fatal(err)
	}
	// A merge the crash cut short after its new run was in place, and a half-written run.
	stale := filepath.Join(idxDir, "0000000000000001-0000000000000001.run")
	if err := os.WriteFile(stale, merged, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(idxDir, "run-123.tmp"), merged[:100], 0o600); err != nil {
		t.Fatal(err)
	}
	// Damage the first block.
	merged[20] ^= 0xff
	if err := os.WriteFile(runs[0], merged, 0o600); err != nil {
		t.Fatal(err)
	}

	st, err = openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if left := runFiles(t, idxDir); len(left) != 1 {
		t.Errorf("runs after reopen %v, want the merged one only", left)
	}
	if tmp, _ := filepath.Glob(filepath.Join(idxDir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("half-written runs left: %v", tmp)
	}
	var ids []idKey
	for i := range 2000 {
		ids = append(ids, keyOf(fmt.Sprint(i)))
	}
	got := map[idKey]*articleRecord{}
	if err := st.lookupArticles(ids, got); !errors.Is(err, errRunDamaged) {
		t.Errorf("lookup error %v, want the damaged block named", err)
	}
	if len(got) < 2000-indexBlockSize/len(idKey{}) || len(got) == 2000 { // a block holds fewer
		t.Errorf("found %d of 2000 records with one block damaged", len(got))
	}
	if err := st.idx.check(); !errors.Is(err, errRunDamaged) {
		t.Errorf("check = %v, want the damaged block", err)
	}
}
