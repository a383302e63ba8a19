package entity

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Names the knowledge base does not know are found by patterns, the way Europe Media
// Monitor finds new names: a run of capitalised words (with connectors such as "of", "de",
// "von" inside) outside a sentence's first word, typed by cues: a title before it (M.,
// President, министр), a known first name, an organisation word at its end or start
// (University, Party, Ministry, банк), a place word (River, Mount, гора), a family-name
// ending (-ов, -ян, -швили, -dze), an acronym. A pattern name is less certain than a
// knowledge-base name: confidence 0.4-0.7, Known false, ID "new:TYPE:name".
//
// This file runs the patterns over a field (findUnknown) and holds what they share; chunk.go
// types one capitalised run, weighing the evidence the other files describe by kind: people
// (first names, titles, occupations, surname endings), places (prepositions, geographic
// heads, Russian place adjectives), organisations (organisation words, acronyms, quoted
// clubs), events and nationalities, lists and surname propagation, and scripts.

func isNameTok(t text.Token) bool {
	if !t.Cap || !t.Letters {
		return false
	}
	return true
}

// nameContext is what the whole article tells the name patterns.
type nameContext struct {
	lower     map[string]bool // words the article writes in lower case somewhere
	common    wordSet         // the common words of the article's language, if known
	knownOnly bool            // no pattern names in this field (a Title Case headline)
	ruWords   wordSet         // dictionary forms of Russian common words
	trWords   wordSet         // Turkish common words, in Turkish text only
	ukWords   wordSet         // dictionary forms of Ukrainian common words, in Ukrainian text only
	enWords   wordSet         // English common words, in French text only (frEnglishWord)
	langWords wordSet         // common words of the article's language where a list has them (en, fr), see dropCommonAlternates
	lang      string          // the article's language (ISO 639-1), or "und"
	memo      *nameMemo       // nil: nothing remembered
	// otherScript: the field has Latin-script names but is written mostly in another
	// script (see foreignScript); findUnknown reads the field once for it.
	otherScript bool
}

// fieldNames is what typing the capitalised runs of one field reads and writes: the
// field's tokens and text, the knowledge-base names found in it (and for each token the one
// covering it), which of those a pattern name replaces, the pattern names found so far and
// what the article says (nameContext).
type fieldNames struct {
	toks  []text.Token
	src   string
	spans []span // knowledge-base names
	cover []int  // per token: 1 + index in spans of the name covering it, or 0
	drop  []bool // per span: replaced by a pattern name
	added []span // pattern names
	nc    nameContext
	kbs   kbSet // for names written in another script (bySkeleton)
}

