package entity

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// inflect returns the folded token sequences under which a name is entered in the name
// table: the name itself and its inflected forms in lang. Names are never stemmed (a stemmer
// turns Лавров into лавр and Ереван into ерева); instead the forms a name takes in running
// text are generated from its ending: Лавров → Лаврова, Лаврову, Лавровым, Лаврове.
func inflect(lower []string, lang string, acronym bool) [][]string {
	return inflectName(lower, lang, acronym, false)
}

// inflectName is inflect; person says every word declines (Сергей Лавров → Сергея Лаврова),
// otherwise only the head does, with its adjectives (Лачинский коридор → Лачинского
// коридора), and the complement stays (Организация Договора о коллективной безопасности →
// Организации Договора о коллективной безопасности).
func inflectName(lower []string, lang string, acronym, person bool) [][]string {
	return inflectCompound(lower, nil, lang, acronym, person)
}

// inflectCompound is inflectName where fixed marks the words that never decline: the
// first parts of a hyphenated compound ("Нью-Йорк" → "Нью-Йорка", "Алма-Ата" →
// "Алма-Аты", "Санта-Барбара" → "Санта-Барбаре").
func inflectCompound(lower []string, fixed []bool, lang string, acronym, person bool) [][]string {
	isFixed := func(i int) bool { return i < len(fixed) && fixed[i] }
	base := make([]string, len(lower))
	for i, w := range lower {
		base[i] = text.Fold(w)
	}
	out := [][]string{base}
	if acronym || len(lower) == 0 {
		return out
	}
	seen := map[string]bool{strings.Join(base, " "): true}
	addForm := func(form []string) {
		k := strings.Join(form, " ")
		if !seen[k] {
			seen[k] = true
			out = append(out, form)
		}
	}
	last := lower[len(lower)-1]
	switch text.ScriptOf(last) {
	case text.Cyrillic:
		var slots []int
		switch lang {
		case "ru":
			slots = ruSlots
		case "uk":
			slots = ukSlots
		default:
			slots = allSlots
		}
		decl := len(lower)
		if !person {
			for i, w := range lower {
				if isFixed(i) {
					continue
				}
				// "медно-молибденовый": the first part of a compound adjective stays as
				// it is and the adjective goes on.
				// A neuter noun in -ство/-цтво is the head ("Министерство иностранных дел").
				if compoundPrefix := strings.HasSuffix(w, "о") && !strings.HasSuffix(w, "тво") && w != "озеро" && i+1 < len(lower); !slavicAdjective(w) && !compoundPrefix && !ukFemAdjective(lower, i) {
					decl = i + 1
					break
				}
			}
		}
		// A noun in -ь after a feminine adjective is feminine ("Донецкая область",
		// "Запорізька область": в Донецкой области, у Запорізькій області), whatever the
		// masculine -ь nouns do (Кремль → Кремля).
		femHead := false
		if !person && decl > 1 && strings.HasSuffix(lower[decl-1], "ь") {
			adj := lower[decl-2]
			femHead = strings.HasSuffix(adj, "ая") || strings.HasSuffix(adj, "яя") || strings.HasSuffix(adj, "ька")
		}
		for _, s := range slots {
			form := make([]string, len(lower))
			changed := false
			for i, w := range lower {
				f := w
				if i < decl && !isFixed(i) {
					f = slavicForm(w, s, person)
					if s >= ukGen && !person && ukFemAdjective(lower, i) {
						st := strings.TrimSuffix(w, "а")
						f = []string{st + "ої", st + "ій", st + "у", st + "ою", st + "ій"}[s-ukGen]
					}
					if femHead && i == decl-1 {
						f = femSoftForm(w, s)
					}
				}
				if f != w {
					changed = true
				}
				form[i] = text.Fold(f)
			}
			if changed {
				addForm(form)
			}
			// A Ukrainian masculine noun of a region or a thing takes -у in the genitive
			// (до Нагірного Карабаху, Кавказу, Криму), a town's -а (Харкова): a name
			// could be either, so both; the dative gives the one-word form already.
			if s == ukGen && !person && decl > 1 && !isFixed(decl-1) {
				head := lower[decl-1]
				if r, _ := utf8.DecodeLastRuneInString(head); !strings.ContainsRune("аеёиоуыэюяіїєйь", r) {
					if dat := slavicForm(head, ukDat, person); strings.HasSuffix(dat, "у") {
						alt := slices.Clone(form)
						alt[decl-1] = text.Fold(dat)
						addForm(alt)
					}
				}
			}
			if person && len(lower) > 1 {
				// Women's surnames in -ян, -ко, -их stay as they are while the
				// first name declines: "с Анной Акопян".
				fixed := slices.Clone(form)
				fixed[len(fixed)-1] = base[len(base)-1]
				addForm(fixed)
			}
		}
		if !person && (lang == "ru" || lang == "any") {
			for _, form := range ruPluralForms(lower, isFixed) {
				addForm(form)
			}
		}
		if !person && (lang == "uk" || lang == "any") {
			for _, form := range ukPluralForms(lower, isFixed) {
				addForm(form)
			}
		}
	case text.Arabic:
		// Arabic writes "and", "with/in", "for" and "so" as one letter glued to the word
		// after it, a name's first word as much as any other ("وسيرغي لافروف", "بأرمينيا",
		// "لأذربيجان"); "for" and the article "ال" make "لل" ("للاتحاد الأوروبي").
		if lang == "ar" && utf8.RuneCountInString(base[0]) >= 3 {
			for _, p := range []string{"و", "ب", "ل", "ف", "وب", "ول"} {
				w := p + base[0]
				if rest, ok := strings.CutPrefix(base[0], "ال"); ok && strings.HasSuffix(p, "ل") {
					w = p + "ل" + rest
				}
				addForm(append([]string{w}, base[1:]...))
			}
		}
		// A Persian name that starts with a plural noun ("نیروهای حافظ صلح روسیه",
		// peacekeeping forces) is written in the singular too ("نیروی حافظ صلح"): the
		// plural -ها goes, and its ezafe -ی stays after a vowel; folded, the ZWNJ before
		// -ها is gone.
		if lang == "fa" && len(base) > 1 {
			if st, ok := strings.CutSuffix(base[0], "های"); ok && utf8.RuneCountInString(st) >= 2 {
				addForm(append([]string{st + "ی"}, base[1:]...))
				addForm(append([]string{st}, base[1:]...))
			} else if st, ok := strings.CutSuffix(base[0], "ها"); ok && utf8.RuneCountInString(st) >= 2 {
				addForm(append([]string{st}, base[1:]...))
			}
		}
	case text.Armenian:
		for _, f := range armenianForms(last) {
			addForm(withLast(base, text.Fold(f)))
		}
	case text.Georgian:
		for _, f := range georgianForms(last) {
			addForm(withLast(base, f))
		}
		if !person && len(lower) > 1 {
			for _, f := range georgianSyncopeForms(last) {
				addForm(withLast(base, f))
			}
		}
	case text.Latin:
		switch lang {
		case "az", "tr":
			for _, f := range turkicForms(base[len(base)-1]) {
				addForm(withLast(base, f))
			}
		case "de":
			// The German genitive of a name: "Armeniens", "Aserbaidschans", "Putins".
			if f := base[len(base)-1]; deGenitiveS(f) {
				addForm(withLast(base, f+"s"))
			}
			if !person {
				for _, form := range deDeclined(base) {
					addForm(form)
				}
			}
		}
	}
	return out
}

