package entity

import (
	"wirewatch/internal/text"
)

// French evidence that the shared patterns (chunk.go) and the French institution heads
// (frOrgNames, frTeams in orgs.go) do not weigh, run over a French field after them
// (findUnknown):
//
//   - an article before a name of several words: French writes no article before a
//     person's name nor a town's ("Marc Dupont", "à Grenoble"), but does before a club, a
//     party or a company ("au Grenoble Foot 38", "le Sinn Féin", "du Ku Klux Klan"). So a
//     name of two or more words right after a lower-case masculine article, that no country,
//     region or curated name covers whole, is a body (frArticleBodies);
//   - an English common word starting a name: French text keeps the English names of
//     bands, films, games and brands ("Soft Cell", "Magic Mike", "Black Ops"), whose first
//     word is an English word; an English-speaking person's first name is listed, or no
//     common word (frEnglishWord, read by chunk);
//   - a French function word is no town, though some gazetteer town bears it as a name
//     (frFunctionWordTowns);
//   - "Les" and "Des" start no person's name: they are English first names, but the
//     French plural articles (frNoArticlePeople);
//   - a particle inside a person's name: "Gaspar Aquino de Belen", "Carlos Salinas de
//     Gortari", "John Hasbrouck van Vleck" are one name each, where "David Gilmour de Pink
//     Floyd" is a person and what he belongs to (frParticle, read by chunk).

// frenchEvidence applies the French evidence above to the names found in a French field.
func frenchEvidence(toks []text.Token, src string, spans []span, nc nameContext) []span {
	return frArticleBodies(toks, src, frNoArticlePeople(toks, frFunctionWordTowns(toks, spans)), nc)
}

// frFunctionWordTowns drops the gazetteer towns of one word that is a French function
// word: capitalised at a sentence's start, "Alors", "Ainsi", "Selon" are the words, not
// the towns some country has by that name (the gazetteer lists alternate names in every
// language, untagged).
func frFunctionWordTowns(toks []text.Token, spans []span) []span {
	keep := spans[:0]
	for _, s := range spans {
		if !(s.To-s.From == 1 && s.weakPlace() && text.IsStopword("fr", toks[s.From].Norm)) {
			keep = append(keep, s)
		}
	}
	return keep
}

// frNoArticlePeople drops the people's names the patterns found starting with "Les" or
// "Des": English first names (Leslie, Desmond) that in French text are the plural
// articles, which start a title ("Les Amants du Capricorne") and never a person's name.
func frNoArticlePeople(toks []text.Token, spans []span) []span {
	keep := spans[:0]
	for _, s := range spans {
		if w := toks[s.From].Norm; !(s.Type == "PER" && s.Ent == nil && (w == "les" || w == "des")) {
			keep = append(keep, s)
		}
	}
	return keep
}

// frBodyArticles are the lower-case masculine singular articles, bare and joined to "à"
// and "de", that go before a club's, a party's or a company's name. Feminine "la" goes
// before rivers, regions and countries as much ("la Nouvelle-Écosse"); "l'" before
// regions ("l'Ontario"); plural "les", "des", "aux" before islands and peoples.
var frBodyArticles = foldSet(`le au du`)

