package entity

import (
	"sort"
	"strings"

	"wirewatch/internal/text"
)

// English evidence that the shared patterns (chunk.go) do not weigh, run over an English
// field after them (findUnknown):
//
//   - definitions: a text says what a name is in so many words, then uses the name bare.
//     Wikipedia's first sentence defines it ("Atwick is a village in Holderness", "Bilka is
//     a Danish chain of hypermarkets"), so does a place named by its kind or its people
//     ("the hamlet of Skirlington", "the villagers of Bontnewydd", "north of Hornsea"), an
//     alias ("Adilson Varela, commonly known as Cabral") and a kind word before a name
//     ("the band 30 Seconds to Mars", kindOrgs). The kind noun types the name better than
//     its own words can: a one-word name nobody knows at a sentence start says nothing by
//     itself, and "Aero Gare" looks like a place. Every bare mention of the defined name in
//     the field is the same thing (englishDefinitions);
//   - a town and a nickname is a club or a paper ("Perth Glory", townNickname, from chunk);
//   - a name before a comma and a known region is a town ("Sandy Hook, Maryland");
//   - a nickname in quotation marks inside a person's name (William "Cowboy" Cowley);
//   - an owner after a preposition is a person ("attached to Howe's Brigade");
//   - organisations said by their head or by the words around them: a body head, "of" or
//     "for" and what it serves ("Board of Trade", bodiesOf), an owner's possessive before
//     a body word ("Miners' Federation", possessiveBodies), a party before a party role
//     ("Labor MP"), a team's plural before a team role ("Braves manager"), the name after
//     a member role ("member of Pearl Jam"), capitals glued by "&" ("A&M Records");
//   - names of shapes the patterns never see: broadcasters' call signs ("6PR", "882 6PR")
//     and a unit's ordinal that acts ("The 139th was formed").

// englishEvidence applies the English evidence above to the names the patterns found in
// an English field, before surnames and lists carry them further.
func englishEvidence(toks []text.Token, src string, spans []span, nc nameContext) []span {
	spans = englishDefinitions(toks, src, spans, nc)
	spans = placesBeforeRegion(toks, src, spans, nc)
	spans = nicknamed(toks, src, spans)
	spans = bodiesOf(toks, src, spans, nc)
	spans = partiesBeforeRoles(toks, src, spans, nc)
	spans = teamsBeforeRoles(toks, src, spans, nc)
	spans = possessiveBodies(toks, src, spans, nc)
	spans = ampersandNames(toks, src, spans)
	spans = bodiesAfterRoles(toks, src, spans)
	return ownersNotPlaces(toks, src, spans)
}

// defKinds maps the head noun of a definition to the type of the name it defines.
var defKinds = func() map[string]string {
	m := map[string]string{}
	add := func(typ, words string) {
		for _, w := range strings.Fields(words) {
			m[text.Fold(w)] = typ
		}
	}
	add("LOC", `village town city hamlet parish municipality commune suburb borough township
		settlement locality neighbourhood neighborhood district county province region
		country island archipelago peninsula river lake mountain valley`)
	add("ORG", `company corporation firm band chain retailer manufacturer airline broadcaster
		newspaper magazine publisher label party club team organisation organization charity
		agency association alliance federation union league network bank university college
		academy institute foundation brewery supermarket hypermarket subsidiary conglomerate
		consortium orchestra choir ensemble duo trio quartet division`)
	add("PER", `singer songwriter actor actress footballer cricketer politician writer author poet
		novelist painter musician composer guitarist bassist drummer pianist rapper vocalist
		boxer cyclist athlete swimmer wrestler jockey journalist businessman businesswoman
		entrepreneur lawyer judge bishop priest scientist physicist chemist mathematician
		economist philosopher historian architect photographer sculptor dancer comedian
		presenter diplomat activist filmmaker`)
	return m
}()

// stationKinds make a "station" a broadcaster ("a Chinese radio station"); a station alone
// is as often a railway's, a place.
var stationKinds = foldSet(`radio television tv`)

// placeOfKinds are the lower-case place kinds that name a place after "of": "the village of
// Atwick", "the parish of Heydour", "the town of Bridgton".
var placeOfKinds = foldSet(`village town city hamlet parish municipality commune suburb borough township settlement`)

// placeOfNouns are the lower-case nouns whose "of" complement is a place: its people,
// its edges, its mayor, and what lies a direction from it ("the residents of Skellin",
// "the outskirts of Tarnby", "north of Hornsea").
var placeOfNouns = foldSet(`villagers residents inhabitants townspeople citizens natives outskirts suburbs
	mayor north south east west northeast northwest southeast southwest northwards southwards`)