func withLast(base []string, last string) []string {
	f := make([]string, len(base))
	copy(f, base)
	f[len(f)-1] = last
	return f
}

// Case slots for Russian and Ukrainian.
const (
	ruGen = iota
	ruDat
	ruAcc
	ruIns
	ruPre
	ukGen
	ukDat
	ukAcc
	ukIns
	ukLoc
)

var (
	ruSlots  = []int{ruGen, ruDat, ruAcc, ruIns, ruPre}
	ukSlots  = []int{ukGen, ukDat, ukAcc, ukIns, ukLoc}
	allSlots = append(append([]int{}, ruSlots...), ukSlots...)
)

// slavicForm returns w (lower case, not folded) in case slot s, by its ending. Words that do
// not decline (Баку, Тбилиси, Косово) come back unchanged. A person's name keeps a
// fleeting vowel (see obliqueStem): surnames in -ец and -ок are written both ways.
func slavicForm(w string, s int, person bool) string {
	uk := s >= ukGen
	ends := func(suf string) bool { return strings.HasSuffix(w, suf) }
	cut := func(n int) string { // drop n runes
		r := []rune(w)
		if len(r) <= n {
			return w
		}
		return string(r[:len(r)-n])
	}
	pick := func(forms ...string) string { // one form per slot, in slot order within the language
		i := s
		if uk {
			i = s - ukGen
		}
		return forms[i]
	}
	if utf8.RuneCountInString(w) < 3 {
		return w
	}
	switch {
	// Adjectives: Лачинский коридор, Европейский союз, Российская Федерация.
	case ends("ский") || ends("цкий") || ends("ький"):
		st := cut(2)
		if uk {
			return pick(st+"ого", st+"ому", w, st+"им", st+"ому")
		}
		return pick(st+"ого", st+"ому", w, st+"им", st+"ом")
	// Soft adjectives: Нижний Новгород → Нижнего Новгорода, Нижнем Новгороде; Ukrainian
	// Нижній → Нижнього, Нижньому, Нижнім. Russian writes a hard stem's н before -ый
	// (Красный), so -ний is soft; Ukrainian writes it before -ий (Червоний), so only -ній is.
	case !uk && ends("ний"):
		st := cut(2)
		return pick(st+"его", st+"ему", w, st+"им", st+"ем")
	case uk && ends("ній"):
		st := cut(2)
		return pick(st+"ього", st+"ьому", w, st+"ім", st+"ьому")
	case ends("ый") || ends("ой") || ends("ий") || ends("ій"):
		st := cut(2)
		if uk {
			return pick(st+"ого", st+"ому", w, st+"им", st+"ому")
		}
		y := "ым"
		if ends("ий") || strings.HasSuffix(st, "к") || strings.HasSuffix(st, "г") || strings.HasSuffix(st, "х") {
			y = "им"
		}
		return pick(st+"ого", st+"ому", w, st+y, st+"ом")
	case ends("яя"): // Нижняя Тура → Нижней Туры, Нижнюю Туру
		st := cut(2)
		return pick(st+"ей", st+"ей", st+"юю", st+"ей", st+"ей")
	case ends("ая"):
		st := cut(2)
		return pick(st+"ой", st+"ой", st+"ую", st+"ой", st+"ой")
	case ends("а") && (strings.HasSuffix(cut(1), "ськ") || strings.HasSuffix(cut(1), "цьк") || strings.HasSuffix(cut(1), "зьк")) && uk:
		st := cut(1)
		return pick(st+"ої", st+"ій", st+"у", st+"ою", st+"ій")
	case ends("ее"): // Среднее Поволжье → Среднего Поволжья
		st := cut(2)
		return pick(st+"его", st+"ему", w, st+"им", st+"ем")
	case ends("ое"):
		st := cut(2)
		return pick(st+"ого", st+"ому", w, st+"ым", st+"ом")
	// Nouns.
	case ends("ия"):
		st := cut(2)
		return pick(st+"ии", st+"ии", st+"ию", st+"ией", st+"ии")
	case ends("ія"):
		st := cut(2)
		return pick(st+"ії", st+"ії", st+"ію", st+"ією", st+"ії")
	case ends("а"):
		st := cut(1)
		soft := strings.HasSuffix(st, "г") || strings.HasSuffix(st, "к") || strings.HasSuffix(st, "х") ||
			strings.HasSuffix(st, "ж") || strings.HasSuffix(st, "ч") || strings.HasSuffix(st, "ш") || strings.HasSuffix(st, "щ")
		if uk {
			g := "и"
			return pick(st+g, st+"і", st+"у", st+"ою", st+"і")
		}
		g := "ы"
		if soft {
			g = "и"
		}
		return pick(st+g, st+"е", st+"у", st+"ой", st+"е")
	case ends("я"):
		st := cut(1)
		if uk {
			return pick(st+"і", st+"і", st+"ю", st+"ею", st+"і")
		}
		return pick(st+"и", st+"е", st+"ю", st+"ей", st+"е")
	case ends("й"):
		st := cut(1)
		if uk {
			return pick(st+"я", st+"ю", st+"я", st+"єм", st+"ї")
		}
		return pick(st+"я", st+"ю", st+"я", st+"ем", st+"е")
	case ends("ь"):
		st := cut(1)
		if uk {
			if !person {
				st = obliqueStem(st, uk)
			}
			return pick(st+"я", st+"ю", w, st+"ем", st+"і")
		}
		return pick(st+"я", st+"ю", w, st+"ем", st+"е")
	// Neuter nouns that head the names of bodies and regions (-ство, Ukrainian -цтво too), by suffixes that are never
	// a borrowed indeclinable name's (Косово, Бородино, Тбилиси stay as they are):
	// Министерство обороны → Министерства обороны, Закавказье → Закавказья, Содружество →
	// Содружеством, Собрание → Собрания; and the sea and the lake of a place's name.
	case !person && (ends("тво") || ends("ище")):
		st := cut(1)
		if uk {
			return pick(st+"а", st+"у", w, st+"ом", st+"і")
		}
		return pick(st+"а", st+"у", w, st+neuterIns(st), st+"е")
	case !person && !uk && ends("ие"):
		st := cut(1)
		return pick(st+"я", st+"ю", w, st+"ем", st+"и") // о собрании
	case !person && !uk && ends("ье"):
		st := cut(1)
		return pick(st+"я", st+"ю", w, st+"ем", st+"е") // в Закавказье
	case !person && !uk && (w == "море" || w == "озеро"):
		if w == "море" {
			return pick("моря", "морю", w, "морем", "море")
		}
		return pick("озера", "озеру", w, "озером", "озере")
	case ends("о") || ends("е") || ends("и") || ends("у") || ends("ю") || ends("э") || ends("ы") || ends("і") || ends("є"):
		return w
	default: // consonant: Лавров, Ереван, Пашинян, Кремль handled above
		r, _ := utf8.DecodeLastRuneInString(w)
		if !unicode.Is(unicode.Cyrillic, r) {
			return w
		}
		ins := "ом"
		if ends("ов") || ends("ев") || ends("ин") || ends("ын") || ends("ёв") {
			ins = "ым"
			if uk {
				ins = "им"
			}
		}
		if uk {
			// Ukrainian surnames of the possessive kind, in -ов, -ев, -єв, -ін, -їн, -ин,
			// take the adjective's -им (з Алієвим, з Путіним); a town or a thing with the
			// same ending is a noun and takes -ом (під Ростовом, над Берліном).
			ins = "ом"
			if person && (ends("ов") || ends("ев") || ends("єв") || ends("ин") || ends("ін") || ends("їн")) {
				ins = "им"
			}
		}
		st := w // the stem of the oblique cases
		if !person && ins == "ом" {
			st = obliqueStem(w, uk)
		}
		if uk {
			if ins == "ом" {
				return pick(st+"а", st+"у", w, st+"ом", ukLocative(st))
			}
			return pick(w+"а", w+"у", w+"а", w+ins, w+"і")
		}
		if ins == "ом" {
			return pick(st+"а", st+"у", w, st+"ом", st+"е")
		}
		return pick(w+"а", w+"у", w+"а", w+ins, w+"е")
	}
}

