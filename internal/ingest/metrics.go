package ingest

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the poller's Prometheus series. Per-feed health is read from Status at scrape
// time, so a gauge can never disagree with the API.
type metrics struct {
	p       *Poller
	fetches *prometheus.CounterVec
	// fetchOK and fetchErr are fetches' two series, looked up once rather than by label
	// values at every fetch.
	fetchOK, fetchErr prometheus.Counter
	fetchTime         prometheus.Histogram
	published         prometheus.Counter
	refused           prometheus.Counter
	failures          prometheus.Counter
	pushes            prometheus.Counter
	// pollRequests counts "poll now" requests by outcome (accepted, too_soon, unknown, not_held).
	pollRequests *prometheus.CounterVec

	feedUp          *prometheus.Desc
	feedFailures    *prometheus.Desc
	feedItemsPerDay *prometheus.Desc
	feedLastSuccess *prometheus.Desc
	feedLastNew     *prometheus.Desc
	feedStale       *prometheus.Desc
	feedPublished   *prometheus.Desc
	feedInterval    *prometheus.Desc
	feedNextPoll    *prometheus.Desc
}

func newMetrics(p *Poller) *metrics {
	label := []string{"feed_url"}
	m := &metrics{
		p: p,
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_ingest_fetches_total", Help: "Feed fetches by outcome (ok or error).",
		}, []string{"outcome"}),
		fetchTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "wirewatch_ingest_fetch_seconds", Help: "Time to fetch one feed.",
			Buckets: prometheus.ExponentialBuckets(0.01, 3, 9),
		}),
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_ingest_articles_published_total", Help: "Articles acknowledged by Kafka.",
		}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_ingest_articles_refused_total", Help: "Items too large for a Kafka message even once truncated, refused alone.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_ingest_poll_failures_total", Help: "Polls that ended in an error (fetch, parse or publish).",
		}),
		pushes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wirewatch_ingest_websub_pushes_total", Help: "WebSub content distributions received.",
		}),
		pollRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_ingest_poll_requests_total", Help: "Polls asked for by hand (poll now), by outcome.",
		}, []string{"outcome"}),
		feedUp:          prometheus.NewDesc("wirewatch_ingest_feed_up", "1 when the feed's last poll succeeded.", label, nil),
		feedFailures:    prometheus.NewDesc("wirewatch_ingest_feed_consecutive_failures", "Failed polls in a row.", label, nil),
		feedItemsPerDay: prometheus.NewDesc("wirewatch_ingest_feed_items_per_day", "Observed publishing rate.", label, nil),
		feedLastSuccess: prometheus.NewDesc("wirewatch_ingest_feed_last_success_timestamp_seconds", "Time of the last successful poll.", label, nil),
		feedLastNew:     prometheus.NewDesc("wirewatch_ingest_feed_last_new_item_timestamp_seconds", "Time of the newest item.", label, nil),
		feedStale:       prometheus.NewDesc("wirewatch_ingest_feed_stale", "1 when the feed answers but brings nothing new.", label, nil),
		feedPublished:   prometheus.NewDesc("wirewatch_ingest_feed_published_total", "Articles published from this feed.", label, nil),
		feedInterval:    prometheus.NewDesc("wirewatch_ingest_feed_interval_seconds", "Current adaptive poll interval.", label, nil),
		feedNextPoll:    prometheus.NewDesc("wirewatch_ingest_feed_next_poll_timestamp_seconds", "When the feed is polled next.", label, nil),
	}
	m.fetchOK, m.fetchErr = m.fetches.WithLabelValues("ok"), m.fetches.WithLabelValues("error")
	return m
}

func (m *metrics) observeFetch(d time.Duration, err error) {
	m.fetchTime.Observe(d.Seconds())
	if err != nil {
		m.fetchErr.Inc()
	} else {
		m.fetchOK.Inc()
	}
}

// RegisterMetrics registers the poller's metrics, including per-feed health gauges, on reg.
func (p *Poller) RegisterMetrics(reg prometheus.Registerer) error {
	m := p.metrics
	for _, c := range []prometheus.Collector{m.fetches, m.fetchTime, m.published, m.refused, m.failures, m.pushes, m.pollRequests, m} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Describe and Collect make metrics a collector of the per-feed series.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.feedUp, m.feedFailures, m.feedItemsPerDay, m.feedLastSuccess, m.feedLastNew, m.feedStale, m.feedPublished, m.feedInterval, m.feedNextPoll} {
		ch <- d
	}
}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	for _, s := range m.p.Status() {
		up := 0.0
		if !s.LastSuccess.IsZero() && s.ConsecutiveFailures == 0 {
			up = 1
		}
		st := 0.0
		if s.Stale {
			st = 1
		}
		ch <- prometheus.MustNewConstMetric(m.feedUp, prometheus.GaugeValue, up, s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedFailures, prometheus.GaugeValue, float64(s.ConsecutiveFailures), s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedItemsPerDay, prometheus.GaugeValue, s.ItemsPerDay, s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedLastSuccess, prometheus.GaugeValue, unixOrZero(s.LastSuccess), s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedLastNew, prometheus.GaugeValue, unixOrZero(s.LastNewItem), s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedStale, prometheus.GaugeValue, st, s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedPublished, prometheus.CounterValue, float64(s.Published), s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedInterval, prometheus.GaugeValue, s.IntervalSeconds, s.URL)
		ch <- prometheus.MustNewConstMetric(m.feedNextPoll, prometheus.GaugeValue, unixOrZero(s.NextPoll), s.URL)
	}
}

func unixOrZero(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
