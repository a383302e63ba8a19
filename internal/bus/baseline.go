package bus

import (
	"context"
	"fmt"
	"runtime/pprof"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/segmentio/kafka-go"
)

// RawResult is what RawThroughput or BusThroughput measured.
type RawResult struct {
	Messages int
	Bytes    int64
	Produce  time.Duration // one synchronous write of every message, until all are acknowledged
	Consume  time.Duration // from joining the group to the last message handed over, every earlier commit included
	// The process's CPU time over Produce and over Consume: the client's, and the embedded
	// broker's when it runs in the process. Unlike the wall times it hardly depends on what
	// else the machine is doing.
	ProduceCPU, ConsumeCPU time.Duration
}

// RawThroughput is a baseline for `wirewatch bench`, not part of the pipeline: it writes
// values to topic (which must exist and be empty) and reads them back in a new consumer
// group with kafka-go alone, no wirewatch code in between, so that the bus's own cost
// (Writer.Write, Consumer.Run) can be told from Kafka's. The writer and the reader are
// configured as the bus configures its own (acks=all, hash partitioning by key, snappy,
// batches of 500, the same group timings and fetch sizes) and offsets are committed every
// 256 messages, a Consumer's default batch, so the two differ only in the bus's code.
// Brokers are reached in plain TCP: the baseline runs against the embedded broker.
func RawThroughput(ctx context.Context, brokers []string, topic string, values [][]byte) (RawResult, error) {
	res := RawResult{Messages: len(values)}
	msgs := make([]kafka.Message, len(values))
	for i, v := range values {
		msgs[i] = kafka.Message{Key: []byte(strconv.Itoa(i)), Value: v}
		res.Bytes += int64(len(v))
	}
	w := &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		BatchBytes:   int64(defaultMaxMessageBytes + recordFraming),
		BatchSize:    500,
		MaxAttempts:  10,
		Compression:  kafka.Snappy,
		// A transport of its own, as each bus writer has: the shared default one would
		// not know a topic created less than 6 s ago.
		Transport: &kafka.Transport{DialTimeout: 10 * time.Second, MetadataTTL: 2 * time.Second},
	}
	start, cpu := time.Now(), cpuTime()
	err := w.WriteMessages(ctx, msgs...)
	res.Produce, res.ProduceCPU = time.Since(start), cpuTime()-cpu
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("writing the raw baseline to %s: %w", topic, err)
	}

	r := kafka.NewReader(groupReaderConfig(brokers, "wirewatch-bench-raw-"+strconv.FormatInt(time.Now().UnixNano(), 36), topic, defaultMaxMessageBytes+recordFraming))
	defer r.Close()
	start, cpu = time.Now(), cpuTime()
	const commitEvery = 256
	pending := make([]kafka.Message, 0, commitEvery)
	for read := 0; read < len(values); {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return res, fmt.Errorf("reading the raw baseline from %s after %d of %d: %w", topic, read, len(values), err)
		}
		read++
		pending = append(pending, m)
		if read == len(values) {
			// Where BusThroughput stops too: the last commit is the one neither side waits for.
			res.Consume, res.ConsumeCPU = time.Since(start), cpuTime()-cpu
		}
		if len(pending) == commitEvery || read == len(values) {
			if err := r.CommitMessages(ctx, pending...); err != nil {
				return res, fmt.Errorf("committing the raw baseline's offsets: %w", err)
			}
			pending = pending[:0]
		}
	}
	return res, nil
}

