package entity

import (
	"sort"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence of an organisation: words that end or start its name, military units and
// clubs, head nouns before its name ("сборной Хорватии", "группы The Offspring"),
// "Long Name (ACRONYM)" definitions and Russian clubs and companies written in quotes
// («Локомотив»).

// orgLast are words that end an organisation's name ("Manchester United FC", "Labour Party").
var orgLast = foldSet(`
inc inc. ltd ltd. llc plc corp corp. corporation company co gmbh ag sa s.a. nv bv
university college institute academy school council committee commission ministry department agency
authority bureau office service services party union league federation association society club team
fc cf ac bank group holdings airlines airways railways records studios entertainment foundation fund
trust church army navy force forces guard police court parliament assembly senate congress
corps division brigade regiment battalion
government administration organization organisation network news times post press journal gazette
tribune herald television tv radio channel magazine hospital museum orchestra band brothers
corporation industries motors systems technologies media games pictures films productions
racing labs laboratory laboratories directorate broadcasting international review classics
wing squadron fleet command diocese archdiocese movement centre center
board exchange survey philharmonic
f.c a.f.c s.c s.l s.a s.p.a n.v b.v
université institut académie école conseil comité commission ministère agence autorité office parti
fédération association société club banque groupe fondation église armée assemblée sénat tribunal
publishing publishers electronics pharmaceuticals biopharma software communications telecom insurance
petroleum oil steel chemicals energy rail brewery
chronicle telegraph telegram courier observer examiner inquirer dispatch bulletin statesman
пресс рекордс пикчерс студиос энтертейнмент интертейнмент моторс эйрлайнс эйрвейз холдингс
инкорпорейтед корпорейшн бразерс
`)

// companyLast reports a word that ends a company's name even after a title word: "General
// Motors", "King Records", "Prince Publishing" are companies, not people.
func companyLast(w string) bool { return companyWords[w] }

var companyWords = foldSet(`inc inc. ltd ltd. llc plc corp corp. corporation company co gmbh ag
motors records publishing publishers electronics industries technologies systems media pictures
studios entertainment airlines airways holdings bank pharmaceuticals software communications insurance
petroleum oil steel chemicals energy`)

// sportClub reports a Turkish club's name, made of its town or patron and "spor" (sport):
// "Bursaspor", "Antalyaspor", "Kasımpaşaspor" (in Russian "Бурсаспор"); a gazetteer may
// hold the town's sports ground under the same name.
func sportClub(w string) bool {
	switch text.ScriptOf(w) {
	case text.Latin:
		return strings.HasSuffix(w, "spor") && utf8.RuneCountInString(w) >= 7
	case text.Cyrillic: // as Russian transcribes them: "Болуспор", "Трабзонспор"
		return strings.HasSuffix(w, "спор") && utf8.RuneCountInString(w) >= 8
	}
	return false
}

// commonAcronyms stand for common nouns, not for a body: a DNA test, a DVD, the GDP, the
// CEO, an ODI (a one-day international), an ERA (earned run average), ДНК, ГЭС (a
// hydroelectric plant), СМИ (the media), ВВП (GDP), ЦНС (the nervous system). Written in
// capitals they look like the acronym of an organisation.
var commonAcronyms = foldSet(`
dna rna dvd cd cds gdp gnp ceo cfo cto pc pcs tv hiv aids gps usb html http cpu gpu ram rom sms
mms lcd led midi npc ai ufo vip ipo faq diy atm suv mvp rpg fps mmo ngo ngos
bios gui adhd lsd odi lbw rbi era mpp mpps mla mlas mep meps msp msps
adn arn pib pdg vih sida ovni ong
днк рнк гэс аэс тэц грэс цнс эдс ввп внп сми спид вич нко нло эвм пк дтп ндс жкх вуз вузы
сизо бпла зрк рсзо птур омп гсм тнп
`)

// orgFirst are words that start an organisation's name ("University of Oxford", "Banque de France").
var orgFirst = foldSet(`
university ministry bank council committee department institute college federation association
house office church order
université ministère banque conseil comité institut fédération association société parti groupe
compagnie académie école assemblée
министерство университет институт банк комитет совет партия союз федерация ассоциация общество
компания корпорация академия фонд служба агентство управление организация
`)

// unitLast ends the names of military units, numbered in front ("65 Air Division").
var unitLast = foldSet(`wing squadron fleet division brigade regiment battalion corps army group command`)

// ordinal reports a folded ordinal number: "65th", "1st", "seventeenth", "viii", "58-я".
func ordinal(w string) bool {
	if w == "" {
		return false
	}
	if w[0] >= '0' && w[0] <= '9' {
		for _, suf := range []string{"st", "nd", "rd", "th", "d", "e", "er", "re", "eme", "-я", "-и", "-й"} {
			if strings.HasSuffix(w, suf) {
				return true
			}
		}
		return false
	}
	return spelledOrdinals[w]
}

var spelledOrdinals = foldSet(`first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth`)

// teamLast ends a club's name after its town ("Leeds United", "Manchester City").
var teamLast = foldSet(`united city athletic rovers wanderers juniors albion county rangers fc hc sc cf afc fk sk bk if
юнайтед сити атлетик роверс уондерерс альбион каунти рейнджерс`)

// clubLast ends a club's name and nothing else's: teamLast without "City" and "County",
// which end places' names too ("Quezon City", "Kerry County").
var clubLast = foldSet(`united athletic rovers wanderers albion rangers hotspur fc afc
юнайтед атлетик роверс уондерерс альбион рейнджерс хотспур`)

// teamFirst starts a club's name in capitals ("FC Basel", "PSV Eindhoven", "SK Rapid").
var teamFirst = foldSet(`fc fk sk hc sc cf ac afc bk kv krc psv nac ss us as vfb vfl tsv sv фк хк пфк ск`)

// plural reports an English plural noun ending ("Yankees", "Celtics", "Sox").
func plural(w string) bool {
	return text.ScriptOf(w) == text.Latin && utf8.RuneCountInString(w) > 3 &&
		(strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") || strings.HasSuffix(w, "sox"))
}

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

// acronyms applies "Long Name (ACRONYM)" definitions: the long name is an organisation,
// and the acronym, there and later in the text, names the same entity. Known long names
// lend their entity to the acronym; unknown ones share one "new:ORG:" ID.
func acronyms(toks []text.Token, src string, spans []span) []span {
	var defs map[string]span // acronym (folded) -> the long name's span
	for ai := 1; ai < len(toks); ai++ {
		a := toks[ai]
		if !a.Upper || a.End >= len(src) || src[a.End] != ')' || strings.TrimSpace(src[toks[ai-1].End:a.Start]) != "(" {
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
				if t.Break && from < ai-1 || !(t.Cap || connectors[t.Norm] || text.IsStopwordAny(t.Norm)) {
					break
				}
				if t.Cap && initialsMatch(toks[from:ai], a.Norm) {
					spans = dropOverlaps(spans, from, ai)
					spans = append(spans, span{From: from, To: ai, Type: "ORG", Conf: 0.7, Key: unknownKey(toks[from:ai]), Name: surfaceOf(src, toks[from:ai])})
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

// initialsMatch reports whether acr is made of the initials of the long name's words,
// skipping connectors and function words: "Zangezur Copper Molybdenum Combine" → ZCMC,
// "Organisation du traité de sécurité collective" → OTSC.
func initialsMatch(words []text.Token, acr string) bool {
	var initials []rune
	for _, w := range words {
		if connectors[w.Norm] || text.IsStopwordAny(w.Norm) {
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
func quotedOrgs(toks []text.Token, src string, spans []span) []span {
	if !strings.Contains(src, "«") && strings.IndexByte(src, '"') < 0 { // both searches are vectorised; ContainsAny is not
		return spans
	}
	found := false
	prevOrgEnd := -1 // the byte offset after the last quoted organisation, for lists
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.Cap || text.ScriptOf(t.Norm) == text.Other {
			continue
		}
		gapFrom := 0
		if i > 0 {
			gapFrom = toks[i-1].End
		}
		open := strings.TrimSpace(src[gapFrom:t.Start])
		if !strings.HasSuffix(open, "«") && open != `"` && !strings.HasSuffix(open, ` "`) {
			continue
		}
		j := i + 1
		for j < len(toks) && j-i < 5 && !toks[j].Break && (toks[j].Cap || number(toks[j].Norm)) {
			j++
		}
		gapTo := len(src)
		if j < len(toks) {
			gapTo = toks[j].Start
		}
		closing := strings.TrimSpace(src[toks[j-1].End:gapTo])
		guillemets := strings.HasSuffix(open, "«")
		if guillemets && !strings.HasPrefix(closing, "»") || !guillemets && !strings.HasPrefix(closing, `"`) {
			continue
		}
		if !quotedOrgContext(toks, src, i, prevOrgEnd) {
			continue
		}
		s := span{From: i, To: j, Type: "ORG", Conf: 0.6, Name: surfaceOf(src, toks[i:j]), Quoted: guillemets}
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
		prevOrgEnd = toks[j-1].End + strings.Index(src[toks[j-1].End:], mark) + len(mark)
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
func quotedOrgContext(toks []text.Token, src string, i, prevOrgEnd int) bool {
	if prevOrgEnd >= 0 && i > 0 {
		gap := strings.TrimSpace(src[prevOrgEnd:toks[i].Start])
		gap = strings.TrimSpace(strings.TrimRight(gap, `«"`))
		if gap == "," || gap == "и" || gap == "" {
			return true
		}
	}
	if i == 0 || text.ScriptOf(toks[i-1].Norm) != text.Cyrillic && !quotedOrgTitles[toks[i-1].Norm] {
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

// frOrgHeads are the French nouns that start the name of an institution written, as French
// writes it, with its first word alone capitalised: "Ligue nationale de hockey", "Parti
// socialiste", "Organisation mondiale de la santé", "Conseil de sécurité".
var frOrgHeads = foldSet(`ligue parti organisation fédération union association société banque comité conseil
	ministère agence université institut assemblée cour tribunal commission office fonds front mouvement
	confédération syndicat compagnie académie chambre haut-commissariat secrétariat bureau direction`)

// frAdjectiveEnds are the endings of French adjectives of nationality, place and kind that
// follow such a head ("nationale", "coréenne", "britannique", "majeure", "européen");
// a verb after the name ("remporte") has none of them.
var frAdjectiveEnds = []string{"al", "ale", "aux", "ales", "ien", "ienne", "iens", "iennes", "een", "eenne", "ique", "iques",
	"aire", "aires", "el", "elle", "els", "elles", "ais", "aise", "ois", "oise", "ain", "aine", "if", "ive", "eur", "eure",
	"iste", "istes", "ier", "iere", "an", "ane"}

// frOrgNames adds the French institutions named by a capitalised head (frOrgHeads) and
// the lower-case words of its name: adjectives ("nationale") and complements after "de"
// ("de hockey", "des affaires étrangères", "de la santé"), and after "de" the country or
// region it belongs to ("Parti libéral du Québec", "Ligue de hockey de l'Ontario"). A name
// the knowledge base knows stands; pattern names over the same words give way.
func frOrgNames(toks []text.Token, src string, spans []span, cover []int, drop []bool, added []span) []span {
	for i := 0; i+1 < len(toks); i++ {
		if !toks[i].Cap || cover[i] > 0 || !frOrgHeads[toks[i].Norm] {
			continue
		}
		end, k := i+1, i+1
		afterDe := false
		owner := -1 // the knowledge-base place the name ends on
		for k < len(toks) && k-i <= 7 && (!toks[k].Break || afterDe && elidedApart(toks, src, k-1)) {
			t := toks[k]
			switch {
			case cover[k] > 0:
				if c := cover[k] - 1; afterDe && end > i+1 && spans[c].From == k && spans[c].Type == "LOC" && !spans[c].weakPlace() {
					owner, end = c, spans[c].To
				}
			case t.Cap && !t.SentStart && (afterDe || toks[k-1].Cap):
				// "Comité de Salut Public", "Cour des Comptes"; not a person after the
				// name ("Parti national britannique Nick Griffin")
				end, afterDe = k+1, false
			case connectors[t.Norm] || afterDe && t.Norm == "l": // "de l'Ontario"
				afterDe = true
				k++
				continue
			case afterDe && !text.IsStopword("fr", t.Norm) && t.Letters:
				end, afterDe = k+1, false // "de hockey", "des affaires"
			case frAdjective(t.Norm) && !text.IsStopword("fr", t.Norm):
				end = k + 1 // "nationale", "étrangères"
			}
			if end != k+1 || owner >= 0 {
				break
			}
			k++
		}
		if end == i+1 {
			continue
		}
		if owner >= 0 {
			drop[owner] = true
		}
		added = cutBefore(toks, src, added, i)
		added = dropOverlaps(added, i, end)
		added = append(added, span{From: i, To: end, Type: "ORG", Conf: 0.6, Name: surfaceOf(src, toks[i:end])})
		i = end - 1
	}
	return added
}

// frTeams finds French names of North American and other clubs: a plural nickname after
// a plural article, then "de" and the club's town, state or school ("les Hurricanes de la
// Caroline", "aux Warriors de Golden State", "des Marlins de Miami", "les North Stars du
// Minnesota"). The town alone would be taken for the place and the nickname for nothing
// (or for a town of the gazetteer: "Mets", "Rangers"). Not a geographic plural ("les Îles
// de la Madeleine", "les Pays de la Loire") nor a people ("les Arméniens de Syrie").
func frTeams(toks []text.Token, src string, spans []span, cover []int, drop []bool, added []span) []span {
	for k := 1; k+2 < len(toks); k++ {
		if a := toks[k-1].Norm; toks[k-1].Cap || a != "les" && a != "des" && a != "aux" || toks[k].Break || !isNameTok(toks[k]) {
			continue
		}
		m := k
		for m < len(toks) && m-k < 2 && isNameTok(toks[m]) && (m == k || !toks[m].Break) {
			m++
		}
		last := toks[m-1].Norm
		if m >= len(toks) || toks[m].Break || !strings.HasSuffix(last, "s") || utf8.RuneCountInString(last) < 4 ||
			lowerGeoHeads[toks[k].Norm] || locFirst[toks[k].Norm] || placeQualifiers[toks[k].Norm] || isDemonym(last) || isDemonym(strings.TrimSuffix(last, "s")) {
			continue
		}
		p := m
		for p < len(toks) && p-m < 2 && !toks[p].Cap && isConnector(toks[p]) && (p == m || !toks[p].Break || elidedApart(toks, src, p-1)) {
			p++
		}
		if p == m || p >= len(toks) || toks[p].Break && !elidedApart(toks, src, p-1) {
			continue
		}
		c := cover[p]
		end := p
		switch {
		case c == 0 && frTeamOwner(toks[p]) && cover[k] == 0 && cover[m-1] == 0:
			// a town, state or school the knowledge base lacks ("de Golden State", "de la
			// Caroline") after a nickname that is no place it knows ("les Plaines d'Abraham")
			end = p + 1
		case c == 0 || spans[c-1].From != p || spans[c-1].Type != "LOC" || spans[c-1].To == p+1 && (compass[toks[p].Norm] || placeQualifiers[toks[p].Norm]):
			continue // "les Moluques du Nord" are islands
		default:
			end = spans[c-1].To
		}
		for end < len(toks) && !toks[end].Break && isNameTok(toks[end]) && cover[end] == 0 {
			end++ // "Rays de Tampa Bay": the rest of the name the place starts
		}
		// The nickname may be a town of the gazetteer ("Mets"), never a longer name.
		ok := true
		for q := k; q < end; q++ {
			if c := cover[q]; c > 0 && (spans[c-1].From < k || spans[c-1].To > end || q < m && !spans[c-1].weakPlace()) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		for q := k; q < end; q++ {
			if c := cover[q]; c > 0 {
				drop[c-1] = true
			}
		}
		added = cutBefore(toks, src, added, k)
		added = dropOverlaps(added, k, end)
		added = append(added, span{From: k, To: end, Type: "ORG", Conf: 0.6, Name: surfaceOf(src, toks[k:end])})
		k = end - 1
	}
	return added
}

// cutBefore ends before toks[i] the pattern names that run on into it, connectors
// trimmed: "Mariners de Seattle de la Ligue majeure de baseball" is two names.
func cutBefore(toks []text.Token, src string, added []span, i int) []span {
	for a := range added {
		s := &added[a]
		if s.From >= i || s.To <= i || s.Ent != nil {
			continue
		}
		to := i
		for to > s.From && connectors[toks[to-1].Norm] {
			to--
		}
		if to-s.From >= 1 {
			s.To, s.Name = to, surfaceOf(src, toks[s.From:to])
		}
	}
	return added
}

// frAdjective reports a folded lower-case French word with an adjective's ending, plural
// or not; words of under five letters ("sur", "une") are none.
func frAdjective(w string) bool {
	if utf8.RuneCountInString(w) < 5 {
		return false
	}
	w = strings.TrimSuffix(w, "s")
	for _, end := range frAdjectiveEnds {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

// ruOrgNounForms are the Russian (and Ukrainian) nouns, in every case form, that head the
// name of an institution written with its first word alone capitalised: "Немецкий
// футбольный союз", "Американский институт киноискусства", "Союз коммунистов Югославии",
// "Министерства информации и телекоммуникаций".
var ruOrgNounForms = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`союз институт университет министерство комитет партия лига федерация ассоциация
		агентство служба совет академия банк организация трибунал суд фонд управление корпорация компания
		движение фронт конгресс парламент собрание дума палата комиссия объединение министерство
		міністерство комітет партія рада агентство служба організація університет спілка`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// ruGenitiveEnds are the endings of the lower-case genitive words that complete such a
// name ("коммунистов", "информации", "киноискусства", "физической культуры").
var ruGenitiveEnds = []string{"ов", "ев", "еи", "ии", "ых", "их", "ого", "его", "ои", "ы", "а", "я", "ів", "їв", "и"} // "ів", "їв" Ukrainian; "и" the Ukrainian -ы ("оборони") and Russian soft stems ("связи")

// ruOrgNames adds the Russian institutions named by capitalised adjectives or a head noun
// (ruOrgNounForms), lower-case adjectives, the head noun and a genitive complement of
// lower-case words, "и" and capitalised names ("ПМР", "Югославии"). A name the knowledge
// base knows stands, but for a country or region that ends the complement, which becomes
// part of the name (its span in spans is marked in drop); pattern names over the same
// words give way.
func ruOrgNames(toks []text.Token, src string, spans []span, cover []int, drop []bool, added []span) []span {
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if !t.Cap || cover[i] > 0 || text.ScriptOf(t.Norm) != text.Cyrillic || t.Upper {
			continue
		}
		k := i
		if !ruOrgNounForms[t.Norm] {
			if !russianAdjective(t.Norm) {
				continue
			}
			k = i + 1
			for k < len(toks) && !toks[k].Break && !toks[k].Cap && russianAdjective(toks[k].Norm) && !ruOrgNounForms[toks[k].Norm] {
				k++
			}
			if k >= len(toks) || toks[k].Break || toks[k].Cap || !ruOrgNounForms[toks[k].Norm] {
				continue
			}
		}
		end, lowerWords := k+1, 0
		for m := end; m < len(toks) && m-end < 5 && !toks[m].Break; m++ {
			w := toks[m]
			if w.Norm == "и" && !w.Cap {
				continue
			}
			// A known name ends it (and stays); so does the start of another institution
			// ("... союз и Союз журналистов").
			if cover[m] > 0 || ruOrgNounForms[w.Norm] || russianAdjective(w.Norm) && w.Cap || !(w.Cap && !w.SentStart || ruGenitive(w.Norm)) {
				break
			}
			if !w.Cap {
				lowerWords++
			}
			end = m + 1
		}
		// The name does not end on an adjective ("Министерство внутренних" of "внутренних
		// дел"); a head noun and a country alone is the country's body, the country
		// named ("Правительство Польши").
		for end > k+1 && !toks[end-1].Cap && russianAdjective(toks[end-1].Norm) {
			end--
		}
		if end-i < 2 || k == i && lowerWords == 0 {
			continue
		}
		// "Союз журналистов России", "Министерство обороны Армении": after the
		// complement, a known country or region (in the genitive) is whose institution it
		// is, and part of its name.
		if end < len(toks) && lowerWords > 0 && !toks[end].Break && !toks[end].SentStart && cover[end] > 0 {
			if c := cover[end] - 1; spans[c].From == end && spans[c].Type == "LOC" && !spans[c].weakPlace() && toks[end].Cap {
				drop[c] = true
				end = spans[c].To
			}
		}
		from := i
		for from > 0 && toks[from].Hyph {
			from-- // "Вест-Индской компании"
		}
		added = dropOverlaps(added, from, end)
		added = append(added, span{From: from, To: end, Type: "ORG", Conf: 0.55, Name: surfaceOf(src, toks[from:end])})
		i = end - 1
	}
	return added
}

// ruGenitive reports a folded lower-case Cyrillic word with a genitive's ending that is
// not a past-tense verb ("объявила", "заявили").
func ruGenitive(w string) bool {
	if text.ScriptOf(w) != text.Cyrillic || utf8.RuneCountInString(w) < 4 || text.IsStopwordAny(w) {
		return false
	}
	for _, v := range []string{"л", "ла", "ло", "ли", "ся", "сь"} {
		if strings.HasSuffix(w, v) {
			return false
		}
	}
	for _, end := range ruGenitiveEnds {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

// clubCues are the English words of a sports career before a club named by its town,
// keyed by the word right before the town and holding the words that may come before that
// one ("" when the word is cue enough): "joined Palermo", "signed for Genoa", "on loan to
// Foggia", "a 2-1 win over Braga", "his debut for Benfica".
var clubCues = map[string]map[string]bool{
	"joined": {"": true}, "joining": {"": true}, "rejoined": {"": true},
	"for": foldSet(`played plays playing play signed signs signing debut goal goals appearances
		appearance scored scoring capped starred featured games matches seasons caps`),
	"with": foldSet(`signed signing signs contract extension deal draw drew tie stint spell`),
	"to":   foldSet(`loan loaned transfer transferred sold defeat lost losing lose loses`),
	"from": foldSet(`loan signed signing transfer transferred bid offer`),
	"by":   foldSet(`signed loaned drafted`),
	"at":   foldSet(`spell stint career loan trial`),
	"over": foldSet(`win victory`), "against": foldSet(`win victory debut goal goals`),
}

// clubTowns types a gazetteer town (or a province named after its town, "Genoa") after a
// cue of a sports career (clubCues) as the club named by it: in "signed for Genoa" Genoa
// is the club, not the city. Countries and curated places are left as they are: "played
// for Brazil" may be the team, but the country is what a reader searches for.
func clubTowns(toks []text.Token, src string, spans []span, cover []int, drop []bool, added []span) []span {
	var clubs map[string]bool // the towns a cue made clubs, by entity ID
	for c, s := range spans {
		if drop[c] || s.Ent == nil || s.Type != "LOC" || !toks[s.From].Cap || !s.townLike() {
			continue
		}
		if !(s.From > 0 && !toks[s.From].Break && clubCue(toks, s.From)) && !clubAfter(toks, src, s) {
			continue
		}
		drop[c] = true
		added = append(added, span{From: s.From, To: s.To, Type: "ORG", Conf: 0.55, Name: surfaceOf(src, toks[s.From:s.To])})
		if clubs == nil {
			clubs = map[string]bool{}
		}
		clubs[s.Ent.ID] = true
	}
	// A text that made a town a club means the club by its other mentions of the town too
	// ("Palermo bought Genoa's half ... from Palermo to Genoa"), but where a preposition
	// of place or "of" puts the town itself ("born in Genoa", "the mayor of Genoa").
	for c, s := range spans {
		if drop[c] || s.Ent == nil || !clubs[s.Ent.ID] || s.From > 0 && !toks[s.From].Break &&
			(isPlacePrep(toks[s.From-1], src) || toks[s.From-1].Norm == "of" || toks[s.From-1].Norm == "born") {
			continue
		}
		drop[c] = true
		added = append(added, span{From: s.From, To: s.To, Type: "ORG", Conf: 0.5, Name: surfaceOf(src, toks[s.From:s.To])})
	}
	// A capitalised word no one knows after a cue of a career at a club is a club too
	// ("joined Esteghlal", "a contract with Feyenoord"); not after a result, which names
	// a player as often ("lost to Schnyder").
	for k := 1; k < len(toks); k++ {
		t := toks[k]
		if cover[k] > 0 || !t.Cap || t.Break || t.SentStart || !t.Letters || !clubCue(toks, k) || resultCue(toks, k) {
			continue
		}
		e := k + 1
		for e < len(toks) && e-k < 3 && toks[e].Cap && !toks[e].Break && cover[e] == 0 {
			e++
		}
		if e < len(toks) && toks[e].Cap && !toks[e].Break {
			continue // a longer run: its own patterns decide
		}
		// A place the patterns guessed from the preposition alone ("loaned to
		// Pizzighettone") gives way to the cue.
		for a, s := range added {
			if s.From == k && s.To == e && s.Type == "LOC" && s.Conf <= 0.45 {
				added = append(added[:a], added[a+1:]...)
				break
			}
		}
		if !overlapsAny(added, k, e) {
			added = append(added, span{From: k, To: e, Type: "ORG", Conf: 0.5, Name: surfaceOf(src, toks[k:e])})
		}
		k = e
	}
	return added
}

// clubStaff are the people of a club after its town and "'s": "Leeds's manager", "Genoa's
// goalkeeper", "Bolton's supporters"; a town has a mayor and residents instead.
var clubStaff = foldSet(`manager managers coach coaches squad goalkeeper goalkeepers striker strikers midfielder
	midfielders defender defenders winger wingers captain teammates academy reserves supporters fans players`)

// clubAfter reports what, right after a town, makes it a club: a match's score ("losing to
// Tulsa 63-7", "Leeds 2–1"), a plural verb, which English gives a team and not a town
// ("Leicester were relegated", "Everton have signed"), or the club's people ("Genoa's
// coach", clubStaff). Not a town after a preposition of place or in a list, where the
// verb is the list's ("in Leeds were", "Leeds and York are").
func clubAfter(toks []text.Token, src string, s span) bool {
	e := s.To
	if e >= len(toks) {
		return false
	}
	if possessive(toks, src, e-1) {
		if toks[e].Norm == "s" && !toks[e].Cap && e+1 < len(toks) {
			e++
		}
		return clubStaff[toks[e].Norm] && !toks[e].Cap
	}
	if toks[e].Break {
		return false
	}
	if number(toks[e].Norm) && e+1 < len(toks) && number(toks[e+1].Norm) && len(toks[e].Norm) <= 3 && len(toks[e+1].Norm) <= 3 {
		gap := strings.TrimSpace(src[toks[e].End:toks[e+1].Start])
		return gap == "-" || gap == "–" || gap == "—"
	}
	switch toks[e].Norm {
	case "were", "are", "have":
	default:
		return false
	}
	if e+1 >= len(toks) || toks[e+1].Break || toks[e+1].Cap {
		return false
	}
	if p := s.From - 1; p >= 0 && !toks[s.From].Break && (isPlacePrep(toks[p], src) || toks[p].Norm == "of" || listConjunctions[toks[p].Norm]) ||
		listComma(toks, src, s.From) {
		return false
	}
	return true
}

// resultCue reports a cue of a match's result before toks[k] ("win over", "lost to").
func resultCue(toks []text.Token, k int) bool {
	switch toks[k-1].Norm {
	case "over", "against":
		return true
	case "to":
		return toks[k-2].Norm == "lost" || toks[k-2].Norm == "defeat"
	}
	return false
}

// clubCue reports a cue of clubCues right before toks[k], or a competition's "side".
func clubCue(toks []text.Token, k int) bool {
	// "Premier League side Fulham", "Serie A side Genoa": a competition's side
	if toks[k-1].Norm == "side" && !toks[k-1].Cap && k >= 2 && !toks[k-1].Break && toks[k-2].Cap {
		return true
	}
	cue, ok := clubCues[toks[k-1].Norm]
	if !ok || toks[k-1].Cap {
		return false
	}
	return cue[""] || k >= 2 && !toks[k-1].Break && cue[toks[k-2].Norm]
}

// ruStumpCompound reports a folded Russian word made of the clipped words Russian names
// its bodies with: a clipped head ("Рос-", "Мин-", "Гос-", "Глав-", "Мос-") and a clipped
// field ("-ком-", "-пром", "-надзор", "-нефть", "-атом"): "Роскомнадзор", "Минобороны",
// "Госдума", "Росатом", "Мосгорсуд"; a person's or a place's name is never built so.
func ruStumpCompound(w string) bool {
	if text.ScriptOf(w) != text.Cyrillic || utf8.RuneCountInString(w) < 6 {
		return false
	}
	head := false
	for _, h := range []string{"рос", "мин", "гос", "глав", "мос", "обл", "гор"} {
		if strings.HasPrefix(w, h) {
			head = true
		}
	}
	if !head {
		return false
	}
	rest := w[len("мин"):]
	for _, f := range []string{"ком", "пром", "надзор", "нефт", "атом", "обор", "фин", "юст", "здрав", "труд", "транс", "энерг",
		"сельхоз", "стат", "тех", "космос", "авиа", "морфлот", "дум", "совет", "суд", "банк", "строй", "торг", "связ", "иностр",
		"экономразвит", "природ", "культ", "спорт", "цифр", "обрнадзор", "потреб", "гвард", "реестр", "архив", "имущ", "нацбанк"} {
		if strings.Contains(rest, f) {
			return true
		}
	}
	return false
}

// kindWords are the lower-case nouns that, right before a capitalised name, say what kind
// of body the name is, in English and French: "the band Killing Joke", "the firm
// Bloomberg", "le groupe Gerry and the Pacemakers", "le label Charisma". Russian has
// ruOrgHeads.
var kindWords = map[string]map[string]bool{
	"en": foldSet(`band company firm label airline broadcaster newspaper magazine club`),
	"fr": foldSet(`groupe label société compagnie journal quotidien magazine club parti`),
}

// kindOrgs types the capitalised name right after a word of its kind (kindWords) as an
// organisation: the word says what the name is better than the name's words do ("band Van
// Canto" is no person, "club Benevento" no town). So are the names a plural of the kind
// lists ("clubs like Feyenoord, Eindhoven and Twente", "bands such as TacoCat and
// Childbirth"). A known person, a country or a curated place keeps its type; a title
// after the word starts a person's name ("company chairman" is lower case, "company
// President Jane Doe" is not a body).
func kindOrgs(toks []text.Token, src string, spans []span, cover []int, drop []bool, added []span, lang string) []span {
	kinds, plurals := kindWords[lang], kindPlurals[lang]
	if kinds == nil {
		return added
	}
	// name types toks[k:end] as an organisation unless a name the knowledge base knows
	// better covers it.
	name := func(k, end int) {
		for m := k; m < end; m++ {
			if c := cover[m]; c > 0 && (!spans[c-1].townLike() || spans[c-1].From < k || spans[c-1].To > end) {
				return
			}
		}
		for m := k; m < end; m++ {
			if c := cover[m]; c > 0 {
				drop[c-1] = true
			}
		}
		added = dropOverlaps(added, k, end)
		added = append(added, span{From: k, To: end, Type: "ORG", Conf: 0.55, Name: surfaceOf(src, toks[k:end])})
	}
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Cap {
			continue
		}
		if plurals[toks[i].Norm] {
			kindListBefore(toks, src, i, name)
			i = kindList(toks, src, i+1, name) - 1
			continue
		}
		k := i + 1
		if !kinds[toks[i].Norm] || toks[k].Break || honorifics[toks[k].Norm] || roles[toks[k].Norm] {
			continue
		}
		end := kindNameEnd(toks, k)
		if end == k {
			continue
		}
		// French writes a body's name with its first word alone capitalised ("le parti
		// Le Foyer juif"): a lower-case word that is no function word after the capitalised
		// ones may be more of the name, which the words alone cannot tell.
		if lang == "fr" && end < len(toks) && !toks[end].Break && !toks[end].Cap && toks[end].Letters && !text.IsStopwordAny(toks[end].Norm) {
			continue
		}
		name(k, end)
		i = end - 1
	}
	return added
}

// kindPlurals are the plurals of kindWords, which introduce a list of their kind after
// "such as", "like" or "including". (French "des groupes comme …" lists as often a
// band's singer as the band, in the French dev set's labels; measured, it lost.)
var kindPlurals = map[string]map[string]bool{
	"en": foldSet(`bands companies firms labels clubs teams chains parties newspapers magazines broadcasters airlines corporations brands`),
}

// kindList calls name for each name of the list that starts at toks[k] with "such as",
// "like" or "including": names separated by commas, "and" or "or". It returns where the
// list ends, or k.
func kindList(toks []text.Token, src string, k int, name func(k, end int)) int {
	if k >= len(toks) || toks[k].Break {
		return k
	}
	switch {
	case toks[k].Norm == "like" || toks[k].Norm == "including":
		k++
	case k+1 < len(toks) && !toks[k+1].Break && toks[k].Norm == "such" && toks[k+1].Norm == "as":
		k += 2
	default:
		return k
	}
	for first := true; k < len(toks) && (!toks[k].Break || !first && listComma(toks, src, k)); first = false {
		end := kindNameEnd(toks, k)
		if end == k || end < len(toks) && !strings.ContainsAny(src[toks[end-1].End:toks[end-1].End+1], " ,;.:)\n") {
			break // not a name glued to a symbol ("AT&T") that it would cut
		}
		name(k, end)
		k = end
		if k >= len(toks) {
			break
		}
		// the next item: after a comma (and a conjunction), or after a conjunction
		if listComma(toks, src, k) {
			if listConjunctions[toks[k].Norm] && !toks[k].Cap && k+1 < len(toks) && !toks[k+1].Break {
				k++
			}
			continue
		}
		if !toks[k].Break && listConjunctions[toks[k].Norm] && !toks[k].Cap && k+1 < len(toks) && !toks[k+1].Break {
			k++
			continue
		}
		break
	}
	return k
}

// otherQuantities may stand between "and" and "other" before a kind's plural: "and
// several other bands", "or many other companies".
var otherQuantities = foldSet(`several many some numerous various two three four five`)

// kindListBefore calls name for each name of the list that ends right before "and other"
// (or "or other", a quantity between) and the plural of a kind at toks[p]: "Head
// Automatica, The Receiving End of Sirens, Cobra Starship, and several other bands",
// "Google, Apple and other companies". Each item must be a whole capitalised name
// (kindNameEnd) between commas; the first may follow any lower-case word. A list with
// an item that is no name is left alone: its items may be anything.
func kindListBefore(toks []text.Token, src string, p int, name func(k, end int)) {
	k := p - 1
	if k < 2 || toks[k].Norm != "other" || toks[k].Cap || toks[p].Break || toks[k].Break {
		return
	}
	k--
	if otherQuantities[toks[k].Norm] && !toks[k].Cap && !toks[k].Break {
		k--
	}
	if k < 1 || !listConjunctions[toks[k].Norm] || toks[k].Cap || toks[k+1].Break {
		return
	}
	var items [][2]int
	end := k // the item before the conjunction ends here (a comma may stand between)
	for end > 0 {
		start := end - 1
		for start > 0 && !toks[start].Break && (isNameTok(toks[start-1]) || toks[start-1].Upper && toks[start-1].Letters ||
			number(toks[start-1].Norm) || !toks[start-1].Cap && (isConnector(toks[start-1]) || toks[start-1].Norm == "to" || toks[start-1].Norm == "the")) {
			start--
		}
		for start < end && !toks[start].Cap && !number(toks[start].Norm) {
			start++ // "by Head Automatica": the lower-case words before the first item
		}
		if start == end || kindNameEnd(toks, start) != end || toks[start].SentStart && len(items) > 0 {
			return
		}
		items = append(items, [2]int{start, end})
		if !listComma(toks, src, start) {
			break
		}
		end = start
	}
	for _, it := range items {
		name(it[0], it[1])
	}
}

// kindNameEnd returns where the capitalised name starting at toks[k] ends: capitalised
// words or acronyms ("RUST", "3AW"), a number before them ("30 Seconds to Mars"), and
// connectors, "to", "the" and "and the" between them ("The Receiving End of Sirens",
// "Gerry and the Pacemakers"); k if there is none.
func kindNameEnd(toks []text.Token, k int) int {
	name := func(t text.Token) bool { return isNameTok(t) || t.Upper && t.Letters }
	e := k
	if number(toks[e].Norm) && e+1 < len(toks) && !toks[e+1].Break && name(toks[e+1]) {
		e++
	}
	if !name(toks[e]) {
		return k
	}
	e++
	for e < len(toks) && !toks[e].Break {
		if name(toks[e]) {
			e++
			continue
		}
		g := e
		for g < len(toks) && !toks[g].Break && !toks[g].Cap && g-e < 2 && (isConnector(toks[g]) || toks[g].Norm == "to" || toks[g].Norm == "the" ||
			toks[g].Norm == "and" && g+1 < len(toks) && toks[g+1].Norm == "the") {
			g++
		}
		if g == e || g >= len(toks) || toks[g].Break || !name(toks[g]) {
			break
		}
		e = g
	}
	return e
}

// townLike reports a gazetteer town, or a province named after its town ("Genoa",
// "Benevento"), which a club may be named after; not a country nor a river.
func (s span) townLike() bool {
	return s.Ent != nil && (s.Ent.Src == srcCity || s.Ent.Src == srcCountry && strings.HasPrefix(s.Ent.ID, "iso3166-2:"))
}

// listComma reports a comma alone between toks[k-1] and toks[k].
func listComma(toks []text.Token, src string, k int) bool {
	return k > 0 && toks[k].Break && strings.TrimSpace(src[toks[k-1].End:toks[k].Start]) == ","
}
