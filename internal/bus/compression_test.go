package bus_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"sort"
	"testing"
	"time"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// An uncompressed writer (the embedded broker's) and a Snappy one (a cluster's) write the
// same topic; readers read both, in any mix.
func TestUncompressedAndSnappyRecordsReadBack(t *testing.T) {
	e, snappy := bustest.StartIn(t, t.TempDir(), slog.New(slog.DiscardHandler))
	cfg := config.Default()
	plain, err := bus.NewClient(cfg.Kafka, e.Addrs(), slog.New(slog.DiscardHandler), bus.Uncompressed())
	if err != nil {
		t.Fatal(err)
	}
	topic := snappy.Topics().Raw
	var want []string
	recs := func(from, n int) []bus.Record {
		var out []bus.Record
		for i := from; i < from+n; i++ {
			v := fmt.Sprintf("record %d %s", i, bytes.Repeat([]byte("compressible "), 50))
			want = append(want, v)
			out = append(out, bus.Record{Key: []byte(fmt.Sprint(i)), Value: []byte(v)})
		}
		return out
	}
	bustest.Produce(t, plain, topic, recs(0, 40)...)
	bustest.Produce(t, snappy, topic, recs(40, 40)...)
	for name, c := range map[string]*bus.Client{"uncompressed client": plain, "snappy client": snappy} {
		got := bustest.Read(t, c, topic, len(want), 20*time.Second)
		var vals []string
		for _, r := range got {
			vals = append(vals, string(r.Value))
		}
		sort.Strings(vals)
		w := append([]string(nil), want...)
		sort.Strings(w)
		if fmt.Sprint(vals) != fmt.Sprint(w) {
			t.Errorf("%s read %d records, want the %d written", name, len(vals), len(w))
		}
	}
}
