// Package expand widens an analyst's query so that a free-text word or phrase that names a
// known entity also finds the articles linked to that entity, whatever their language or
// script: Lachin becomes (Lachin OR entity:geonames:147625 OR entity:ww:lachin-corridor ...), so
// the Russian articles about the Лачинский коридор are found by the English word.
//
// The rewrite is a transform of the query AST (package query); the names are looked up in
// the knowledge base of the enrichment step (entity.Finder.Lookup), the same matcher that
// linked the articles to their entities. The search API (web) and the alert stage (saved
// searches) apply it.
//
// In the flow it sits above entity and query and below web and alert: it imports those two
// only.
package expand

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"wirewatch/internal/entity"
	"wirewatch/internal/query"
)

// Names looks up the entities a word or phrase names. Implementations are safe for
// concurrent use (*entity.Finder is one).
type Names interface {
	Lookup(text string) []entity.Match
}

// Expansion is one entity a query's word or phrase was widened with, for the analyst to
// see ("also matched: Lachin corridor, as Лачинский коридор").
type Expansion struct {
	Term   string `json:"term"`   // the word or phrase as the query wrote it
	Entity string `json:"entity"` // the entity's ID, as entity:ID searches it
	Name   string `json:"name"`   // its canonical name
	Alias  string `json:"alias,omitempty"`
}

// MaxExpansions bounds the entity clauses added to one query. The expanded query also
// stays within the language's limits (query.MaxTerms, query.MaxQueryBytes, nesting):
// when widening would break one, the query is searched as written, with no expansion.
const MaxExpansions = 32

// Expander expands queries with a knowledge base loaded once, on first use (or by Load).
// It is safe for concurrent use.
type Expander struct {
	load  func() (Names, error)
	once  sync.Once
	names Names
	err   error
}

// New returns an Expander that calls load once, when a query first needs the names.
func New(load func() (Names, error)) *Expander {
	return &Expander{load: load}
}

// Load loads the knowledge base now, if it is not yet loaded, and returns the loading
// error, which every later call returns too.
func (x *Expander) Load() error {
	x.once.Do(func() {
		x.names, x.err = x.load()
		if x.err != nil {
			x.err = fmt.Errorf("loading the knowledge base for query expansion: %w", x.err)
		}
	})
	return x.err
}

// Query returns n with every free-text word and exact phrase (not in a field: clause, not
// a wildcard, not a proximity search) that names known entities replaced by (it OR
// entity:ID ...), and likewise every run of words that names them together (see
// conjunction), and the expansions made, in query order. n itself is not changed. With
// nothing to add, or when the widened query would break the language's limits, it
// returns n and no expansions.
func (x *Expander) Query(n query.Node) (query.Node, []Expansion, error) {
	if err := x.Load(); err != nil {
		return n, nil, err
	}
	w := &walker{names: x.names, budget: min(MaxExpansions, query.MaxTerms-query.Terms(n))}
	out := w.node(n)
	if len(w.used) == 0 && !w.widened {
		return n, nil, nil
	}
	// The backends parse the query text again: the widened text must parse.
	if s := out.String(); len(s) > query.MaxQueryBytes {
		return n, nil, nil
	} else if _, err := query.Parse(s); err != nil {
		return n, nil, nil
	}
	return out, w.used, nil
}

// FormerIDs is what Names may also do: give every ID an entity has had, current first
// (entity.Finder.IDsOf). Articles enriched before an entity's ID changed carry the old one,
// so entity:ID is widened to all of them.
type FormerIDs interface {
	IDsOf(id string) []string
}

type walker struct {
	names   Names
	budget  int
	used    []Expansion
	widened bool // an entity:ID clause was widened with the entity's other IDs
}

