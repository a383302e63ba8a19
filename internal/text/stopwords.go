package text

import (
	"maps"
	"strings"
)

// Function words per language, for key phrases and for keeping common words out of the
// gazetteer ("la", "mission", "union" are towns somewhere). Folded like tokens at start-up.
var stopwordText = map[string]string{
	"en": `a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own said same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours new one two three first last year years says say told since per its via mr mrs ms dr may might must us like get got also however would could many much week day days time today yesterday monday tuesday wednesday thursday friday saturday sunday january february march april june july august september october november december`,
	"fr": `a à au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y été être avoir a ont est sont était ai as avons avez avait fait faire plus moins très comme tout tous toute toutes aussi ainsi alors si sans sous entre depuis vers chez contre dont lors lorsque puis donc car or ni non oui selon après avant encore déjà bien peu ceux celle celles celui cela ça quand également dernier dernière dernières derniers autre autres leurs mercredi lundi mardi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre octobre novembre décembre an ans année jour jours semaine mois déclaré dit selon`,
	"de": `der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war waren wird werden wurde wurden hat haben hatte hatten sein seine ihr ihre es er sie wir ihr ich du mit von zu zum zur im in an auf aus bei für nach über unter vor durch gegen ohne um als auch noch nur schon so wie wenn dass da dann doch mehr sehr bis seit am vom beim man sich dieser diese dieses jahr jahre sagte`,
	"es": `el la los las un una unos unas y o pero no es son fue fueron ser estar está están ha han había de del a al en con por para sin sobre entre desde hasta según como que qui quien cuando donde más menos muy también ya lo le les se su sus mi tu nos este esta estos estas ese esa eso dijo año años`,
	"ru": `и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это также который которая которые которых которого заявил сказал отметил году года лет время`,
	"uk": `і й та в у на з із зі до від що як це не так але а або чи за по при про для без під над між через після перед його її їх він вона воно вони ми ви я ти був була було були бути є буде може також вже ще тільки який яка яке які котрий цей ця ці той та те там тут де коли якщо щоб бо адже навіть році року роки заявив сказав`,
	"tr": `ve ile bir bu şu o da de ki mi mı mu mü ne için gibi daha çok en her ama fakat ancak veya ya ise olarak olan oldu olduğu olduğunu değil var yok kadar sonra önce ile göre bu şu ben sen biz siz onlar bunu şunu onu bunun onun bunlar diye dedi yıl yılı tarafından üzerine karşı arasında`,
	"az": `və ilə bir bu o da də ki mi ne üçün kimi daha çox ən hər amma lakin ancaq və ya isə olaraq olan oldu olduğu olduğunu deyil var yox qədər sonra əvvəl görə mən sən biz siz onlar bunu onu bunun onun bunlar deyə dedi il ili tərəfindən üzrə qarşı arasında həm artıq belə edib etdi edir edilib bildirib`,
	"hy": `և ու է են էր էին եմ ես ենք եք այն այս այդ որ որը որի որոնք ինչ ինչպես թե եթե բայց իսկ կամ նաև էլ դեռ արդեն միայն մի մեկ համար հետ մեջ վրա մասին կողմից նրա նրանք նա մենք դուք ես ինձ իր իրենց այդ այնտեղ այստեղ երբ ուր չէ ոչ այո կլինի լինել եղել ասել հայտարարել ըստ`,
	"ka": `და რომ არის ეს ის იყო იქნება არ ვერ ან მაგრამ თუ როგორც ასევე უკვე კი მის მისი მათ მათი ჩვენ თქვენ მე შენ ამ იმ ამის იმის რა როცა სადაც სად ერთი ორი ყველა ძალიან უფრო მიერ შესახებ შემდეგ წინ განაცხადა`,
	"fa": `و در به از که این آن را با برای است بود شد می تا هم یا اما اگر نیز یک بر های ها شده کرد کند کرده خود او ما آنها ایشان شما من تو پس چه چون بین پیش پس از دیگر همه هر سال گفت`,
	"ar": `و في من إلى على أن إن عن مع هذا هذه ذلك التي الذي التى كان كانت لا ما لم لن قد ثم أو بين كل بعد قبل حتى عند منذ هو هي هم نحن أنا أي غير عام قال`,
}

var (
	stopwords  = map[string]map[string]bool{}
	commonStop = map[string]bool{} // every language's, for text whose language is "und"
	anyStop    = map[string]bool{} // the union of all languages' lists, see isStopwordAny
	// phraseStop is, per language, its list with commonStop added: what key phrases break
	// at, in one lookup.
	phraseStop = map[string]map[string]bool{}
)

func init() {
	for lang, text := range stopwordText {
		m := map[string]bool{}
		for _, w := range strings.Fields(text) {
			m[Fold(w)] = true
		}
		stopwords[lang] = m
	}
	// Short function words of every language are stopwords everywhere: quotes and names
	// from other languages appear in every article.
	for _, m := range stopwords {
		for w := range m {
			if len([]rune(w)) <= 3 {
				commonStop[w] = true
			}
			anyStop[w] = true
		}
	}
	for lang, m := range stopwords {
		u := maps.Clone(m)
		maps.Copy(u, commonStop)
		phraseStop[lang] = u
	}
}

// PhraseStops returns the words key phrases break at in text of lang: its function words
// and the short ones of every language; for an unknown language, those short ones only. The
// map is shared: callers must not change it.
func PhraseStops(lang string) map[string]bool {
	if m, ok := phraseStop[lang]; ok {
		return m
	}
	return commonStop
}

// IsStopwordAny reports whether w (folded) is a function word in any language.
func IsStopwordAny(w string) bool {
	return anyStop[w]
}

// IsStopword reports whether w (folded) is a function word of lang.
func IsStopword(lang, w string) bool {
	return stopwords[lang][w]
}

// Stopwords returns the function words of lang as written (not folded), and whether lang
// has a list.
func Stopwords(lang string) ([]string, bool) {
	t, ok := stopwordText[lang]
	return strings.Fields(t), ok
}