// keepEc are Russian nouns in -ец whose е stays in every case (кузнеца, мудреца): an
// evaluative or root е under the stress, which spelling does not show.
var keepEc = map[string]bool{"кузнец": true, "мудрец": true, "близнец": true, "храбрец": true,
	"наглец": true, "хитрец": true, "подлец": true}

// obliqueStem returns the stem a masculine noun (lower case, not folded; Ukrainian nouns
// in -ь without it) declines on, where its last syllable changes and the rule is reliable:
//   - the fleeting е of -ец (дворец → дворца, конец → конца, Елец → Ельца, боец →
//     бойца; Ukrainian кінець → кінця): a noun of two syllables or more, not a root е
//     (жрец, чтец, and keepEc);
//   - the fleeting о of -ок after a hushing sound (Торжок → Торжка, значок → значка), the
//     diminutive suffix; other -ок keep their о too often to guess (Владивосток,
//     Белосток, поток, урок keep it; городок, платок do not);
//   - Ukrainian і of a closed last syllable, which opens to о, or е after a hushing sound
//     or й, and ї to є (Харків → Харкова, Львів → Львова, Київ → Києва, Миколаїв →
//     Миколаєва). Кишинів (Кишинева) is an exception it gets wrong: a form nobody writes.
//
// Any other word comes back as it is.
func obliqueStem(w string, uk bool) string {
	r := []rune(w)
	n := len(r)
	if n < 4 {
		return w
	}
	before := r[:n-2] // the word without its last two letters
	twoSyllables := strings.ContainsAny(string(before), "аеёиоуыэюяіїє")
	prev := r[n-3]
	switch {
	case string(r[n-2:]) == "ец" && twoSyllables && !keepEc[w]:
		switch {
		case strings.ContainsRune("аеёиоуыэюяіїє", prev):
			return string(before) + "йц"
		case prev == 'л':
			return string(before) + "ьц"
		}
		return string(before) + "ц"
	case string(r[n-2:]) == "ок" && twoSyllables && strings.ContainsRune("жшчщ", prev):
		return string(before) + "к"
	case uk && string(r[n-2:]) == "ів" && !strings.ContainsRune("аеёиоуыэюяіїєь'’", prev):
		if strings.ContainsRune("жшчщй", prev) {
			return string(before) + "ев"
		}
		return string(before) + "ов"
	case uk && string(r[n-2:]) == "їв":
		return string(before) + "єв"
	}
	return w
}

