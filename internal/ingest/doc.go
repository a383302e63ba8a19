// Package ingest is the first stage of wirewatch: it turns a list of feed URLs into
// article.Article documents published to Kafka.
//
// The flow for one feed is scheduler → fetcher (conditional GET, politeness, limits) →
// charset decoding → gofeed → normalise (canonical URL, sanitised HTML, plain text) →
// dedup → Publisher. A feed's state (validators, seen items, schedule, health) lives in a
// bbolt file under the data directory and advances only after the Publisher returned nil,
// so an item seen before is never published again across a clean restart, while a crash
// can at most republish (the sinks overwrite by deterministic ID). A backlog is bounded
// on its way: new bodies wait before parsing while 1,000 parsed articles await a commit
// (backlog.go), and a commit stops gathering feeds at 500 and hands Publish 500 at most.
//
// Poller is the long-running part; LoadOPML/WriteOPML, Discover and the WebSub handler
// serve the feed list and push delivery; Routes mounts the feed API (api.go) and the WebSub
// callback. GroupPoller (cluster.go) is the scale-out form: pollers split the feeds topic's
// partitions through a consumer group and share feed state through a compacted topic, both
// reached through FeedLog, which bus.Client implements.
//
// In the flow it is the first stage: it imports the leaves (article, config, httpapi) and
// bus for its record types, never a stage after it (process, index, alert) or web.
package ingest