// definitionKind returns the type the noun phrase starting at toks[k] (after "a" or "an")
// gives the name it defines: the phrase's head, its last word before a function word, a
// comma or a participle ("a Danish chain of hypermarkets", "a kitplane manufacturer founded
// by"), when it is a kind of defKinds; "" else.
func definitionKind(toks []text.Token, k int) string {
	head := -1
	for m := k; m < len(toks) && m-k < 6; m++ {
		t := toks[m]
		if m > k && t.Break || !t.Letters || text.IsStopwordAny(t.Norm) {
			break
		}
		// a participle or a relative verb after the head ends the phrase ("located",
		// "founded", "based", "consisting"); before it, it is an adjective ("a
		// discriminated minority")
		if head >= 0 && !t.Cap && (strings.HasSuffix(t.Norm, "ed") || strings.HasSuffix(t.Norm, "ing")) {
			break
		}
		head = m
	}
	if head < 0 {
		return ""
	}
	h := toks[head].Norm
	if h == "station" && head > k && stationKinds[toks[head-1].Norm] {
		return "ORG"
	}
	return defKinds[h]
}

// definition is a name the text defines, its words folded, and its type.
type definition struct {
	words []string
	typ   string
}

// englishDefinitions types the names an English field defines (see above) and their bare
// mentions elsewhere in it. A name the knowledge base knows keeps its type, but for a
// gazetteer town or feature (a weak place): "Aero Gare" is no place of the gazetteer, but
// many a club or company is named like a town. A pattern name over the same words gives way.
func englishDefinitions(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var defs []definition
	// The spans over toks[from:to] may give way unless one is a name the knowledge base
	// knows well.
	cover := func(from, to int) ([]int, bool) {
		return spansWithin(spans, from, to, func(s span) bool { return s.Ent != nil && !s.weakPlace() })
	}
	var drop map[int]bool
	var added []span
	define := func(from, to int, typ string) {
		inside, ok := cover(from, to)
		if !ok {
			return
		}
		// Patterns that cut the run in pieces saw something in it: a person's name says
		// what it is only when no other name is inside ("Former Labor MP John Smith").
		if len(inside) > 0 && !(len(inside) == 1 && spans[inside[0]].From == from && spans[inside[0]].To == to) &&
			(typ == "PER" || to-from > 1 && nc.lower[toks[from].Norm]) {
			return
		}
		// Where the patterns found nothing, a common word starting the sentence is no part
		// of a name ("Former Labor MP Jane Doe is a politician"), nor is a title.
		if len(inside) == 0 && to-from > 1 && (nc.common.has(toks[from].Norm) && !givenNames[toks[from].Norm] || anyTitle(toks[from:to])) {
			return
		}
		words := make([]string, 0, to-from)
		for _, t := range toks[from:to] {
			words = append(words, t.Norm)
		}
		defs = append(defs, definition{words, typ})
		if len(inside) == 1 && spans[inside[0]].From == from && spans[inside[0]].To == to && spans[inside[0]].Type == typ {
			return // already so
		}
		if drop == nil {
			drop = map[int]bool{}
		}
		for _, si := range inside {
			drop[si] = true
		}
		added = append(added, span{From: from, To: to, Type: typ, Conf: 0.55, Name: surfaceOf(src, toks[from:to])})
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// "the village of Atwick", "villagers of Bontnewydd", "two miles north of Hornsea"
		if (placeOfKinds[t.Norm] || placeOfNouns[t.Norm]) && !t.Cap && i+2 < len(toks) && toks[i+1].Norm == "of" &&
			!toks[i+1].Break && !toks[i+2].Break && isNameTok(toks[i+2]) {
			e := nameRunEnd(toks, i+2)
			define(i+2, e, "LOC")
			i = e - 1
			continue
		}
		// "Adilson Varela, commonly known as Cabral": an alias after a comma names what the
		// name before the comma names.
		if t.Norm == "known" && !t.Cap && i+2 < len(toks) && toks[i+1].Norm == "as" && !toks[i+1].Break && !toks[i+2].Break &&
			isNameTok(toks[i+2]) && !toks[i+2].SentStart {
			if typ := aliasOf(toks, src, spans, i); typ != "" {
				e := nameRunEnd(toks, i+2)
				define(i+2, e, typ)
				i = e - 1
				continue
			}
		}
		if !t.SentStart {
			continue
		}
		// "Bilka is a Danish chain", "The Echelon is a publicity street team", "Bank Hey
		// ( also Sunnybower ) is a suburb"
		from := i
		if t.Norm == "the" && i+1 < len(toks) && !toks[i+1].Break {
			from++
		}
		if from >= len(toks) || !isNameTok(toks[from]) && !(toks[from].Upper && toks[from].Letters) {
			continue
		}
		e := nameRunEnd(toks, from)
		v := e
		if v < len(toks) && toks[v].Break && strings.Contains(src[toks[v-1].End:toks[v].Start], "(") {
			for v < len(toks) && !strings.Contains(src[toks[v-1].End:toks[v].Start], ")") && !toks[v].SentStart {
				v++
			}
			if v < len(toks) && !strings.Contains(src[toks[v-1].End:toks[v].Start], ")") {
				continue
			}
		} else if v < len(toks) && toks[v].Break {
			continue
		}
		if v+2 >= len(toks) || toks[v].Norm != "is" && toks[v].Norm != "was" || toks[v].Cap || toks[v+1].Break ||
			toks[v+1].Norm != "a" && toks[v+1].Norm != "an" || toks[v+2].Break {
			continue
		}
		if typ := definitionKind(toks, v+2); typ != "" {
			define(from, e, typ)
		}
	}
	// "the band Killing Joke", "the label Charisma": a name its kind word typed (kindOrgs)
	// is that kind in the rest of the field too.
	kinds := kindWords["en"]
	for _, s := range spans {
		if s.Ent == nil && s.Type == "ORG" && s.From > 0 && kinds[toks[s.From-1].Norm] && !toks[s.From-1].Cap {
			words := make([]string, 0, s.To-s.From)
			for _, t := range toks[s.From:s.To] {
				words = append(words, t.Norm)
			}
			defs = append(defs, definition{words, "ORG"})
		}
	}
	if len(defs) == 0 {
		return spans
	}
	// The bare mentions: the same words, not part of a longer capitalised run.
	for i := 0; i < len(toks); i++ {
		if !toks[i].Cap && !number(toks[i].Norm) { // "30 Seconds to Mars"
			continue
		}
		for _, d := range defs {
			e := i + len(d.words)
			// not inside a longer run ("Later", a sentence's first common word, is none)
			if e > len(toks) || !sameWords(toks[i:e], d.words) ||
				i > 0 && !toks[i].Break && !toks[i].SentStart && toks[i-1].Cap && !(toks[i-1].SentStart && nc.common.has(toks[i-1].Norm)) ||
				e < len(toks) && !toks[e].Break && toks[e].Cap {
				continue
			}
			if overlapsAny(added, i, e) {
				break
			}
			inside, ok := cover(i, e)
			if !ok {
				break
			}
			if len(inside) == 1 && spans[inside[0]].From == i && spans[inside[0]].To == e && spans[inside[0]].Type == d.typ {
				break
			}
			if drop == nil {
				drop = map[int]bool{}
			}
			for _, si := range inside {
				drop[si] = true
			}
			added = append(added, span{From: i, To: e, Type: d.typ, Conf: 0.5, Name: surfaceOf(src, toks[i:e])})
			i = e - 1
			break
		}
	}
	if len(added) == 0 {
		return spans
	}
	return replaceSpans(spans, drop, added)
}

