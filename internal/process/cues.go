package process

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Word lists that type a capitalised name the knowledge base does not know. They are about
// languages (how names are built), never lists of particular names from any evaluation set.

// givenNames are common first names in the watched languages and the big news languages;
// a capitalised sequence starting with one is a person. Cyrillic ones get their case forms.
var givenNamesText = `
john james robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent mason roy ralph bobby russell bradley philip eugene louis harry howard fred martin hugh ian neil tony jimmy johnny ben sam tom tim bill bob steve mike dave chris nick alex max luke simon oliver jake liam lewis leo toby victor oscar hans karl otto klaus jürgen wolfgang helmut friedrich heinrich ernst fritz günter dieter uwe angela ursula
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori jane lucy kate rose sophie ella chloe julia claire
jean pierre jacques michel philippe alain bernard françois nicolas christophe patrick frédéric laurent éric olivier stéphane thierry pascal julien sébastien emmanuel didier dominique gérard yves guillaume antoine louis henri rené marcel andré claude lucien hugo mathieu maxime benoît vincent jérôme thomas arnaud hervé gilles régis édouard raymond roland marine ségolène anne catherine isabelle nathalie sylvie valérie christine sandrine véronique françoise monique nicole brigitte martine céline aurélie élise hélène jeanne simone mathilde camille manon léa chloé amélie juliette margot agnès mireille geneviève
giovanni giuseppe antonio mario luigi francesco paolo marco andrea alessandro stefano roberto carlo matteo luca silvio sergio giorgio fabio
juan carlos josé luis manuel miguel jorge pedro pablo fernando javier rafael alejandro diego sergio andrés ramón raúl francisco antonio enrique emilio gabriel ricardo gonzalo mariano pilar carmen dolores lucía rosa
sergey sergei sergueï vladimir dmitry dmitri alexei alexey aleksei andrei andrey nikolai nikolay mikhail ivan pavel yuri yury boris viktor igor oleg anatoly evgeny yevgeny vyacheslav valery vasily gennady grigory konstantin leonid maxim nikita roman stanislav vitaly vadim arkady anatoli yegor artem ruslan timur olga tatiana natalia elena yelena irina svetlana marina galina lyudmila anastasia ekaterina yekaterina valentina nadezhda vera lyubov ksenia yulia daria maria
сергей владимир дмитрий алексей андрей николай михаил иван павел юрий борис виктор игорь олег анатолий евгений вячеслав валерий василий геннадий григорий константин леонид максим никита роман станислав виталий вадим аркадий егор артём артем руслан тимур александр пётр петр фёдор федор степан семён семен илья лев яков георгий эдуард валентин аркадий матвей кирилл антон арсений денис глеб даниил ярослав богдан тарас остап мирон олександр дмитро андрій сергій володимир микола михайло петро юрій віктор ігор василь
ольга татьяна наталья елена ирина светлана марина галина людмила анастасия екатерина валентина надежда вера любовь ксения юлия дарья мария анна софия александра евгения алла нина зоя лидия тамара раиса вероника полина алина олена оксана наталія ірина
nikol ararat armen aram arman tigran vahagn levon serzh robert karen ashot gagik hovhannes hayk davit samvel artur arthur vardan arsen suren ruben arayik narek gurgen hrant anahit lilit armine gohar
ilham heydar jeyhun ceyhun elmar elchin ramiz mehriban leyla ali hikmet rauf tofig fuad zakir vugar anar kamran ramil rashad farid azer nariman elnur ilkin
mikheil mikhail irakli giorgi zurab levan nino salome bidzina eduard shalva tamar ketevan davit lasha otar vakhtang tengiz gia
recep ahmet mehmet mustafa hakan mevlüt kemal abdullah ismail ibrahim hüseyin hasan osman yusuf murat emre burak fatih ekrem kılıçdaroğlu devlet binali ayşe fatma zeynep emine elif
hassan hossein hosein mohammad mahmoud ebrahim masoud javad abbas ali akbar reza mohsen hamid mehdi ahmad
muhammad mohammed abdul khalid omar ahmed hamad salman faisal walid bashar hafez
`

var givenNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(givenNamesText) {
		for _, f := range inflect([]string{w}, "any", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// moreGivenNames is the generated list (see kbgen): about 10,000 first names of the
// English, French, German, Spanish, Italian and Dutch speaking world, less ordinary English
// words. Many are also places ("Cleveland", "Austin"), so it types a run of capitalised
// words but does not overrule a sizeable town, as the hand-made list does.
var moreGivenNames = func() map[string]bool {
	words, err := readWordList(givenNamesGz)
	if err != nil {
		panic(fmt.Sprintf("built-in first names: %v", err)) // embedded at build time
	}
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}()

// listedFirstName reports a first name of either list, as written (no skeleton).
func listedFirstName(w string) bool { return givenNames[w] || moreGivenNames[w] }

//go:embed kbdata/given-names.txt.gz
var givenNamesGz []byte

// honorifics are titles written before a person's name.
var honorifics = foldSet(`
mr mrs ms miss dr sir dame lord lady madam president premier minister chancellor senator governor
mayor general colonel captain lieutenant sergeant admiral marshal king queen prince princess pope
bishop archbishop father saint st rev professor prof judge ambassador secretary spokesman spokeswoman
chairman ceo director coach lt gen col maj capt sgt cpl pvt gov sen rep adm
brigadier commodore commander vice deputy
senior junior juniors freshman sophomore engineer operator conductor coroner sheriff commissioner
m mme mlle mm président présidente ministre chancelier sénateur gouverneur maire général colonel
capitaine roi reine prince princesse pape évêque père sainte professeur juge ambassadeur porte-parole
monsieur madame dirigeant
господин госпожа президент премьер министр канцлер сенатор губернатор мэр генерал полковник капитан
король королева принц папа епископ патриарх профессор судья посол спикер глава председатель замминистра
пресс-секретарь лидер
baş nazir prezident cənab xanım bay bayan sayın başbakan cumhurbaşkanı bakan
`)

// roles are lower-case nouns of a person's occupation written before the name, the
// trigger words of Europe Media Monitor's name patterns: "composer Holst", "peintre
// Cézanne", "художника Джорджоне" (Russian ones in every case form), and the Russian
// words for a nickname ("по кличке Коламбус"). They make a title.
var roles = func() map[string]bool {
	m := foldSet(`writer author poet painter artist composer singer actor actress director producer
philosopher mathematician physicist chemist scientist historian economist journalist footballer striker
midfielder defender goalkeeper guitarist drummer bassist vocalist rapper emperor prophet
écrivain auteur poète peintre artiste compositeur chanteur chanteuse acteur actrice réalisateur
philosophe mathématicien physicien historien journaliste footballeur entraîneur empereur
dictator farmer boxer architect sculptor photographer diplomat politician businessman explorer astronomer
biologist novelist playwright pianist violinist cellist
dictateur architecte sculpteur photographe diplomate pianiste violoniste explorateur astronome biologiste
romancier dramaturge boxeur`)
	for _, w := range strings.Fields(`писатель поэт художник композитор певец певица актёр актриса режиссёр продюсер
философ математик физик химик учёный историк журналист футболист нападающий защитник вратарь тренер
гитарист барабанщик вокалист император король царь князь граф герцог
диктатор дирижёр фермер архитектор скульптор фотограф дипломат политик бизнесмен предприниматель путешественник
астроном биолог драматург пианист скрипач боксёр гонщик автогонщик теннисист хоккеист баскетболист шахматист
музыковед кардинал адмирал маршал фельдмаршал султан халиф эмир фараон пророк апостол кличка прозвище псевдоним`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// orgLast are words that end an organisation's name ("Manchester United FC", "Labour Party").
var orgLast = foldSet(`
inc inc. ltd ltd. llc plc corp corp. corporation company co gmbh ag sa s.a. nv bv
university college institute academy school council committee commission ministry department agency
authority bureau office service services party union league federation association society club team
fc cf ac bank group holdings airlines airways railways records studios entertainment foundation fund
trust church army navy force forces guard police court parliament assembly senate congress
corps division brigade regiment battalion railroad railway
government administration organization organisation network news times post press journal gazette
tribune herald television tv radio channel magazine hospital museum orchestra band brothers
corporation industries motors systems technologies media games pictures films productions
racing labs laboratory laboratories directorate broadcasting international review classics
wing squadron fleet command diocese archdiocese movement centre center
f.c a.f.c s.c s.l s.a s.p.a n.v b.v
université institut académie école conseil comité commission ministère agence autorité office parti
fédération association société club banque groupe fondation église armée assemblée sénat tribunal
`)

// orgFirst are words that start an organisation's name ("University of Oxford", "Banque de France").
var orgFirst = foldSet(`
university ministry bank council committee department institute college federation association
house office church order
université ministère banque conseil comité institut fédération association société parti groupe
compagnie académie école assemblée
министерство университет институт банк комитет совет партия союз федерация ассоциация общество
компания корпорация академия фонд служба агентство управление организация
`)

// locLast and locFirst mark places: rivers, mountains, islands, streets, administrative units.
var locLast = foldSet(`
river lake mountains mountain mount island islands sea ocean bay gulf strait peninsula desert
valley county province region district state territory republic street avenue road square
park canyon falls hills coast city town village airport
pond brook creek stream beach plateau junction parish harbour harbor ave lane boulevard
empire kingdom peninsula highlands lowlands marsh glacier reservoir canal
`)

var locFirst = foldSet(`
mount lake cape gulf isle fort port saint st san santa sankt county camp kreis
mont lac cap golfe île ile rue place saint sainte
гора река озеро остров мыс залив улица площадь
`)

// facilityLast ends the name of a building or a ground ("Turner Field", "Madison Square
// Garden", "Pocono Raceway"): places, as news-NER conventions have it. Weaker than a
// person's first name before it only for "Hall" (Carnegie Hall, Arsenio Hall), not listed.
var facilityLast = foldSet(`
field stadium arena garden gardens playground raceway speedway oval rink auditorium
airport station bridge tower castle palace cathedral abbey temple mosque necropolis base
stade aéroport gare pont tour château palais cathédrale
стадион аэропорт вокзал мост башня замок дворец собор`)

// buildingLast ends the name of a building, which a guess would otherwise make a person
// ("Carnegie Hall", "Alfred Phillips House"); after a known first name and one word it is
// still a person ("Arsenio Hall"), see chunk.
var buildingLast = foldSet(`hall house hotel inn lodge mill mills manor estate courthouse schoolhouse cave
works farm chapel`)

// unitLast ends the names of military units, numbered in front ("65 Air Division").
var unitLast = foldSet(`wing squadron fleet division brigade regiment battalion corps army group command`)

// ordinal reports a folded ordinal number: "65th", "1st", "seventeenth", "viii", "58-я".
func ordinal(w string) bool {
	if w == "" {
		return false
	}
	if w[0] >= '0' && w[0] <= '9' {
		for _, suf := range []string{"st", "nd", "rd", "th", "d", "e", "er", "re", "eme", "-я", "-и", "-й"} {
			if strings.HasSuffix(w, suf) {
				return true
			}
		}
		return false
	}
	return spelledOrdinals[w]
}

var spelledOrdinals = foldSet(`first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth`)

// teamLast ends a club's name after its town ("Leeds United", "Manchester City").
var teamLast = foldSet(`united city athletic rovers wanderers juniors albion county rangers fc hc sc cf afc fk sk bk if`)

// teamFirst starts a club's name in capitals ("FC Basel", "PSV Eindhoven", "SK Rapid").
var teamFirst = foldSet(`fc fk sk hc sc cf ac afc bk kv krc psv nac ss us as vfb vfl tsv sv фк хк пфк ск`)

// demonyms are adjectives of nationality written with a capital in English: not names.
var demonyms = foldSet(`
american british english french german russian armenian azerbaijani azeri georgian turkish iranian
persian ukrainian european african asian arab arabic jewish muslim christian catholic protestant
orthodox soviet chinese japanese korean indian italian spanish portuguese dutch greek polish
swedish norwegian danish finnish irish scottish welsh canadian australian mexican brazilian swiss thai
israeli palestinian syrian iraqi egyptian saudi kurdish belarusian kazakh uzbek western eastern
northern southern latin roman christian islamic buddhist hindu
`)

// Connectors may stand inside a multi-word name ("Bank of America", "Charles de Gaulle").
var connectors = foldSet(`of de du des la le von van der den del della di da dos das bin ibn al el
да де ди дю ван фон дер дель ибн бен бин аль ал эль`)

// articlePrefix reports the lower-case Arabic article joined by a hyphen to the name after
// it, which it belongs to: "al-Ghazali", "аль-Газали".
func articlePrefix(toks []token, i int) bool {
	switch toks[i].Norm {
	case "al", "el", "аль", "ал", "эль", "ад", "ас", "ан", "ар", "аш", "ат":
		return !toks[i].Cap && i+1 < len(toks) && toks[i+1].Hyph && toks[i+1].Cap
	}
	return false
}

func foldSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[fold(w)] = true
	}
	return m
}

// surnameLike reports whether a folded Cyrillic or Latin token has the ending of a family
// name in the region's languages (Лавров, Лаврова, Пашинян, Саакашвили, Кобахидзе,
// Алиев, Шевченко, Çavuşoğlu, Zourabichvili, Mirzoyan), in any case form.
func surnameLike(w string) bool {
	for _, suf := range surnameEndings {
		if strings.HasSuffix(w, suf) && len([]rune(w)) > len([]rune(suf))+1 {
			return true
		}
	}
	return false
}

var surnameEndings = func() []string {
	var out []string
	for _, s := range strings.Fields(`
		ов ова ову овым овои ове ев ева еву евым евои еве ин ина ину иным инои ине
		скии ского скому ским ском ская скую скои
		ович евич ич овна евна ична
		енко ук юк чук ян яна яну яном яне янц швили дзе
		yan yants ian ov ova ev eva yev yeva shvili chvili dze oglu zade enko sky ski`) {
		out = append(out, fold(s))
	}
	return out
}()

// eventFirst starts the name of an event ("Battle of Gettysburg", "Opération Barkhane").
var eventFirst = foldSet(`battle siege war campaign operation treaty massacre revolution
bataille siège guerre campagne opération traité massacre révolution
битва сражение осада война операция договор революция`)

// directions and qualifiers that make a bigger place of a place ("New Jersey", "North
// Carolina", "Восточная Азия").
var placeQualifiers = func() map[string]bool {
	m := foldSet(`north south east west new upper lower northern southern eastern western central greater great little
nord sud est ouest nouvelle nouveau haute haut basse bas grand grande`)
	for _, w := range strings.Fields(`северная южная восточная западная центральная новая верхняя нижняя средняя малая большая
северный южный восточный западный центральный новый верхний нижний средний малый большой`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// compass words start the names of regions ("West Yorkshire", "Far East", "Северная
// Двина"), in every case form.
var compass = func() map[string]bool {
	m := foldSet(`north south east west northern southern eastern western central far upper lower
nord sud est ouest`)
	for _, w := range strings.Fields(`северная южная восточная западная центральная северный южный восточный западный центральный`) {
		for _, f := range inflect([]string{w}, "ru", false) {
			m[f[0]] = true
		}
	}
	return m
}()

// russianAdjective reports a folded Cyrillic word with an adjective ending: capitalised
// alone ("Американский", "Советской") it is not a name.
func russianAdjective(w string) bool {
	if scriptOf(w) != scriptCyrillic {
		return false
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

// givenSkeletons are consonant skeletons of the given names, so a name in another script
// or case (Дэвида, Джона, Davidu) is still recognised as a first name.
var givenSkeletons = func() map[string]bool {
	m := map[string]bool{}
	for _, names := range []map[string]bool{givenNames, moreGivenNames} {
		for w := range names {
			if k := consonants(w); len(k) >= 3 {
				m[k] = true
			}
		}
	}
	return m
}()

func consonants(w string) string {
	var buf [64]byte
	return string(appendConsonants(buf[:0], w))
}

// appendConsonants appends consonants(w) to dst; givenLoose looks the result up without
// making a string of it.
func appendConsonants(dst []byte, w string) []byte {
	start := len(dst)
	dst = appendSkeleton(dst, w)
	k := start
	for _, c := range dst[start:] {
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'h':
		default:
			dst[k] = c
			k++
		}
	}
	return dst[:k]
}

// ruNameEndings are the case endings a Russian name takes ("Лаврова", "Пашиняном",
// "Анной"), tried off a word to find its nominative.
var ruNameEndings = []string{"ом", "ым", "ем", "ой", "ую", "а", "у", "е", "ы", "и", "я", "ю"}

// givenLoose matches a first name by its consonant skeleton, after a Russian case ending.
func givenLoose(w string) bool {
	if utf8.RuneCountInString(w) < 4 {
		return false
	}
	var buf [64]byte
	switch scriptOf(w) {
	case scriptLatin:
		// Latin-script first names are listed as they are written; a consonant skeleton
		// would make "Stave" Steve and "Verde" Vardan.
		return false
	case scriptCyrillic:
		for _, suf := range ruNameEndings {
			if st, ok := strings.CutSuffix(w, suf); ok && givenSkeletons[string(appendConsonants(buf[:0], st))] {
				return true
			}
		}
	}
	return givenSkeletons[string(appendConsonants(buf[:0], w))]
}

// isDemonym reports an English adjective of nationality or origin: listed, or with the
// endings such adjectives take ("Prussian", "Belgian", "Japanese", "Flemish").
func isDemonym(w string) bool {
	if demonyms[w] {
		return true
	}
	if scriptOf(w) != scriptLatin || utf8.RuneCountInString(w) < 6 || listedFirstName(w) {
		return false // "Adrian", "Fabian", "Maximilian" are first names
	}
	for _, suf := range []string{"ian", "ese", "ish", "ean"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// eventLast ends the name of an event ("World War II" ends in a numeral, see chunk;
// "FIFA World Cup", "Flanders Campaign", "French Revolutionary Wars").
var eventLast = foldSet(`war wars cup campaign championship championships olympics games festival
election elections summit conference crisis uprising offensive revolution massacre
trophy award awards prize bowl
guerre coupe championnat festival élection élections sommet conférence crise offensive
война кубок чемпионат олимпиада фестиваль выборы саммит конференция кризис`)
