package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// flavour is what differs between the two servers the backend speaks to. The query DSL,
// the mapping and analysers, bulk handling, index creation and the error bodies are the
// same API in both and are not here.
type flavour struct {
	name      string // in logs and errors: "elasticsearch", "opensearch"
	configKey string // the configuration block, e.g. "index.elasticsearch"
	// lifecycleSetting is the template setting that attaches the retention policy to each
	// new monthly index; "" when the policy selects its indices itself.
	lifecycleSetting string
	// originationSetting is the index setting that makes retention count from the end of
	// the index's month; "" when the server has none.
	originationSetting string
	// putRetention installs the policy, named name, that deletes old monthly indices.
	// Installing it again with the same retention changes nothing.
	putRetention func(ctx context.Context, b *Backend, name string, retention time.Duration) error
}

// elasticsearchFlavour: Index Lifecycle Management, attached by the template and counting
// from an origination date each monthly index is created with.
var elasticsearchFlavour = flavour{
	name:               "elasticsearch",
	configKey:          "index.elasticsearch",
	lifecycleSetting:   "index.lifecycle.name",
	originationSetting: "index.lifecycle.origination_date",
	putRetention:       putILM,
}

// openSearchFlavour: Index State Management (the index-management plugin). An ISM policy
// finds its indices through its ism_template, so the template names no policy; and it
// counts an index's age from its creation, which cannot be set (OpenSearch refuses both
// index.lifecycle.origination_date and index.creation_date as unknown settings), hence
// the extra month in ISMPolicy.
var openSearchFlavour = flavour{
	name:         "opensearch",
	configKey:    "index.opensearch",
	putRetention: putISM,
}

func putILM(ctx context.Context, b *Backend, name string, retention time.Duration) error {
	body, err := json.Marshal(Policy(retention))
	if err != nil {
		return fmt.Errorf("encoding lifecycle policy: %w", err)
	}
	req := esapi.ILMPutLifecycleRequest{Policy: name, Body: bytes.NewReader(body)}
	return b.do(ctx, "putting lifecycle policy "+name, req, nil)
}

// ismMonth is the age an ISM policy adds to the retention: the longest month, since a
// monthly index is created at the start of its month (or later, for old articles) and its
// newest article can be a month younger than the index.
const ismMonth = 31 * 24 * time.Hour

// ISMPolicy returns the ISM policy that deletes the monthly indices PREFIX-* once they are
// retention plus a month old: no article is deleted before its retention is over, and a
// month can be kept up to a month longer than with Elasticsearch's ILM.
func ISMPolicy(prefix string, retention time.Duration) map[string]any {
	return map[string]any{
		"policy": map[string]any{
			"description":   "wirewatch: deletes the monthly indices " + prefix + "-* after the retention",
			"default_state": "hot",
			"states": []any{
				map[string]any{
					"name":    "hot",
					"actions": []any{},
					"transitions": []any{map[string]any{
						"state_name": "delete",
						"conditions": map[string]any{"min_index_age": fmt.Sprintf("%ds", int64((retention+ismMonth)/time.Second))},
					}},
				},
				map[string]any{
					"name":        "delete",
					"actions":     []any{map[string]any{"delete": map[string]any{}}},
					"transitions": []any{},
				},
			},
			// Attaches the policy to every monthly index created from now on. Priority as
			// for the index template: above broad patterns of other policies.
			"ism_template": []any{map[string]any{"index_patterns": []string{prefix + "-*"}, "priority": 200}},
		},
	}
}

// putISM creates or replaces the ISM policy. ISM refuses to overwrite a policy unless the
// request names the version it replaces (if_seq_no, if_primary_term), so the policy is read
// first. A cluster without the plugin answers its routes with 400 and a bare error string
// (no error type): retention is then not enforced, which Setup says in a warning rather
// than refusing to index.
func putISM(ctx context.Context, b *Backend, name string, retention time.Duration) error {
	body, err := json.Marshal(ISMPolicy(b.cfg.IndexPrefix, retention))
	if err != nil {
		return fmt.Errorf("encoding ISM policy: %w", err)
	}
	path := "/_plugins/_ism/policies/" + url.PathEscape(name)
	var current struct {
		SeqNo       *int64 `json:"_seq_no"`
		PrimaryTerm *int64 `json:"_primary_term"`
	}
	err = b.do(ctx, "reading ISM policy "+name, rawRequest{method: http.MethodGet, path: path}, &current)
	params := url.Values{}
	switch {
	case isMissingRoute(err):
		b.log.Warn("retention is NOT enforced: the cluster has no Index State Management (the opensearch-index-management plugin); install it, or delete old monthly indices yourself",
			"server", b.fl.name, "policy", name, "retention", retention, "indices", b.cfg.IndexPrefix+"-*")
		return nil
	case isStatus(err, http.StatusNotFound):
		// A new policy.
	case err != nil:
		return err
	case current.SeqNo != nil && current.PrimaryTerm != nil:
		params.Set("if_seq_no", fmt.Sprint(*current.SeqNo))
		params.Set("if_primary_term", fmt.Sprint(*current.PrimaryTerm))
	}
	return b.do(ctx, "putting ISM policy "+name, rawRequest{method: http.MethodPut, path: path, params: params, body: body}, nil)
}

// rawRequest is an esapi.Request for the routes go-elasticsearch has no request type for
// (the OpenSearch plugins' _plugins/... APIs).
type rawRequest struct {
	method string
	path   string
	params url.Values
	body   []byte // JSON; nil for none
}

func (r rawRequest) Do(ctx context.Context, tr esapi.Transport) (*esapi.Response, error) {
	u := &url.URL{Path: r.path, RawQuery: r.params.Encode()}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building request %s %s: %w", r.method, r.path, err)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := tr.Perform(req)
	if err != nil {
		return nil, err
	}
	return &esapi.Response{StatusCode: res.StatusCode, Header: res.Header, Body: res.Body}, nil
}

// isMissingRoute reports whether err is the answer to a route the cluster does not have:
// 400 with a bare string for error, where every handled request's error has a type.
func isMissingRoute(err error) bool {
	var esErr *Error
	return errors.As(err, &esErr) && esErr.Status == http.StatusBadRequest && esErr.Type == ""
}

func isStatus(err error, status int) bool {
	var esErr *Error
	return errors.As(err, &esErr) && esErr.Status == status
}
