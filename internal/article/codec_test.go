package article_test

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"reflect"
	"syscall"
	"testing"
	"time"

	"wirewatch/internal/article"
)

// stdEncode and stdDecode are Encode and Decode as they were with encoding/json: the
// reference the codec must match byte for byte and value for value.
func stdEncode(a *article.Article) ([]byte, error) {
	a.SchemaVersion = article.SchemaVersion
	var buf bytes.Buffer
	enc := stdjson.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func stdDecode(b []byte) (*article.Article, error) {
	var a article.Article
	if err := stdjson.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	if a.SchemaVersion < 1 || a.SchemaVersion > article.SchemaVersion || a.ID == "" {
		return nil, errors.New("unreadable")
	}
	return &a, nil
}

// listing is what DecodeListing must give for an article Decode gives.
func listing(a *article.Article) *article.Article {
	l := &article.Article{
		ID: a.ID, SchemaVersion: a.SchemaVersion, URL: a.URL, Title: a.Title,
		Published: a.Published, Fetched: a.Fetched, Source: a.Source, Lang: a.Lang,
		Topics: a.Topics, StoryID: a.StoryID,
	}
	if a.Entities != nil {
		l.Entities = make([]article.Entity, len(a.Entities))
		for i, e := range a.Entities {
			l.Entities[i] = article.Entity{ID: e.ID, Type: e.Type, Name: e.Name, Lat: e.Lat, Lon: e.Lon}
		}
	}
	return l
}

// checkAgainstStd fails t where Decode, DecodeListing, DecodeMatching or DecodeIndexing
// of b does not do what encoding/json does: accept and reject the same inputs (every
// rejection wrapping ErrDecode; the partial decoders accept what only a skipped field's
// type spoils) and give equal values, which Encode then writes as the same bytes.
func checkAgainstStd(t *testing.T, b []byte) {
	t.Helper()
	want, wantErr := stdDecode(b)
	got, err := article.Decode(b)
	if err != nil && !errors.Is(err, article.ErrDecode) {
		t.Fatalf("Decode(%q): error %v does not wrap ErrDecode", b, err)
	}
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("Decode(%q): error %v, encoding/json's %v", b, err, wantErr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q):\n got %+v\nwant %+v", b, got, want)
	}
	l, err := article.DecodeListing(b)
	if err != nil || !reflect.DeepEqual(l, listing(want)) {
		t.Fatalf("DecodeListing(%q) = %+v, %v\nwant %+v", b, l, err, listing(want))
	}
	m, err := article.DecodeMatching(b)
	if err != nil || !reflect.DeepEqual(m, matching(want)) {
		t.Fatalf("DecodeMatching(%q) = %+v, %v\nwant %+v", b, m, err, matching(want))
	}
	x, err := article.DecodeIndexing(b)
	if err != nil || !reflect.DeepEqual(x, indexing(want)) {
		t.Fatalf("DecodeIndexing(%q) = %+v, %v\nwant %+v", b, x, err, indexing(want))
	}
	checkEncode(t, got)
}

// indexing is what DecodeIndexing must give for an article Decode gives.
func indexing(a *article.Article) *article.Article {
	x := matching(a)
	x.Signature = 0
	for i, e := range a.Entities {
		x.Entities[i].Lat, x.Entities[i].Lon = e.Lat, e.Lon
	}
	return x
}

// matching is what DecodeMatching must give for an article Decode gives.
func matching(a *article.Article) *article.Article {
	m := &article.Article{
		ID: a.ID, SchemaVersion: a.SchemaVersion, URL: a.URL, Title: a.Title, Summary: a.Summary,
		Text: a.Text, Authors: a.Authors, Published: a.Published, Fetched: a.Fetched,
		Source: a.Source, Sources: a.Sources, Lang: a.Lang, Topics: a.Topics, StoryID: a.StoryID,
		Signature: a.Signature,
	}
	if a.Entities != nil {
		m.Entities = make([]article.Entity, len(a.Entities))
		for i, e := range a.Entities {
			m.Entities[i] = article.Entity{ID: e.ID, Type: e.Type, Name: e.Name, Country: e.Country}
		}
	}
	return m
}

