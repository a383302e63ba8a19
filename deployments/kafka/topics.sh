#!/usr/bin/env bash
# Creates wirewatch's topics on a Kafka cluster (idempotent). Names match the defaults of
# config.KafkaConfig.Topics; keep them in step (deployments_test.go checks it).
#   BOOTSTRAP=kafka:9092 PARTITIONS=4 REPLICATION=3 ./topics.sh
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
PARTITIONS=${PARTITIONS:-4}
REPLICATION=${REPLICATION:-1}
KAFKA_BIN=${KAFKA_BIN:-/opt/kafka/bin}

create() { # name partitions config...
	local name=$1 parts=$2
	shift 2
	local args=()
	for c in "$@"; do args+=(--config "$c"); done
	"$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
		--topic "$name" --partitions "$parts" --replication-factor "$REPLICATION" "${args[@]}"
}

# The raw articles are the archive `wirewatch reprocess` re-enriches from when the knowledge
# base, the entities or the topic rules change: kept RAW_RETENTION_MS (30 days by default,
# as kafka.raw_retention). The enriched stream keeps a week of history for replays.
create wirewatch.articles.raw "$PARTITIONS" retention.ms="${RAW_RETENTION_MS:-2592000000}" max.message.bytes=4194304
create wirewatch.articles.enriched "$PARTITIONS" retention.ms=604800000 max.message.bytes=4194304
# Whatever could not be processed, with the reason in headers: kept a month for inspection.
create wirewatch.dlq "$PARTITIONS" retention.ms=2592000000 max.message.bytes=4194304
# Keyed state: only the latest value per key matters.
create wirewatch.feeds "$PARTITIONS" cleanup.policy=compact
create wirewatch.feeds.state "$PARTITIONS" cleanup.policy=compact
create wirewatch.searches "$PARTITIONS" cleanup.policy=compact
# Story assignments by article ID, read whole by every processor: kept past the story window.
create wirewatch.stories "$PARTITIONS" cleanup.policy=compact,delete retention.ms=604800000
# Matched alerts, read by notifiers.
create wirewatch.alerts "$PARTITIONS" retention.ms=604800000

"$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list
