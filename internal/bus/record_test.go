package bus

import (
	"fmt"
	"testing"

	"github.com/segmentio/kafka-go"
)

// TestRecordsOfKeepEachRecordsHeaders: a batch's records, with no, one or several headers,
// each get their own headers, in order, though they share one array; a handler that
// appends to one record's headers leaves the next record's as they were.
func TestRecordsOfKeepEachRecordsHeaders(t *testing.T) {
	var msgs []kafka.Message
	want := [][]string{}
	for i := range 6 {
		m := kafka.Message{Partition: i % 2, Offset: int64(i), Key: fmt.Appendf(nil, "k%d", i), Value: []byte("v")}
		var w []string
		for j := range i % 3 { // 0, 1 or 2 headers
			m.Headers = append(m.Headers, kafka.Header{Key: fmt.Sprintf("h%d", j), Value: fmt.Appendf(nil, "%d-%d", i, j)})
			w = append(w, fmt.Sprintf("h%d=%d-%d", j, i, j))
		}
		msgs = append(msgs, m)
		want = append(want, w)
	}
	recs := recordsOf(msgs)
	recs[1].Headers = append(recs[1].Headers, Header{Key: "added", Value: []byte("x")})
	want[1] = append(want[1], "added=x")
	for i, r := range recs {
		var got []string
		for _, h := range r.Headers {
			got = append(got, fmt.Sprintf("%s=%s", h.Key, h.Value))
		}
		if fmt.Sprint(got) != fmt.Sprint(want[i]) || string(r.Key) != fmt.Sprintf("k%d", i) || r.Offset != int64(i) {
			t.Errorf("record %d: key %q offset %d headers %q, want k%d, %d, %q", i, r.Key, r.Offset, got, i, i, want[i])
		}
		if len(want[i]) == 0 && r.Headers != nil {
			t.Errorf("record %d has no headers but a non-nil slice", i)
		}
	}
}
