package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"wirewatch/config"
)

// undLang holds articles whose language is not one of the configured ones, or unknown.
const undLang = "und"

// analyzers maps ISO 639-1 codes to Elasticsearch's built-in language analyzers (stemming
// and stop words). Languages it lacks, among them Azerbaijani, Georgian and Ukrainian (whose
// analyzer is a plugin), get the standard analyzer: words are still found, only not stemmed.
var analyzers = map[string]string{
	"ar": "arabic", "bg": "bulgarian", "bn": "bengali", "ca": "catalan", "cs": "czech",
	"da": "danish", "de": "german", "el": "greek", "en": "english", "es": "spanish",
	"et": "estonian", "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french",
	"ga": "irish", "gl": "galician", "hi": "hindi", "hu": "hungarian", "hy": "armenian",
	"id": "indonesian", "it": "italian", "ja": "cjk", "ko": "cjk", "lt": "lithuanian",
	"lv": "latvian", "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
	"ru": "russian", "sv": "swedish", "th": "thai", "tr": "turkish", "zh": "cjk",
}

// analyzer returns the analyzer for a language code.
func analyzer(lang string) string {
	if a, ok := analyzers[lang]; ok {
		return a
	}
	return "standard"
}

// fieldLanguages returns the languages that get their own fields, sorted, without repeats,
// with "und" last.
func fieldLanguages(languages []string) ([]string, map[string]bool) {
	set := map[string]bool{}
	var langs []string
	for _, l := range languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" || l == undLang || set[l] {
			continue
		}
		set[l] = true
		langs = append(langs, l)
	}
	slices.Sort(langs)
	set[undLang] = true
	return append(langs, undLang), set
}

// policyName is the lifecycle policy that deletes old monthly indices.
func policyName(prefix string) string { return prefix + "-retention" }

// Template returns the composable index template installed by Setup, as sent to
// PUT _index_template/PREFIX. deployments/elasticsearch/index-template.json is this
// template for the default configuration, for operators who manage templates themselves.
func Template(cfg config.ElasticConfig, languages []string) map[string]any {
	langs, _ := fieldLanguages(languages)
	keyword := map[string]any{"type": "keyword"}
	props := map[string]any{
		"id":            keyword,
		"url":           keyword,
		"lang":          keyword,
		"source":        keyword,
		"source_url":    keyword,
		"authors":       keyword,
		"entities":      keyword,
		"entity_labels": keyword,
		"entity_names": map[string]any{
			"type":   "text",
			"fields": map[string]any{"keyword": map[string]any{"type": "keyword", "ignore_above": 256}},
		},
		"topics":       keyword,
		"countries":    keyword,
		"story_id":     keyword,
		"collapse_key": keyword,
		"location":     map[string]any{"type": "geo_point"},
		"published":    map[string]any{"type": "date"},
		"fetched":      map[string]any{"type": "date"},
		// The whole article as JSON, returned by Get and read for hits; never indexed.
		"doc": map[string]any{"type": "object", "enabled": false},
	}
	for _, l := range langs {
		props["title_"+l] = map[string]any{
			"type":     "text",
			"analyzer": analyzer(l),
			"fields":   map[string]any{"keyword": map[string]any{"type": "keyword", "ignore_above": 512}},
		}
		props["body_"+l] = map[string]any{"type": "text", "analyzer": analyzer(l)}
	}
	settings := map[string]any{
		"number_of_shards":   cfg.Shards,
		"number_of_replicas": cfg.Replicas,
	}
	if cfg.Retention > 0 {
		settings["index.lifecycle.name"] = policyName(cfg.IndexPrefix)
	}
	return map[string]any{
		"index_patterns": []string{cfg.IndexPrefix + "-*"},
		// Above the built-in templates (priority 100 and lower) so a broad "*" pattern of
		// theirs does not win.
		"priority": 200,
		"_meta":    map[string]any{"managed_by": "wirewatch", "languages": langs},
		"template": map[string]any{
			"settings": settings,
			"mappings": map[string]any{
				// Fields wirewatch does not know are kept in _source but not indexed, so an
				// unexpected field never changes the mapping of a month.
				"dynamic":    false,
				"properties": props,
			},
			"aliases": map[string]any{cfg.IndexPrefix: map[string]any{}},
		},
	}
}

// Policy returns the lifecycle policy that deletes a monthly index once its last possible
// article is older than the retention (see createIndex for the origination date).
func Policy(retention time.Duration) map[string]any {
	return map[string]any{
		"policy": map[string]any{
			"_meta": map[string]any{"managed_by": "wirewatch"},
			"phases": map[string]any{
				"delete": map[string]any{
					"min_age": fmt.Sprintf("%ds", int64(retention/time.Second)),
					"actions": map[string]any{"delete": map[string]any{}},
				},
			},
		},
	}
}

// Setup installs the lifecycle policy (when a retention is set) and the index template.
// Both are PUTs of the full definition, so Setup is idempotent and a changed configuration
// replaces the old one (existing months keep their mapping; new months get the new one).
// Write calls it before the first write unless index.elasticsearch.manage_templates is off.
func (b *Backend) Setup(ctx context.Context) error {
	b.setupMu.Lock()
	defer b.setupMu.Unlock()
	if b.setupDone {
		return nil
	}
	if b.cfg.Retention > 0 {
		body, err := json.Marshal(Policy(b.cfg.Retention))
		if err != nil {
			return fmt.Errorf("encoding lifecycle policy: %w", err)
		}
		name := policyName(b.cfg.IndexPrefix)
		req := esapi.ILMPutLifecycleRequest{Policy: name, Body: bytes.NewReader(body)}
		if err := b.do(ctx, "putting lifecycle policy "+name, req, nil); err != nil {
			return err
		}
	}
	body, err := json.Marshal(Template(b.cfg, b.langs))
	if err != nil {
		return fmt.Errorf("encoding index template: %w", err)
	}
	req := esapi.IndicesPutIndexTemplateRequest{Name: b.cfg.IndexPrefix, Body: bytes.NewReader(body)}
	if err := b.do(ctx, "putting index template "+b.cfg.IndexPrefix, req, nil); err != nil {
		return err
	}
	b.setupDone = true
	b.log.Info("elasticsearch index template ready", "template", b.cfg.IndexPrefix, "languages", strings.Join(b.langs, ","))
	return nil
}

// monthIndex names the monthly index for time t.
func (b *Backend) monthIndex(t time.Time) string {
	return b.cfg.IndexPrefix + "-" + t.UTC().Format("2006.01")
}

// ensureIndex creates a monthly index unless this process already knows it exists. It is
// created explicitly, not by the first bulk write, to give it a lifecycle origination date:
// the end of its month, so retention counts from the newest article it can hold rather
// than from the day it happened to be created.
func (b *Backend) ensureIndex(ctx context.Context, name string, month time.Time) error {
	b.indicesMu.Lock()
	known := b.indices[name]
	b.indicesMu.Unlock()
	if known {
		return nil
	}
	start := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	body := fmt.Sprintf(`{"settings":{"index.lifecycle.origination_date":%d}}`, end.UnixMilli())
	req := esapi.IndicesCreateRequest{Index: name, Body: strings.NewReader(body)}
	err := b.do(ctx, "creating index "+name, req, nil)
	var esErr *Error
	if errors.As(err, &esErr) && esErr.Status == http.StatusBadRequest && esErr.Type == "resource_already_exists_exception" {
		err = nil
	}
	if err != nil {
		return err
	}
	b.indicesMu.Lock()
	b.indices[name] = true
	b.indicesMu.Unlock()
	return nil
}
