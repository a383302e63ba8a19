// Package indextest is the behaviour every index.Backend must show, as a test suite that
// each backend runs against a real store: Bleve on a temp dir in index/bleve, and in
// index/elastic the live OpenSearch node of `make test-live` (TestLiveOpenSearchBackend)
// or an Elasticsearch 8 named by ES_URL (`make test-es`). It also holds the multilingual corpus and the queries of
// the differential test, where a backend and the stream matcher (query.Matcher) must
// select exactly the same articles.
//
// Only the backends' tests import it. It imports index (the contract it checks), query
// (the matcher of the differential test) and article, never a backend, so each backend
// runs it on itself.
package indextest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"strings"
	"testing"

	"wirewatch/internal/article"
)

//go:embed testdata/corpus.json
var corpusJSON []byte

//go:embed testdata/queries.txt
var queriesTxt []byte

// Corpus returns fresh copies of the hand-written multilingual test articles (fr, en, ru,
// hy, az, ka, tr, fa, de, es, ar, uk and one of unknown language), with stories, entities,
// topics and several sources.
func Corpus(t testing.TB) []*article.Article {
	t.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal(corpusJSON, &raw); err != nil {
		t.Fatalf("reading testdata/corpus.json: %v", err)
	}
	out := make([]*article.Article, len(raw))
	for i, r := range raw {
		a, err := article.Decode(r)
		if err != nil {
			t.Fatalf("corpus article %d: %v", i, err)
		}
		out[i] = a
	}
	return out
}

// Queries returns the queries of the differential test.
func Queries(t testing.TB) []string {
	t.Helper()
	var qs []string
	sc := bufio.NewScanner(bytes.NewReader(queriesTxt))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		qs = append(qs, line)
	}
	if len(qs) == 0 {
		t.Fatal("testdata/queries.txt holds no queries")
	}
	return qs
}
