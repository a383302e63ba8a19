package alert

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/article"
	"wirewatch/internal/httpapi"
	"wirewatch/internal/index"
	"wirewatch/internal/index/bleve"
)

func doJSON(t *testing.T, method, url string, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestSearchAPI exercises create, read, update, delete and their errors, then restarts
// the stage on the same broker: the topic, tombstones included, is the only store.
func TestSearchAPI(t *testing.T) {
	dir := t.TempDir()
	e, c := startBroker(t, dir)
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	base := st.api.URL + "/api/searches"

	bad := []struct {
		name, body, field string
		column            int
	}{
		{"unbalanced quote", `{"name":"x","query":"Lachin \"corridor"}`, "query", 8},
		{"unknown field", `{"name":"x","query":"a","colour":"red"}`, "body", 0},
		{"bad mode", `{"name":"x","query":"a","mode":"weekly"}`, "mode", 0},
		{"webhook without url", `{"name":"x","query":"a","channels":[{"type":"webhook"}]}`, "channels[0].url", 0},
		{"bad email", `{"name":"x","query":"a","channels":[{"type":"email","to":["not-an-address"]}]}`, "channels[0].to[0]", 0},
		{"no name", `{"query":"a"}`, "name", 0},
		{"id given", `{"id":"abc","name":"x","query":"a"}`, "id", 0},
		{"email without a mail server", `{"name":"x","query":"a","channels":[{"type":"atom"},{"type":"email","to":["analyst@example.org"]}]}`, "channels[1]", 0},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			status, b := doJSON(t, "POST", base, tc.body)
			var eb httpapi.ErrorBody
			json.Unmarshal(b, &eb)
			if status != 400 || eb.Field != tc.field {
				t.Fatalf("status %d body %s, want 400 naming %s", status, b, tc.field)
			}
			if tc.column > 0 && (eb.Column == nil || *eb.Column != tc.column || eb.Position == nil) {
				t.Errorf("want column %d and a position: %s", tc.column, b)
			}
		})
	}

	status, b := doJSON(t, "POST", base, `{"name":"Lachin","query":"topic:lachin-corridor","channels":[{"type":"atom"}]}`)
	if status != 201 {
		t.Fatalf("create: %d %s", status, b)
	}
	var created SavedSearch
	json.Unmarshal(b, &created)
	if created.ID == "" || created.Mode != ModeImmediate || created.Created.IsZero() {
		t.Fatalf("created = %+v", created)
	}
	status, b = doJSON(t, "POST", base, `{"name":"Doomed","query":"Karabakh"}`)
	if status != 201 {
		t.Fatalf("create: %d %s", status, b)
	}
	var doomed SavedSearch
	json.Unmarshal(b, &doomed)

	status, b = doJSON(t, "PUT", base+"/"+created.ID, `{"name":"Lachin road","query":"topic:lachin-corridor OR Lachin","mode":"daily","channels":[]}`)
	if status != 200 {
		t.Fatalf("update: %d %s", status, b)
	}
	if status, _ := doJSON(t, "PUT", base+"/nope", `{"name":"x","query":"a"}`); status != 404 {
		t.Errorf("update of unknown id: %d", status)
	}
	if status, b := doJSON(t, "DELETE", base+"/"+doomed.ID, ""); status != 204 {
		t.Fatalf("delete: %d %s", status, b)
	}
	if status, _ := doJSON(t, "GET", base+"/"+doomed.ID, ""); status != 404 {
		t.Errorf("get after delete: %d", status)
	}
	if status, b := doJSON(t, "GET", base+"/"+created.ID+"/matches?limit=0", ""); status != 400 {
		t.Errorf("limit=0: %d %s", status, b)
	}
	if status, b := doJSON(t, "GET", base+"/"+created.ID+"/backfill", ""); status != 503 {
		t.Errorf("backfill without an index: %d %s", status, b)
	}

	// Restart on the same broker data: the update and the delete hold.
	st.stop()
	e.Close()
	e2, c2 := startBroker(t, dir)
	defer e2.Close()
	st2 := startStage(t, c2, cfg, nil)
	var list struct {
		Searches []SavedSearch `json:"searches"`
	}
	getJSON(t, st2.api.URL+"/api/searches", &list)
	if len(list.Searches) != 1 {
		t.Fatalf("after restart: %+v, want only the updated search", list.Searches)
	}
	got := list.Searches[0]
	if got.ID != created.ID || got.Name != "Lachin road" || got.Mode != ModeDaily || !got.Created.Equal(created.Created) || !got.Updated.After(created.Updated) {
		t.Errorf("after restart: %+v", got)
	}
}

