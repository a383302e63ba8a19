package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/httpapi"
	"wirewatch/internal/index/bleve"
	"wirewatch/internal/web"
)

// TestSearchIsBounded replays the hostile requests of issue 13: each is a 400 that says
// why (and, for a query, where), answered at once rather than after seconds of work.
func TestSearchIsBounded(t *testing.T) {
	srv := newServer(t, "", sample(0, "Lachin corridor blockade"), sample(1, "Baku talks resume"))
	ors := strings.TrimSuffix(strings.Repeat("*x* OR ", 256), " OR ")
	tests := []struct {
		name   string
		params url.Values
		field  string
		column int
	}{
		{"fifty ?* and an x", url.Values{"q": {strings.Repeat("?*", 50) + "x"}}, "", 1},
		{"256 *x* ORed", url.Values{"q": {ors}}, "", 1},
		{"five inner wildcards", url.Values{"q": {"*abc *abd *abe *abf *abg"}}, "", 21},
		{"a 300-byte word", url.Values{"q": {strings.Repeat("w", 300)}}, "", 1},
		{"year 0", url.Values{"q": {"Lachin"}, "from": {"0000-01-01"}}, "from", 0},
		{"past 2262", url.Values{"to": {"2262-05-01"}}, "to", 0},
		{"year 9999", url.Values{"from": {"9999-12-31T23:59:59Z"}}, "from", 0},
		{"published year 0", url.Values{"q": {"published:>0000-01-01"}}, "", 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			resp, b := get(t, srv.URL+"/api/search?"+tc.params.Encode())
			var eb httpapi.ErrorBody
			json.Unmarshal(b, &eb)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d body %.200s, want 400", resp.StatusCode, b)
			}
			if tc.field != "" && !strings.HasPrefix(eb.Error, tc.field+":") {
				t.Errorf("error %q does not name %s", eb.Error, tc.field)
			}
			if tc.column > 0 && (eb.Column == nil || *eb.Column != tc.column) {
				t.Errorf("error %s, want column %d", b, tc.column)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("refusing took %s", d)
			}
		})
	}
	if resp, b := get(t, srv.URL+"/api/search?q=Lach*&from=1900-01-01&to=2200-01-01"); resp.StatusCode != 200 {
		t.Errorf("a sane search: %d %s", resp.StatusCode, b)
	}
}

// TestSearchTimeout: a search that outlives serve.search_timeout is cancelled and answered
// with a 503 that says which setting bounds it.
func TestSearchTimeout(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	b, err := bleve.Open(t.TempDir()+"/idx", []string{"en"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Write(t.Context(), []*article.Article{sample(0, "Lachin corridor"), sample(1, "Lachin road")}); err != nil {
		t.Fatal(err)
	}
	ws := web.New(web.Options{Logger: logger})
	web.NewSearch(b, time.Nanosecond, logger).Routes(ws)
	srv := httptest.NewServer(ws)
	defer srv.Close()
	resp, body := get(t, srv.URL+"/api/search?q=Lachin&sort=newest")
	if resp.StatusCode != 503 || !strings.Contains(string(body), "serve.search_timeout") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d body %s, want a 503 naming serve.search_timeout with Retry-After", resp.StatusCode, body)
	}
}

// TestMetricsNeedTheToken: with serve.token set, /metrics is as closed as /api/, and a
// feed URL in a label never shows its credentials.
func TestMetricsNeedTheToken(t *testing.T) {
	reg := prometheus.NewRegistry()
	up := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "feed_up", Help: "test"}, []string{"feed_url"})
	up.WithLabelValues("https://reader:hunter2@feeds.example/rss?token=abc&page=2").Set(1)
	reg.MustRegister(up)
	for _, token := range []string{"s3cret", ""} {
		srv := httptest.NewServer(web.New(web.Options{Registry: reg, Token: token, Logger: slog.New(slog.DiscardHandler)}))
		if token != "" {
			if resp, _ := get(t, srv.URL+"/metrics"); resp.StatusCode != 401 {
				t.Errorf("/metrics without the token: %d, want 401", resp.StatusCode)
			}
		}
		resp, body := get(t, srv.URL+"/metrics", "Authorization", "Bearer "+token)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "feed_up") {
			t.Errorf("/metrics with the token: %d %s", resp.StatusCode, body)
		}
		if strings.Contains(string(body), "hunter2") || strings.Contains(string(body), "abc") {
			t.Errorf("/metrics shows a feed's credentials:\n%s", body)
		}
		srv.Close()
	}
}
