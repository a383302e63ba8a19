package process

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Names the knowledge base does not know are found by patterns, the way Europe Media
// Monitor finds new names: a run of capitalised words (with connectors such as "of", "de",
// "von" inside) outside a sentence's first word, typed by cues: a title before it (M.,
// President, министр), a known first name, an organisation word at its end or start
// (University, Party, Ministry, банк), a place word (River, Mount, гора), a family-name
// ending (-ов, -ян, -швили, -dze), an acronym. A pattern name is less certain than a
// knowledge-base name: confidence 0.4-0.7, Known false, ID "new:TYPE:name".

func isNameTok(t token) bool {
	if !t.Cap || !t.Letters {
		return false
	}
	return true
}

// prepositions before a lone capitalised word that make it a place.
var placePreps = foldSet(`in at near from to into across à au aux en dans près vers depuis в во из под над около возле до на через`)

// isPlacePrep reports a preposition before a place; French "à" folds to the English
// article "a", so it counts only written with its accent.
func isPlacePrep(t token, text string) bool {
	if t.Norm == "a" {
		return text[t.Start:t.End] != "a" && text[t.Start:t.End] != "A"
	}
	return placePreps[t.Norm]
}

// findUnknown adds pattern names to the knowledge-base spans and resolves overlaps: a name
// with an organisation word ("Yerevan State University") wins over the place inside it; a
// person's name wins over a gazetteer town inside it ("Michael Jackson").
// nameContext is what the whole article tells the name patterns.
type nameContext struct {
	lower     map[string]bool // words the article writes in lower case somewhere
	common    wordSet         // the common words of the article's language, if known
	knownOnly bool            // no pattern names in this field (a Title Case headline)
	ruWords   wordSet         // dictionary forms of Russian common words
	memo      *nameMemo       // nil: nothing remembered
	// otherScript: the field has Latin-script names but is written mostly in another
	// script (see foreignScript); findUnknown reads the field once for it.
	otherScript bool
}

// nameMemo remembers, for one article, the answers of the word tests that transliterate:
// a name recurs in an article, and chunk asks about the same word several times.
type nameMemo struct {
	given  map[string]bool
	skel   map[string]string
	people map[string]span // surname (folded) -> a full name met earlier in the article
}

func newNameMemo() *nameMemo {
	return &nameMemo{given: map[string]bool{}, skel: map[string]string{}, people: map[string]span{}}
}

func (m *nameMemo) reset() {
	clear(m.given)
	clear(m.skel)
	clear(m.people)
}

// isGivenName reports whether a folded token is a first name, in any script or case
// form; the loose (consonant-skeleton) test is remembered per article.
func (nc nameContext) isGivenName(w string) bool {
	if listedFirstName(w) {
		return true
	}
	if nc.memo == nil {
		return givenLoose(w)
	}
	v, ok := nc.memo.given[w]
	if !ok {
		v = givenLoose(w)
		nc.memo.given[w] = v
	}
	return v
}

