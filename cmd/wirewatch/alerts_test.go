package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/alert"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// startAlertAPI runs an alert stage on the embedded broker with its routes on an httptest
// server, and waits until it answers (503 while it reads its topics).
func startAlertAPI(t *testing.T) string {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	emb, c := bustest.StartIn(t, t.TempDir(), logger)
	t.Cleanup(func() { emb.Close() })
	cfg := config.Default().Alert
	cfg.Searches = nil
	cfg.Languages = []string{"en", "fr", "ru"}
	cfg.SMTP.Host = "127.0.0.1" // e-mail channels are refused without a mail server; nothing is sent here
	st, err := alert.NewStage(c, cfg, nil, prometheus.NewRegistry(), logger)
	if err != nil {
		t.Fatalf("NewStage: %v", err)
	}
	mux := http.NewServeMux()
	st.Routes(mux)
	api := httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; api.Close() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(api.URL + "/api/searches")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return api.URL
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("alert stage not ready after 30 s (last: %v)", err)
		}
	}
}

func runAlerts(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = cmdAlerts(context.Background(), &env{stdout: &out, stderr: &errOut}, args)
	return out.String(), errOut.String(), err
}

func TestAlertsCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"no command", nil, errAlertsUsage},
		{"unknown command", []string{"frobnicate"}, errAlertsUsage},
		{"show without id", []string{"show"}, errAlertsUsage},
		{"bad flag", []string{"list", "--colour"}, errAlertsUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, err := runAlerts(tc.args...)
			if !errors.Is(err, tc.want) || !strings.Contains(errOut, "usage: wirewatch alerts") {
				t.Errorf("err = %v, stderr = %q", err, errOut)
			}
		})
	}
	// An API error carries the status and the query column.
	addr := startAlertAPI(t)
	_, _, err := runAlerts("add", "--addr", addr, "--name", "x", "--query", "a AND")
	var apiErr *apiError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Column == 0 {
		t.Fatalf("err = %v", err)
	}
	// A search with channels, as an analyst would create it.
	out, errOut, err := runAlerts("--addr", addr, "add", "--name", "Lachin", "--query", `"Lachin corridor" AND lang:en`,
		"--webhook", "https://hooks.example.org/h", "--secret", "s3cret", "--email", "analyst@example.org", "--atom")
	if err != nil {
		t.Fatalf("alerts add: %v (%s)", err, errOut)
	}
	var created alert.SavedSearch
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ID == "" || len(created.Channels) != 3 {
		t.Fatalf("created search = %+v (%v)", created, err)
	}
	// The other commands, end to end against the API.
	for _, args := range [][]string{
		{"list"},
		{"show", created.ID},
		{"edit", created.ID, "--query", "Lachin OR Laçın", "--mode", "hourly"},
		{"matches", created.ID},
		{"rm", created.ID},
	} {
		out, _, err := runAlerts(append([]string{"--addr", addr}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if args[0] == "list" && !strings.Contains(out, created.ID) {
			t.Errorf("list output lacks the search:\n%s", out)
		}
		if args[0] == "edit" && !strings.Contains(out, `"mode": "hourly"`) {
			t.Errorf("edit output:\n%s", out)
		}
	}
	var ae *apiError
	if _, _, err := runAlerts("--addr", addr, "show", created.ID); !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		t.Errorf("search still there after rm: %v", err)
	}
}
