package entity

import (
	"strings"
	"unicode"

	"wirewatch/internal/text"
)

// Evidence of a place: a preposition before a lone name, words that end or start a place's
// name, qualifiers that make a bigger place of a place, lower-case geographic head nouns
// before a name ("mer Égée", "реки Янцзы") and Russian place adjectives before a
// geographic noun ("Карибском море").

// prepositions before a lone capitalised word that make it a place.
var placePreps = foldSet(`in at near from to into across à au aux en dans près vers depuis в во из под над около возле близ вблизи до на через`)

// isPlacePrep reports a preposition before a place; French "à" folds to the English
// article "a", so it counts only written with its accent.
func isPlacePrep(t text.Token, src string) bool {
	if t.Norm == "a" {
		return src[t.Start:t.End] != "a" && src[t.Start:t.End] != "A"
	}
	return placePreps[t.Norm]
}

// locLast and locFirst mark places: rivers, mountains, islands, streets, administrative units.
var locLast = foldSet(`
river lake mountains mountain mount island islands sea ocean bay gulf strait peninsula desert
valley county province region district state territory republic street avenue road square
park canyon falls hills coast city town village airport
pond brook creek stream beach plateau junction parish harbour harbor ave lane boulevard
empire kingdom peninsula highlands lowlands marsh glacier reservoir canal railroad railway
`)

var locFirst = foldSet(`
mount lake cape gulf isle fort port saint st san santa sankt county camp kreis
mont lac cap golfe île ile rue place saint sainte
гора река озеро остров мыс залив улица площадь
`)

// facilityLast ends the name of a building or a ground ("Turner Field", "Madison Square
// Garden", "Pocono Raceway"): places, as news-NER conventions have it. Weaker than a
// person's first name before it only for "Hall" (Carnegie Hall, Arsenio Hall), not listed.
var facilityLast = foldSet(`
field stadium arena garden gardens playground raceway speedway oval rink auditorium
airport station bridge tower castle palace cathedral abbey temple mosque necropolis base
stade aéroport gare pont tour château palais cathédrale
стадион аэропорт вокзал мост башня замок дворец собор`)

// buildingLast ends the name of a building, which a guess would otherwise make a person
// ("Carnegie Hall", "Alfred Phillips House"); after a known first name and one word it is
// still a person ("Arsenio Hall"), see chunk.
var buildingLast = foldSet(`hall house hotel inn lodge mill mills manor estate courthouse schoolhouse cave
works farm chapel`)

