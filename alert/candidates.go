package alert

// candidateIndex maps the terms a query requires to the searches that require them, the
// idea of Lucene's Monitor and Elasticsearch's percolator turned around: instead of
// running every saved search on every article, look up the article's own terms and run
// only the searches one of whose anchor terms it contains. A search whose query has no
// anchor (a pure negation, a wildcard at the root) is always run.
type candidateIndex struct {
	byKey  map[string]map[string]*compiled
	always map[string]*compiled
}

func newCandidateIndex() *candidateIndex {
	return &candidateIndex{byKey: map[string]map[string]*compiled{}, always: map[string]*compiled{}}
}

func (ix *candidateIndex) add(c *compiled) {
	if c.anchors.always {
		ix.always[c.s.ID] = c
		return
	}
	for _, k := range c.anchors.keys {
		set := ix.byKey[k]
		if set == nil {
			set = map[string]*compiled{}
			ix.byKey[k] = set
		}
		set[c.s.ID] = c
	}
}

func (ix *candidateIndex) remove(c *compiled) {
	delete(ix.always, c.s.ID)
	for _, k := range c.anchors.keys {
		if set := ix.byKey[k]; set != nil {
			delete(set, c.s.ID)
			if len(set) == 0 {
				delete(ix.byKey, k)
			}
		}
	}
}

// candidates calls f once for each search that may match a document whose terms are
// keys (in any order, repeats allowed).
func (ix *candidateIndex) candidates(keys []string, f func(*compiled)) {
	seen := make(map[string]bool, 16)
	for id, c := range ix.always {
		seen[id] = true
		f(c)
	}
	for _, k := range keys {
		for id, c := range ix.byKey[k] {
			if !seen[id] {
				seen[id] = true
				f(c)
			}
		}
	}
}
