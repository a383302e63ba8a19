package entity

import (
	"slices"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Match is a knowledge-base entity that a word or phrase of a query names.
type Match struct {
	ID   string
	Name string // the entity's canonical name
	// Alias is one of the entity's names written in another script than the text looked
	// up ("Лачинский коридор" for "Lachin"): what the analyst did not type and will find.
	// "" when the knowledge base keeps none (the generated gazetteer's places).
	Alias string
	// Part is set when the text is part of the entity's name ("Lachin" of "Lachin
	// corridor") rather than a whole name.
	Part bool
}

// MaxLookup bounds the entities Lookup returns for one text: a word that is part of many
// names stops there, the whole name first, then the best-sourced parts.
const MaxLookup = 8

// maxNameWords is the longest name the knowledge base holds (see addName).
const maxNameWords = 12

// Lookup returns the entities that s, a word or phrase an analyst typed, names, with the
// matcher that links articles to entities: any alias, inflected form or transliteration
// (the skeleton) of a whole name; then the entities of whose hand-written names s is the
// capitalised part ("Lachin" of "Lachin corridor" and of "blockade of the Lachin
// corridor"). Case and position say nothing in a query, so a word is taken as capitalised
// unless it is a common word typed in lower case ("nice" is not the city); acronyms must
// still be typed in capitals ("NATO", not "nato"). Common words, first names alone and
// function words are part of no name. At most MaxLookup matches, none for an empty text.
func (f *Finder) Lookup(s string) []Match {
	toks := text.Tokenize(s, nil)
	if len(toks) == 0 || len(toks) > maxNameWords {
		return nil
	}
	script := text.ScriptOf(toks[0].Norm)
	norms := make([]string, len(toks))
	named := false // a word could be part of a name
	for i := range toks {
		t := &toks[i]
		t.SentStart = false
		common := f.commonWord(t.Norm)
		if t.Letters && !common {
			t.Cap = true
		}
		named = named || t.Letters && !common && utf8.RuneCountInString(t.Norm) >= 3
		norms[i] = t.Norm
	}
	var out []Match
	add := func(e *entity, part bool) {
		if len(out) == MaxLookup || slices.ContainsFunc(out, func(m Match) bool { return m.ID == e.ID }) {
			return
		}
		out = append(out, Match{ID: e.ID, Name: e.Name, Alias: f.kbs.alias(e.ID, e.Name, script), Part: part})
	}
	for _, sp := range f.kbs.matchKB(toks, nil) {
		if sp.From == 0 && sp.To == len(toks) && sp.Ent != nil {
			add(sp.Ent, false)
		}
	}
	if !named || len(toks) == 1 && listedFirstName(norms[0]) {
		return out
	}
	if len(out) == 0 {
		if e, ok := f.kbs.bySkeleton(toks, nameContext{}); ok {
			add(e, false)
		}
	}
	h := hashTokens(norms)
	for _, k := range f.kbs {
		for _, idx := range k.parts[h] {
			add(&k.ents[idx], true)
		}
	}
	return out
}

// commonWord reports a folded word that is a function word or a common word of English
// or Russian (a case form of one).
func (f *Finder) commonWord(w string) bool {
	if text.IsStopwordAny(w) {
		return true
	}
	switch text.ScriptOf(w) {
	case text.Latin:
		return f.r.common["en"].has(w)
	case text.Cyrillic:
		return ruCommonWord(f.r.ruWords, w)
	}
	return false
}

// writtenName is a name of an entity as its record writes it, with its language.
type writtenName struct {
	lang, name string
}

// addParts indexes the proper parts of one form of a hand-written name that Lookup may be
// given: runs of its capitalised words ("Lachin" of "blockade of the Lachin corridor").
// orig is the name's tokens, for their case; a form of another length is skipped.
func (k *kb) addParts(idx int32, form []string, orig []text.Token) {
	if len(form) < 2 || len(form) != len(orig) {
		return
	}
	for from := range form {
		for to := from + 1; to <= len(form) && orig[to-1].Cap; to++ {
			if to-from == len(form) {
				break
			}
			h := hashTokens(form[from:to])
			if !slices.Contains(k.parts[h], idx) {
				k.parts[h] = append(k.parts[h], idx)
			}
		}
	}
}

// aliasOrder is the order of languages in which alias looks for a name in another script.
var aliasOrder = []string{"en", "ru", "fr", "uk", "hy", "ka", "az", "tr", "ar", "fa", "any"}

// alias returns a name of entity id written in another script than script, from the
// layer that knows it best; "" if the canonical name already is (Лавров is Sergey Lavrov)
// or none is kept.
func (ks kbSet) alias(id, name string, script text.Script) string {
	if text.ScriptOf(name) != script {
		return ""
	}
	for _, k := range ks {
		idx, ok := k.byID[id]
		if !ok {
			continue
		}
		names := k.written[idx]
		for _, lang := range aliasOrder {
			for _, n := range names {
				if n.lang == lang && text.ScriptOf(n.name) != script {
					return n.name
				}
			}
		}
		for _, n := range names {
			if text.ScriptOf(n.name) != script {
				return n.name
			}
		}
	}
	return ""
}

// partOf reports whether the folded word w is a part of a name the knowledge bases write
// by hand for the entity id ("recep" of "Recep Tayyip Erdoğan").
func (ks kbSet) partOf(id, w string) bool {
	h := hashTokens([]string{w})
	for _, k := range ks {
		for _, idx := range k.parts[h] {
			if k.ents[idx].ID == id {
				return true
			}
		}
	}
	return false
}