// directions and qualifiers that make a bigger place of a place ("New Jersey", "North
// Carolina", "Восточная Азия").
var placeQualifiers = func() map[string]bool {
	m := foldSet(`north south east west new upper lower northern southern eastern western central greater great little
nord sud est ouest nouvelle nouveau haute haut basse bas grand grande`)
	for _, w := range strings.Fields(`северная южная восточная западная центральная новая верхняя нижняя средняя малая большая
северный южный восточный западный центральный новый верхний нижний средний малый большой`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// compass words start the names of regions ("West Yorkshire", "Far East", "Северная
// Двина"), in every case form.
var compass = func() map[string]bool {
	m := foldSet(`north south east west northern southern eastern western central far upper lower
nord sud est ouest`)
	for _, w := range strings.Fields(`северная южная восточная западная центральная северный южный восточный западный центральный`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// allQualifiers reports words that all make a bigger place of the place after them.
func allQualifiers(toks []text.Token) bool {
	for _, t := range toks {
		if !placeQualifiers[t.Norm] && !compass[t.Norm] {
			return false
		}
	}
	return true
}

// lowerGeoHeadWords are common nouns that languages writing them in lower case put before
// a place's name: "mer Égée", "détroit de Gibraltar", "lac Léman".
const lowerGeoHeadWords = `mer océan lac mont monts golfe détroit fleuve rivière île îles cap baie massif plateau
désert vallée canal col péninsule presqu'île archipel`

// lowerGeoHeads are lowerGeoHeadWords folded; geoHeadsWritten the same words as written:
// before a name, a head counts only with its accents, since folded it may be a word of
// another language (Turkish "ile" with, in "Azerbaycan ile Ermenistan", is no "île").
var (
	lowerGeoHeads   = foldSet(lowerGeoHeadWords)
	geoHeadsWritten = func() map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(lowerGeoHeadWords) {
			m[w] = true
		}
		return m
	}()
)

// ruGeoHeads are Russian nouns, in every case form, that introduce the name of a place
// written after them, which alone is the name: "реки Янцзы", "остров Тао", "в городах
// Тирасполь и Бендеры", "кладбища Пер-Лашез".
var ruGeoHeads = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`река озеро остров полуостров пролив залив море город село деревня посёлок
		станица гора хребет вулкан пустыня долина планета звезда кладбище монастырь авиабаза аэропорт порт
		провинция область район округ штат графство княжество коммуна столица улица площадь проспект
		рудник урочище местность регион архипелаг аэродром государство царство королевство ханство эмират
		султанат хутор аул кишлак местечко`) {
		for _, f := range ruNounForms(w) {
			m[f] = true
		}
	}
	// "городок" drops its о in the other forms, which inflect does not know.
	for _, w := range strings.Fields(`городах городов острова островах островов реки рек озёра озера
		городок городка городку городком городке`) {
		m[text.Fold(w)] = true
	}
	return m
}()

// anyGeoHead holds every head geoHeads looks for, so that the other words, most of a
// text, cost it one lookup instead of five.
var anyGeoHead = func() map[string]bool {
	m := map[string]bool{}
	for _, set := range []map[string]bool{ruPluralGeoHeads, ruGeoHeads, ruOrgHeads, lowerOrgHeads, lowerGeoHeads} {
		for w := range set {
			m[w] = true
		}
	}
	return m
}()

// geoHeads extends a place or a capitalised word after a lower-case geographic head to
// include the head: "mer Égée", "détroit de Gibraltar"; after an organisation head it makes
// an organisation: "сборной Хорватии".
func geoHeads(toks []text.Token, src string, cover []int, spans []span, drop []bool, added []span) []span {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Cap || cover[i] > 0 || !anyGeoHead[toks[i].Norm] { // "mer Adriatique" may be a known name, head and all
			continue
		}
		typ := "LOC"
		if ruPluralGeoHeads[toks[i].Norm] {
			var listed bool
			if added, listed = ruHeadList(toks, src, i+1, cover, added); listed {
				continue
			}
		}
		if ruGeoHeads[toks[i].Norm] {
			added = ruHeadName(toks, src, i+1, cover, added, "LOC")
			continue
		}
		if ruOrgHeads[toks[i].Norm] {
			added = ruHeadName(toks, src, i+1, cover, added, "ORG")
			continue
		}
		if lowerOrgHeads[toks[i].Norm] {
			typ = "ORG"
		} else if !lowerGeoHeads[toks[i].Norm] || !geoHeadsWritten[strings.ToLower(src[toks[i].Start:toks[i].End])] {
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
		added = append(added, span{From: i, To: end, Type: typ, Conf: 0.6, Name: surfaceOf(src, toks[i:end])})
		i = end - 1
	}
	return added
}

// ruAdjHeads are Russian nouns a place's name ends in after its capitalised adjective, in
// every case form: "Карибском море", "Переяславском уезде", "Эгейских островов".
var ruAdjHeads = func() map[string]bool {
	m := map[string]bool{}
	// "область" is declined as the feminine it is after its adjective: alone, inflect
	// cannot tell it from a masculine -ь noun.
	for _, w := range strings.Fields(`море океан озеро залив пролив остров полуостров хребет нагорье плато уезд край
		район округ губерния волость княжество королевство империя царство ханство каганат халифат султанат`) {
		for _, f := range ruNounForms(w) {
			m[f] = true
		}
	}
	m[text.Fold("область")] = true
	for _, s := range ruSlots {
		m[text.Fold(femSoftForm("область", s))] = true
	}
	for _, w := range strings.Fields(`острова островов островах горы гор горах`) {
		m[text.Fold(w)] = true
	}
	return m
}()

// ruAdjPlaces finds the places written as a capitalised adjective and a lower-case
// geographic noun ("Южно-Китайское море"): the pair is the place, in place of a town or a
// guess over the adjective alone.
func ruAdjPlaces(toks []text.Token, src string, cover []int, spans []span, drop []bool, added []span) []span {
	for i := 0; i+1 < len(toks); i++ {
		t, h := toks[i], toks[i+1]
		if !t.Cap || t.Upper || h.Cap || h.Break || !ruAdjHeads[h.Norm] || text.ScriptOf(t.Norm) != text.Cyrillic {
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
			// A known name of the adjective and its head ("Калининградская область",
			// "Краснодарском крае") stands: it is the place, with its ID.
			if s := spans[c-1]; s.From == from && s.To >= i+2 {
				i = s.To - 1
				continue
			}
			drop[c-1] = true
		}
		added = dropOverlaps(added, from, i+1) // a guess over the adjective
		added = append(added, span{From: from, To: i + 2, Type: "LOC", Conf: 0.6, Name: surfaceOf(src, toks[from:i+2])})
		i++
	}
	return added
}

// ruHeadName makes places (or organisations) of the capitalised names from k on, after a
// Russian head noun: each run of capitalised words up to punctuation, and another after "и". A name
// the knowledge base already knows stands as it is; a pattern name over the same words
// gives way.
func ruHeadName(toks []text.Token, src string, k int, cover []int, added []span, typ string) []span {
	if k >= len(toks) || text.ScriptOf(toks[k-1].Norm) != text.Cyrillic {
		return added
	}
	for k < len(toks) && toks[k].Cap && !toks[k].Break && (typ == "ORG" || text.ScriptOf(toks[k].Norm) == text.Cyrillic) {
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
			added = append(added, span{From: k, To: end, Type: typ, Conf: 0.6, Name: surfaceOf(src, toks[k:end])})
		}
		if end+1 < len(toks) && toks[end].Norm == "и" && !toks[end].Break {
			k = end + 1
			continue
		}
		break
	}
	return added
}