// nameRunEnd returns where the run of capitalised words (and acronyms) starting at
// toks[k] ends, connectors between them included ("Bank of Scotland").
func nameRunEnd(toks []text.Token, k int) int {
	e := k + 1
	for e < len(toks) && !toks[e].Break {
		if isNameTok(toks[e]) || toks[e].Upper && toks[e].Letters {
			e++
			continue
		}
		if isConnector(toks[e]) && !toks[e].Cap && e+1 < len(toks) && !toks[e+1].Break && isNameTok(toks[e+1]) {
			e += 2
			continue
		}
		break
	}
	return e
}

// anyTitle reports a title or an office among the words ("MP", "Senator", "President").
func anyTitle(toks []text.Token) bool {
	for _, t := range toks {
		if honorifics[t.Norm] || roles[t.Norm] {
			return true
		}
	}
	return false
}

func sameWords(toks []text.Token, words []string) bool {
	for k, t := range toks {
		if t.Norm != words[k] {
			return false
		}
	}
	return true
}

// townParts are words after a town that name a part of it or a way through it, which
// the place words do not list: "Miami Area", "Cleveland Way", "London Underground".
var townParts = foldSet(`area areas way underground metro downtown uptown docklands suburbs outskirts`)

// townNickname reports two words, a town the gazetteer knows, then a capitalised word that
// is neither a place's, a building's nor a person's: a club, a paper or a company named by
// its town and a nickname ("Perth Glory", "Miami Heat", "Boston Globe", "Perth Mint"). A
// name built on a town is no town, and English names a body so far more often than a
// place whose kind word the place lists do not have. A nickname the text also writes in
// lower case is a common noun after the town ("Berlin wall").
func (f *fieldNames) townNickname(i, j int) bool {
	toks, spans, cover, nc := f.toks, f.spans, f.cover, f.nc
	c := cover[i]
	if c == 0 || spans[c-1].From != i || spans[c-1].To != i+1 || !spans[c-1].townLike() || cover[j-1] > 0 {
		return false
	}
	if listedFirstName(toks[i].Norm) { // "Florence Ballard", "Norman Mailer"
		return false
	}
	w := toks[j-1]
	return w.Cap && !townParts[w.Norm] && !w.Upper && !w.Hyph && w.Letters && text.ScriptOf(w.Norm) == text.Latin && !nc.lower[w.Norm] &&
		!locLast[w.Norm] && !facilityLast[w.Norm] && !buildingLast[w.Norm] && !eventLast[w.Norm] && !compass[w.Norm] &&
		!placeQualifiers[w.Norm] && !honorifics[w.Norm] && !roles[w.Norm] && !isDemonym(w.Norm) && !nc.isGivenName(w.Norm) &&
		!surnameLike(w.Norm) && !text.IsStopwordAny(w.Norm)
}

