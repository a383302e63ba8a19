package entity

import (
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// What one mention tells about another in the same article: the items of a list share a
// type, and a surname alone is the person named in full before.

// surnames applies what an article says once to the rest of it: after "Kory
// Lichtensteiger", a lone "Lichtensteiger" (or, in Russian, "Лихтенштайгера") is the same
// person, even where a gazetteer has a town of that name. The lone mention takes the full
// name's entity or key, so both count as one.
func surnames(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var people map[string]span // surname (folded) -> the full name's span, to copy
	if nc.memo != nil {
		people = nc.memo.people // earlier fields of the article
	}
	for _, s := range spans {
		// Only names with evidence (a first name, a title, initials, the knowledge base)
		// lend their last word: a guessed "Beautiful Lie" must not make every "Lie" a
		// person, nor "Odessa American" every "American".
		last := toks[s.To-1].Norm
		if s.Type != "PER" || s.To-s.From < 2 || !toks[s.To-1].Cap || utf8.RuneCountInString(last) < 3 || s.Conf < 0.55 ||
			isDemonym(last) {
			continue
		}
		if people == nil {
			people = map[string]span{}
		}
		key := s.Key
		if s.Ent == nil && key == "" {
			key = unknownKey(toks[s.From:s.To])
		}
		if s.Ent == nil && s.Name == "" {
			s.Name = surfaceOf(src, toks[s.From:s.To])
		}
		s.Key = key
		people[last] = s
	}
	if len(people) == 0 {
		return spans
	}
	lookup := func(w string) (span, bool) {
		if p, ok := people[w]; ok {
			return p, true
		}
		if text.ScriptOf(w) != text.Cyrillic {
			return span{}, false
		}
		for _, suf := range ruNameEndings {
			if st, ok := strings.CutSuffix(w, suf); ok {
				if p, ok := people[st]; ok {
					return p, true
				}
			}
		}
		return span{}, false
	}
	changed := false
	out := spans[:0:0]
	si := 0
	for i, t := range toks {
		for si < len(spans) && spans[si].To <= i {
			out = append(out, spans[si])
			si++
		}
		if !t.Cap || t.Initial {
			continue
		}
		p, ok := lookup(t.Norm)
		if !ok {
			continue
		}
		if i+1 < len(toks) && toks[i+1].Cap && !toks[i+1].Break {
			continue // part of a longer run the patterns did not take
		}
		// A lone word: not inside a longer name; a place or a pattern name of just this
		// word gives way.
		if si < len(spans) && spans[si].From <= i {
			cur := spans[si]
			if cur.To-cur.From != 1 || cur.Ent != nil && (cur.Type == "PER" || cur.Ent.Src < srcCountry) {
				continue
			}
			si++
		}
		ns := p
		ns.From, ns.To, ns.Conf = i, i+1, min(p.Conf, 0.6)
		out = append(out, ns)
		changed = true
	}
	if !changed {
		return spans
	}
	return append(out, spans[si:]...)
}

// listNext reports b as the item after a in a list: only a comma, a conjunction or both
// between them.
func listNext(toks []text.Token, src string, a, b span) bool {
	next := a.To // the word after a: b, or a conjunction right before b
	conj := next+1 == b.From && listConjunctions[toks[next].Norm] && !toks[next].Cap
	if next != b.From && !conj {
		return false
	}
	// Two names side by side with nothing between them are no list: Russian writes
	// a place and a person's name so ("в Хорватии Туджман", "в Лондоне Ингрид").
	gap := strings.TrimSpace(src[toks[a.To-1].End:toks[next].Start])
	return gap == "," || gap == "" && conj
}

// listTypes gives a lone pattern name in a list the type of the known names around it:
// "Дубровник, Госпич, Шибеник, Задар" are towns, Госпич too, though it is no Russian word
// and, alone, would be taken for a person's name.
func listTypes(toks []text.Token, src string, spans []span) []span {
	for k := range spans {
		s := &spans[k]
		// A guess by a family name's ending ("Госпич", 0.55) gives way only to names on
		// both sides.
		if s.Ent != nil || s.Conf > 0.55 || !oneWord(toks[s.From:s.To]) || s.Type != "PER" && s.Type != "LOC" {
			continue
		}
		loc, per := 0, 0
		for _, n := range []int{k - 1, k + 1} {
			if n < 0 || n >= len(spans) {
				continue
			}
			o := spans[n]
			if o.Conf <= 0.5 && o.Ent == nil {
				continue // another guess says nothing
			}
			if n < k && !listNext(toks, src, o, *s) || n > k && !listNext(toks, src, *s, o) {
				continue
			}
			switch o.Type {
			case "LOC":
				loc++
			case "PER":
				per++
			}
		}
		need := 1
		if s.Conf > 0.5 {
			need = 2
		}
		if loc >= need && per == 0 {
			s.Type = "LOC"
		} else if per >= need && loc == 0 {
			s.Type = "PER"
		}
	}
	return spans
}

// oneWord reports tokens that make one word: a word alone, or the parts of a compound
// joined by hyphens ("Квито-Кванавале", "Леви-Брюль").
func oneWord(toks []text.Token) bool {
	for k := 1; k < len(toks); k++ {
		if !toks[k].Hyph {
			return false
		}
	}
	return len(toks) > 0
}

// listConjunctions join the last two items of a list.
var listConjunctions = foldSet(`and or et ou и или`)
