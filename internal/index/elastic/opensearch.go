package elastic

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/opensearch-project/opensearch-go/v4"

	"wirewatch/internal/config"
)

// NewOpenSearch connects to the OpenSearch 2 cluster described by cfg; it sends nothing
// until the first call. languages are as for New. The indices, template, queries and bulk
// handling are those of Elasticsearch; retention is an ISM policy (see ISMPolicy).
func NewOpenSearch(cfg config.OpenSearchConfig, languages []string, logger *slog.Logger) (*Backend, error) {
	c := cfg.Cluster()
	osCfg := opensearch.Config{
		Addresses:     c.URLs,
		Username:      c.Username,
		Password:      c.Password,
		RetryOnStatus: retryStatuses,
		MaxRetries:    c.MaxRetries,
		DisableRetry:  c.MaxRetries == 0,
		RetryBackoff:  func(attempt int) time.Duration { return backoff(c.RetryBackoff, attempt) },
	}
	var err error
	if osCfg.CACert, err = readCA(openSearchFlavour, c.CAFile); err != nil {
		return nil, err
	}
	client, err := opensearch.NewClient(osCfg)
	if err != nil {
		return nil, fmt.Errorf("creating opensearch client: %w", err)
	}
	return newBackend(c, client, openSearchFlavour, languages, logger)
}
