package pipeline

import (
	"encoding/json"
	"net/http"
	"strconv"

	"wirewatch/internal/process"
)

// unknownHandler serves the names the enricher found by patterns, most frequent first.
func unknownHandler(e *process.Enricher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 1 || n > 10000 {
			n = 50
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(map[string]any{"names": e.Unknown(n)})
	})
}
