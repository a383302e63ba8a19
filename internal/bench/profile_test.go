package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"

	"wirewatch/internal/pipeline"
)

// TestCPUSplitsByStageLabel profiles two labelled busy loops and checks that the split
// finds each under its label.
func TestCPUSplitsByStageLabel(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("a CPU profile is already running: %v", err)
	}
	done := make(chan struct{})
	for _, stage := range []string{pipeline.Process, pipeline.Index} {
		go pprof.Do(context.Background(), pprof.Labels(pipeline.StageLabel, stage), func(context.Context) {
			defer func() { done <- struct{}{} }()
			spin(200_000_000)
		})
	}
	<-done
	<-done
	pprof.StopCPUProfile()
	split, err := cpuByStage(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{pipeline.Process, pipeline.Index} {
		// Each loop is some 100 ms of CPU, 10 samples at 100 Hz: one sample is enough here.
		if split[stage] <= 0 {
			t.Errorf("%s: no CPU time (split %v)", stage, split)
		}
	}
}

// spin does n steps of work (CPU, not wall time: the machine may be shared).
func spin(n int) {
	x := uint64(1)
	for i := range n {
		x = x*6364136223846793005 + uint64(i)
	}
	sink.Add(x) // atomic: two goroutines spin at once
}

var sink atomic.Uint64

func FuzzCPUByStage(f *testing.F) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err == nil {
		spin(20_000_000)
		pprof.StopCPUProfile()
		f.Add(buf.Bytes())
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = cpuByStage(b)
		var gz bytes.Buffer // the same bytes as a profile's inside
		w := gzip.NewWriter(&gz)
		_, _ = w.Write(b)
		_ = w.Close()
		_, _ = cpuByStage(gz.Bytes())
	})
}

// TestFeedServerCountsAsTheBench profiles a client fetching the bench's feeds: the
// server's work (making and sending each feed) must land under stage=bench, not with
// the unlabelled goroutines the CPU split calls "other".
func TestFeedServerCountsAsTheBench(t *testing.T) {
	items, err := generate(4, 50, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := startFeeds(items, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.begin(time.Now().Add(-time.Hour))
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("a CPU profile is already running: %v", err)
	}
	start := time.Now()
	fetched := 0
	for time.Since(start) < 2*time.Second {
		resp, err := http.Get(s.URL(fetched % 4))
		if err != nil {
			pprof.StopCPUProfile()
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n < 1000 {
			pprof.StopCPUProfile()
			t.Fatalf("feed %d: %s, %d bytes", fetched%4, resp.Status, n)
		}
		fetched++
	}
	pprof.StopCPUProfile()
	split, err := cpuByStage(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d feeds fetched; CPU by stage %v", fetched, split)
	if split["bench"] <= 0 {
		t.Errorf("the feed server's CPU is not under stage=bench (split %v)", split)
	}
}
