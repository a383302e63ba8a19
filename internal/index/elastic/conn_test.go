package elastic

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/index"
)

func TestConnectionSettings(t *testing.T) {
	tests := []struct {
		name     string
		tls      bool
		change   func(c *config.ElasticConfig, caFile string)
		wantAuth string
		wantErr  string // substring of the Search error; "" for success
	}{
		{name: "basic auth", change: func(c *config.ElasticConfig, _ string) { c.Username, c.Password = "wirewatch", "s3cret" },
			wantAuth: "Basic " + base64.StdEncoding.EncodeToString([]byte("wirewatch:s3cret"))},
		{name: "api key", change: func(c *config.ElasticConfig, _ string) {
			c.APIKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
		},
			wantAuth: "APIKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="},
		{name: "https with the cluster's CA", tls: true, change: func(c *config.ElasticConfig, ca string) { c.CAFile = ca }},
		{name: "https without the CA", tls: true, change: func(*config.ElasticConfig, string) {}, wantErr: "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeES(t)
			if tt.tls {
				f = newFakeESTLS(t)
			}
			f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
			ca := filepath.Join(t.TempDir(), "ca.pem")
			if tt.tls {
				pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
				if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.MaxRetries = 0; tt.change(c, ca) })
			_, err := b.Search(context.Background(), index.Request{Query: "Lachin"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			reqs := f.take()
			if len(reqs) != 1 || reqs[0].Auth != tt.wantAuth {
				t.Fatalf("Authorization %q, want %q", reqs[0].Auth, tt.wantAuth)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	cfg := config.Default().Index.Elastic
	cfg.URLs = []string{"http://localhost:9200"}
	cfg.CAFile = filepath.Join(t.TempDir(), "missing.pem")
	if _, err := New(cfg, nil, nil); err == nil || !strings.Contains(err.Error(), "ca_file") {
		t.Errorf("missing CA file: got %v, want an error naming ca_file", err)
	}
	cfg = config.Default().Index.Elastic
	cfg.CloudID = "not-a-cloud-id"
	if _, err := New(cfg, nil, nil); err == nil {
		t.Errorf("a malformed cloud_id was accepted")
	}
}

func TestWriteCancelled(t *testing.T) {
	f := newFakeES(t)
	f.acknowledge()
	f.on("POST /{index}/_search", func(request) (int, string) { return noHits() })
	var bulk bulkRoute
	bulk.install(t, f, func(bulkAction, int) bulkItem {
		return bulkItem{Status: 503, Type: "unavailable_shards_exception", Reason: "primary shard is not active"}
	})
	// Retries would take minutes: cancelling must end the call at once.
	b := newTestBackend(t, f, func(c *config.ElasticConfig) { c.MaxRetries = 10; c.RetryBackoff = 10 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	errs, err := b.Write(ctx, []*article.Article{testArticles()[0]})
	if !errors.Is(err, context.DeadlineExceeded) || errs != nil {
		t.Fatalf("got %v, %v; want the context's error and no item results", errs, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Write took %v after its context ended", d)
	}
}
