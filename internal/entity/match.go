package entity

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// span is a name found in a field: tokens [From, To), and either a KB entity (Ent >= 0) or
// an unknown name with its type.
type span struct {
	From, To int
	Ent      *entity // nil for an unknown name
	Type     string
	Conf     float64
	Name     string // unknown names: the surface form
	Key      string // unknown names: the ID key when not the span's own words (an acronym's long form)
	Quoted   bool   // the mention includes the guillemets around the name («Локомотив»)
	// Alternate: the name is only an untagged alternate name of a gazetteer town (see
	// alias.alternate), weaker evidence than its own name.
	Alternate bool
}

// replaceSpans returns spans without those whose index drop holds, with added, in text
// order: an evidence pass that found a longer name in place of the ones inside it.
func replaceSpans(spans []span, drop map[int]bool, added []span) []span {
	out := make([]span, 0, len(spans)+len(added))
	for si, s := range spans {
		if !drop[si] {
			out = append(out, s)
		}
	}
	out = append(out, added...)
	sort.Slice(out, func(a, b int) bool { return out[a].From < out[b].From })
	return out
}

// spansWithin returns the indices of the spans over toks[from:to], and whether they may
// give way to one name over the whole run: none reaches outside it and none is one that
// refuse keeps.
func spansWithin(spans []span, from, to int, refuse func(span) bool) (inside []int, ok bool) {
	for si, s := range spans {
		if s.To <= from || s.From >= to {
			continue
		}
		if s.From < from || s.To > to || refuse(s) {
			return nil, false
		}
		inside = append(inside, si)
	}
	return inside, true
}

// spanRewrite gathers what an evidence pass changes: the spans a longer name replaces
// and the names it adds (see replaceSpans).
type spanRewrite struct {
	drop  map[int]bool
	added []span
}

// replace drops the spans at inside and adds s in their place.
func (r *spanRewrite) replace(inside []int, s span) {
	if r.drop == nil {
		r.drop = map[int]bool{}
	}
	for _, si := range inside {
		r.drop[si] = true
	}
	r.added = append(r.added, s)
}

// apply returns spans with the rewrite done.
func (r *spanRewrite) apply(spans []span) []span {
	if len(r.added) == 0 {
		return spans
	}
	return replaceSpans(spans, r.drop, r.added)
}

// weakPlace reports a gazetteer town or physical feature: a name a person's or a club's
// name may be built on ("Lena Philipsson", "Dead Sea Scrolls"), unlike a country or a
// curated entity.
func (s span) weakPlace() bool { return s.Ent != nil && s.Ent.Src >= srcFeature }

// feature reports a river, sea, mountain or island of the gazetteer.
func (s span) feature() bool { return s.Ent != nil && s.Ent.Src == srcFeature }

// start is the byte offset where the span's name starts in text: at its first word, or
// at the guillemet before it.
func (s span) start(toks []text.Token, src string) int {
	at := toks[s.From].Start
	if !s.Quoted {
		return at
	}
	if before := strings.TrimRightFunc(src[:at], unicode.IsSpace); strings.HasSuffix(before, "«") {
		return len(before) - len("«")
	}
	return at
}

// end is the byte offset where the span's name ends in text: after its last word, after
// the full stop of an abbreviation that ends it ("Jr.", "Inc.", "F.C.", "U.S.") or after
// the closing guillemet of a quoted name.
func (s span) end(toks []text.Token, src string) int {
	last := toks[s.To-1]
	if s.Quoted {
		if after := strings.TrimLeftFunc(src[last.End:], unicode.IsSpace); strings.HasPrefix(after, "»") {
			return len(src) - len(after) + len("»")
		}
	}
	if last.End < len(src) && src[last.End] == '.' && (dottedEnds[last.Norm] || strings.Contains(last.Norm, ".")) {
		return last.End + 1
	}
	return last.End
}

// watchedCountry are the countries whose every town the gazetteer keeps (see kbgen).
var watchedCountry = map[string]bool{"AM": true, "AZ": true, "GE": true}

// caselessPlaceNouns are the Persian and Arabic nouns that name a town before it
// (folded): city, county town, port, village.
var caselessPlaceNouns = foldSet(`شهر شهرستان بندر روستای مدينة مدینه مدينه`)

// dottedEnds are abbreviations that end a name and keep their full stop.
var dottedEnds = foldSet(`jr sr inc ltd co corp bros plc jun sen`)