// ukLocative is the Ukrainian locative of a masculine noun's stem: к, г and х soften
// before -і (Карабах → у Карабасі, Петербург → у Петербурзі); the dative -у, which such
// nouns also take in the locative (в Іраку), is generated as the dative.
func ukLocative(st string) string {
	r, size := utf8.DecodeLastRuneInString(st)
	switch r {
	case 'к':
		return st[:len(st)-size] + "ці"
	case 'г':
		return st[:len(st)-size] + "зі"
	case 'х':
		return st[:len(st)-size] + "сі"
	}
	return st + "і"
}

// armenianForms: genitive-dative -ի, -ին, ablative -ից, locative -ում, instrumental -ով and
// the definite article -ը (after a consonant) or -ն (after a vowel, and after a consonant
// too before a word that starts with a vowel: "Երևանն ինքն է", "Փաշինյանն էլ"). Vowel-final stems take
// a glide (Մոսկվայի), names in -ե also none (Պիվեի); -ու turns into -վ (Բաքու → Բաքվի,
// Բաքվում), and a foreign name's stays (Սինիրլիօղլուից); -ություն into -ության.
func armenianForms(w string) []string {
	if st, ok := strings.CutSuffix(w, "ություն"); ok {
		st += "ությ"
		return []string{st + "ան", st + "անը", st + "ամբ", st + "ունը", st + "ունից", st + "անից"}
	}
	var out []string
	add := func(stem string, sufs ...string) {
		for _, s := range sufs {
			out = append(out, stem+s)
		}
	}
	switch {
	case strings.HasSuffix(w, "ու"):
		st := strings.TrimSuffix(w, "ու") + "վ"
		add(st, "ի", "ից", "ում", "ով")
		add(w, "ն", "ի", "ին", "ից") // foreign names keep their -ու: Սինիրլիօղլուից
	case strings.HasSuffix(w, "ա") || strings.HasSuffix(w, "ո") || strings.HasSuffix(w, "ե") || strings.HasSuffix(w, "է") || strings.HasSuffix(w, "օ"):
		add(w+"յ", "ի", "ին", "ից", "ում", "ով")
		add(w, "ն")
		if strings.HasSuffix(w, "ե") || strings.HasSuffix(w, "է") {
			add(w, "ի", "ին", "ից") // the press writes foreign names in -ե without the glide too: Պիվեի
		}
	case strings.HasSuffix(w, "ի"):
		add(w, "ի", "ին", "ից", "ում", "ով", "ն")
	default:
		add(w, "ի", "ին", "ից", "ում", "ով", "ը", "ն", "ու")
	}
	return out
}

