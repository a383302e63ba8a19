package alert

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/httpapi"
)

// TestSavedSearchBounds: every part of a saved search has a limit, and going past one is a
// 400 that names the field, never a 503 from a Kafka write that was too big.
func TestSavedSearchBounds(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	cfg := testAlertConfig()
	cfg.Searches = nil
	cfg.AllowPrivate = false // the API's defaults
	st := startStage(t, c, cfg, nil)
	base := st.api.URL + "/api/searches"

	hook := func(url string) string {
		return fmt.Sprintf(`{"name":"x","query":"a","channels":[{"type":"atom"},{"type":"webhook","url":%q}]}`, url)
	}
	many := make([]string, MaxChannels+1)
	for i := range many {
		many[i] = `{"type":"atom"}`
	}
	tests := []struct {
		name, body, field string
		status            int
	}{
		{"1 MB name", `{"name":"` + strings.Repeat("n", 1<<20) + `","query":"a"}`, "body", 400},
		{"long name", `{"name":"` + strings.Repeat("é", MaxNameLen+1) + `","query":"a"}`, "name", 400},
		{"control character", `{"name":"a\u0007b","query":"a"}`, "name", 400},
		{"newline in name", `{"name":"a\nb","query":"a"}`, "name", 400},
		{"invalid UTF-8", "{\"name\":\"a\xff\xfeb\",\"query\":\"a\"}", "name", 400},
		{"lone surrogate", `{"name":"a\udc00b","query":"a"}`, "name", 400},
		{"long query", `{"name":"x","query":"` + strings.Repeat("a ", MaxQueryBytes) + `"}`, "query", 400},
		{"too many channels", `{"name":"x","query":"a","channels":[` + strings.Join(many, ",") + `]}`, "channels", 400},
		{"long url", hook("https://hooks.example/" + strings.Repeat("x", MaxURLBytes)), "channels[1].url", 400},
		{"long secret", `{"name":"x","query":"a","channels":[{"type":"webhook","url":"https://h.example/","secret":"` + strings.Repeat("s", 300) + `"}]}`, "channels[0].secret", 400},
		{"loopback", hook("http://127.0.0.1:8080/x"), "channels[1].url", 400},
		{"loopback v6", hook("http://[::1]/x"), "channels[1].url", 400},
		{"unspecified", hook("http://0.0.0.0/x"), "channels[1].url", 400},
		{"decimal loopback", hook("http://2130706433/x"), "channels[1].url", 400},
		{"metadata address", hook("http://169.254.169.254/latest/meta-data/"), "channels[1].url", 400},
		{"private", hook("http://10.0.0.1/x"), "channels[1].url", 400},
		{"mapped loopback", hook("http://[::ffff:7f00:1]/x"), "channels[1].url", 400},
		{"metadata name", hook("http://metadata.google.internal/computeMetadata/v1/"), "channels[1].url", 400},
		{"localhost", hook("http://localhost:9200/_bulk"), "channels[1].url", 400},
		{"slack on loopback", `{"name":"x","query":"a","channels":[{"type":"slack","url":"http://127.0.0.1/x"}]}`, "channels[0].url", 400},
		{"public hook", hook("https://hooks.example/x"), "", 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, b := doJSON(t, "POST", base, tc.body)
			var eb httpapi.ErrorBody
			json.Unmarshal(b, &eb)
			if status != tc.status || eb.Field != tc.field {
				t.Fatalf("status %d body %.300s, want %d naming %q", status, b, tc.status, tc.field)
			}
		})
	}
}

// TestWebhookGuard: a webhook whose name passes the early check but resolves inside (DNS
// rebinding, or a search saved while alert.allow_private was on) is refused when the
// worker connects, for good, and the receiver never sees a request.
func TestWebhookGuard(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	hook := newReceiver(t, "", 0)
	cfg := testAlertConfig()
	cfg.Searches = nil
	cfg.AllowPrivate = false
	st := startStage(t, c, cfg, nil)
	_, port, _ := net.SplitHostPort(hook.srv.Listener.Addr().String())
	// createSearch writes to the topic without the API's early check, as an old record
	// would; "localhost" stands for a public name that resolves to loopback.
	s := createSearch(t, st, SavedSearch{Name: "Lachin", Query: "Lachin", Channels: []Channel{
		{Type: "webhook", URL: "http://localhost:" + port + "/hook"}, {Type: "slack", URL: hook.srv.URL}}})
	publish(t, c, enriched("a.example", "g1"))
	waitFor(t, 20*time.Second, "both deliveries to fail", func() bool {
		failed := 0
		for _, d := range st.state.list(s.ID) {
			if d.Status == StatusFailed && strings.Contains(d.LastError, "alert.allow_private") {
				failed++
			}
		}
		return failed == 2
	})
	for _, d := range st.state.list(s.ID) {
		if d.Attempts != 1 {
			t.Errorf("%s: %d attempts; a refused address is not worth retrying", d.Type, d.Attempts)
		}
	}
	if n := hook.total(); n != 0 {
		t.Fatalf("the loopback receiver got %d requests", n)
	}
}
