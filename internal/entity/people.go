package entity

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence of a person: first names (in any script or case form), titles and occupations
// written before a name, the endings of family names in the region's languages. Word lists
// here and in the other files are about languages (how names are built), never lists of
// particular names from any evaluation set.

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
	for _, w := range strings.Fields(westernGivenCyrillic) {
		for _, f := range loanNameForms(text.Fold(w), false) {
			m[f] = true
		}
	}
	for _, w := range strings.Fields(westernWomenCyrillic) {
		for _, f := range loanNameForms(text.Fold(w), true) {
			m[f] = true
		}
	}
	return m
}()

// westernGivenCyrillic are the commonest English, French and German men's first names as
// the Russian and Ukrainian press writes them ("Джордж Буш", "Майкл", "Девід Кемерон",
// "Жан", "Вольфганг"; the women's are westernWomenCyrillic): transcribed by ear, not
// letter by letter, so the consonant skeleton of the Latin name does not meet them
// (George gives grg, Джордж rd) and they are listed whole, Russian spelling first and the
// Ukrainian one after it where they differ. Sources: А. И. Рыбакин, «Словарь английских личных имён» (3rd ed.,
// Moscow, 2000) for English; Р. С. Гиляревский, Б. А. Старостин, «Иностранные имена и
// названия в русском тексте» (3rd ed., Moscow, 1985) for French and German; the
// Ukrainian forms after «Український правопис» (2019), on foreign names (е for e, і for
// i, г for h). Their case forms come from loanNameForms. Left out: names of which a
// form is a common word in either language (Пол "floor", Том "volume", Дон "the Don",
// Барак "barracks", Боб "bean", Франк "franc", Горст "horst", Марк for марка "stamp"),
// and the name of a big city (Марсель); TestWesternGivenNotCommon holds the list to it,
// but for the dictionaries' words named after a person (генри, оливье, вальтер).
var westernGivenCyrillic = `
джон джордж майкл дэвид девід джеймс уильям вільям ричард річард томас чарльз кристофер крістофер
дэниел деніел мэтью метью энтони ентоні дональд стивен стівен эндрю ендрю кеннет кевин кевін брайан
браян тимоти тімоті рональд эдвард едвард джейсон джеффри джеффрі райан раян джейкоб гэри гері
николас ніколас эрик ерік джонатан скотт бенджамин бенджамін сэмюэл семюел фрэнк френк патрик патрік
генри генрі питер пітер джек гарри гаррі тони тоні джо билл білл стив стів майк крис кріс джозеф
уолтер волтер ллойд берни берні йенс єнс
жан пьер п'єр жак мишель мішель франсуа николя ніколя филипп філіпп ален бернар кристоф крістоф
эмманюэль эммануэль еммануель емманюель лоран оливье олів'є паскаль тьерри тьєррі доминик домінік
жерар андре луи луї анри анрі клод эдуар едуар бруно себастьен себастьєн эрве ерве
ханс ганс клаус юрген вольфганг гельмут хельмут фридрих фрідріх генрих генріх хайнрих гайнріх эрнст
ернст олаф герхард гергард йозеф маркус штефан андреас михаэль міхаель петер
йоханнес йоганнес кристиан крістіан себастьян тобиас тобіас уве дитер дітер гюнтер хорст
зигмар зігмар вальтер отто карл мартин мартін хайко гайко норберт манфред вернер
`

// westernWomenCyrillic are the women's names of westernGivenCyrillic, kept apart because
// a woman's name ending in a consonant does not decline (Хелен, Кэтрин, Изабель: no
// "Хелена", which is another name, nor "Энна", a Sicilian town).
var westernWomenCyrillic = `
мэри мері элизабет елізабет дженнифер дженніфер джессика джессіка сьюзан сьюзен нэнси ненсі
маргарет кэтрин кетрін хелен гелен эмили емілі линда лінда барбара патриция патрісія энн енн джейн
кейт хиллари гілларі кэролайн керолайн камала эми емі джулия джулія оливия олівія шарлотта эмма
емма саманта рэйчел рейчел
марин марін изабель ізабель натали наталі катрин катрін сильви сільві брижит бріжит франсуаза
валери валері кристин крістін николь ніколь аньес аньєс
урсула анналена ангела
`

// loanNameForms returns a folded Cyrillic first name taken from another language with the
// case forms Russian and Ukrainian give it. inflect's rules are for the languages' own
// words: they give Джордж an instrumental in -ом, and take Мэри and Гаррі for plurals.
// A loan name declines by its last letter: in -а and -я as a feminine noun (Анджелы,
// Анджеле, Анджелу, Анджелой; Джулии, Джулию, Джулией); a man's after a consonant as a
// masculine noun (Джона, Джону, Джоном, Джоне, Джонові, with -ем, -еві after ж, ш, ч, щ,
// ц: Джорджем), after -ь the same on its soft stem (Мишеля, Мишелю). A woman's name in a
// consonant does not decline (Хелен, Изабель), nor does a name in any other vowel (Мэри,
// Гаррі, Джо, Луи), nor a French one in a stressed -а or -я after a vowel or a consonant
// (Франсуа; Николя, Ніколя, whose "Ніколи" would be Ukrainian "never").
func loanNameForms(w string, woman bool) []string {
	forms := []string{w}
	add := func(stem string, ends ...string) {
		for _, e := range ends {
			forms = append(forms, text.Fold(stem+e)) // -ой, -ей fold as the tokens do
		}
	}
	const vowels = "аеёиіїоуыэюяє"
	last, size := utf8.DecodeLastRuneInString(w)
	stem := w[:len(w)-size]
	prev, _ := utf8.DecodeLastRuneInString(stem)
	switch {
	case last == 'а' && !strings.ContainsRune(vowels, prev):
		add(stem, "ы", "и", "е", "у", "ой", "ою", "і")
	case last == 'я' && (prev == 'и' || prev == 'і'):
		add(stem, "и", "е", "ю", "ей", "ею", "і")
	case woman, strings.ContainsRune(vowels, last):
	case last == 'ь':
		add(stem, "я", "ю", "ем", "е", "і", "еві")
	case strings.ContainsRune("жшчщц", last):
		add(w, "а", "у", "ем", "е", "і", "еві")
	default:
		add(w, "а", "у", "ом", "е", "і", "ові")
	}
	return forms
}

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
herr frau präsident präsidentin kanzler kanzlerin bundeskanzler bundeskanzlerin ministerpräsident
ministerpräsidentin premierminister premierministerin außenminister außenministerin verteidigungsminister
verteidigungsministerin ministerin regierungschef regierungschefin staatschef staatschefin botschafter
botschafterin sprecher sprecherin kollege kollegen kollegin amtskollege amtskollegen amtskollegin
sondergesandte sondergesandter gesandte
пан пані прем'єр-міністр міністр посол речник речниця голова
co-chair cochair chair chairwoman chairperson envoy negotiator spokesperson speaker leader
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
		out = append(out, text.Fold(s))
	}
	return out
}()

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
	switch text.ScriptOf(w) {
	case text.Latin:
		// Latin-script first names are listed as they are written; a consonant skeleton
		// would make "Stave" Steve and "Verde" Vardan.
		return false
	case text.Cyrillic:
		for _, suf := range ruNameEndings {
			if st, ok := strings.CutSuffix(w, suf); ok && givenSkeletons[string(appendConsonants(buf[:0], st))] {
				return true
			}
		}
	}
	return givenSkeletons[string(appendConsonants(buf[:0], w))]
}
