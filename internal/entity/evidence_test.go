package entity

import "testing"

// TestEvidenceKinds checks kinds of evidence on sentences written for the test, in the
// words of regional news: each case lists names that must be found (TYPE:surface) and
// names that must not be.
func TestEvidenceKinds(t *testing.T) {
	checkEvidence(t, []evidenceCase{
		{"a headline's last word is no part of the name the body starts with",
			"Talks resume in Geneva\nNikol Pashinyan arrived on Monday with his delegation.",
			[]string{"LOC:Geneva", "PER:Nikol Pashinyan"}, []string{"PER:Geneva Nikol Pashinyan", "LOC:Geneva Nikol"}},
		{"a headline without punctuation over an unknown name",
			"Storm damages harbour at Poti\nMarta Kvaratskhelia, the harbour master, said repairs would take weeks.",
			[]string{"LOC:Poti", "PER:Marta Kvaratskhelia"}, nil},
		{"a plural after a sentence-initial The is a team",
			"The Hornets lost again on Sunday. The Hornets coach blamed the referee.",
			[]string{"ORG:Hornets"}, []string{"PER:Hornets"}},
		{"a company word keeps a title word before it",
			"Shares of General Motors fell, while King Records and Tbilisi Publishing signed the deal.",
			[]string{"ORG:General Motors", "ORG:King Records", "ORG:Tbilisi Publishing"}, []string{"PER:Motors", "PER:Records"}},
		{"a newspaper named by its town",
			"The Yerevan Chronicle and the Denver Courier reported the visit of Pashinyan.",
			[]string{"ORG:Yerevan Chronicle", "ORG:Denver Courier", "PER:Pashinyan"}, []string{"LOC:Yerevan"}},
		{"a Turkish club is its town and spor",
			"Antalyaspor deplasmanda Bursaspor ile 1-1 berabere kaldı.",
			[]string{"ORG:Antalyaspor", "ORG:Bursaspor"}, []string{"LOC:Antalyaspor"}},
		{"a Turkish club in Russian transcription",
			"Летом он перешёл в Трабзонспор, а потом играл за Болуспор.",
			[]string{"ORG:Трабзонспор", "ORG:Болуспор"}, []string{"PER:Болуспор", "LOC:Трабзонспор"}},
		{"a Georgian name in „quotes“ and the genitive",
			"თბილისში აქციის მონაწილეები „ქართული ოცნების“ მთავრობის გადაწყვეტილებას აპროტესტებდნენ.",
			[]string{"ORG:ქართული ოცნების", "LOC:თბილისში"}, nil},
		{"a town after a cue of a sports career is the club",
			"The striker joined Palermo in 2014, was loaned to Foggia and later signed for Ararat Yerevan; he was born in Palermo.",
			[]string{"ORG:Palermo", "ORG:Foggia", "LOC:Palermo"}, []string{"LOC:Foggia"}},
		{"an unknown name after a cue of a career at a club is the club, not after a result",
			"After two seasons he joined Pyunik and signed a contract with Urartu, then lost to Tsitsipas in the final.",
			[]string{"ORG:Pyunik", "ORG:Urartu"}, []string{"ORG:Tsitsipas"}},
		{"a town after a move stays a town",
			"After his retirement he moved to Lincoln and joined the local council.",
			[]string{"LOC:Lincoln"}, []string{"ORG:Lincoln"}},
		{"a club word ends a club's name after a town no gazetteer has",
			"The midfielder left Kapanakert United for Zvartnots Rovers last summer.",
			[]string{"ORG:Kapanakert United", "ORG:Zvartnots Rovers"}, []string{"PER:Kapanakert United"}},
		{"a town then a plural nickname that is also a town is a club",
			"The pitcher was traded from the New York Mets to the Atlanta Braves.",
			[]string{"ORG:New York Mets", "ORG:Atlanta Braves"}, []string{"LOC:New York", "LOC:Mets"}},
		{"turkish sentence-initial common word is no place",
			"Eğer taraflar anlaşırsa, Ermenistan ile Azerbaycan arasında kalıcı bir anlaşma imzalanacak ve sınır açılacak.",
			[]string{"LOC:Ermenistan"}, []string{"LOC:Eğer", "LOC:ile Azerbaycan"}},
		{"a French geographic head counts only with its accents",
			"Le ferry relie l'île d'Yeu au continent; Azerbaycan ile Ermenistan görüştü.",
			[]string{"LOC:île d'Yeu"}, []string{"LOC:ile Ermenistan"}},
		{"turkish capitals: common words are no places",
			"Dışişleri bakanları görüştü. BARIŞ görüşmeleri sürüyor, DİLİ tartışması da gündemde, dedi Lavrov.",
			nil, []string{"LOC:BARIŞ", "LOC:DİLİ"}},
		{"a known person ends an office glued before it (ru)",
			"Вчера глава МИД России Сергей Лавров встретился с коллегами в Ереване.",
			[]string{"PER:Сергей Лавров", "LOC:Ереване"}, []string{"PER:МИД России Сергей Лавров"}},
		{"a known person ends a body glued before it (en)",
			"The talks were hosted by European Council Charles Michel and attended by Pashinyan.",
			[]string{"ORG:European Council", "PER:Charles Michel", "PER:Pashinyan"}, nil},
		{"a title inside the run ends the organisation before it (en)",
			"US Minsk Group Co-Chair Andrew Schofer visited Yerevan and Baku this week.",
			[]string{"ORG:Minsk Group", "PER:Andrew Schofer", "LOC:Yerevan"}, []string{"ORG:Minsk Group Co-Chair Andrew Schofer"}},
		{"after a title, a known country in the genitive is not part of the name (uk)",
			"Президент Франції Еммануель Макрон зустрівся з Пашиняном у Парижі.",
			[]string{"LOC:Франції", "PER:Пашиняном"}, []string{"PER:Франції Еммануель Макрон"}},
		{"a German title noun is not part of the name",
			"Am Montag sprach Baerbock mit Kollegen Jeyhun Bayramow über den Frieden.",
			[]string{"PER:Jeyhun Bayramow"}, []string{"PER:Kollegen Jeyhun Bayramow"}},
		{"a German genitive of a known place is that place, not part of a noun before it",
			"Die Offensive Aserbaidschans im September zwang Zehntausende zur Flucht; die Regierung Armeniens und der Präsident Georgiens reagierten.",
			[]string{"LOC:Aserbaidschans", "LOC:Armeniens", "LOC:Georgiens"}, []string{"PER:Offensive Aserbaidschans", "PER:Regierung Armeniens"}},
		{"a French institution: capitalised head, lower-case adjectives and complements",
			"Selon le Fonds monétaire international, le Parti socialiste et la Ligue nationale de hockey ont accepté ; la Cour de cassation a tranché à Paris.",
			[]string{"ORG:Fonds monétaire international", "ORG:Parti socialiste", "ORG:Ligue nationale de hockey", "ORG:Cour de cassation", "LOC:Paris"}, nil},
		{"a French institution after a club: two names",
			"Il a signé avec les Flyers de Philadelphie de la Ligue nationale de hockey en 2005.",
			[]string{"ORG:Flyers de Philadelphie", "ORG:Ligue nationale de hockey"}, nil},
		{"a French institution ends before a person's name",
			"Le chef du Parti radical Jean Dupont a démissionné.",
			[]string{"ORG:Parti radical"}, []string{"ORG:Parti radical Jean Dupont"}},
		{"a Russian institution: adjectives, head noun and genitive complement",
			"Вчера Немецкий футбольный союз и Союз журналистов России поддержали решение, сообщил Европейский центральный банк.",
			[]string{"ORG:Немецкий футбольный союз", "ORG:Союз журналистов России", "ORG:Европейский центральный банк"}, []string{"ORG:Союз журналистов"}},
		{"a Russian or Ukrainian institution ends on the country it belongs to",
			"Вчера Министерство обороны Армении выступило с заявлением, а Правительство Польши промолчало.",
			[]string{"ORG:Министерство обороны Армении", "LOC:Польши"}, []string{"LOC:Армении", "ORG:Правительство Польши"}},
		{"a Ukrainian institution ends on the country it belongs to",
			"У понеділок Спілка журналістів України засудила напад на редакцію у Харкові.",
			[]string{"ORG:Спілка журналістів України", "LOC:Харкові"}, []string{"LOC:України"}},
		{"a Russian institution's name does not end on an adjective",
			"Вчера Министерство внутренних дел промолчало.",
			nil, []string{"ORG:Министерство внутренних"}},
		{"a lone Latin-script word in Russian text is a company, not a title's word nor a numeral",
			"Вчера акции Citigroup и Pfizer упали, сообщает агентство; в XIX веке вышел альбом Road to Rhode Island и PlayStation 4.",
			[]string{"ORG:Citigroup", "ORG:Pfizer"}, []string{"ORG:XIX", "ORG:Road", "ORG:Island", "ORG:PlayStation"}},
		{"a hyphen with spaces around it is a dash between two names",
			"Он доказал теорему Байера - Виллигера, а Сергей Иванов - Лос-Анджелес.",
			[]string{"LOC:Лос-Анджелес"}, []string{"PER:Байера - Виллигера", "PER:Сергей Иванов - Лос-Анджелес"}},
		{"a town that is only part of a hyphenated word is not the place",
			"Его перевели в тюрьму в Ландсберге-на-Лехе, а потом в Ереван; бои шли под Монте-Кассино.",
			[]string{"LOC:Ереван", "LOC:Ландсберге-на-Лехе"}, []string{"LOC:Лехе", "LOC:Монте"}},
		{"a club named by its town and a plural ends a run of capitalised words",
			"He was drafted by the League Champion Baltimore Colts and later coached the South Sydney Rabbitohs.",
			[]string{"ORG:Baltimore Colts"}, []string{"LOC:Baltimore", "ORG:Sydney Rabbitohs"}},
		{"a title word that starts a known place's name is part of it",
			"He broke in as a rookie with the St. Louis Eagles and was dealt to the St. Louis Cardinals.",
			[]string{"ORG:St. Louis Eagles", "ORG:St. Louis Cardinals"}, []string{"LOC:St. Louis", "ORG:Louis Eagles"}},
		{"an unknown word glued before a known town is a club or a company",
			"He left Dinamo Zagreb for Feyenoord Rotterdam and then Sparta Rotterdam, said John London, who lives in Greater London.",
			[]string{"ORG:Dinamo Zagreb", "ORG:Feyenoord Rotterdam", "ORG:Sparta Rotterdam"}, []string{"ORG:John London", "ORG:Greater London"}},
		{"a German noun before a town is no club",
			"Die Flüchtlinge erreichten am Montag die Stadt Goris im Süden Armeniens.",
			nil, []string{"ORG:Stadt Goris"}},
		{"a small town's name before a verb in the third person is a person (ru)",
			"В 1955 году Бера уходит в Maserati, а в 1984 году Мур разорвал отношения с Куком.",
			[]string{"PER:Бера", "PER:Мур"}, []string{"LOC:Бера", "LOC:Мур"}},
		{"an acronym after a title is the body the title belongs to",
			"В июне его назначили старшим тренером СКА, сообщил пресс-секретарь.",
			[]string{"ORG:СКА"}, []string{"PER:СКА"}},
		{"an unknown first word before a third-person verb is a person; a clipped compound is a body (ru)",
			"Клаату сообщает учёному новости. Роскомнадзор заблокировал сайт, а Минобороны промолчало. Гордеев сказал, что Ростов готов.",
			[]string{"PER:Клаату", "ORG:Роскомнадзор", "ORG:Минобороны"}, []string{"PER:Роскомнадзор", "PER:Минобороны", "ORG:Гордеев", "ORG:Ростов"}},
		{"a run that starts with an acronym is no person's name",
			"He studied at the UCLA Film school before the UEFA Euro started, said Tom Hanks.",
			[]string{"PER:Tom Hanks"}, []string{"PER:UCLA Film", "PER:UEFA Euro"}},
		{"an organisation word, then of the and a name, is one body; not when a body follows",
			"The regiment joined the Army of the Potomac, and the Party of the Regions thanked the Specialist Group of the Kapan Computer Society.",
			[]string{"ORG:Army of the Potomac", "ORG:Party of the Regions", "ORG:Kapan Computer Society"},
			[]string{"ORG:Army", "ORG:Specialist Group of the Kapan Computer Society"}},
		{"an acronym of a common noun names no body",
			"Вчера СМИ сообщили, что ВВП вырос, а ГЭС на реке остановили; анализ ДНК провела ФСБ. The DVD and the GDP figures came from UNICEF. He scored a century in his first ODI.",
			nil, []string{"ORG:СМИ", "ORG:ВВП", "ORG:ГЭС", "ORG:ДНК", "ORG:DVD", "ORG:GDP", "ORG:ODI"}},
		{"an English club or company word in Russian transcription ends the name",
			"Летом он перешёл в Вест Хэм Юнайтед, как сообщило агентство Ассошиэйтед Пресс, а альбом выпустила Уорнер Бразерс.",
			[]string{"ORG:Вест Хэм Юнайтед", "ORG:Ассошиэйтед Пресс", "ORG:Уорнер Бразерс"},
			[]string{"PER:Вест Хэм Юнайтед", "PER:Ассошиэйтед Пресс", "PER:Уорнер Бразерс"}},
		{"a French elision written apart from the name still joins it",
			"Il a signé avec les Thrashers d' Atlanta puis avec les Sénateurs d'Ottawa, dit Edward D. Thomas.",
			[]string{"ORG:Thrashers d' Atlanta", "ORG:Sénateurs d'Ottawa"},
			[]string{"LOC:Atlanta", "PER:Edward D"}},
		{"a French plural nickname, de and a town is a club",
			"Il a joué contre les Mets de New York, puis pour les Marlins de Miami; les Arméniens de Syrie et les Moluques du Nord n'y sont pour rien.",
			[]string{"ORG:Mets de New York", "ORG:Marlins de Miami"},
			[]string{"LOC:New York", "LOC:Miami", "ORG:Arméniens de Syrie", "ORG:Moluques du Nord"}},
		{"a Russian archipelago, airfield or state names the place after it",
			"Флот ушёл к архипелагу Ваньшань, авиация атаковала аэродром Удбины, а государство Когурё пало.",
			[]string{"LOC:Ваньшань", "LOC:Удбины", "LOC:Когурё"},
			[]string{"PER:Ваньшань", "PER:Удбины", "PER:Когурё"}},
		{"a compound whose parts a lower-case preposition joins is a town",
			"Войска на несколько дней взяли Ростов-на-Дону, потом Франкфурт-на-Майне; Жан-Поль Бельмондо приехал в Бар-сюр-Сен.",
			[]string{"LOC:Ростов-на-Дону", "LOC:Франкфурт-на-Майне", "LOC:Бар-сюр-Сен"},
			[]string{"PER:Франкфурт-на-Майне", "LOC:Жан-Поль Бельмондо"}},
		{"a run that starts with a common word inside a sentence is no person's name",
			"The album was produced by Josh Abraham, whose credits include Morbid Angel, Cobra Starship and Tainted Lovejoy, and Frank Little.",
			[]string{"PER:Josh Abraham", "PER:Frank Little"}, []string{"PER:Morbid Angel", "PER:Cobra Starship", "PER:Tainted Lovejoy"}},
		{"a word of its kind before a name makes it a body (en, fr)",
			"The metal band Van Canto toured with the band 30 Seconds to Mars; the firm Bloomberg said company President Jane Doe resigned.",
			[]string{"ORG:Van Canto", "ORG:30 Seconds to Mars", "ORG:Bloomberg", "PER:Jane Doe"},
			[]string{"PER:Van Canto", "ORG:President Jane Doe", "ORG:Jane Doe"}},
		{"a French word of its kind before a name makes it a body, not before a name written on in lower case",
			"Il a joué avec le groupe Gerry and the Pacemakers, sorti chez le label Charisma, puis rejoint le parti Le Foyer juif.",
			[]string{"ORG:Gerry and the Pacemakers", "ORG:Charisma"}, []string{"PER:Gerry", "ORG:Le Foyer"}},
		{"a railroad or a railway is the line, a place; Railways is the company",
			"A train left Atlantic City over the West Jersey Railroad to join the Welsh Highland Railway, which Indian Railways once ran.",
			[]string{"LOC:West Jersey Railroad", "LOC:Welsh Highland Railway", "ORG:Indian Railways"},
			[]string{"ORG:West Jersey Railroad", "ORG:Welsh Highland Railway"}},
		{"a French institution ends on the country or region it belongs to",
			"Elle a été élue sous la bannière du Parti libéral du Québec, puis il a joué dans la Ligue de hockey de l' Ontario à Toronto.",
			[]string{"ORG:Parti libéral du Québec", "ORG:Ligue de hockey de l' Ontario", "LOC:Toronto"},
			[]string{"LOC:Québec", "LOC:Ontario", "ORG:Parti libéral", "ORG:Ligue de hockey"}},
		{"a board, an exchange, a survey or a philharmonic ends an organisation's name",
			"He ran the Pakistan Cricket Board, listed shares on the Brussels Stock Exchange, mapped faults for the United States Geological Survey and played with the New York Philharmonic.",
			[]string{"ORG:Pakistan Cricket Board", "ORG:Brussels Stock Exchange", "ORG:United States Geological Survey", "ORG:New York Philharmonic"},
			[]string{"LOC:Pakistan", "LOC:Brussels", "LOC:United States", "LOC:New York"}},
		{"a cue of a sports career beats a preposition's guess; a province named after its town is a club too",
			"He was loaned to Pizzighettone, played 26 games for Lausanne and scored against his former club Benevento; he lives in Lausanne.",
			[]string{"ORG:Pizzighettone", "ORG:Lausanne", "ORG:Benevento", "LOC:Lausanne"},
			[]string{"LOC:Pizzighettone", "LOC:Benevento"}},
		{"a plural of a kind, then such as or like, makes bodies of the names it lists",
			"He was linked to clubs like Feyenoord, Eindhoven and Twente, toured with bands such as TacoCat and Childbirth, and lives in Eindhoven.",
			[]string{"ORG:Feyenoord", "ORG:Eindhoven", "ORG:Twente", "ORG:TacoCat", "ORG:Childbirth", "LOC:Eindhoven"},
			[]string{"PER:TacoCat"}},
		{"a name inside a quoted title in title case is part of the work",
			`He starred in "Life on the Mississippi" and sang on the "I Am Sam" soundtrack; "We will not leave New York," said Sam Carter in New York.`,
			[]string{"LOC:New York", "PER:Sam Carter"},
			[]string{"LOC:Sam", "LOC:Mississippi"}},
	})
}

