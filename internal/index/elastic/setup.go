package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"wirewatch/internal/config"
	"wirewatch/internal/index"
	"wirewatch/internal/query"
)

// undLang holds articles whose language is unknown or not configured.
const undLang = query.Und

// languageChains are the token filters of each language's analyzer: the chains of the
// Bleve backend and the stream matcher (query.DefineAnalysis) rebuilt from Elasticsearch's
// built-in filters, so a query selects the same articles in every backend. Like those,
// they keep stop words (Elasticsearch's ready-made language analyzers drop them, and then
// "la Russie" would need a word that no French document can contain). Languages not
// listed (hy, az, ka, uk, und) are split on Unicode word boundaries and lower-cased.
// The one gap: Bleve's Arabic chain starts with NFKC, which Elasticsearch offers only
// through the ICU plugin.
var languageChains = map[string][]string{
	"en": {"ww_possessive_en", "lowercase", "porter_stem"},
	"fr": {"lowercase", "ww_elision_fr", "ww_light_fr"},
	"ru": {"lowercase", "ww_snowball_ru"},
	"tr": {"apostrophe", "lowercase", "ww_snowball_tr"},
	"fa": {"lowercase", "arabic_normalization", "persian_normalization"},
	"de": {"lowercase", "german_normalization", "ww_light_de"},
	"es": {"lowercase", "ww_light_es"},
	"ar": {"lowercase", "arabic_normalization", "ww_stem_ar"},
	"it": {"lowercase", "ww_elision_it", "ww_light_it"},
	"pt": {"lowercase", "ww_light_pt"},
	"nl": {"lowercase", "ww_snowball_nl"},
}

// customFilters define the ww_ filters the chains name.
var customFilters = map[string]map[string]any{
	"ww_possessive_en": {"type": "stemmer", "language": "possessive_english"},
	"ww_elision_fr": {"type": "elision", "articles_case": true,
		"articles": []string{"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"}},
	"ww_light_fr":    {"type": "stemmer", "language": "light_french"},
	"ww_snowball_ru": {"type": "snowball", "language": "Russian"},
	"ww_snowball_tr": {"type": "snowball", "language": "Turkish"},
	"ww_light_de":    {"type": "stemmer", "language": "light_german"},
	"ww_light_es":    {"type": "stemmer", "language": "light_spanish"},
	"ww_stem_ar":     {"type": "stemmer", "language": "arabic"},
	"ww_elision_it": {"type": "elision", "articles_case": true,
		"articles": []string{"c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl", "degl", "negl", "sugl", "un", "m", "t", "s", "v", "d"}},
	"ww_light_it":    {"type": "stemmer", "language": "light_italian"},
	"ww_light_pt":    {"type": "stemmer", "language": "light_portuguese"},
	"ww_snowball_nl": {"type": "snowball", "language": "Dutch"},
}

// languageCharFilters: Persian writes a zero-width non-joiner inside words, which Bleve
// turns into a word break.
var languageCharFilters = map[string][]string{"fa": {"ww_zwnj"}}

// analysisSettings returns the analysis section defining query.AnalyzerName(key) for
// every language key.
func analysisSettings(keys []string) map[string]any {
	analyzers := map[string]any{}
	filters := map[string]any{}
	chars := map[string]any{}
	for _, k := range keys {
		chain, ok := languageChains[k]
		if !ok {
			chain = []string{"lowercase"}
		}
		a := map[string]any{"type": "custom", "tokenizer": "standard", "filter": chain}
		if cf := languageCharFilters[k]; len(cf) > 0 {
			a["char_filter"] = cf
			chars["ww_zwnj"] = map[string]any{"type": "mapping", "mappings": []string{"\\u200C=>\\u0020"}}
		}
		analyzers[query.AnalyzerName(k)] = a
		for _, f := range chain {
			if def, ok := customFilters[f]; ok {
				filters[f] = def
			}
		}
	}
	// The words as written, for wildcards and fuzzy terms (query.FoldAnalyzer): the same
	// words as Bleve's ww_fold, which splits tokens at the apostrophes mapped to spaces here.
	analyzers[query.FoldAnalyzer] = map[string]any{
		"type": "custom", "tokenizer": "standard",
		"char_filter": []string{"ww_apostrophe"}, "filter": []string{"lowercase", "asciifolding"},
	}
	apostrophes := make([]string, len(query.FoldApostrophes))
	for i, r := range query.FoldApostrophes {
		apostrophes[i] = fmt.Sprintf("\\u%04X=>\\u0020", r)
	}
	chars["ww_apostrophe"] = map[string]any{"type": "mapping", "mappings": apostrophes}
	out := map[string]any{"analyzer": analyzers}
	if len(filters) > 0 {
		out["filter"] = filters
	}
	if len(chars) > 0 {
		out["char_filter"] = chars
	}
	return out
}

// fieldLanguages returns the language keys that get their own fields (query.LangKeys:
// sorted, lower-cased primary tags, with "und") and a set of them.
func fieldLanguages(languages []string) ([]string, map[string]bool) {
	keys := query.LangKeys(languages)
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return keys, set
}

// policyName is the lifecycle policy that deletes old monthly indices.
func policyName(prefix string) string { return prefix + "-retention" }

