package entity

import (
	"slices"
	"strings"
	"testing"

	"wirewatch/internal/text"
)

// TestGermanEvidence checks the evidence of German text on sentences written for it:
// German capitalises nouns, so titles written as compounds, nouns in the genitive and
// nouns after a known name are cut from it, and declined adjectives start bodies.
func TestGermanEvidence(t *testing.T) {
	checkEvidence(t, []evidenceCase{
		{"a title written as a compound is no part of the name",
			"Der Parlamentspräsident Thomas Kowalczyk traf am Montag in Dresden den Separatistenführer Markus Petrenko und sprach mit ihm über die Lage.",
			[]string{"PER:Thomas Kowalczyk", "PER:Markus Petrenko"},
			[]string{"PER:Parlamentspräsident Thomas Kowalczyk", "PER:Separatistenführer Markus Petrenko"}},
		{"a noun in the genitive before a name is no part of it",
			"Der Vorsitzende des Verteidigungsausschusses Thomas Brenner kritisierte am Mittwoch die Regierung in Berlin scharf.",
			[]string{"PER:Thomas Brenner"},
			[]string{"PER:Verteidigungsausschusses Thomas Brenner", "ORG:Verteidigungsausschusses Thomas Brenner"}},
		{"nouns before a first name are no part of the name",
			"Der Leiter des Auswärtigen Ausschusses Michael Kessler hat die Reise nach Moskau am Dienstag abgesagt.",
			[]string{"PER:Michael Kessler"},
			[]string{"PER:Auswärtigen Ausschusses Michael Kessler"}},
		{"a noun after a known person is no part of the name",
			"Am Abend warf Präsidentin Salome Surabischwili Betrug vor, und die Opposition schloss sich ihr in Tiflis an.",
			[]string{"PER:Salome Surabischwili"},
			[]string{"PER:Salome Surabischwili Betrug"}},
		{"a capitalised article after a dash is no part of a known name",
			"Brüssel (dpa) - Die Europäische Union hat neue Hilfen für die Ukraine angekündigt, teilte eine Sprecherin am Montag mit.",
			[]string{"ORG:Europäische Union"},
			[]string{"ORG:Die Europäische Union"}},
		{"a known name declined after an article",
			"Vertreter der Europäischen Union und des Internationalen Währungsfonds trafen sich am Montag im Europäischen Parlament in Straßburg.",
			[]string{"ORG:Europäischen Union", "ORG:Internationalen Währungsfonds", "ORG:Europäischen Parlament"},
			[]string{"PER:Internationalen Währungsfonds", "PER:Europäischen Parlament"}},
		{"an unknown name starting with a declined adjective is a body",
			"Die Nationale Wasserbehörde und das Städtische Klinikum warnten am Freitag vor Engpässen in der ganzen Region.",
			[]string{"ORG:Nationale Wasserbehörde", "ORG:Städtische Klinikum"},
			[]string{"PER:Nationale Wasserbehörde", "PER:Städtische Klinikum"}},
		{"an organisation's name keeps its first word",
			"Nach Angaben der Deutschen Bank hat der Vorstand am Dienstag in Frankfurt neue Zahlen vorgelegt.",
			[]string{"ORG:Deutschen Bank"}, nil},
	})
}

// TestGermanTitle checks which words are German titles: a head or a compound ending in
// one, with a first part of at least three letters.
func TestGermanTitle(t *testing.T) {
	for w, want := range map[string]bool{
		"Außenministerin": true, "Kremlsprechers": true, "Vizeregierungschef": true, "Generalsekretär": true,
		"Präsidentenberater": true, "Sprecher": true, "Kollegen": true,
		"Scholz": false, "Schef": false, "Berlin": false, "Merkel": false,
	} {
		if got := deTitle(text.Fold(w)); got != want {
			t.Errorf("deTitle(%q) = %t, want %t", w, got, want)
		}
	}
}

// TestGermanDeclension checks the forms generated for German names of adjectives and a
// noun, and that other names get none.
func TestGermanDeclension(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string // forms that must be generated
		none bool     // no declined forms at all
	}{
		{name: "Europäische Union", want: []string{"europaischen union"}},
		{name: "Internationaler Währungsfonds", want: []string{"internationalen wahrungsfonds", "internationale wahrungsfonds"}},
		{name: "Vereinigte Arabische Emirate", want: []string{"vereinigten arabischen emiraten"}},
		{name: "Europäischer Rat", want: []string{"europaischen rates", "europaische rat"}},
		{name: "Weißes Haus", want: []string{"weissen haus"}},
		{name: "Nahe Osten", want: []string{"nahen osten"}},
		{name: "Internationales Komitee vom Roten Kreuz", want: []string{"internationalen komitee vom roten kreuz", "internationale komitee vom roten kreuz"}}, // the complement keeps its case
		{name: "Georgischer Traum", want: []string{"georgischen traum", "georgischen traums"}},
		{name: "Nikol Paschinjan", none: true},
		{name: "Bergkarabach", none: true},
	} {
		var base []string
		for _, w := range strings.Fields(tc.name) {
			base = append(base, text.Fold(w))
		}
		var forms []string
		for _, f := range deDeclined(base) {
			forms = append(forms, strings.Join(f, " "))
		}
		if tc.none && len(forms) > 0 {
			t.Errorf("%s: declined as %v, want no forms", tc.name, forms)
		}
		for _, w := range tc.want {
			if !slices.Contains(forms, w) {
				t.Errorf("%s: no form %q in %v", tc.name, w, forms)
			}
		}
	}
}
