package alert

import (
	stdjson "encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	json "github.com/goccy/go-json"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
)

// stdUnmarshalAlert is how the alerts topic was read with encoding/json: the reference the
// codec must match, input for input.
func stdUnmarshalAlert(b []byte) (Alert, bool) {
	var a Alert
	if err := stdjson.Unmarshal(b, &a); err != nil || a.ID == "" {
		return Alert{}, false
	}
	return a, true
}

// checkAlertRecord fails t where unmarshalAlert reads b otherwise than encoding/json:
// accepting or rejecting it alone, or giving another value.
func checkAlertRecord(t *testing.T, b []byte) {
	t.Helper()
	want, ok := stdUnmarshalAlert(b)
	got, err := unmarshalAlert(b)
	if (err == nil) != ok {
		t.Fatalf("unmarshalAlert(%q): error %v; encoding/json accepts it: %v", b, err, ok)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("unmarshalAlert(%q):\n got %+v\nwant %+v", b, got, want)
	}
}

// TestAlertRecordsOfEarlierVersions reads records as earlier versions wrote them to the
// alerts topic (testdata: a record of encodeAlertRecord, one of json.Marshal(Alert), one
// with the signature as a number) into the history: each is recorded once, with every
// field encoding/json read.
func TestAlertRecordsOfEarlierVersions(t *testing.T) {
	files, err := filepath.Glob("testdata/alert-*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("want the three alert records of testdata, found %v (%v)", files, err)
	}
	h := newHistory(10, testLogger())
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkAlertRecord(t, b)
		want, _ := stdUnmarshalAlert(b)
		if want.Signature != 0xfeedfacecafebeef || want.Article.ID == "" || len(want.Article.Entities) == 0 {
			t.Fatalf("%s: the reference reads %+v", f, want)
		}
		h.applyRecord(bus.Record{Value: b, Offset: int64(i)})
		got := h.matches(want.SearchID, 10)
		if len(got) == 0 || !reflect.DeepEqual(got[0], want) {
			t.Fatalf("%s: the history holds %+v\nwant %+v", f, got, want)
		}
		if h.claim(want) {
			t.Errorf("%s: the alert read from the topic can be claimed again", f)
		}
	}
}

// FuzzAlertRecord: whatever the alerts topic holds, the history reads what encoding/json
// reads.
func FuzzAlertRecord(f *testing.F) {
	files, _ := filepath.Glob("testdata/alert-*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"x","signature":null,"matched_at":"2026-01-01T00:00:00+04:00"}`))
	f.Add([]byte(`{"id":"x","ID":"y","Article":{"Entities":null},"digest":1}`))
	f.Add([]byte(`{"id":"\ud800","search_name":"\u00e9\n"}`))
	f.Add([]byte(`{"id":""}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) { checkAlertRecord(t, b) })
}

// TestHistoryKeepsTheLastMatches: a search's recent matches are its last `keep` alerts,
// newest first, however many it raised.
func TestHistoryKeepsTheLastMatches(t *testing.T) {
	const keep = 5
	h := newHistory(keep, testLogger())
	if got := h.matches("s", 10); got == nil || len(got) != 0 {
		t.Fatalf("matches of a search without alerts = %#v, want an empty list", got)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for n := 1; n <= 3*keep+2; n++ {
		h.record(Alert{ID: fmt.Sprint(n), SearchID: "s", MatchedAt: at, Article: AlertArticle{ID: fmt.Sprint(n)}})
		h.record(Alert{ID: fmt.Sprint("other-", n), SearchID: "t", Signature: article.SimHash(n), MatchedAt: at, Article: AlertArticle{ID: fmt.Sprint(n)}})
		for _, limit := range []int{1, keep - 1, keep, keep + 3} {
			got := h.matches("s", limit)
			want := min(n, keep, limit)
			if len(got) != want {
				t.Fatalf("after %d alerts, matches(limit %d) has %d, want %d", n, limit, len(got), want)
			}
			for i, a := range got {
				if a.ID != fmt.Sprint(n-i) {
					t.Fatalf("after %d alerts, matches(limit %d)[%d] = %s, want %d (newest first)", n, limit, i, a.ID, n-i)
				}
			}
		}
	}
	h.forget("s")
	if got := h.matches("s", 10); len(got) != 0 {
		t.Errorf("a forgotten search still has %d matches", len(got))
	}
}

// FuzzAlertRecordIsEncodingJSONs: the records the matcher writes (encodeAlertRecord, with
// the project's codec) are, byte for byte, encoding/json's of the alert, whatever its
// strings hold (HTML, invalid UTF-8, U+2028, control characters) and its time zone.
func FuzzAlertRecordIsEncodingJSONs(f *testing.F) {
	f.Add("Talks in Yerevan <b>& \"Baku\"</b> \u2028", "daily \"talks\" <b>", "https://example.com/a1?x=1&y=2", "\xff\xfe \x00\x1f\\", uint64(0xfeed), int64(1793502245), 4*3600, true)
	f.Add("", "", "", "", uint64(0), int64(0), 0, false)
	f.Fuzz(func(t *testing.T, title, name, url, s string, sig uint64, unix int64, zone int, digest bool) {
		lat := float64(sig%180) - 90
		at := time.Unix(unix%(1<<35), unix%1e9).In(time.FixedZone("", zone%(18*3600)))
		a := &article.Article{
			ID: s, Title: title, URL: url, Lang: s, StoryID: s + "s", Published: at, Signature: article.SimHash(sig),
			Source: article.Source{FeedURL: url, FeedTitle: s}, Topics: []string{s, title},
			Entities: []article.Entity{{ID: s, Type: title, Name: name, Lat: &lat}},
		}
		if digest {
			a.Topics, a.Entities = nil, nil
		}
		art := alertArticle(a)
		al := newAlert(SavedSearch{ID: name, Name: name, Mode: ModeImmediate}, a, art, at)
		al.Digest = digest
		artJSON, err := json.Marshal(art)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeAlertRecord(al, artJSON)
		if err != nil {
			t.Fatal(err)
		}
		stdArt, err := stdjson.Marshal(art)
		if err != nil {
			t.Fatal(err)
		}
		want, err := stdjson.Marshal(alertRecord{Alert: al, Article: stdArt})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("record\n%s\nencoding/json's\n%s", got, want)
		}
		checkAlertRecord(t, got)
	})
}
