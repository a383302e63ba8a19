package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wirewatch/internal/bus"
	"wirewatch/internal/config"
)

// The environment `make test-live` and `deployments/live/servers.sh env` set (the same
// names as livetest's, which the binary must not import).
const (
	EnvLiveKafka      = "WIREWATCH_LIVE_KAFKA"      // the brokers, comma-separated
	EnvLiveOpenSearch = "WIREWATCH_LIVE_OPENSEARCH" // the OpenSearch base URL
)

// howToStart is what a run without the live servers says.
const howToStart = "start them with `make live-up`, then `eval \"$(deployments/live/servers.sh env | sed 's/^/export /')\"` (deployments/live/README.md), and stop them with `make live-down`"

// Live names the servers of the distributed mode: a Kafka cluster and an OpenSearch node,
// such as the ones `make live-up` starts on loopback.
type Live struct {
	Brokers       []string
	OpenSearchURL string
	// Keep leaves the run's topics, indices and index template on the servers; by default
	// the run deletes them when it ends (cleanUp).
	Keep bool
}

// LiveFromEnv reads the live servers from the environment (getenv is os.Getenv or a
// stand-in) and says how to start them when a variable is missing.
func LiveFromEnv(getenv func(string) string) (*Live, error) {
	l := &Live{OpenSearchURL: strings.TrimRight(strings.TrimSpace(getenv(EnvLiveOpenSearch)), "/")}
	for b := range strings.SplitSeq(getenv(EnvLiveKafka), ",") {
		if b = strings.TrimSpace(b); b != "" {
			l.Brokers = append(l.Brokers, b)
		}
	}
	var missing []string
	if len(l.Brokers) == 0 {
		missing = append(missing, EnvLiveKafka)
	}
	if l.OpenSearchURL == "" {
		missing = append(missing, EnvLiveOpenSearch)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the distributed mode runs on the live servers, and %s not set: %s", strings.Join(missing, " and "), howToStart)
	}
	return l, nil
}

// check fails, saying how to start them, unless every broker takes a connection and
// OpenSearch answers.
func (l *Live) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var errs []error
	var d net.Dialer
	for _, b := range l.Brokers {
		c, err := d.DialContext(ctx, "tcp", b)
		if err != nil {
			errs = append(errs, fmt.Errorf("kafka broker %s: %w", b, err))
			continue
		}
		c.Close()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.OpenSearchURL+"/", nil)
	if err == nil {
		var resp *http.Response
		if resp, err = http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = errors.New(resp.Status)
			}
		}
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("opensearch %s: %w", l.OpenSearchURL, err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("the live servers do not answer (%w): %s", errors.Join(errs...), howToStart)
	}
	return nil
}

// configure points cfg at the live servers with topics, consumer groups and indices of the
// run's own (bench-<time>.…), so that runs never read each other's records. The run
// deletes its topics and indices when it ends (cleanUp) unless Keep is set; its consumer
// groups, which hold no records, expire on the brokers.
func (l *Live) configure(cfg *config.Config) {
	run := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	cfg.Kafka.Brokers = l.Brokers
	cfg.Kafka.Replication = min(3, len(l.Brokers))
	tp := &cfg.Kafka.Topics
	for _, name := range []*string{&tp.Raw, &tp.Enriched, &tp.DLQ, &tp.Feeds, &tp.State, &tp.Alerts, &tp.Searches, &tp.Stories} {
		*name = run + "." + *name
	}
	cfg.Alert.DeliveryTopic = run + "." + cfg.Alert.DeliveryTopic
	cfg.Kafka.GroupPrefix = run + "." + cfg.Kafka.GroupPrefix
	cfg.Index.Backend = "opensearch"
	cfg.Index.OpenSearch.URLs = []string{l.OpenSearchURL}
	cfg.Index.OpenSearch.IndexPrefix = "wirewatch-" + run
	cfg.Index.OpenSearch.Replicas = 0 // one copy, as on the live servers' single node
}

// cleanUp deletes what the run configured by configure left on the servers: its topics
// (records and all) and its OpenSearch indices, index template and retention policy. It
// tries everything and returns every failure, naming what is left.
func (l *Live) cleanUp(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var errs []error
	client, err := bus.NewClient(cfg.Kafka, l.Brokers, logger)
	if err == nil {
		tp := cfg.Kafka.Topics
		err = client.DeleteTopics(ctx, tp.Raw, tp.Enriched, tp.DLQ, tp.Feeds, tp.State, tp.Alerts, tp.Searches, tp.Stories, cfg.Alert.DeliveryTopic)
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("deleting the run's topics: %w", err))
	}
	if err := deleteIndices(ctx, l.OpenSearchURL, cfg.Index.OpenSearch.IndexPrefix); err != nil {
		errs = append(errs, fmt.Errorf("deleting the run's indices %s-*: %w", cfg.Index.OpenSearch.IndexPrefix, err))
	}
	return errors.Join(errs...)
}

