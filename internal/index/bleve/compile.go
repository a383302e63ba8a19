package bleve

import (
	"fmt"
	"strings"

	bq "github.com/blevesearch/bleve/v2/search/query"

	"wirewatch/internal/query"
)

// compiler turns the analysts' query AST into a Bleve query over this backend's fields.
// Text is analysed here, once per language, with the analysers the index was built with,
// and searched as exact terms and phrases, so the index and query.Matcher see the same
// tokens.
type compiler struct{ an *query.Analysis }

// compile returns the Bleve query for n. A search the language refuses (a proximity
// search too broad) is a *query.Error.
func (c compiler) compile(n query.Node) (bq.Query, error) {
	switch x := n.(type) {
	case *query.Term:
		return c.compile(x.Phrase())
	case *query.Phrase:
		if query.IsKeywordField(x.Field) {
			return c.keyword(x.Field, x.Value), nil
		}
		return c.text(x.Field, x.Value, x.Slop, x.Pos)
	case *query.Wildcard:
		pattern := c.an.Keyword(x.Pattern)
		if query.IsKeywordField(x.Field) {
			return disjunction(wildcardQueries(query.KeywordIndexFields(x.Field), pattern)), nil
		}
		// The stems of every language, and the words as written (query.FoldField).
		qs := wildcardQueries(c.textFields(x.Field), pattern)
		qs = append(qs, wildcardQueries(foldFields(c.textFields(x.Field)), query.Fold(x.Pattern))...)
		return disjunction(qs), nil
	case *query.Fuzzy:
		word, edits := query.Fold(x.Value), x.MaxEdits()
		var qs []bq.Query
		for _, f := range foldFields(c.textFields(x.Field)) {
			q := bq.NewFuzzyQuery(word)
			q.SetFuzziness(edits)
			q.SetField(f)
			qs = append(qs, q)
		}
		return disjunction(qs), nil
	case *query.Range:
		lo, hi := x.Bounds() // relative dates (now-1d) are evaluated now, at search time
		if lo.IsZero() && hi.IsZero() {
			return bq.NewMatchAllQuery(), nil
		}
		t, f := true, false
		q := bq.NewDateRangeInclusiveQuery(lo, hi, &t, &f)
		q.SetField(query.IndexPublished)
		return q, nil
	case *query.And:
		var must, not []bq.Query
		for _, k := range x.Nodes {
			target := &must
			if nk, ok := k.(*query.Not); ok {
				k, target = nk.Node, &not
			}
			q, err := c.compile(k)
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
	case *query.Or:
		qs := make([]bq.Query, 0, len(x.Nodes))
		for _, k := range x.Nodes {
			q, err := c.compile(k)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
		return bq.NewDisjunctionQuery(qs), nil
	case *query.Not:
		q, err := c.compile(x.Node)
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

// keyword matches a whole value, normalised as the index stores it, on the keyword
// fields behind field.
func (c compiler) keyword(field, value string) bq.Query {
	v := c.an.Keyword(value)
	if v == "" {
		return bq.NewMatchNoneQuery()
	}
	var qs []bq.Query
	for _, f := range query.KeywordIndexFields(field) {
		q := bq.NewTermQuery(v)
		q.SetField(f)
		qs = append(qs, q)
	}
	return disjunction(qs)
}

// textFields lists the fields a text search looks in, in every language.
func (c compiler) textFields(field string) []string {
	var fs []string
	for _, k := range c.an.Keys() {
		fs = append(fs, textFieldsFor(field, k)...)
	}
	return fs
}

// textFieldsFor lists the fields a text search looks in for one language key.
func textFieldsFor(field, key string) []string {
	if field == query.FieldTitle {
		return []string{query.TitleField(key)}
	}
	return []string{query.TitleField(key), query.BodyField(key)}
}

// text searches value in the text fields of every language, analysed with that
// language's analyser: one token is a term, several a phrase, slop a proximity search.
func (c compiler) text(field, value string, slop, pos int) (bq.Query, error) {
	var qs []bq.Query
	for _, k := range c.an.Keys() {
		terms := c.an.TermsOf(k, value)
		if len(terms) == 0 {
			continue
		}
		if err := query.CheckProximity(terms, slop, pos); err != nil {
			return nil, err
		}
		for _, f := range textFieldsFor(field, k) {
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

// wildcardQueries matches a normalised wildcard pattern on each field. A plain prefix
// (Lach*) reads the words under it from the dictionary; a regexp would build its
// automaton again for every field.
func wildcardQueries(fields []string, pattern string) []bq.Query {
	prefix, isPrefix := strings.CutSuffix(pattern, "*")
	isPrefix = isPrefix && query.IsPrefixPattern(pattern)
	re := query.WildcardRegexp(pattern)
	qs := make([]bq.Query, 0, len(fields))
	for _, f := range fields {
		if isPrefix {
			q := bq.NewPrefixQuery(prefix)
			q.SetField(f)
			qs = append(qs, q)
			continue
		}
		q := bq.NewRegexpQuery(re)
		q.SetField(f)
		qs = append(qs, q)
	}
	return qs
}

// foldFields names the fold field of each text field.
func foldFields(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = query.FoldField(f)
	}
	return out
}
