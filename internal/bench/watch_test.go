package bench

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/web"
)

// TestLookupsWaitForTheIndexToChange runs waitSearchable against the real search API on
// Bleve: an enriched article is asked about once and not again while the index holds the
// same articles; one enriched after it was indexed is still found although the index did
// not change; none is asked about while every article the index holds was found; and those
// indexed during the wait are found, timed after their write.
func TestLookupsWaitForTheIndexToChange(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	write := func(a *article.Article) {
		t.Helper()
		errs, err := b.Write(context.Background(), []*article.Article{a})
		if err != nil || errs[0] != nil {
			t.Fatalf("indexing %s: %v %v", a.ID, err, errs)
		}
	}
	ws := web.New(web.Options{Logger: logger})
	web.NewSearch(b, 10*time.Second, logger).Routes(ws)

	var mu sync.Mutex
	asks := map[string]int{} // word → lookups that asked about it
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query().Get("q"); r.URL.Path == "/api/search" && q != "" {
			mu.Lock()
			q = strings.TrimSuffix(strings.TrimPrefix(q, "title:("), ")")
			for word := range strings.SplitSeq(q, " OR ") {
				asks[word]++
			}
			mu.Unlock()
		}
		ws.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	asked := func(word string) int {
		mu.Lock()
		defer mu.Unlock()
		return asks[word]
	}

	tokens := []string{"zorblaxeta", "quimvortel", "plendarix"}
	arts := make([]*article.Article, len(tokens))
	ids := map[string]int{}
	for i, tok := range tokens {
		u := "https://news.example/" + tok
		arts[i] = &article.Article{ID: article.ID(u, "", ""), URL: u, Title: "Report " + tok, Summary: "Talks " + tok + " resume.", Lang: "en",
			Source: article.Source{FeedTitle: "Example", FeedURL: "https://news.example/rss"}, Published: time.Now()}
		ids[arts[i].ID] = i
	}
	tr := newTracker(ids, []string{"late", "early", "last"})
	enriched := func(i int) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		tr.enrichedAt[i] = time.Now()
		tr.pending = append(tr.pending, i)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited 20s for %s", what)
			}
		}
	}
	visibleAt := func(i int) time.Time {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return tr.visibleAt[i]
	}

	write(arts[1]) // indexed before the bench hears it was enriched
	enriched(0)
	done := make(chan error, 1)
	go func() {
		done <- tr.waitSearchable(context.Background(), srv.Listener.Addr().String(), tokens, searchChunk, time.Minute)
	}()

	waitFor("the first lookup", func() bool { return asked(tokens[0]) > 0 })
	time.Sleep(600 * time.Millisecond) // six ticks with the index unchanged
	if n := asked(tokens[0]); n != 1 {
		t.Errorf("asked %d times about an article not yet indexed while the index did not change, want once", n)
	}

	enriched(1)
	waitFor("the article enriched after it was indexed", func() bool { return !visibleAt(1).IsZero() })

	enriched(2)
	time.Sleep(300 * time.Millisecond)
	if n := asked(tokens[2]); n != 0 {
		t.Errorf("asked %d times about an article while the search API had found every one the index holds, want never", n)
	}

	before := time.Now()
	write(arts[0])
	write(arts[2])
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("waitSearchable: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("waitSearchable did not end 20s after the last article was indexed")
	}
	for _, i := range []int{0, 2} {
		if at := visibleAt(i); at.Before(before) {
			t.Errorf("article %d indexed at %s timed searchable at %s, before its write", i, before.Format(time.StampMicro), at.Format(time.StampMicro))
		}
	}
	if n := asked(tokens[0]); n < 2 {
		t.Errorf("asked %d times about the article indexed during the wait, want again after the index changed", n)
	}
}
