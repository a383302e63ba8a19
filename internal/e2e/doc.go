// Package e2e holds the distributed end-to-end suite: wirewatch run as separate OS
// processes (two pollers, two processors, two indexers, one alert stage, one search server)
// against the live servers of internal/livetest, a three-broker Kafka cluster and
// OpenSearch, while the suite kills a broker, a processor and an indexer and cuts
// OpenSearch off, then checks what came out: every article indexed once, every saved
// search alerted once per story, every feed polled by one poller at a time.
//
// It sits above everything in the flow, beside cmd: it builds and runs the wirewatch
// command and talks to it, to Kafka and to OpenSearch only over the network. Its test files
// carry the "live" build tag, so the plain `go test ./...` sees only this comment; `make
// test-live` runs the suite.
package e2e