// TestOtherBearerOfAKnownSurname checks that a first name that is none of a known person's,
// before that person's surname, names another person ("Cyrus Vance" is not JD Vance), and
// that the known person's own first names, in any spelling, still link.
func TestOtherBearerOfAKnownSurname(t *testing.T) {
	tag := sharedTagger(t)
	for _, tc := range []struct {
		text, name string
		known      bool
	}{
		{"Yesterday Cyrus Vance met reporters in Washington and spoke at length about the talks.", "Cyrus Vance", false},
		{"Вчера Уильяма Вэнса видели в Брюсселе на выставке комиксов и книг.", "Уильяма Вэнса", false},
		{"Yesterday JD Vance met reporters in Washington and spoke at length about the talks.", "JD Vance", true},
		{"Вчера Сергея Лаврова видели в Брюсселе на встрече министров.", "Сергея Лаврова", true},
		{"Gestern traf Sergej Lawrow in Brüssel ein, um mit den Ministern zu sprechen.", "Sergej Lawrow", true},
	} {
		var found *Tagged
		for _, p := range tag(tc.text) {
			if tc.text[p.Start:p.End] == tc.name {
				found = &p
			}
		}
		switch {
		case found == nil:
			t.Errorf("%q: %q not found; got %q", tc.text, tc.name, spansOf(tag(tc.text), tc.text, true))
		case found.Type != "PER" || found.Known != tc.known:
			t.Errorf("%q: %q is %s, known %t; want PER, known %t", tc.text, tc.name, found.Type, found.Known, tc.known)
		}
	}
}