// skeletonOf is skeletonOf, each word's skeleton remembered.
func (nc nameContext) skeletonOf(norms []string) string {
	if nc.memo == nil {
		return skeletonOf(norms)
	}
	var b strings.Builder
	for i, w := range norms {
		if i > 0 {
			b.WriteByte(' ')
		}
		sk, ok := nc.memo.skel[w]
		if !ok {
			sk = skeleton(w)
			nc.memo.skel[w] = sk
		}
		b.WriteString(sk)
	}
	s := b.String()
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

func (e *Enricher) findUnknown(toks []token, text string, spans []span, nc nameContext) []span {
	if nc.knownOnly {
		return spans
	}
	nc.otherScript = latinName(toks) && mostlyOtherScript(text)
	// A gazetteer town whose one Cyrillic word is a Russian common word at a sentence's
	// start is the word ("Сын", "Тему", "Мои").
	if len(nc.ruWords) > 0 {
		keep := spans[:0]
		for _, s := range spans {
			t := toks[s.From]
			if !(s.To-s.From == 1 && t.SentStart && s.weakPlace() &&
				scriptOf(t.Norm) == scriptCyrillic && ruCommonWord(nc.ruWords, t.Norm)) {
				keep = append(keep, s)
			}
		}
		spans = keep
	}
	cover := make([]int, len(toks)) // 1 + index of the KB span covering the token
	for si, s := range spans {
		for k := s.From; k < s.To; k++ {
			if cover[k] == 0 {
				cover[k] = si + 1
			}
		}
	}
	drop := make([]bool, len(spans))
	var added []span
	for i := 0; i < len(toks); {
		if !isNameTok(toks[i]) && !articlePrefix(toks, i) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && !toks[j].Break {
			if isNameTok(toks[j]) {
				j++
				continue
			}
			if connectors[toks[j].Norm] && !toks[j].Cap && j+1 < len(toks) && !toks[j+1].Break && isNameTok(toks[j+1]) {
				j += 2
				continue
			}
			if articlePrefix(toks, j) {
				j += 2 // "Абд аль-Мумин"
				continue
			}
			// "Panthers de la Floride", "Banque de la République"
			if connectors[toks[j].Norm] && !toks[j].Cap && j+2 < len(toks) && connectors[toks[j+1].Norm] && !toks[j+1].Cap &&
				!toks[j+1].Break && !toks[j+2].Break && isNameTok(toks[j+2]) {
				j += 3
				continue
			}
			break
		}
		added = e.chunk(toks, text, i, j, spans, cover, drop, added, nc)
		i = j
	}
	added = geoHeads(toks, text, cover, spans, drop, added)
	added = ruAdjPlaces(toks, text, cover, drop, added)
	out := spans
	if len(added) > 0 {
		out = spans[:0:0]
		for si, s := range spans {
			if !drop[si] {
				out = append(out, s)
			}
		}
		out = append(out, added...)
		sort.Slice(out, func(a, b int) bool { return out[a].From < out[b].From })
	}
	out = quotedOrgs(toks, text, out)
	if len(added) > 0 {
		out = acronyms(toks, text, out) // "X (ACRONYM)" defines what a pattern found
	}
	return listTypes(toks, text, surnames(toks, text, out, nc))
}

// surnames applies what an article says once to the rest of it: after "Kory
// Lichtensteiger", a lone "Lichtensteiger" (or, in Russian, "Лихтенштайгера") is the same
// person, even where a gazetteer has a town of that name. The lone mention takes the full
// name's entity or key, so both count as one.
func surnames(toks []token, text string, spans []span, nc nameContext) []span {
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
			s.Name = surfaceOf(text, toks[s.From:s.To])
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
		if scriptOf(w) != scriptCyrillic {
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

// acronyms applies "Long Name (ACRONYM)" definitions: the long name is an organisation,
// and the acronym, there and later in the text, names the same entity. Known long names
// lend their entity to the acronym; unknown ones share one "new:ORG:" ID.
func acronyms(toks []token, text string, spans []span) []span {
	var defs map[string]span // acronym (folded) -> the long name's span
	for ai := 1; ai < len(toks); ai++ {
		a := toks[ai]
		if !a.Upper || a.End >= len(text) || text[a.End] != ')' || strings.TrimSpace(text[toks[ai-1].End:a.Start]) != "(" {
			continue
		}
		// The long name: a known span ending right before, or the shortest capitalised run
		// ending there whose initials spell the acronym.
		var long *span
		for si := range spans {
			if spans[si].To == ai && spans[si].To-spans[si].From >= 2 && initialsMatch(toks[spans[si].From:ai], a.Norm) {
				long = &spans[si]
			}
		}
		if long == nil {
			for from := ai - 2; from >= 0 && from >= ai-10; from-- {
				t := toks[from]
				if t.Break && from < ai-1 || !(t.Cap || connectors[t.Norm] || isStopwordAny(t.Norm)) {
					break
				}
				if t.Cap && initialsMatch(toks[from:ai], a.Norm) {
					spans = dropOverlaps(spans, from, ai)
					spans = append(spans, span{From: from, To: ai, Type: "ORG", Conf: 0.7, Key: unknownKey(toks[from:ai]), Name: surfaceOf(text, toks[from:ai])})
					long = &spans[len(spans)-1]
					break
				}
				if t.Break {
					break
				}
			}
		}
		if long == nil {
			continue
		}
		if long.Ent == nil {
			long.Type, long.Conf = "ORG", 0.7
			long.Key = unknownKey(toks[long.From:long.To])
		}
		if defs == nil {
			defs = map[string]span{}
		}
		defs[a.Norm] = *long
	}
	if defs == nil {
		return spans
	}
	// Every use of a defined acronym names the long name's entity; pattern names that
	// merely contain it ("Later ZCMC" at a sentence start) give way.
	for i, t := range toks {
		d, ok := defs[t.Norm]
		if !ok || !t.Upper {
			continue
		}
		keep := spans[:0]
		for _, s := range spans {
			if s.From <= i && i < s.To && (s.Ent == nil || s.To-s.From == 1) {
				continue
			}
			keep = append(keep, s)
		}
		spans = keep
		if !covered(spans, i) {
			spans = append(spans, span{From: i, To: i + 1, Ent: d.Ent, Type: d.Type, Conf: d.Conf, Key: d.Key, Name: d.Name})
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].From < spans[b].From })
	return spans
}

func dropOverlaps(spans []span, from, to int) []span {
	keep := spans[:0]
	for _, s := range spans {
		if s.To <= from || s.From >= to {
			keep = append(keep, s)
		}
	}
	return keep
}

func covered(spans []span, i int) bool {
	for _, s := range spans {
		if s.From <= i && i < s.To {
			return true
		}
	}
	return false
}

// initialsMatch reports whether acr is made of the initials of the long name's words,
// skipping connectors and function words: "Zangezur Copper Molybdenum Combine" → ZCMC,
// "Organisation du traité de sécurité collective" → OTSC.
func initialsMatch(words []token, acr string) bool {
	var initials []rune
	for _, w := range words {
		if connectors[w.Norm] || isStopwordAny(w.Norm) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w.Norm)
		initials = append(initials, r)
	}
	ar := []rune(acr)
	if len(ar) < 2 || len(ar) > len(initials) {
		return false
	}
	// Every acronym letter in order among the initials, first letters equal.
	if ar[0] != initials[0] {
		return false
	}
	j := 0
	for _, r := range initials {
		if j < len(ar) && r == ar[j] {
			j++
		}
	}
	return j == len(ar)
}

// chunk types one capitalised run toks[i:j] and returns added with its name appended, if any.
func (e *Enricher) chunk(toks []token, text string, i, j int, spans []span, cover []int, drop []bool, added []span, nc nameContext) []span {
	titled := i > 0 && (honorifics[toks[i-1].Norm] || roles[toks[i-1].Norm] && !toks[i-1].Cap) && !toks[i-1].Break
	if i > 1 && toks[i-1].Norm == "." && honorifics[toks[i-2].Norm] {
		titled = true
	}
	// Leading titles and, at a sentence start, function words are not part of the name.
	for i < j {
		t := toks[i]
		if t.Initial {
			break
		}
		if honorifics[t.Norm] || t.Norm == "major" && i+1 < j && toks[i+1].Norm == "general" {
			titled = true
			i++
			continue
		}
		// "Mayor of Ottawa", "King of Thailand": what follows a title and a connector is
		// the place or body the title belongs to, not a person.
		if connectors[t.Norm] && !t.Cap && !articlePrefix(toks, i) {
			titled = false
			i++
			continue
		}
		if t.SentStart && isStopwordAny(t.Norm) {
			i++
			continue
		}
		// A sentence-initial common word ("Yesterday Tigran Abrahamyan") is not part of
		// the name that follows it.
		if t.SentStart && j-i > 1 && cover[i] == 0 && nc.common.has(t.Norm) && !givenNames[t.Norm] && !toks[i+1].Hyph &&
			!orgFirst[t.Norm] && !locFirst[t.Norm] && !eventFirst[t.Norm] && !placeQualifiers[t.Norm] {
			i++
			continue
		}
		// Cyrillic-script languages capitalise only names and sentence starts: a first
		// word that is not known as a name ("Окончил", "Кроме") is not part of one.
		if t.SentStart && j-i > 1 && cover[i] == 0 && scriptOf(t.Norm) == scriptCyrillic && !givenNames[t.Norm] &&
			!toks[i+1].Hyph && !orgFirst[t.Norm] && !locFirst[t.Norm] && !eventFirst[t.Norm] && !placeQualifiers[t.Norm] && !surnameLike(t.Norm) {
			i++
			continue
		}
		break
	}
	for j > i && connectors[toks[j-1].Norm] {
		j--
	}
	// "Представитель Чарли Шина", "Senator John Smith": a capitalised sentence-initial
	// word before a first name is a common word or a title, not part of the name.
	if j-i >= 3 && toks[i].SentStart && !nc.isGivenName(toks[i].Norm) && nc.isGivenName(toks[i+1].Norm) && cover[i] == 0 {
		i++
		titled = true
	}
	// "County Coroner William McLaughlin": a title inside the run, right before a first
	// name, ends what comes before it (here the county the coroner serves).
	for g := i + 1; g < j-1 && g <= i+3; g++ {
		if honorifics[toks[g].Norm] && nc.isGivenName(toks[g+1].Norm) && !honorifics[toks[i].Norm] {
			i = g + 1
			titled = true
			break
		}
	}
	if i >= j {
		return added
	}
	// "David Gilmour de Pink Floyd", "Jeremy Hellickson des Rays": a full name, then a
	// connector and what the person belongs to. ("Charles de Gaulle" has one word before.)
	if givenNames[toks[i].Norm] || nc.isGivenName(toks[i].Norm) && !toks[i].SentStart {
		for k := i + 2; k < j-1; k++ {
			if connectors[toks[k].Norm] && !toks[k].Cap && !connectors[toks[k-1].Norm] {
				added = e.chunk(toks, text, k+1, j, spans, cover, drop, added, nc)
				j = k
				break
			}
		}
	}
	// "Chittoor District of Andhra Pradesh", "Kreis X of Y": a place word before a
	// connector closes a place; what follows is the bigger place it is in.
	for k := i + 1; k < j-1; k++ {
		if connectors[toks[k].Norm] && !toks[k].Cap && locLast[toks[k-1].Norm] {
			added = e.chunk(toks, text, k+1, j, spans, cover, drop, added, nc)
			j = k
			break
		}
	}
	// Russian writes a place in a case form and a name side by side ("в Хорватии Туджман",
	// "в Лондоне Ингрид Бергман"); the place stands and what follows is a name of its own.
	if c := cover[i]; c > 0 && spans[c-1].From == i && spans[c-1].To < j && spans[c-1].Type == "LOC" &&
		scriptOf(toks[i].Norm) == scriptCyrillic && len(nc.ruWords) > 0 && !placeQualifiers[toks[i].Norm] && !compass[toks[i].Norm] &&
		!titled && !(nc.isGivenName(toks[i].Norm) && !(i > 0 && isPlacePrep(toks[i-1], text))) {
		k := spans[c-1].To
		if cover[k] == 0 && !connectors[toks[k].Norm] && !toks[k].Hyph && (nc.isGivenName(toks[k].Norm) || surnameLike(toks[j-1].Norm)) {
			return e.chunk(toks, text, k, j, spans, cover, drop, added, nc)
		}
	}
	first, last := toks[i], toks[j-1]
	n := 0 // words: a hyphenated compound ("Лос-Анджелес") is one
	for k := i; k < j; k++ {
		if !toks[k].Hyph || k == i {
			n++
		}
	}

	// What the knowledge base already says about these tokens.
	exact, inside, strong, restLoc := -1, false, false, false
	for k := i; k < j; k++ {
		if c := cover[k]; c > 0 {
			s := spans[c-1]
			if s.From == i && s.To == j {
				exact = c - 1
			}
			if s.From >= i && s.To <= j {
				inside = true
				if s.Ent != nil && !s.weakPlace() {
					strong = true // a name a person's name cannot be inside
				}
				if s.To == j && s.Type == "LOC" && s.From > i && allQualifiers(toks[i:s.From]) {
					restLoc = true // "Новый Южный Уэльс", "North East Lincolnshire"
				}
			}
		}
	}
	if exact >= 0 {
		// "диктатор Франко", "composer Holst": an occupation before a lone word makes it
		// the person, where a gazetteer has a town of that name.
		if s := spans[exact]; titled && n == 1 && s.weakPlace() {
			drop[exact] = true
			return append(added, span{From: i, To: j, Type: "PER", Conf: 0.6, Name: surfaceOf(text, toks[i:j])})
		}
		return added
	}
	// "Flyers de Philadelphie", "Bank of America", "Dinamo Zagreb"-style "X of PLACE": a
	// name built on a place that is not itself a place word is an institution or a team.
	// The place may be followed by more of its name ("Lightning de Tampa Bay") and be
	// introduced by two connectors ("Panthers de la Floride").
	ofPlace := false
	if n >= 3 && cover[i] == 0 && !nc.isGivenName(first.Norm) && !facilityLast[first.Norm] && !lowerGeoHeads[first.Norm] && !placeQualifiers[first.Norm] {
		for h := i + 1; h+1 < j; h++ {
			if !connectors[toks[h].Norm] {
				continue
			}
			p := h + 1
			if p+1 < j && connectors[toks[p].Norm] {
				p++
			}
			if c := cover[p]; c > 0 && spans[c-1].From == p && spans[c-1].Type == "LOC" && !spans[c-1].feature() {
				ofPlace = true
			}
			break
		}
	}
	// "Colorado Department of Transportation": an organisation word then a connector.
	orgInside := false
	for k := i + 1; k+1 < j; k++ {
		if (orgLast[toks[k].Norm] || orgFirst[toks[k].Norm]) && connectors[toks[k+1].Norm] {
			orgInside = true
		}
		// "Major League Baseball", "Turner Broadcasting System"
		if orgLast[toks[k].Norm] && !connectors[toks[k+1].Norm] && n >= 3 && !nc.isGivenName(first.Norm) {
			orgInside = true
		}
	}
	// "Polish Foreign Minister", "Various Christian": a title or an adjective, not a name.
	if honorifics[last.Norm] || (isDemonym(first.Norm) && cover[i] == 0 && !orgLast[last.Norm] && !eventLast[last.Norm] && !locLast[last.Norm] && !orgInside &&
		!(n > 1 && nc.isGivenName(first.Norm) && !toks[i+1].Hyph && !isDemonym(toks[i+1].Norm))) {
		if n == 1 && isDemonym(first.Norm) && !inside {
			return append(added, span{From: i, To: j, Type: "MISC", Conf: 0.5, Name: surfaceOf(text, toks[i:j])})
		}
		if !inside {
			return added
		}
	}
	// "New York Yankees", "Boston Red Sox", "Leeds United": a town, then capitalised
	// words that are not places ending in a plural or a club word, is a club.
	team := false
	if c := cover[i]; c > 0 && spans[c-1].From == i && spans[c-1].Type == "LOC" && spans[c-1].To < j &&
		!spans[c-1].feature() { // "Dead Sea Scrolls" are no club
		k := spans[c-1].To
		team = !connectors[toks[k].Norm] && (teamLast[last.Norm] || plural(last.Norm)) && !locLast[last.Norm] && !facilityLast[last.Norm] && !isDemonym(last.Norm)
		for m := k; m < j && team; m++ {
			if cover[m] > 0 || !toks[m].Cap {
				team = false
			}
		}
	}
	typ, conf := "", 0.0
	switch {
	case team:
		typ, conf = "ORG", 0.6
	case n > 1 && (eventFirst[first.Norm] || eventLast[last.Norm] || n > 2 && eventLast[toks[j-2].Norm] && isRoman(last.Norm) || first.Norm == "best"):
		typ, conf = "EVT", 0.5
	case n > 1 && (orgLast[last.Norm] || orgFirst[first.Norm] || orgInside || first.Upper && teamFirst[first.Norm]):
		typ, conf = "ORG", 0.6
	case first.Initial && !last.Initial && n > 1 && !honorifics[first.Norm] && !strong:
		typ, conf = "PER", 0.6 // "В. И. Ленина", "J. R. R. Tolkien"
	case restLoc && (placeQualifiers[first.Norm] || compass[first.Norm]):
		typ, conf = "LOC", 0.6
	case n >= 2 && n <= 3 && compass[first.Norm] && !strong && !titled && !isDemonym(last.Norm):
		typ, conf = "LOC", 0.5 // "West Yorkshire", "South Seas", "Северной Далмации"
	case ofPlace && !locFirst[first.Norm] && !locLast[first.Norm] && !titled:
		typ, conf = "ORG", 0.5
	case titled:
		typ, conf = "PER", 0.65
	case (locLast[last.Norm] || facilityLast[last.Norm]) && n > 1:
		typ, conf = "LOC", 0.55 // "George Street", "Stave River", "Turner Field"
	case n > 1 && buildingLast[last.Norm] && inside && !strong:
		typ, conf = "LOC", 0.45 // "Carnegie Hall", where a lake is called Carnegie
	case n > 1 && allUpper(toks[i:j]) && scriptOf(first.Norm) == scriptCyrillic:
		typ, conf = "ORG", 0.5 // "МИД СССР", "ЦК РКП": acronyms together name a body
	case nc.isGivenName(first.Norm) && n > 1 && n <= 4 && !strong && !foreignScript(toks[i:j], nc),
		givenNames[first.Norm] && n == 2 && cover[i] == 0 && !first.SentStart:
		typ, conf = "PER", 0.6 // and "Michael Jordan", "George Washington"
	case locFirst[first.Norm] && n > 1:
		typ, conf = "LOC", 0.55
	case n == 2 && surnameLike(last.Norm) && cover[j-1] == 0 && !strong && !toks[j-1].Hyph:
		typ, conf = "PER", 0.55 // "Stanisław Baranowski", where a town is called Stanisław
	}
	if typ == "" && inside {
		return added // the knowledge-base names inside stand as they are
	}
	// A name the table does not have in this spelling may be a known name in another
	// script or romanisation: Варданян for a user's "Vardanyan", Pachinian for Pashinyan.
	if !inside && (typ == "" || typ == "PER") {
		if ent, ok := e.bySkeleton(toks[i:j], nc); ok {
			return append(added, span{From: i, To: j, Ent: ent, Type: ent.Type, Conf: 0.7})
		}
	}
	if typ == "" {
		if first.SentStart && n == 1 && !listedFirstName(first.Norm) &&
			!(scriptOf(first.Norm) == scriptCyrillic && len(nc.ruWords) > 0 && j < len(toks) && !toks[j].Cap && !toks[j].Break &&
				!ruCommonWord(nc.ruWords, first.Norm) && !russianAdjective(first.Norm) && !isStopwordAny(first.Norm)) {
			return added // a capitalised first word says nothing; unless it is no Russian word ("Геродот пишет")
		}
		if n == 1 && (isStopwordAny(first.Norm) || russianAdjective(first.Norm)) {
			return added
		}
		theTeam := n == 1 && i > 0 && toks[i-1].Norm == "the" && !toks[i].Break && (!first.SentStart || toks[i-1].SentStart) &&
			(plural(first.Norm) && !isDemonym(strings.TrimSuffix(first.Norm, "s")) && !toks[i-1].Cap ||
				orgLast[first.Norm] && !buildingLast[first.Norm]) // "the League", "the Senate"
		if !theTeam && (allLower(toks[i:j], nc.lower) || allCommon(toks[i:j], nc.common)) {
			return added // "Good Day", "Excursion House": common words, capitalised for a title
		}
		switch {
		case theTeam:
			// "the Braves", "the Beatles", "the Democrats": a capitalised plural after a
			// lower-case "the" inside a sentence is a team, a band or a party; "the League",
			// "the Senate": an organisation named by its kind.
			typ, conf = "ORG", 0.5
		case n == 1 && first.Upper && utf8.RuneCountInString(first.Norm) >= 3 && utf8.RuneCountInString(first.Norm) <= 6 && !isRoman(first.Norm) && // not "XIX"
			!strings.ContainsAny(first.Norm, "0123456789.") && !(j < len(toks) && toks[j].Hyph):
			// an acronym; not a model ("Z80", "TRS-80")
			typ, conf = "ORG", 0.5
		case n == 1 && i > 0 && isPlacePrep(toks[i-1], text) && !toks[i].Break && !listedFirstName(first.Norm) && !(first.Upper && isRoman(first.Norm)):
			typ, conf = "LOC", 0.45 // "в Воеводине", "на Филиппинах": a first name only by its skeleton
		case surnameLike(last.Norm) && n <= 3:
			typ, conf = "PER", 0.55
		case nc.isGivenName(first.Norm):
			typ, conf = "PER", 0.5
		case n >= 2 && buildingLast[last.Norm]:
			typ, conf = "LOC", 0.45 // "Carnegie Hall", "Phillips House", "Doubletree Hotel"
		case n >= 2 && n <= 3 && plural(last.Norm) && nc.common.has(last.Norm) && !nc.isGivenName(first.Norm):
			typ, conf = "ORG", 0.45 // "Fremantle Dockers", "Carnival Cruise Lines": not "John Adams"
		case n == 1 && !first.SentStart && i > 0 && (!toks[i-1].Cap || isStopwordAny(toks[i-1].Norm) || first.Break) && scriptOf(first.Norm) == scriptCyrillic &&
			len(nc.ruWords) > 0 && !ruCommonWord(nc.ruWords, first.Norm) && !russianAdjective(first.Norm) &&
			!first.Upper && utf8.RuneCountInString(first.Norm) >= 4 && !quoted(text, first.Start):
			// A capitalised Cyrillic word inside a sentence that is no Russian common word
			// in any case form: a name; mostly a person's ("к Манзону", "Довициозо"), a
			// country's or a region's in -ия ("Бессарабии", "Боснии").
			typ, conf = "PER", 0.35
			// Chinese places in Russian transcription end in their kind: river (-цзян,
			// -хэ), mountain (-шань), island (-дао), prefecture (-чжоу).
			for _, end := range []string{"ия", "ии", "ию", "иеи", "иях", "цзян", "шань", "дао", "чжоу", "хэ"} {
				if strings.HasSuffix(first.Norm, end) {
					typ = "LOC"
				}
			}
		case n >= 2 && n <= 3 && !foreignScript(toks[i:j], nc) && !anyStopword(toks[i:j]) &&
			!(i > 0 && number(toks[i-1].Norm) && !toks[i].Break) &&
			!(len(nc.ruWords) > 0 && scriptOf(first.Norm) == scriptCyrillic && utf8.RuneCountInString(first.Norm) > 4 &&
				ruCommonWord(nc.ruWords, first.Norm)): // "Приключения Сары Джейн" is a title; "Пол Масвидал" a person
			typ, conf = "PER", 0.4 // not after a number: "F-100 Super Sabre", "93 Million Miles"
		default:
			return added
		}
	}
	// In Russian or Armenian text, people's names are transliterated: a name left in the
	// Latin script that looks like a person's is a company, a band or a label ("Goldman
	// Sachs", "Uriah Heep", "Morgan Stanley") far more often.
	if typ == "PER" && !titled && !first.Initial && foreignScript(toks[i:j], nc) {
		typ, conf = "ORG", 0.45
	}
	// "65th Fighter Wing", "Seventeenth Air Force", "58-я армия": a unit's number is part of
	// its name.
	if typ == "ORG" && i > 0 && !toks[i].Break && cover[i-1] == 0 && (ordinal(toks[i-1].Norm) || number(toks[i-1].Norm) && unitLast[last.Norm]) {
		i-- // and "65 Air Division" where units are numbered without the ordinal's ending
	}
	// "BBC Radio 1", "Channel 4": a small number right after an organisation's name ends it.
	if typ == "ORG" && j < len(toks) && !toks[j].Break && number(toks[j].Norm) && len(toks[j].Norm) <= 2 && cover[j] == 0 {
		j++
	}
	// The pattern name replaces knowledge-base names inside it.
	for k := i; k < j; k++ {
		if c := cover[k]; c > 0 {
			drop[c-1] = true
		}
	}
	// A span partly outside the run (a KB name starting before it) keeps precedence.
	for k := i; k < j; k++ {
		if c := cover[k]; c > 0 && (spans[c-1].From < i || spans[c-1].To > j) {
			drop[c-1] = false
			return added
		}
	}
	name := surfaceOf(text, toks[i:j])
	return append(added, span{From: i, To: j, Type: typ, Conf: conf, Name: name})
}

// foreignScript reports a Latin-script name in a text mostly in another script: in Russian
// or Armenian text such names are brands, bands and titles far more often than people,
// whose names are transliterated.
func foreignScript(name []token, nc nameContext) bool {
	return nc.otherScript && scriptOf(name[0].Norm) == scriptLatin
}

// latinName reports a capitalised Latin-script word: only then does foreignScript need
// to know the field's script.
func latinName(toks []token) bool {
	for _, t := range toks {
		if t.Cap && scriptOf(t.Norm) == scriptLatin {
			return true
		}
	}
	return false
}

// mostlyOtherScript reports a text whose first 400 letters are mostly in a script other
// than Latin (Cyrillic, Armenian, Georgian, ...).
func mostlyOtherScript(text string) bool {
	latin, other := 0, 0
	for _, r := range text {
		switch sc := scriptOf(string(r)); sc {
		case scriptLatin:
			latin++
		case scriptOther:
		default:
			other++
		}
		if latin+other > 400 {
			break
		}
	}
	return other > latin
}

func allCommon(toks []token, common wordSet) bool {
	if len(common) == 0 {
		return false
	}
	for _, t := range toks {
		if !common.has(t.Norm) || givenNames[t.Norm] {
			return false
		}
	}
	return true
}

// allQualifiers reports words that all make a bigger place of the place after them.
func allQualifiers(toks []token) bool {
	for _, t := range toks {
		if !placeQualifiers[t.Norm] && !compass[t.Norm] {
			return false
		}
	}
	return true
}

// ruCommonWord reports whether a folded Russian word is a case form of a common word of
// the dictionary: the word itself, or its stem with a dictionary ending in place of its
// case ending ("Просвещения" → просвещение, "Олимпиаде" → олимпиада).
func ruCommonWord(dict wordSet, w string) bool {
	if dict.has(w) {
		return true
	}
	for _, end := range ruCaseEndings {
		stem, ok := strings.CutSuffix(w, end)
		if !ok || utf8.RuneCountInString(stem) < 2 {
			continue
		}
		for _, base := range ruBaseEndings {
			if dict.has(stem + base) {
				return true
			}
		}
	}
	// Verbs: "Окончил" → окончить, "Родился" → родиться, "упоминает" → упоминать.
	for _, end := range ruVerbEndings {
		stem, ok := strings.CutSuffix(w, end)
		if !ok || utf8.RuneCountInString(stem) < 2 {
			continue
		}
		for _, base := range []string{"ть", "ться", "ить", "иться", "ать", "аться", "ять", "еть", "овать", "евать"} {
			if dict.has(stem + base) {
				return true
			}
		}
	}
	return false
}

var ruVerbEndings = []string{"лся", "лась", "лось", "лись", "л", "ла", "ло", "ли", "ет", "ит", "ут", "ют", "ат", "ят",
	"ется", "ится", "утся", "ются", "атся", "ятся", "ает", "яет", "ует", "ают", "яют", "уют", "ив", "ав", "в"}

// ruCaseEndings and ruBaseEndings are folded (й → и, ё → е), like the tokens and the
// dictionary.
var ruCaseEndings = []string{"ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ах", "ях", "ам", "ям", "ов", "ев",
	"ом", "ем", "ои", "еи", "ую", "юю", "ая", "яя", "ые", "ие", "ых", "их", "ым", "им", "а", "я", "у", "ю", "е", "ы", "и", "о", "ь"}

var ruBaseEndings = []string{"", "а", "я", "ь", "и", "о", "е", "ие", "ия", "ыи", "ии", "ои", "ая", "ое"}

// quoted reports whether a quotation opens right before offset at: a quoted name is the
// title of a work or a club's name more often than a person's.
func quoted(text string, at int) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(text[:at], " "))
	return strings.ContainsRune("«\"“„'‘", r)
}