// georgianForms: consonant stems drop the nominative -ი (ლავროვი → ლავროვმა, თბილისში).
// Besides the cases: the dative with the vowel Georgian adds before "და" (and), the first
// of two names sharing the second's postposition ("ბერლინსა და ვენაში", in Berlin and
// Vienna), and the postpositions "up to" on the adverbial (თბილისამდე) and "towards" and
// "from" on the genitive (მოსკოვისკენ, მოსკოვისგან).
func georgianForms(w string) []string {
	var out []string
	if st, ok := strings.CutSuffix(w, "ი"); ok && utf8.RuneCountInString(st) > 1 {
		for _, s := range []string{"ის", "ს", "ში", "ით", "ად", "თან", "ზე", "იდან", "მა", "ისთვის", "ისა", "სა", "ამდე", "ისკენ", "ისგან"} {
			out = append(out, st+s)
		}
		return out
	}
	for _, s := range []string{"ს", "ში", "თი", "დ", "სთან", "ზე", "დან", "მ", "სთვის", "სა", "მდე"} {
		out = append(out, w+s)
	}
	// Stems in -ა drop it before the genitive, instrumental and adverbial endings and
	// what is built on them (ოცნება → ოცნების, ამერიკა → ამერიკიდან, ევროპა → ევროპისთვის).
	if st, ok := strings.CutSuffix(w, "ა"); ok && utf8.RuneCountInString(st) > 1 {
		for _, s := range []string{"ის", "ით", "ად", "იდან", "ისთვის", "ისა", "ისკენ", "ისგან"} {
			out = append(out, st+s)
		}
	}
	return out
}

