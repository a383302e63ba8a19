package elastic

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/query"
)

// bulkSink is an httptest cluster that accepts everything: every bulk item is created,
// id lookups find nothing, index creation is acknowledged. It answers from the request
// body's line count, without decoding the documents, so the benchmark measures the client.
func bulkSink(b *testing.B) (*httptest.Server, *atomic.Int64) {
	b.Helper()
	var docs atomic.Int64
	item := []byte(`{"index":{"_index":"wirewatch-articles-2026.11","_id":"x","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.URL.Path == "/_bulk":
			n := bytes.Count(body, []byte("\n")) / 2
			docs.Add(int64(n))
			var out bytes.Buffer
			out.WriteString(`{"took":3,"errors":false,"items":[`)
			for i := range n {
				if i > 0 {
					out.WriteByte(',')
				}
				out.Write(item)
			}
			out.WriteString("]}")
			_, _ = w.Write(out.Bytes())
		case strings.HasSuffix(r.URL.Path, "/_search"):
			_, _ = io.WriteString(w, `{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"hits":[]}}`)
		default:
			_, _ = io.WriteString(w, `{"acknowledged":true}`)
		}
	}))
	b.Cleanup(srv.Close)
	return srv, &docs
}

// benchDocs are n enriched articles of about 3 KB, in one month.
func benchDocs(n int) []*article.Article {
	docs := make([]*article.Article, n)
	para := strings.Repeat("Le blocus du corridor de Latchine entre l'Arménie et le Haut-Karabakh se poursuit. ", 35)
	for i := range docs {
		docs[i] = &article.Article{
			ID: fmt.Sprintf("%032x", i), URL: fmt.Sprintf("https://news.example/a/%d", i),
			Title: fmt.Sprintf("Corridor de Latchine, jour %d", i), Text: para, Lang: "fr",
			Published: time.Date(2026, 11, 1+i%28, 8, 0, 0, 0, time.UTC),
			Source:    article.Source{FeedURL: "https://news.example/rss", FeedTitle: "News"},
			Entities:  []article.Entity{{ID: "Q399", Type: article.Place, Name: "Armenia", Country: "AM"}, {ID: "Q244165", Type: article.Place, Name: "Nagorno-Karabakh"}},
			Topics:    []string{"lachin-corridor"}, StoryID: fmt.Sprintf("s%d", i/3),
		}
	}
	return docs
}

// BenchmarkWrite compares Backend.Write with a bare esutil.BulkIndexer sending the same
// documents (the same JSON, encoded inside the loop in both) to the same kind of server
// with the same workers and flush size. The difference is Write's own cost: the id
// lookup, the result bookkeeping and the per-call flush. Each iteration runs one batch
// through each, alternating, so that a busy machine slows both alike; the metrics are
// docs/s for each and Write's time as a percentage of the bare indexer's.
func BenchmarkWrite(b *testing.B) {
	const batch = 500
	docs := benchDocs(batch)
	cfg := config.Default().Index.Elastic
	ctx := context.Background()

	srvW, sentW := bulkSink(b)
	c := cfg
	c.URLs = []string{srvW.URL}
	be, err := New(c, query.DefaultLanguages, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()

	srvR, sentR := bulkSink(b)
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{srvR.URL}})
	if err != nil {
		b.Fatal(err)
	}
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{Client: es, NumWorkers: cfg.BulkWorkers, FlushBytes: cfg.FlushBytes, FlushInterval: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	defer bi.Close(ctx)
	var failed atomic.Int64

	var inWrite, inRaw time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		errs, err := be.Write(ctx, docs)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range errs {
			if e != nil {
				b.Fatal(e)
			}
		}
		inWrite += time.Since(start)

		start = time.Now()
		for _, a := range docs {
			body, err := be.encodeDoc(a) // the same bytes Write sends
			if err != nil {
				b.Fatal(err)
			}
			err = bi.Add(ctx, esutil.BulkIndexerItem{
				Index: "wirewatch-articles-2026.11", Action: "index", DocumentID: a.ID, Body: bytes.NewReader(body),
				OnFailure: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem, error) { failed.Add(1) },
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := bi.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		inRaw += time.Since(start)
	}
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d documents failed", failed.Load())
	}
	if sentW.Load() != sentR.Load() || sentW.Load() != int64(b.N*batch) {
		b.Fatalf("documents received: %d by Write's server, %d by the bare indexer's; want %d each", sentW.Load(), sentR.Load(), b.N*batch)
	}
	b.ReportMetric(float64(sentW.Load())/inWrite.Seconds(), "write-docs/s")
	b.ReportMetric(float64(sentR.Load())/inRaw.Seconds(), "bulkindexer-docs/s")
	b.ReportMetric(100*inWrite.Seconds()/inRaw.Seconds(), "write-%-of-bulkindexer-time")
}
