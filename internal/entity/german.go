package entity

import (
	"slices"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence of German text. German capitalises every noun, so the words glued before a
// name are nouns as often as titles: "Parlamentspräsident Alen Simonjan",
// "Separatistenführer Arajik Harutjunjan", "Kremlsprecher Dmitri Peskow", "des
// Sicherheitsrates Armen Grigorjan" made one long person each. Offices are compounds whose
// last part is the title ("Parlament" + "präsident"), so the honorifics list cannot hold
// them all; the title is found at the compound's end instead.

// deTitleHeads are the last parts of German compound titles, folded, each with its
// inflected forms (-in, -innen, -s, -en, -n, -e, -er); deTitleHeadMax is the longest's
// length in bytes.
var deTitleHeads, deTitleHeadMax = func() (map[string]bool, int) {
	heads, longest := map[string]bool{}, 0
	for _, w := range strings.Fields(`präsident minister kanzler sprecher chef führer sekretär
		botschafter gesandt beauftragt vorsitzend kommandeur berater vertreter direktor leiter
		abgeordnet kollege kollegin general oberhaupt premier`) {
		for _, end := range []string{"", "in", "innen", "s", "en", "n", "e", "er", "es"} {
			h := text.Fold(w + end)
			heads[h], longest = true, max(longest, len(h))
		}
	}
	return heads, longest
}()

// deTitle reports a folded German word that is a title: one of the heads, or a compound
// ending in one ("Außenministerin", "Kremlchefs", "Generalsekretär", "Vizeregierungschef").
// The first part of a compound has at least three letters, so short words that merely end
// so ("Schef") are not titles. Only the word's endings as long as a head are looked up.
func deTitle(w string) bool {
	for i := max(0, len(w)-deTitleHeadMax); i < len(w); i++ {
		if utf8.RuneStart(w[i]) && deTitleHeads[w[i:]] && (i == 0 || utf8.RuneCountInString(w[:i]) >= 3) {
			return true
		}
	}
	return false
}

// deGenitiveS reports whether a German name takes -s in the genitive ("Armeniens",
// "Putins"): names ending in a hissing sound take an apostrophe, which the tokenizer
// leaves out, so they need no form of their own.
func deGenitiveS(w string) bool {
	last, _ := utf8.DecodeLastRuneInString(w)
	return !strings.ContainsRune("sxzß", last)
}

// deArticles are German articles and determiners, folded. Before a capitalised word they
// make it a noun ("des Sicherheitsrates", "der Sekretär"), since German names of people
// take none.
var deArticles = foldSet(`der die das des dem den ein eine einer eines einem einen`)

// deObjectArticles are the German articles of the accusative and dative ("traf in Dresden
// den Parteichef X", "mit dem Kanzler"), and of the nominative of the feminine and neuter:
// in German text they join no name, whereas "der" and "des" may ("Partei der Arbeit").
var deObjectArticles = foldSet(`den dem das die`)

// deLeadingNoun reports whether toks[i], the first word of the capitalised run toks[i:j] of
// German text, is a noun to cut from the name that follows it: a title written as a compound
// (deTitle), an article before a title ("Der Sekretär") or a known name ("- Die Europäische
// Union", capitalised after a dash), or, when at least two words follow
// it, a noun after an article that is a genitive ("des Sicherheitsrates Armen Grigorjan") or
// stands before a first name ("dem Verband Peter Müllers"). A run ending in a company or
// organisation word keeps its first word ("der Deutschen Bank").
func (nc nameContext) deLeadingNoun(toks []text.Token, i, j int, cover []int) bool {
	if nc.lang != "de" || cover[i] > 0 {
		return false
	}
	t := toks[i]
	switch {
	case deTitle(t.Norm):
		return true
	case deArticles[t.Norm] && i+1 < j && (deTitle(toks[i+1].Norm) || honorifics[toks[i+1].Norm] || cover[i+1] > 0):
		return true
	}
	// "des Auswärtigen Ausschusses Michael Roth": nouns before a first name and a surname.
	if !nc.isGivenName(t.Norm) {
		for g := i + 1; g+1 < j && g <= i+3; g++ {
			if cover[g] > 0 {
				break
			}
			if nc.isGivenName(toks[g].Norm) {
				return true
			}
		}
	}
	if j-i < 3 || i == 0 || toks[i-1].Cap || !deArticles[toks[i-1].Norm] || nc.isGivenName(t.Norm) {
		return false
	}
	last := toks[j-1].Norm
	if companyLast(last) || orgLast[last] || institutionLast[last] {
		return false
	}
	genitive := (toks[i-1].Norm == "des" || toks[i-1].Norm == "eines") && strings.HasSuffix(t.Norm, "s")
	return genitive || nc.isGivenName(toks[i+1].Norm)
}

// deAdjectiveEndings are the endings a German adjective takes before a noun, in every
// case, gender and number.
var deAdjectiveEndings = []string{"e", "en", "er", "es", "em"}

// deAdjectiveStem returns the stem of a folded German adjective as names use them
// ("europaische" → "europaisch", "internationaler" → "international", "vereinigte" →
// "vereinigt"), and whether w is one: its stem ends like an adjective or a participle.
func deAdjectiveStem(w string) (string, bool) {
	for _, end := range []string{"en", "er", "es", "em", "e"} {
		stem, ok := strings.CutSuffix(w, end)
		if !ok || utf8.RuneCountInString(stem) < 3 && !deSimpleAdjectives[stem] {
			continue
		}
		// Not -iv or a bare -t: "Offensive", "Initiative", "Staaten" are nouns.
		for _, suf := range []string{"isch", "al", "ig", "lich", "ell", "ar", "igt", "eint"} {
			if strings.HasSuffix(stem, suf) {
				return stem, true
			}
		}
		return stem, deSimpleAdjectives[stem]
	}
	return "", false
}

// deSimpleAdjectives are the stems of short adjectives that names use ("Weißes Haus",
// "Rotes Kreuz", "Nahen Osten", "Hohe Vertreter", "Neue Zürcher Zeitung"), folded.
var deSimpleAdjectives = foldSet(`deutsch weiß rot schwarz grün blau gelb neu alt groß klein hoh frei nah
	fern mittler ober unter vorder hinter gemeinsam`)

// deDeclined returns the forms a German name of adjectives and a noun takes in running text:
// "Europäische Union" is "der Europäischen Union", "Internationaler Währungsfonds" "des
// Internationalen Währungsfonds", "Europäisches Parlament" "im Europäischen Parlament",
// "Vereinigte Arabische Emirate" "in den Vereinigten Arabischen Emiraten". Every adjective
// takes each ending (they agree), the noun its genitive in -s or -es and its dative
// plural in -n when it ends the name. A name that starts with no adjective has no such
// forms.
func deDeclined(base []string) [][]string {
	// The adjectives before the head noun agree with it; a complement after the head
	// ("Internationales Komitee vom Roten Kreuz") keeps its own case.
	var stems []string
	for _, w := range base[:len(base)-1] {
		stem, ok := deAdjectiveStem(w)
		if !ok {
			break
		}
		stems = append(stems, stem)
	}
	if len(stems) == 0 {
		return nil
	}
	head := base[len(stems)]
	heads := []string{head}
	if len(stems) == len(base)-1 && deGenitiveS(head) {
		plural := head + "es" // "des Europäischen Rates"
		if last, _ := utf8.DecodeLastRuneInString(head); strings.ContainsRune("aeiouy", last) {
			plural = head + "n" // "den Vereinigten Arabischen Emiraten"
		}
		heads = append(heads, head+"s", plural)
	}
	var out [][]string
	for _, end := range deAdjectiveEndings {
		for _, h := range heads {
			form := slices.Clone(base)
			for i, stem := range stems {
				form[i] = stem + end
			}
			form[len(stems)] = h
			out = append(out, form)
		}
	}
	return out
}

// deKnownPersonFirst returns where the known person that starts the capitalised run
// toks[i:j] of German text ends, when nouns follow it in the run ("Präsidentin Salome
// Surabischwili Betrug vorwarf": the person, then the noun "Betrug", fraud); i otherwise.
func (f *fieldNames) deKnownPersonFirst(i, j int) int {
	if f.nc.lang != "de" || f.cover[i] == 0 {
		return i
	}
	s := f.spans[f.cover[i]-1]
	if s.From != i || s.To >= j || s.Ent == nil || s.Ent.Type != "PER" || f.toks[s.To].Hyph {
		return i
	}
	return s.To
}

// deAdjectiveFirst reports an unknown name of German text that starts with a declined
// adjective ("Europäische Zentralbank", "Roten Kreuz", "Auswärtigen Amtes"): a body, since
// no first name is an adjective.
func (nc nameContext) deAdjectiveFirst(toks []text.Token, i, j int, cover []int) bool {
	if nc.lang != "de" || j-i < 2 || cover[i] > 0 || nc.isGivenName(toks[i].Norm) || toks[i+1].Hyph {
		return false
	}
	_, ok := deAdjectiveStem(toks[i].Norm)
	return ok
}