// georgianSyncopeForms: the common noun heading a name loses the а or е of its last
// syllable before the genitive, instrumental and adverbial endings when a single
// sonant follows it (დერეფანი → ლაჩინის დერეფნის, დერეფნით; წყალი → წყლის). Names of
// people and places keep it (ერდოღანი → ერდოღანის), so only the head of a name of two
// words or more gets these forms, beside the full ones.
func georgianSyncopeForms(w string) []string {
	st, ok := strings.CutSuffix(w, "ი")
	if !ok {
		return nil
	}
	r := []rune(st)
	n := len(r)
	if n < 4 || !strings.ContainsRune("ნლრმ", r[n-1]) || !strings.ContainsRune("აე", r[n-2]) || strings.ContainsRune(georgianVowels, r[n-3]) ||
		!strings.ContainsAny(string(r[:n-3]), georgianVowels) {
		return nil
	}
	short := string(r[:n-2]) + string(r[n-1])
	var out []string
	for _, s := range []string{"ის", "ით", "ად", "იდან", "ისთვის", "ისა"} {
		out = append(out, short+s)
	}
	return out
}

const georgianVowels = "აეიოუ"

// turkicForms: case suffixes written without an apostrophe, as Azerbaijani does for names
// (Azərbaycanın, Rusiyada, Bakıya). w is folded (ı→i, ü→u). A name whose head carries the
// possessive -ı/-i/-u ("Xarkov vilayəti", "Minsk qrupu", "Zengezur koridoru") takes
// its cases after an n ("vilayətindəki", "qrupunda", "missiyasına"), besides the y and
// the genitive's n that any vowel takes.
var turkicSuffixes = []string{
	"in", "un", "nin", "nun", "a", "ə", "e", "ya", "yə", "ye", "i", "u", "ni", "nu",
	"da", "də", "de", "ta", "tə", "te", "dan", "dən", "den", "tan", "tən", "ten",
	"la", "lə", "le", "yla", "ylə", "yle", "daki", "dəki", "deki", "li", "lu", "lı",
	"na", "nə", "ne", "nda", "ndə", "nde", "ndan", "ndən", "nden", "ndaki", "ndəki", "ndeki",
}

func turkicForms(w string) []string {
	out := make([]string, 0, len(turkicSuffixes))
	for _, s := range turkicSuffixes {
		out = append(out, text.Fold(w+s))
	}
	return out
}

