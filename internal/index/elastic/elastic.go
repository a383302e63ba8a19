// Package elastic is the Elasticsearch 8 and OpenSearch 2 search backend: the indexing stage
// writes enriched articles into it in bulk, and the search API and the analyst UI query it.
// It implements index.Backend with the same answers as the embedded Bleve backend.
//
// Place in the flow. It sits under the contract it implements (package index) and is chosen
// by package pipeline; nothing above reaches it except through index.Backend. It may import
// index, query (the language, compiled to the query DSL in dsl.go, and its field names and
// analysers), config (its own settings) and article, nothing above them. It is the only
// package that speaks to Elasticsearch or OpenSearch.
//
// Two servers. OpenSearch forked from Elasticsearch 7.10 and speaks the same bulk, search,
// aggregation and highlight API, so one Backend serves both: the requests are go-elasticsearch's
// esapi values, sent through a transport (the client of each server, built by New or
// NewOpenSearch with its own addresses, authentication and retries). go-elasticsearch's own
// client refuses a server that does not say "X-Elastic-Product: Elasticsearch"; OpenSearch is
// therefore reached through opensearch-go's client, never by faking that header. What does
// differ, the retention policy (ILM or ISM) and the settings that attach it, is a flavour
// value chosen once by the constructor (flavour.go).
//
// Layout. Articles live in monthly indices PREFIX-YYYY.MM, chosen by published time, behind a
// read alias PREFIX that a composable index template attaches to every new monthly index.
// Regular indices rather than a data stream, because a data stream only appends: a redelivered
// or updated article must overwrite its document by _id, which a data stream allows only
// through its hidden backing indices. Monthly indices also let a lifecycle policy delete old
// months whole, which costs nothing, instead of deleting documents.
//
// Duplicates across months. The document _id is the article ID, but an _id is unique only
// within one index: if a feed changes an article's published date into another month, a naive
// write would leave one copy in each month. Write therefore looks the batch's IDs up through the
// alias first and keeps every known article in the index where it was first stored (its
// published field is still updated, so time filters see the new date). Two writers racing on
// one new ID could still create two copies; the indexing stage rules that out because Kafka
// keys messages by article ID, so one ID is always handled by one consumer. The lookup is a
// search, so it sees what was refreshed (1 s by default): a date change within a second of
// the first write could still leave two copies.
//
// Same answers as Bleve. Field names, indexed values (query.KeywordValues, BodyText,
// PublishedTime) and the language analysers follow package query, which the Bleve backend
// and the alert matcher use; the analysers are custom chains of Elasticsearch's built-in
// filters that mirror Bleve's (stop words kept). The whole article is kept in a non-indexed
// "doc" object for Get and for hits. Get searches the alias by ID, since monthly indices
// rule out GET _doc; like searches, it sees writes once refreshed.
package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"wirewatch/internal/config"
	"wirewatch/internal/index"
)

// Backend is an index.Backend on an Elasticsearch 8 or OpenSearch 2 cluster. It is safe for
// concurrent use.
type Backend struct {
	cfg      config.ElasticConfig
	tr       transport
	fl       flavour
	bulk     esutil.BulkIndexer
	log      *slog.Logger
	langs    []string        // languages with their own title_/body_ fields, "und" last
	hasLng   map[string]bool // lookup for langs
	compiler compiler

	setupMu   sync.Mutex
	setupDone bool

	indicesMu sync.Mutex
	indices   map[string]bool // monthly indices known to exist
}

var _ index.Backend = (*Backend)(nil)

// transport sends one HTTP request to the cluster: the Elasticsearch or the OpenSearch
// client, which picks a node, adds the credentials and retries transport errors and the
// statuses in retryStatuses up to max_retries times before returning. It is safe for
// concurrent use; cancelling the request's context ends the call and its retries.
type transport interface {
	Perform(*http.Request) (*http.Response, error)
}

// retryStatuses are the answers each client retries a whole request on: the cluster is
// overloaded (429) or a node or proxy is down (502-504).
var retryStatuses = []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

// New connects to the Elasticsearch cluster described by cfg; it sends nothing until the
// first call. languages are the ISO 639-1 codes the processor detects (config
// process.languages); each gets its own analysed title and body fields, and every other
// language goes to the "und" fields with the standard analyzer.
func New(cfg config.ElasticConfig, languages []string, logger *slog.Logger) (*Backend, error) {
	esCfg := elasticsearch.Config{
		Addresses:     cfg.URLs,
		CloudID:       cfg.CloudID,
		Username:      cfg.Username,
		Password:      cfg.Password,
		APIKey:        cfg.APIKey,
		RetryOnStatus: retryStatuses,
		MaxRetries:    cfg.MaxRetries,
		DisableRetry:  cfg.MaxRetries == 0,
		RetryBackoff:  func(attempt int) time.Duration { return backoff(cfg.RetryBackoff, attempt) },
	}
	var err error
	if esCfg.CACert, err = readCA(elasticsearchFlavour, cfg.CAFile); err != nil {
		return nil, err
	}
	es, err := elasticsearch.NewClient(esCfg)
	if err != nil {
		return nil, fmt.Errorf("creating elasticsearch client: %w", err)
	}
	return newBackend(cfg, es, elasticsearchFlavour, languages, logger)
}

