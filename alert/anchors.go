package alert

import "wirewatch/query"

// Anchors are the keys of the candidate index: "t:" + an analysed text term, "k:" + a
// normalised keyword value. They are a pre-filter only: the query's Matcher still decides.
// The one rule they must keep is that an article matching a query contains at least one
// of the query's anchors; extra candidates cost time, a missing one loses an alert.

// anchorSet is what a query node needs of an article: when always is set, the node may
// match an article containing none of keys, so the search must be run on every article.
// Otherwise every matching article contains one of keys (no keys: it never matches).
type anchorSet struct {
	keys   []string
	always bool
}

func anchors(an *query.Analysis, n query.Node) anchorSet {
	switch x := n.(type) {
	case *query.Term:
		return valueAnchors(an, x.Field, x.Value)
	case *query.Phrase:
		return valueAnchors(an, x.Field, x.Value)
	case *query.And:
		// Any one conjunct's anchors will do; the one with fewest keys gives fewest
		// candidates.
		best := anchorSet{always: true}
		for _, k := range x.Nodes {
			a := anchors(an, k)
			if a.always {
				continue
			}
			if best.always || len(a.keys) < len(best.keys) {
				best = a
			}
		}
		return best
	case *query.Or:
		var out anchorSet
		for _, k := range x.Nodes {
			a := anchors(an, k)
			if a.always {
				return anchorSet{always: true}
			}
			out.keys = append(out.keys, a.keys...)
		}
		out.keys = uniqStrings(out.keys)
		return out
	}
	// Wildcards, ranges and negations can match without any fixed term.
	return anchorSet{always: true}
}

// valueAnchors anchors a term or phrase. Text is analysed per language as the matcher
// does, and the article is matched in its own language only, so one term per language
// suffices; the longest is taken because long terms are rare ones.
func valueAnchors(an *query.Analysis, field, value string) anchorSet {
	if query.IsKeywordField(field) {
		v := an.Keyword(value)
		if v == "" {
			return anchorSet{}
		}
		return anchorSet{keys: []string{"k:" + v}}
	}
	var keys []string
	for _, lk := range an.Keys() {
		terms := an.TermsOf(lk, value)
		if len(terms) == 0 {
			continue
		}
		best := terms[0]
		for _, t := range terms[1:] {
			if len(t) > len(best) {
				best = t
			}
		}
		keys = append(keys, "t:"+best)
	}
	return anchorSet{keys: uniqStrings(keys)}
}

// docTerms returns what an article offers the candidate index: every analysed term of
// its title and body in its language, and every normalised keyword value.
func docTerms(an *query.Analysis, d *query.Doc) (text, kw []string) {
	a := d.Article
	text = append(an.TermsOf(d.LangKey, a.Title), an.TermsOf(d.LangKey, query.BodyText(a))...)
	for _, vs := range query.KeywordValues(a) {
		for _, v := range vs {
			if k := an.Keyword(v); k != "" {
				kw = append(kw, k)
			}
		}
	}
	return text, kw
}

func uniqStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
