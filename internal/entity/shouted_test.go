package entity

import "testing"

// TestShoutedSentencesProposeNoNewNames: in a sentence written in capitals, capitals say
// nothing of names, so no unknown name is proposed there; the known names of the same
// sentence, and unknown names in the ordinary sentences around it, are still found.
func TestShoutedSentencesProposeNoNewNames(t *testing.T) {
	cases := []struct {
		text, lang string
		want, not  []string // entity IDs
	}{
		{"BARIŞ GÖRÜŞMELERİ BAŞLADI\nErmenistan ve Azerbaycan bakanları Washington'da buluştu.", "tr",
			[]string{"Q399", "Q227"}, []string{"new:PER:baris gorusmeleri basladi"}},
		{"TALKS RESUME BETWEEN ARMENIA AND AZERBAIJAN IN GRANDVILLE HALL\nThe mediator, Jonas Vekkert, arrived on Monday.", "en",
			[]string{"Q399", "Q227", "new:PER:jonas vekkert"}, []string{"new:LOC:grandville hall", "new:ORG:grandville hall"}},
	}
	for _, tc := range cases {
		got := map[string]bool{}
		for _, e := range findIn(t, tc.text, tc.lang) {
			got[e.ID] = true
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("Find(%q): %s missing (got %v)", tc.text, id, got)
			}
		}
		for _, id := range tc.not {
			if got[id] {
				t.Errorf("Find(%q): %s proposed in a sentence of capitals (got %v)", tc.text, id, got)
			}
		}
	}
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
	cases := []struct {
		text      string
		want, not []string
	}{
		{"Kazanın patlaması sonucu iki işçi yaralandı.", nil, []string{kazan}},
		{"KAZAN PATLADI, İKİ İŞÇİ YARALANDI.", nil, []string{kazan}},
		{"Kazan'da bir toplantı yapıldı.", []string{kazan}, nil},
		{"Kazan’a giden heyet döndü.", []string{kazan}, nil},
		{"Bursa'ya giden yol kapandı.", []string{bursa}, nil},
		{"Rusya'nın Kazan kentinde zirve yapıldı.", []string{kazan}, nil},
	}
	for _, tc := range cases {
		got := map[string]bool{}
		for _, e := range findIn(t, tc.text, "tr") {
			got[e.ID] = true
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("Find(%q): %s missing (got %v)", tc.text, id, got)
			}
		}
		for _, id := range tc.not {
			if got[id] {
				t.Errorf("Find(%q): %s, the common word taken for a town (got %v)", tc.text, id, got)
			}
		}
	}
}

// TestPersianNamesInArabicText: a one-word name written only in Persian is not linked in
// Arabic text, where the same letters are often a common word (مشهد, a scene; قم, stand
// up); in Persian it still is, and a name written in Arabic still is in Arabic.
func TestPersianNamesInArabicText(t *testing.T) {
	const mashhad, qom, tehran = "geonames:124665", "geonames:119208", "Q3616"
	cases := []struct {
		text, lang string
		want, not  []string
	}{
		{"وفي هذا مشهد جديد للمنطقة، قم بزيارة طهران.", "ar", []string{tehran}, []string{mashhad, qom}},
		{"آیت‌الله‌ها در مشهد و قم جمع شدند.", "fa", []string{mashhad, qom}, nil},
	}
	for _, tc := range cases {
		got := map[string]bool{}
		for _, e := range findIn(t, tc.text, tc.lang) {
			got[e.ID] = true
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("Find(%q, %s): %s missing (got %v)", tc.text, tc.lang, id, got)
			}
		}
		for _, id := range tc.not {
			if got[id] {
				t.Errorf("Find(%q, %s): %s, a Persian name taken in Arabic (got %v)", tc.text, tc.lang, id, got)
			}
		}
	}
}