// determiners are the articles and possessives of a language; a town's name takes none
// ("les mets", "the rest"), unless the article is part of the name (Le Havre, The Hague).
var determiners = map[string]map[string]bool{
	"en": foldSet(`the a an this that these those my your his her its our their`),
	"fr": foldSet(`le la les l un une des du ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs`),
}

// minExonymPop is the population above which a town's alternate name that is also a
// common word is taken for the town even at a sentence start: the world's great cities
// open news sentences under their exonyms ("Londres a annoncé", "Pékin répond"), which a
// dictionary may also list as rare words (londrès, a cigar; pékin, a civilian).
const minExonymPop = 1000000

// dropCommonAlternates drops the one-word gazetteer towns matched only by an untagged
// alternate name (see alias.alternate) that is a common word of the article's language,
// where the text gives the capital another reason: a sentence start ("Mets de la crème",
// the verb; Metz's Lorraine name) or a determiner before it ("les Mets régionaux", the
// dishes). A town's own name ("Tours", "Nice", "Orange") and a name tagged with a
// language are not touched: their capital is the evidence, as for any place.
func dropCommonAlternates(toks []text.Token, src string, spans []span, nc nameContext) []span {
	if len(nc.langWords) == 0 {
		return spans
	}
	dets := determiners[nc.lang]
	keep := spans[:0]
	for _, s := range spans {
		if s.Alternate && s.To-s.From == 1 && s.Ent != nil && s.Ent.Src == srcCity && nc.langWords.has(toks[s.From].Norm) {
			t := toks[s.From]
			sentStart := t.SentStart && s.Ent.Pop < minExonymPop
			afterDet := s.From > 0 && !t.Break && dets[toks[s.From-1].Norm] && !isPlacePrep(toks[s.From-1], src)
			if sentStart || afterDet {
				continue
			}
		}
		keep = append(keep, s)
	}
	return keep
}

