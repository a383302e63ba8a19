package entity

import (
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// chunk types one capitalised run toks[i:j] of the field and appends its name, if any, to
// f.added.
func (f *fieldNames) chunk(i, j int) {
	toks, src, spans, cover, drop, nc := f.toks, f.src, f.spans, f.cover, f.drop, f.nc
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
		// "General Motors", "National Bank", "Chairman Records": a run ending in a company
		// word is the company's name, title word and all; so is an English institution
		// named after a titled person ("Bishop Garrigan High School", institutionLast).
		// "Major" before a first name is a rank ("Major Peter Quance").
		// "St. Louis Cardinals", "General Santos": a place the knowledge base knows by a
		// name starting with the title word keeps it.
		if (honorifics[t.Norm] || t.Norm == "major" && i+1 < j && (toks[i+1].Norm == "general" || nc.lang == "en" && listedFirstName(toks[i+1].Norm))) &&
			!(j-i >= 2 && companyLast(toks[j-1].Norm)) && !(nc.lang == "en" && j-i >= 3 && institutionLast[toks[j-1].Norm]) &&
			!(cover[i] > 0 && spans[cover[i]-1].From == i && spans[cover[i]-1].To > i+1 && spans[cover[i]-1].Type == "LOC") {
			titled = true
			i++
			continue
		}
		if nc.deLeadingNoun(toks, i, j, cover) {
			titled = titled || deTitle(t.Norm) || deArticles[t.Norm]
			i++
			continue
		}
		// "Mayor of Ottawa", "King of Thailand": what follows a title and a connector is
		// the place or body the title belongs to, not a person.
		if isConnector(t) && !t.Cap && !articlePrefix(toks, i) {
			titled = false
			i++
			continue
		}
		if t.SentStart && text.IsStopwordAny(t.Norm) {
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
		if t.SentStart && j-i > 1 && cover[i] == 0 && text.ScriptOf(t.Norm) == text.Cyrillic && !givenNames[t.Norm] &&
			!toks[i+1].Hyph && !articlePrefix(toks, i+1) && !orgFirst[t.Norm] && !locFirst[t.Norm] && !eventFirst[t.Norm] && !placeQualifiers[t.Norm] && !surnameLike(t.Norm) {
			i++
			continue
		}
		break
	}
	for j > i && isConnector(toks[j-1]) {
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
	// So does a title before the run's last two words when they look like a first name
	// and a surname, though the first is no listed name ("Senate Majority Leader Chuck
	// Schumer"): the last a word no dictionary has, and no word that ends a body, place
	// or event.
	for g := i + 1; g < j-1 && g <= i+3; g++ {
		if honorifics[toks[g].Norm] && !honorifics[toks[i].Norm] && (nc.isGivenName(toks[g+1].Norm) ||
			j-g == 3 && !toks[g+1].Upper && !toks[j-1].Upper && !nc.common.has(toks[j-1].Norm) && !orgLast[toks[j-1].Norm] &&
				!companyLast(toks[j-1].Norm) && !locLast[toks[j-1].Norm] && !eventLast[toks[j-1].Norm] && !institutionLast[toks[j-1].Norm]) {
			i = g + 1
			titled = true
			break
		}
	}
	if i >= j {
		return
	}
	// "МИД России Сергей Лавров", "European Council Charles Michel": a known person's name
	// ending the run stands; the office, body or country glued before it is a name of its
	// own.
	if p := f.knownPersonAtEnd(i, j); p > i {
		f.chunk(i, p)
		return
	}
	if p := f.deKnownPersonFirst(i, j); p > i {
		f.chunk(p, j)
		return
	}
	// "NFL Champion Baltimore Colts", "National Champion Texas Longhorns": a club named by
	// its town and a plural ends the run; the words before it are a name of their own,
	// unless they make a bigger place of the town ("South Sydney Rabbitohs").
	for k := i + 1; k < j-1; k++ {
		if p := toks[k-1].Norm; f.team(k, j) && !connectors[p] && !compass[p] && !placeQualifiers[p] && !isDemonym(p) && !eventLast[toks[j-1].Norm] {
			f.chunk(i, k)
			f.chunk(k, j)
			return
		}
	}
	// "Президент Франції Еммануель Макрон", "Präsident Frankreichs Emmanuel Macron": after
	// a title, a known country or region (in the genitive) is whose title it is, and what
	// follows it is the person.
	if c := cover[i]; titled && c > 0 && spans[c-1].From == i && spans[c-1].To < j && spans[c-1].Type == "LOC" &&
		!spans[c-1].weakPlace() && !connectors[toks[spans[c-1].To].Norm] && !toks[spans[c-1].To].Hyph {
		f.chunk(spans[c-1].To, j)
		return
	}
	if f.ruTitledPlace(i, j, titled) {
		f.added = append(f.added, span{From: i, To: i + 1, Type: "LOC", Conf: 0.45, Name: surfaceOf(src, toks[i:i+1])})
		f.chunk(i+1, j)
		return
	}
	// "David Gilmour de Pink Floyd", "Jeremy Hellickson des Rays": a full name, then a
	// connector and what the person belongs to. ("Charles de Gaulle" has one word before.)
	if givenNames[toks[i].Norm] || nc.isGivenName(toks[i].Norm) && !toks[i].SentStart {
		for k := i + 2; k < j-1; k++ {
			if isConnector(toks[k]) && !toks[k].Cap && !isConnector(toks[k-1]) && !f.frParticle(k, j) {
				f.chunk(k+1, j)
				j = k
				break
			}
		}
	}
	// "Chittoor District of Andhra Pradesh", "Kreis X of Y": a place word before a
	// connector closes a place; what follows is the bigger place it is in.
	for k := i + 1; k < j-1; k++ {
		if isConnector(toks[k]) && !toks[k].Cap && locLast[toks[k-1].Norm] {
			f.chunk(k+1, j)
			j = k
			break
		}
	}
	// Russian writes a place in a case form and a name side by side ("в Хорватии Туджман",
	// "в Лондоне Ингрид Бергман"); the place stands and what follows is a name of its own.
	if c := cover[i]; c > 0 && spans[c-1].From == i && spans[c-1].To < j && spans[c-1].Type == "LOC" &&
		text.ScriptOf(toks[i].Norm) == text.Cyrillic && len(nc.ruWords) > 0 && !placeQualifiers[toks[i].Norm] && !compass[toks[i].Norm] &&
		!titled && !(nc.isGivenName(toks[i].Norm) && !(i > 0 && isPlacePrep(toks[i-1], src))) {
		k := spans[c-1].To
		if cover[k] == 0 && !isConnector(toks[k]) && !toks[k].Hyph && (nc.isGivenName(toks[k].Norm) || surnameLike(toks[j-1].Norm)) {
			f.chunk(k, j)
			return
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
	// "Zəngəzur dəhlizi", "ATƏT-in Minsk qrupu", "Rusiya sülhməramlı kontingenti": a
	// known name that goes on past the run into lower-case words is named after the run's
	// words, which qualify its head; they are no name of their own there (by its skeleton
	// the run was Syunik, Minsk Region, Russia beside the known name). A place that ends a
	// known name is named still ("Beobachtermission in Armenien"), and so is the place a
	// gazetteer feature is named after ("the Baja California peninsula").
	if c := cover[i]; c > 0 && exact < 0 {
		if s := spans[c-1]; s.Ent != nil && !s.weakPlace() && s.From <= i && s.To > j {
			return
		}
	}
	// Armenian puts a place beside a name with no preposition ("Սարգսյանը Պրահայում", and
	// a sentence's first word: "Պատվիրակությունը Պրահայում"). The locative -ում is a
	// place's case, never a person's (a person takes "-ի մոտ"), so a run whose last word
	// is in it, and no known name holds the two, is two names: the place and what is
	// before it.
	if last := toks[j-1]; exact < 0 && j-i > 1 && !last.Hyph && text.ScriptOf(last.Norm) == text.Armenian &&
		strings.HasSuffix(last.Norm, "ում") && (cover[j-1] == 0 || spans[cover[j-1]-1].From == j-1) {
		f.chunk(i, j-1)
		f.chunk(j-1, j)
		return
	}
	if f.otherBearer(i, j) {
		drop[cover[j-1]-1] = true
		f.added = append(f.added, span{From: i, To: j, Type: "PER", Conf: 0.6, Name: surfaceOf(src, toks[i:j])})
		return
	}
	// "Երեկ Նիկոլ Փաշինյանը Երևանում", "Nikol Pashinyan Yerevan": a run made end to end
	// of two or more curated names or countries is those names side by side (the
	// languages that drop no article before a place glue them), not one new name.
	if exact < 0 && f.allKnown(i, j) {
		return
	}
	if exact >= 0 {
		// "Armenia's Security Council", "Russia's Security Council": a body named by common
		// words after a country's possessive is that country's, not the international one
		// the words alone name (the UN's); "Turkey's NATO allies" keep NATO.
		// The owner is part of the name, as in the knowledge base's "Azerbaijan's Foreign
		// Ministry": one country's council is not another's.
		if owner, place := f.possessiveOwner(i); place && spans[exact].Type == "ORG" && spans[exact].Ent != nil &&
			spans[exact].Ent.Country == "" && allCommon(toks[i:j], nc.common) {
			drop[exact], drop[owner] = true, true
			from := spans[owner].From
			f.added = append(f.added, span{From: from, To: j, Type: "ORG", Conf: 0.6, Key: unknownKey(toks[from:j]), Name: surfaceOf(src, toks[from:j])})
			return
		}
		// "диктатор Франко", "composer Holst": an occupation before a lone word makes it
		// the person, where a gazetteer has a town of that name.
		if s := spans[exact]; titled && n == 1 && s.weakPlace() {
			drop[exact] = true
			f.added = append(f.added, span{From: i, To: j, Type: "PER", Conf: 0.6, Name: surfaceOf(src, toks[i:j])})
			return
		}
		if s := spans[exact]; n == 1 && s.weakPlace() && sportClub(first.Norm) {
			drop[exact] = true
			f.added = append(f.added, span{From: i, To: j, Type: "ORG", Conf: 0.6, Name: surfaceOf(src, toks[i:j])})
			return
		}
		return
	}
	// "Aras River", "Danube River": a known river, lake or range and the English word for
	// its kind is that feature, head and all.
	if c := cover[i]; c > 0 && j-i >= 2 && featureHeads[last.Norm] && spans[c-1].From == i && spans[c-1].To == j-1 && spans[c-1].feature() {
		drop[c-1] = true
		s := spans[c-1]
		f.added = append(f.added, span{From: i, To: j, Ent: s.Ent, Type: s.Type, Conf: s.Conf})
		return
	}
	// "Flyers de Philadelphie", "Bank of America", "Dinamo Zagreb"-style "X of PLACE": a
	// name built on a place that is not itself a place word is an institution or a team.
	// The place may be followed by more of its name ("Lightning de Tampa Bay") and be
	// introduced by two connectors ("Panthers de la Floride").
	ofPlace := false
	if n >= 3 && cover[i] == 0 && !nc.isGivenName(first.Norm) && !facilityLast[first.Norm] && !lowerGeoHeads[first.Norm] && !placeQualifiers[first.Norm] {
		for h := i + 1; h+1 < j; h++ {
			if !isConnector(toks[h]) {
				continue
			}
			p := h + 1
			if p+1 < j && isConnector(toks[p]) {
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
		if (orgLast[toks[k].Norm] || orgFirst[toks[k].Norm]) && isConnector(toks[k+1]) {
			orgInside = true
		}
		// "Major League Baseball", "Turner Broadcasting System"
		if orgLast[toks[k].Norm] && !isConnector(toks[k+1]) && n >= 3 && !nc.isGivenName(first.Norm) {
			orgInside = true
		}
	}
	// "Army of the Potomac", "Ministry of the Interior": an organisation word, then "of
	// the" (the run joins it only so) and the name it serves.
	if n >= 4 && (orgLast[first.Norm] || orgFirst[first.Norm]) && toks[i+1].Norm == "of" && toks[i+2].Norm == "the" {
		orgInside = true
	}
	// "Polish Foreign Minister", "Various Christian": a title or an adjective, not a name.
	if honorifics[last.Norm] || (isDemonym(first.Norm) && cover[i] == 0 && !orgLast[last.Norm] && !eventLast[last.Norm] && !locLast[last.Norm] && !orgInside &&
		!(n > 1 && nc.isGivenName(first.Norm) && !toks[i+1].Hyph && !isDemonym(toks[i+1].Norm))) {
		if n == 1 && isDemonym(first.Norm) && !inside {
			f.added = append(f.added, span{From: i, To: j, Type: "MISC", Conf: 0.5, Name: surfaceOf(src, toks[i:j])})
			return
		}
		if !inside {
			return
		}
	}
	// "New York Yankees", "Boston Red Sox", "Leeds United": a town, then capitalised
	// words that are not places ending in a plural or a club word, is a club.
	team := f.team(i, j)
	typ, conf := "", 0.0
	switch {
	case n == 1 && hyphenLinked(toks[i:j]) && !strong:
		typ, conf = "LOC", 0.5 // "Ростов-на-Дону", "Экс-ан-Прованс", "Châlons-en-Champagne"
	case team, n == 1 && sportClub(first.Norm) && !inside:
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
	case n == 2 && f.nameBeforeTown(i, j) && !titled:
		typ, conf = "ORG", 0.5 // "Dinamo Zagreb", "Feyenoord Rotterdam", "TV Tokyo"
	case n == 2 && nc.lang == "en" && !titled && f.townNickname(i, j):
		typ, conf = "ORG", 0.45 // "Perth Glory", "Miami Heat", "Boston Globe"
	case ofPlace && !locFirst[first.Norm] && !locLast[first.Norm] && !titled:
		typ, conf = "ORG", 0.5
	case titled && !allUpper(toks[i:j]): // after a title an acronym is the body it belongs to ("тренером СКА", "посол СССР")
		typ, conf = "PER", 0.65
	case (locLast[last.Norm] || facilityLast[last.Norm]) && n > 1:
		typ, conf = "LOC", 0.55 // "George Street", "Stave River", "Turner Field"
	case n > 1 && buildingLast[last.Norm] && inside && !strong:
		typ, conf = "LOC", 0.45 // "Carnegie Hall", where a lake is called Carnegie
	case n > 1 && allUpper(toks[i:j]) && text.ScriptOf(first.Norm) == text.Cyrillic:
		typ, conf = "ORG", 0.5 // "МИД СССР", "ЦК РКП": acronyms together name a body
	case nc.deAdjectiveFirst(toks, i, j, cover):
		typ, conf = "ORG", 0.5 // "Europäische Zentralbank", "des Auswärtigen Amtes"
	case n == 2 && !strong && !titled && f.ruAdjectivePlace(i, j):
		typ, conf = "LOC", 0.45 // "в Широкой Куле": an adjective starts no person's name
	case nc.isGivenName(first.Norm) && n > 1 && n <= 4 && !strong && !foreignScript(toks[i:j], nc),
		givenNames[first.Norm] && n == 2 && cover[i] == 0 && !first.SentStart:
		typ, conf = "PER", 0.6 // and "Michael Jordan", "George Washington"
	case locFirst[first.Norm] && n > 1:
		typ, conf = "LOC", 0.55
	case n == 2 && surnameLike(last.Norm) && cover[j-1] == 0 && !strong && !toks[j-1].Hyph:
		typ, conf = "PER", 0.55 // "Stanisław Baranowski", where a town is called Stanisław
	}
	if typ == "" && n == 2 && f.ruNameBeforeTown(i, j) {
		typ, conf = "PER", 0.5
	}
	if typ == "" && inside {
		return // the knowledge-base names inside stand as they are
	}
	// A name the table does not have in this spelling may be a known name in another
	// script or romanisation: Варданян for a user's "Vardanyan", Pachinian for Pashinyan.
	// Not for a Turkish common word a sentence start or a headline capitalises ("Eğer").
	if !inside && (typ == "" || typ == "PER") && !(n == 1 && nc.trCapitalisedWord(first)) {
		if ent, ok := f.kbs.bySkeleton(toks[i:j], nc); ok {
			f.added = append(f.added, span{From: i, To: j, Ent: ent, Type: ent.Type, Conf: 0.7})
			return
		}
	}
	// A lone capitalised word of Ukrainian text that is a case form of a Ukrainian common
	// word is that word where nothing but a position tells a name: a sentence's start
	// ("Батьківщина", "Полюбляють"), or after a preposition, a word capitalised for respect
	// or as a short name ("до Альянсу", "у Саміті"). Inside a sentence otherwise the
	// capital is the evidence: surnames are words too ("Кучми", "Коваля").
	if typ == "" && n == 1 && (first.SentStart || i > 0 && !toks[i].Break && ukPrepositions[toks[i-1].Norm]) &&
		ukCommonWord(nc.ukWords, first.Norm) {
		return
	}
	if typ == "" {
		if first.SentStart && n == 1 && !listedFirstName(first.Norm) && !(nc.lang == "en" && leadingAcronym(toks, i)) &&
			!(text.ScriptOf(first.Norm) == text.Cyrillic && len(nc.ruWords) > 0 && nc.lang != "uk" && j < len(toks) && !toks[j].Cap && !toks[j].Break &&
				!ruCommonWord(nc.ruWords, first.Norm) && !russianAdjective(first.Norm) && !text.IsStopwordAny(first.Norm)) {
			// A capitalised first word says nothing; unless it is no Russian word
			// ("Геродот пишет"). In Ukrainian text most words are no Russian words
			// ("Ситуація", "Водночас"): the Russian dictionary says nothing there.
			return
		}
		if f.ruSurnameAdjective(i, j) {
			f.added = append(f.added, span{From: i, To: j, Type: "PER", Conf: 0.45, Name: surfaceOf(src, toks[i:j])})
			return
		}
		if n == 1 && (text.IsStopwordAny(first.Norm) || russianAdjective(first.Norm) || first.Upper && commonAcronyms[first.Norm]) {
			return
		}
		theTeam := n == 1 && i > 0 && toks[i-1].Norm == "the" && !toks[i].Break && (!first.SentStart || toks[i-1].SentStart) &&
			(plural(first.Norm) && !isDemonym(strings.TrimSuffix(first.Norm, "s")) && (!toks[i-1].Cap || toks[i-1].SentStart) ||
				orgLast[first.Norm] && !buildingLast[first.Norm]) // "the League", "the Senate"
		if !theTeam && (allLower(toks[i:j], nc.lower) || allCommon(toks[i:j], nc.common)) {
			return // "Good Day", "Excursion House": common words, capitalised for a title
		}
		switch {
		case ruArabicName(toks, i, j, nc):
			typ, conf = "PER", 0.45 // "аль-Газали", "Абд аль-Мумин"
		case n == 1 && f.ruPlaceCompound(i, j):
			typ, conf = "LOC", 0.4 // "Квито-Кванавале", "Пер-Лашез"
		case n >= 2 && n <= 3 && clubLast[last.Norm] && !nc.isGivenName(first.Norm):
			typ, conf = "ORG", 0.5 // "Waitakere United", "Bolton Wanderers": a club named by a town the gazetteer lacks
		case theTeam:
			// "the Braves", "the Beatles", "the Democrats": a capitalised plural after a
			// lower-case "the" inside a sentence, or "The" starting one, is a team, a band
			// or a party; "the League",
			// "the Senate": an organisation named by its kind.
			typ, conf = "ORG", 0.5
		case n == 1 && first.Upper && utf8.RuneCountInString(first.Norm) >= 3 && utf8.RuneCountInString(first.Norm) <= 6 && !isRoman(first.Norm) && // not "XIX"
			!strings.ContainsAny(first.Norm, "0123456789.") && !(j < len(toks) && toks[j].Hyph):
			// an acronym; not a model ("Z80", "TRS-80")
			typ, conf = "ORG", 0.5
		case n == 1 && foreignScript(toks[i:j], nc) && !first.SentStart && utf8.RuneCountInString(first.Norm) >= 3 &&
			!isRoman(first.Norm) && !quoted(src, first.Start) && aloneInScript(toks, i, j):
			// A lone Latin-script word no one knows in Russian or Armenian text, where
			// people's and places' names are transliterated: a company, a label, a band or a
			// magazine far more often than anything else ("акции Citigroup", "группа Dethklok").
			typ, conf = "ORG", 0.45
		case n == 1 && !first.Upper && ruStumpCompound(first.Norm) && !ruCommonWord(nc.ruWords, first.Norm):
			typ, conf = "ORG", 0.45 // "Роскомнадзор", "Минобороны", "Росатома"
		case n == 1 && i > 0 && isPlacePrep(toks[i-1], src) && !toks[i].Break && !listedFirstName(first.Norm) && !(first.Upper && isRoman(first.Norm)) &&
			!eventFirst[first.Norm]: // "aux Jeux olympiques" is no place
			typ, conf = "LOC", 0.45 // "в Воеводине", "на Филиппинах": a first name only by its skeleton
		case surnameLike(last.Norm) && n <= 3:
			typ, conf = "PER", 0.55
		case nc.isGivenName(first.Norm):
			typ, conf = "PER", 0.5
		case n >= 2 && buildingLast[last.Norm]:
			typ, conf = "LOC", 0.45 // "Carnegie Hall", "Phillips House", "Doubletree Hotel"
		case n >= 2 && n <= 3 && plural(last.Norm) && nc.common.has(last.Norm) && !nc.isGivenName(first.Norm):
			typ, conf = "ORG", 0.45 // "Fremantle Dockers", "Carnival Cruise Lines": not "John Adams"
		case n == 1 && !first.SentStart && i > 0 && (!toks[i-1].Cap || toks[i-1].SentStart || text.IsStopwordAny(toks[i-1].Norm) || first.Break) && text.ScriptOf(first.Norm) == text.Cyrillic &&
			len(nc.ruWords) > 0 && !ruCommonWord(nc.ruWords, first.Norm) && !russianAdjective(first.Norm) &&
			!first.Upper && utf8.RuneCountInString(first.Norm) >= 4 && !quoted(src, first.Start):
			// A capitalised Cyrillic word inside a sentence that is no Russian common word
			// in any case form: a name; mostly a person's ("к Манзону", "Довициозо"), a
			// country's or a region's in -ия ("Бессарабии", "Боснии").
			typ, conf = "PER", 0.35
			// Countries and regions end in -ия; Chinese places in Russian transcription
			// in their kind (ruChinesePlace).
			for _, end := range []string{"ия", "ии", "ию", "иеи", "иях"} {
				if strings.HasSuffix(first.Norm, end) {
					typ = "LOC"
				}
			}
			if ruChinesePlace(first.Norm) || ruPlaceEnding(first.Norm) {
				typ = "LOC"
			}
		case n == 1 && first.SentStart && j < len(toks) && !toks[j].Cap && !toks[j].Break && text.ScriptOf(first.Norm) == text.Cyrillic &&
			!first.Upper && utf8.RuneCountInString(first.Norm) >= 3 && !ruCommonWord(nc.ruWords, first.Norm) && !russianAdjective(first.Norm) &&
			!text.IsStopwordAny(first.Norm) && ruVerbAfter(nc.ruWords, toks, j):
			// A sentence's first word that is no Russian word, right before a verb in the
			// third person, is who does it: "Клаату сообщает", "Имхотеп загоняет".
			typ, conf = "PER", 0.35
		case n >= 2 && n <= 3 && first.Upper && utf8.RuneCountInString(first.Norm) >= 2 && !last.Upper && !isRoman(first.Norm):
			// A person's name does not start with an acronym ("IBM PC", "UEFA Euro", "BBC
			// Somerset"); a product's, an event's or a body's does, which the acronym alone
			// cannot tell apart.
			return
		case n >= 2 && n <= 3 && (nc.common.has(first.Norm) || nc.frEnglishWord(first.Norm)) && !first.SentStart:
			// A name nothing else types that starts with a common word inside a sentence
			// ("Killing Joke", "Modern Warfare", "Rotten Tomatoes") is a title, a band or a
			// brand, not a person's: first names that are words ("Rose", "Frank") are
			// listed, and surnames that are words ("Black", "Little") come second.
			return
		case n >= 2 && n <= 3 && !foreignScript(toks[i:j], nc) && !anyStopword(toks[i:j]) &&
			!(i > 0 && number(toks[i-1].Norm) && !toks[i].Break) &&
			!(len(nc.ruWords) > 0 && text.ScriptOf(first.Norm) == text.Cyrillic && utf8.RuneCountInString(first.Norm) > 4 &&
				ruCommonWord(nc.ruWords, first.Norm)): // "Приключения Сары Джейн" is a title; "Пол Масвидал" a person
			typ, conf = "PER", 0.4 // not after a number: "F-100 Super Sabre", "93 Million Miles"
		default:
			return
		}
	}
	if typ == "PER" && n == 1 && conf <= 0.55 && !titled && ruChinesePlace(first.Norm) {
		typ = "LOC" // "Сицзян", "Бэйцзян": not an Armenian surname in -ян
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
			return
		}
	}
	name := surfaceOf(src, toks[i:j])
	f.added = append(f.added, span{From: i, To: j, Type: typ, Conf: conf, Name: name})
}

// hyphenLinked reports one compound word whose parts a lower-case preposition or article
// joins by hyphens: a town named by its river or region ("Ростов-на-Дону",
// "Франкфурт-на-Майне", "Экс-ан-Прованс", "Stratford-upon-Avon", "Châlons-en-Champagne").
// People's double names join capitalised parts ("Жан-Поль").
func hyphenLinked(toks []text.Token) bool {
	if len(toks) < 3 {
		return false
	}
	for k := 1; k+1 < len(toks); k++ {
		if t := toks[k]; t.Hyph && !t.Cap && toks[k+1].Hyph && toks[k+1].Cap && placeLinks[t.Norm] {
			return true
		}
	}
	return false
}

var placeLinks = foldSet(`на ан сюр он апон эн ам им ла ле де дель су
sur en on upon am im la le les lès de del sous`)

// knownPersonAtEnd returns where a known person's name (curated, a user's or a listed
// politician's) that ends the run toks[i:j] starts, when something other than a first
// name, an initial or a connector is glued before it; else i.
// allKnown reports a run toks[i:j] covered end to end by two or more knowledge-base names
// inside it, none a gazetteer town or feature (a town starts many a club or firm name).
func (f *fieldNames) allKnown(i, j int) bool {
	names := 0
	for k := i; k < j; {
		c := f.cover[k]
		if c == 0 {
			return false
		}
		s := f.spans[c-1]
		if s.From != k || s.To > j || s.Ent == nil || s.weakPlace() {
			return false
		}
		names++
		k = s.To
	}
	return names >= 2
}

func (f *fieldNames) knownPersonAtEnd(i, j int) int {
	c := f.cover[j-1]
	if c == 0 {
		return i
	}
	s := f.spans[c-1]
	if s.To != j || s.From <= i || s.Ent == nil || s.Ent.Type != "PER" || s.Ent.Src > srcPolitician {
		return i
	}
	p := f.toks[s.From-1]
	if p.Initial || connectors[p.Norm] || f.nc.isGivenName(p.Norm) || f.toks[s.From].Hyph {
		return i
	}
	// Before a surname alone, an unknown word may be the first name in another spelling
	// ("Еммануель Макрон"): only a known name, a title, an acronym or an organisation word
	// is glued.
	if s.To-s.From == 1 && f.cover[s.From-1] == 0 && !honorifics[p.Norm] && !p.Upper && !orgLast[p.Norm] {
		return i
	}
	return s.From
}

// aloneInScript reports a word whose neighbours are not in its script, nor numbers, nor
// joined to it by a hyphen: a lone "Citigroup" in Russian text, not a word of a title
// written in Latin ("Road to Rhode Island") nor a model ("PlayStation 4").
func aloneInScript(toks []text.Token, i, j int) bool {
	sc := text.ScriptOf(toks[i].Norm)
	if i > 0 && !toks[i].Break && (text.ScriptOf(toks[i-1].Norm) == sc || number(toks[i-1].Norm) || toks[i].Hyph) {
		return false
	}
	if j < len(toks) && !toks[j].Break && (text.ScriptOf(toks[j].Norm) == sc || number(toks[j].Norm) || toks[j].Hyph) {
		return false
	}
	return true
}

// team reports a club's name in toks[i:j]: a town of the knowledge base, then capitalised
// words that are not places, ending in a plural or a club word ("New York Yankees",
// "Boston Red Sox", "Leeds United").
func (f *fieldNames) team(i, j int) bool {
	toks, spans, cover := f.toks, f.spans, f.cover
	c := cover[i]
	if c == 0 || spans[c-1].From != i || spans[c-1].Type != "LOC" || spans[c-1].To >= j ||
		spans[c-1].feature() { // "Dead Sea Scrolls" are no club
		return false
	}
	last := toks[j-1]
	k := spans[c-1].To
	// A word joined to the town by a hyphen makes a route or a pair ("Tbilisi-Kars"), not a
	// club's nickname.
	if isConnector(toks[k]) || toks[k].Hyph || !(teamLast[last.Norm] || plural(last.Norm)) || locLast[last.Norm] || facilityLast[last.Norm] || isDemonym(last.Norm) {
		return false
	}
	for m := k; m < j; m++ {
		// A town of the gazetteer may be the club's plural nickname ("New York Mets").
		if cover[m] > 0 && !(m == j-1 && spans[cover[m]-1].From == m && spans[cover[m]-1].weakPlace() && plural(last.Norm)) || !toks[m].Cap {
			return false
		}
	}
	return true
}

// nameBeforeTown reports two words, a capitalised word nobody knows, then a town or a
// country the knowledge base knows: the name of a club or a company named after its town
// ("Dinamo Zagreb", "Feyenoord Rotterdam", "TV Tokyo", "Parcs Canada"); not a person ("John
// London"), a bigger place ("Greater London", "Southern California") nor a common word
// ("Downtown Chicago"). Only in Latin-script text that capitalises names alone: German
// capitalises every noun ("Stadt Goris"), and a sentence's first word says nothing.
func (f *fieldNames) nameBeforeTown(i, j int) bool {
	toks, spans, cover, nc := f.toks, f.spans, f.cover, f.nc
	first := toks[i]
	c := cover[j-1]
	// The first word may be a town of the gazetteer too ("Sparta Rotterdam").
	if a := cover[i]; a > 0 && (spans[a-1].To != i+1 || !spans[a-1].weakPlace()) || c == 0 || spans[c-1].From != j-1 || spans[c-1].To != j || spans[c-1].Type != "LOC" || spans[c-1].feature() ||
		toks[j-1].Hyph {
		return false
	}
	w := first.Norm
	return utf8.RuneCountInString(w) >= 3 && !nc.isGivenName(w) && !surnameLike(w) && !honorifics[w] && !roles[w] &&
		!locFirst[w] && !locLast[w] && !compass[w] && !placeQualifiers[w] && !isDemonym(w) && !text.IsStopwordAny(w) &&
		!nc.lower[w] && !nc.common.has(w) && !first.SentStart && text.ScriptOf(w) == text.Latin && nc.lang != "de"
}

// otherBearer reports a first name, then a known person's surname alone: "Cyrus Vance",
// "Уильяма Вэнса", "Paul Pelosi" are other people of that name when the first name is none
// of the known person's (no part of the names the knowledge base writes for them, and
// the two words are no spelling of them either: "Sergej Lawrow" is Lavrov still). The
// knowledge base knows people by their surname alone, so without this the other bearer
// was linked to the known one.
func (f *fieldNames) otherBearer(i, j int) bool {
	if j-i != 2 || f.cover[i] != 0 || f.cover[j-1] == 0 || f.toks[j-1].Hyph {
		return false
	}
	s := f.spans[f.cover[j-1]-1]
	first := f.toks[i]
	// Russian capitalises names only: a capitalised word inside a sentence that is no
	// Russian word is a name too ("Уильяма" is no listed first name).
	given := f.nc.isGivenName(first.Norm) || text.ScriptOf(first.Norm) == text.Cyrillic && len(f.nc.ruWords) > 0 &&
		!first.SentStart && !ruCommonWord(f.nc.ruWords, first.Norm) && !honorifics[first.Norm]
	if s.From != j-1 || s.To != j || s.Ent == nil || s.Ent.Type != "PER" || !given {
		return false
	}
	if f.kbs.partOf(s.Ent.ID, f.toks[i].Norm) {
		return false
	}
	ent, ok := f.kbs.bySkeleton(f.toks[i:j], f.nc)
	return !ok || ent.ID != s.Ent.ID
}

// featureHeads are the English words for a kind of feature written after its name.
var featureHeads = foldSet(`river lake sea mountains mountain range desert strait gulf bay island islands peninsula valley`)