func (w *walker) node(n query.Node) query.Node {
	switch x := n.(type) {
	case *query.Term:
		if x.Field == query.FieldText {
			return w.widen(x, x.Value, false)
		}
		if x.Field == query.FieldEntity {
			return w.otherIDs(x)
		}
	case *query.Phrase:
		if x.Field == query.FieldText && x.Slop == 0 {
			return w.widen(x, x.Value, false)
		}
	case *query.And:
		return &query.And{Nodes: w.conjunction(x.Nodes)}
	case *query.Or:
		return &query.Or{Nodes: w.nodes(x.Nodes)}
	case *query.Not:
		return &query.Not{Node: w.node(x.Node)}
	}
	return n
}

func (w *walker) nodes(ns []query.Node) []query.Node {
	out := make([]query.Node, len(ns))
	for i, n := range ns {
		out[i] = w.node(n)
	}
	return out
}

// maxRunWords bounds the run of words tried as one name ("Лачинский коридор", "Nikol
// Pashinyan", "corridor de Latchine"); the knowledge base's longer names are found quoted.
const maxRunWords = 6

// conjunction expands the nodes of an And. An analyst types a name as words, not as a
// phrase: "Лачинский коридор" is Лачинский AND коридор, and each word alone names either
// nothing or something else, so only the Russian articles that use both words were found.
// A run of free-text words that together name known entities (the whole run, not a part
// of a longer name) becomes ((the words) OR entity:ID ...); the longest run from the left
// wins, and words in no such run are widened one by one as before.
func (w *walker) conjunction(ns []query.Node) []query.Node {
	out := make([]query.Node, 0, len(ns))
	for i := 0; i < len(ns); {
		end := i // ns[i:end] is a run of free-text words
		for end < len(ns) && end-i < maxRunWords && isWord(ns[end]) {
			end++
		}
		n, used := w.run(ns[i:end])
		if used == 0 {
			out = append(out, w.node(ns[i]))
			i++
			continue
		}
		out = append(out, n)
		i += used
	}
	return out
}

func isWord(n query.Node) bool {
	t, ok := n.(*query.Term)
	return ok && t.Field == query.FieldText
}

// run returns the widened node for the longest prefix of at least two words of run that
// names entities as a whole, and how many words it took; 0 when no such prefix does.
func (w *walker) run(run []query.Node) (query.Node, int) {
	for k := len(run); k >= 2 && w.budget > 0; k-- {
		words := make([]string, k)
		for j, n := range run[:k] {
			words[j] = n.(*query.Term).Value
		}
		and := &query.And{Nodes: slices.Clone(run[:k])}
		if n := w.widen(and, strings.Join(words, " "), true); n != query.Node(and) {
			return n, k
		}
	}
	return nil, 0
}

// widen returns (n OR entity:ID ...) for the entities text names, within the budget, or n
// when it names none; whole leaves out the entities text names only a part of.
func (w *walker) widen(n query.Node, text string, whole bool) query.Node {
	if w.budget <= 0 {
		return n
	}
	alts := []query.Node{n}
	for _, m := range w.names.Lookup(text) {
		if w.budget == 0 {
			break
		}
		if whole && m.Part {
			continue
		}
		w.budget--
		alts = append(alts, &query.Term{Field: query.FieldEntity, Value: m.ID})
		w.used = append(w.used, Expansion{Term: text, Entity: m.ID, Name: m.Name, Alias: m.Alias})
	}
	if len(alts) == 1 {
		return n
	}
	return &query.Or{Nodes: alts}
}

// otherIDs returns (entity:ID OR entity:OTHER ...) for an entity known by several IDs,
// within the budget.
func (w *walker) otherIDs(t *query.Term) query.Node {
	ids, ok := w.names.(FormerIDs)
	if !ok {
		return t
	}
	all := ids.IDsOf(t.Value)
	if len(all) < 2 || w.budget < len(all)-1 {
		return t
	}
	alts := []query.Node{t}
	for _, id := range all {
		if id != t.Value {
			alts = append(alts, &query.Term{Field: query.FieldEntity, Value: id})
			w.budget--
		}
	}
	w.widened = true
	return &query.Or{Nodes: alts}
}
