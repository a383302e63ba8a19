package query

import (
	"slices"
	"sort"
	"strings"
	"sync"
)

// sortedTerms holds the distinct terms of a Doc's title and body in order, built when
// the first wildcard is matched: a wildcard then looks only at the terms that start with
// its fixed part instead of running its regexp on every term. Topic rules hold dozens of
// wildcards and run on every article.
type sortedTerms struct {
	once        sync.Once
	title, body []string
}

// wildcardLead returns the fixed start of a normalised wildcard pattern: what comes
// before its first * or ?.
func wildcardLead(pattern string) string {
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// termsWithPrefix returns the distinct terms of f (d's title or body) that start with
// lead, in order.
func (d *Doc) termsWithPrefix(f *tokenField, lead string) []string {
	d.sorted.once.Do(func() {
		d.sorted.title = sortedKeys(d.title.at)
		d.sorted.body = sortedKeys(d.body.at)
	})
	ts := d.sorted.body
	if f == &d.title {
		ts = d.sorted.title
	}
	i := sort.SearchStrings(ts, lead)
	j := i
	for j < len(ts) && strings.HasPrefix(ts[j], lead) {
		j++
	}
	return ts[i:j]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
