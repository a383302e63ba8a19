package bench

import (
	"bytes"
	"errors"
	"fmt"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"wirewatch/internal/pipeline"
)

// maxProfileBytes bounds a CPU profile the bench reads back (a 10-minute run at 100 Hz on
// two cores stays far below it); a larger one is refused.
const maxProfileBytes = 256 << 20

// profiler records the CPU profile of the measured span, to split the process's CPU time
// by stage.
type profiler struct {
	buf     bytes.Buffer
	running bool
}

// startProfile starts the CPU profile; another profile already running (a test's
// -cpuprofile) leaves the split out of the report, nothing else.
func startProfile() *profiler {
	p := &profiler{}
	p.running = pprof.StartCPUProfile(&p.buf) == nil
	return p
}

// stop ends the profile and returns it (nil when none ran).
func (p *profiler) stop() []byte {
	if !p.running {
		return nil
	}
	pprof.StopCPUProfile()
	p.running = false
	return p.buf.Bytes()
}

// Where the CPU of a sample without a stage label went, by the code on its stack: work
// handed to goroutines no stage started (Bleve's analysis workers, the runtime's own).
var unlabelled = []struct{ frame, stage string }{
	{"github.com/blevesearch/", pipeline.Index},
	{"github.com/twmb/franz-go/pkg/kfake", pipeline.Broker},
	{"runtime.gcBgMarkWorker", "gc"},
	{"runtime.bgsweep", "gc"},
	{"runtime.bgscavenge", "gc"},
}

// cpuByStage sums the CPU time of a CPU profile (runtime/pprof's format, read with
// github.com/google/pprof/profile) by the stage label of its samples
// (pipeline.StageLabel); a sample without one counts for the stage its stack names
// (unlabelled), else "other".
func cpuByStage(b []byte) (map[string]time.Duration, error) {
	if len(b) > maxProfileBytes {
		return nil, fmt.Errorf("reading the CPU profile: larger than %d bytes", maxProfileBytes)
	}
	p, err := profile.ParseData(b)
	if err != nil {
		return nil, fmt.Errorf("reading the CPU profile: %w", err)
	}
	cpu := slices.IndexFunc(p.SampleType, func(t *profile.ValueType) bool { return t.Type == "cpu" })
	if cpu < 0 {
		return nil, errors.New("reading the CPU profile: no cpu sample type")
	}
	out := map[string]time.Duration{}
	for _, s := range p.Sample {
		if cpu >= len(s.Value) {
			continue
		}
		stage := ""
		if v := s.Label[pipeline.StageLabel]; len(v) > 0 {
			stage = v[0]
		}
		if stage == "" {
			stage = stageOfStack(s.Location)
		}
		out[stage] += time.Duration(s.Value[cpu])
	}
	return out, nil
}

func stageOfStack(locs []*profile.Location) string {
	for _, loc := range locs {
		for _, line := range loc.Line {
			if line.Function == nil {
				continue
			}
			for _, u := range unlabelled {
				if strings.HasPrefix(line.Function.Name, u.frame) {
					return u.stage
				}
			}
		}
	}
	return "other"
}
