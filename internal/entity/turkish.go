package entity

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence against a place in Turkish: headlines in capitals and sentence starts
// capitalise common words, and folded they spell places of the gazetteer ("BARIŞ" peace
// folds to "baris", an alias of Paris; "Eğer" if to Eger; "DİLİ" its language to Dili).
// A one-word generated place written so is taken for the place only when the word is no
// Turkish common word in any of its usual endings.

// trExtraWords are Turkish function words the hunspell dictionary behind common-tr.txt.gz
// lacks.
var trExtraWords = foldSet(`eğer hatta özellikle böylece oysa halbuki nitekim üstelik yoksa`)

// trEndings are Turkish case, possessive and plural endings, folded (ı → i, ğ → g), longest
// first: "dili" is dil and -i, "barışa" barış and -a, "ülkelerin" ülke and -lerin.
var trEndings = foldList(`lerinden larından lerinde larında lerini larını lerine larına lerin ların
	nden ndan nde nda nin nın nun nün sini sını suna süne sine sına
	den dan ten tan de da te ta ler lar yle yla ye ya yi yı yu yü si sı su sü in ın un ün
	le la i ı u ü e a`)

// trCommonWord reports a folded word that is a Turkish common word: an entry of the
// dictionary, or one with a case, possessive or plural ending.
func trCommonWord(dict wordSet, w string) bool {
	if dict.has(w) || trExtraWords[w] {
		return true
	}
	for _, end := range trEndings {
		stem, ok := strings.CutSuffix(w, end)
		if ok && utf8.RuneCountInString(stem) >= 3 && dict.has(stem) {
			return true
		}
	}
	return false
}

// trCapitalisedWord reports a Turkish common word that the text capitalises for its place
// (a sentence start) or its style (a headline in capitals), not for a name. Outside Turkish
// text it reports false.
func (nc nameContext) trCapitalisedWord(t text.Token) bool {
	return len(nc.trWords) > 0 && (t.SentStart || t.Upper) && trCommonWord(nc.trWords, t.Norm)
}

// dropTurkishCommonPlaces drops the one-word places of the gazetteer and the curated
// towns (not users' names, nor curated countries and regions) written as Turkish common
// words at a sentence start or in capitals (see trCapitalisedWord): "Kazanın patlaması"
// is the boiler's explosion, "KAZAN PATLADI" a headline about it. A word whose case
// ending follows an apostrophe stays: Turkish writes one only after a proper noun
// ("Kazan'da", "Bursa'ya"), never after a common one ("kazanda").
func dropTurkishCommonPlaces(toks []text.Token, src string, spans []span, nc nameContext) []span {
	if len(nc.trWords) == 0 {
		return spans
	}
	keep := spans[:0]
	for _, s := range spans {
		if s.To-s.From == 1 && s.Ent != nil && s.Type == "LOC" && (s.Ent.Src >= srcCountry || s.Ent.Src == srcCurated && strings.HasPrefix(s.Ent.ID, "geonames:")) &&
			nc.trCapitalisedWord(toks[s.From]) && !trProperSuffix(src, toks[s.From]) {
			continue
		}
		keep = append(keep, s)
	}
	return keep
}

// trProperSuffix reports a word followed by an apostrophe and a suffix: in Turkish, a
// proper noun's case ending ("Kazan'da").
func trProperSuffix(src string, t text.Token) bool {
	rest := src[t.End:]
	for _, a := range []string{"'", "’"} {
		if r, ok := strings.CutPrefix(rest, a); ok && r != "" {
			c, _ := utf8.DecodeRuneInString(r)
			return unicode.IsLetter(c)
		}
	}
	return false
}

// trOfficeWords are the words of the offices Turkish capitalises before a name, in the
// possessive they take there ("Dışişleri Bakanı Hakan Fidan", "Kremlin Sözcüsü Dmitriy
// Peskov", "Cumhurbaşkanı Yardımcısı"): a name split off a known person that is made of
// them alone is the person's office, no name of its own.
var trOfficeWords = foldSet(`bakan bakanı başbakan başbakanı cumhurbaşkanı cumhurbaşkan yardımcısı
	dışişleri içişleri savunma sözcü sözcüsü başkan başkanı büyükelçi büyükelçisi temsilci temsilcisi
	özel genel sekreter sekreteri komutan komutanı genelkurmay devlet hükümet milletvekili`)

// trimTurkishCommonWords cuts from the front of each unknown name the Turkish common words
// that a sentence start or capitals wrote large ("Açıklamayı TPAO": the statement, TPAO).
// What is left is the name, an organisation if it is one word in capitals (an acronym); a
// name with nothing left ("Anlaşmanın DİLİ": the agreement's language) or nothing but
// office words ("Dışişleri Bakanı", see trOfficeWords) is dropped.
func trimTurkishCommonWords(toks []text.Token, src string, spans []span, nc nameContext) []span {
	if len(nc.trWords) == 0 {
		return spans
	}
	keep := spans[:0]
	for _, s := range spans {
		if s.Ent == nil && !s.Quoted && s.Key == "" {
			from := s.From
			for from < s.To && nc.trCapitalisedWord(toks[from]) {
				from++
			}
			if from == s.To || trOffice(toks[from:s.To]) {
				continue
			}
			if from > s.From {
				s.From = from
				s.Name = surfaceOf(src, toks[s.From:s.To])
				if s.To-s.From == 1 && toks[s.From].Upper {
					s.Type = "ORG"
				}
			}
		}
		keep = append(keep, s)
	}
	return keep
}

// trOffice reports a run of words all of which are office words (trOfficeWords).
func trOffice(toks []text.Token) bool {
	for _, t := range toks {
		if !trOfficeWords[t.Norm] {
			return false
		}
	}
	return len(toks) > 0
}

// foldList folds a list of words separated by white space, keeping its order.
func foldList(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		out = append(out, text.Fold(w))
	}
	return out
}