// possessiveOwner finds the name the knowledge base knows that ends right before toks[j]
// with a possessive "'s" after it: the owner of what follows, which a run of capitalised
// words should not go past ("Russia's Federal Security Service", "Britain's Labour Party"
// name an owner and its body, not one body). It returns the owner's index in f.spans, or
// -1, and whether the owner is a country, region or city the knowledge base names whole
// (not a weak gazetteer place): such a place owns in any language. Any other known name
// owns only where the caller knows "'s" marks nothing else (English) and the name is the
// whole run so far: "People's Party", which nobody knows alone, stays whole. Nothing owns
// before an event's last word: "America's Cup" is one name.
func (f *fieldNames) possessiveOwner(j int) (owner int, place bool) {
	toks := f.toks
	if j == 0 || j >= len(toks) || eventLast[toks[j].Norm] || f.cover[j-1] == 0 {
		return -1, false
	}
	// The tokenizer cuts "'s" off a word; a word kept whole keeps it glued.
	w := f.src[toks[j-1].Start:toks[j-1].End]
	if !possessive(toks, f.src, j-1) && !strings.HasSuffix(w, "'s") && !strings.HasSuffix(w, "’s") {
		return -1, false
	}
	owner = f.cover[j-1] - 1
	s := f.spans[owner]
	if s.To != j {
		return -1, false
	}
	return owner, s.Type == "LOC" && s.Ent != nil && !s.weakPlace()
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

// findUnknown adds pattern names to the knowledge-base spans and resolves overlaps: a name
// with an organisation word ("Yerevan State University") wins over the place inside it; a
// person's name wins over a gazetteer town inside it ("Michael Jackson").
func (ks kbSet) findUnknown(toks []text.Token, src string, spans []span, nc nameContext) []span {
	spans = placedWordTowns(toks, src, spans)
	spans = dropTurkishCommonPlaces(toks, src, spans, nc)
	spans = ks.dropPersianInArabic(toks, spans, nc)
	spans = dropCommonAlternates(toks, src, spans, nc)
	if nc.knownOnly {
		return spans
	}
	// A Russian sentence listing Latin-script brands ("JPMorgan Chase, Citigroup, IBM") is
	// mostly Latin letters, yet written in Russian: the language says so too.
	nc.otherScript = latinName(toks) && (mostlyOtherScript(src) || nc.lang == "ru")
	// A gazetteer town whose one Cyrillic word is a Russian common word at a sentence's
	// start is the word ("Сын", "Тему", "Мои"); in Ukrainian text, a Ukrainian one ("Тоді",
	// "Усі", "Думки"), unless the town is Ukraine's: Ukrainian news name their own towns.
	if len(nc.ruWords) > 0 {
		keep := spans[:0]
		for _, s := range spans {
			t := toks[s.From]
			if !(s.To-s.From == 1 && t.SentStart && s.weakPlace() &&
				text.ScriptOf(t.Norm) == text.Cyrillic && (ruCommonWord(nc.ruWords, t.Norm) || s.Ent.Country != "UA" && ukCommonWord(nc.ukWords, t.Norm))) {
				keep = append(keep, s)
			}
		}
		spans = keep
		// A small town's one Cyrillic word right before a verb in the third person is the
		// person the sentence is about ("Бера уходит в Maserati", "Мур разорвал
		// отношения"), not the town, unless a preposition puts it in a place.
		for k, s := range spans {
			if s.To-s.From == 1 && s.Ent != nil && s.Ent.minorTown() &&
				text.ScriptOf(toks[s.From].Norm) == text.Cyrillic && s.To < len(toks) && !toks[s.To].Break && !toks[s.To].Cap &&
				ruVerb(nc.ruWords, toks[s.To].Norm) && !(s.From > 0 && !toks[s.From].Break && isPlacePrep(toks[s.From-1], src)) {
				spans[k] = span{From: s.From, To: s.To, Type: "PER", Conf: 0.5, Name: surfaceOf(src, toks[s.From:s.To])}
			}
		}
	}
	// A gazetteer town or feature that is only part of a word joined by hyphens is not
	// the place: "Ландсберге-на-Лехе", "Монте-Кассино", "Гао-цзун", "Масса-Каррара" are one
	// name each, whose first or last part a town shares; the patterns type the whole word.
	// Unless three or more known places are joined: "Bakü-Tiflis-Kars" is a route.
	keep := spans[:0]
	for _, s := range spans {
		joined := toks[s.From].Hyph || s.To < len(toks) && toks[s.To].Hyph
		if !(s.weakPlace() && joined && !placeChain(toks, spans, s)) {
			keep = append(keep, s)
		}
	}
	spans = keep
	cover := make([]int, len(toks)) // 1 + index of the KB span covering the token
	for si, s := range spans {
		for k := s.From; k < s.To; k++ {
			if cover[k] == 0 {
				cover[k] = si + 1
			}
		}
	}
	drop := make([]bool, len(spans))
	f := &fieldNames{toks: toks, src: src, spans: spans, cover: cover, drop: drop, nc: nc, kbs: ks}
	for i := 0; i < len(toks); {
		if !isNameTok(toks[i]) && !articlePrefix(toks, i) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && !toks[j].Break && !spacedDash(toks, src, j) {
			if k, place := f.possessiveOwner(j); place || k >= 0 && nc.lang == "en" && spans[k].From == i {
				break // "Britain's Labour Party": the owner's name ends the run
			}
			if isNameTok(toks[j]) {
				j++
				continue
			}
			if isConnector(toks[j]) && !toks[j].Cap && j+1 < len(toks) && !toks[j+1].Break && isNameTok(toks[j+1]) &&
				!(nc.lang == "de" && deObjectArticles[toks[j].Norm]) {
				j += 2
				continue
			}
			if articlePrefix(toks, j) {
				j += 2 // "Абд аль-Мумин"
				continue
			}
			// "Thrashers d' Atlanta", "Côte d' Ivoire": a French elided "de" written apart
			// from the name after it is the connector still.
			if elidedApart(toks, src, j) && isNameTok(toks[j+1]) {
				j += 2
				continue
			}
			// A lower-case word joined by hyphens on both sides is inside one compound
			// name: "Ростов-на-Дону", "Stratford-upon-Avon", "Châlons-en-Champagne".
			if toks[j].Hyph && !toks[j].Cap && j+1 < len(toks) && toks[j+1].Hyph && isNameTok(toks[j+1]) {
				j += 2
				continue
			}
			// "Army of the Potomac", "Ministry of the Interior", "Party of the Regions": an
			// organisation word, then "of the", then a capitalised name is one body. Only
			// after an organisation word: "Lord of the Rings", "King of the Netherlands"
			// stay apart.
			if toks[j].Norm == "of" && !toks[j].Cap && j+2 < len(toks) && toks[j+1].Norm == "the" && !toks[j+1].Cap &&
				!toks[j+1].Break && !toks[j+2].Break && isNameTok(toks[j+2]) && (orgLast[toks[j-1].Norm] || orgFirst[toks[j-1].Norm]) &&
				!bodyAfter(toks, j+2) {
				j += 3
				continue
			}
			// "Panthers de la Floride", "Banque de la République"
			if isConnector(toks[j]) && !toks[j].Cap && j+2 < len(toks) && isConnector(toks[j+1]) && !toks[j+1].Cap &&
				!toks[j+1].Break && !toks[j+2].Break && isNameTok(toks[j+2]) {
				j += 3
				continue
			}
			break
		}
		f.chunk(i, j)
		i = j
	}
	added := geoHeads(toks, src, cover, spans, drop, f.added)
	added = ruAdjPlaces(toks, src, cover, spans, drop, added)
	added = kindOrgs(toks, src, spans, cover, drop, added, nc.lang)
	switch nc.lang {
	case "en":
		added = clubTowns(toks, src, spans, cover, drop, added)
	case "fr":
		added = frTeams(toks, src, spans, cover, drop, added)
		added = frOrgNames(toks, src, spans, cover, drop, added)
	case "ru", "uk":
		added = ruOrgNames(toks, src, spans, cover, drop, added)
		added = ruLowerCompounds(toks, src, spans, cover, drop, added)
	}
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
	out = quotedOrgs(toks, src, out)
	if nc.lang == "ru" {
		out = ruDashPairs(toks, src, ruGoverned(toks, ruNationalTeams(toks, src, ruFormOrgs(toks, src, ruTrimHeads(toks, out)))))
	}
	if nc.lang == "en" {
		out = quotedTitles(toks, src, out)
	}
	if len(added) > 0 {
		out = acronyms(toks, src, out) // "X (ACRONYM)" defines what a pattern found
	}
	if nc.lang == "en" {
		out = englishEvidence(toks, src, out, nc)
	}
	if nc.lang == "fr" {
		out = frenchEvidence(toks, src, out, nc)
	}
	return listTypes(toks, src, surnames(toks, src, out, nc))
}

// bySkeleton looks a capitalised run up by its transliterated skeleton, also after
// dropping a Russian or an Armenian case ending from its last word; an Armenian run inside
// a sentence may be a big town of the gazetteer too (see hyCityPop). Only an unambiguous
// answer counts.
// dropPersianInArabic drops, in Arabic text, the one-word names only Persian writes
// (kb.persianOnly): Arabic news says "مشهد" for a scene far more often than for Mashhad.
func (ks kbSet) dropPersianInArabic(toks []text.Token, spans []span, nc nameContext) []span {
	if nc.lang != "ar" {
		return spans
	}
	keep := spans[:0]
	for _, s := range spans {
		if s.To-s.From == 1 && s.Ent != nil && ks.persianOnly(toks[s.From].Norm) {
			continue
		}
		keep = append(keep, s)
	}
	return keep
}

// persianOnly reports a word some knowledge base writes as a name in Persian only.
func (ks kbSet) persianOnly(w string) bool {
	for _, k := range ks {
		if len(k.persianOnly) > 0 && k.persianOnly.has(w) {
			return true
		}
	}
	return false
}

func (ks kbSet) bySkeleton(toks []text.Token, nc nameContext) (*entity, bool) {
	norms := make([]string, len(toks))
	for i, t := range toks {
		norms[i] = t.Norm
	}
	armenian := text.ScriptOf(norms[len(norms)-1]) == text.Armenian
	cities := armenian && !toks[0].SentStart // a sentence's first word may be any word ("Քանի")
	try := func(norms []string) (*entity, bool) {
		s := nc.skeletonOf(norms)
		if s == "" {
			return nil, false
		}
		h := text.HashAdd(text.HashInit, s)
		// A town's name of three letters or fewer is a function word as often ("Իսկ").
		towns := cities && utf8.RuneCountInString(norms[len(norms)-1]) >= 4
		var found *entity
		for _, k := range ks {
			ref, ok := k.skel.get(h)
			if !ok {
				continue
			}
			for _, a := range k.aliases(ref) {
				if a.Src >= srcFeature && !(towns && a.Src == srcCity && k.ents[a.Ent].Pop >= hyCityPop) {
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
	if armenian {
		return byArmenianStem(norms, try)
	}
	if text.ScriptOf(norms[len(norms)-1]) != text.Cyrillic {
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

// hyCityPop is the population from which a town of the gazetteer is looked up by the
// skeleton of an Armenian name, under its own names (not the untagged alternates): the
// gazetteer names the world's towns in many scripts but seldom in Armenian ("Պրահայում"
// is Prague's locative). Smaller towns' skeletons were common words in the language
// identification sentences: "Դրամի" (the dram's) Durham, "Բանանը" (the banana) Banan.
const hyCityPop = 1000000

// hyEndings are Armenian case endings and articles, longest first, with the glide -յ- of
// vowel stems: "Պրահայում", "Մադրիդից", "Բեռլինը".
var hyEndings = []string{"յում", "յից", "յին", "յով", "յի", "ում", "ից", "ին", "ով", "ի", "ը", "ն"}

// byArmenianStem is bySkeleton's lookup of an Armenian run after dropping a case ending
// from its last word; try looks up a run's skeleton.
func byArmenianStem(norms []string, try func([]string) (*entity, bool)) (*entity, bool) {
	last := norms[len(norms)-1]
	for _, end := range hyEndings {
		st, ok := strings.CutSuffix(last, end)
		if !ok || utf8.RuneCountInString(st) < 3 {
			continue
		}
		norms[len(norms)-1] = st
		ent, found := try(norms)
		norms[len(norms)-1] = last
		if found {
			return ent, true
		}
	}
	return nil, false
}

// bodyAfter reports a run of capitalised words from k that ends in an organisation word
// ("IV Corps", "British Computer Society"): in "Division of the IV Corps" or "Group of
// the British Computer Society" that is a body of its own, which the one before belongs to.
func bodyAfter(toks []text.Token, k int) bool {
	m := k
	for m < len(toks) && isNameTok(toks[m]) && (m == k || !toks[m].Break) {
		m++
	}
	return orgLast[toks[m-1].Norm]
}

// isConnector reports a connector inside a name, or a French elided "d'" or "l'" written
// apart from the word after it (see elidedApart), which the tokenizer leaves as a word.
func isConnector(t text.Token) bool {
	return connectors[t.Norm] || !t.Cap && (t.Norm == "d" || t.Norm == "l")
}

// elidedApart reports a French elided "d'" or "l'" at toks[i] with only the apostrophe and
// spaces before the next word ("d' Atlanta"): the tokenizer strips an elision glued to its
// word ("d'Atlanta") but leaves one written apart as a word "d" and counts the apostrophe
// as a break.
func elidedApart(toks []text.Token, src string, i int) bool {
	if i+1 >= len(toks) || toks[i].Cap || toks[i].Norm != "d" && toks[i].Norm != "l" {
		return false
	}
	gap := src[toks[i].End:toks[i+1].Start]
	r, size := utf8.DecodeRuneInString(gap)
	return size > 0 && strings.ContainsRune("'’", r) && strings.TrimSpace(gap[size:]) == ""
}

// Connectors may stand inside a multi-word name ("Bank of America", "Charles de Gaulle").
var connectors = foldSet(`of de du des la le von van der den del della di da dos das bin ibn al el
да де ди дю ван фон дер дель ибн бен бин аль ал эль`)

// articlePrefix reports the lower-case Arabic article joined by a hyphen to the name after
// it, which it belongs to: "al-Ghazali", "аль-Газали".
func articlePrefix(toks []text.Token, i int) bool {
	switch toks[i].Norm {
	case "al", "el", "аль", "ал", "эль", "ад", "ас", "ан", "ар", "аш", "ат":
		return !toks[i].Cap && i+1 < len(toks) && toks[i+1].Hyph && toks[i+1].Cap
	}
	return false
}

func foldSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[text.Fold(w)] = true
	}
	return m
}

func allCommon(toks []text.Token, common wordSet) bool {
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

func allLower(toks []text.Token, lower map[string]bool) bool {
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

// allUpper reports a run of acronyms.
func allUpper(toks []text.Token) bool {
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
func anyStopword(toks []text.Token) bool {
	for _, t := range toks {
		if text.IsStopwordAny(t.Norm) {
			return true
		}
	}
	return false
}

func isRoman(w string) bool {
	return w != "" && strings.Trim(w, "ivxl") == ""
}

// quoted reports whether a quotation opens right before offset at: a quoted name is the
// title of a work or a club's name more often than a person's.
func quoted(src string, at int) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(src[:at], " "))
	return strings.ContainsRune("«\"“„'‘", r)
}

// surfaceOf is the name as the text writes it, from its first word to its last, on one
// line: the display name of a name the knowledge base does not know ("M. Lavrov", not
// "m lavrov").
func surfaceOf(src string, toks []text.Token) string {
	return strings.Join(strings.Fields(src[toks[0].Start:toks[len(toks)-1].End]), " ")
}

// unknownKey is the ID key of an unknown name: folded, transliterated to Latin, so the same
// name in two scripts meets.
func unknownKey(toks []text.Token) string {
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		parts = append(parts, latinKey(t.Norm))
	}
	return strings.Join(parts, " ")
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

// covered reports whether a span holds token i.
func covered(spans []span, i int) bool { return overlapsAny(spans, i, i+1) }

// overlapsAny reports whether a span shares a token with [from, to).
func overlapsAny(spans []span, from, to int) bool {
	for _, s := range spans {
		if s.From < to && s.To > from {
			return true
		}
	}
	return false
}

// spacedDash reports a hyphen with spaces around it right before toks[j]: a dash, which
// separates two names ("теорема Байера - Виллигера", "Paris - Berlin"), where a hyphen
// without spaces joins one ("Лос-Анджелес").
func spacedDash(toks []text.Token, src string, j int) bool {
	if j == 0 || toks[j].Hyph {
		return false
	}
	gap := src[toks[j-1].End:toks[j].Start]
	return len(gap) > 1 && strings.TrimSpace(gap) == "-"
}

// placeChain reports a span inside a chain of three or more words joined by hyphens, each
// of them a place the knowledge base knows ("Bakü-Tiflis-Kars").
func placeChain(toks []text.Token, spans []span, s span) bool {
	from, to := s.From, s.To
	for from > 0 && toks[from].Hyph {
		from--
	}
	for to < len(toks) && toks[to].Hyph {
		to++
	}
	if to-from < 3 {
		return false
	}
	for k := from; k < to; k++ {
		known := false
		for _, o := range spans {
			if o.From <= k && k < o.To && o.Type == "LOC" && o.Ent != nil {
				known = true
				break
			}
		}
		if !known {
			return false
		}
	}
	return true
}