// TestSecretsAreWriteOnly checks that no response carries a channel's secret, only
// secret_set, and that an update sending no secret (a search read, edited and saved back)
// keeps the old one, which still signs the deliveries.
func TestSecretsAreWriteOnly(t *testing.T) {
	_, c := startBroker(t, t.TempDir())
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	base := st.api.URL + "/api/searches"
	const secret = "very-secret-key"
	status, b := doJSON(t, "POST", base, `{"name":"Lachin","query":"Lachin","channels":[{"type":"webhook","url":"https://hooks.example.org/h","secret":"`+secret+`"},{"type":"atom"}]}`)
	if status != 201 || bytes.Contains(b, []byte(secret)) || !bytes.Contains(b, []byte(`"secret_set":true`)) {
		t.Fatalf("create: %d %s, want 201 with secret_set and no secret", status, b)
	}
	var created SavedSearch
	json.Unmarshal(b, &created)
	for _, path := range []string{base, base + "/" + created.ID} {
		status, b := doJSON(t, "GET", path, "")
		if status != 200 || bytes.Contains(b, []byte(secret)) || !bytes.Contains(b, []byte(`"secret_set":true`)) {
			t.Errorf("GET %s: %d %s, want secret_set and no secret", path, status, b)
		}
	}
	// Read, edit, save back: the body carries secret_set and no secret.
	_, b = doJSON(t, "GET", base+"/"+created.ID, "")
	edited := bytes.Replace(b, []byte(`"name":"Lachin"`), []byte(`"name":"Lachin road"`), 1)
	var m map[string]any
	json.Unmarshal(edited, &m)
	delete(m, "id")
	body, _ := json.Marshal(m)
	if status, b := doJSON(t, "PUT", base+"/"+created.ID, string(body)); status != 200 || bytes.Contains(b, []byte(secret)) {
		t.Fatalf("update: %d %s", status, b)
	}
	got, ok := st.set.get(created.ID)
	if !ok || got.Name != "Lachin road" || len(got.Channels) != 2 || got.Channels[0].Secret != secret {
		t.Errorf("after the update the stage holds %+v, want the old secret kept", got)
	}
	// A new secret replaces it; a changed URL is a new target and keeps nothing.
	doJSON(t, "PUT", base+"/"+created.ID, `{"name":"Lachin","query":"Lachin","channels":[{"type":"webhook","url":"https://hooks.example.org/other"}]}`)
	if got, _ := st.set.get(created.ID); len(got.Channels) != 1 || got.Channels[0].Secret != "" {
		t.Errorf("a channel with a new URL inherited a secret: %+v", got)
	}
}

// TestConfigSearchesAreUpserted checks that searches declared in the file get stable IDs
// and are written once, not once per start.
func TestConfigSearchesAreUpserted(t *testing.T) {
	dir := t.TempDir()
	e, c := startBroker(t, dir)
	defer e.Close()
	cfg := testAlertConfig()
	cfg.Searches = cfg.Searches[:0]
	cfg.Searches = append(cfg.Searches, configSearch("Lachin", "topic:lachin-corridor"), configSearch("Yerevan", "Yerevan"))
	st := startStage(t, c, cfg, nil)
	byName := func(list []SavedSearch) map[string]SavedSearch {
		m := map[string]SavedSearch{}
		for _, s := range list {
			m[s.Name] = s
		}
		return m
	}
	first := byName(st.set.list())
	if len(first) != 2 || first["Lachin"].Origin != "config" || first["Lachin"].ID != fromConfig(cfg.Searches[0]).ID {
		t.Fatalf("declared searches = %+v", first)
	}
	st.stop()
	cfg.Searches[1].Query = "Yerevan OR Erevan"
	st2 := startStage(t, c, cfg, nil)
	again := byName(st2.set.list())
	if len(again) != 2 {
		t.Fatalf("after restart: %d searches, want 2", len(again))
	}
	if s := again["Lachin"]; s.ID != first["Lachin"].ID || !s.Updated.Equal(first["Lachin"].Updated) {
		t.Errorf("unchanged search was rewritten: %+v → %+v", first["Lachin"], s)
	}
	if s := again["Yerevan"]; s.ID != first["Yerevan"].ID || s.Query != "Yerevan OR Erevan" {
		t.Errorf("changed search = %+v", s)
	}
}