// matchKB appends to out the knowledge-base names in toks: at each position the longest name in the
// table wins. Events may contain other names (the blockade of the Lachin corridor names the
// corridor), so the scan resumes inside an event instead of after it.
func (ks kbSet) matchKB(toks []text.Token, out []span) []span {
	var hs [256]uint64
	for i := 0; i < len(toks); {
		if toks[i].Cap && i+2 < len(toks) && (coordConj[toks[i+1].Norm] && !toks[i+1].Break || toks[i+1].Break && toks[i+1].Cap) {
			if regions, next := ks.coordinatedRegions(toks, i); next > i {
				out = append(out, regions...)
				i = next
				continue
			}
		}
		h := text.HashAdd(text.HashInit, toks[i].Norm)
		maxN := ks.firstLen(h)
		if maxN == 0 {
			i++
			continue
		}
		if maxN > len(toks)-i {
			maxN = len(toks) - i
		}
		hs[1] = h
		for n := 2; n <= maxN; n++ {
			if toks[i+n-1].Break {
				maxN = n - 1 // names do not cross punctuation
				break
			}
			hs[n] = text.HashAdd(text.HashAdd(hs[n-1], " "), toks[i+n-1].Norm)
		}
		found := false
		// Only an alias written in lower case can match a word written without a capital
		// in a script that has them (see acceptable).
		onlyLower := !toks[i].Cap && !caseless(toks[i])
		// In a script without capitals a town's generated name needs a word that makes it
		// a place: "شهر" (city), "بندر" (port) right before it (see acceptable).
		placed := i > 0 && !toks[i].Break && caselessPlaceNouns[toks[i-1].Norm]
		for n := maxN; n >= 1; n-- {
			a, e, ok := ks.lookup(hs[n], toks[i:i+n], onlyLower, placed)
			if !ok {
				continue
			}
			// A small town's one-word Latin name is a person, a word or a band more often
			// than the town, unless a preposition puts it in a place (see minorTown).
			// A town named by a word needs more (see placedWordTowns).
			if a.Src == srcCity && n == 1 && e.minorTown() && !e.Word && text.ScriptOf(toks[i].Norm) == text.Latin &&
				!(i > 0 && placePreps[toks[i-1].Norm] && toks[i-1].Norm != "a" && !toks[i].Break) && !placeListed(toks, out, i) {
				continue
			}
			out = append(out, span{From: i, To: i + n, Ent: e, Type: e.Type, Conf: aliasConfidence(a, e, toks[i:i+n]), Alternate: a.alternate()})
			if e.Type == "EVT" {
				i++
			} else {
				i += n
			}
			found = true
			break
		}
		if !found {
			i++
		}
	}
	return out
}

// choose picks the entity a name stands for, given how the text writes it: acronyms must be
// in capitals, names must be capitalised (a gazetteer city called "Mission" or "Union" must
// not fire on the common words), and among several entities the better source, then the more
// populous place, wins.
func (ks kbSet) lookup(key uint64, toks []text.Token, onlyLower, placed bool) (alias, *entity, bool) {
	var best alias
	var bestE *entity
	for _, k := range ks {
		if !k.nameBits.has(key) || onlyLower && !k.lowerBits.has(key) {
			continue
		}
		ref, ok := k.names.get(key)
		if !ok {
			continue
		}
		for _, a := range k.aliases(ref) {
			if !k.acceptable(a, toks, placed) {
				continue
			}
			e := &k.ents[a.Ent]
			if bestE == nil || better(a, e, best, bestE) {
				best, bestE = a, e
			}
		}
	}
	return best, bestE, bestE != nil
}

// kbSet is the knowledge base as the matcher sees it: the built-in layer (curated names and
// the gazetteer, loaded once) and the users' layer (reloaded when their files change).
type kbSet []*kb

func (ks kbSet) firstLen(w uint64) int {
	n := 0
	for _, k := range ks {
		if !k.firstBits.has(w) {
			continue
		}
		if m, _ := k.first.get(w); int(m) > n {
			n = int(m)
		}
	}
	return n
}

