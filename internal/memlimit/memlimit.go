// Package memlimit keeps the process's soft memory limit (memory_limit_mb) from making
// the garbage collector thrash.
//
// Go's soft limit (debug.SetMemoryLimit) makes the collector run as often as it must to
// stay under it. That holds a pipeline's peak down while its live heap is well below the
// limit, for a few percent more CPU. But a configuration whose live heap outgrows the
// limit (a bigger knowledge base, larger articles, more saved searches) leaves the
// collector almost no room: it runs back to back, stages stall long enough to lose their
// Kafka group sessions, and the CPU per article doubles (README, "Sizing"). The runtime's
// own guard only caps the collector at half the CPU.
//
// A Governor raises the limit in force above the configured one whenever the live heap
// needs it: after every collection it sets the limit to at least the Go memory that is
// not heap plus the live heap with MinHeadroom to spare, so the collector never runs more
// often than GOGC=25 would at that live heap, and comes back down to the configured limit
// when the live heap shrinks. A process under its limit pays nothing.
//
// With a limit in force the limit paces the collector at the peak, and GOGC=100 only adds
// collections below it: a Governor sets GOGC to GCPercent unless the environment sets
// GOGC (a pipeline's 10,000-article backlog: 65 collections and 2.57 ms of CPU per
// article at GOGC=100 under a 384 MiB limit, 55 and 2.47 ms at 200, the same peak).
package memlimit

import (
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// MinHeadroom is the least room for new objects the limit leaves above the live heap, as
// a fraction of it: 0.25 is GOGC=25, four times as many collections as the default's at
// the same live heap, at worst.
const MinHeadroom = 0.25

// GCPercent is GOGC while a Governor runs, unless the environment sets GOGC.
const GCPercent = 200

// The runtime/metrics samples a Governor reads after each collection.
var sampleNames = []string{
	"/gc/heap/live:bytes",                 // the heap marked live by the last collection
	"/memory/classes/total:bytes",         // all the memory the runtime mapped
	"/memory/classes/heap/released:bytes", // returned to the OS
	"/memory/classes/heap/free:bytes",     // free heap, not returned
	"/memory/classes/heap/objects:bytes",  // objects, live or not yet swept
	"/memory/classes/heap/unused:bytes",   // the rest of in-use spans
}

// Governor applies a soft memory limit with a floor that follows the live heap.
type Governor struct {
	limit  int64 // the configured limit, bytes
	logger *slog.Logger

	mu      sync.Mutex
	samples []metrics.Sample
	applied int64 // the limit last set: the configured one, or the floor above it
	stopped bool
	before  int64 // the limit in force before Start, restored by Stop
	gogc    int   // GOGC before Start, restored by Stop; -2 if Start left it
}

// Start sets limit (bytes, > 0) as the process's soft memory limit, GOGC to GCPercent
// unless the environment sets it, and keeps a floor under the limit after every
// collection. Stop restores the limit and GOGC in force before.
func Start(limit int64, logger *slog.Logger) *Governor {
	g := &Governor{limit: limit, logger: logger, samples: make([]metrics.Sample, len(sampleNames)), gogc: -2}
	if os.Getenv("GOGC") == "" {
		g.gogc = debug.SetGCPercent(GCPercent)
	}
	for i, n := range sampleNames {
		g.samples[i].Name = n
	}
	g.before = debug.SetMemoryLimit(limit)
	g.applied = limit
	g.arm()
	return g
}

// sentinel is garbage the moment it is made; its cleanup runs after the collection that
// finds it, and makes the next one. It holds a pointer so that it is never one of the
// runtime's tiny allocations, whose cleanups may not run.
type sentinel struct{ g *Governor }

func (g *Governor) arm() {
	s := &sentinel{g: g}
	runtime.AddCleanup(s, func(g *Governor) {
		if g.adjust() {
			g.arm()
		}
	}, g)
}

// adjust sets the limit to the larger of the configured one and the floor the last
// collection's live heap needs. It reports false once the governor is stopped.
func (g *Governor) adjust() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return false
	}
	metrics.Read(g.samples)
	v := func(i int) int64 {
		if s := g.samples[i].Value; s.Kind() == metrics.KindUint64 {
			return int64(min(s.Uint64(), math.MaxInt64))
		}
		return 0
	}
	live, total, released, free, objects, unused := v(0), v(1), v(2), v(3), v(4), v(5)
	nonHeap := max(0, total-released-free-objects-unused)
	floor := nonHeap + live + int64(float64(live)*MinHeadroom)
	want := max(g.limit, floor)
	// Compared with the runtime's limit, not the one last set: another governor of the
	// same process (tests run pipelines side by side) may have changed it.
	if want == g.applied && debug.SetMemoryLimit(-1) == want {
		return true
	}
	wasRaised := g.applied > g.limit
	debug.SetMemoryLimit(want)
	g.applied = want
	switch {
	case want > g.limit && !wasRaised:
		g.logger.Warn("the live heap needs more than memory_limit_mb: the soft limit follows it so that the collector does not thrash; raise memory_limit_mb or give the process less to hold",
			"memory_limit_mb", g.limit>>20, "live_heap_mb", live>>20, "limit_in_force_mb", want>>20)
	case want == g.limit && wasRaised:
		g.logger.Info("the soft memory limit is back at memory_limit_mb", "memory_limit_mb", g.limit>>20, "live_heap_mb", live>>20)
	}
	return true
}

// Limit returns the limit in force: the configured one, or the floor above it.
func (g *Governor) Limit() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.applied
}

// Stop ends the governor and restores the limit in force before Start.
func (g *Governor) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	g.stopped = true
	debug.SetMemoryLimit(g.before)
	if g.gogc != -2 {
		debug.SetGCPercent(g.gogc)
	}
}