// allUpper reports a run of acronyms.
func allUpper(toks []token) bool {
	for _, t := range toks {
		if !t.Upper {
			return false
		}
	}
	return true
}

// number reports a folded token of digits only.
func number(w string) bool {
	return w != "" && strings.Trim(w, "0123456789") == ""
}

// anyStopword reports a function word inside a run ("Take Me Higher", "A Beautiful
// Lie", "Out of Darkness"): the title of a work, not a person's name.
func anyStopword(toks []token) bool {
	for _, t := range toks {
		if isStopwordAny(t.Norm) {
			return true
		}
	}
	return false
}

// plural reports an English plural noun ending ("Yankees", "Celtics", "Sox").
func plural(w string) bool {
	return scriptOf(w) == scriptLatin && utf8.RuneCountInString(w) > 3 &&
		(strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") || strings.HasSuffix(w, "sox"))
}

func isRoman(w string) bool {
	return w != "" && strings.Trim(w, "ivxl") == ""
}

func allLower(toks []token, lower map[string]bool) bool {
	if len(lower) == 0 {
		return false
	}
	for _, t := range toks {
		if !lower[t.Norm] {
			return false
		}
	}
	return true
}

// surfaceOf is the name as the text writes it, from its first word to its last, on one
// line: the display name of a name the knowledge base does not know ("M. Lavrov", not
// "m lavrov").
func surfaceOf(text string, toks []token) string {
	return strings.Join(strings.Fields(text[toks[0].Start:toks[len(toks)-1].End]), " ")
}

// unknownKey is the ID key of an unknown name: folded, transliterated to Latin, so the same
// name in two scripts meets.
func unknownKey(toks []token) string {
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		parts = append(parts, latinKey(t.Norm))
	}
	return strings.Join(parts, " ")
}

