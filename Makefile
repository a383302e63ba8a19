# wirewatch: `make run` starts the whole pipeline on embedded defaults; `make test` runs every test.
GO      ?= go
BIN     ?= bin/wirewatch
CONFIG  ?= config/wirewatch.yaml
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run build test test-es test-live live-up live-down lint bench bench-e2e fuzz clean chromium

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wirewatch

# run uses config/wirewatch.yaml when it exists, else the embedded defaults.
run: build
	./$(BIN) run $(if $(wildcard $(CONFIG)),--config $(CONFIG),)

test: chromium
	$(GO) test -race -count=1 -timeout 12m ./...

# chromium: the browser tests of web/ui drive Debian's chromium (never a downloaded browser).
# Installed here when missing and running as root; otherwise this says how, and the browser
# tests fail with the same advice.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium for the browser tests (apt-get)"; \
		apt-get update -q && apt-get install -y -q --no-install-recommends chromium; \
	else \
		echo "*** the browser tests need chromium: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium"; \
	fi

# test-es runs the live Elasticsearch suite; it needs ES_URL (for example http://localhost:9200).
test-es:
	@test -n "$$ES_URL" || { echo "test-es: set ES_URL to a running Elasticsearch 8"; exit 2; }
	$(GO) test -count=1 -run Live ./internal/index/...

# test-live runs the live suites (TestLive*, build tag "live") against real servers it starts
# on loopback and stops at the end, on failure too: three Apache Kafka brokers (KRaft) and
# OpenSearch 2.19, from Maven Central jars cached in .cache/live. Needs Java 17 and Maven
# (deployments/live/README.md). live-up / live-down keep the servers up between runs.
test-live:
	GO=$(GO) deployments/live/test-live.sh

live-up:
	deployments/live/servers.sh fetch up

live-down:
	deployments/live/servers.sh down

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 30m ./...

# bench-e2e measures the whole pipeline as a user runs it (README "Sizing"): generated local
# feeds, embedded broker and Bleve in a temp dir, saved searches alerting a loopback webhook,
# then the raw kafka-go, Bleve and gofeed baselines on the same messages. BENCH_FLAGS sizes it,
# e.g. make bench-e2e BENCH_FLAGS='--feeds 100 --items 100 --searches 10000'.
BENCH_FLAGS ?= --feeds 20 --items 25 --searches 100
bench-e2e: build
	./$(BIN) bench $(BENCH_FLAGS)

clean:
	rm -rf bin
