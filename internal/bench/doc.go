// Package bench is `wirewatch bench`, the end-to-end benchmark users size a deployment
// with. It generates N local feeds of M multilingual ~3 KB articles (en, fr, ru), serves
// them from a loopback HTTP server, runs the whole pipeline as `wirewatch run` does
// (embedded broker, Bleve in a temporary data directory) with K saved searches alerting a
// loopback webhook, and measures, per article, the time from its release on a feed to
// its being found by the search API, and from its enriched record to the webhook. Then
// it measures raw baselines in the same process on the same messages: kafka-go alone
// (bus.RawThroughput), a Bleve batch with wirewatch's mapping (bleve.RawBatch) and a
// net/http + gofeed poll loop. With Options.Live (`wirewatch bench --live`) it runs the
// distributed mode instead: the bus on a real Kafka cluster and the index on OpenSearch
// (the servers `make live-up` starts), with topics and indices of the run's own, and the
// kafka-go baseline on the same brokers. Memory is reported for the pipeline phase alone
// (Memory): the baselines run after wirewatch stopped, on records read back from its topics.
//
// It sits at the top of the flow beside cmd/wirewatch, which is its only importer: it
// runs package pipeline and reaches the stages only as a user does, over HTTP (feeds,
// search API, webhook, /metrics) and Kafka (it follows the raw and enriched topics to
// time records), plus the two exported baselines of bus and index/bleve.
package bench