// lowerGeoHeads are common nouns that languages writing them in lower case put before a
// place's name: "mer Égée", "détroit de Gibraltar", "lac Léman".
var lowerGeoHeads = foldSet(`mer océan lac mont monts golfe détroit fleuve rivière île îles cap baie massif plateau
désert vallée canal col péninsule presqu'île archipel`)

// lowerOrgHeads are lower-case nouns that make an organisation of the name after them:
// Russian national teams are "сборная России", "сборной Хорватии".
var lowerOrgHeads = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range inflect([]string{"сборная"}, "ru", false) {
		m[f[0]] = true
	}
	m["сборные"], m["сборных"] = true, true
	return m
}()

// ruGeoHeads are Russian nouns, in every case form, that introduce the name of a place
// written after them, which alone is the name: "реки Янцзы", "остров Тао", "в городах
// Тирасполь и Бендеры", "кладбища Пер-Лашез".
var ruGeoHeads = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`река озеро остров полуостров пролив залив море город село деревня посёлок
		станица гора хребет вулкан пустыня долина планета звезда кладбище монастырь авиабаза аэропорт порт
		провинция область район округ штат графство княжество коммуна столица улица площадь проспект
		рудник урочище местность регион`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	for _, w := range strings.Fields(`городах городов острова островах островов реки рек озёра озера`) {
		m[fold(w)] = true
	}
	return m
}()

