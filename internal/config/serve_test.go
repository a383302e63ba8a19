package config

import (
	"errors"
	"strings"
	"testing"
)

// TestServeRefusesOpenAddressWithoutToken: serving the index to a network must be a choice
// (a token, or serve.allow_open), never the accident of a mistyped address.
func TestServeRefusesOpenAddressWithoutToken(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		wantErr bool
	}{
		{"loopback v4", []string{"WIREWATCH_SERVE_ADDR=127.0.0.1:8080"}, false},
		{"loopback v6", []string{"WIREWATCH_SERVE_ADDR=[::1]:8080"}, false},
		{"localhost", []string{"WIREWATCH_SERVE_ADDR=localhost:8080"}, false},
		{"every interface", []string{"WIREWATCH_SERVE_ADDR=:8080"}, true},
		{"0.0.0.0", []string{"WIREWATCH_SERVE_ADDR=0.0.0.0:8080"}, true},
		{"lan address", []string{"WIREWATCH_SERVE_ADDR=192.168.1.10:8080"}, true},
		{"host name", []string{"WIREWATCH_SERVE_ADDR=wirewatch.internal:8080"}, true},
		{"open with token", []string{"WIREWATCH_SERVE_ADDR=0.0.0.0:8080", "WIREWATCH_SERVE_TOKEN=s3cret"}, false},
		{"open by choice", []string{"WIREWATCH_SERVE_ADDR=0.0.0.0:8080", "WIREWATCH_SERVE_ALLOW_OPEN=true"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("", tc.env)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key != "serve.token" || !strings.Contains(err.Error(), "serve.allow_open") {
				t.Fatalf("error %v, want a serve.token FieldError that mentions serve.allow_open", err)
			}
		})
	}
}
