package process

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"wirewatch/internal/web"
)

// TestTopicsAPIGivesNames checks GET /api/topics over the enricher (web.TopicRoutes, as
// the pipeline mounts it): the UI shows the names of the rules file, not IDs turned into
// words.
func TestTopicsAPIGivesNames(t *testing.T) {
	e, _, _ := newUserEnricher(t, "[]\n", "topics:\n  - id: csto\n    name: Collective Security Treaty Organization\n    rule: CSTO OR ОДКБ\n")
	mux := http.NewServeMux()
	web.TopicRoutes(mux, e)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/api/topics", nil))
	var body struct {
		Topics []struct{ ID, Name string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != 200 || err != nil {
		t.Fatalf("GET /api/topics: %d %s (%v)", rec.Code, rec.Body, err)
	}
	if len(body.Topics) != 1 || body.Topics[0].ID != "csto" || body.Topics[0].Name != "Collective Security Treaty Organization" {
		t.Errorf("topics = %+v", body.Topics)
	}
}