// ruOrgHeads are Russian nouns, in every case form, that introduce the name of an
// organisation written after them: "группы The Offspring", "компании Goldman Sachs",
// "клуба Локомотив".
var ruOrgHeads = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`клуб команда компания группа газета журнал партия банк корпорация концерн
		агентство издательство лейбл телеканал радиостанция фирма холдинг`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// geoHeads extends a place or a capitalised word after a lower-case geographic head to
// include the head: "mer Égée", "détroit de Gibraltar"; after an organisation head it makes
// an organisation: "сборной Хорватии".
func geoHeads(toks []token, text string, cover []int, spans []span, drop []bool, added []span) []span {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Cap || cover[i] > 0 { // "mer Adriatique" may be a known name, head and all
			continue
		}
		typ := "LOC"
		if ruGeoHeads[toks[i].Norm] {
			added = ruHeadName(toks, text, i+1, cover, added, "LOC")
			continue
		}
		if ruOrgHeads[toks[i].Norm] {
			added = ruHeadName(toks, text, i+1, cover, added, "ORG")
			continue
		}
		if lowerOrgHeads[toks[i].Norm] {
			typ = "ORG"
		} else if !lowerGeoHeads[toks[i].Norm] {
			continue
		}
		k := i + 1
		if k < len(toks) && connectors[toks[k].Norm] && !toks[k].Cap {
			k++
		}
		if k >= len(toks) || !toks[k].Cap || toks[k].Break {
			continue
		}
		end := k + 1
		if c := cover[k]; c > 0 && spans[c-1].From == k {
			end = spans[c-1].To
			drop[c-1] = true
		} else {
			for end < len(toks) && toks[end].Cap && !toks[end].Break {
				end++
			}
			// drop a pattern name over the same words
			for a := range added {
				if added[a].From == k {
					added = append(added[:a], added[a+1:]...)
					break
				}
			}
		}
		added = append(added, span{From: i, To: end, Type: typ, Conf: 0.6, Name: surfaceOf(text, toks[i:end])})
		i = end - 1
	}
	return added
}

