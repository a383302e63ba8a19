package process

import (
	"net/http"
	"strconv"

	"wirewatch/internal/httpapi"
	"wirewatch/internal/topic"
)

// Routes mounts the enricher's HTTP routes, for curating the knowledge base and for the
// names people read:
//
//	GET /api/entities/unknown?n=50 → 200 {"names": [...]}: names found by patterns and not
//	                                 in the knowledge base, most frequent first; n from 1 to
//	                                 10,000, 50 when missing or out of range
//	GET /api/topics                → 200 {"topics": [{"id", "name", "rule"}]}: the topic rules in
//	                                 force (reloaded with the file), in file order, at most
//	                                 topic.MaxTopics
func (e *Enricher) Routes(r httpapi.Router) {
	r.Handle("GET /api/entities/unknown", http.HandlerFunc(e.serveUnknown))
	r.Handle("GET /api/topics", http.HandlerFunc(e.serveTopics))
}

func (e *Enricher) serveTopics(w http.ResponseWriter, r *http.Request) {
	topics := e.state.Load().topics.Topics()
	if topics == nil {
		topics = []topic.Topic{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"topics": topics})
}

func (e *Enricher) serveUnknown(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 1 || n > 10000 {
		n = 50
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"names": e.Unknown(n)})
}
