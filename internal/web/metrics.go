package web

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"wirewatch/internal/netguard"
)

// redactingGatherer hides credentials in URL-valued labels (feed_url): a feed's address
// may carry a user and password or an API key, and /metrics is read by whoever scrapes.
type redactingGatherer struct{ g prometheus.Gatherer }

func (r redactingGatherer) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := r.g.Gather()
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v := lp.GetValue(); strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
					red := netguard.Redact(v)
					lp.Value = &red
				}
			}
		}
	}
	return mfs, err
}