// readCA reads the PEM file of the ca_file setting, nil when it is not set.
func readCA(fl flavour, path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s.ca_file: %w", fl.configKey, err)
	}
	return pem, nil
}

// newBackend is the part of New and NewOpenSearch that does not depend on the server.
func newBackend(cfg config.ElasticConfig, tr transport, fl flavour, languages []string, logger *slog.Logger) (*Backend, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Backend{
		cfg:     cfg,
		tr:      tr,
		fl:      fl,
		log:     logger,
		indices: map[string]bool{},
	}
	b.langs, b.hasLng = fieldLanguages(languages)
	b.compiler = newCompiler(b.langs)
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client:     tr,
		NumWorkers: cfg.BulkWorkers,
		FlushBytes: cfg.FlushBytes,
		// Write flushes at the end of every call; the interval only matters for a batch
		// larger than FlushBytes, whose earlier parts are already sent.
		FlushInterval: time.Minute,
		Refresh:       cfg.Refresh,
		// Only the per-item fields Write reads; the rest of the response is dropped by the
		// cluster instead of being parsed here.
		FilterPath: []string{"errors", "items.*._index", "items.*._id", "items.*.status", "items.*.error.type", "items.*.error.reason", "items.*.error.caused_by"},
		OnError: func(ctx context.Context, err error) {
			logger.Warn("bulk request failed", "server", fl.name, "err", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("creating bulk indexer: %w", err)
	}
	b.bulk = bi
	return b, nil
}

// Close flushes and stops the bulk workers. Calls after Close fail.
func (b *Backend) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.bulk.Close(ctx); err != nil {
		return fmt.Errorf("closing bulk indexer: %w", err)
	}
	// The Elasticsearch client has idle connections and a metrics goroutine to release;
	// OpenSearch's (v4.6) has neither.
	if c, ok := b.tr.(interface{ Close(context.Context) error }); ok {
		if err := c.Close(ctx); err != nil && !errors.Is(err, elasticsearch.ErrAlreadyClosed) {
			return fmt.Errorf("closing %s client: %w", b.fl.name, err)
		}
	}
	return nil
}

// Error is an error the cluster reported, for a whole request or for one document of a
// bulk request. It wraps index.ErrRetryable when the status is 429 or 5xx.
type Error struct {
	Server string // "elasticsearch" or "opensearch"
	Status int    // HTTP status of the request or of the bulk item
	Type   string // error type, e.g. "mapper_parsing_exception"
	Reason string
	Cause  string // caused_by type and reason, when given
	Op     string // what was being done, e.g. "indexing article 3f2a…"
}

func (e *Error) Error() string {
	var sb strings.Builder
	if e.Op != "" {
		sb.WriteString(e.Op)
		sb.WriteString(": ")
	}
	server := e.Server
	if server == "" {
		server = "search server"
	}
	fmt.Fprintf(&sb, "%s %d", server, e.Status)
	if e.Type != "" {
		sb.WriteString(" ")
		sb.WriteString(e.Type)
	}
	if e.Reason != "" {
		sb.WriteString(": ")
		sb.WriteString(e.Reason)
	}
	if e.Cause != "" {
		sb.WriteString(" (caused by ")
		sb.WriteString(e.Cause)
		sb.WriteString(")")
	}
	return sb.String()
}

// Unwrap makes errors.Is(err, index.ErrRetryable) true for passing failures.
func (e *Error) Unwrap() error {
	if retryableStatus(e.Status) {
		return index.ErrRetryable
	}
	return nil
}

func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// do performs req and decodes a 2xx JSON body into out (unless out is nil). A non-2xx
// answer becomes an *Error carrying the cluster's error type and reason.
func (b *Backend) do(ctx context.Context, op string, req esapi.Request, out any) error {
	res, err := req.Do(ctx, b.tr)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
		return fmt.Errorf("%s: %w: %w", op, index.ErrRetryable, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		e := responseError(op, res)
		e.Server = b.fl.name
		return e
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("%s: decoding response: %w", op, err)
	}
	return nil
}

// responseError reads the cluster's error body (the same in Elasticsearch and OpenSearch):
// {"error":{"root_cause":[...],"type":"...","reason":"...","caused_by":{...}},"status":400}.
func responseError(op string, res *esapi.Response) *Error {
	e := &Error{Status: res.StatusCode, Op: op}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var parsed struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &parsed) == nil && len(parsed.Error) > 0 {
		var detail struct {
			Type     string `json:"type"`
			Reason   string `json:"reason"`
			CausedBy *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"caused_by"`
		}
		if json.Unmarshal(parsed.Error, &detail) == nil {
			e.Type, e.Reason = detail.Type, detail.Reason
			if detail.CausedBy != nil {
				e.Cause = strings.TrimSpace(detail.CausedBy.Type + ": " + detail.CausedBy.Reason)
			}
		} else {
			// Some errors (e.g. a 404 for a missing route) are a bare string.
			_ = json.Unmarshal(parsed.Error, &e.Reason)
		}
	} else if len(body) > 0 {
		e.Reason = strings.TrimSpace(string(bytes.ToValidUTF8(body[:min(len(body), 512)], nil)))
	}
	return e
}

// backoff is base doubled on every attempt (attempt 1 waits base), capped at 30 s.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
