package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wirewatch/internal/query"
)

type badKey struct{ key string }

func (e *badKey) Error() string     { return e.key + ": is wrong" }
func (e *badKey) FieldName() string { return e.key }

func TestWriteErrorBody(t *testing.T) {
	_, qerr := query.Parse(`Lachin "corridor`)
	if qerr == nil {
		t.Fatal("the query parsed")
	}
	tests := []struct {
		name      string
		err       error
		want      string
		wantField string
		wantPos   bool
	}{
		{"plain", errors.New("no article with id x"), "no article with id x", "", false},
		{"query error", qerr, qerr.Error(), "", true},
		{"wrapped query error", fmt.Errorf("searching: %w", qerr), "searching: " + qerr.Error(), "", true},
		{"field", &badKey{"channels[0].url"}, "channels[0].url: is wrong", "channels[0].url", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteError(rec, http.StatusBadRequest, tc.err)
			var body ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rec.Code != 400 || body.Error != tc.want || body.Field != tc.wantField {
				t.Errorf("status %d body %s", rec.Code, rec.Body)
			}
			if got := body.Position != nil && body.Column != nil; got != tc.wantPos {
				t.Errorf("position and column given: %v, want %v (%s)", got, tc.wantPos, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
		})
	}
}

func TestDecodeJSONBounds(t *testing.T) {
	type item struct {
		URL string `json:"url"`
	}
	tests := []struct {
		name, body string
		want       error // nil: decodes; errAny: some error
	}{
		{"ok", `{"url":"https://x.example/"}`, nil},
		{"at the limit", `{"url":"` + strings.Repeat("a", 22) + `"}`, nil},
		{"over the limit", `{"url":"` + strings.Repeat("a", 23) + `"}`, ErrTooLarge},
		{"two values", `{"url":"a"} {}`, ErrTrailingData},
		{"unknown key", `{"uri":"a"}`, errAny},
		{"not JSON", `{url:`, errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v item
			err := DecodeJSON(strings.NewReader(tc.body), 32, &v)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("error %v", err)
			case tc.want == errAny && err == nil, tc.want != nil && tc.want != errAny && !errors.Is(err, tc.want):
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	err := DecodeJSON(strings.NewReader(strings.Repeat(" ", 2<<20)), 1<<20, &struct{}{})
	if err == nil || err.Error() != "larger than 1 MiB" {
		t.Errorf("over 1 MiB: %v", err)
	}
}

var errAny = errors.New("any error")

func TestRequireToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { WriteJSON(w, http.StatusOK, "in") })
	tests := []struct {
		name, token, header, query string
		want                       int
	}{
		{"no token set", "", "", "", 200},
		{"bearer", "s3cret", "Bearer s3cret", "", 200},
		{"query parameter", "s3cret", "", "s3cret", 200},
		{"missing", "s3cret", "", "", 401},
		{"wrong", "s3cret", "Bearer guess", "", 401},
		{"prefix of it", "s3cret", "Bearer s3cre", "", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/x?token="+tc.query, nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			RequireToken(tc.token, ok).ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			if tc.want == 401 && (rec.Header().Get("WWW-Authenticate") == "" || !strings.Contains(rec.Body.String(), "missing or wrong token")) {
				t.Errorf("401 without its header or message: %s", rec.Body)
			}
		})
	}
}
