package entity

import (
	"sort"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence of Russian text that the other files' rules do not carry, each rule reading a
// kind of word (a preposition, a sports noun, a title, an ending, a form), never a
// particular name:
//   - what a match report means by a country's name (ruNationalTeams);
//   - how the language strings a title, a place and a person together (ruTitledPlace);
//   - transliterated names: a foreign first name before a small town's name
//     (ruNameBeforeTown), Arabic names with the article (ruArabicName), hyphenated
//     compounds (ruPlaceCompound), Chinese places by their kind (ruChinesePlace);
//   - the case forms of places named in the plural (ruPluralForms, used by inflect);
//   - what a mention includes: not the geographic noun a gazetteer name starts with
//     (ruTrimHeads), the legal or sports form before a quoted name (ruFormOrgs);
//   - a lone name's type by its neighbours: the noun it complements (ruGoverned), a
//     plural geographic noun before a list (ruHeadList), a dash after a name of the same
//     kind (ruDashPairs), a verb after a sentence's first word (ruVerbAfter), a place's
//     preposition before an adjective and a noun (ruAdjectivePlace);
//   - a lone name's type by its own form: a family name declined as an adjective
//     (ruSurnameAdjective), a town's ending (ruPlaceEnding), the lower-case kind word of a
//     hyphenated transcription (ruLowerCompounds).

// ruSportStems start the Russian words of a match report in any case form: "матч",
// "поединке", "полуфинал", "товарищеский".
var ruSportStems = []string{"матч", "поедин", "полуфинал", "четвертьфинал", "финал", "турнир", "чемпионат",
	"товарищеск", "дебют"}

// ruSportWords are sports words whose stems start other words, so only these forms count:
// "игра" (not the verb "играть", nor "сыграть", which also play a role "против Ирана"),
// "гол" (not "голосование против России"); and "сборная" (lowerOrgHeads), not "сборник".
var ruSportWords = foldSet(`игра игры игре игру игрой игр играх гол гола голом голы`)

// ruSportSentence reports whether the sentence around toks[k] speaks of a match: one of
// its words starts with a sports stem.
func ruSportSentence(toks []text.Token, k int) bool {
	from := k
	for from > 0 && !toks[from].SentStart {
		from--
	}
	for m := from; m < len(toks) && (m == from || !toks[m].SentStart); m++ {
		if toks[m].Cap {
			continue
		}
		if ruSportWords[toks[m].Norm] || lowerOrgHeads[toks[m].Norm] {
			return true
		}
		for _, st := range ruSportStems {
			if strings.HasPrefix(toks[m].Norm, st) {
				return true
			}
		}
	}
	return false
}

// ruNationalTeams makes organisations of the countries and towns a match is played
// against: in "матч против Норвегии", "в поединке против Англии и Сербии" the name is the
// team's, as "против сборной Норвегии" would say in full. Outside a sentence about a match
// ("санкции против России") the place stays a place. spans are sorted by From.
func ruNationalTeams(toks []text.Token, src string, spans []span) []span {
	against := false // the previous span was a team after "против"
	for k := range spans {
		s := &spans[k]
		prevTeam := against
		against = false
		if s.Type != "LOC" || s.From == 0 || toks[s.From].Break || text.ScriptOf(toks[s.From].Norm) != text.Cyrillic {
			continue
		}
		p := toks[s.From-1]
		afterAgainst := p.Norm == "против" && !p.Cap
		// "против Австралии и Сербии": the second name after "и" is the second team.
		andNext := prevTeam && p.Norm == "и" && !p.Cap && s.From >= 2 && spans[k-1].To == s.From-1
		if !afterAgainst && !andNext || !ruSportSentence(toks, s.From) {
			continue
		}
		*s = span{From: s.From, To: s.To, Type: "ORG", Conf: 0.55, Name: surfaceOf(src, toks[s.From:s.To])}
		against = true
	}
	return spans
}

// ruTitledPlace reports a run toks[i:j] after a title that starts with a place's genitive
// in "-ии" the knowledge base does not know, then a name: "король Сицилии Рожер II",
// "императором Византии Юстинианом". Russian puts whose title it is between the title and
// the person; the place is a name of its own.
func (f *fieldNames) ruTitledPlace(i, j int, titled bool) bool {
	toks, nc := f.toks, f.nc
	if !titled || j-i < 2 || len(nc.ruWords) == 0 || f.cover[i] > 0 {
		return false
	}
	t, next := toks[i], toks[i+1]
	return text.ScriptOf(t.Norm) == text.Cyrillic && !t.Upper && !t.Hyph && !next.Hyph && !next.Initial &&
		strings.HasSuffix(t.Norm, "ии") && !russianAdjective(t.Norm) && !nc.isGivenName(t.Norm) &&
		!ruCommonWord(nc.ruWords, t.Norm)
}

// ruNameBeforeTown reports two Cyrillic words inside a sentence, an unknown word that is no
// Russian word, then a gazetteer town: "Луи Армстронг", "Кори Бёртоном". Russian text
// transliterates foreign names, and a small town named like a surname is common; a place
// is not named with a foreign word glued before it (a bigger place's word, "Нижний",
// "Северный", is a Russian adjective).
func (f *fieldNames) ruNameBeforeTown(i, j int) bool {
	toks, spans, cover, nc := f.toks, f.spans, f.cover, f.nc
	if j-i != 2 || len(nc.ruWords) == 0 || cover[i] > 0 {
		return false
	}
	first, last := toks[i], toks[j-1]
	c := cover[j-1]
	if c == 0 || spans[c-1].From != j-1 || spans[c-1].To != j || !spans[c-1].weakPlace() || spans[c-1].feature() || last.Hyph {
		return false
	}
	w := first.Norm
	return text.ScriptOf(w) == text.Cyrillic && text.ScriptOf(last.Norm) == text.Cyrillic && !first.Upper && !first.SentStart &&
		!ruCommonWord(nc.ruWords, w) && !russianAdjective(w) && !placeQualifiers[w] && !compass[w] && !text.IsStopwordAny(w) &&
		!ruOrgNounForms[w] && !honorifics[w]
}

// ruArabicName reports an Arabic name as Russian writes it, with the article in lower case
// joined by a hyphen ("аль-Газали", "ас-Сувайди") or after a first word ("Абд аль-Мумин"):
// a person's name. Bodies and places so named mostly capitalise the article or are
// feminine nouns ending in -а, -я ("аль-Каида" the base, "аль-Джазира" the island, "аль-Акса"),
// where men's names end in a consonant or the nisba's -и ("аль-Кинди"); those are left.
func ruArabicName(toks []text.Token, i, j int, nc nameContext) bool {
	if len(nc.ruWords) == 0 || j-i > 4 || text.ScriptOf(toks[i].Norm) != text.Cyrillic {
		return false
	}
	if last := toks[j-1].Norm; strings.HasSuffix(last, "а") || strings.HasSuffix(last, "я") {
		return false
	}
	if articlePrefix(toks, i) {
		return true
	}
	return j-i >= 3 && toks[i].Cap && !toks[i].Upper && articlePrefix(toks, i+1)
}

// ruPlaceCompound reports one word of capitalised Cyrillic parts joined by hyphens that
// nothing else types ("Квито-Кванавале", "Пер-Лашез", "Масса-Каррары"): in Russian text
// such a word is a transliterated place far more often than anything else. People's double
// names have a first name or a family-name ending ("Жан-Поль", "Петров-Водкин"); the Arabic
// article starts bodies' names ("Аль-Шабаб"); a quoted one is a club's or a title's.
func (f *fieldNames) ruPlaceCompound(i, j int) bool {
	toks, nc := f.toks, f.nc
	if j-i < 2 || len(nc.ruWords) == 0 || quoted(f.src, toks[i].Start) || nc.isGivenName(toks[i].Norm) {
		return false
	}
	switch toks[i].Norm {
	case "аль", "ал", "эль", "ибн", "абу", "бен", "бин":
		return false
	}
	for k := i; k < j; k++ {
		t := toks[k]
		if k > i && !t.Hyph || !t.Cap || t.Upper || f.cover[k] > 0 || text.ScriptOf(t.Norm) != text.Cyrillic || surnameLike(t.Norm) {
			return false
		}
	}
	return true
}

// ruChineseKinds end the Russian transcriptions of Chinese places, each a kind of place:
// river (-цзян, -хэ), mountain (-шань), island (-дао), prefecture (-чжоу).
var ruChineseKinds = []string{"цзян", "шань", "дао", "чжоу", "хэ"}

// ruChinesePlace reports a Cyrillic word longer than its ending that ends in a Chinese
// place's kind: what a guess that a lone word is a person's name gives way to.
func ruChinesePlace(w string) bool {
	if text.ScriptOf(w) != text.Cyrillic || listedFirstName(w) {
		return false
	}
	for _, end := range ruChineseKinds {
		if strings.HasSuffix(w, end) && utf8.RuneCountInString(w) > utf8.RuneCountInString(end)+1 {
			return true
		}
	}
	return false
}

// ruPluralForms returns the oblique plural forms (genitive, dative, instrumental,
// prepositional) of a Russian place named in the plural, its plural adjectives declining
// with it: "Нидерланды" → "Нидерландов", "Нидерландах"; "Соединённые Штаты" →
// "Соединённых Штатах"; "Пиренеи" → "Пиренеев"; "Аппалачи" → "Аппалачей". slavicForm
// declines singulars and leaves a word in -ы, -и as it is, as it must an indeclinable
// "Сочи", "Тбилиси": here a word in -и counts as a plural only after a hushing sound, к,
// г, х or a vowel. The genitive without an ending ("Альп", "Карпат") is not made: it is
// as often another word ("Сум", "Бендер"). lower is in lower case; words after the head
// noun (a complement) and fixed words (first parts of a compound) stay as they are.
func ruPluralForms(lower []string, fixed func(int) bool) [][]string {
	head, st, prev := pluralHead(lower, fixed, func(i int) bool {
		return strings.HasSuffix(lower[i], "ые") || strings.HasSuffix(lower[i], "ие")
	})
	if head < 0 {
		return nil
	}
	w := lower[head]
	var ends []string // gen, dat, ins, pre
	switch {
	case strings.HasSuffix(w, "ы") && !strings.ContainsRune("аеёиоуыэюяьъй", prev):
		ends = []string{"ов", "ам", "ами", "ах"}
	case strings.HasSuffix(w, "и") && strings.ContainsRune("жчшщ", prev):
		ends = []string{"ей", "ам", "ами", "ах"}
	case strings.HasSuffix(w, "и") && strings.ContainsRune("кгх", prev):
		ends = []string{"ов", "ам", "ами", "ах"}
	case strings.HasSuffix(w, "и") && strings.ContainsRune("ае", prev):
		ends = []string{"ев", "ям", "ями", "ях"}
	default:
		return nil
	}
	hard, soft := []string{"ых", "ым", "ыми", "ых"}, []string{"их", "им", "ими", "их"}
	return pluralForms(lower, fixed, head, st, ends, func(x string, slot int) string {
		if a, ok := strings.CutSuffix(x, "ые"); ok {
			return a + hard[slot]
		}
		if a, ok := strings.CutSuffix(x, "ие"); ok {
			return a + soft[slot]
		}
		return x
	})
}

// ruTrimHeads leaves out of a known place the lower-case geographic noun its name in the
// knowledge base starts with ("штат Нью-Йорк", "штате Нью-Йорк"): the name alone is the
// place, as after any other geographic noun ("реки Янцзы", see ruGeoHeads). A curated or
// a user's name keeps its noun: there it tells two entities apart ("город Нахичевань", the
// city, from the republic).
func ruTrimHeads(toks []text.Token, spans []span) []span {
	for k := range spans {
		s := &spans[k]
		if s.Ent != nil && s.Ent.Src >= srcCountry && s.Type == "LOC" && s.To-s.From >= 2 && !toks[s.From].Cap && ruGeoHeads[toks[s.From].Norm] &&
			toks[s.From+1].Cap && !toks[s.From+1].Break {
			s.From++
		}
	}
	return spans
}

// ruFormOrgs extends a quoted organisation to the legal or sports form written before it,
// which the mention includes: ООО «Ромашка», ФК «Урал», БК «Бизоны», as CoNLL-style
// annotation counts the span. A separate span over the form's acronym gives way. spans are
// sorted by From.
func ruFormOrgs(toks []text.Token, src string, spans []span) []span {
	out := spans[:0]
	for k, s := range spans {
		if s.Type == "ORG" && s.From > 0 {
			f := toks[s.From-1]
			gap := strings.TrimSpace(src[f.End:toks[s.From].Start])
			if f.Upper && quotedOrgTitles[f.Norm] && (gap == "«" || gap == `"`) && (s.Quoted || gap == `"`) {
				if n := len(out); n > 0 && out[n-1].From == s.From-1 && out[n-1].To == s.From {
					out = out[:n-1] // the acronym alone
				}
				if s.Ent == nil && s.Key == "" {
					// The club is the same with or without its form: one ID for both.
					s.Key = unknownKey(toks[s.From:s.To])
				}
				s.From--
				spans[k] = s
			}
		}
		out = append(out, s)
	}
	return out
}

// ruSurnameAdjEnds are the folded endings of the family names declined as adjectives
// after -ск-, -цк- ("Тимановского", "Введенскому", "Трубецкой", "Вишневской"); the
// plural ones are left out: "-ские", "-ских" are places' adjectives ("Эгейских").
var ruSurnameAdjEnds = []string{"скии", "ского", "скому", "ским", "ском", "ская", "скую", "скои",
	"цкии", "цкого", "цкому", "цким", "цком", "цкая", "цкую", "цкои"}

// ruSurnameAdjective reports a lone capitalised word inside a sentence declined like an
// adjective in -ский, -цкий that qualifies no word after it: "бригады Тимановского в
// Румынию", "прежде всего, Введенского, Олейникова". Such an adjective capitalised before
// its noun is part of a name ("Московского университета", "Советского Союза"); with no
// noun after it, it is a family name. After a place's preposition the noun is left out
// of a street's or a district's name ("на Тверской"), which stays out.
func (f *fieldNames) ruSurnameAdjective(i, j int) bool {
	toks, nc := f.toks, f.nc
	if j-i != 1 || len(nc.ruWords) == 0 || f.cover[i] > 0 {
		return false
	}
	t := toks[i]
	if !t.Cap || t.Upper || t.SentStart || t.Hyph || text.ScriptOf(t.Norm) != text.Cyrillic {
		return false
	}
	ends := false
	for _, e := range ruSurnameAdjEnds {
		if strings.HasSuffix(t.Norm, e) && utf8.RuneCountInString(t.Norm) > utf8.RuneCountInString(e)+2 {
			ends = true
			break
		}
	}
	if !ends || i > 0 && !t.Break && (isPlacePrep(toks[i-1], f.src) || toks[i-1].Cap) {
		return false
	}
	if j == len(toks) {
		return true
	}
	next := toks[j]
	return next.Break || !next.Hyph && !next.Cap && (text.IsStopwordAny(next.Norm) || ruVerb(nc.ruWords, next.Norm))
}

// ruPlaceGovernors are the Russian nouns whose genitive complement is a place: a part or
// the surroundings of it, its capital, border or people ("в южной части Адриатики",
// "жители Вуковара", "на побережье Тосканы"). Forms as written, folded.
var ruPlaceGovernors = foldSet(`часть части частью частях частей территория территории территорию территорией
	окрестности окрестностях окрестностей побережье побережья побережью побережьем столица столицы столице
	столицу столицей граница границы границе границу границей границах жители жителей жителям житель жителя
	уроженец уроженца уроженцем уроженка уроженки население населения пределы пределах пределами окраина
	окраины окраине окраинах пригород пригорода пригороде пригородах`)

// ruPersonGovernors are the Russian nouns whose genitive complement is a person: kin,
// followers, and works named by their author ("сын Тимура", "войсками" is left out, an
// army is a country's as often; "по мотивам рассказа Форрестер", "музыка О'Каролана").
var ruPersonGovernors = foldSet(`сын сына сыну сыном сыновья сыновей дочь дочери дочерью дочерей жена жены жене
	жену женой муж мужа мужу мужем брат брата брату братом братья братьев сестра сестры сестре сестру сестрой
	отец отца отцу отцом мать матери матерью вдова вдовы вдовой внук внука внуком внучка внучки племянник
	племянника племянница племянницы потомок потомка потомки потомков наследник наследника наследником
	ученик ученика ученики учеников ученица ученицы сторонник сторонника сторонники сторонников соратник
	соратника соратники соратников портрет портрета портрете биография биографии биографию мемуары мемуаров
	творчество творчества творчеством творчестве роман романа роману романом романе романов романах рассказ
	рассказа рассказе рассказов повесть повести пьеса пьесы пьесе пьесу пьес поэма поэмы поэме стихи стихов
	стихотворение стихотворения стихотворений музыка музыки музыке музыку опера оперы опере оперу картина
	картины картине картину картин произведение произведения произведений сочинение сочинения сочинений
	трактат трактата трактате правление правления правлении`)

// ruGoverned types a lone name by the lower-case noun it complements in the genitive:
// a place's part or people make it a place, kin or works a person. Only a pattern's guess
// is retyped, and a small town of the gazetteer after a person's noun (towns share
// surnames: "музыка Эллингтона"); a known person or country stands. spans are sorted.
func ruGoverned(toks []text.Token, spans []span) []span {
	for k := range spans {
		s := &spans[k]
		if s.From == 0 || !oneWord(toks[s.From:s.To]) || toks[s.From].Break || toks[s.From].SentStart {
			continue
		}
		p := toks[s.From-1]
		if p.Cap || text.ScriptOf(p.Norm) != text.Cyrillic || text.ScriptOf(toks[s.From].Norm) != text.Cyrillic {
			continue
		}
		guess := s.Ent == nil && s.Conf <= 0.5 && (s.Type == "PER" || s.Type == "LOC")
		switch {
		case ruPlaceGovernors[p.Norm] && guess:
			s.Type = "LOC"
		case ruPersonGovernors[p.Norm] && guess:
			s.Type = "PER"
		case ruPersonGovernors[p.Norm] && s.Ent != nil && s.Ent.Src == srcCity && s.Ent.Pop < 100000 && s.Type == "LOC":
			*s = span{From: s.From, To: s.To, Type: "PER", Conf: 0.5, Name: s.Name}
		}
	}
	return spans
}

// ruPlaceEndings end the Russian names of towns and villages, and no family name's: the
// East Slavic -ск (Минск, Глуск) and the plural -вичи of villages named for a family
// (Барановичи, Ляховичи) in their case forms, the German -бург, the Slavic -град. A
// family of that name is written with the singular (-вич).
var ruPlaceEndings = []string{"ск", "ска", "ску", "ске", "вичи", "вичах", "вичей", "вичам", "бург", "бурга", "бургу", "бурге",
	"град", "града", "граду", "граде"}

// ruPlaceEnding reports a Cyrillic word longer than its ending by three letters or more
// that ends like a town's name (ruPlaceEndings), not a listed first name.
func ruPlaceEnding(w string) bool {
	if text.ScriptOf(w) != text.Cyrillic || listedFirstName(w) {
		return false
	}
	for _, end := range ruPlaceEndings {
		if strings.HasSuffix(w, end) && utf8.RuneCountInString(w) >= utf8.RuneCountInString(end)+3 {
			return true
		}
	}
	return false
}

// ruPluralGeoHeads are Russian geographic nouns in the plural: a list of places follows
// them, after "таких как" or a dash ("хребтов, таких как X, Y", "населённые пункты - X,
// Y, Z"), where ruHeadName takes only the first name or those joined by "и".
var ruPluralGeoHeads = foldSet(`хребты хребтов хребтах вершины вершин горы гор горах острова островов островах
	реки рек реках озёра озер озерах города городов городах сёла сел сёлах деревни деревень деревнях посёлки
	посёлков посёлках пункты пунктов пунктах районы районов районах области областей провинции провинций
	провинциях штаты штатов штатах страны стран странах княжества княжеств`)

// ruHeadList makes places of the one-word Cyrillic names listed from k on after a plural
// geographic noun: each word after a comma or "и", until something else. A name of more
// words ends the list (the rest of the patterns type it), a known name stands, a guess over
// the same word gives way. At most 16 names. listed is false when no one-word name follows
// (a genitive singular like "провинции" is left to ruHeadName).
func ruHeadList(toks []text.Token, src string, k int, cover []int, added []span) (_ []span, listed bool) {
	gap := func(k int) string { return strings.TrimSpace(src[toks[k-1].End:toks[k].Start]) }
	switch {
	case k+1 < len(toks) && toks[k].Norm == "таких" && toks[k+1].Norm == "как" && !toks[k+1].Break:
		k += 2
	case k < len(toks) && toks[k].Norm == "как":
		k++
	case k < len(toks) && toks[k].Break && !strings.Contains("-:–—", gap(k)):
		return added, false
	}
	for n := 0; n < 16 && k < len(toks); n++ {
		t := toks[k]
		if !t.Cap || t.Upper || t.Initial || text.ScriptOf(t.Norm) != text.Cyrillic {
			break
		}
		end := k + 1
		for end < len(toks) && toks[end].Hyph && toks[end].Cap {
			end++
		}
		if end < len(toks) && toks[end].Cap && !toks[end].Break {
			break
		}
		listed = true
		known := false
		for m := k; m < end; m++ {
			known = known || cover[m] > 0
		}
		if !known {
			added = dropOverlaps(added, k, end)
			added = append(added, span{From: k, To: end, Type: "LOC", Conf: 0.55, Name: surfaceOf(src, toks[k:end])})
		}
		switch {
		case end+1 < len(toks) && toks[end].Break && gap(end) == ",":
			k = end
		case end+1 < len(toks) && toks[end].Norm == "и" && !toks[end].Cap && !toks[end].Break:
			k = end + 1
		default:
			return added, listed
		}
	}
	return added, listed
}

// ruCompoundKinds are the lower-case second parts of a hyphenated Russian transcription
// that say what the whole word names, in their case forms: a Chinese emperor's temple
// name ends in -цзун or -цзу ("Гао-цзун", "Тай-цзу"); an English street, square, park,
// house or hall keeps its word ("Бейкер-стрит", "Гайд-парк", "Кенвуд-хаус").
var ruCompoundKinds = func() map[string]string {
	m := map[string]string{}
	for _, w := range strings.Fields(`цзун цзуна цзуну цзуном цзуне цзу`) {
		m[text.Fold(w)] = "PER"
	}
	for _, w := range strings.Fields(`стрит сквер сквера скверу сквере парк парка парку парком парке хаус хауса хаусе
		холл холла холле авеню роуд лейн бридж гарден плейс`) {
		m[text.Fold(w)] = "LOC"
	}
	return m
}()

// ruLowerCompounds types a capitalised Cyrillic word joined by a hyphen to a lower-case
// part of ruCompoundKinds, the two as one name: the patterns see the capitalised part
// alone and guess (a town "Гао", a person "Кенвуд"). A name the knowledge base knows over
// the capitalised part gives way; one reaching past the compound stands.
func ruLowerCompounds(toks []text.Token, src string, spans []span, cover []int, drop []bool, added []span) []span {
	for k := 0; k+1 < len(toks); k++ {
		t, part := toks[k], toks[k+1]
		typ := ruCompoundKinds[part.Norm]
		if typ == "" || !part.Hyph || part.Cap || !t.Cap || t.Upper || t.Hyph || text.ScriptOf(t.Norm) != text.Cyrillic ||
			k+2 < len(toks) && toks[k+2].Hyph {
			continue
		}
		if c := cover[k]; c > 0 {
			if s := spans[c-1]; s.From < k || s.To > k+2 {
				continue
			}
			drop[c-1] = true
		}
		added = dropOverlaps(added, k, k+2)
		added = append(added, span{From: k, To: k + 2, Type: typ, Conf: 0.55, Name: surfaceOf(src, toks[k:k+2])})
	}
	return added
}

// ruVerbLinks are the Russian words a subject's verb may follow: negation, adverbs of
// repetition, and the past of "быть", "стать", a verb themselves ("Хуайи был казнён").
var ruVerbLinks = foldSet(`не также тоже уже ещё вновь снова лишь сам сама`)

var ruLinkVerbs = foldSet(`был была стал стала`)

// ruVerbAfter reports a verb in the third person or the past at toks[j], or after one
// negation, adverb of repetition or adverb in -о there ("Эвгемер не отрицает", "Геродот
// подробно рассказывает"): what a sentence's first word is then the subject of.
func ruVerbAfter(dict wordSet, toks []text.Token, j int) bool {
	if j >= len(toks) || toks[j].Cap || toks[j].Break {
		return false
	}
	w := toks[j].Norm
	if ruVerb(dict, w) || ruLinkVerbs[w] {
		return true
	}
	adverb := ruVerbLinks[w]
	if st, ok := strings.CutSuffix(w, "о"); ok && utf8.RuneCountInString(st) >= 3 {
		// an adverb made of an adjective of the dictionary: "подробно" of "подробный"
		adverb = adverb || dict.has(w) || dict.has(st+"ыи") || dict.has(st+"ии")
	}
	return adverb && j+1 < len(toks) && !toks[j+1].Cap && !toks[j+1].Break && ruVerb(dict, toks[j+1].Norm)
}

// ruDashPairs extends a person or a place to the lone capitalised word a dash joins to
// it, when nothing else names that word: Russian names a reaction, a law or a pact by two
// people so ("реакция Байера - Виллигера", "пакт Молотова - Риббентропа"), a line or a
// route by two places ("линия Ливада - Новосавицкая"). spans are sorted by From; the
// result is too.
func ruDashPairs(toks []text.Token, src string, spans []span) []span {
	n := len(spans)
	for k := 0; k < n; k++ {
		s := spans[k]
		e := s.To
		if s.Type != "PER" && s.Type != "LOC" || e >= len(toks) || text.ScriptOf(toks[s.From].Norm) != text.Cyrillic {
			continue
		}
		t := toks[e]
		if !t.Cap || t.Upper || t.Initial || t.Hyph || text.ScriptOf(t.Norm) != text.Cyrillic ||
			e+1 < len(toks) && (toks[e+1].Hyph || toks[e+1].Cap && !toks[e+1].Break) {
			continue
		}
		if gap := strings.TrimSpace(src[toks[e-1].End:t.Start]); gap != "-" && gap != "–" && gap != "—" {
			continue
		}
		if k+1 < n && spans[k+1].From <= e {
			continue // the word has a name of its own
		}
		spans = append(spans, span{From: e, To: e + 1, Type: s.Type, Conf: 0.45, Name: surfaceOf(src, toks[e:e+1])})
	}
	if len(spans) > n {
		sort.SliceStable(spans, func(a, b int) bool { return spans[a].From < spans[b].From })
	}
	return spans
}

// ruAdjectivePlace reports two capitalised Cyrillic words after a place's preposition,
// the first declined as an adjective and no listed first name, the second not: "в
// Широкой Куле", "на Красной Поляне". A Russian first name is no adjective, so the
// consonant skeleton that makes a first name of "Широкой" is wrong; the preposition puts
// the two in a place. ("Алексей" and the other first names in -ей are listed.)
func (f *fieldNames) ruAdjectivePlace(i, j int) bool {
	toks, nc := f.toks, f.nc
	if j-i != 2 || i == 0 || len(nc.ruWords) == 0 || toks[i].Break || !isPlacePrep(toks[i-1], f.src) || toks[i-1].Cap {
		return false
	}
	first, last := toks[i], toks[j-1]
	return text.ScriptOf(first.Norm) == text.Cyrillic && text.ScriptOf(last.Norm) == text.Cyrillic && !last.Hyph &&
		russianAdjective(first.Norm) && !strings.HasSuffix(first.Norm, "еи") && !listedFirstName(first.Norm) &&
		!russianAdjective(last.Norm) && !surnameLike(last.Norm)
}
