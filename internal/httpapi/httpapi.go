// Package httpapi is what every HTTP route of wirewatch shares: the JSON answer, the one
// error body, a bounded JSON request body, the bearer-token check, and Router, the one
// method each stage's Routes mounts its handlers through.
//
// It sits below every package that serves HTTP (web, alert, process, ingest) and imports
// only the standard library and the query leaf, whose parse errors it places in the
// error body.
package httpapi

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"wirewatch/internal/query"
)

// Router is where a stage mounts its routes; *web.Server and *http.ServeMux satisfy it.
// Patterns are net/http's ("GET /api/feeds"). The router decides what guards a route
// (web.Server asks for the token on /api/); Handle must not be called once serving began.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // a failed write means the client went away
}

// ErrorBody is the body of every error answer. The UI and the command line read it: a
// query the analyst mistyped comes with where the mistake is, so it can be pointed at.
type ErrorBody struct {
	Error    string `json:"error"`
	Field    string `json:"field,omitempty"`    // the request's key at fault ("query", "channels[1].url")
	Position *int   `json:"position,omitempty"` // byte offset in the query, for query errors
	Column   *int   `json:"column,omitempty"`   // 1-based character column
}

// fieldError is an error about one key of a request; WriteError names the key in "field".
type fieldError interface {
	error
	FieldName() string
}

// WriteError answers with status and err's message in an ErrorBody. A *query.Error in
// err's chain gives the position and column, a fieldError the field.
func WriteError(w http.ResponseWriter, status int, err error) {
	body := ErrorBody{Error: err.Error()}
	if fe, ok := errors.AsType[fieldError](err); ok {
		body.Field = fe.FieldName()
	}
	if qe, ok := errors.AsType[*query.Error](err); ok {
		pos, col := qe.Pos, qe.Column
		body.Position, body.Column = &pos, &col
	}
	WriteJSON(w, status, body)
}

// ErrTooLarge is wrapped by DecodeJSON's error for a body over its limit.
var ErrTooLarge = errors.New("request body too large")

// ErrTrailingData is DecodeJSON's error for a body holding more than one JSON value.
var ErrTrailingData = errors.New("more than one JSON value")

type tooLargeError struct{ limit int64 }

func (e tooLargeError) Error() string        { return "larger than " + byteSize(e.limit) }
func (e tooLargeError) Is(target error) bool { return target == ErrTooLarge }

// byteSize names a limit the way a person would write it: 1 MiB, 64 KiB, 100 bytes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// DecodeJSON decodes body, which may hold at most limit bytes, into v: exactly one JSON
// value, with no key v does not know, so a misspelt key is an error rather than silently
// ignored. Past limit it stops reading and returns an error wrapping ErrTooLarge; after
// the value it returns ErrTrailingData. Every error it returns is the client's mistake
// (or the client went away), fit for a 400 answer.
func DecodeJSON(body io.Reader, limit int64, v any) error {
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return fmt.Errorf("reading body: %w", err)
	}
	if int64(len(b)) > limit {
		return tooLargeError{limit}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return ErrTrailingData
	}
	return nil
}

// RequireToken lets through to h only requests that carry token, as "Authorization:
// Bearer TOKEN" or, for clients that cannot send headers (feed readers, EventSource),
// as ?token=. The others get 401. An empty token requires nothing.
func RequireToken(token string, h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if got == "" {
			got = r.URL.Query().Get("token")
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wirewatch"`)
			WriteError(w, http.StatusUnauthorized, errors.New("missing or wrong token"))
			return
		}
		h.ServeHTTP(w, r)
	})
}
