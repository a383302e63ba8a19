package query

import (
	"sort"
	"strings"
)

// Key prefixes of Required and Doc.Keys. A text key is a token as the article's own
// analyser produced it; a keyword key is the index field and the normalised value.
const (
	textKeyPrefix = "t:"
)

// Required tells an alert stage which articles are worth matching against m. When ok is
// true, m can only match an article whose Doc.Keys contain at least one of keys (an empty
// keys then means m matches nothing at all). When ok is false the query can match without
// any particular term (NOT alone, a date range, a wildcard) and must be tried on every
// article.
//
// The intended use is an inverted index from key to saved searches: for each article,
// collect the searches under its Doc.Keys plus the ones with ok false, and run MatchDoc on
// those only. Keys are a necessary condition, never sufficient.
func (m *Matcher) Required() (keys []string, ok bool) {
	set, ok := m.an.required(m.node)
	if !ok {
		return nil, false
	}
	keys = make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, true
}

// required returns a set of keys at least one of which must be present for n to match.
func (an *Analysis) required(n Node) (map[string]bool, bool) {
	switch x := n.(type) {
	case *Term:
		return an.requiredValue(x.Field, x.Value), true
	case *Phrase:
		return an.requiredValue(x.Field, x.Value), true
	case *And:
		var best map[string]bool
		found := false
		for _, c := range x.Nodes {
			set, ok := an.required(c)
			if ok && (!found || len(set) < len(best)) {
				best, found = set, true
			}
		}
		return best, found
	case *Or:
		union := map[string]bool{}
		for _, c := range x.Nodes {
			set, ok := an.required(c)
			if !ok {
				return nil, false
			}
			for k := range set {
				union[k] = true
			}
		}
		return union, true
	}
	return nil, false // Not, Range, Wildcard
}

// requiredValue: for text, one token per language (all of a phrase's tokens must be
// there, so any one is necessary; the longest is likely the rarest); for keywords, the
// value in each index field the query field searches.
func (an *Analysis) requiredValue(field, value string) map[string]bool {
	set := map[string]bool{}
	if IsKeywordField(field) {
		if v := an.Keyword(value); v != "" {
			for _, f := range KeywordIndexFields(field) {
				set[f+":"+v] = true
			}
		}
		return set
	}
	for _, k := range an.keys {
		terms := an.TermsOf(k, value)
		if len(terms) == 0 {
			continue
		}
		best := terms[0]
		for _, t := range terms[1:] {
			if len(t) > len(best) {
				best = t
			}
		}
		set[textKeyPrefix+best] = true
	}
	return set
}

// Keys returns the keys of d in the form Required uses: every distinct token of its
// title and body, and every keyword value as "field:value".
func (d *Doc) Keys() []string {
	seen := map[string]bool{}
	var keys []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, f := range []*tokenField{&d.title, &d.body} {
		for t := range f.at {
			add(textKeyPrefix + t)
		}
	}
	for f, vs := range d.keywords {
		for _, v := range vs {
			add(f + ":" + v)
		}
	}
	sort.Strings(keys)
	return keys
}

// TextTerm returns the token of a text key of Required, and whether key is one; the other
// keys are keyword keys, "field:value".
func TextTerm(key string) (term string, ok bool) { return strings.CutPrefix(key, textKeyPrefix) }

// EachKey calls text with every distinct token of d's title and then of its body (a token
// of both comes twice), and keyword with every keyword key: Keys, unsorted, the text keys
// without their prefix (TextTerm), so that looking an article up in an index of Required
// keys builds no string per token.
func (d *Doc) EachKey(text, keyword func(string)) {
	for _, f := range d.both {
		for _, t := range f.keys { // the keys of f.at, without walking the map
			text(t)
		}
	}
	for f, vs := range d.keywords {
		for _, v := range vs {
			keyword(f + ":" + v)
		}
	}
}