func checkEncode(t *testing.T, a *article.Article) {
	t.Helper()
	cp := *a
	want, wantErr := stdEncode(&cp)
	got, err := article.Encode(a)
	if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("Encode(%+v) = %s, %v\nencoding/json: %s, %v", a, got, err, want, wantErr)
	}
	if len(got) != cap(got) {
		t.Errorf("Encode of %s: %d bytes in a slice of %d", a.ID, len(got), cap(got))
	}
	// AppendEncode writes the same bytes after what dst holds, which it leaves alone.
	prefix := []byte("prefix\n")
	for _, dst := range [][]byte{nil, prefix, append(make([]byte, 0, len(prefix)+len(want)+64), prefix...)} {
		keep := string(dst)
		app, err := article.AppendEncode(dst, a)
		if (err == nil) != (wantErr == nil) || string(app[:len(keep)]) != keep || !bytes.Equal(app[len(keep):], want) {
			t.Fatalf("AppendEncode(%q, %+v) = %s, %v\nwant %q then %s", keep, a, app, err, keep, want)
		}
	}
}

// TestCodecMatchesEncodingJSON: on every article of the real corpus, raw and enriched,
// Encode writes the bytes encoding/json wrote, and Decode, DecodeListing and
// DecodeMatching read them back as encoding/json does.
func TestCodecMatchesEncodingJSON(t *testing.T) {
	c := loadCorpus(t)
	all := append(append(append([]*article.Article{}, c.raw...), c.feeds...), c.bench...)
	if len(c.raw) < 200 || len(c.bench) == 0 {
		t.Fatalf("%d feed items and %d bench articles: the corpus is not what this test expects", len(c.raw), len(c.bench))
	}
	for _, a := range all {
		checkEncode(t, a)
		b, err := article.Encode(a)
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstStd(t, b)
	}
}

// edgeCases are inputs where JSON decoders are known to part ways.
var edgeCases = []string{
	"{\"id\":\"a\",\"schema_version\":1,\"title\":\"\xff\xfe bad \xe2\x80 utf8\"}",
	`{"id":"a","schema_version":1,"title":"\ud800 lone \udc00 surrogates \ud83d\ude00"}`,
	`{"id":"a","schema_version":1,"title":"\u0000\u001f\u2028\u2029\u003c\/"}`,
	`{"id":"a","schema_version":1,"title":"x","TITLE":"y","Title":"z"}`,
	`{"id":"a","schema_version":1,"ſource":{"feed_url":"kelvin"}}`,
	`{"id":"a","schema_version":1,"published":"2026-01-02T03:04:05.123456789+04:00","fetched":"2026-01-02T03:04:05-00:30"}`,
	`{"id":"a","schema_version":1,"published":"2026-01-02"}`,
	`{"id":"a","schema_version":1,"published":"2026-01-02T03:04:05 +04:00"}`,
	`{"id":"a","schema_version":1,"published":null,"updated":""}`,
	`{"id":"a","schema_version":1,"signature":"zz"}`,
	`{"id":"a","schema_version":1,"signature":"fedcba9876543210"}`,
	`{"id":"a","schema_version":1,"signature":18364758544493064720}`,
	`{"id":"a","schema_version":1,"signature":-1}`,
	`{"id":"a","schema_version":1,"signature":null}`,
	`{"id":"a","schema_version":1.5}`,
	`{"id":"a","schema_version":1e0}`,
	`{"id":"a","schema_version":1} x`,
	"{\"id\":\"a\",\"schema_version\":1} \t\r\n",
	`{"id":"a","schema_version":1}{}`,
	`{"id":"a","schema_version":1,"entities":[{"id":"Q1","lat":1.5,"lon":null,"mentions":[{"start":-1,"end":1e2}]}]}`,
	`{"id":"a","schema_version":1,"entities":[{"lat":"1.5"}]}`,
	`{"id":"a","schema_version":1,"entities":[{"lat":1e400}]}`,
	`{"id":"a","schema_version":1,"entities":[{"id":"a","name":"n"}],"entities":[{"type":"X"}]}`,
	`{"id":"a","schema_version":1,"authors":null,"topics":[]}`,
	`{"id":"a","schema_version":1,"authors":{}}`,
	"{\"id\":\"a\",\"schema_version\":1,\"title\":\"tab\there\"}",
	`{"id":"a","schema_version":1,"unknown":{"x":[1,2,{"y":"\u00e9"}],"z":-0.0e-1}}`,
	`{"id":"a","schema_version":1,"original_bytes":99999999999999999999}`,
	`{"id":"a","schema_version":1,"enclosures":[{"length":9223372036854775808}]}`,
	`{"id":"a","schema_version":1,"truncated":"true"}`,
	`{"id":"a","schema_version":1,"id":"b"}`,
	`{"id":"a","schema_version":1,"lang_confidence":1E+2}`,
	`{"id":"a","schema_version":01}`,
	`{"id":"a",}`, `[]`, `null`, `"x"`, ``, `{`, ` `, `{"id":"a","schema_version":1`,
}

