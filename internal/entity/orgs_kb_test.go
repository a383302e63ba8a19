package entity

import (
	"slices"
	"testing"
)

// TestRegionOrganisationsLinked: the region's ministries, security services, parliaments,
// UN and European bodies and news agencies are linked to their curated IDs in the news
// style of each language, in the inflected and suffixed forms the press writes. Before
// the curated entries the patterns made unlinked names of them (or persons: "Milli
// Savunma Bakanlığı", "Quai d'Orsay").
func TestRegionOrganisationsLinked(t *testing.T) {
	cases := []struct{ text, lang, id string }{
		{"The Azerbaijani Defence Ministry said its positions had come under fire.", "en", "ww:azerbaijan-mod"},
		{"Le ministère azerbaïdjanais de la Défense a démenti ces informations.", "fr", "ww:azerbaijan-mod"},
		{"Selon le Haut-Commissariat des Nations unies pour les réfugiés, 100 000 personnes sont arrivées.", "fr", "Q132551"},
		{"Le Quai d'Orsay a appelé les deux parties au calme.", "fr", "ww:france-mfa"},
		{"Депутаты Верховной рады приняли обращение к ПАСЕ.", "ru", "Q176296"},
		{"Об этом сообщили в Минобороны России.", "ru", "ww:russia-mod"},
		{"СБУ повідомила про затримання агента ФСБ.", "uk", "ww:sbu"},
		{"Nach Angaben des UN-Flüchtlingshilfswerks flohen Tausende nach Armenien.", "de", "Q132551"},
		{"Türkiye Büyük Millet Meclisi'nde konuşan bakan açıklama yaptı.", "tr", "Q274918"},
		{"Milli Savunma Bakanlığı salı günü açıklama yaptı.", "tr", "ww:turkey-mod"},
		{"BMT-nin Qaçqınlar üzrə Ali Komissarlığının məlumatına görə, minlərlə adam keçib.", "az", "Q132551"},
		{"ՀՀ պաշտպանության նախարարությունը հերքել է այդ տեղեկությունը։", "hy", "ww:armenia-mod"},
		{"საქართველოს საგარეო საქმეთა სამინისტრომ განცხადება გაავრცელა.", "ka", "ww:georgia-mfa"},
		{"سپاه پاسداران انقلاب اسلامی رزمایشی در نزدیکی مرز برگزار کرد.", "fa", "Q271110"},
	}
	for _, tc := range cases {
		if got := idsOf(findIn(t, tc.text, tc.lang)); !slices.Contains(got, tc.id) {
			t.Errorf("Find(%q) = %q, want %s", tc.text, got, tc.id)
		}
	}
}