// placesBeforeRegion types as a town the guessed names written before a comma and a
// country or a region the knowledge base knows: "Sandy Hook, Maryland", "Paxton,
// Illinois", the way English addresses a town. A person's name is seldom written so, and
// the guess (a run of capitalised words and no more) was weak.
func placesBeforeRegion(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var added []span
	for k, r := range spans {
		// a run no pattern typed: "Debden, England"
		if r.Ent == nil || r.Type != "LOC" || r.Ent.Src != srcCountry || r.From < 2 || !toks[r.From].Break ||
			strings.TrimSpace(src[toks[r.From-1].End:toks[r.From].Start]) != "," || k > 0 && spans[k-1].To > r.From-3 {
			continue
		}
		a := r.From - 1
		for a > 0 && !toks[a].Break && isNameTok(toks[a-1]) {
			a--
		}
		if !isNameTok(toks[a]) || r.From-a > 3 || a > 0 && !toks[a].Break && (toks[a-1].Cap || isConnector(toks[a-1])) || covered(spans, a) {
			continue
		}
		if w := toks[a].Norm; text.IsStopwordAny(w) || toks[a].SentStart && (nc.common.has(w) || nc.lower[w]) {
			continue // "However, Russia"
		}
		added = append(added, span{From: a, To: r.From, Type: "LOC", Conf: 0.45, Name: surfaceOf(src, toks[a:r.From])})
	}
	for k := range spans {
		s := &spans[k]
		if s.Ent != nil || s.Type != "PER" || s.Conf > 0.5 || k+1 >= len(spans) || s.To >= len(toks) {
			continue
		}
		r := spans[k+1]
		if r.From != s.To || r.Ent == nil || r.Type != "LOC" || r.Ent.Src != srcCountry ||
			strings.TrimSpace(src[toks[s.To-1].End:toks[s.To].Start]) != "," {
			continue
		}
		s.Type = "LOC"
	}
	if len(added) > 0 {
		spans = append(spans, added...)
		sort.Slice(spans, func(a, b int) bool { return spans[a].From < spans[b].From })
	}
	return spans
}

// institutionLast end the names of institutions named after a titled person, title and
// all: "Bishop Garrigan High School", "Queen Elizabeth Hospital", "King Edward VII College".
var institutionLast = foldSet(`school college university academy hospital institute foundation library seminary`)

// aliasAdverbs may stand between the comma and "known as": "commonly known as".
var aliasAdverbs = foldSet(`commonly better also simply popularly locally widely usually often now later formerly previously`)