// ruAdjHeads are Russian nouns a place's name ends in after its capitalised adjective, in
// every case form: "Карибском море", "Переяславском уезде", "Эгейских островов".
var ruAdjHeads = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`море океан озеро залив пролив остров полуостров хребет нагорье плато уезд область край
		район округ губерния волость княжество королевство`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	for _, w := range strings.Fields(`острова островов островах горы гор горах`) {
		m[fold(w)] = true
	}
	return m
}()

// ruAdjPlaces finds the places written as a capitalised adjective and a lower-case
// geographic noun ("Южно-Китайское море"): the pair is the place, in place of a town or a
// guess over the adjective alone.
func ruAdjPlaces(toks []token, text string, cover []int, drop []bool, added []span) []span {
	for i := 0; i+1 < len(toks); i++ {
		t, h := toks[i], toks[i+1]
		if !t.Cap || t.Upper || h.Cap || h.Break || !ruAdjHeads[h.Norm] || scriptOf(t.Norm) != scriptCyrillic {
			continue
		}
		// russianAdjective leaves out the locative "-ом" ("Карибском"), common to nouns.
		if !russianAdjective(t.Norm) && !strings.HasSuffix(t.Norm, "ском") && !strings.HasSuffix(t.Norm, "ном") {
			continue
		}
		from := i
		for from > 0 && toks[from].Hyph && toks[from-1].Cap {
			from-- // "Южно-Китайское"
		}
		if c := cover[from]; c > 0 {
			drop[c-1] = true
		}
		added = dropOverlaps(added, from, i+1) // a guess over the adjective
		added = append(added, span{From: from, To: i + 2, Type: "LOC", Conf: 0.6, Name: surfaceOf(text, toks[from:i+2])})
		i++
	}
	return added
}

