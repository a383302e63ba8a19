package bus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"wirewatch/internal/bus"
	"wirewatch/internal/bus/bustest"
	"wirewatch/internal/config"
)

// BenchmarkBusVsRaw writes and reads the same messages through the bus (Writer.Write,
// Consumer.Run) and through kafka-go alone, as bus.CompareThroughput does for `wirewatch
// bench`, on an embedded broker with the pipeline's four partitions, and reports the
// median rates of both sides, the median of the rounds' bus/raw ratios, and the median
// CPU time per message of each side (the process's: client and broker).
// WIREWATCH_BENCH_MESSAGES (default 20,000), WIREWATCH_BENCH_BYTES (default 3,072) and
// WIREWATCH_BENCH_ROUNDS (default 8) set the load; with -cpuprofile, `go tool pprof
// -tagfocus side=bus` (or side=raw) shows each side's client CPU without the broker's:
//
//	go test -run '^$' -bench 'BusVsRaw$' -benchtime 1x ./internal/bus
func BenchmarkBusVsRaw(b *testing.B) {
	n, size := envInt(b, "WIREWATCH_BENCH_MESSAGES", 20000), envInt(b, "WIREWATCH_BENCH_BYTES", 3072)
	rounds := envInt(b, "WIREWATCH_BENCH_ROUNDS", 8)
	values := benchValues(b, n, size)
	var busRes, rawRes bus.RawResult
	var produceRatio, consumeRatio float64
	for b.Loop() {
		logger := slog.New(slog.DiscardHandler)
		e, err := bus.StartEmbedded(b.TempDir(), "127.0.0.1:0", logger)
		if err != nil {
			b.Fatalf("starting embedded broker: %v", err)
		}
		c, err := bus.NewClient(config.Default().Kafka, e.Addrs(), logger)
		if err != nil {
			b.Fatalf("kafka client: %v", err)
		}
		cmp, err := bus.CompareThroughput(context.Background(), c, values, rounds, bus.NewMetrics(prometheus.NewRegistry()))
		e.Close()
		if err != nil {
			b.Fatal(err)
		}
		for i := range cmp.Bus {
			bu, raw := cmp.Bus[i], cmp.Raw[i]
			b.Logf("round %d, %d x %d B: bus produce %v (cpu %v) consume %v (cpu %v), raw produce %v (cpu %v) consume %v (cpu %v)",
				i+1, n, size, bu.Produce, bu.ProduceCPU, bu.Consume, bu.ConsumeCPU, raw.Produce, raw.ProduceCPU, raw.Consume, raw.ConsumeCPU)
		}
		busRes, rawRes = cmp.Medians()
		produceRatio, consumeRatio = cmp.Ratios()
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	b.ReportMetric(rate(busRes.Produce), "bus-produce-msgs/s")
	b.ReportMetric(rate(rawRes.Produce), "raw-produce-msgs/s")
	b.ReportMetric(rate(busRes.Consume), "bus-consume-msgs/s")
	b.ReportMetric(rate(rawRes.Consume), "raw-consume-msgs/s")
	b.ReportMetric(produceRatio, "produce-bus/raw")
	b.ReportMetric(consumeRatio, "consume-bus/raw")
	perMsg := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 / float64(n) }
	b.ReportMetric(perMsg(busRes.ProduceCPU), "bus-produce-cpu-µs/msg")
	b.ReportMetric(perMsg(rawRes.ProduceCPU), "raw-produce-cpu-µs/msg")
	b.ReportMetric(perMsg(busRes.ConsumeCPU), "bus-consume-cpu-µs/msg")
	b.ReportMetric(perMsg(rawRes.ConsumeCPU), "raw-consume-cpu-µs/msg")
	b.ReportMetric(0, "ns/op")
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