// aliasOf returns the type of the name that ends right before ", known as" at toks[k]
// ("Adilson Varela, commonly known as Cabral"), or "".
func aliasOf(toks []text.Token, src string, spans []span, k int) string {
	p := k
	if p > 0 && aliasAdverbs[toks[p-1].Norm] && !toks[p].Break {
		p--
	}
	if p == 0 || !toks[p].Break || strings.TrimSpace(src[toks[p-1].End:toks[p].Start]) != "," {
		return ""
	}
	for _, s := range spans {
		if s.To == p && (s.Type == "PER" || s.Type == "LOC" || s.Type == "ORG") {
			return s.Type
		}
	}
	return ""
}

// nicknamed joins a person's name, a nickname in quotation marks and the surname after it
// into one name: William "Cowboy" Cowley, Joaquín "El Chapo" Guzmán. The patterns stop at
// the quotation mark and keep the first names alone, and the surname, which the text then
// uses alone, is lost.
func nicknamed(toks []text.Token, src string, spans []span) []span {
	quote := func(k int) bool { // a quotation mark between toks[k-1] and toks[k]
		return strings.ContainsAny(src[toks[k-1].End:toks[k].Start], "\"“”")
	}
	for k := range spans {
		s := &spans[k]
		if s.Type != "PER" || s.To+2 >= len(toks) || !quote(s.To) || !isNameTok(toks[s.To]) {
			continue
		}
		m := s.To + 1
		for m < len(toks) && m-s.To < 3 && !quote(m) && isNameTok(toks[m]) && !toks[m].Break {
			m++
		}
		if m >= len(toks) || !quote(m) || !isNameTok(toks[m]) || covered(spans, m) {
			continue
		}
		e := m + 1
		if e < len(toks) && !toks[e].Break && isNameTok(toks[e]) && !covered(spans, e) {
			e++
		}
		if e < len(toks) && !toks[e].Break && toks[e].Cap {
			continue // a longer run: not a surname
		}
		if s.Ent == nil {
			s.Name = surfaceOf(src, toks[s.From:e])
		}
		s.Ent, s.To = nil, e
	}
	return spans
}

// possessive reports "'s" right after toks[k], glued ("Howe's") or written apart as a
// tokenized text has it ("Howe 's").
func possessive(toks []text.Token, src string, k int) bool {
	rest := strings.TrimLeft(src[toks[k].End:min(len(src), toks[k].End+5)], " ")
	return strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s")
}

// ownersNotPlaces types as a person a lone word that only a preposition made a place, when
// it owns what follows: "attached to Howe's Brigade", "fought in Grant's Overland
// Campaign". A place a gazetteer does not know is seldom the owner after a preposition; a
// person commanding, founding or holding it is.
func ownersNotPlaces(toks []text.Token, src string, spans []span) []span {
	for k := range spans {
		s := &spans[k]
		if s.Ent != nil || s.Type != "LOC" || s.Conf > 0.45 || s.To-s.From != 1 || !possessive(toks, src, s.From) {
			continue
		}
		s.Type = "PER"
	}
	return spans
}

// bodyHeads are the nouns that head a body named by what it serves or whom it gathers,
// after "of" or "for": "Board of Trade", "Union of Active Struggle", "Department for
// Transport", "Society of Scientific Help for Girls", "Knights of Labor". The
// capitalised words after them are common words as often as not, which say nothing
// alone; the head says what the whole is.
var bodyHeads = foldSet(`board union society court commission league organization organisation agency authority
	bureau department ministry office council committee institute university college academy school federation
	association confederation alliance coalition guild brotherhood sisterhood fellowship knights foundation trust
	fund corporation company bank army navy corps assembly congress parliament chamber commonwealth`)

