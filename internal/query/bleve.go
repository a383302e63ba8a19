package query

import (
	"fmt"
	"regexp"
	"strings"

	bq "github.com/blevesearch/bleve/v2/search/query"
)

// Bleve compiles n to a Bleve query over the fields of package index/bleve. It builds
// the analysers for languages; when compiling many queries, build one Analysis and call
// its Bleve method.
func Bleve(n Node, languages []string) (bq.Query, error) {
	an, err := NewAnalysis(languages)
	if err != nil {
		return nil, err
	}
	return an.Bleve(n)
}

// Bleve compiles n to a Bleve query. Text is analysed here, once per language, and
// searched as exact terms and phrases, so the index and the Matcher see the same tokens.
func (an *Analysis) Bleve(n Node) (bq.Query, error) {
	switch x := n.(type) {
	case *Term:
		if IsKeywordField(x.Field) {
			return an.keywordQuery(x.Field, x.Value), nil
		}
		return an.textQuery(x.Field, x.Value, 0, x.Pos)
	case *Phrase:
		if IsKeywordField(x.Field) {
			return an.keywordQuery(x.Field, x.Value), nil
		}
		return an.textQuery(x.Field, x.Value, x.Slop, x.Pos)
	case *Wildcard:
		re := WildcardRegexp(an.Keyword(x.Pattern))
		var fields []string
		if IsKeywordField(x.Field) {
			fields = KeywordIndexFields(x.Field)
		} else {
			fields = an.textFields(x.Field)
		}
		qs := make([]bq.Query, 0, len(fields))
		for _, f := range fields {
			q := bq.NewRegexpQuery(re)
			q.SetField(f)
			qs = append(qs, q)
		}
		return disjunction(qs), nil
	case *Range:
		lo, hi := x.Bounds()
		if lo.IsZero() && hi.IsZero() {
			return bq.NewMatchAllQuery(), nil
		}
		t, f := true, false
		q := bq.NewDateRangeInclusiveQuery(lo, hi, &t, &f)
		q.SetField(IndexPublished)
		return q, nil
	case *And:
		var must, not []bq.Query
		for _, c := range x.Nodes {
			target := &must
			if nc, ok := c.(*Not); ok {
				c, target = nc.Node, &not
			}
			q, err := an.Bleve(c)
			if err != nil {
				return nil, err
			}
			*target = append(*target, q)
		}
		if len(must) == 0 {
			must = []bq.Query{bq.NewMatchAllQuery()}
		}
		if len(not) == 0 {
			return bq.NewConjunctionQuery(must), nil
		}
		return bq.NewBooleanQuery(must, nil, not), nil
	case *Or:
		qs := make([]bq.Query, 0, len(x.Nodes))
		for _, c := range x.Nodes {
			q, err := an.Bleve(c)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
		return bq.NewDisjunctionQuery(qs), nil
	case *Not:
		q, err := an.Bleve(x.Node)
		if err != nil {
			return nil, err
		}
		return bq.NewBooleanQuery([]bq.Query{bq.NewMatchAllQuery()}, nil, []bq.Query{q}), nil
	}
	return nil, fmt.Errorf("compiling query: unknown node %T", n)
}

func disjunction(qs []bq.Query) bq.Query {
	switch len(qs) {
	case 0:
		return bq.NewMatchNoneQuery()
	case 1:
		return qs[0]
	}
	return bq.NewDisjunctionQuery(qs)
}

func (an *Analysis) keywordQuery(field, value string) bq.Query {
	v := an.Keyword(value)
	if v == "" {
		return bq.NewMatchNoneQuery()
	}
	var qs []bq.Query
	for _, f := range KeywordIndexFields(field) {
		q := bq.NewTermQuery(v)
		q.SetField(f)
		qs = append(qs, q)
	}
	return disjunction(qs)
}

// textFields lists the fields a text search looks in, for one language key or all.
func (an *Analysis) textFields(field string) []string {
	var fs []string
	for _, k := range an.keys {
		fs = append(fs, an.textFieldsFor(field, k)...)
	}
	return fs
}

func (an *Analysis) textFieldsFor(field, key string) []string {
	if field == FieldTitle {
		return []string{TitleField(key)}
	}
	return []string{TitleField(key), BodyField(key)}
}

// textQuery searches value in the text fields of every language, analysed with that
// language's analyser: one token is a term, several a phrase, slop a proximity search.
func (an *Analysis) textQuery(field, value string, slop, pos int) (bq.Query, error) {
	var qs []bq.Query
	for _, k := range an.keys {
		terms := an.TermsOf(k, value)
		if len(terms) == 0 {
			continue
		}
		if err := CheckProximity(terms, slop, pos); err != nil {
			return nil, err
		}
		for _, f := range an.textFieldsFor(field, k) {
			switch {
			case len(terms) == 1:
				q := bq.NewTermQuery(terms[0])
				q.SetField(f)
				qs = append(qs, q)
			case slop == 0:
				qs = append(qs, bq.NewPhraseQuery(terms, f))
			default:
				qs = append(qs, &proximityQuery{Field: f, Terms: terms, Slop: slop})
			}
		}
	}
	return disjunction(qs), nil
}

// WildcardRegexp turns a wildcard pattern (already normalised) into the anchored regular
// expression that both Bleve and the Matcher apply to whole terms.
func WildcardRegexp(pattern string) string {
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}