// Template returns the composable index template installed by Setup on Elasticsearch, as
// sent to PUT _index_template/PREFIX. deployments/elasticsearch/index-template.json is this
// template for the default configuration, for operators who manage templates themselves;
// with no retention it is OpenSearch's template too.
func Template(cfg config.ElasticConfig, languages []string) map[string]any {
	return indexTemplate(elasticsearchFlavour, cfg, languages)
}

// indexTemplate is the index template for the server fl.
func indexTemplate(fl flavour, cfg config.ElasticConfig, languages []string) map[string]any {
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
		"entity_names":  keyword,
		"topics":        keyword,
		"countries":     keyword,
		"story_id":      keyword,
		"collapse_key":  keyword,
		"location":      map[string]any{"type": "geo_point"},
		"published":     map[string]any{"type": "date"},
		"fetched":       map[string]any{"type": "date"},
		// The whole article as JSON, returned by Get and read for hits; never indexed.
		"doc": map[string]any{"type": "object", "enabled": false},
	}
	// Each text field has a sub-field of its words as written, query.FoldField's
	// title_<lang>.fold, for wildcards and fuzzy terms.
	fold := map[string]any{"type": "text", "analyzer": query.FoldAnalyzer}
	for _, l := range langs {
		props[query.TitleField(l)] = map[string]any{
			"type":     "text",
			"analyzer": query.AnalyzerName(l),
			"fields": map[string]any{
				"keyword": map[string]any{"type": "keyword", "ignore_above": 512},
				"fold":    fold,
			},
		}
		props[query.BodyField(l)] = map[string]any{"type": "text", "analyzer": query.AnalyzerName(l),
			"fields": map[string]any{"fold": fold}}
	}
	settings := map[string]any{
		"number_of_shards":   cfg.Shards,
		"number_of_replicas": cfg.Replicas,
		"analysis":           analysisSettings(langs),
	}
	if cfg.Retention > 0 && fl.lifecycleSetting != "" {
		settings[fl.lifecycleSetting] = policyName(cfg.IndexPrefix)
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

// Policy returns the Elasticsearch lifecycle policy that deletes a monthly index once its
// last possible article is older than the retention (see ensureIndex for the origination
// date). OpenSearch's is ISMPolicy.
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

// Setup installs the retention policy (when a retention is set: ILM on Elasticsearch, ISM
// on OpenSearch) and the index template. Both are PUTs of the full definition, so Setup is
// idempotent and a changed configuration replaces the old one (existing months keep their
// mapping; new months get the new one). Write calls it before the first write. With
// manage_templates off, Setup installs nothing and only checks that the template exists,
// so that a missing one fails at start rather than as dynamically mapped months.
func (b *Backend) Setup(ctx context.Context) error {
	b.setupMu.Lock()
	defer b.setupMu.Unlock()
	if b.setupDone {
		return nil
	}
	if !b.cfg.ManageTemplates {
		res, err := esapi.IndicesExistsIndexTemplateRequest{Name: b.cfg.IndexPrefix}.Do(ctx, b.tr)
		if err != nil {
			return fmt.Errorf("checking index template %s: %w: %w", b.cfg.IndexPrefix, index.ErrRetryable, err)
		}
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusNotFound:
			return fmt.Errorf("index template %s is missing and %s.manage_templates is off: install deployments/elasticsearch/index-template.json as _index_template/%s", b.cfg.IndexPrefix, b.fl.configKey, b.cfg.IndexPrefix)
		case res.IsError():
			return &Error{Server: b.fl.name, Status: res.StatusCode, Op: "checking index template " + b.cfg.IndexPrefix}
		}
		b.setupDone = true
		return nil
	}
	if b.cfg.Retention > 0 {
		if err := b.fl.putRetention(ctx, b, policyName(b.cfg.IndexPrefix), b.cfg.Retention); err != nil {
			return err
		}
	}
	body, err := json.Marshal(indexTemplate(b.fl, b.cfg, b.langs))
	if err != nil {
		return fmt.Errorf("encoding index template: %w", err)
	}
	req := esapi.IndicesPutIndexTemplateRequest{Name: b.cfg.IndexPrefix, Body: bytes.NewReader(body)}
	if err := b.do(ctx, "putting index template "+b.cfg.IndexPrefix, req, nil); err != nil {
		return err
	}
	b.setupDone = true
	b.log.Info("index template ready", "server", b.fl.name, "template", b.cfg.IndexPrefix, "languages", strings.Join(b.langs, ","))
	return nil
}

// monthIndex names the monthly index for time t.
func (b *Backend) monthIndex(t time.Time) string {
	return b.cfg.IndexPrefix + "-" + t.UTC().Format("2006.01")
}

// ensureIndex creates a monthly index unless this process already knows it exists. It is
// created explicitly, not by the first bulk write, to give it a lifecycle origination date
// (where the server has one): the end of its month, so retention counts from the newest
// article it can hold rather than from the day it happened to be created.
func (b *Backend) ensureIndex(ctx context.Context, name string, month time.Time) error {
	b.indicesMu.Lock()
	known := b.indices[name]
	b.indicesMu.Unlock()
	if known {
		return nil
	}
	start := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	req := esapi.IndicesCreateRequest{Index: name}
	if b.fl.originationSetting != "" {
		req.Body = strings.NewReader(fmt.Sprintf(`{"settings":{%q:%d}}`, b.fl.originationSetting, end.UnixMilli()))
	}
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
