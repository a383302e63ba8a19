package alert

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// TestConfigValidationNamesTheKey loads alert sections through config.Load and the
// stage's ValidateConfig, as the binary does, and checks that each mistake names its key.
func TestConfigValidationNamesTheKey(t *testing.T) {
	searches := `alert:
  searches:
    - name: ok
      query: Lachin
    - name: second
      query: Baku
`
	tests := []struct {
		name, yaml, key string
	}{
		{"bad query", searches + "    - name: third\n      query: 'Lachin AND'\n", "alert.searches[2].query"},
		{"duplicate name", searches + "    - name: OK\n      query: x\n", "alert.searches[2].name"},
		{"bad mode", "alert:\n  searches:\n    - name: a\n      query: b\n      mode: weekly\n", "alert.searches[0].mode"},
		{"channel type", "alert:\n  searches:\n    - name: a\n      query: b\n      channels: [{type: pager}]\n", "alert.searches[0].channels[0].type"},
		{"webhook url", "alert:\n  searches:\n    - name: a\n      query: b\n      channels: [{type: webhook, url: 'ftp://x'}]\n", "alert.searches[0].channels[0].url"},
		{"email to", "alert:\n  searches:\n    - name: a\n      query: b\n      channels: [{type: email, to: [nobody]}]\n", "alert.searches[0].channels[0].to[0]"},
		{"smtp from", "alert:\n  smtp:\n    host: mail.example.org\n    from: nope\n", "alert.smtp.from"},
		{"daily_at", "alert:\n  digest:\n    daily_at: '25:00'\n", "alert.digest.daily_at"},
		{"time zone", "alert:\n  digest:\n    time_zone: Mars/Olympus\n", "alert.digest.time_zone"},
		{"backoffs", "alert:\n  webhook:\n    backoff: 10s\n    max_backoff: 1s\n", "alert.webhook.max_backoff"},
		{"rate limit", "alert:\n  rate_limit:\n    max: 0\n", "alert.rate_limit.max"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			err := loadAndValidate(path)
			var fe *config.FieldError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.key+":") {
				t.Fatalf("error %v does not name %s", err, tc.key)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte(searches), 0o644)
	if err := loadAndValidate(path); err != nil {
		t.Errorf("valid searches rejected: %v", err)
	}
	// config's own test loads the example file; its searches are checked here.
	if err := loadAndValidate("../../config/wirewatch.example.yaml"); err != nil {
		t.Errorf("the example's searches are rejected: %v", err)
	}
}

// loadAndValidate checks a file as the binary does: config.Load, then the alert stage's
// own checks of the declared searches.
func loadAndValidate(path string) error {
	cfg, err := config.Load(path, nil)
	if err != nil {
		return err
	}
	return ValidateConfig(cfg.Alert)
}

// FuzzDecodeSearch feeds API bodies to the decoder: it must never panic, and what it
// accepts must be a valid, compilable search.
func FuzzDecodeSearch(f *testing.F) {
	for _, s := range []string{
		`{"name":"Lachin","query":"topic:lachin-corridor OR \"Lachin corridor\"","mode":"hourly","channels":[{"type":"webhook","url":"https://x.example/h","secret":"s"}]}`,
		`{"name":"x","query":"a AND"}`,
		`{"name":"x","query":"a","channels":[{"type":"email","to":["a@b.example"]},{"type":"atom"}]}`,
		`{"name":"x","query":"published:[2026-01-01 TO *] -Baku"}`,
		`{}`, `[]`, `null`, `{"name":1}`, `{"name":"x","query":"a"} {}`,
	} {
		f.Add([]byte(s))
	}
	mt := testMatcher(f, nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeSearch(b)
		if err != nil {
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Field == "" {
				t.Fatalf("error %v is not an *InvalidError naming a field", err)
			}
			return
		}
		if s.Name == "" || s.Query == "" || s.Mode == "" {
			t.Fatalf("accepted an incomplete search: %+v", s)
		}
		s.ID = "fuzz"
		if _, err := mt.compile(s); err != nil {
			t.Fatalf("accepted search does not compile: %v", err)
		}
	})
}

// FuzzDeliveryRecords feeds arbitrary records of the delivery topic to the state: a
// corrupt record must be ignored, never crash the stage.
func FuzzDeliveryRecords(f *testing.F) {
	f.Add([]byte("d|a1|webhook:00"), []byte(`{"id":"a1","status":"delivered","attempts":1}`))
	f.Add([]byte("q|s1|a1"), []byte(`{"id":"a1","search_id":"s1","matched_at":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte("q|s1|a1"), []byte(nil))
	f.Add([]byte("q||"), []byte(`{`))
	f.Add([]byte("x"), []byte(`null`))
	f.Fuzz(func(t *testing.T, key, value []byte) {
		st := newDeliveryState()
		st.applyRecord(bus.Record{Key: key, Value: value})
		st.list("")
		st.queuedAlerts()
		st.applyRecord(bus.Record{Key: key})
		if st.queuedCount() != 0 {
			t.Fatalf("tombstone of %q left %d queued", key, st.queuedCount())
		}
	})
}
