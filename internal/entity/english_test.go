package entity

import "testing"

// TestEnglishEvidence checks the English kinds of evidence of english.go on made-up
// sentences: names that must be found (TYPE:surface) and names that must not be.
func TestEnglishEvidence(t *testing.T) {
	checkEvidence(t, []evidenceCase{
		{"a definition's kind noun types the name and its later bare mentions",
			"Brackwell is a small village in the county of Kent. Since 1990 Brackwell has had a church.",
			[]string{"LOC:Brackwell", "LOC:Brackwell"}, []string{"PER:Brackwell", "ORG:Brackwell"}},
		{"a company defined by its kind, a participle after the head",
			"Dunmore Field was a kitplane manufacturer founded by Anna Price in Ohio. In 1990 Dunmore Field closed its plant.",
			[]string{"ORG:Dunmore Field", "ORG:Dunmore Field", "PER:Anna Price", "LOC:Ohio"}, []string{"LOC:Dunmore Field"}},
		{"a leading The is no part of the defined name",
			"The Marrowgate is a rock band from Leeds. Fans of Marrowgate queued all night.",
			[]string{"ORG:Marrowgate", "ORG:Marrowgate", "LOC:Leeds"}, []string{"ORG:The Marrowgate"}},
		{"an aside in brackets between the name and the copula",
			"Marrowby ( also Marrowbie ) is a suburb of Blackburn. Marrowby grew after 1900.",
			[]string{"LOC:Marrowby"}, nil},
		{"a broadcaster is a radio station, not any station",
			"Zorbex is a Chinese radio station in Singapore, and Hulme Cross is a railway station which serves the town of Bury.",
			[]string{"ORG:Zorbex"}, []string{"ORG:Hulme Cross"}},
		{"a place named by its lower-case kind after the",
			"The parish is formed by the village of Tullow Brae and the hamlet of Skellin, and Skellin has a mill.",
			[]string{"LOC:Tullow Brae", "LOC:Skellin"}, []string{"PER:Skellin"}},
		{"a head noun that is no kind defines nothing",
			"Dorrik was a discriminated minority in the north.",
			nil, []string{"ORG:Dorrik", "LOC:Dorrik", "PER:Dorrik"}},
		{"a sentence-initial common word with other names inside is no person's definition",
			"Former Labor MP Graeme Cardwell is a politician from Perth.",
			[]string{"LOC:Perth"}, []string{"PER:Former Labor MP Graeme Cardwell"}},
		{"a name its kind word typed is that kind in the rest of the text",
			"He toured with the band 40 Days to Juno in 2004. Later 40 Days to Juno split, and Juno Pearce went solo.",
			[]string{"ORG:40 Days to Juno", "ORG:40 Days to Juno"}, nil},
		{"a town and a nickname is a club or a paper, not the town",
			"The striker left Geelong Fury for a trial in Geelong, and the Ballarat Clarion covered it.",
			[]string{"ORG:Geelong Fury", "LOC:Geelong", "ORG:Ballarat Clarion"}, []string{"LOC:Geelong Fury"}},
		{"a town that is a first name starts a person's name, and a part of town is no club",
			"Florence Baxter moved to the Miami Area after the war.",
			[]string{"PER:Florence Baxter"}, []string{"ORG:Florence Baxter", "ORG:Miami Area"}},
		{"a name before a comma and a known region or country is a town",
			"The squadron moved from Wexcombe, England to Tarnby Cross, Maryland in 1943. However, France objected.",
			[]string{"LOC:Wexcombe", "LOC:Tarnby Cross", "LOC:England", "LOC:Maryland", "LOC:France"},
			[]string{"PER:Tarnby Cross", "LOC:However"}},
		{"the Soviet Union is a state, not a body named by its union word",
			"He was convicted of spying for the Soviet Union in 1951.",
			[]string{"LOC:Soviet Union"}, []string{"ORG:Soviet Union"}},
		{"a title keeps an institution's name whole; Major before a first name is a rank",
			"She taught at Bishop Harlow High School until Major Peter Quance arrived, and played Major League Baseball.",
			[]string{"ORG:Bishop Harlow High School", "PER:Peter Quance", "ORG:Major League Baseball"},
			[]string{"ORG:Harlow High School", "PER:Major Peter Quance"}},
		{"a member's title in capitals is no body",
			"Jane Orrell was elected MPP for the riding and sat with two MEPs.",
			[]string{"PER:Jane Orrell"}, []string{"ORG:MPP", "ORG:MEPs"}},
		{"an alias after a comma and known as names what the name before names, and so do its bare mentions",
			"As a boy Daniel Ferreira Costa, commonly known as Tarrinho, was taken to the north of the country by his family. Later Tarrinho scored twice in the final.",
			[]string{"PER:Daniel Ferreira Costa", "PER:Tarrinho"}, []string{"LOC:Tarrinho", "ORG:Tarrinho"}},
		{"a nickname in quotation marks joins the names around it, and the surname alone is the person",
			"Robert James \"Bobby\" Tallis joined the club in 1950, and in his first season Tallis scored 40 goals.",
			[]string{"PER:Robert James \"Bobby\" Tallis", "PER:Tallis"}, []string{"PER:Robert James"}},
		{"an owner after a preposition is a person, not a place the preposition guessed",
			"The regiment was attached to Quarle's brigade, and the song consists of a stanza from Ferrabosc 's poem.",
			[]string{"PER:Quarle", "PER:Ferrabosc"}, []string{"LOC:Quarle", "LOC:Ferrabosc"}},
		{"a place after its people, its edges or a direction and of",
			"The villagers of Dunmarra met two miles north of Keltby, and the neighbouring village of Osgrave sent food.",
			[]string{"LOC:Dunmarra", "LOC:Keltby", "LOC:Osgrave"}, []string{"PER:Dunmarra", "PER:Keltby", "PER:Osgrave"}},
		{"a body head, of or for, and what it serves is one organisation; a body after it is its own",
			"The Tariff Board of Trade met the Union of Quiet Harbours and the Department for Coastal Roads. " +
				"He played in the League for FC Marwick, which the Ministry of Culture and Tourism funded.",
			[]string{"ORG:Tariff Board of Trade", "ORG:Union of Quiet Harbours", "ORG:Department for Coastal Roads",
				"ORG:Ministry of Culture and Tourism"},
			[]string{"ORG:League for FC Marwick", "ORG:Department"}},
		{"a town with a score, a plural verb or its players is the club, and so are its other bare mentions",
			"Derby were relegated after losing to Bolton 3-1, and Wigan's goalkeeper was injured. Derby appealed. He was born in Derby.",
			[]string{"ORG:Derby", "ORG:Derby", "ORG:Bolton", "ORG:Wigan", "LOC:Derby"}, []string{"LOC:Bolton", "LOC:Wigan"}},
		{"a town after a preposition of place or in a list keeps the verb's place",
			"Shops in Leeds were shut, and Leeds and York are cities; Bolton's mayor spoke.",
			[]string{"LOC:Leeds", "LOC:York", "LOC:Bolton"}, []string{"ORG:Leeds", "ORG:York", "ORG:Bolton"}},
		{"the names of a list before and other and a kind's plural are of that kind",
			"The tour featured Harrow Mingle, The Quiet End of Lanterns, and several other bands. Kerrigan and other firms sued.",
			[]string{"ORG:Harrow Mingle", "ORG:The Quiet End of Lanterns", "ORG:Kerrigan"}, []string{"PER:Harrow Mingle"}},
		{"a list with an item that is no name is left to its own evidence",
			"The shop sold toys, Trevan Mosk and other brands.",
			nil, []string{"ORG:Trevan Mosk"}},
		{"the capitalised words before a party role are the party; a people, a place or a person are not",
			"She was a Verdant MP for years, and the Kestrel or Verdant parties lost. Two Fine Marra TDs resented it, " +
				"as did a British MP, an Ontario MPP and Jane Doe MP.",
			[]string{"ORG:Verdant", "ORG:Verdant", "ORG:Kestrel", "ORG:Fine Marra"},
			[]string{"ORG:British", "ORG:Ontario", "ORG:Jane Doe", "PER:Fine Marra TDs"}},
		{"a capitalised plural before a team role is the team; a people is not",
			"The decision angered long-time Harriers manager Tom Abbott and the Americans fans.",
			[]string{"ORG:Harriers", "PER:Tom Abbott"}, []string{"ORG:Americans"}},
		{"a name after a competition's side is a club",
			"He left in 2013 and joined Ruritanian League side Varkosz for two seasons.",
			[]string{"ORG:Varkosz"}, []string{"PER:Varkosz", "LOC:Varkosz"}},
		{"an owner, a possessive and a name ending in a body word are one body; a known owner or a body owner is apart",
			"He was backed by the North Wales Slate Miners ' Union and the Ruritanian People 's Party, not by Britain 's Labour Party.",
			[]string{"ORG:North Wales Slate Miners ' Union", "ORG:Ruritanian People 's Party", "LOC:Britain", "ORG:Labour Party"},
			[]string{"LOC:Wales", "ORG:Britain 's Labour Party"}},
		{"capitals joined by an ampersand to a firm's name are part of it",
			"The single was released in 1987 by Q&T Records, a label owned by Brandt.",
			[]string{"ORG:Q&T Records"}, []string{"ORG:T Records"}},
		{"a known owner's glued possessive ends the name; an unknown owner's does not",
			"Officials said Britain's Labour Party won, and Russia's Foreign Ministry agreed with the Danish People's Party.",
			[]string{"LOC:Britain", "ORG:Labour Party", "LOC:Russia", "ORG:Foreign Ministry", "ORG:Danish People's Party"},
			[]string{"ORG:Britain's Labour Party", "ORG:Russia's Foreign Ministry"}},
		{"the name after a member role and of or for is a body; a person's before a possessive and a people are not",
			"She became a founding member of Dorran Vale and the chief executive of Zintro, a spokesman for Kelvane said. " +
				"He was a member of Anna Price's staff and an employee of Romanian origin.",
			[]string{"ORG:Dorran Vale", "ORG:Zintro", "ORG:Kelvane", "PER:Anna Price"},
			[]string{"PER:Dorran Vale", "ORG:Anna Price", "ORG:Romanian"}},
		{"an acronym starting a sentence is an acronym still; a dateline is not",
			"KORVAL, Ruritania - The camp is full, officials said. ZAPCO warned on Monday that supplies would run out.",
			[]string{"ORG:ZAPCO"}, []string{"ORG:KORVAL"}},
	})
}

// TestEnglishEvidenceCutShort runs the English passes over every prefix of a text full of
// their cues, so that each cue is also met cut off at the field's end: no panic, and every
// mention inside the text.
func TestEnglishEvidenceCutShort(t *testing.T) {
	const s = `6PR is a radio station. 882 6PR, known as 6PR, and the 139th fought near Howe 's Brigade. ` +
		`Brackwell ( also Brakwell ) is a village north of Keltby, Maryland. William "Cowboy" Cowley joined Perth Glory.`
	for i := 0; i <= len(s); i++ {
		for _, e := range findIn(t, s[:i], "en") {
			for _, m := range e.Mentions {
				if m.Start < 0 || m.End > i || m.Start >= m.End {
					t.Fatalf("%q: mention %+v outside the text", s[:i], m)
				}
			}
		}
	}
}