// TestEventStream reads alerts from the SSE endpoint, then reconnects with Last-Event-ID
// and gets only what came after.
func TestEventStream(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	s := createSearch(t, st, SavedSearch{Name: "Lachin", Query: "Lachin", Channels: []Channel{{Type: "sse"}}})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := openStream(t, ctx, st.api.URL+"/api/alerts/stream", "")
	publish(t, c, enriched("oc-media.org", "s1"))
	ev := nextEvent(t, events)
	if ev.event != "alert" || ev.id != AlertID(s.ID, "s1") {
		t.Fatalf("first event = %+v", ev)
	}
	var a Alert
	if err := json.Unmarshal([]byte(ev.data), &a); err != nil || a.StoryID != "s1" {
		t.Fatalf("event data %q: %v", ev.data, err)
	}
	publish(t, c, enriched("oc-media.org", "s2"), enriched("oc-media.org", "s3"))
	nextEvent(t, events)
	nextEvent(t, events)

	// The two alerts may sit on different partitions, so their order is not fixed.
	replay := openStream(t, ctx, st.api.URL+"/api/alerts/stream", ev.id)
	want := map[string]bool{AlertID(s.ID, "s2"): true, AlertID(s.ID, "s3"): true}
	for range 2 {
		got := nextEvent(t, replay)
		if !want[got.id] {
			t.Errorf("replay gave %s, want the alerts of s2 and s3 once each", got.id)
		}
		delete(want, got.id)
	}
}

type sseEvent struct{ event, id, data string }

func openStream(t *testing.T, ctx context.Context, url, lastID string) <-chan sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	out := make(chan sseEvent, 16)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			k, v, _ := strings.Cut(line, ": ")
			switch {
			case line == "":
				if ev.event != "" {
					out <- ev
				}
				ev = sseEvent{}
			case k == "event":
				ev.event = v
			case k == "id":
				ev.id = v
			case k == "data":
				ev.data = v
			}
		}
	}()
	return out
}

func nextEvent(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("stream closed")
		}
		return ev
	case <-time.After(20 * time.Second):
		t.Fatal("no event within 20 s")
	}
	return sseEvent{}
}

// TestBackfillFromTheIndex asks what a new search would have matched in the last week,
// from a real Bleve index: recent matching stories only, one hit per story.
func TestBackfillFromTheIndex(t *testing.T) {
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	backend, err := bleve.Open(filepath.Join(t.TempDir(), "index.bleve"), []string{"en", "fr", "ru"}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	now := time.Now().UTC()
	recent := enriched("oc-media.org", "b1")
	recent.Published = now.Add(-48 * time.Hour)
	copyOf := enriched("civilnet.am", "b1")
	copyOf.Published = now.Add(-47 * time.Hour)
	old := enriched("oc-media.org", "b0")
	old.Published = now.Add(-30 * 24 * time.Hour)
	other := enriched("apa.az", "b2")
	other.Title, other.Summary, other.Topics, other.Entities = "Elections in Georgia", "Tbilisi votes.", nil, nil
	other.Published = now.Add(-24 * time.Hour)
	itemErrs, err := backend.Write(context.Background(), []*article.Article{recent, copyOf, old, other})
	if err = errors.Join(append(itemErrs, err)...); err != nil {
		t.Fatalf("indexing: %v", err)
	}

	cfg := testAlertConfig()
	cfg.Searches = nil
	st, err := NewStage(c, cfg, backend, prometheus.NewRegistry(), testLogger())
	if err != nil {
		t.Fatal(err)
	}
	st.SetFeedToken("tok")
	mux := http.NewServeMux()
	st.Routes(mux)
	api := httptest.NewServer(mux)
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if !st.waitReady(ctx) {
		t.Fatal("not ready")
	}
	s := createSearch(t, &runningStage{Stage: st}, SavedSearch{Name: "Lachin", Query: `"Lachin corridor"`})

	var res index.Result
	getJSON(t, api.URL+"/api/searches/"+s.ID+"/backfill?days=7", &res)
	if len(res.Hits) != 1 || res.Hits[0].StoryID != "b1" {
		t.Fatalf("backfill hits = %+v, want the one recent story", res.Hits)
	}
	getJSON(t, api.URL+"/api/searches/"+s.ID+"/backfill?days=60", &res)
	if len(res.Hits) != 2 {
		t.Errorf("60-day backfill: %d hits, want 2 stories", len(res.Hits))
	}
	if status, _ := doJSON(t, "GET", api.URL+"/api/searches/"+s.ID+"/backfill?days=-1", ""); status != 400 {
		t.Errorf("days=-1: status %d", status)
	}

	// The Atom feed wants the token as a query parameter.
	if status, _ := doJSON(t, "GET", api.URL+"/feeds/searches/"+s.ID+".atom", ""); status != 401 {
		t.Errorf("feed without token: %d", status)
	}
	if status, b := doJSON(t, "GET", api.URL+"/feeds/searches/"+s.ID+".atom?token=tok", ""); status != 200 || !bytes.Contains(b, []byte("<feed")) {
		t.Errorf("feed with token: %d %s", status, b)
	}
}
