package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/httpapi"
)

// TestSearchRelativeDates: the from and to parameters and the query accept Kibana's
// relative dates (issue 15), evaluated when the search runs.
func TestSearchRelativeDates(t *testing.T) {
	now := time.Now().UTC()
	old, recent := sample(0, "Lachin corridor old"), sample(1, "Lachin corridor recent")
	old.Published, recent.Published = now.AddDate(0, 0, -10), now.Add(-2*time.Hour)
	srv := newServer(t, "", old, recent)
	count := func(params url.Values) int {
		t.Helper()
		resp, b := get(t, srv.URL+"/api/search?"+params.Encode())
		if resp.StatusCode != 200 {
			t.Fatalf("%v: status %d %s", params, resp.StatusCode, b)
		}
		var res struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	for _, tc := range []struct {
		params url.Values
		want   int
	}{
		{url.Values{"from": {"now-1d"}}, 1},
		{url.Values{"from": {"now-7d/d"}, "to": {"now"}}, 1},
		{url.Values{"from": {"now-30d"}, "to": {"now/d"}}, 2},
		{url.Values{"to": {"now-7d"}}, 1},
		{url.Values{"q": {"published:>now-1d"}}, 1},
		{url.Values{"q": {"Lachin published:[now-30d/d TO now]"}}, 2},
		{url.Values{"q": {"published:<now-1w"}}, 1},
	} {
		if got := count(tc.params); got != tc.want {
			t.Errorf("%v: %d results, want %d", tc.params, got, tc.want)
		}
	}
	for _, tc := range []struct {
		params url.Values
		field  string
		column int
	}{
		{url.Values{"from": {"now-1x"}}, "from", 0},
		{url.Values{"to": {"now/q"}}, "to", 0},
		{url.Values{"q": {"published:>now-1x"}}, "", 17}, // the unit, 1-based
	} {
		resp, b := get(t, srv.URL+"/api/search?"+tc.params.Encode())
		var eb httpapi.ErrorBody
		json.Unmarshal(b, &eb)
		if resp.StatusCode != 400 {
			t.Fatalf("%v: status %d, want 400", tc.params, resp.StatusCode)
		}
		if tc.field != "" && !strings.HasPrefix(eb.Error, tc.field+":") {
			t.Errorf("%v: error %q does not name %s", tc.params, eb.Error, tc.field)
		}
		if tc.column > 0 && (eb.Column == nil || *eb.Column != tc.column) {
			t.Errorf("%v: error %s, want column %d", tc.params, b, tc.column)
		}
	}
}
