package bus_test

import (
	"context"
	"testing"
	"time"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
)

// TestDeleteTopicsRemovesThemAndTheirRecords deletes two of the pipeline's topics (one
// holding records) and one that never existed on the embedded broker: the two are gone
// from the cluster's metadata, the others stay, and the missing one is no error.
func TestDeleteTopicsRemovesThemAndTheirRecords(t *testing.T) {
	c, _ := bustest.Start(t)
	bustest.Produce(t, c, c.Topics().Raw, bus.Record{Key: []byte("a"), Value: []byte("article")})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.DeleteTopics(ctx, c.Topics().Raw, c.Topics().Enriched, "wirewatch-never-created"); err != nil {
		t.Fatalf("deleting topics: %v", err)
	}
	md, err := bustest.Describe(ctx, c.Brokers())
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{c.Topics().Raw, c.Topics().Enriched} {
		if _, ok := md.Topics[gone]; ok {
			t.Errorf("topic %s still exists after its deletion", gone)
		}
	}
	if _, ok := md.Topics[c.Topics().DLQ]; !ok {
		t.Errorf("topic %s, not deleted, is gone too (topics left: %v)", c.Topics().DLQ, md.Topics)
	}
}
