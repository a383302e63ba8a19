package entity

import (
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence from the script and the language of the text: a Latin-script name in Cyrillic
// or Armenian text is a brand or a band more often than a person, and a capitalised Russian
// word that is a case form of a common word or an adjective is no name.

// foreignScript reports a Latin-script name in a text mostly in another script: in Russian
// or Armenian text such names are brands, bands and titles far more often than people,
// whose names are transliterated.
func foreignScript(name []text.Token, nc nameContext) bool {
	return nc.otherScript && text.ScriptOf(name[0].Norm) == text.Latin
}

// latinName reports a capitalised Latin-script word: only then does foreignScript need
// to know the field's script.
func latinName(toks []text.Token) bool {
	for _, t := range toks {
		if t.Cap && text.ScriptOf(t.Norm) == text.Latin {
			return true
		}
	}
	return false
}

// mostlyOtherScript reports a text whose first 400 letters are mostly in a script other
// than Latin (Cyrillic, Armenian, Georgian, ...).
func mostlyOtherScript(src string) bool {
	latin, other := 0, 0
	for _, r := range src {
		switch sc := text.ScriptOf(string(r)); sc {
		case text.Latin:
			latin++
		case text.Other:
		default:
			other++
		}
		if latin+other > 400 {
			break
		}
	}
	return other > latin
}

// ruCommonWord reports whether a folded Russian word is a case form of a common word of
// the dictionary: the word itself, or its stem with a dictionary ending in place of its
// case ending ("Просвещения" → просвещение, "Олимпиаде" → олимпиада), or a verb's form
// on the stem of its infinitive ("Окончил" → окончить, "Родился" → родиться, "упоминает"
// → упоминать).
func ruCommonWord(dict wordSet, w string) bool {
	return len(dict) > 0 && (dict.has(w) ||
		swappedEnding(dict, w, ruCaseEndings, ruBaseEndings, 2, nil) ||
		swappedEnding(dict, w, ruVerbEndings, ruVerbBases, 2, nil))
}

// ruVerb reports a folded lower-case Russian verb in the past tense or the present's third
// person ("уходит", "разорвал", "оправдывается"): a case form of no common word, and with
// an infinitive in the dictionary.
func ruVerb(dict wordSet, w string) bool {
	if len(dict) == 0 || utf8.RuneCountInString(w) < 3 || dict.has(w) || text.IsStopwordAny(w) {
		return false
	}
	// A past tense in -в ("заявив") is the gerund's too.
	gerund := func(end string) bool { return end == "в" || end == "ив" || end == "ав" }
	return swappedEnding(dict, w, ruVerbEndings, ruVerbBases, 2, gerund)
}

// swappedEnding reports whether w, cut at one of ends (but those skip names) with a stem
// of at least minStem letters left, is a word of dict with one of bases in its place.
func swappedEnding(dict wordSet, w string, ends, bases []string, minStem int, skip func(end string) bool) bool {
	for _, end := range ends {
		stem, ok := strings.CutSuffix(w, end)
		if !ok || utf8.RuneCountInString(stem) < minStem || skip != nil && skip(end) {
			continue
		}
		for _, base := range bases {
			if dict.has(stem + base) {
				return true
			}
		}
	}
	return false
}

// ruVerbBases are the endings of Russian infinitives.
var ruVerbBases = []string{"ть", "ться", "ить", "иться", "ать", "аться", "ять", "еть", "овать", "евать"}

var ruVerbEndings = []string{"лся", "лась", "лось", "лись", "л", "ла", "ло", "ли", "ет", "ит", "ут", "ют", "ат", "ят",
	"ется", "ится", "утся", "ются", "атся", "ятся", "ает", "яет", "ует", "ают", "яют", "уют", "ив", "ав", "в"}

// ruCaseEndings and ruBaseEndings are folded (й → и, ё → е), like the tokens and the
// dictionary.
var ruCaseEndings = []string{"ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ах", "ях", "ам", "ям", "ов", "ев",
	"ом", "ем", "ои", "еи", "ую", "юю", "ая", "яя", "ые", "ие", "ых", "их", "ым", "им", "а", "я", "у", "ю", "е", "ы", "и", "о", "ь"}

// ukAdjectiveEnding are the folded endings of Ukrainian adjectives after -ськ-, -цьк-.
var ukAdjectiveEnding = foldSet(`а оі іи ии у ою ого ому им ім і е их ими`)

var ruBaseEndings = []string{"", "а", "я", "ь", "и", "о", "е", "ие", "ия", "ыи", "ии", "ои", "ая", "ое"}

// russianAdjective reports a folded Cyrillic word with an adjective ending: capitalised
// alone ("Американский", "Советской") it is not a name. Ukrainian adjectives of places
// in -ськ-, -цьк- count too ("Донецької", "Харківській"): Russian writes no soft sign
// there, and their endings (-ої, -ій folded -оі, -іи) are not Russian ones.
func russianAdjective(w string) bool {
	if text.ScriptOf(w) != text.Cyrillic {
		return false
	}
	for _, stem := range []string{"ськ", "цьк"} {
		if i := strings.LastIndex(w, stem); i > 0 && ukAdjectiveEnding[w[i+len(stem):]] {
			return true
		}
	}
	for _, suf := range []string{"ыи", "ои", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым", "им", "ую", "юю", "ых", "их", "ыми", "ими", "еи"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	// "-ий" (folded "-ии") is an adjective after к г х ж ч ш щ ("Американский",
	// "Горький"); elsewhere "-ии" is mostly a noun's case form ("Боснии", "Армении").
	if st, ok := strings.CutSuffix(w, "ии"); ok {
		r, _ := utf8.DecodeLastRuneInString(st)
		return strings.ContainsRune("кгхжчшщ", r)
	}
	return false
}

// ukCommonWord reports whether a folded Ukrainian word is a case form of a common word of
// the dictionary (kbdata/common-uk.txt.gz): the word itself, its stem with a dictionary
// ending in place of its case ending ("Саміті" → саміт, "Альянсу" → альянс, "Думки" →
// думка, "Середні" → середній), or a verb's form on the stem of its infinitive
// ("Полюбляють" → полюбляти). An empty dict knows no word.
func ukCommonWord(dict wordSet, w string) bool {
	return len(dict) > 0 && (dict.has(w) ||
		swappedEnding(dict, w, ukCaseEndings, ukBaseEndings, 3, nil) ||
		swappedEnding(dict, w, ukVerbEndings, ukVerbBases, 3, nil))
}

// The Ukrainian endings, folded like the tokens and the dictionary (й → и, ї → і): case
// endings of nouns and adjectives, the endings of the dictionary forms they replace, and
// the present, past and imperative endings of verbs with the infinitives' endings.
var (
	ukCaseEndings = []string{"ами", "ями", "ого", "ому", "ими", "ові", "еві", "єві", "ою", "ею", "єю", "оі", "іи", "ии",
		"ах", "ях", "ам", "ям", "ів", "ом", "ем", "єм", "их", "им", "а", "я", "у", "ю", "і", "и", "е", "о", "ь"}
	ukBaseEndings = []string{"", "а", "я", "о", "е", "ь", "ии", "іи", "ія"}
	ukVerbEndings = []string{"ють", "ять", "уть", "ать", "ить", "іть", "ємо", "имо", "емо", "ете", "ите", "ла", "ли", "ло", "ив", "ав", "ув", "в", "є", "ає", "ує"}
	ukVerbBases   = []string{"ти", "ати", "яти", "ити", "іти", "ути", "увати", "ювати", "тися", "атися", "итися"}
)

// ukPrepositions are the Ukrainian prepositions of a place or a goal (folded): "з" and
// the others are left out, people come after them ("з Коваленком").
var ukPrepositions = foldSet(`у в на до біля через`)
