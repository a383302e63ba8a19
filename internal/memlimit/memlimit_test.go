package memlimit

import (
	"log/slog"
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// waitLimit collects until the governor's limit satisfies ok or 10 s passed: its cleanup
// runs after a collection, on the runtime's cleanup goroutine.
func waitLimit(t *testing.T, g *Governor, what string, ok func(int64) bool) int64 {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		if l := g.Limit(); ok(l) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the limit in force is %d MiB, want %s", g.Limit()>>20, what)
		}
	}
}

// hold keeps n MiB live in pointer-free chunks.
func hold(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, 1<<20)
		out[i][0] = byte(i)
	}
	return out
}

// TestLimitFollowsTheLiveHeap runs a governor with a limit far below a live heap: the limit
// in force rises to the live heap plus its headroom, the collector then runs about as
// often as that headroom allows instead of back to back, the limit comes back down when
// the heap is freed, and Stop restores the limit from before.
func TestLimitFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	before := debug.SetMemoryLimit(-1)
	gogcBefore := gcPercent()
	const configured = 16 << 20
	g := Start(configured, slog.New(slog.DiscardHandler))
	defer g.Stop()
	if got := debug.SetMemoryLimit(-1); got != configured {
		t.Fatalf("limit after Start %d, want %d", got, configured)
	}
	if got := gcPercent(); got != GCPercent {
		t.Errorf("GOGC after Start %d, want %d", got, GCPercent)
	}

	live := hold(96)
	want := int64(96<<20) + int64(96<<20*MinHeadroom)
	got := waitLimit(t, g, "at least the live heap and its headroom", func(l int64) bool { return l >= want })
	if rt := debug.SetMemoryLimit(-1); rt != got {
		t.Errorf("the runtime's limit is %d, the governor's %d", rt, got)
	}

	// 512 MiB of garbage over a 96 MiB live heap with at least 24 MiB of headroom: at most
	// about 21 collections (13 on the development machine). Held at 16 MiB, the collector
	// ran 46 times, its CPU limiter alone keeping it from running on every chunk.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcBefore := ms.NumGC
	var sink []byte
	for i := range 512 {
		sink = make([]byte, 1<<20)
		sink[0] = byte(i)
	}
	runtime.ReadMemStats(&ms)
	if n := ms.NumGC - gcBefore; n > 32 {
		t.Errorf("%d collections for 512 MiB of garbage over a 96 MiB live heap, want at most about 21: the limit did not leave room", n)
	}
	runtime.KeepAlive(live)
	runtime.KeepAlive(sink)

	live, sink = nil, nil
	waitLimit(t, g, "back at the configured 16 MiB", func(l int64) bool { return l == configured })

	g.Stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after Stop %d, want the one before, %d", got, before)
	}
	if got := gcPercent(); got != gogcBefore {
		t.Errorf("GOGC after Stop %d, want the one before, %d", got, gogcBefore)
	}
	if before != math.MaxInt64 {
		t.Logf("a limit was in force before the test: %d", before)
	}
}

// gcPercent reads GOGC.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestGOGCFromTheEnvironmentWins leaves GOGC alone when the environment sets it.
func TestGOGCFromTheEnvironmentWins(t *testing.T) {
	t.Setenv("GOGC", "150")
	old := debug.SetGCPercent(150)
	defer debug.SetGCPercent(old)
	g := Start(1<<30, slog.New(slog.DiscardHandler))
	if got := gcPercent(); got != 150 {
		t.Errorf("GOGC %d under a governor, want the environment's 150", got)
	}
	g.Stop()
	if got := gcPercent(); got != 150 {
		t.Errorf("GOGC %d after Stop, want 150", got)
	}
}
