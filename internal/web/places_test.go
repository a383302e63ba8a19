package web_test

import (
	"encoding/json"
	"testing"

	"wirewatch/internal/article"
)

// TestSearchHitsLocatePlaces: a hit's places carry the coordinates the knowledge base gave
// them, which the UI's map draws (issue 15); other entities carry none.
func TestSearchHitsLocatePlaces(t *testing.T) {
	lat, lon := 39.6, 46.5
	a := sample(0, "Lachin corridor talks")
	a.Entities = []article.Entity{
		{ID: "Q1025093", Type: article.Place, Name: "Lachin", Lat: &lat, Lon: &lon, Known: true},
		{ID: "Q58217", Type: article.Person, Name: "Sergey Lavrov", Known: true},
	}
	srv := newServer(t, "", a)
	resp, b := get(t, srv.URL+"/api/search?q=Lachin")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %s", resp.StatusCode, b)
	}
	var res struct {
		Hits []struct {
			Entities []struct {
				ID  string   `json:"id"`
				Lat *float64 `json:"lat"`
				Lon *float64 `json:"lon"`
			} `json:"entities"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || len(res.Hits[0].Entities) != 2 {
		t.Fatalf("hits %s", b)
	}
	for _, e := range res.Hits[0].Entities {
		switch e.ID {
		case "Q1025093":
			if e.Lat == nil || e.Lon == nil || *e.Lat != lat || *e.Lon != lon {
				t.Errorf("Lachin at %v, %v; want %v, %v", e.Lat, e.Lon, lat, lon)
			}
		default:
			if e.Lat != nil || e.Lon != nil {
				t.Errorf("%s has coordinates %v, %v; want none", e.ID, *e.Lat, *e.Lon)
			}
		}
	}
}
