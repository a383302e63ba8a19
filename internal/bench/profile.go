package bench

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime/pprof"
	"strings"
	"time"

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

// cpuByStage sums the CPU time of a CPU profile (runtime/pprof's gzipped protocol buffer)
// by the stage label of its samples (pipeline.StageLabel); a sample without one counts
// for the stage its stack names (unlabelled), else "other".
func cpuByStage(gz []byte) (map[string]time.Duration, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("reading the CPU profile: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the CPU profile: %w", err)
	}
	if len(b) > maxProfileBytes {
		return nil, fmt.Errorf("reading the CPU profile: larger than %d bytes", maxProfileBytes)
	}
	p, err := parseProfile(b)
	if err != nil {
		return nil, fmt.Errorf("reading the CPU profile: %w", err)
	}
	cpu := -1
	for i, t := range p.sampleTypes {
		if p.str(t) == "cpu" {
			cpu = i
		}
	}
	if cpu < 0 {
		return nil, errors.New("reading the CPU profile: no cpu sample type")
	}
	out := map[string]time.Duration{}
	for _, s := range p.samples {
		if cpu >= len(s.values) {
			continue
		}
		stage := ""
		for _, l := range s.labels {
			if p.str(l[0]) == pipeline.StageLabel {
				stage = p.str(l[1])
			}
		}
		if stage == "" {
			stage = p.stageOfStack(s.locations)
		}
		out[stage] += time.Duration(s.values[cpu])
	}
	return out, nil
}

func (p *profile) stageOfStack(locs []uint64) string {
	for _, id := range locs {
		for _, fn := range p.locations[id] {
			name := p.str(p.functions[fn])
			for _, u := range unlabelled {
				if strings.HasPrefix(name, u.frame) {
					return u.stage
				}
			}
		}
	}
	return "other"
}

// profile is the part of pprof's profile.proto the split needs.
type profile struct {
	sampleTypes []int64 // string index of each value's type
	samples     []sample
	locations   map[uint64][]uint64 // location ID → function IDs (inlined frames first)
	functions   map[uint64]int64    // function ID → string index of its name
	strings     []string
}

type sample struct {
	locations []uint64
	values    []int64
	labels    [][2]int64 // string indexes of key and value
}

func (p *profile) str(i int64) string {
	if i < 0 || i >= int64(len(p.strings)) {
		return ""
	}
	return p.strings[i]
}

// Field numbers of profile.proto.
const (
	profSampleType  = 1
	profSample      = 2
	profLocation    = 4
	profFunction    = 5
	profStringTable = 6

	sampleLocation = 1
	sampleValue    = 2
	sampleLabel    = 3
	labelKey       = 1
	labelStr       = 2
	valueTypeType  = 1
	locationID     = 1
	locationLine   = 4
	lineFunction   = 1
	functionID     = 1
	functionName   = 2
)

func parseProfile(b []byte) (*profile, error) {
	p := &profile{locations: map[uint64][]uint64{}, functions: map[uint64]int64{}}
	err := eachField(b, func(f int, v uint64, data []byte) error {
		switch f {
		case profSampleType:
			var t int64
			err := eachField(data, func(f int, v uint64, _ []byte) error {
				if f == valueTypeType {
					t = int64(v)
				}
				return nil
			})
			p.sampleTypes = append(p.sampleTypes, t)
			return err
		case profSample:
			s, err := parseSample(data)
			p.samples = append(p.samples, s)
			return err
		case profLocation:
			var id uint64
			var fns []uint64
			err := eachField(data, func(f int, v uint64, data []byte) error {
				switch f {
				case locationID:
					id = v
				case locationLine:
					return eachField(data, func(f int, v uint64, _ []byte) error {
						if f == lineFunction {
							fns = append(fns, v)
						}
						return nil
					})
				}
				return nil
			})
			p.locations[id] = fns
			return err
		case profFunction:
			var id uint64
			var name int64
			err := eachField(data, func(f int, v uint64, _ []byte) error {
				switch f {
				case functionID:
					id = v
				case functionName:
					name = int64(v)
				}
				return nil
			})
			p.functions[id] = name
			return err
		case profStringTable:
			p.strings = append(p.strings, string(data))
		}
		return nil
	})
	return p, err
}

func parseSample(b []byte) (sample, error) {
	var s sample
	err := eachField(b, func(f int, v uint64, data []byte) error {
		switch f {
		case sampleLocation:
			return eachUint(v, data, func(u uint64) { s.locations = append(s.locations, u) })
		case sampleValue:
			return eachUint(v, data, func(u uint64) { s.values = append(s.values, int64(u)) })
		case sampleLabel:
			var l [2]int64
			err := eachField(data, func(f int, v uint64, _ []byte) error {
				switch f {
				case labelKey:
					l[0] = int64(v)
				case labelStr:
					l[1] = int64(v)
				}
				return nil
			})
			s.labels = append(s.labels, l)
			return err
		}
		return nil
	})
	return s, err
}

// eachUint calls f with a repeated varint field's values: v when it came unpacked (data
// nil), else each varint packed in data.
func eachUint(v uint64, data []byte, f func(uint64)) error {
	if data == nil {
		f(v)
		return nil
	}
	for len(data) > 0 {
		u, n := binary.Uvarint(data)
		if n <= 0 {
			return errors.New("bad packed varint")
		}
		f(u)
		data = data[n:]
	}
	return nil
}

var errTruncated = errors.New("truncated protocol buffer")

// eachField calls f with each field of a protocol buffer message: its number, and its
// value (varint and fixed types) or its bytes (length-delimited, data non-nil).
func eachField(b []byte, f func(field int, v uint64, data []byte) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return errTruncated
		}
		b = b[n:]
		field, wire := int(key>>3), key&7
		var v uint64
		var data []byte
		switch wire {
		case 0:
			v, n = binary.Uvarint(b)
			if n <= 0 {
				return errTruncated
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				return errTruncated
			}
			v, b = binary.LittleEndian.Uint64(b), b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return errTruncated
			}
			data, b = b[n:n+int(l)], b[n+int(l):]
			if data == nil {
				data = []byte{}
			}
		case 5:
			if len(b) < 4 {
				return errTruncated
			}
			v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		default:
			return fmt.Errorf("protocol buffer wire type %d not supported", wire)
		}
		if err := f(field, v, data); err != nil {
			return err
		}
	}
	return nil
}