// ruHeadName makes places (or organisations) of the capitalised names from k on, after a
// Russian head noun: each run of capitalised words up to punctuation, and another after "и". A name
// the knowledge base already knows stands as it is; a pattern name over the same words
// gives way.
func ruHeadName(toks []token, text string, k int, cover []int, added []span, typ string) []span {
	if k >= len(toks) || scriptOf(toks[k-1].Norm) != scriptCyrillic {
		return added
	}
	for k < len(toks) && toks[k].Cap && !toks[k].Break && (typ == "ORG" || scriptOf(toks[k].Norm) == scriptCyrillic) {
		end := k + 1
		for end < len(toks) && toks[end].Cap && !toks[end].Break && !toks[end].Upper {
			end++
		}
		known := false
		for m := k; m < end; m++ {
			known = known || cover[m] > 0
		}
		if !known {
			added = dropOverlaps(added, k, end)
			added = append(added, span{From: k, To: end, Type: typ, Conf: 0.6, Name: surfaceOf(text, toks[k:end])})
		}
		if end+1 < len(toks) && toks[end].Norm == "и" && !toks[end].Break {
			k = end + 1
			continue
		}
		break
	}
	return added
}

// bySkeleton looks a capitalised run up by its transliterated skeleton, also after
// dropping a Russian case ending from its last word. Only an unambiguous answer counts.
func (e *Enricher) bySkeleton(toks []token, nc nameContext) (*entity, bool) {
	norms := make([]string, len(toks))
	for i, t := range toks {
		norms[i] = t.Norm
	}
	try := func(norms []string) (*entity, bool) {
		s := nc.skeletonOf(norms)
		if s == "" {
			return nil, false
		}
		h := hashAdd(hashInit, s)
		var found *entity
		for _, k := range e.state.Load().kbs {
			ref, ok := k.skel[h]
			if !ok {
				continue
			}
			for _, a := range k.aliases(ref) {
				if a.Src >= srcFeature {
					continue // GeoNames and Natural Earth list places in every script already
				}
				ent := &k.ents[a.Ent]
				if found != nil && found.ID != ent.ID {
					return nil, false
				}
				found = ent
			}
		}
		return found, found != nil
	}
	if ent, ok := try(norms); ok {
		return ent, true
	}
	if scriptOf(norms[len(norms)-1]) != scriptCyrillic {
		return nil, false
	}
	orig := slices.Clone(norms)
	for _, suf := range ruNameEndings {
		changed := false
		for i, w := range orig {
			norms[i] = w
			if st, ok := strings.CutSuffix(w, suf); ok && utf8.RuneCountInString(st) >= 3 {
				norms[i], changed = st, true
			}
		}
		if changed {
			if ent, ok := try(norms); ok {
				return ent, true
			}
		}
	}
	return nil, false
}

// quotedOrgCues begin the Russian words that, a few words before a quoted name, make it a
// club or a company: "перешёл в московский «Локомотив»", "главным тренером «Спортинга»",
// "компания «Тираспольская почта»". Folded (ё → е), matched as prefixes.
var quotedOrgCues = strings.Fields(`клуб команд тренер игрок защитник нападающ полузащитник вратар капитан форвард
	переш перех перейд верну возвраща выступ сыгр играл дебютир подпис контракт аренд состав лиг чемпионат
	компан завод фабрик концерн корпорац холдинг издательств банк фирм предприят объединен общест агентств`)

