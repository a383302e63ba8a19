package entity

import (
	"testing"
)

// regionScripts are the languages of the region's news written in a script of their own:
// Latin-script news (en, fr, de, tr, az, es) reaches a curated person through the
// transliteration skeletons of the listed Latin names, these do not, so a person without a
// name in one of them is never linked in that language's news.
var regionScripts = []string{"ka", "fa", "hy", "ru", "uk"}

// peopleScriptExceptions are the curated people allowed to lack a name in one of
// regionScripts ("id/lang"), each with the reason. A name is only written where the press
// of that language has a settled spelling that was seen; a guess would link nothing and
// could take another entity's name.
var peopleScriptExceptions = map[string]string{
	"Q7065106/fa":         "Persian press spellings of Mammadov vary (محمداف, ممدوف, محمدوف) and none was seen for Novruz Mammadov",
	"Q124101558/ka":       "rarely in Georgian news; no settled Georgian spelling of Serhii (სერჰი, სერჰიი, სერგეი) seen for him",
	"Q124101558/fa":       "rarely in Persian news; no Persian spelling seen",
	"Q124101558/hy":       "rarely in Armenian news; no Armenian spelling seen",
	"Q30339422/fa":        "Persian spelling of Yaël Braun-Pivet not seen (پیوه, پیوت)",
	"ww:serdar-kilic/fa":  "Persian spelling of Kılıç not seen (کیلیچ, قلیچ)",
	"ww:murat-nurtleu/fa": "Persian spelling of Nurtleu not seen",
	"ww:ibrahim-kalin/ka": "Georgian writes Turkish k both as ქ and as კ, and before a back vowel also as ყ; the spelling for Kalın was not seen",
}

// Every curated person (the file holds the region's politicians, officials and envoys and
// those of the big actors) is named in each script of the region's news, or the gap is
// explained in peopleScriptExceptions.
func TestCuratedPeopleNamedInRegionScripts(t *testing.T) {
	used := map[string]bool{}
	for _, r := range curatedRecords(t) {
		if r.Type != "PER" {
			continue
		}
		for _, lang := range regionScripts {
			if len(r.Names[lang]) > 0 {
				continue
			}
			key := r.ID + "/" + lang
			if _, ok := peopleScriptExceptions[key]; ok {
				used[key] = true
				continue
			}
			t.Errorf("%s (%s): no %s name; add the press spelling or explain the gap in peopleScriptExceptions", r.ID, r.Name, lang)
		}
	}
	for key := range peopleScriptExceptions {
		if !used[key] {
			t.Errorf("peopleScriptExceptions lists %s, which needs no exception (or is gone): remove it", key)
		}
	}
}

