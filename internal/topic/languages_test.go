package topic

import (
	"slices"
	"testing"
)

// languages are the languages of the region's news: every topic of config/topics.yaml has
// vocabulary in each (TestTopicLanguages).
var languages = []string{"en", "ru", "fr", "hy", "az", "tr", "ka", "fa", "uk", "de"}

// langCase is one article as the enricher hands it to the rules: its language, its text
// and the IDs of the entities linked in it.
type langCase struct {
	lang, text string
	ids        []string
}

// topicLanguages holds, for every shipped topic, one article per language that must get
// the topic through that language's words (the entity IDs are only those the rule needs
// beside the words: the countries a peace process is between, the EU, Tbilisi).
var topicLanguages = map[string][]langCase{
	"lachin-corridor": {
		{"en", "Azerbaijan closed the Lachin road again.", nil},
		{"ru", "Блокада Лачинского коридора продолжается.", nil},
		{"fr", "Le corridor de Latchine reste fermé.", nil},
		{"hy", "Լաչինի միջանցքը փակ է։", nil},
		{"az", "Laçın dəhlizində vəziyyət gərgindir.", nil},
		{"tr", "Laçin koridorunda gerginlik sürüyor.", nil},
		{"ka", "ლაჩინის დერეფანი კვლავ დაკეტილია.", nil},
		{"fa", "دالان لاچین همچنان بسته است.", nil},
		{"uk", "Блокада Лачинського коридору триває.", nil},
		{"de", "Der Latschin-Korridor bleibt gesperrt.", nil},
	},
	"nagorno-karabakh": {
		{"en", "Fighting resumed in Karabakh.", nil},
		{"ru", "Ситуация в Карабахе.", nil},
		{"fr", "La situation au Haut-Karabagh.", nil},
		{"hy", "Արցախում իրավիճակը լարված է։", nil},
		{"az", "Qarabağda bərpa işləri davam edir.", nil},
		{"tr", "Dağlık Karabağ'da durum gergin.", nil},
		{"ka", "ყარაბაღში ვითარება დაძაბულია.", nil},
		{"fa", "وضعیت در قره‌باغ کوهستانی", nil},
		{"uk", "Ситуація в Карабаху.", nil},
		{"de", "Die Lage in Bergkarabach bleibt angespannt.", nil},
	},
	"armenia-azerbaijan-peace": {
		{"en", "Armenia and Azerbaijan resumed peace talks.", []string{"Q399", "Q227"}},
		{"ru", "Армения и Азербайджан обсуждают мирное соглашение.", []string{"Q399", "Q227"}},
		{"fr", "L'Arménie et l'Azerbaïdjan négocient un traité de paix.", []string{"Q399", "Q227"}},
		{"hy", "Հայաստանը և Ադրբեջանը քննարկել են խաղաղության պայմանագրի նախագիծը։", []string{"Q399", "Q227"}},
		{"az", "Azərbaycan və Ermənistan sülh müqaviləsini müzakirə edir.", []string{"Q399", "Q227"}},
		{"tr", "Azerbaycan ile Ermenistan barış anlaşmasını görüştü.", []string{"Q399", "Q227"}},
		{"ka", "სომხეთი და აზერბაიჯანი სამშვიდობო ხელშეკრულებას განიხილავენ.", []string{"Q399", "Q227"}},
		{"fa", "ارمنستان و جمهوری آذربایجان درباره پیمان صلح گفتگو کردند.", []string{"Q399", "Q227"}},
		{"uk", "Вірменія та Азербайджан продовжують мирні переговори.", []string{"Q399", "Q227"}},
		{"de", "Armenien und Aserbaidschan verhandeln über einen Friedensvertrag.", []string{"Q399", "Q227"}},
	},
	"csto": {
		{"en", "Armenia froze its participation in the CSTO.", nil},
		{"ru", "Армения заморозила участие в ОДКБ.", nil},
		{"fr", "L'Arménie gèle sa participation à l'OTSC.", nil},
		{"hy", "Հայաստանը սառեցրել է մասնակցությունը ՀԱՊԿ-ին։", nil},
		{"az", "Ermənistan KTMT-dəki iştirakını dondurub.", nil},
		{"tr", "Ermenistan KGAÖ'deki katılımını dondurdu.", nil},
		{"ka", "სომხეთმა კუხოში მონაწილეობა შეაჩერა.", nil},
		{"fa", "ارمنستان عضویت خود در سازمان پیمان امنیت جمعی را تعلیق کرد.", nil},
		{"uk", "Вірменія заморозила участь в ОДКБ.", nil},
		{"de", "Armenien friert seine Mitarbeit in der OVKS ein.", nil},
	},
	"russian-peacekeepers": {
		{"en", "Russian peacekeepers left the region.", nil},
		{"ru", "Российские миротворцы покинули регион.", nil},
		{"fr", "Les soldats de la paix russes quittent la région.", nil},
		{"hy", "Ռուս խաղաղապահները լքել են տարածաշրջանը։", nil},
		{"az", "Rus sülhməramlıları bölgəni tərk edib.", nil},
		{"tr", "Rus barış gücü bölgeden çekildi.", nil},
		{"ka", "რუსი სამშვიდობოები რეგიონს ტოვებენ.", nil},
		{"fa", "نیروهای حافظ صلح روسیه منطقه را ترک کردند.", nil},
		{"uk", "Російські миротворці залишили регіон.", nil},
		{"de", "Die russischen Friedenstruppen verlassen die Region.", nil},
	},
	"eu-mediation": {
		{"en", "The EU hosted the leaders of Armenia and Azerbaijan.", []string{"Q458", "Q399", "Q227"}},
		{"ru", "ЕС выступает посредником между Арменией и Азербайджаном.", []string{"Q458", "Q399", "Q227"}},
		{"fr", "L'UE propose sa médiation à l'Arménie et à l'Azerbaïdjan.", []string{"Q458", "Q399", "Q227"}},
		{"hy", "ԵՄ դիտորդական առաքելությունը Հայաստանում շարունակում է աշխատանքը։", []string{"Q458", "Q399"}},
		{"az", "Aİ Azərbaycan ilə Ermənistan arasında vasitəçilik edir.", []string{"Q458", "Q399", "Q227"}},
		{"tr", "AB, Azerbaycan ile Ermenistan arasında arabuluculuk teklif etti.", []string{"Q458", "Q399", "Q227"}},
		{"ka", "ევროკავშირის სადამკვირვებლო მისია სომხეთის საზღვარზე პატრულირებს.", []string{"Q458", "Q399"}},
		{"fa", "اتحادیه اروپا میان ارمنستان و جمهوری آذربایجان میانجی‌گری می‌کند.", []string{"Q458", "Q399", "Q227"}},
		{"uk", "ЄС продовжує моніторинг на кордоні Вірменії.", []string{"Q458", "Q399"}},
		{"de", "Die EU bietet Armenien und Aserbaidschan ihre Vermittlung an.", []string{"Q458", "Q399", "Q227"}},
	},
	"osce-minsk-group": {
		{"en", "The OSCE Minsk Group co-chairs met.", nil},
		{"ru", "Сопредседатели Минской группы ОБСЕ встретились.", nil},
		{"fr", "Les coprésidents du groupe de Minsk se sont réunis.", nil},
		{"hy", "ԵԱՀԿ Մինսկի խմբի համանախագահները հանդիպեցին։", nil},
		{"az", "ATƏT-in Minsk qrupunun həmsədrləri görüşdü.", nil},
		{"tr", "AGİT Minsk Grubu eş başkanları bir araya geldi.", nil},
		{"ka", "ეუთოს მინსკის ჯგუფის თანათავმჯდომარეები შეხვდნენ.", nil},
		{"fa", "رؤسای مشترک گروه مینسک دیدار کردند.", nil},
		{"uk", "Співголови Мінської групи ОБСЄ зустрілися.", nil},
		{"de", "Die Ko-Vorsitzenden der OSZE-Minsk-Gruppe trafen sich.", nil},
	},
	"zangezur-corridor": {
		{"en", "Baku insists on the Zangezur corridor.", nil},
		{"ru", "Баку настаивает на Зангезурском коридоре.", nil},
		{"fr", "Bakou réclame le corridor de Zanguezour.", nil},
		{"hy", "Բաքուն պնդում է Զանգեզուրի միջանցքի վրա։", nil},
		{"az", "Zəngəzur dəhlizi açılacaq.", nil},
		{"tr", "Zengezur koridoru açılacak.", nil},
		{"ka", "ბაქო ზანგეზურის დერეფანს ითხოვს.", nil},
		{"fa", "باکو بر کریدور زنگزور پافشاری می‌کند.", nil},
		{"uk", "Баку наполягає на Зангезурському коридорі.", nil},
		{"de", "Baku besteht auf dem Sangesur-Korridor.", nil},
	},
	"armenia-russia-relations": {
		{"en", "Armenian-Russian relations are at a low.", []string{"Q399", "Q159"}},
		{"ru", "Армяно-российские отношения переживают кризис.", []string{"Q399", "Q159"}},
		{"fr", "Les relations arméno-russes traversent une crise.", []string{"Q399", "Q159"}},
		{"hy", "Հայ-ռուսական հարաբերությունները լարված են։", []string{"Q399", "Q159"}},
		{"az", "Ermənistan-Rusiya münasibətləri gərginləşib.", []string{"Q399", "Q159"}},
		{"tr", "Ermenistan-Rusya ilişkileri gerildi.", []string{"Q399", "Q159"}},
		{"ka", "სომხეთ-რუსეთის ურთიერთობები დაიძაბა.", []string{"Q399", "Q159"}},
		{"fa", "روابط ارمنستان و روسیه تیره شده است.", []string{"Q399", "Q159"}},
		{"uk", "Вірменсько-російські відносини погіршилися.", []string{"Q399", "Q159"}},
		{"de", "Die armenisch-russischen Beziehungen sind angespannt.", []string{"Q399", "Q159"}},
	},
	"georgia-politics": {
		{"en", "Protesters gathered in Tbilisi.", []string{"Q994"}},
		{"ru", "В Тбилиси прошёл митинг.", []string{"Q994"}},
		{"fr", "Manifestation à Tbilissi.", []string{"Q994"}},
		{"hy", "Թբիլիսիում բողոքի ցույց է անցկացվել։", []string{"Q994"}},
		{"az", "Tbilisidə etiraz aksiyası keçirilib.", []string{"Q994"}},
		{"tr", "Tiflis'te protesto gösterisi düzenlendi.", []string{"Q994"}},
		{"ka", "თბილისში საპროტესტო აქცია გაიმართა.", []string{"Q994"}},
		{"fa", "در تفلیس تظاهرات برگزار شد.", []string{"Q994"}},
		{"uk", "У Тбілісі відбувся мітинг.", []string{"Q994"}},
		{"de", "In Tiflis fand eine Kundgebung statt.", []string{"Q994"}},
	},
	"refugees-humanitarian": {
		{"en", "Refugees arrived in Armenia.", []string{"Q399"}},
		{"en", "UNHCR staff reached Stepanakert on Monday.", []string{"Q132551", "Q129352"}},
		{"fr", "Le CICR a pu entrer au Haut-Karabakh.", []string{"Q5987345", "Q44302"}},
		{"ru", "Беженцы прибывают в Армению.", []string{"Q399"}},
		{"fr", "Les réfugiés arrivent en Arménie.", []string{"Q399"}},
		{"hy", "Փախստականները ժամանում են Հայաստան։", []string{"Q399"}},
		{"az", "Qaçqınlar Ermənistana çatıb.", []string{"Q399"}},
		{"tr", "Mülteciler Ermenistan'a ulaştı.", []string{"Q399"}},
		{"ka", "ლტოლვილები სომხეთში ჩადიან.", []string{"Q399"}},
		{"fa", "پناهجویان به ارمنستان رسیدند.", []string{"Q399"}},
		{"uk", "Біженці прибувають до Вірменії.", []string{"Q399"}},
		{"de", "Flüchtlinge kommen in Armenien an.", []string{"Q399"}},
	},
}

