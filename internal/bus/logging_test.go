package bus

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestIdleTimeoutsAreNotWarnings checks the routing of kafka-go's error log: an idle
// long-poll ending in "i/o timeout" (112 warnings in 37 minutes of normal running before)
// is a debug line; any other error stays a warning.
func TestIdleTimeoutsAreNotWarnings(t *testing.T) {
	var buf bytes.Buffer
	c := &Client{logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	const format = "the kafka reader got an unknown error reading partition %d of %s at offset %d: %s"
	c.errorf(format, 2, "wirewatch.articles.raw", 17, "read tcp 127.0.0.1:5->127.0.0.1:9: i/o timeout")
	if buf.Len() != 0 {
		t.Errorf("an idle timeout was logged at info or above: %s", buf.String())
	}
	c.errorf(format, 2, "wirewatch.articles.raw", 17, "connection reset by peer")
	if !strings.Contains(buf.String(), "level=WARN") {
		t.Errorf("another reader error was not a warning: %q", buf.String())
	}
}
