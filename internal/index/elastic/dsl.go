package elastic

import (
	"fmt"
	"strings"
	"time"

	"wirewatch/internal/query"
)

// dsl is a fragment of Elasticsearch query DSL. Maps marshal with sorted keys, so the
// request bodies are deterministic and the golden files stable.
type dsl = map[string]any

// compiler turns the analysts' query AST into query DSL for the fields of one Backend.
type compiler struct {
	titles []string // title_<lang> for every field language
	bodies []string // body_<lang>
}

func newCompiler(langs []string) compiler {
	var c compiler
	for _, l := range langs {
		c.titles = append(c.titles, query.TitleField(l))
		c.bodies = append(c.bodies, query.BodyField(l))
	}
	return c
}

// maxClauses is how many leaf queries Elasticsearch and OpenSearch accept in one search by
// default (indices.query.bool.max_clause_count; Lucene counts every leaf of the tree, and
// the servers answer a larger query with a 500). A word is looked up in every language's
// title and body field, so this is what bounds the words of a query here, more tightly
// than query.MaxTerms does in Bleve and the matcher.
const maxClauses = 1024

// compileBounded is compile for a whole query: one that needs more than maxClauses leaf
// queries is refused as a bad query at the term where it crosses the bound.
func (c compiler) compileBounded(n query.Node) (dsl, error) {
	total, at := 0, -1
	c.countClauses(n, &total, &at)
	if total > maxClauses {
		perWord := len(c.titles) + len(c.bodies)
		return nil, &query.Error{Pos: at, Msg: fmt.Sprintf(
			"the query needs %d clauses and the search engine accepts %d: each word is looked up in %d language fields, so use at most %d words",
			total, maxClauses, perWord, maxClauses/perWord)}
	}
	return c.compile(n)
}

// countClauses adds the leaf queries compile makes for n to total, and sets at to the
// position of the term that took total over maxClauses.
func (c compiler) countClauses(n query.Node, total *int, at *int) {
	add := func(k, pos int) {
		*total += k
		if *total > maxClauses && *at < 0 {
			*at = pos
		}
	}
	text := func(field string) int {
		if field == query.FieldTitle {
			return len(c.titles)
		}
		return len(c.titles) + len(c.bodies)
	}
	switch n := n.(type) {
	case *query.And:
		for _, m := range n.Nodes {
			c.countClauses(m, total, at)
		}
	case *query.Or:
		for _, m := range n.Nodes {
			c.countClauses(m, total, at)
		}
	case *query.Not:
		c.countClauses(n.Node, total, at)
	case *query.Term:
		c.countClauses(n.Phrase(), total, at)
	case *query.Phrase:
		if query.IsKeywordField(n.Field) {
			add(len(query.KeywordIndexFields(n.Field)), n.Pos)
		} else {
			add(text(n.Field), n.Pos)
		}
	case *query.Wildcard:
		if query.IsKeywordField(n.Field) {
			add(len(query.KeywordIndexFields(n.Field)), n.Pos)
		} else {
			add(2*text(n.Field), n.Pos) // stems and words as written
		}
	case *query.Fuzzy:
		add(text(n.Field), n.Pos)
	case *query.Range:
		add(1, n.Pos)
	}
}

// compile returns the DSL for n. The parser only builds the node types handled here; an
// unknown one is a programming error reported as a *query.Error, never a panic.
func (c compiler) compile(n query.Node) (dsl, error) {
	switch n := n.(type) {
	case *query.And:
		must, err := c.compileAll(n.Nodes)
		if err != nil {
			return nil, err
		}
		return dsl{"bool": dsl{"must": must}}, nil
	case *query.Or:
		should, err := c.compileAll(n.Nodes)
		if err != nil {
			return nil, err
		}
		return dsl{"bool": dsl{"should": should, "minimum_should_match": 1}}, nil
	case *query.Not:
		inner, err := c.compile(n.Node)
		if err != nil {
			return nil, err
		}
		return dsl{"bool": dsl{"must_not": []any{inner}}}, nil
	case *query.Term:
		return c.compile(n.Phrase())
	case *query.Phrase:
		if query.IsKeywordField(n.Field) {
			return c.keyword(n.Field, n.Value, "term", n.Pos)
		}
		return c.text(n.Field, n.Value, n.Slop, n.Pos)
	case *query.Wildcard:
		if query.IsKeywordField(n.Field) {
			return c.keyword(n.Field, n.Pattern, "wildcard", n.Pos)
		}
		fields, err := c.textFields(n.Field, n.Pos)
		if err != nil {
			return nil, err
		}
		// Text is indexed as lower-cased (and stemmed) terms, and as the words as written
		// in the .fold sub-fields (query.Fold); a wildcard matches either without analysis.
		pattern, folded := strings.ToLower(n.Pattern), query.Fold(n.Pattern)
		stems := anyOf(fields, func(f string) dsl {
			return dsl{"wildcard": dsl{f: dsl{"value": pattern}}}
		})
		words := anyOf(fields, func(f string) dsl {
			return dsl{"wildcard": dsl{query.FoldField(f): dsl{"value": folded}}}
		})
		return dsl{"bool": dsl{"should": []any{stems, words}, "minimum_should_match": 1}}, nil
	case *query.Fuzzy:
		fields, err := c.textFields(n.Field, n.Pos)
		if err != nil {
			return nil, err
		}
		// As Bleve's Levenshtein automata: swaps count as one edit, no fixed prefix, and
		// every word within the edits (Bleve has no top-N cut; 1024 is Lucene's clause limit).
		word, edits := query.Fold(n.Value), n.MaxEdits()
		return anyOf(fields, func(f string) dsl {
			return dsl{"fuzzy": dsl{query.FoldField(f): dsl{"value": word, "fuzziness": edits,
				"prefix_length": 0, "transpositions": true, "max_expansions": 1024}}}
		}), nil
	case *query.Range:
		// Relative dates (now-1d) are evaluated here, at search time, as in Bleve.
		if n.Field != query.FieldPublished {
			return nil, &query.Error{Pos: n.Pos, Msg: fmt.Sprintf("ranges apply to published, not to %s", n.Field)}
		}
		lo, hi := n.Bounds()
		if lo.IsZero() && hi.IsZero() {
			return dsl{"match_all": dsl{}}, nil // [* TO *]: every article has a published time
		}
		return publishedRange(lo, hi), nil
	case nil:
		return nil, &query.Error{Msg: "empty query node"}
	}
	return nil, &query.Error{Msg: fmt.Sprintf("query node %T is not supported by the Elasticsearch backend", n)}
}