func (k *kb) acceptable(a alias, toks []text.Token, placed bool) bool {
	switch {
	case a.Acronym:
		return toks[0].Upper
	case a.Lower:
		return true
	}
	if !toks[0].Cap {
		// Scripts without case (Arabic, Persian) cannot show a name by its capital:
		// names written by hand (users', curated, regions) count as written; generated
		// gazetteer names do not, too many are common words there ("مردان" men, "خبر"
		// news, "مالی" financial), unless the word before calls it a town ("شهر
		// تبریز", "در شهر آلماتی"): placed.
		if !caseless(toks[0]) || a.generated() && !(placed && a.Src == srcCity) {
			return false
		}
	}
	if a.Src >= srcCountry && len(toks) == 1 && isDemonym(toks[0].Norm) {
		return false // "Dutch", "Greek": adjectives, whatever a gazetteer says
	}
	if a.Src == srcCountry && len(toks) == 1 && listedFirstName(toks[0].Norm) &&
		strings.HasPrefix(k.ents[a.Ent].ID, "iso3166-2:") {
		return false // a province called "Paul" or "Kerry": the person, far more often
	}
	if a.Src == srcFeature && len(toks) == 1 && listedFirstName(toks[0].Norm) {
		return false // "Lena": the woman, far more often than the river
	}
	if a.Src == srcCity {
		e := &k.ents[a.Ent]
		for _, t := range toks {
			if !t.Cap && !caseless(t) && utf8.RuneCountInString(t.Norm) > 3 {
				return false // "Saint-Martin" yes, "Mission accomplie" no
			}
		}
		if len(toks) == 1 && toks[0].SentStart && e.minorTown() {
			return false
		}
		if toks[0].Upper && len(toks) == 1 && utf8.RuneCountInString(toks[0].Norm) <= 4 {
			return false // "USA", "ONU": acronyms, not towns
		}
		if len(toks) == 1 && (givenNames[toks[0].Norm] && e.Pop < 500000 || moreGivenNames[toks[0].Norm] && e.Pop < 100000) {
			return false // "Daniel", "Joy": people far more often than towns
		}
	}
	return true
}

// caseless reports a word in a script without capitals (Arabic, Persian, Hebrew).
func caseless(t text.Token) bool {
	r, _ := utf8.DecodeRuneInString(t.Norm)
	return unicode.IsLetter(r) && !unicode.IsUpper(r) && !unicode.IsLower(r) && !unicode.IsTitle(r)
}

func better(a alias, ae *entity, b alias, be *entity) bool {
	if a.Src != b.Src {
		return a.Src < b.Src
	}
	return ae.Pop > be.Pop
}

func aliasConfidence(a alias, e *entity, toks []text.Token) float64 {
	c := 0.9
	switch a.Src {
	case srcUser, srcCurated:
		c = 0.95
		if a.Acronym {
			c = 0.9
		}
	case srcCountry:
		c = 0.9
	case srcFeature:
		c = 0.8
	case srcCity:
		c = 0.6
		switch {
		case e.Pop >= 1000000:
			c = 0.85
		case e.Pop >= 100000:
			c = 0.75
		}
	}
	if len(toks) > 1 && c < 0.95 {
		c += 0.05
	}
	return c
}

// placesInside appends the places of its own country that a known organisation's name
// names ("Минобороны Азербайджана", "Azerbaijan's Foreign Ministry", "МИД Армении"): the
// country is an entity of the article too, as when a text names it apart, and a search for
// it should find the article. Only a place of the body's own country, so that a bank or a
// newspaper named after a town does not add it.
func (ks kbSet) placesInside(toks []text.Token, spans []span) []span {
	n := len(spans)
	for si := 0; si < n; si++ {
		s := spans[si]
		if s.Ent == nil || s.Type != "ORG" || s.Ent.Country == "" || s.To-s.From < 2 {
			continue
		}
		for k := s.From; k < s.To; k++ {
			for m := min(s.To, k+4); m > k; m-- {
				if k == s.From && m == s.To {
					continue
				}
				h := text.HashInit
				for i, t := range toks[k:m] {
					if i > 0 {
						h = text.HashAdd(h, " ")
					}
					h = text.HashAdd(h, t.Norm)
				}
				a, e, ok := ks.lookup(h, toks[k:m], false, false)
				if !ok || e == s.Ent || e.Type != "LOC" || a.Src > srcCountry || e.Country != s.Ent.Country {
					continue
				}
				spans = append(spans, span{From: k, To: m, Ent: e, Type: "LOC", Conf: aliasConfidence(a, e, toks[k:m])})
				k = m - 1
				break
			}
		}
	}
	return spans
}

// listConj are the words that join the places of a list in the Latin-script languages.
var listConj = foldSet(`and or et ou und oder ve veya və`)

// placeListed reports a word right after a conjunction that follows a place the
// knowledge base knows, itself after a preposition of place: "in Lyon and Cannes", "à
// Paris et Cannes". The preposition covers the list.
func placeListed(toks []text.Token, out []span, i int) bool {
	if i < 2 || len(out) == 0 || toks[i].Break || toks[i-1].Break || !listConj[toks[i-1].Norm] || toks[i-1].Cap {
		return false
	}
	p := out[len(out)-1]
	return p.To == i-1 && p.Type == "LOC" && p.Ent != nil && p.From > 0 && placePreps[toks[p.From-1].Norm] && !toks[p.From].Break
}