// quotedOrgTitles are the acronyms written before a quoted organisation's name: ФК
// «Урал», ХК «Динамо», ООО «Ромашка».
var quotedOrgTitles = foldSet(`фк хк бк вк гк пфк мфк ск дюсш сдюшор гп фгуп муп оао зао ооо пао ао нко`)

// quotedOrgs makes organisations of the capitalised names in quotation marks that follow
// a club or company word in Russian: «Локомотив», «Нюрнберг Айс Тайгерс», «Дмитров» (a
// club, not the town). Russian writes those names in quotes; a quoted name elsewhere is a
// work's title more often. A name in guillemets is mentioned with them, as Russian
// writes it («Локомотив»); in straight quotes, without.
func quotedOrgs(toks []token, text string, spans []span) []span {
	if !strings.Contains(text, "«") && strings.IndexByte(text, '"') < 0 { // both searches are vectorised; ContainsAny is not
		return spans
	}
	found := false
	prevOrgEnd := -1 // the byte offset after the last quoted organisation, for lists
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.Cap || scriptOf(t.Norm) == scriptOther {
			continue
		}
		gapFrom := 0
		if i > 0 {
			gapFrom = toks[i-1].End
		}
		open := strings.TrimSpace(text[gapFrom:t.Start])
		if !strings.HasSuffix(open, "«") && open != `"` && !strings.HasSuffix(open, ` "`) {
			continue
		}
		j := i + 1
		for j < len(toks) && j-i < 5 && !toks[j].Break && (toks[j].Cap || number(toks[j].Norm)) {
			j++
		}
		gapTo := len(text)
		if j < len(toks) {
			gapTo = toks[j].Start
		}
		closing := strings.TrimSpace(text[toks[j-1].End:gapTo])
		guillemets := strings.HasSuffix(open, "«")
		if guillemets && !strings.HasPrefix(closing, "»") || !guillemets && !strings.HasPrefix(closing, `"`) {
			continue
		}
		if !quotedOrgContext(toks, text, i, prevOrgEnd) {
			continue
		}
		s := span{From: i, To: j, Type: "ORG", Conf: 0.6, Name: surfaceOf(text, toks[i:j]), Quoted: guillemets}
		// A known organisation keeps its entity; a town or a person of the same name is
		// not the club.
		for _, o := range spans {
			if o.From == i && o.To == j && o.Ent != nil && o.Type == "ORG" {
				s.Ent, s.Name = o.Ent, ""
			}
		}
		spans = append(dropOverlaps(spans, i, j), s)
		found = true
		mark := `"`
		if guillemets {
			mark = "»"
		}
		prevOrgEnd = toks[j-1].End + strings.Index(text[toks[j-1].End:], mark) + len(mark)
		i = j - 1
	}
	if found {
		sort.Slice(spans, func(a, b int) bool { return spans[a].From < spans[b].From })
	}
	return spans
}

// quotedOrgContext reports a club or company word in the four words before toks[i], an
// organisation's acronym or a place adjective right before it ("московский «Спартак»"),
// or another quoted organisation just before, in a list ("«Задар», «Арис»").
func quotedOrgContext(toks []token, text string, i, prevOrgEnd int) bool {
	if prevOrgEnd >= 0 && i > 0 {
		gap := strings.TrimSpace(text[prevOrgEnd:toks[i].Start])
		gap = strings.TrimSpace(strings.TrimRight(gap, `«"`))
		if gap == "," || gap == "и" || gap == "" {
			return true
		}
	}
	if i == 0 || scriptOf(toks[i-1].Norm) != scriptCyrillic && !quotedOrgTitles[toks[i-1].Norm] {
		return false
	}
	if p := toks[i-1]; quotedOrgTitles[p.Norm] || !p.Cap && placeAdjective(p.Norm) {
		return true
	}
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if toks[k].Cap && !toks[k].SentStart {
			continue
		}
		for _, w := range quotedWorkCues {
			if strings.HasPrefix(toks[k].Norm, w) {
				return false // "фильм «Москва»", "альбом «Jersey»"
			}
		}
		for _, cue := range quotedOrgCues {
			if strings.HasPrefix(toks[k].Norm, cue) {
				return true
			}
		}
		if toks[k].SentStart || toks[k].Break {
			break // the cue must be in the same clause
		}
	}
	return false
}

// quotedWorkCues begin the Russian words for works, whose quoted titles are not
// organisations even after a club word: "тренер клуба смотрел фильм «Москва»".
var quotedWorkCues = strings.Fields(`фильм альбом песн сингл сериал роман книг пьес опер спектакл мультфильм игре игру игры повест поэм картин`)

// placeAdjective reports a folded Russian adjective in -ский or -цкий, in any case form:
// "московский", "миланском", "бразильского".
func placeAdjective(w string) bool {
	for _, end := range []string{"скии", "ского", "ском", "скои", "ская", "скую", "ское", "цкии", "цкого", "цком", "цкои", "цкая"} {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

// listTypes gives a lone pattern name in a list the type of the known names around it:
// "Дубровник, Госпич, Шибеник, Задар" are towns, Госпич too, though it is no Russian word
// and, alone, would be taken for a person's name.
func listTypes(toks []token, text string, spans []span) []span {
	sep := func(a, b span) bool { // only a comma, a conjunction or both between a and b
		next := a.To // the word after a: b, or a conjunction right before b
		if next != b.From && !(next+1 == b.From && listConjunctions[toks[next].Norm] && !toks[next].Cap) {
			return false
		}
		gap := strings.TrimSpace(text[toks[a.To-1].End:toks[next].Start])
		return gap == "," || gap == ""
	}
	for k := range spans {
		s := &spans[k]
		if s.Ent != nil || s.Conf > 0.5 || s.To-s.From != 1 || s.Type != "PER" && s.Type != "LOC" {
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
			if n < k && !sep(o, *s) || n > k && !sep(*s, o) {
				continue
			}
			switch o.Type {
			case "LOC":
				loc++
			case "PER":
				per++
			}
		}
		if loc > 0 && per == 0 {
			s.Type = "LOC"
		} else if per > 0 && loc == 0 {
			s.Type = "PER"
		}
	}
	return spans
}

// listConjunctions join the last two items of a list.
var listConjunctions = foldSet(`and or et ou и или`)
