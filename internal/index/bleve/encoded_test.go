package bleve

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"

	"wirewatch/internal/article"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// storedJSON is the doc field Bleve holds for id: what Get decodes.
func storedJSON(t *testing.T, b *Backend, id string) []byte {
	t.Helper()
	d, err := b.idx.Document(id)
	if err != nil || d == nil {
		t.Fatalf("reading document %s: %v %v", id, d, err)
	}
	var raw []byte
	d.VisitFields(func(f bindex.Field) {
		if f.Name() == fieldDoc {
			raw = append([]byte(nil), f.Value()...)
		}
	})
	return raw
}

// WriteEncoded stores the JSON it is given as it is, and encodes the articles it is given
// none for; either way Get returns the article, and search finds it.
func TestWriteEncodedStoresTheGivenJSON(t *testing.T) {
	ctx := context.Background()
	b, err := Open(t.TempDir(), query.DefaultLanguages, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	given := seedArticle(t)
	encoded := seedArticle(t)
	encoded.ID = article.ID("https://example.org/other", "", "")
	encoded.URL = "https://example.org/other"
	// The record's own spelling: the keys in another order and spaces, as another
	// writer of the enriched topic might put them. Decode reads it as given.
	record := []byte(` {"title": ` + quote(given.Title) + `, "schema_version": 1, "id": "` + given.ID +
		`", "url": "` + given.URL + `", "text": ` + quote(given.Text) + `, "lang": "fr",` +
		` "published": "2026-01-18T09:30:00Z", "fetched": "0001-01-01T00:00:00Z",` +
		` "source": {"feed_url": "https://example.org/feed", "feed_title": "Exemple <Actu>"},` +
		` "topics": ["lachin-corridor"]} `)
	if a, err := article.Decode(record); err != nil || !reflect.DeepEqual(a, given) {
		t.Fatalf("the test's record does not decode as its article: %v\n%+v\n%+v", err, a, given)
	}

	itemErrs, err := b.WriteEncoded(ctx, []*article.Article{given, encoded}, [][]byte{record, nil})
	if err != nil || itemErrs[0] != nil || itemErrs[1] != nil {
		t.Fatalf("WriteEncoded: %v %v", err, itemErrs)
	}
	if got := storedJSON(t, b, given.ID); !bytes.Equal(got, record) {
		t.Errorf("stored JSON of the article with its record:\n%s\nwant the record's bytes\n%s", got, record)
	}
	want, err := article.Encode(encoded)
	if err != nil {
		t.Fatal(err)
	}
	if got := storedJSON(t, b, encoded.ID); !bytes.Equal(got, want) {
		t.Errorf("stored JSON of the article without one:\n%s\nwant its encoding\n%s", got, want)
	}
	for _, a := range []*article.Article{given, encoded} {
		got, err := b.Get(ctx, a.ID)
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("Get(%s) = %+v, %v; want %+v", a.ID, got, err, a)
		}
	}
	res, err := b.Search(ctx, index.Request{Query: "corridor"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("search finds %d articles, want both", res.Total)
	}

	if _, err := b.WriteEncoded(ctx, []*article.Article{given, encoded}, [][]byte{record}); err == nil {
		t.Error("WriteEncoded with fewer encodings than articles: no error")
	}
}

// quote is s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