// ruNounForms are a Russian common noun's case forms, folded: inflect's, and for a neuter
// noun in -о, which inflect leaves as it is (it declines names, and neuter names such as
// Косово or Бородино are often left undeclined), the singular's forms and the plural's
// oblique ones: "у села", "местечка". Borrowed neuters do not decline (плато).
func ruNounForms(w string) []string {
	var out []string
	for _, f := range inflect([]string{w}, "ru", false) {
		out = append(out, text.Fold(f[0]))
	}
	stem, neuter := strings.CutSuffix(w, "о")
	if len(out) > 1 || !neuter || ruIndeclinable[w] {
		return out
	}
	for _, e := range []string{"а", "у", "ом", "е", "ам", "ами", "ах"} {
		out = append(out, text.Fold(stem+e))
	}
	return out
}

// ruIndeclinable are borrowed neuter nouns of the head lists that keep one form.
var ruIndeclinable = map[string]bool{"плато": true}

// placedWordTowns keeps a town named by an ordinary English word (entity.Word: "Tours",
// "Angers", "Split") only where the text says it is the place, and drops it elsewhere,
// as if the gazetteer did not have it ("the tours of the castle", "Split the bill"):
//   - in a list of places that a preposition of place puts it in, with a place the
//     knowledge base knows by a name that is no word: "in Tours and Cannes", "à Nantes,
//     Angers et Rennes". A preposition alone is not enough ("in Mission", "at Reading
//     the report"), nor a list alone, which may be of things;
//   - before its own country or region after a comma: "Tours, France", "Bath, England",
//     and never before another's;
//   - written with letters no English word has: "Liège", "Pécs" (the gazetteer left
//     them out for "liege", "pecs").
func placedWordTowns(toks []text.Token, src string, spans []span) []span {
	place := func(s span) bool { return s.Type == "LOC" && s.Ent != nil }
	placed := func(k int) bool {
		s := spans[k]
		if w := src[toks[s.From].Start:toks[s.From].End]; strings.ContainsFunc(w, func(r rune) bool { return r > unicode.MaxASCII }) {
			return true
		}
		// A country or region after the comma says which place of the name it is: a
		// town of the gazetteer there, or another one ("Orange, France" is not the
		// gazetteer's Orange in California).
		if n := k + 1; n < len(spans) && spans[n].From == s.To && listComma(toks, src, s.To) && place(spans[n]) &&
			!spans[n].Ent.Word && spans[n].Ent.Src != srcCity {
			return spans[n].Ent.Country == s.Ent.Country
		}
		a, b := k, k // the list of places around the town
		for a > 0 && place(spans[a-1]) && listNext(toks, src, spans[a-1], spans[a]) {
			a--
		}
		for b+1 < len(spans) && place(spans[b+1]) && listNext(toks, src, spans[b], spans[b+1]) {
			b++
		}
		first := spans[a].From
		if first == 0 || toks[first].Break || !isPlacePrep(toks[first-1], src) {
			return false
		}
		for n := a; n <= b; n++ {
			if n != k && !spans[n].Ent.Word {
				return true
			}
		}
		return false
	}
	var drop []int
	for k, s := range spans {
		if s.Ent != nil && s.Ent.Word && !placed(k) {
			drop = append(drop, k)
		}
	}
	if len(drop) == 0 {
		return spans
	}
	keep := spans[:0]
	for k, s := range spans {
		if len(drop) > 0 && drop[0] == k {
			drop = drop[1:]
			continue
		}
		keep = append(keep, s)
	}
	return keep
}