func (c compiler) compileAll(nodes []query.Node) ([]any, error) {
	out := make([]any, 0, len(nodes))
	for _, n := range nodes {
		q, err := c.compile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// keyword matches a whole value (kind "term") or a pattern (kind "wildcard") on the
// keyword fields behind field.
func (c compiler) keyword(field, value, kind string, pos int) (dsl, error) {
	// The fields and values of query.KeywordIndexFields are keywords here too; the
	// matcher's keyword analyser lower-cases whole values, which case_insensitive mirrors.
	fields := query.KeywordIndexFields(field)
	if len(fields) == 0 {
		return nil, &query.Error{Pos: pos, Msg: fmt.Sprintf("field %s is not searchable", field)}
	}
	return anyOf(fields, func(f string) dsl {
		return dsl{kind: dsl{f: dsl{"value": value, "case_insensitive": true}}}
	}), nil
}

// text matches words in the title (field title) or title and body (no field) in every
// language. Each field analyses the words with its own language's analyzer. A single word
// is also run as a phrase, so a word the analyzer splits ("Nagorno-Karabakh", "l'Arménie")
// must appear as written; a proximity phrase (slop > 0) becomes two ordered intervals
// matches, the words in order and reversed, with at most slop words between its words.
func (c compiler) text(field, value string, slop, pos int) (dsl, error) {
	fields, err := c.textFields(field, pos)
	if err != nil {
		return nil, err
	}
	if slop > 0 {
		// As in the Bleve backend and the matcher: the words in their order or reversed,
		// with at most slop other words between them in total.
		reversed := reverseWords(value)
		return anyOf(fields, func(f string) dsl {
			return dsl{"intervals": dsl{f: dsl{"any_of": dsl{"intervals": []any{
				dsl{"match": dsl{"query": value, "max_gaps": slop, "ordered": true}},
				dsl{"match": dsl{"query": reversed, "max_gaps": slop, "ordered": true}},
			}}}}}
		}), nil
	}
	return dsl{"multi_match": dsl{"query": value, "type": "phrase", "fields": fields}}, nil
}

func (c compiler) textFields(field string, pos int) ([]string, error) {
	switch field {
	case query.FieldText:
		return append(append([]string{}, c.titles...), c.bodies...), nil
	case query.FieldTitle:
		return c.titles, nil
	}
	return nil, &query.Error{Pos: pos, Msg: fmt.Sprintf("field %s is not a text field", field)}
}

// anyOf is q on one field, or a bool should over several.
func anyOf(fields []string, q func(field string) dsl) dsl {
	if len(fields) == 1 {
		return q(fields[0])
	}
	should := make([]any, len(fields))
	for i, f := range fields {
		should[i] = q(f)
	}
	return dsl{"bool": dsl{"should": should, "minimum_should_match": 1}}
}

// esTime is the form of instants sent to Elasticsearch: its date fields hold milliseconds.
const esTime = "2006-01-02T15:04:05.000Z"

// publishedRange is [lo, hi) on published; a zero bound is open. Bounds are rounded up to
// the millisecond, the precision of a date field, so that an inclusive end given in
// nanoseconds (t + 1ns) still includes t.
func publishedRange(lo, hi time.Time) dsl {
	r := dsl{}
	if !lo.IsZero() {
		r["gte"] = ceilMilli(lo).Format(esTime)
	}
	if !hi.IsZero() {
		r["lt"] = ceilMilli(hi).Format(esTime)
	}
	return dsl{"range": dsl{"published": r}}
}

func ceilMilli(t time.Time) time.Time {
	t = t.UTC()
	if tr := t.Truncate(time.Millisecond); !tr.Equal(t) {
		return tr.Add(time.Millisecond)
	}
	return t
}

// highlightField maps title_fr / body_fr to the names hits carry (title, body).
func highlightField(f string) string {
	base, _, _ := strings.Cut(f, "_")
	return base
}

// reverseWords reverses the order of the space-separated words of s.
func reverseWords(s string) string {
	w := strings.Fields(s)
	for i, j := 0, len(w)-1; i < j; i, j = i+1, j-1 {
		w[i], w[j] = w[j], w[i]
	}
	return strings.Join(w, " ")
}