// BusThroughput is RawThroughput's other half: the same values written to topic (which
// must exist and be empty) with one Writer.Write and read back by a Consumer with the
// pipeline's defaults in a new group, until its handler has been handed every record.
// Put beside RawThroughput on the same broker, it shows what the bus's own code costs.
// Whichever of the two runs first in a fresh process pays for warming it up (snappy
// encoders, connections, the runtime): CompareThroughput runs them fairly.
func BusThroughput(ctx context.Context, c *Client, topic string, values [][]byte, m *Metrics) (RawResult, error) {
	res := RawResult{Messages: len(values)}
	recs := make([]Record, len(values))
	for i, v := range values {
		recs[i] = Record{Key: []byte(strconv.Itoa(i)), Value: v}
		res.Bytes += int64(len(v))
	}
	w := c.Writer(topic)
	start, cpu := time.Now(), cpuTime()
	err := w.Write(ctx, recs...)
	res.Produce, res.ProduceCPU = time.Since(start), cpuTime()-cpu
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("writing the bus baseline to %s: %w", topic, err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	cons := c.Consumer(topic, "bench-bus-"+strconv.FormatInt(time.Now().UnixNano(), 36), m, ConsumerOptions{})
	got := 0
	start, cpu = time.Now(), cpuTime()
	err = cons.Run(runCtx, func(_ context.Context, recs []Record) error {
		got += len(recs)
		if got >= len(values) && res.Consume == 0 {
			res.Consume, res.ConsumeCPU = time.Since(start), cpuTime()-cpu
			cancel()
		}
		return nil
	})
	if err == nil && got < len(values) {
		err = fmt.Errorf("read %d of %d records", got, len(values))
	}
	if err != nil {
		return res, fmt.Errorf("reading the bus baseline from %s: %w", topic, err)
	}
	return res, nil
}

// Comparison is what CompareThroughput measured: one result per counted round and side.
type Comparison struct {
	Bus, Raw []RawResult
}

// Medians returns each side's median produce and consume times (wall and CPU) over the
// rounds: on a shared machine a round now and then stalls, on either side.
func (c Comparison) Medians() (bus, raw RawResult) {
	return medianOf(c.Bus), medianOf(c.Raw)
}

// Ratios returns the bus's produce and consume rates as fractions of kafka-go's: the
// medians over the rounds of each round's ratio. The two sides of a round ran back to
// back, under the same load from the rest of the machine, so a round's ratio is steadier
// than either side's time.
func (c Comparison) Ratios() (produce, consume float64) {
	ps, cs := make([]float64, 0, len(c.Bus)), make([]float64, 0, len(c.Bus))
	for i := range min(len(c.Bus), len(c.Raw)) {
		ps = append(ps, c.Raw[i].Produce.Seconds()/c.Bus[i].Produce.Seconds())
		cs = append(cs, c.Raw[i].Consume.Seconds()/c.Bus[i].Consume.Seconds())
	}
	if len(ps) == 0 {
		return 0, 0
	}
	slices.Sort(ps)
	slices.Sort(cs)
	return ps[len(ps)/2], cs[len(cs)/2]
}

func medianOf(rs []RawResult) RawResult {
	if len(rs) == 0 {
		return RawResult{}
	}
	median := func(field func(RawResult) time.Duration) time.Duration {
		ds := make([]time.Duration, len(rs))
		for i, r := range rs {
			ds[i] = field(r)
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	return RawResult{Messages: rs[0].Messages, Bytes: rs[0].Bytes,
		Produce:    median(func(r RawResult) time.Duration { return r.Produce }),
		Consume:    median(func(r RawResult) time.Duration { return r.Consume }),
		ProduceCPU: median(func(r RawResult) time.Duration { return r.ProduceCPU }),
		ConsumeCPU: median(func(r RawResult) time.Duration { return r.ConsumeCPU }),
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchWarmUp bounds the values of CompareThroughput's uncounted first round.
const benchWarmUp = 1000

// CompareThroughput measures the bus (BusThroughput) against kafka-go alone
// (RawThroughput) with the same values, rounds times, each round on two new topics with
// the client's partition count, deleted after it. A first round with at most 1,000 of
// the values warms up the process and the broker and is not counted, since whichever
// side goes first in a fresh process pays for that; then the sides take turns going
// first. In a CPU profile the two sides' client goroutines carry the labels side=bus and
// side=raw. Like RawThroughput it reaches the brokers in plain TCP: it is meant for the
// embedded broker.
func CompareThroughput(ctx context.Context, c *Client, values [][]byte, rounds int, m *Metrics) (Comparison, error) {
	var cmp Comparison
	for i := -1; i < rounds; i++ {
		vals := values
		if i < 0 {
			vals = values[:min(len(values), benchWarmUp)]
		}
		bus, raw, err := c.compareOnce(ctx, vals, i%2 != 0, m)
		if err != nil {
			return cmp, fmt.Errorf("comparing the bus with kafka-go, round %d: %w", i+1, err)
		}
		if i >= 0 {
			cmp.Bus, cmp.Raw = append(cmp.Bus, bus), append(cmp.Raw, raw)
		}
	}
	return cmp, nil
}

func (c *Client) compareOnce(ctx context.Context, values [][]byte, rawFirst bool, m *Metrics) (bus, raw RawResult, err error) {
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	busTopic, rawTopic := "wirewatch-bench-bus-"+id, "wirewatch-bench-raw-"+id
	specs := []kafka.TopicConfig{
		{Topic: busTopic, NumPartitions: c.cfg.Partitions, ReplicationFactor: c.cfg.Replication},
		{Topic: rawTopic, NumPartitions: c.cfg.Partitions, ReplicationFactor: c.cfg.Replication},
	}
	if err := c.createTopics(ctx, specs); err != nil {
		return bus, raw, err
	}
	defer func() {
		if derr := c.DeleteTopics(context.WithoutCancel(ctx), topicNames(specs)...); derr != nil && err == nil {
			err = fmt.Errorf("deleting the bench topics: %w", derr)
		}
	}()
	runBus := func() {
		pprof.Do(ctx, pprof.Labels("side", "bus"), func(ctx context.Context) {
			bus, err = BusThroughput(ctx, c, busTopic, values, m)
		})
	}
	runRaw := func() {
		pprof.Do(ctx, pprof.Labels("side", "raw"), func(ctx context.Context) {
			raw, err = RawThroughput(ctx, c.brokers, rawTopic, values)
		})
	}
	first, second := runBus, runRaw
	if rawFirst {
		first, second = runRaw, runBus
	}
	if first(); err != nil {
		return bus, raw, err
	}
	second()
	return bus, raw, err
}