// deleteIndices deletes the OpenSearch indices named prefix-* (listed first, so that a
// cluster refusing wildcard deletions, action.destructive_requires_name, still deletes
// them), the index template prefix and the ISM policy prefix-retention; the template and
// the policy may be absent (the policy is only made with a retention, and needs the ISM
// plugin).
func deleteIndices(ctx context.Context, base, prefix string) error {
	var listed []struct {
		Index string `json:"index"`
	}
	if err := osRequest(ctx, http.MethodGet, base+"/_cat/indices/"+url.PathEscape(prefix+"-*")+"?format=json&h=index", &listed); err != nil {
		return err
	}
	var names []string
	for _, ix := range listed {
		// The pattern already holds them to the prefix; this guards the DELETE below.
		if strings.HasPrefix(ix.Index, prefix+"-") {
			names = append(names, url.PathEscape(ix.Index))
		}
	}
	var errs []error
	if len(names) > 0 {
		errs = append(errs, osRequest(ctx, http.MethodDelete, base+"/"+strings.Join(names, ","), nil))
	}
	for _, path := range []string{"/_index_template/" + url.PathEscape(prefix), "/_plugins/_ism/policies/" + url.PathEscape(prefix+"-retention")} {
		err := osRequest(ctx, http.MethodDelete, base+path, nil)
		var st statusError
		if errors.As(err, &st) && (st.code == http.StatusNotFound || st.code == http.StatusBadRequest && strings.HasPrefix(path, "/_plugins/")) {
			continue // absent; or, for the policy, no ISM plugin (a 400 on its routes)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// statusError is an OpenSearch answer other than 2xx.
type statusError struct {
	code int
	body string
}

func (e statusError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.code, http.StatusText(e.code), e.body)
}

// osRequest sends a bodiless request to OpenSearch and decodes a 2xx answer into out (when
// not nil); any other status is a statusError.
func osRequest(ctx context.Context, method, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("%s %s: %w", method, u, statusError{resp.StatusCode, strings.TrimSpace(string(b))})
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(out); err != nil {
		return fmt.Errorf("decoding the answer to %s %s: %w", method, u, err)
	}
	return nil
}

// brokers are where the run's topics are: the live brokers or the embedded broker.
func brokers(cfg config.Config) []string {
	if len(cfg.Kafka.Brokers) > 0 {
		return cfg.Kafka.Brokers
	}
	return []string{cfg.Kafka.EmbeddedAddr}
}

// servers says what the run runs on, for the progress line.
func servers(cfg config.Config) string {
	if len(cfg.Kafka.Brokers) > 0 {
		return fmt.Sprintf("Kafka %s, replication %d; %s %s", strings.Join(cfg.Kafka.Brokers, ","), cfg.Kafka.Replication,
			cfg.Index.Backend, strings.Join(cfg.Index.OpenSearch.URLs, ","))
	}
	return fmt.Sprintf("embedded broker, Bleve in %s", cfg.DataDir)
}

// readBack reads the run's raw and enriched records back, up to keptValues of each, the
// first of each generated article (ids), for the baselines: from the live brokers, or from
// the embedded broker's data, started again on it now that wirewatch stopped. Reading them
// back, rather than keeping copies during the run, keeps them out of the pipeline phase's
// memory.
func readBack(ctx context.Context, cfg config.Config, ids map[string]int, logger *slog.Logger) (raw, enriched [][]byte, err error) {
	addrs := cfg.Kafka.Brokers
	if len(addrs) == 0 {
		emb, err := bus.StartEmbedded(cfg.Path("kafka"), "127.0.0.1:0", logger)
		if err != nil {
			return nil, nil, fmt.Errorf("starting the run's broker again: %w", err)
		}
		defer emb.Close()
		addrs = emb.Addrs()
	}
	client, err := bus.NewClient(cfg.Kafka, addrs, logger)
	if err != nil {
		return nil, nil, err
	}
	read := func(topic string) ([][]byte, error) {
		var out [][]byte
		seen := map[string]bool{}
		err := client.ReadAll(ctx, topic, nil, func(r bus.Record) {
			k := string(r.Key)
			if _, ok := ids[k]; ok && !seen[k] && len(out) < keptValues {
				seen[k] = true
				out = append(out, r.Value)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s back: %w", topic, err)
		}
		return out, nil
	}
	if raw, err = read(cfg.Kafka.Topics.Raw); err != nil {
		return nil, nil, err
	}
	enriched, err = read(cfg.Kafka.Topics.Enriched)
	return raw, enriched, err
}