// TestKnownRegionOfAdjectiveAndHead checks that a region the knowledge base knows by an
// adjective and a head noun ("Калининградская область", "Донецька область") is linked in
// any case, not replaced by a pattern place over the same words.
func TestKnownRegionOfAdjectiveAndHead(t *testing.T) {
	tag := sharedTagger(t)
	for _, tc := range []struct{ text, name string }{
		{"Вчера Калининградская область приняла делегацию из Москвы и Минска.", "Калининградская область"},
		{"Учения прошли в Калининградской области и завершились в пятницу.", "Калининградской области"},
		{"Учора в Донецькій області тривали бої, повідомили в обласній адміністрації.", "Донецькій області"},
		{"Вчера Краснодарский край принял делегацию из Москвы и Минска.", "Краснодарский край"},
		{"Губернатор Белгородской области сообщил об атаке беспилотников в пятницу.", "Белгородской области"},
	} {
		var found *Tagged
		for _, p := range tag(tc.text) {
			if tc.text[p.Start:p.End] == tc.name {
				found = &p
			}
		}
		if found == nil || found.Type != "LOC" || !found.Known {
			t.Errorf("%q: want the known LOC %q; got %q (%+v)", tc.text, tc.name, spansOf(tag(tc.text), tc.text, true), found)
		}
	}
}