// bodiesOf types as an organisation a body head (bodyHeads), capitalised, then "of" or
// "for", an optional "the" and a capitalised complement, with the capitalised words
// before the head ("D.C. Court of Appeals", "British Commonwealth of Nations"). Words
// joined by connectors, "for" or "and" stay in the complement ("Ministry of Culture
// and Tourism"). A complement that is a body of its own after "of the" is that body's
// ("Division of the IV Corps", see bodyAfter), and one holding a body or a person is no
// complement ("the League for FC Basel"); a known name over the head stands.
func bodiesOf(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var drop map[int]bool
	var added []span
	for i := 0; i+2 < len(toks); i++ {
		h := toks[i]
		if !h.Cap || h.Upper || !bodyHeads[h.Norm] {
			continue
		}
		of := toks[i+1]
		if of.Break || of.Cap || of.Norm != "of" && of.Norm != "for" {
			continue
		}
		k := i + 2
		if toks[k].Norm == "the" && !toks[k].Cap && k+1 < len(toks) && !toks[k+1].Break {
			if bodyAfter(toks, k+1) {
				continue
			}
			k++
		}
		if toks[k].Break || !isNameTok(toks[k]) {
			continue
		}
		e := nameRunEnd(toks, k)
		for e+1 < len(toks) && !toks[e].Break && !toks[e].Cap && (toks[e].Norm == "and" || toks[e].Norm == "for") &&
			!toks[e+1].Break && isNameTok(toks[e+1]) && !covered(spans, e+1) {
			e = nameRunEnd(toks, e+1)
		}
		from := i
		for from > 0 && !toks[from].Break && (isNameTok(toks[from-1]) || toks[from-1].Upper) && !text.IsStopwordAny(toks[from-1].Norm) &&
			!(toks[from-1].SentStart && nc.common.has(toks[from-1].Norm)) {
			from--
		}
		// A known name over the head stands; a name reaching past the end leaves the
		// words to it; one reaching in front of the run only trims it.
		ok := true
		var inside []int
		for si, s := range spans {
			if s.To <= from || s.From >= e {
				continue
			}
			switch {
			case s.From <= i && s.To > i && s.Ent != nil, s.To > e,
				s.From > i && (s.Type == "ORG" || s.Type == "PER"): // "the League for FC Basel"
				ok = false
			case s.From < from:
				from = s.To
			}
			inside = append(inside, si)
		}
		if !ok || from > i {
			i = e - 1
			continue
		}
		if len(inside) == 1 && spans[inside[0]].From == from && spans[inside[0]].To == e && spans[inside[0]].Type == "ORG" {
			i = e - 1
			continue // already so
		}
		if drop == nil {
			drop = map[int]bool{}
		}
		for _, si := range inside {
			if spans[si].From >= from {
				drop[si] = true
			}
		}
		added = append(added, span{From: from, To: e, Type: "ORG", Conf: 0.55, Name: surfaceOf(src, toks[from:e])})
		i = e - 1
	}
	if len(added) == 0 {
		return spans
	}
	return replaceSpans(spans, drop, added)
}

// partyRoles are the lower-case words for a party's people and bodies, which its name
// comes right before: "a Labour MP", "the Liberal caucus", "Fine Gael TDs", "the
// Liberal-Labour candidate", "a One Nation member", "the Labor or Liberal parties".
var partyRoles = foldSet(`mp mps mpp mpps mla mlas mep meps msp msps td tds candidate candidates caucus backbencher
	backbenchers frontbencher councillor councillors councilor councilors senator senators congressman congresswoman
	lawmaker lawmakers legislator legislators parliamentarian parliamentarians parties`)

// partiesBeforeRoles types as a party the capitalised words right before a party role
// (partyRoles) that nothing else typed: a party's name alone is a common adjective or
// noun as often as not ("Liberal", "Labor", "One Nation"), which the role disambiguates.
// Words before it that say where the party is ("Western Australian Labor MP") are not
// its name; a place, a people or a person before the role is no party ("a British MP",
// "an Ontario MPP", "Senator Smith").
func partiesBeforeRoles(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var added []span
	var drop map[int]bool
	for k := 1; k < len(toks); k++ {
		r := toks[k]
		w := src[r.Start:r.End]
		// lower case, or an acronym ("MP", "TDs"), which the patterns may have taken
		// into the name before it ("Fianna Fail TDs")
		acr := len(w) >= 2 && w[0] >= 'A' && w[0] <= 'Z' && w[1] >= 'A' && w[1] <= 'Z'
		if r.Cap && !acr || r.Break || !partyRoles[r.Norm] {
			continue
		}
		// A guess over the party's words, or over them and the role ("Fianna Fail TDs"),
		// gives way; a person's name does not ("Jane Doe MP", "Jones MP").
		guess := -1
		for si, s := range spans {
			if (s.To == k || acr && s.To == k+1) && s.From < k && s.Ent == nil && s.Type != "ORG" &&
				!nc.isGivenName(toks[s.From].Norm) && !(s.Type == "PER" && s.From == k-1) {
				guess = si
			}
		}
		ends := []int{k}
		// "the Labor or Liberal parties": each party of the pair
		if r.Norm == "parties" && k >= 3 && listConjunctions[toks[k-2].Norm] && !toks[k-2].Cap && !toks[k-1].Break && !toks[k-2].Break {
			ends = append(ends, k-2)
		}
		for _, e := range ends {
			a := e
			for a > 0 && !toks[a].Break && isNameTok(toks[a-1]) {
				a--
			}
			for a < e && (isDemonym(toks[a].Norm) || compass[toks[a].Norm] || placeQualifiers[toks[a].Norm] || text.IsStopwordAny(toks[a].Norm) ||
				toks[a].SentStart && nc.common.has(toks[a].Norm)) {
				a++
			}
			if a == e || honorifics[toks[a].Norm] || roles[toks[a].Norm] || overlapsAny(added, a, e) {
				continue
			}
			blocked := false
			for si, s := range spans {
				if s.From < e && s.To > a && !(si == guess && s.From >= a) {
					blocked = true
				}
			}
			if blocked {
				continue
			}
			if e == k && guess >= 0 {
				if drop == nil {
					drop = map[int]bool{}
				}
				drop[guess] = true
			}
			added = append(added, span{From: a, To: e, Type: "ORG", Conf: 0.5, Name: surfaceOf(src, toks[a:e])})
		}
	}
	if len(added) == 0 {
		return spans
	}
	return replaceSpans(spans, drop, added)
}

