# wirewatch: `make run` starts the whole pipeline on embedded defaults; `make test` runs every test.
GO      ?= go
BIN     ?= bin/wirewatch
CONFIG  ?= config/wirewatch.yaml
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run build test test-es lint bench fuzz clean

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wirewatch

# run uses config/wirewatch.yaml when it exists, else the embedded defaults.
run: build
	./$(BIN) run $(if $(wildcard $(CONFIG)),--config $(CONFIG),)

test:
	$(GO) test -race -count=1 -timeout 12m ./...

# test-es runs the live Elasticsearch suite; it needs ES_URL (for example http://localhost:9200).
test-es:
	@test -n "$$ES_URL" || { echo "test-es: set ES_URL to a running Elasticsearch 8"; exit 2; }
	$(GO) test -count=1 -run Live ./index/...

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 30m ./...

clean:
	rm -rf bin
