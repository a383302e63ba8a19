package entity

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"wirewatch/internal/text"
)

// TestRussianEvidence checks the Russian rules of russian.go and the list rule they rely
// on, one made-up sentence per kind of evidence; each case failed before its rule.
func TestRussianEvidence(t *testing.T) {
	tag := sharedTagger(t)
	cases := []struct {
		name string
		text string
		want []string // TYPE:surface, in order
	}{
		{"place then person, side by side, is no list",
			"Через 4 года в Лондоне Ингрид вновь победила.", []string{"LOC:Лондоне", "PER:Ингрид"}},
		{"title, country, surname",
			"Президент Хорватии Туджман объявил о выходе.", []string{"LOC:Хорватии", "PER:Туджман"}},
		{"countries played against are teams",
			"В товарищеском матче против Норвегии и Швеции он забил гол.", []string{"ORG:Норвегии", "ORG:Швеции"}},
		{"against a country outside sport is the country",
			"Санкции против России ввели в 2014 году.", []string{"LOC:России"}},
		{"a vote or a role against a country is no match",
			"В ООН прошло голосование против России; США играют роль в борьбе против Ирана.",
			[]string{"ORG:ООН", "LOC:России", "LOC:США", "LOC:Ирана"}},
		{"title, unknown place in the genitive, person",
			"Тогда герцог Бургундии Филипп заключил мир с королём Нортумбрии Освальдом.",
			[]string{"LOC:Бургундии", "PER:Филипп", "LOC:Нортумбрии", "PER:Освальдом"}},
		{"a foreign first name before a small town's name is a person",
			"Эту книгу написал Дуэйн Шеридан.", []string{"PER:Дуэйн Шеридан"}},
		{"a Russian adjective before a town makes a bigger place, not a person",
			"Мы ездили в Великий Устюг.", []string{"LOC:Великий Устюг"}},
		{"Arabic names with the article in lower case",
			"Эту критику начал аль-Газали, её повторил Абд аль-Мумин.", []string{"PER:аль-Газали", "PER:Абд аль-Мумин"}},
		{"a feminine noun after the article names a body, not a person",
			"Ответственность взяла на себя аль-Каида.", nil},
		{"an unknown hyphenated compound of capitalised parts is a place",
			"Отряд удерживал Пало-Тинто почти месяц.", []string{"LOC:Пало-Тинто"}},
		{"a Chinese place's kind at the end is no Armenian surname",
			"Паромы ходят между Гуйцзян и Дунцзян круглый год.", []string{"LOC:Гуйцзян", "LOC:Дунцзян"}},
		{"a name after a sentence's first word that is no name",
			"Затем Мастранджело выиграл гонку.", []string{"PER:Мастранджело"}},
		{"a geographic noun before a known place is not part of it",
			"Он переехал в штат Нью-Йорк.", []string{"LOC:Нью-Йорк"}},
		{"a capitalised adjective and the lower-case word for an empire",
			"Провинция вошла в состав Османской империи.", []string{"LOC:Османской империи"}},
		{"the legal or sports form before a quoted name is part of it",
			"Контракт получило ООО «Ромашка», а играл он за БК «Бизоны».", []string{"ORG:ООО «Ромашка»", "ORG:БК «Бизоны»"}},
		{"a family name declined as an adjective, no noun after it",
			"Мост строили по проекту Загорецкого и Вельяминова.", []string{"PER:Загорецкого", "PER:Вельяминова"}},
		{"an adjective in -ского before its noun is no family name",
			"Открытие Загорецкого моста задержали.", nil},
		{"after a place's preposition the noun of a street is left out",
			"Магазин открыли на Загорецкой в прошлом году.", nil},
		{"a place's part or people make the unknown name after them a place",
			"Рыбаки жили на окраине Кордунаца и в части Мостарии.", []string{"LOC:Кордунаца", "LOC:Мостарии"}},
		{"kin or works make a small town's name after them a person",
			"Эту оперу написали по роману Шеридана.", []string{"PER:Шеридана"}},
		{"a town's ending: East Slavic -ск, the village plural -вичи",
			"Сюда ездят Горбацевичи и жители, а также Туровск.", []string{"LOC:Горбацевичи", "LOC:Туровск"}},
		{"a list after a plural geographic noun is of places",
			"Западнее лежат хребты, таких как Карабель, Ункуртау и Зилмердак.",
			[]string{"LOC:Карабель", "LOC:Ункуртау", "LOC:Зилмердак"}},
		{"a list after a dash and a plural geographic noun",
			"Крупнейшие населённые пункты - Мормаль, Ленино.", []string{"LOC:Мормаль", "LOC:Ленино"}},
		{"a Chinese emperor's temple name is one name, a person",
			"При императоре Жэнь-цзуне налоги снизили, а Шэнь-цзун их поднял.", []string{"PER:Жэнь-цзуне", "PER:Шэнь-цзун"}},
		{"a street's or a house's word after a hyphen is part of the place",
			"Музей переехал на Ормонд-стрит, а потом в Белвью-хаус.", []string{"LOC:Ормонд-стрит", "LOC:Белвью-хаус"}},
		{"a sentence's first word before a negation and a verb is its subject",
			"Фразидем не отрицает этого.", []string{"PER:Фразидем"}},
		{"a sentence's first word before an adverb and a verb is its subject",
			"Фразидем подробно рассказывает об этом.", []string{"PER:Фразидем"}},
		{"a sentence's first word before the past of быть is its subject",
			"Фразидем был казнён в том же году.", []string{"PER:Фразидем"}},
		{"близ, вблизи put a lone name in a place",
			"Остров лежит вблизи Кармуя.", []string{"LOC:Кармуя"}},
		{"a family name's ending between two known towns of a list is a town",
			"Обстреляли Дубровник, Бранкович, Задар.", []string{"LOC:Дубровник", "LOC:Бранкович", "LOC:Задар"}},
		{"a family name's ending next to one known town stays a person",
			"Обстреляли Дубровник, Бранкович тоже.", []string{"LOC:Дубровник", "PER:Бранкович"}},
		{"a person and a lone word joined by a dash name a reaction by two people",
			"Это известно как реакция Ипатьева - Гробнера.", []string{"PER:Ипатьева", "PER:Гробнера"}},
		{"a dash and a lone word after a known place is another place",
			"Поезда ходят по линии Москва - Зарвинская.", []string{"LOC:Москва", "LOC:Зарвинская"}},
		{"an adjective and a noun after a place's preposition are a place",
			"Резня произошла в Широкой Марвице.", []string{"LOC:Широкой Марвице"}},
		{"городок, хутор, аул before a lone name make it a place",
			"Они приехали в городок Сарнуэ, а потом на хутор Вербняк.", []string{"LOC:Сарнуэ", "LOC:Вербняк"}},
		{"a compound in a list of people is a person",
			"Он писал о Бюсси-Рабютене, Марселе Моссе и Жорже Батае.",
			[]string{"PER:Бюсси-Рабютене", "PER:Марселе Моссе", "PER:Жорже Батае"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := spansOf(tag(tc.text), tc.text, false)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("%q\n got  %q\n want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestRussianLatinList checks that a Russian sentence made mostly of Latin-script brands is
// still read as Russian text, where a lone Latin-script name is a company: the language
// says so when the letters do not.
func TestRussianLatinList(t *testing.T) {
	s := "Среди работодателей Globex Corporation, Initech, Hooli, Soylent Industries, Vandelay Industries."
	got := map[string]string{}
	for _, e := range findIn(t, s, "ru") {
		got[e.Name] = e.Type
	}
	for _, name := range []string{"Initech", "Hooli", "Globex Corporation"} {
		if got[name] != "ORG" {
			t.Errorf("%s: got type %q, want ORG (all: %v)", name, got[name], got)
		}
	}
}

// TestRussianPluralPlaces checks that places named in the plural are found and linked in
// their oblique case forms.
func TestRussianPluralPlaces(t *testing.T) {
	ents := findIn(t, "Делегации Соединённых Штатов и Нидерландов встретились в Альпах.", "ru")
	got := idsOf(ents)
	for _, id := range []string{"Q30", "Q55", "Q1286"} {
		if !slices.Contains(got, id) {
			t.Errorf("missing %s in %v", id, got)
		}
	}
}

// TestWesternFirstNamesInCyrillic checks that an English, French or German first name as
// Russian and Ukrainian write it starts a person's name in any case form, at a sentence's
// start too, and is no town of its name ("Джордж", George in South Africa). Each failed
// before westernGivenCyrillic: the first name became a town, was dropped, or the run was
// cut.
func TestWesternFirstNamesInCyrillic(t *testing.T) {
	checkEvidence(t, []evidenceCase{
		{"Russian: a first name a town shares, then a surname",
			"Накануне Джордж Харрингтон прилетел в Самару на переговоры.",
			[]string{"PER:Джордж Харрингтон"}, []string{"LOC:Джордж"}},
		{"Russian: the genitive of a name ending in a hushing consonant",
			"Журналисты долго расспрашивали Джорджа Уэлдона о поездке в Самару.",
			[]string{"PER:Джорджа Уэлдона"}, []string{"LOC:Джорджа"}},
		{"Russian: at a sentence's start, and in the instrumental",
			"Майкл Тернер встретился с Дэвидом Хиллом и с Джорджем Пирсом в Самаре.",
			[]string{"PER:Майкл Тернер", "PER:Дэвидом Хиллом", "PER:Джорджем Пирсом"}, nil},
		{"Russian: French and German first names at a sentence's start",
			"Юрген Кольберг выступил в Самаре, а Жерар Дюваль и Клаус Майер приехали позже.",
			[]string{"PER:Юрген Кольберг", "PER:Жерар Дюваль", "PER:Клаус Майер"}, nil},
		{"Ukrainian: at a sentence's start, and in the instrumental",
			"Річард Гамільтон учора зустрівся з Вільямом Тейлором у Харкові.",
			[]string{"PER:Річард Гамільтон", "PER:Вільямом Тейлором"}, nil},
		{"Ukrainian: the genitive of a first name a town shares",
			"Журналісти запитали Джорджа Блейка про переговори, які тривали в Одесі.",
			[]string{"PER:Джорджа Блейка"}, []string{"LOC:Джорджа"}},
	})
}

// TestLoanNameForms checks the case forms a first name taken from another language gets:
// by its last letter, and none for a name that does not decline.
func TestLoanNameForms(t *testing.T) {
	cases := []struct {
		name      string
		woman     bool
		want, not []string
	}{
		{"джордж", false, []string{"джорджа", "джорджу", "джорджем", "джорджеві"}, []string{"джорджом"}},
		{"маикл", false, []string{"маикла", "маиклом", "маиклові"}, []string{"маиклем"}},
		{"мишель", false, []string{"мишеля", "мишелю", "мишелем"}, []string{"мишельа"}},
		{"анджела", true, []string{"анджелы", "анджеле", "анджелу", "анджелои", "анджелою"}, nil},
		{"джулия", true, []string{"джулии", "джулию", "джулиеи"}, nil},
		{"хелен", true, []string{"хелен"}, []string{"хелена", "хеленом"}},
		{"изабель", true, []string{"изабель"}, []string{"изабеля"}},
		{"мэри", true, []string{"мэри"}, []string{"мэрів", "мэрам"}},
		{"ніколя", false, []string{"ніколя"}, []string{"ніколи"}},
		{"франсуа", false, []string{"франсуа"}, []string{"франсуы"}},
	}
	for _, tc := range cases {
		checkList(t, fmt.Sprintf("loanNameForms(%s, woman %t)", tc.name, tc.woman), loanNameForms(tc.name, tc.woman), tc.want, tc.not)
	}
}

// TestWesternGivenNotCommon holds westernGivenCyrillic to names none of whose forms is a
// word of the Russian or Ukrainian dictionary, which a sentence starts with: a listed first
// name is kept at a sentence's start. The dictionaries also list some things named after
// a person, which a capital in running text does not mean, and a name or two of both
// languages' own.
func TestWesternGivenNotCommon(t *testing.T) {
	named := foldSet(`джонатан генри генрі джек маика крис кріс патриции жак оливье паскаль луі
		николь вальтер мартин мартіні`)
	ru, err := loadWordSet(commonRuGz)
	if err != nil {
		t.Fatal(err)
	}
	uk, err := loadWordSet(commonUkGz)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range []struct {
		names string
		woman bool
	}{{westernGivenCyrillic, false}, {westernWomenCyrillic, true}} {
		for _, w := range strings.Fields(list.names) {
			for _, f := range loanNameForms(text.Fold(w), list.woman) {
				if (ru.has(f) || uk.has(f)) && !named[f] {
					t.Errorf("%s: its form %s is a common word", w, f)
				}
			}
		}
	}
}
