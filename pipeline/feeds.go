package pipeline

import (
	"encoding/json"
	"net/http"

	"wirewatch/ingest"
)

// feedsHandler serves the poller's per-feed health.
func feedsHandler(p *ingest.Poller) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(map[string]any{"feeds": p.Status()})
	})
}
