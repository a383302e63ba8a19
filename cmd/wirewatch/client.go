package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"wirewatch/internal/httpapi"
)

// client calls a running wirewatch's API; the client commands (feeds, search, alerts,
// entities) use it. It is safe for concurrent use.
type client struct {
	addr, token string
	http        *http.Client
}

// newClient returns a client of the API at addr (e.g. http://127.0.0.1:8080), sending
// token as a bearer token when it is not empty.
func newClient(addr, token string) *client {
	return &client{addr: strings.TrimRight(addr, "/"), token: token, http: &http.Client{Timeout: 60 * time.Second}}
}

// apiError is an error answer of the API.
type apiError struct {
	Status int    // HTTP status code
	Msg    string // the answer's "error"
	Column int    // 1-based column of a query mistake, 0 when the error is not about a query
}

func (e *apiError) Error() string { return fmt.Sprintf("wirewatch answered %d: %s", e.Status, e.Msg) }

// Do sends body (JSON-encoded, unless nil) with method to path and decodes a JSON answer
// into out (unless nil). An answer of 300 or more is an *apiError.
func (c *client) Do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.addr+path, rd)
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("asking wirewatch at %s (is it running? --addr): %w", c.addr, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("reading answer of %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var ae httpapi.ErrorBody
		e := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(b, &ae) == nil && ae.Error != "" {
			e.Msg = ae.Error
			if ae.Column != nil {
				e.Column = *ae.Column
			}
		} else {
			e.Msg = strings.TrimSpace(string(b))
		}
		return e
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("decoding answer of %s %s: %w", method, path, err)
		}
	}
	return nil
}
