package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFeedIntervalsNameTheirKey(t *testing.T) {
	tests := []struct {
		name, yaml, key string
	}{
		{"feed max below the global floor", "ingest:\n  feeds:\n    - url: https://a.example/feed\n      max_interval: 30s\n", "ingest.feeds[0].max_interval"},
		{"feed max below its min", "ingest:\n  feeds:\n    - url: https://a.example/feed\n    - url: https://b.example/feed\n      min_interval: 10m\n      max_interval: 5m\n", "ingest.feeds[1].max_interval"},
		{"negative feed min", "ingest:\n  feeds:\n    - url: https://a.example/feed\n      min_interval: -1m\n", "ingest.feeds[0].min_interval"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path, nil)
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.key+":") {
				t.Errorf("error %v does not name %s", err, tc.key)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("ingest:\n  feeds:\n    - url: https://a.example/feed\n      min_interval: 1h\n      max_interval: 2h\n"), 0o644)
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatalf("a feed slower than the global ceiling is refused: %v", err)
	}
	if f := cfg.Ingest.Feeds[0]; f.MinInterval != time.Hour || f.MaxInterval != 2*time.Hour {
		t.Errorf("feed intervals read as %s, %s", f.MinInterval, f.MaxInterval)
	}
}

func TestFeedBounds(t *testing.T) {
	c := Default().Ingest
	if c.MaxInterval != 15*time.Minute {
		t.Errorf("default ingest.max_interval = %s, want 15m: a monitoring desk's ceiling", c.MaxInterval)
	}
	c.MinInterval, c.MaxInterval = 2*time.Minute, 15*time.Minute
	tests := []struct {
		name     string
		f        FeedConfig
		min, max time.Duration
	}{
		{"global", FeedConfig{}, 2 * time.Minute, 15 * time.Minute},
		{"fresher than the rest", FeedConfig{MaxInterval: 5 * time.Minute}, 2 * time.Minute, 5 * time.Minute},
		{"a polite floor", FeedConfig{MinInterval: 10 * time.Minute}, 10 * time.Minute, 15 * time.Minute},
		{"a floor above the ceiling wins", FeedConfig{MinInterval: time.Hour, MaxInterval: 3 * time.Hour}, time.Hour, time.Hour},
		{"a floor below the global one does not lower it", FeedConfig{MinInterval: time.Second}, 2 * time.Minute, 15 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := c.FeedBounds(tc.f)
			if lo != tc.min || hi != tc.max {
				t.Errorf("bounds %s..%s, want %s..%s", lo, hi, tc.min, tc.max)
			}
		})
	}
}
