package bench

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The runtime/metrics the memory watch reads.
const (
	heapObjects = "/memory/classes/heap/objects:bytes" // live objects and those not yet swept
	goTotal     = "/memory/classes/total:bytes"        // everything the Go runtime mapped
	gcCycles    = "/gc/cycles/total:gc-cycles"
	// The runtime's estimate of the CPU time of collections, from the time its workers
	// ran (on a busy machine, time they were runnable counts too); idle marking, on
	// processors nothing else wanted, is left out.
	gcCPU     = "/cpu/classes/gc/total:cpu-seconds"
	gcIdleCPU = "/cpu/classes/gc/mark/idle:cpu-seconds"
	memLimit  = "/gc/gomemlimit:bytes"
)

// Memory is what the process held while wirewatch ran, from its start to the last article
// searchable: the pipeline phase. The bench's own share (generated feeds, webhook, tracker)
// is measured just before wirewatch starts, so that the pipeline's own is the peak less it.
type Memory struct {
	// PeakRSS is VmHWM over the pipeline phase: the kernel's peak is reset when wirewatch
	// starts (PeakReset), else it is the process's peak since it started.
	PeakRSS   int64 `json:"peak_rss_bytes"`
	PeakReset bool  `json:"peak_rss_reset"`
	// BenchRSS and BenchHeap are the resident set and the Go heap (after a collection)
	// just before wirewatch started: the bench's own.
	BenchRSS  int64  `json:"bench_rss_bytes"`
	BenchHeap uint64 `json:"bench_heap_bytes"`
	// PeakHeap and PeakGo are the highest Go heap (live and unswept objects) and memory
	// mapped by the Go runtime, sampled every 100 ms.
	PeakHeap uint64 `json:"peak_heap_bytes"`
	PeakGo   uint64 `json:"peak_go_bytes"`
	// Limit is the soft memory limit in force (memory_limit_mb or GOMEMLIMIT), 0 for none.
	Limit int64 `json:"memory_limit_bytes,omitempty"`
	// GCCycles and GCCPU are the collections of the pipeline phase and the runtime's
	// estimate of their CPU time, idle marking left out: what a lower limit costs. The CPU
	// profile's "gc" row (Report.StageCPU) is the sampled figure.
	GCCycles uint64        `json:"gc_cycles"`
	GCCPU    time.Duration `json:"gc_cpu_ns"`
}

// PipelineRSS is the pipeline phase's peak less what the bench held before it: an
// estimate of wirewatch's own peak.
func (m Memory) PipelineRSS() int64 { return max(0, m.PeakRSS-m.BenchRSS) }

// memWatch samples the Go runtime's memory while wirewatch runs.
type memWatch struct {
	m      Memory
	gc0    uint64
	gcCPU0 float64
	// profile, when set, receives the heap profile at each new peak (5% over the last one
	// written); profiled is the heap at the last write, profileErr the first failure.
	profile    string
	profiled   uint64
	profileErr error
	stop       chan struct{}
	wg         sync.WaitGroup
}

// watchMemory measures the bench's own memory, resets the peak resident set and starts
// sampling; call it just before wirewatch starts. A non-empty profile is the file the heap
// profile is written to at each new peak.
func watchMemory(profile string) *memWatch {
	runtime.GC()
	s := readMetrics()
	w := &memWatch{stop: make(chan struct{}), profile: profile}
	w.m.BenchHeap = s[0].Value.Uint64()
	w.m.BenchRSS = procStatus("VmRSS:")
	// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0 and later).
	w.m.PeakReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	w.gc0, w.gcCPU0 = s[2].Value.Uint64(), busyGC(s)
	w.sample(s)
	w.wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
				w.sample(readMetrics())
			}
		}
	})
	return w
}

func readMetrics() []metrics.Sample {
	s := []metrics.Sample{{Name: heapObjects}, {Name: goTotal}, {Name: gcCycles}, {Name: gcCPU}, {Name: memLimit}, {Name: gcIdleCPU}}
	metrics.Read(s)
	return s
}

// busyGC is the GC CPU-seconds of s without idle marking.
func busyGC(s []metrics.Sample) float64 { return s[3].Value.Float64() - s[5].Value.Float64() }

func (w *memWatch) sample(s []metrics.Sample) {
	w.m.PeakHeap = max(w.m.PeakHeap, s[0].Value.Uint64())
	w.m.PeakGo = max(w.m.PeakGo, s[1].Value.Uint64())
	if heap := s[0].Value.Uint64(); w.profile != "" && w.profileErr == nil && heap > w.profiled+w.profiled/20 {
		w.profiled = heap
		w.profileErr = writeHeapProfile(w.profile)
	}
	if l := s[4].Value.Uint64(); l < math.MaxInt64 {
		w.m.Limit = max(w.m.Limit, int64(l))
	}
}

// end stops the sampling and returns the figures of the pipeline phase, and the first
// error writing the heap profile.
func (w *memWatch) end() (Memory, error) {
	close(w.stop)
	w.wg.Wait()
	s := readMetrics()
	w.sample(s)
	w.m.PeakRSS = procStatus("VmHWM:")
	w.m.GCCycles = s[2].Value.Uint64() - w.gc0
	w.m.GCCPU = time.Duration((busyGC(s) - w.gcCPU0) * float64(time.Second))
	return w.m, w.profileErr
}

// writeHeapProfile writes the heap profile to path, through a temporary file so that the
// file always holds a whole profile.
func writeHeapProfile(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	err = pprof.Lookup("heap").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	return nil
}

// procStatus is a "kB" line of /proc/self/status in bytes (VmRSS:, VmHWM:), 0 where /proc
// does not say.
func procStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func mb[T int64 | uint64](n T) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// print writes the memory rows of the report's table.
func (m Memory) print(w io.Writer) {
	phase := "from wirewatch's start to the last article searchable"
	if !m.PeakReset {
		phase = "since the bench started: the kernel's peak could not be reset"
	}
	fmt.Fprintf(w, "peak RSS, pipeline phase\t%s\t(VmHWM %s; the bench held %s before wirewatch started)\n", mb(m.PeakRSS), phase, mb(m.BenchRSS))
	fmt.Fprintf(w, "peak RSS less the bench's own\t%s\t(wirewatch's own, estimated)\n", mb(m.PipelineRSS()))
	fmt.Fprintf(w, "peak Go heap\t%s\t(live and unswept objects, sampled every 100 ms; the bench's own %s; Go runtime total %s)\n",
		mb(m.PeakHeap), mb(m.BenchHeap), mb(m.PeakGo))
	limit := "none"
	if m.Limit > 0 {
		limit = mb(m.Limit)
	}
	fmt.Fprintf(w, "soft memory limit\t%s\t(the highest in force; %d GC cycles in the pipeline phase, %.1f GC CPU-s by the runtime's estimate)\n", limit, m.GCCycles, m.GCCPU.Seconds())
}
