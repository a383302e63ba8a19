package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// BenchmarkBusVsRaw writes and reads the same messages through the bus (Writer.Write,
// Consumer.Run) and through kafka-go alone (bus.RawThroughput), on the same embedded
// broker with the pipeline's four partitions, and reports both rates and bus/raw ratios
// (the medians over its rounds: on a shared machine a round now and then stalls) and the
// process's CPU time per message on each side. Each round starts a new broker and
// alternates which side goes first, so that neither profits from a warm broker; a first,
// smaller round is not counted. WIREWATCH_BENCH_MESSAGES (default 20,000) and
// WIREWATCH_BENCH_BYTES (default 3,072) set the load:
//
//	go test -run '^$' -bench 'BusVsRaw$' -benchtime 10x ./internal/bus
func BenchmarkBusVsRaw(b *testing.B) {
	n, size := envInt(b, "WIREWATCH_BENCH_MESSAGES", 20000), envInt(b, "WIREWATCH_BENCH_BYTES", 3072)
	values := benchValues(b, n, size)
	// A first round warms up the process (the snappy encoders, the runtime, the broker's
	// code paths), which would otherwise slow down whichever side went first.
	busVsRawOnce(b, values[:min(len(values), 1000)], false)
	var busProduce, busConsume, rawProduce, rawConsume []time.Duration
	var busCPU, rawCPU time.Duration
	rounds := 0
	for ; b.Loop(); rounds++ {
		bu, raw, bc, rc := busVsRawOnce(b, values, rounds%2 == 1)
		busProduce, busConsume = append(busProduce, bu.Produce), append(busConsume, bu.Consume)
		rawProduce, rawConsume = append(rawProduce, raw.Produce), append(rawConsume, raw.Consume)
		busCPU += bc
		rawCPU += rc
	}
	rate := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(n) / d[len(d)/2].Seconds()
	}
	bp, rp, bc, rc := rate(busProduce), rate(rawProduce), rate(busConsume), rate(rawConsume)
	b.ReportMetric(bp, "bus-produce-msgs/s")
	b.ReportMetric(rp, "raw-produce-msgs/s")
	b.ReportMetric(bc, "bus-consume-msgs/s")
	b.ReportMetric(rc, "raw-consume-msgs/s")
	b.ReportMetric(bp/rp, "produce-bus/raw")
	b.ReportMetric(bc/rc, "consume-bus/raw")
	b.ReportMetric(float64(busCPU.Microseconds())/float64(rounds*n), "bus-cpu-µs/msg")
	b.ReportMetric(float64(rawCPU.Microseconds())/float64(rounds*n), "raw-cpu-µs/msg")
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
		// The labels tell the two sides' client goroutines apart in a CPU profile
		// (go tool pprof -tagfocus side=bus); the broker's are in neither.
		pprof.Do(ctx, pprof.Labels("side", "bus"), func(ctx context.Context) {
			busRes, err = bus.BusThroughput(ctx, c, c.Topics().Raw, values, bus.NewMetrics(prometheus.NewRegistry()))
		})
		if err != nil {
			b.Fatalf("bus: %v", err)
		}
	}
	runRaw := func() {
		cpu0 := cpuTime()
		defer func() { rawCPU = cpuTime() - cpu0 }()
		pprof.Do(ctx, pprof.Labels("side", "raw"), func(ctx context.Context) {
			rawRes, err = bus.RawThroughput(ctx, e.Addrs(), c.Topics().Enriched, values)
		})
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

// BenchmarkBusVsRawLatency writes one 3 KB record at a time, each once the last was
// handed over, and measures from the write to its arrival: through the bus (Writer.Write,
// a running Consumer with the pipeline's defaults, its handler) and through kafka-go alone
// (a Writer and a group Reader configured alike, FetchMessage then a commit), on the same
// embedded broker. It reports p50 and p99 of both. WIREWATCH_BENCH_RECORDS sets how many
// records (default 200):
//
//	go test -run '^$' -bench BusVsRawLatency -benchtime 1x ./internal/bus
func BenchmarkBusVsRawLatency(b *testing.B) {
	n := envInt(b, "WIREWATCH_BENCH_RECORDS", 200)
	values := benchValues(b, n+1, 3072)
	var busLat, rawLat []time.Duration
	for b.Loop() {
		bl, rl := latencyOnce(b, values)
		busLat, rawLat = append(busLat, bl...), append(rawLat, rl...)
	}
	slices.Sort(busLat)
	slices.Sort(rawLat)
	q := func(d []time.Duration, p float64) float64 {
		return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(busLat, 0.5), "bus-p50-ms")
	b.ReportMetric(q(busLat, 0.99), "bus-p99-ms")
	b.ReportMetric(q(rawLat, 0.5), "raw-p50-ms")
	b.ReportMetric(q(rawLat, 0.99), "raw-p99-ms")
	b.ReportMetric(0, "ns/op")
}

func latencyOnce(b *testing.B, values [][]byte) (busLat, rawLat []time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c, m := bustest.Start(b)
	arrived := make(chan struct{}, 1)
	cons := c.Consumer(c.Topics().Raw, "latency", m, bus.ConsumerOptions{})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- cons.Run(runCtx, func(_ context.Context, recs []bus.Record) error {
			for range recs {
				arrived <- struct{}{}
			}
			return nil
		})
	}()
	w := c.Writer(c.Topics().Raw)
	busLat = measureLatency(b, values, arrived, func(i int, v []byte) error {
		return w.Write(ctx, bus.Record{Key: []byte(strconv.Itoa(i)), Value: v})
	})
	stop()
	if err := <-done; err != nil {
		b.Fatalf("consumer: %v", err)
	}
	if err := w.Close(); err != nil {
		b.Fatalf("closing the writer: %v", err)
	}

	rw := &kafka.Writer{Addr: kafka.TCP(c.Brokers()...), Topic: c.Topics().Enriched, Balancer: &kafka.Hash{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, BatchSize: 500, Compression: kafka.Snappy}
	defer rw.Close()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: c.Brokers(), GroupID: "latency-raw", Topic: c.Topics().Enriched,
		HeartbeatInterval: 500 * time.Millisecond, SessionTimeout: 6 * time.Second, RebalanceTimeout: 5 * time.Second,
		JoinGroupBackoff: 500 * time.Millisecond, MaxWait: 250 * time.Millisecond, MinBytes: 1, MaxBytes: 10 << 20, StartOffset: kafka.FirstOffset})
	defer r.Close()
	rawCtx, stopRaw := context.WithCancel(ctx)
	readDone := make(chan error, 1)
	go func() {
		for {
			m, err := r.FetchMessage(rawCtx)
			if err == nil {
				arrived <- struct{}{}
				err = r.CommitMessages(ctx, m)
			}
			if err != nil {
				readDone <- err
				return
			}
		}
	}()
	rawLat = measureLatency(b, values, arrived, func(i int, v []byte) error {
		return rw.WriteMessages(ctx, kafka.Message{Key: []byte(strconv.Itoa(i)), Value: v})
	})
	stopRaw()
	<-readDone
	return busLat, rawLat
}

// measureLatency writes values one at a time with write and returns how long each took
// to arrive; the first, which waits for the group to be joined, is not counted.
func measureLatency(b *testing.B, values [][]byte, arrived <-chan struct{}, write func(int, []byte) error) []time.Duration {
	b.Helper()
	var out []time.Duration
	for i, v := range values {
		start := time.Now()
		if err := write(i, v); err != nil {
			b.Fatalf("writing record %d: %v", i, err)
		}
		select {
		case <-arrived:
		case <-time.After(time.Minute):
			b.Fatalf("record %d did not arrive within a minute", i)
		}
		if i > 0 {
			out = append(out, time.Since(start))
		}
	}
	return out
}