// possessiveBodies types as one organisation a body named for whom it belongs to: a
// capitalised owner, a possessive and a capitalised name ending in an organisation word
// (orgLast): "South Wales Miners' Federation", "Austrian People 's Party", "Howe's
// Brigade". The patterns stop at the apostrophe and keep the places inside ("Wales").
// An owner the knowledge base knows on its own is a place or a person the body is
// said to belong to, not part of its name ("Britain's Labour Party"); an owner that is
// a body has its own name ("the BBC's Pebble Mill Studios").
func possessiveBodies(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var rw spanRewrite
	for o := 0; o+1 < len(toks); o++ {
		if !isNameTok(toks[o]) {
			continue
		}
		j := o + 1
		switch gap := strings.TrimSpace(src[toks[o].End:toks[j].Start]); {
		case gap == "'s" || gap == "’s":
		case (gap == "'" || gap == "’") && toks[j].Norm == "s" && !toks[j].Cap && j+1 < len(toks): // "People 's" as a tokenizer splits it
			j++
		case gap == "'" || gap == "’": // a plural's: "Miners' Federation"
			if !plural(toks[o].Norm) {
				continue
			}
		default:
			continue
		}
		if !isNameTok(toks[j]) || !toks[j].Break && j == o+1 {
			continue
		}
		e := nameRunEnd(toks, j)
		if !orgLast[toks[e-1].Norm] {
			continue
		}
		a := o
		for a > 0 && !toks[a].Break && isNameTok(toks[a-1]) {
			a--
		}
		for a < o && (text.IsStopwordAny(toks[a].Norm) || toks[a].SentStart && nc.common.has(toks[a].Norm)) {
			a++
		}
		if a == o && text.IsStopwordAny(toks[a].Norm) {
			continue
		}
		// A known owner, or a body: "Britain's Labour Party", "the BBC's Pebble Mill Studios".
		inside, ok := spansWithin(spans, a, e, func(s span) bool {
			return s.From == a && s.To == o+1 && (s.Ent != nil || s.Type == "ORG")
		})
		if !ok || len(inside) == 1 && spans[inside[0]].From == a && spans[inside[0]].To == e && spans[inside[0]].Type == "ORG" {
			continue
		}
		rw.replace(inside, span{From: a, To: e, Type: "ORG", Conf: 0.55, Name: surfaceOf(src, toks[a:e])})
		o = e - 1
	}
	return rw.apply(spans)
}

// memberRoles are the lower-case words for the people and parts of a body, which its
// name follows after "of" (or "for", for spokespeople): "chief executive of Lyft", "a
// founding member of Pearl Jam", "a spokesman for Telstra", "a subsidiary of Nyrstar".
var memberRoles = foldSet(`ceo cfo coo cto executive chairman chairwoman chairperson founder co-founder cofounder
	director directors spokesman spokeswoman spokesperson member members owner owners shareholder shareholders
	employee employees subsidiary subsidiaries`)