// TestRegionScriptNamesLink: people and organisations of the region's news named in
// Georgian, Persian and Armenian script are found and linked, in the case forms the press
// writes (Georgian ergative, genitive and dative, vowel stems included; Armenian definite
// and genitive). Sentences written for the test. The Georgian and Persian ones and
// Kurtulmuş in Armenian linked nothing before their names were added to curated.yaml; the
// other Armenian ones already reached the Latin names through transliteration and now
// match the listed Armenian names.
func TestRegionScriptNamesLink(t *testing.T) {
	checkMentions(t, []mentionCase{
		{"ka ergative", "აშშ-ის თავდაცვის მდივანმა ლოიდ ოსტინმა განაცხადა, რომ ვაშინგტონი მოლაპარაკებებს უჭერს მხარს.", "ka", "ლოიდ ოსტინმა", "Q941013"},
		{"ka ergative of a national security adviser", "ეროვნული უსაფრთხოების მრჩეველმა ჯეიკ სალივანმა ვიზიტი დაასრულა.", "ka", "ჯეიკ სალივანმა", "Q16730147"},
		{"ka nominative of a vowel stem", "საფრანგეთის საგარეო საქმეთა მინისტრი კატრინ კოლონა ერევანს ეწვია.", "ka", "კატრინ კოლონა", "Q273396"},
		{"ka ergative of a vowel stem", "კატრინ კოლონამ განაცხადა, რომ პარიზი მხარს უჭერს ერევანს.", "ka", "კატრინ კოლონამ", "Q273396"},
		{"ka genitive of a hyphenated name", "ჟან-ივ ლე დრიანის განცხადება ბაქოში გააკრიტიკეს.", "ka", "ჟან-ივ ლე დრიანის", "Q559040"},
		{"ka dative of a vowel stem", "სებასტიენ ლეკორნიუს განცხადებით, საფრანგეთი სომხეთს იარაღს მიაწვდის.", "ka", "სებასტიენ ლეკორნიუს", "Q20089181"},
		{"ka an Armenian commander", "გენშტაბის უფროსმა ონიკ გასპარიანმა თანამდებობა დატოვა.", "ka", "ონიკ გასპარიანმა", "Q21210624"},
		{"ka a Karabakh official", "დე ფაქტო ხელისუფლების წარმომადგენელი დევიდ ბაბაიანი დააკავეს.", "ka", "დევიდ ბაბაიანი", "Q21531891"},
		{"ka Iran's speaker by surname", "ყალიბაფის ვიზიტი ორ დღეს გაგრძელდება.", "ka", "ყალიბაფის", "Q542074"},
		{"ka a Turkish organisation", "შეხვედრას თურქული სახელმწიფოების ორგანიზაცია მასპინძლობს.", "ka", "თურქული სახელმწიფოების ორგანიზაცია", "Q596850"},
		{"fa a French minister", "کاترین کولونا، وزیر امور خارجه فرانسه، وارد ایروان شد.", "fa", "کاترین کولونا", "Q273396"},
		{"fa a French defence minister", "سباستین لوکورنو گفت پاریس به ارمنستان سلاح می‌فروشد.", "fa", "سباستین لوکورنو", "Q20089181"},
		{"fa a Russian envoy", "دیمیتری کوزاک به باکو سفر کرد.", "fa", "دیمیتری کوزاک", "Q714330"},
		{"fa Georgia's speaker", "شالوا پاپواشویلی از سیاست‌های بروکسل انتقاد کرد.", "fa", "شالوا پاپواشویلی", "Q106528743"},
		{"fa an Azerbaijani surname in -اف with the ZWNJ", "کریم ولی‌اف در رزمایش حضور داشت.", "fa", "کریم ولی‌اف", "Q31296056"},
		{"fa the same surname joined", "کریم ولیاف در رزمایش حضور داشت.", "fa", "کریم ولیاف", "Q31296056"},
		{"fa a Georgian party", "رهبران جنبش ملی متحد تظاهرات را لغو کردند.", "fa", "جنبش ملی متحد", "ww:united-national-movement"},
		{"hy definite article after a vowel", "Ֆրանսիայի արտգործնախարար Կատրին Կոլոնան ժամանել է Երևան։", "hy", "Կատրին Կոլոնան", "Q273396"},
		{"hy definite article after a consonant", "ԱՄՆ պաշտպանության նախարար Լլոյդ Օսթինը հեռախոսազրույց է ունեցել։", "hy", "Լլոյդ Օսթինը", "Q941013"},
		{"hy genitive", "Ջեյք Սալիվանի խոսքով՝ Վաշինգտոնը աջակցում է գործընթացին։", "hy", "Ջեյք Սալիվանի", "Q16730147"},
		{"hy Turkey's speaker", "Թուրքիայի խորհրդարանի նախագահ Նուման Քուրթուլմուշը Բաքվում է։", "hy", "Նուման Քուրթուլմուշը", "Q982397"},
		{"hy the EU's foreign policy chief", "Կայա Կալասը հանդիպել է արտգործնախարարի հետ։", "hy", "Կայա Կալասը", "Q11869065"},
	})
}