// languageExceptions names the topic and language pairs without vocabulary of their own,
// and why. None today: a topic added without words in one of the languages must say here
// why it needs none.
var languageExceptions = map[string]string{}

// TestTopicLanguages checks that every shipped topic finds its articles in each of the
// region's languages by that language's words, not only by the linked entities.
func TestTopicLanguages(t *testing.T) {
	s, err := Parse("config/topics.yaml", shippedTopics(t), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range s.Topics() {
		cases := topicLanguages[tp.ID]
		for _, lang := range languages {
			if _, ok := languageExceptions[tp.ID+"/"+lang]; ok {
				continue
			}
			if !slices.ContainsFunc(cases, func(c langCase) bool { return c.lang == lang }) {
				t.Errorf("topic %s has no %s article in topicLanguages (add one, or a languageExceptions entry saying why)", tp.ID, lang)
			}
		}
		for _, c := range cases {
			t.Run(tp.ID+"/"+c.lang, func(t *testing.T) {
				if got := s.Match(articleOf(c.lang, c.text, c.ids...)); !slices.Contains(got, tp.ID) {
					t.Errorf("%q (%s, entities %v) got topics %v, lacks %s", c.text, c.lang, c.ids, got, tp.ID)
				}
			})
		}
	}
	for id := range topicLanguages {
		if !slices.ContainsFunc(s.Topics(), func(tp Topic) bool { return tp.ID == id }) {
			t.Errorf("topicLanguages names %s, which config/topics.yaml lacks", id)
		}
	}
}

// TestTopicNegatives holds articles that must not get a topic: the words or entities of
// a topic without what the topic is about. Relations topics are the ones most tempted:
// two countries and a leader named together are not relations between them.
func TestTopicNegatives(t *testing.T) {
	s, err := Parse("config/topics.yaml", shippedTopics(t), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, not string
		langCase
	}{
		{"Pashinyan in Kyiv discussing relations with Russia", "armenia-russia-relations", langCase{"uk",
			"Нікол Пашинян прибув до Києва. Сторони обговорили ситуацію на Південному Кавказі, відносини з Росією та мирні переговори з Азербайджаном.",
			[]string{"Q7035479", "Q1899", "Q212", "Q399", "Q227", "Q159"}}},
		{"Pashinyan and Aliyev in Prague, Russia absent", "armenia-russia-relations", langCase{"en",
			"Nikol Pashinyan met Ilham Aliyev in Prague; Russia was not invited.",
			[]string{"Q7035479", "ww:ilham-aliyev", "Q399", "Q227", "Q159"}}},
		{"Pashinyan in Paris, Russia named", "armenia-russia-relations", langCase{"ru",
			"Пашинян в Париже обсудил с Макроном поставки оружия; Россия раскритиковала Францию.",
			[]string{"Q7035479", "Q90", "Q3052772", "Q142", "Q399", "Q159"}}},
		{"Lavrov on the Armenia–Azerbaijan talks Pashinyan attends", "armenia-russia-relations", langCase{"en",
			"Sergey Lavrov said in Moscow that the talks between Nikol Pashinyan and Ilham Aliyev in Almaty should respect the 2020 statement.",
			[]string{"Q58217", "Q649", "Q7035479", "Q57371", "Q399", "Q227", "Q159"}}},
		{"Putin brokered the 2020 ceasefire Pashinyan signed", "armenia-russia-relations", langCase{"en",
			"Vladimir Putin, Ilham Aliyev and Nikol Pashinyan signed the ceasefire that ended the war; Russia sent peacekeepers to Nagorno-Karabakh.",
			[]string{"Q7747", "Q57371", "Q7035479", "Q159", "Q44302", "Q399", "Q227"}}},
		{"Mirzoyan on Russia's war in Ukraine", "armenia-russia-relations", langCase{"fr",
			"Ararat Mirzoyan a évoqué la guerre de la Russie en Ukraine lors de sa visite à Bruxelles.",
			[]string{"Q31196321", "Q159", "Q212", "Q239", "Q399"}}},
		{"football between the two countries", "armenia-azerbaijan-peace", langCase{"en",
			"Armenia and Azerbaijan met in a football qualifier in Cologne.",
			[]string{"Q399", "Q227"}}},
		{"Ukrainian peace talks with Armenia and Azerbaijan named apart", "armenia-azerbaijan-peace", langCase{"en",
			"Armenia joined the peace summit on Ukraine; Azerbaijan sent no one.",
			[]string{"Q399", "Q227", "Q212"}}},
		{"EU sanctions, Armenia abstaining", "eu-mediation", langCase{"en",
			"The EU imposed new sanctions on Russia; Armenia did not comment.",
			[]string{"Q458", "Q399", "Q159"}}},
		{"an EU gas deal with Azerbaijan", "eu-mediation", langCase{"fr",
			"L'UE négocie un nouvel accord gazier avec l'Azerbaïdjan.",
			[]string{"Q458", "Q227"}}},
		{"EU observers at Azerbaijan's election", "eu-mediation", langCase{"en",
			"EU observers said Azerbaijan's election lacked real competition.",
			[]string{"Q458", "Q227"}}},
		{"a delegation passing through Tbilisi", "georgia-politics", langCase{"en",
			"The Armenian delegation flew through Tbilisi to Brussels.",
			[]string{"Q994", "Q239"}}},
		{"Armenia's economy", "refugees-humanitarian", langCase{"en",
			"Armenia's economy grew by eight percent last year.",
			[]string{"Q399"}}},
		{"Russian tourists", "russian-peacekeepers", langCase{"ru",
			"Российские туристы едут в Ереван.",
			[]string{"Q159", "Q1953"}}},
		{"Lachin district schools", "lachin-corridor", langCase{"en",
			"Schools in the Lachin district reopened.", nil}},
		{"COP29 in Baku", "nagorno-karabakh", langCase{"en",
			"Baku hosted the COP29 climate summit.", []string{"Q9248"}}},
		{"a Syunik copper mine", "zangezur-corridor", langCase{"en",
			"A copper mine in Syunik raised its output.", []string{"Q2523428"}}},
		{"NATO in the Black Sea", "csto", langCase{"en",
			"NATO held exercises in the Black Sea.", []string{"Q7184", "Q166"}}},
		{"a group of tourists in Minsk", "osce-minsk-group", langCase{"tr",
			"Minsk'te bir grup turist festivale katıldı.", nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Match(articleOf(tc.lang, tc.text, tc.ids...)); slices.Contains(got, tc.not) {
				t.Errorf("%q (%s, entities %v) got %s (topics %v)", tc.text, tc.lang, tc.ids, tc.not, got)
			}
		})
	}
}

// TestRelationsNeedEvidence checks what does make two countries' relations a topic: both
// governments acting, one side's leader in the other's capital, or the relations named.
func TestRelationsNeedEvidence(t *testing.T) {
	s, err := Parse("config/topics.yaml", shippedTopics(t), testAnalysis(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		langCase
	}{
		{"both foreign ministers", langCase{"ru", "Лавров и Мирзоян провели переговоры.", []string{"Q58217", "Q31196321", "Q399", "Q159"}}},
		{"Armenian leader in Moscow", langCase{"en", "Pashinyan arrived in Moscow.", []string{"Q7035479", "Q649", "Q399", "Q159"}}},
		{"Kremlin spokesman on Yerevan", langCase{"en", "Peskov said Yerevan must explain itself.", []string{"ww:dmitry-peskov", "Q1953", "Q399", "Q159"}}},
		{"the Russian base in Gyumri", langCase{"en", "The 102nd base held drills.", []string{"ww:102nd-military-base"}}},
		{"Russia as Armenia's ally", langCase{"en", "Russia, Armenia's formal ally, stayed silent.", []string{"Q399", "Q159"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Match(articleOf(tc.lang, tc.text, tc.ids...)); !slices.Contains(got, "armenia-russia-relations") {
				t.Errorf("%q got %v, lacks armenia-russia-relations", tc.text, got)
			}
		})
	}
}
