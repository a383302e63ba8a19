package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// BenchmarkBusVsRaw writes and reads the same messages through the bus (Writer.Write,
// Consumer.Run) and through kafka-go alone (bus.RawThroughput), on the same embedded
// broker with the pipeline's four partitions, and reports both rates and bus/raw ratios.
// Each iteration starts a new broker and alternates which side goes first, so that
// neither profits from a warm broker; a first, smaller round is not counted. WIREWATCH_BENCH_MESSAGES (default 20,000) and
// WIREWATCH_BENCH_BYTES (default 3,072) set the load:
//
//	go test -run '^$' -bench BusVsRaw -benchtime 3x ./internal/bus
func BenchmarkBusVsRaw(b *testing.B) {
	n, size := envInt(b, "WIREWATCH_BENCH_MESSAGES", 20000), envInt(b, "WIREWATCH_BENCH_BYTES", 3072)
	values := benchValues(b, n, size)
	// A first round warms up the process (the snappy encoders, the runtime, the broker's
	// code paths), which would otherwise slow down whichever side went first.
	busVsRawOnce(b, values[:min(len(values), 1000)], false)
	var busRes, rawRes bus.RawResult
	var busCPU, rawCPU time.Duration
	for i := 0; b.Loop(); i++ {
		bu, raw, bc, rc := busVsRawOnce(b, values, i%2 == 1)
		busCPU += bc
		rawCPU += rc
		busRes.Produce += bu.Produce
		busRes.Consume += bu.Consume
		rawRes.Produce += raw.Produce
		rawRes.Consume += raw.Consume
		busRes.Messages += bu.Messages
		rawRes.Messages += raw.Messages
	}
	rate := func(msgs int, d time.Duration) float64 { return float64(msgs) / d.Seconds() }
	b.ReportMetric(rate(busRes.Messages, busRes.Produce), "bus-produce-msgs/s")
	b.ReportMetric(rate(rawRes.Messages, rawRes.Produce), "raw-produce-msgs/s")
	b.ReportMetric(rate(busRes.Messages, busRes.Consume), "bus-consume-msgs/s")
	b.ReportMetric(rate(rawRes.Messages, rawRes.Consume), "raw-consume-msgs/s")
	b.ReportMetric(rawRes.Produce.Seconds()/busRes.Produce.Seconds(), "produce-bus/raw")
	b.ReportMetric(rawRes.Consume.Seconds()/busRes.Consume.Seconds(), "consume-bus/raw")
	b.ReportMetric(float64(busCPU.Microseconds())/float64(busRes.Messages), "bus-cpu-µs/msg")
	b.ReportMetric(float64(rawCPU.Microseconds())/float64(rawRes.Messages), "raw-cpu-µs/msg")
	b.ReportMetric(0, "ns/op")
}

// busVsRawOnce measures both sides on a new broker, and the CPU time each took (the
// process's, so the embedded broker's work is counted on both sides).
func busVsRawOnce(b *testing.B, values [][]byte, rawFirst bool) (busRes, rawRes bus.RawResult, busCPU, rawCPU time.Duration) {
	b.Helper()
	b.StopTimer()
	logger := slog.New(slog.DiscardHandler)
	e, err := bus.StartEmbedded(b.TempDir(), "127.0.0.1:0", logger)
	if err != nil {
		b.Fatalf("starting embedded broker: %v", err)
	}
	defer e.Close()
	cfg := config.Default()
	c, err := bus.NewClient(cfg.Kafka, e.Addrs(), logger)
	if err != nil {
		b.Fatalf("kafka client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := c.EnsureTopics(ctx, cfg.Alert); err != nil {
		b.Fatalf("creating topics: %v", err)
	}
	b.StartTimer()
	runBus := func() {
		cpu0 := cpuTime()
		defer func() { busCPU = cpuTime() - cpu0 }()
		busRes, err = bus.BusThroughput(ctx, c, c.Topics().Raw, values, bus.NewMetrics(prometheus.NewRegistry()))
		if err != nil {
			b.Fatalf("bus: %v", err)
		}
	}
	runRaw := func() {
		cpu0 := cpuTime()
		defer func() { rawCPU = cpuTime() - cpu0 }()
		rawRes, err = bus.RawThroughput(ctx, e.Addrs(), c.Topics().Enriched, values)
		if err != nil {
			b.Fatalf("raw: %v", err)
		}
	}
	if rawFirst {
		runRaw()
		runBus()
	} else {
		runBus()
		runRaw()
	}
	b.Logf("%d x %d B: bus produce %v consume %v cpu %v, raw produce %v consume %v cpu %v", len(values), len(values[0]),
		busRes.Produce, busRes.Consume, busCPU, rawRes.Produce, rawRes.Consume, rawCPU)
	return busRes, rawRes, busCPU, rawCPU
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchValues returns n distinct values of size bytes of running text, which compresses
// as articles do.
func benchValues(b *testing.B, n, size int) [][]byte {
	b.Helper()
	text, err := os.ReadFile("../../../shared/samples/seed-article.fr.txt")
	if err != nil {
		b.Fatalf("reading the sample article: %v", err)
	}
	out := make([][]byte, n)
	for i := range out {
		v := fmt.Appendf(make([]byte, 0, size), `{"id":"%016x","body":"`, i*7919)
		for j := i * 31 % len(text); len(v) < size-2; j = 0 {
			v = append(v, text[j:min(len(text), j+size-2-len(v))]...)
		}
		out[i] = append(v, `"}`...)
	}
	return out
}

func envInt(b *testing.B, key string, def int) int {
	b.Helper()
	s := os.Getenv(key)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", key, s)
	}
	return n
}
