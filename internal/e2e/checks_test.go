//go:build live

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/livetest"
)

// indexStats is what OpenSearch holds of the run, asked over plain HTTP so the check does
// not depend on wirewatch's backend code.
type indexStats struct {
	docs     int            // documents in the run's indices
	distinct int            // distinct article IDs among them
	dups     map[string]int // article IDs held more than once, with their count
	ids      map[string]bool
}

// openSearchStats refreshes the run's indices (pattern) and counts their documents, their
// distinct article IDs and the IDs held twice or more.
func openSearchStats(ctx context.Context, base, pattern string) (indexStats, error) {
	var st indexStats
	if err := livetest.DoJSON(ctx, http.MethodPost, base+"/"+pattern+"/_refresh?allow_no_indices=true", nil, nil); err != nil {
		return st, err
	}
	var count struct {
		Count int `json:"count"`
	}
	if err := livetest.DoJSON(ctx, http.MethodGet, base+"/"+pattern+"/_count?allow_no_indices=true", nil, &count); err != nil {
		return st, err
	}
	st.docs = count.Count
	// A terms aggregation over every ID (the corpus is 5,000 articles) gives the distinct
	// IDs and the repeated ones in one request.
	q := map[string]any{
		"size": 0,
		"aggs": map[string]any{
			"ids": map[string]any{"terms": map[string]any{"field": "id", "size": 20000}},
		},
	}
	var res struct {
		Aggregations struct {
			IDs struct {
				Buckets []struct {
					Key   string `json:"key"`
					Count int    `json:"doc_count"`
				} `json:"buckets"`
				Other int `json:"sum_other_doc_count"`
			} `json:"ids"`
		} `json:"aggregations"`
	}
	if err := livetest.DoJSON(ctx, http.MethodPost, base+"/"+pattern+"/_search?allow_no_indices=true", q, &res); err != nil {
		return st, err
	}
	if res.Aggregations.IDs.Other != 0 {
		return st, fmt.Errorf("the ID aggregation left %d documents out", res.Aggregations.IDs.Other)
	}
	st.dups, st.ids = map[string]int{}, map[string]bool{}
	for _, b := range res.Aggregations.IDs.Buckets {
		st.ids[b.Key] = true
		if b.Count > 1 {
			st.dups[b.Key] = b.Count
		}
	}
	st.distinct = len(st.ids)
	return st, nil
}

// leaders returns the leader broker of each partition of topic (-1 while it has none).
func leaders(ctx context.Context, brokers []string, topic string) (map[int]int, error) {
	md, err := bustest.Describe(ctx, brokers, topic)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for _, p := range md.Topics[topic] {
		out[p.ID] = p.Leader
	}
	return out, nil
}

// groupState returns a consumer group's state, its number of members and the partitions
// of topic assigned to them.
func groupState(ctx context.Context, brokers []string, group, topic string) (state string, members int, assigned []int, err error) {
	return bustest.Group(ctx, brokers, group, topic)
}
