package ingest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsReportFeedHealth(t *testing.T) {
	good := &seedFeed{}
	good.add(`<item><title>x</title><link>https://m.example/1</link></item>`)
	mux := http.NewServeMux()
	mux.Handle("/good", good)
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	pub := newRecorder()
	p, err := NewPoller(testConfig(srv.URL+"/good", srv.URL+"/gone"), t.TempDir(), pub, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	if err := p.RegisterMetrics(reg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	waitFor(t, 5*time.Second, "both feeds polled", func() bool {
		return statusOf(t, p, srv.URL+"/good").Published == 1 && statusOf(t, p, srv.URL+"/gone").ConsecutiveFailures > 0
	})
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	byName := map[string]map[string]float64{} // metric → feed_url → value
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			feed := ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "feed_url" {
					feed = l.GetValue()
				}
			}
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			if byName[mf.GetName()] == nil {
				byName[mf.GetName()] = map[string]float64{}
			}
			byName[mf.GetName()][feed] += v
		}
	}
	checks := []struct {
		metric, feed string
		want         float64
	}{
		{"wirewatch_ingest_feed_up", srv.URL + "/good", 1},
		{"wirewatch_ingest_feed_up", srv.URL + "/gone", 0},
		{"wirewatch_ingest_feed_published_total", srv.URL + "/good", 1},
		{"wirewatch_ingest_articles_published_total", "", 1},
	}
	for _, c := range checks {
		if got, ok := byName[c.metric][c.feed]; !ok || got != c.want {
			t.Errorf("%s{feed_url=%q} = %v (present %v), want %v", c.metric, c.feed, got, ok, c.want)
		}
	}
	if byName["wirewatch_ingest_feed_consecutive_failures"][srv.URL+"/gone"] < 1 {
		t.Errorf("failures of the 410 feed not counted")
	}
}