func slavicAdjective(w string) bool {
	for _, suf := range []string{"ий", "ый", "ой", "ая", "яя", "ое", "ее", "ій", "ська", "цька", "зька"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// ukFemAdjective reports whether word i of a name is a Ukrainian feminine adjective before
// its noun: a word in -а after a consonant followed by a word in -а or -я ("Верховна
// Рада", "Велика Британія", "Південна Осетія"). Unlike Russian -ая, the ending is a
// noun's too; a feminine noun right before another in the nominative is rare in a name
// that is not a person's ("Рада Європи" has its complement in the genitive).
func ukFemAdjective(lower []string, i int) bool {
	if i+1 >= len(lower) {
		return false
	}
	w, next := []rune(lower[i]), lower[i+1]
	n := len(w)
	if n < 4 || w[n-1] != 'а' || strings.ContainsRune("аеєиіїоуюяьй'’", w[n-2]) {
		return false
	}
	return strings.HasSuffix(next, "а") || strings.HasSuffix(next, "я")
}

// femSoftForm declines a feminine noun in -ь in slot s: Russian -и in the genitive, dative
// and prepositional and -ью in the instrumental (области, областью), Ukrainian -і and -ю
// (області, областю).
func femSoftForm(w string, s int) string {
	st := strings.TrimSuffix(w, "ь")
	if s >= ukGen {
		return [...]string{st + "і", st + "і", w, st + "ю", st + "і"}[s-ukGen]
	}
	return [...]string{st + "и", st + "и", w, st + "ью", st + "и"}[s]
}

// neuterIns is the instrumental ending of a neuter noun's stem: -ем after a hushing sound
// (кладбищем), -ом otherwise (министерством).
func neuterIns(st string) string {
	if strings.HasSuffix(st, "щ") || strings.HasSuffix(st, "ж") || strings.HasSuffix(st, "ч") || strings.HasSuffix(st, "ш") {
		return "ем"
	}
	return "ом"
}

// ukPluralForms returns the oblique cases (genitive, dative, instrumental, locative) of a
// Ukrainian name whose head is a plural noun, with the plural adjectives before it
// ("російські миротворці" → "російських миротворців", "російським миротворцям",
// "російськими миротворцями", "російських миротворцях"). A word in -і before another word
// is taken for an adjective: Ukrainian plural adjectives all end in -і, and a plural noun
// is the last of its group. Nouns in -и decline hard (коридори → коридорів, коридорам),
// nouns in -і after a consonant soft (миротворці → миротворців, миротворцям); a feminine
// or neuter plural (сили → сил) is not guessed from its ending: its genitive has none.
func ukPluralForms(lower []string, fixed func(int) bool) [][]string {
	head, st, prev := pluralHead(lower, fixed, func(i int) bool {
		return strings.HasSuffix(lower[i], "і") && i+1 < len(lower) && !fixed(i+1)
	})
	if head < 0 {
		return nil
	}
	w := lower[head]
	if strings.ContainsRune("аеєиіїоуюяьй'’", prev) {
		return nil
	}
	var ends []string // gen, dat, ins, loc
	switch {
	case strings.HasSuffix(w, "и"):
		ends = []string{"ів", "ам", "ами", "ах"}
	case strings.HasSuffix(w, "і"):
		ends = []string{"ів", "ям", "ями", "ях"}
		if strings.ContainsRune("жчшщ", prev) {
			ends = []string{"ів", "ам", "ами", "ах"}
		}
	default:
		return nil
	}
	adj := []string{"их", "им", "ими", "их"}
	return pluralForms(lower, fixed, head, st, ends, func(x string, slot int) string {
		if a, ok := strings.CutSuffix(x, "і"); ok {
			return a + adj[slot]
		}
		return x
	})
}

// pluralHead finds the plural noun heading a Russian or Ukrainian name: the first word that
// is neither fixed nor a plural adjective before it. It returns the word's index, its stem
// without the plural ending (-ы, -и, -і: two bytes each) and the stem's last letter; -1 when
// there is no head of four letters or more.
func pluralHead(lower []string, fixed func(int) bool, adjective func(i int) bool) (head int, stem string, prev rune) {
	for i := range lower {
		if fixed(i) || adjective(i) {
			continue
		}
		w := lower[i]
		if utf8.RuneCountInString(w) < 4 {
			return -1, "", 0
		}
		stem = w[:len(w)-len("и")]
		prev, _ = utf8.DecodeLastRuneInString(stem)
		return i, stem, prev
	}
	return -1, "", 0
}

// pluralForms builds a plural name's oblique forms, one per ending of ends: the head at
// index head becomes stem and the ending, and each word before it that is not fixed goes
// through adjective with the ending's slot (Russian and Ukrainian plural adjectives).
func pluralForms(lower []string, fixed func(int) bool, head int, stem string, ends []string, adjective func(x string, slot int) string) [][]string {
	out := make([][]string, 0, len(ends))
	for slot, end := range ends {
		form := make([]string, len(lower))
		for i, x := range lower {
			switch {
			case i == head:
				x = stem + end
			case i < head && !fixed(i):
				x = adjective(x, slot)
			}
			form[i] = text.Fold(x)
		}
		out = append(out, form)
	}
	return out
}
