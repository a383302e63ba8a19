package bus

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the per-stage counters every consumer and producer updates. Create one per
// process with NewMetrics and pass it to each stage.
type Metrics struct {
	Consumed      *prometheus.CounterVec // stage
	Produced      *prometheus.CounterVec // topic
	DeadLettered  *prometheus.CounterVec // stage
	HandlerErrors *prometheus.CounterVec // stage
	Lag           *prometheus.GaugeVec   // stage, partition
	BatchSeconds  *prometheus.HistogramVec
}

// NewMetrics registers the bus metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_messages_consumed_total", Help: "Messages a stage consumed and committed.",
		}, []string{"stage"}),
		Produced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_messages_produced_total", Help: "Messages acknowledged by Kafka, by topic.",
		}, []string{"topic"}),
		DeadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_messages_dead_lettered_total", Help: "Messages a stage sent to the dead-letter topic.",
		}, []string{"stage"}),
		HandlerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirewatch_batch_errors_total", Help: "Batches that failed and will be retried.",
		}, []string{"stage"}),
		Lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "wirewatch_consumer_lag", Help: "Messages behind the partition's high-water mark at the last fetch.",
		}, []string{"stage", "partition"}),
		BatchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wirewatch_batch_seconds", Help: "Time to handle and commit one batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"stage"}),
	}
	reg.MustRegister(m.Consumed, m.Produced, m.DeadLettered, m.HandlerErrors, m.Lag, m.BatchSeconds)
	return m
}

func (m *Metrics) observeLag(stage string, partition int, lag int64) {
	m.Lag.WithLabelValues(stage, strconv.Itoa(partition)).Set(float64(lag))
}
