package entity

import "testing"

// TestShoutedSentencesProposeNoNewNames: in a sentence written in capitals, capitals say
// nothing of names, so no unknown name is proposed there; the known names of the same
// sentence, and unknown names in the ordinary sentences around it, are still found.
func TestShoutedSentencesProposeNoNewNames(t *testing.T) {
	checkIDs(t, []idCase{
		{"BARIŞ GÖRÜŞMELERİ BAŞLADI\nErmenistan ve Azerbaycan bakanları Washington'da buluştu.", "tr",
			[]string{"Q399", "Q227"}, []string{"new:PER:baris gorusmeleri basladi"}},
		{"TALKS RESUME BETWEEN ARMENIA AND AZERBAIJAN IN GRANDVILLE HALL\nThe mediator, Jonas Vekkert, arrived on Monday.", "en",
			[]string{"Q399", "Q227", "new:PER:jonas vekkert"}, []string{"new:LOC:grandville hall", "new:ORG:grandville hall"}},
	})
}

// TestTurkishCommonWordsLeaveTheNamesTheyStart: a Turkish common word that a sentence start
// or capitals wrote large is cut from the front of an unknown name; a name of nothing else
// is no name.
func TestTurkishCommonWordsLeaveTheNamesTheyStart(t *testing.T) {
	s := "Anlaşmanın DİLİ tartışıldı. Açıklamayı TPAO yaptı."
	got := map[string]string{} // ID → mention
	for _, e := range findIn(t, s, "tr") {
		got[e.ID] = e.Mentions[0].Text
	}
	if m := got["new:ORG:tpao"]; m != "TPAO" {
		t.Errorf("Find(%q) = %v, want TPAO as an organisation, mentioned as TPAO", s, got)
	}
	for id := range got {
		if id != "new:ORG:tpao" {
			t.Errorf("Find(%q): %s (%q), want nothing but TPAO", s, id, got[id])
		}
	}
}

// TestTurkishCommonPlacesNeedTheApostrophe: a one-word town that is also a Turkish common
// word, written large by a sentence start or capitals, is the common word unless a case
// ending follows an apostrophe, which Turkish writes only after a proper noun; curated
// towns as much as the gazetteer's.
func TestTurkishCommonPlacesNeedTheApostrophe(t *testing.T) {
	const kazan, bursa = "geonames:551487", "geonames:750269"
	checkIDs(t, []idCase{
		{"Kazanın patlaması sonucu iki işçi yaralandı.", "tr", nil, []string{kazan}},
		{"KAZAN PATLADI, İKİ İŞÇİ YARALANDI.", "tr", nil, []string{kazan}},
		{"Kazan'da bir toplantı yapıldı.", "tr", []string{kazan}, nil},
		{"Kazan’a giden heyet döndü.", "tr", []string{kazan}, nil},
		{"Bursa'ya giden yol kapandı.", "tr", []string{bursa}, nil},
		{"Rusya'nın Kazan kentinde zirve yapıldı.", "tr", []string{kazan}, nil},
	})
}

// TestPersianNamesInArabicText: a one-word name written only in Persian is not linked in
// Arabic text, where the same letters are often a common word (مشهد, a scene; قم, stand
// up); in Persian it still is, and a name written in Arabic still is in Arabic.
func TestPersianNamesInArabicText(t *testing.T) {
	const mashhad, qom, tehran = "geonames:124665", "geonames:119208", "Q3616"
	checkIDs(t, []idCase{
		{"وفي هذا مشهد جديد للمنطقة، قم بزيارة طهران.", "ar", []string{tehran}, []string{mashhad, qom}},
		{"آیت‌الله‌ها در مشهد و قم جمع شدند.", "fa", []string{mashhad, qom}, nil},
	})
}

// TestArabicProcliticsBeforeNames: "and", "with/in" and "for" glued to a name's first word
// leave the name known (see inflectCompound).
func TestArabicProcliticsBeforeNames(t *testing.T) {
	checkIDs(t, []idCase{
		{"التقى الوزير وسيرغي لافروف في موسكو، ودعا إلى دعم أرمينيا وأذربيجان.", "ar", []string{"Q58217", "Q649", "Q399", "Q227"}, nil},
		{"وقال للاتحاد الأوروبي إن بأرمينيا مشاكل.", "ar", []string{"Q458", "Q399"}, nil},
	})
}
