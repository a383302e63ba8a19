package alert

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			status, b := doJSON(t, "POST", base, tc.body)
			var eb errorBody
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

func TestCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"no command", nil, ErrUsage},
		{"unknown command", []string{"frobnicate"}, ErrUsage},
		{"show without id", []string{"show"}, ErrUsage},
		{"bad flag", []string{"list", "--colour"}, ErrUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := Command(context.Background(), tc.args, &out, &errOut)
			if !errors.Is(err, tc.want) || !strings.Contains(errOut.String(), "usage: wirewatch alerts") {
				t.Errorf("err = %v, stderr = %q", err, errOut.String())
			}
		})
	}
	// An API error carries the status and the query column.
	e, c := startBroker(t, t.TempDir())
	defer e.Close()
	cfg := testAlertConfig()
	cfg.Searches = nil
	st := startStage(t, c, cfg, nil)
	var out, errOut bytes.Buffer
	err := Command(context.Background(), []string{"add", "--addr", st.api.URL, "--name", "x", "--query", "a AND"}, &out, &errOut)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Body.Column == nil {
		t.Fatalf("err = %v", err)
	}
	// The other commands, end to end against the API.
	s := createSearch(t, st, SavedSearch{Name: "Lachin", Query: "Lachin"})
	for _, args := range [][]string{
		{"list"},
		{"show", s.ID},
		{"edit", s.ID, "--query", "Lachin OR Laçın", "--mode", "hourly"},
		{"matches", s.ID},
		{"rm", s.ID},
	} {
		out.Reset()
		if err := Command(context.Background(), append([]string{"--addr", st.api.URL}, args...), &out, &errOut); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if args[0] == "list" && !strings.Contains(out.String(), s.ID) {
			t.Errorf("list output lacks the search:\n%s", out.String())
		}
		if args[0] == "edit" && !strings.Contains(out.String(), `"mode": "hourly"`) {
			t.Errorf("edit output:\n%s", out.String())
		}
	}
	if _, ok := st.set.get(s.ID); ok {
		t.Error("search still there after rm")
	}
}
