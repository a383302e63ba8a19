// Package bus is wirewatch's Kafka layer, and the only package that imports kafka-go: the
// stages above it see records, writers, batches and follow callbacks, never a kafka-go
// type. It sits just above the leaves (config, article) in the flow and imports nothing
// else of wirewatch; ingest, process, the indexer and alert use it, and pipeline builds
// the one Client a process shares.
//
// What it offers:
//
//   - Record and Header: one message as the stages see it (key, value, headers, where it
//     was read). A nil Value is a tombstone on a compacted topic.
//   - Client.Writer: a synchronous, keyed writer (acks=all, hash partitioning), with
//     ArticleWriter and DeadLetters built on it.
//   - Client.Consumer: a consumer group over one topic that hands a BatchHandler batches
//     of records and commits their offsets only after the handler returned nil. A batch
//     fills while records are in flight and ends as soon as the reader has none left in
//     hand, so a lone record is handed over in milliseconds.
//   - Client.Follow: reads partitions of a topic from their start outside any group,
//     signals when it has caught up with the end they had, then keeps tailing them, for
//     compacted topics every instance needs whole (saved searches, feed lists).
//   - Client.Assignments: the partitions a consumer group gives this member, generation
//     by generation; leader election (whoever holds partition 0 of a one-partition topic)
//     and sharing out work (the feeds topic's partitions) both build on it.
//   - Client.EnsureTopics: creates every topic wirewatch uses, in one place, and returns
//     once every broker knows them (a real cluster tells its brokers after it answered).
//   - Client.AddPartitions: grows a topic; group members watch their topic's partition
//     count and rebalance over new partitions within seconds.
//   - CompareThroughput (with RawThroughput and BusThroughput): `wirewatch bench`'s
//     measure of the bus against kafka-go alone on the same broker and messages.
//   - StartEmbedded: the embedded Kafka-protocol broker (franz-go's kfake) that `wirewatch
//     run` starts when no brokers are configured; stages reach it over TCP exactly as a
//     real cluster.
//
// Who retries: writers and readers retry transient broker errors themselves (kafka-go),
// and EnsureTopics waits for a starting broker. A Consumer retries a failed batch with
// backoff (kafka.handle_attempts, kafka.retry_backoff), then hands its records to the
// handler one at a time and dead-letters a record that keeps failing alone, so no record
// stalls a stage; a failure the handler marks ErrUnavailable (a backend down) is retried
// until it passes. Nothing is skipped unrecorded. Assignments retries failed joins.
// Follow returns the first error it cannot get past; the caller decides (the stages stop
// and let the process restart).
//
// Limits: a writer refuses a record over kafka.max_message_bytes (900 KiB by default) with
// ErrTooLarge, alone, and writes the others (RecordErrors says which failed). A dead
// letter always fits: one too large to copy is sent as a Reference to the record. While a
// batch keeps failing, its consumer reports itself Stuck (Client.Health, for /readyz) and
// its lag is measured against the partition's end, so it grows in /metrics.
//
// What cancel does: cancelling the ctx of Consumer.Run stops fetching, lets the batch in
// hand finish within the drain timeout, commits it and returns nil; cancelling Follow or
// Assignments stops reading (and leaves the group) and returns nil once their goroutines
// ended. A cancelled Write returns at once; records already sent may still be written.
//
// Every connection carries the client's TLS and SASL settings, and admin calls use a
// transport whose metadata cache expires after 2 s, so freshly created topics are seen.
// kafka-go's logs go through the client's logger: debug for routine chatter (an idle
// long-poll timing out), warn for the rest.
package bus
