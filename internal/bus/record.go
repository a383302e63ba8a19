package bus

import (
	"time"

	"github.com/segmentio/kafka-go"
)

// Record is one message of a topic as the stages see it. Records a stage writes need only
// Key, Value and Headers; the rest is filled in on the way back: where the record was read
// (Topic, Partition, Offset), the partition's end when it was fetched (HighWaterMark) and
// the broker's timestamp (Time). A nil Value is a tombstone on a compacted topic.
type Record struct {
	Topic         string
	Partition     int
	Offset        int64
	HighWaterMark int64
	Key           []byte
	Value         []byte
	Headers       []Header
	Time          time.Time
}

// Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

func recordOf(m kafka.Message) Record {
	var hs []Header
	if len(m.Headers) > 0 {
		hs = make([]Header, len(m.Headers))
	}
	return recordIn(m, hs)
}

// recordIn is recordOf with the headers copied into hs (len(m.Headers) long).
func recordIn(m kafka.Message, hs []Header) Record {
	r := Record{
		Topic:         m.Topic,
		Partition:     m.Partition,
		Offset:        m.Offset,
		HighWaterMark: m.HighWaterMark,
		Key:           m.Key,
		Value:         m.Value,
		Time:          m.Time,
	}
	if len(m.Headers) > 0 {
		r.Headers = hs
		for i, h := range m.Headers {
			r.Headers[i] = Header{Key: h.Key, Value: h.Value}
		}
	}
	return r
}

// recordsOf converts a batch. The records' headers share one array, one allocation per
// batch instead of one per record (every article record has one); each record's are a
// full slice expression of it, so a handler that appends to them copies them first.
func recordsOf(msgs []kafka.Message) []Record {
	out := make([]Record, len(msgs))
	n := 0
	for _, m := range msgs {
		n += len(m.Headers)
	}
	all := make([]Header, n)
	for i, m := range msgs {
		k := len(m.Headers)
		out[i] = recordIn(m, all[:k:k])
		all = all[k:]
	}
	return out
}

// message is what a writer sends for r: the key, value, headers and time; the topic and
// partition are the writer's to choose.
func (r Record) message() kafka.Message {
	m := kafka.Message{Key: r.Key, Value: r.Value, Time: r.Time}
	if len(r.Headers) > 0 {
		m.Headers = make([]kafka.Header, len(r.Headers))
		for i, h := range r.Headers {
			m.Headers[i] = kafka.Header{Key: h.Key, Value: h.Value}
		}
	}
	return m
}

// size is what r weighs against kafka.max_message_bytes: its key, value and headers.
func (r Record) size() int {
	n := len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return n
}