// bodiesAfterRoles types as an organisation the capitalised name after a member role
// (memberRoles) and "of" or "for" that no known name covers: the role says what the
// name is better than its words, which may read as a person's ("Pearl Jam") or say
// nothing ("Vudu"). A name the knowledge base knows keeps its type ("director of
// France Télévisions" may be known, "president of France" is not a role here); an
// owner before a possessive is one's, not the body ("member of John Smith's staff").
func bodiesAfterRoles(toks []text.Token, src string, spans []span) []span {
	var rw spanRewrite
	for k := 2; k < len(toks); k++ {
		r, p := toks[k-2], toks[k-1]
		if r.Cap && !r.Upper || r.Break && k > 2 || p.Cap || p.Break || toks[k].Break || !memberRoles[r.Norm] ||
			p.Norm != "of" && !(p.Norm == "for" && strings.HasPrefix(r.Norm, "spokes")) {
			continue
		}
		from := k
		if toks[from].Norm == "the" && !toks[from].Cap && from+1 < len(toks) && !toks[from+1].Break {
			from++
		}
		if !isNameTok(toks[from]) {
			continue
		}
		e := nameRunEnd(toks, from)
		if possessive(toks, src, e-1) || e == from+1 && isDemonym(toks[from].Norm) { // "a member of Romanian origin"
			continue
		}
		inside, ok := spansWithin(spans, from, e, func(s span) bool { return s.Ent != nil || s.Type == "ORG" })
		if !ok {
			continue
		}
		rw.replace(inside, span{From: from, To: e, Type: "ORG", Conf: 0.5, Name: surfaceOf(src, toks[from:e])})
		k = e
	}
	return rw.apply(spans)
}

// ampersandNames widens an organisation's name over the capitals joined to its first word
// by an ampersand with no space: "A&M Records", "P&O Ferries", "AT&T Inc", where the
// patterns, which take "&" for a break, kept "M Records". Written so, the letters are
// initials of the firm's founders or of its trade, part of the name.
func ampersandNames(toks []text.Token, src string, spans []span) []span {
	for k := range spans {
		s := &spans[k]
		if s.Ent != nil || s.Type != "ORG" {
			continue
		}
		from := s.From
		for from > 0 && src[toks[from-1].End:toks[from].Start] == "&" && toks[from-1].Letters &&
			strings.ToUpper(src[toks[from-1].Start:toks[from-1].End]) == src[toks[from-1].Start:toks[from-1].End] &&
			(k == 0 || spans[k-1].To < from) {
			from--
		}
		if from < s.From {
			s.From, s.Name = from, surfaceOf(src, toks[from:s.To])
		}
	}
	return spans
}

// teamRoles are the lower-case words for a team's people after its name: "Braves manager
// Bobby Cox", "Lakers coach", "Yankees pitcher".
var teamRoles = foldSet(`manager coach coaches owner owners chairman captain pitcher pitchers catcher outfielder
	infielder shortstop quarterback linebacker goalkeeper goaltender striker midfielder defender winger forward
	teammate teammates players fans supporters roster squad`)

// teamsBeforeRoles types as a team a capitalised plural that nothing typed, right before
// a team role (teamRoles): "Braves manager Fredi González", "Falcons quarterback". A
// nickname in the plural is how English names a team ("the Braves"), and the role
// says it is one where no "the" stands before it. Not a people ("Americans fans").
func teamsBeforeRoles(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var added []span
	for k := 1; k+1 < len(toks); k++ {
		t, r := toks[k], toks[k+1]
		if !isNameTok(t) || t.Upper || r.Cap || r.Break || !teamRoles[r.Norm] || !plural(t.Norm) || isDemonym(strings.TrimSuffix(t.Norm, "s")) ||
			nc.lower[t.Norm] || t.SentStart && nc.common.has(t.Norm) || covered(spans, k) {
			continue
		}
		a := k
		if a > 0 && !toks[a].Break && isNameTok(toks[a-1]) && !toks[a-1].SentStart && !covered(spans, a-1) {
			a-- // "Red Sox", "Maple Leafs"
		}
		added = append(added, span{From: a, To: k + 1, Type: "ORG", Conf: 0.5, Name: surfaceOf(src, toks[a:k+1])})
	}
	if len(added) == 0 {
		return spans
	}
	return replaceSpans(spans, nil, added)
}

// leadingAcronym reports an acronym of letters as a sentence's first word, followed by a
// lower-case word ("IUPAC allows", "BIRT is a division"): English capitalises a first word,
// not all its letters, so the capitals say what they say anywhere else. Not a dateline
// ("DOUMA, Syria", "KABUL -"), nor a common word in capitals ("THE", "CEO").
func leadingAcronym(toks []text.Token, i int) bool {
	t := toks[i]
	return t.Upper && !commonAcronyms[t.Norm] && !text.IsStopwordAny(t.Norm) && i+1 < len(toks) &&
		!toks[i+1].Break && !toks[i+1].Cap && toks[i+1].Letters
}
