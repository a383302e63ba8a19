package bus

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

// RawResult is what RawThroughput measured.
type RawResult struct {
	Messages int
	Bytes    int64
	Produce  time.Duration // one synchronous write of every message, until all are acknowledged
	Consume  time.Duration // from joining the group to the last message read and committed
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
	}
	start := time.Now()
	err := w.WriteMessages(ctx, msgs...)
	res.Produce = time.Since(start)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("writing the raw baseline to %s: %w", topic, err)
	}

	r := kafka.NewReader(groupReaderConfig(brokers, "wirewatch-bench-raw-"+strconv.FormatInt(time.Now().UnixNano(), 36), topic))
	defer r.Close()
	start = time.Now()
	const commitEvery = 256
	pending := make([]kafka.Message, 0, commitEvery)
	for read := 0; read < len(values); {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return res, fmt.Errorf("reading the raw baseline from %s after %d of %d: %w", topic, read, len(values), err)
		}
		read++
		pending = append(pending, m)
		if len(pending) == commitEvery || read == len(values) {
			if err := r.CommitMessages(ctx, pending...); err != nil {
				return res, fmt.Errorf("committing the raw baseline's offsets: %w", err)
			}
			pending = pending[:0]
		}
	}
	res.Consume = time.Since(start)
	return res, nil
}
