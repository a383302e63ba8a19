package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
)

func seedArticle(t *testing.T) *article.Article {
	t.Helper()
	text, err := os.ReadFile("../../../../shared/samples/seed-article.fr.txt")
	if err != nil {
		t.Fatalf("reading the shared seed article (../shared/samples): %v", err)
	}
	return &article.Article{
		ID: article.ID("https://example.org/lachin", "", ""), SchemaVersion: article.SchemaVersion,
		URL: "https://example.org/lachin", Title: "Lavrov et le blocus du corridor de Latchine",
		Text: string(text), Lang: "fr", Published: time.Date(2026, 1, 18, 9, 30, 0, 0, time.UTC),
		Source: article.Source{FeedURL: "https://example.org/feed", FeedTitle: "Exemple <Actu>"},
		Topics: []string{"lachin-corridor"},
	}
}

func TestSeedArticle(t *testing.T) {
	ctx := context.Background()
	b, err := Open(t.TempDir(), []string{"fr", "en", "ru"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := seedArticle(t)
	itemErrs, err := b.Write(ctx, []*article.Article{a})
	if err != nil || itemErrs[0] != nil {
		t.Fatalf("Write: %v %v", err, itemErrs)
	}
	res, err := b.Search(ctx, index.Request{Query: "Lachin"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != a.ID {
		t.Fatalf("Search(Lachin) = %+v, want the seed article", res)
	}
	h := res.Hits[0]
	if h.Lang != "fr" || !reflect.DeepEqual(h.Topics, a.Topics) || h.Source != "Exemple <Actu>" {
		t.Fatalf("hit fields = %+v", h)
	}
	body := strings.Join(h.Highlights["body"], " ")
	if !strings.Contains(body, "corridor <mark>Lachin</mark>") || strings.Contains(body, "l'Arménie") {
		t.Fatalf("highlight not marked or not escaped: %q", body)
	}
	got, err := b.Get(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("Get = %+v, %v; want the article back", got, err)
	}
	if _, err := b.Get(ctx, "missing"); !errors.Is(err, index.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
}

// TestConcurrentUse writes and searches from several goroutines at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := Open(t.TempDir(), []string{"fr", "en"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := seedArticle(t)
	const writers, perWriter = 3, 5
	errs := make(chan error, writers+1)
	for w := 0; w < writers; w++ {
		go func() {
			for i := 0; i < perWriter; i++ {
				cp := *a
				cp.ID = fmt.Sprintf("%s-%d-%d", a.ID, w, i)
				if _, err := b.Write(ctx, []*article.Article{&cp}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	go func() {
		for ctx.Err() == nil {
			if _, err := b.Search(ctx, index.Request{Query: "Lachin", Facets: true}); err != nil && ctx.Err() == nil {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	for w := 0; w < writers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	res, err := b.Search(context.Background(), index.Request{Query: "Lachin"})
	if err != nil || res.Total != writers*perWriter {
		t.Fatalf("after concurrent writes: %v hits, %v; want %d", res.Total, err, writers*perWriter)
	}
}