func TestCodecEdgeCasesMatchEncodingJSON(t *testing.T) {
	for _, in := range edgeCases {
		checkAgainstStd(t, []byte(in))
	}
	for _, a := range []*article.Article{
		{ID: "a", Title: "\xff bad \xe2\x80 utf8", HTML: "<p>&amp; <b>\u2028\u2029</b></p>"},
		{ID: "b", Title: "ctl \x00\x01\x1f \x7f \"q\" \\"},
		{ID: "c", Signature: 1<<64 - 1, Entities: []article.Entity{{ID: "e", Lat: new(float64)}}, LangConfidence: 1e-7},
		{ID: "d", Published: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("", 4*3600)), OriginalBytes: -1},
	} {
		checkEncode(t, a)
	}
}

// FuzzCodecMatchesEncodingJSON compares the codec with encoding/json on arbitrary input.
func FuzzCodecMatchesEncodingJSON(f *testing.F) {
	for _, in := range edgeCases {
		f.Add([]byte(in))
	}
	f.Add([]byte(`{"id":"a","schema_version":1,"title":"<T>","html":"<p>x</p>","sources":[{"feed_url":"f"}],"enclosures":[{"url":"u","length":3}],"keyphrases":["k"],"story_id":"s","truncated":true}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAgainstStd(t, b)
	})
}

// BenchmarkCodec measures Encode, Decode, DecodeListing, DecodeMatching and DecodeIndexing
// against encoding/json on the enriched bench articles (~12 KB of JSON each), with the CPU
// time of the whole process per operation (cpu-ns/op), which other load on the machine
// disturbs less than ns/op.
func BenchmarkCodec(b *testing.B) {
	docs := loadCorpus(b).bench
	raws := make([][]byte, len(docs))
	size := 0
	for i, a := range docs {
		raws[i], _ = article.Encode(a)
		size += len(raws[i])
	}
	decoders := []struct {
		name string
		dec  func([]byte) (*article.Article, error)
	}{{"std", stdDecode}, {"codec", article.Decode}, {"listing", article.DecodeListing}, {"matching", article.DecodeMatching}, {"indexing", article.DecodeIndexing}}
	encoders := []struct {
		name string
		enc  func(*article.Article) ([]byte, error)
	}{{"std", stdEncode}, {"codec", article.Encode}, {"append", func() func(*article.Article) ([]byte, error) {
		var buf []byte // reused, as a writer reuses its buffer from batch to batch
		return func(a *article.Article) (b []byte, err error) {
			buf, err = article.AppendEncode(buf[:0], a)
			return buf, err
		}
	}()}}
	run := func(b *testing.B, op func(i int) error) {
		b.ReportAllocs()
		b.SetBytes(int64(size / len(docs)))
		c0 := cpuTime()
		i := 0
		for b.Loop() {
			if err := op(i % len(docs)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
	}
	for _, d := range decoders {
		b.Run("decode/"+d.name, func(b *testing.B) {
			run(b, func(i int) error { _, err := d.dec(raws[i]); return err })
		})
	}
	for _, e := range encoders {
		b.Run("encode/"+e.name, func(b *testing.B) {
			run(b, func(i int) error { _, err := e.enc(docs[i]); return err })
		})
	}
}

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
