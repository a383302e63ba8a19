package process

import (
	"net/http"
	"strconv"

	"wirewatch/internal/httpapi"
)

// Routes mounts the enricher's HTTP route for curating the knowledge base:
//
//	GET /api/entities/unknown?n=50 → 200 {"names": [...]}: names found by patterns and not
//	                                 in the knowledge base, most frequent first; n from 1 to
//	                                 10,000, 50 when missing or out of range
//
// The topics in force (Topics) are served by the pipeline through web's GET /api/topics.
func (e *Enricher) Routes(r httpapi.Router) {
	r.Handle("GET /api/entities/unknown", http.HandlerFunc(e.serveUnknown))
}

func (e *Enricher) serveUnknown(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 1 || n > 10000 {
		n = 50
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"names": e.Unknown(n)})
}