// frArticleBodies types as an organisation the names of two or more words after a
// masculine article (see above). The words of the name must not say what else it is: no
// first name (a person's title was dropped before it: "le Tyrone Booze" is one), no place
// or building word ("le Cap Hatteras", "du Mont Blanc", "le Vieux Port"), no event word
// ("du Grand Prix"), nor function words alone. A first name inside ends the name ("au
// Vicence Calcio Roberto Murgita"). A country, region or other curated name over the
// whole run stands ("au Costa Rica", "le New Jersey"); a gazetteer town inside gives way
// ("au PEC Zwolle").
func frArticleBodies(toks []text.Token, src string, spans []span, nc nameContext) []span {
	var rw spanRewrite
	for k := 0; k+2 < len(toks); k++ {
		a := toks[k]
		if a.Cap || !frBodyArticles[a.Norm] || toks[k+1].Break || !isNameTok(toks[k+1]) {
			continue
		}
		from, to := k+1, k+2
		for to < len(toks) && !toks[to].Break && isNameTok(toks[to]) && !(to > from+1 && nc.isGivenName(toks[to].Norm)) {
			to++
		}
		// "au Grenoble Foot 38": a club's number ends its name
		if to < len(toks) && !toks[to].Break && number(toks[to].Norm) && len(toks[to].Norm) <= 3 {
			to++
		}
		words := 0 // a hyphenated compound ("Nouveau-Brunswick") is one word
		for m := from; m < to; m++ {
			if !toks[m].Hyph {
				words++
			}
		}
		if words < 2 || !frBodyName(toks[from:to], nc) {
			continue
		}
		// The names inside must all lie within the run, and none may be a name the
		// knowledge base knows better than a gazetteer town, nor a body found already.
		inside, ok := spansWithin(spans, from, to, func(s span) bool {
			return s.Type == "ORG" || s.Ent != nil && (!s.weakPlace() || s.From == from && s.To == to)
		})
		if !ok {
			continue
		}
		rw.replace(inside, span{From: from, To: to, Type: "ORG", Conf: 0.5, Name: surfaceOf(src, toks[from:to])})
		k = to - 1
	}
	return rw.apply(spans)
}

// frBodyName reports words that may name a body after an article: none of them a first
// name, a title, a place, building or event word, and not all function words (nor all
// common words, where the language has a list).
func frBodyName(words []text.Token, nc nameContext) bool {
	first, last := words[0].Norm, words[len(words)-1].Norm
	if nc.isGivenName(first) || honorifics[first] || roles[first] || locFirst[first] || lowerGeoHeads[first] ||
		placeQualifiers[first] || compass[first] || eventFirst[first] || facilityLast[first] || isDemonym(first) {
		return false
	}
	if locLast[last] || facilityLast[last] || buildingLast[last] || eventLast[last] || compass[last] {
		return false
	}
	for _, w := range words {
		if !w.Hyph && (w.Letters && !nc.common.has(w.Norm) && !text.IsStopwordAny(w.Norm) || !w.Letters) {
			return true
		}
	}
	return false
}

// frEnglishWord reports an English common word in French text: a name starting with one
// is a title, a band or a brand (see above). The list leaves out the words that are also
// names ("Rose", "Young", "Park").
func (nc nameContext) frEnglishWord(w string) bool {
	return nc.enWords.has(w)
}

// frParticles are the particles of family names; "van" and "von" are no French words at
// all, so they always are.
var frParticles = foldSet(`de d du van von`)

// frParticle reports, in French text, that the connector toks[k] inside the run
// toks[:j] that starts with a first name is a particle of the person's name, not "de"
// before what the person belongs to: "van" or "von", or "de" before one last word that
// is no acronym and that the knowledge base knows at most as a gazetteer town ("de
// Belen", "de Boisduval"). A band, a club or a company after "de" is named in more
// words or known ("de Pink Floyd", "des Rays", "de LVMH").
func (f *fieldNames) frParticle(k, j int) bool {
	toks := f.toks
	if f.nc.lang != "fr" || !frParticles[toks[k].Norm] {
		return false
	}
	if toks[k].Norm == "van" || toks[k].Norm == "von" {
		return true
	}
	for m := k + 1; m < j; m++ {
		if m > k+1 && !toks[m].Hyph || toks[m].Upper {
			return false
		}
		if c := f.cover[m]; c > 0 && !f.spans[c-1].weakPlace() {
			return false
		}
	}
	return true
}

// frTeamOwner reports a word the knowledge base does not know that may start the town,
// state or school a club's nickname belongs to ("les Warriors de Golden State", "les
// Hurricanes de la Caroline", "les Trojans d'USC"), see frTeams: a name, not a function
// word capitalised as part of a title ("les Fables de La Fontaine"), a compass point,
// a place qualifier ("les Moluques du Nord") nor the head of an institution's name.
func frTeamOwner(t text.Token) bool {
	// not "les Lotte Giants de l'Organisation coréenne de baseball": that is the league
	return isNameTok(t) && !connectors[t.Norm] && !text.IsStopwordAny(t.Norm) && !compass[t.Norm] && !placeQualifiers[t.Norm] &&
		!frOrgHeads[t.Norm]
}
