package entity

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"wirewatch/internal/text"
)

// Alias sources, best first: when two entities share a name, the better source wins.
const (
	srcUser uint8 = iota
	srcCurated
	srcPolitician // legislators of the region (EveryPolitician, see kbgen)
	srcCountry
	srcFeature // rivers, seas, mountains, islands (Natural Earth)
	srcCity
)

// entity is one knowledge-base record.
type entity struct {
	ID, Type, Name, Country string
	Lat, Lon                float64
	HasGeo                  bool
	// Capital: a gazetteer town a province of its country is named after ("Granada",
	// "Zadar"): the province gave it its name (see cityOwned), and it is matched as the
	// province was, whatever its size (see minorTown).
	Capital bool
	// Word: a town named by an ordinary English word ("Tours", "Angers", "Split"), which
	// the generated gazetteer leaves out; it counts only where the text says it is a
	// place (see placedWordTowns).
	Word bool
	Pop  int
	Src  uint8
}

// minorTown reports a gazetteer town small enough that its one-word name needs evidence
// of a place: a person, a word or a band is meant more often ("Azna", "Harrison"). The
// watched region's towns and the capitals of provinces are kept whatever their size.
func (e *entity) minorTown() bool {
	return e.Src == srcCity && e.Pop < 100000 && !watchedCountry[e.Country] && !e.Capital
}

// alias is one entry of the name table: which entity a token sequence names, and what the
// text must look like for the entry to count.
type alias struct {
	Ent     int32
	Src     uint8
	Acronym bool // written in capitals in the KB: the text must have it in capitals too
	Lower   bool // the KB wrote it in lower case ("corridor de Latchine" style phrases): any case
	// Origin: written by hand or generated, and how (one byte, not two flags: the alias
	// stays eight bytes, and the name tables hold a few hundred thousand of them).
	Origin nameOrigin
}

// nameOrigin says where a name of the table comes from, most trusted first; an entity
// named the same way twice keeps the more trusted origin.
type nameOrigin uint8

const (
	byHand    nameOrigin = iota // curated, users', regions
	generated                   // the generated gazetteer (CLDR, GeoNames)
	// generatedAlternate: only an alternate name of no stated language of a gazetteer
	// town, not its own name nor one a language claims: GeoNames lists names in every
	// language and spelling untagged, and some are another language's common words
	// ("Mets" for Metz).
	generatedAlternate
)

// generated reports a name of the generated gazetteer, not one written by hand.
func (a alias) generated() bool { return a.Origin >= generated }

// alternate reports a name that is only an untagged alternate name of a town.
func (a alias) alternate() bool { return a.Origin == generatedAlternate }

// kb is a knowledge base: entities and the name table the matcher reads. It is built by
// add* calls, then frozen; a frozen kb is read-only and safe for concurrent use.
//
// The name table is keyed by a 64-bit hash of the folded token sequence, not by the string:
// a table without pointers is skipped by the garbage collector, which otherwise re-scans a
// quarter of a million keys on every cycle of the enrichment stage. (A false match needs a
// 64-bit collision: about one in 10^14 lookups.) The frozen tables are hashTables, not maps,
// for half the memory (see table.go).
type kb struct {
	ents []entity
	byID map[string]int32 // current and former IDs -> entity
	// formerly lists the IDs an entity had before (a "ww:" ID that became a Wikidata
	// QID), so that users' files and saved searches written with them keep working.
	formerly map[int32][]string
	names    aliasTable       // hash of folded tokens joined by one space
	first    hashTable[uint8] // hash of a first folded token -> longest alias length starting with it
	skel     aliasTable       // hash of the transliterated skeleton of a name, see skeleton
	flat     []alias
	// parts and written serve Lookup, for names written by hand (users', curated,
	// regions) only: the gazetteer's quarter of a million names would cost more than
	// they help a query.
	parts   map[uint64][]int32      // hash of a proper part of a name (its capitalised words) -> entities
	written map[int32][]writtenName // an entity's names as its record writes them

	// Bit filters in front of first and names: most words of a text start no name, and a
	// bit in a table small enough for the CPU cache answers that without touching the
	// large maps (a cache miss each).
	firstBits, nameBits bitFilter
	lowerBits           bitFilter // names with an alias written in lower case

	// persianOnly holds the one-word names (and their forms) that the curated and users'
	// records write in Persian but not in Arabic: Persian and Arabic share a script, and a
	// Persian town's name may be an Arabic word ("مشهد" Mashhad, a scene in Arabic; "قم"
	// Qom, "stand up"). They count in any text but Arabic. faOne and arOne collect them
	// while the names are added.
	persianOnly  wordSet
	faOne, arOne map[uint64]bool

	building map[uint64][]alias
	skelBld  map[uint64][]alias
	firstBld map[uint64]uint8
	loading  bool // loadPlaces is adding names: they are generated
	alt      bool // loadPlaces is adding an untagged alternate name: generatedAlternate
}

// aliasRef locates a key's aliases in kb.flat.
type aliasRef struct {
	off, n uint32
}

func newKB() *kb {
	return &kb{byID: map[string]int32{}, formerly: map[int32][]string{}, firstBld: map[uint64]uint8{}, building: map[uint64][]alias{}, skelBld: map[uint64][]alias{},
		parts: map[uint64][]int32{}, written: map[int32][]writtenName{}}
}

// freeze turns the build maps into the flat, pointer-free lookup tables.
func (k *kb) freeze() {
	n := 0
	for _, list := range k.building {
		n += len(list)
	}
	for _, list := range k.skelBld {
		n += len(list)
	}
	k.flat = make([]alias, 0, n)
	k.names, k.flat = newAliasTable(k.building, k.flat)
	k.skel, k.flat = newAliasTable(k.skelBld, k.flat)
	k.first = newHashTable[uint8](len(k.firstBld), 0.75)
	k.firstBits = newBitFilter(len(k.firstBld))
	for h, n := range k.firstBld {
		k.first.put(h, n)
		k.firstBits.add(h)
	}
	k.nameBits = newBitFilter(len(k.building))
	var lower []uint64
	for h, list := range k.building {
		k.nameBits.add(h)
		for _, a := range list {
			if a.Lower {
				lower = append(lower, h)
				break
			}
		}
	}
	k.building, k.skelBld, k.firstBld = nil, nil, nil
	var faOnly []uint64
	for h := range k.faOne {
		if !k.arOne[h] {
			faOnly = append(faOnly, h)
		}
	}
	k.persianOnly = newHashSet(faOnly)
	k.faOne, k.arOne = nil, nil
	k.lowerBits = newBitFilter(len(lower))
	for _, h := range lower {
		k.lowerBits.add(h)
	}
}

// bitFilter is a one-hash Bloom filter over 64-bit keys: has is false for keys never
// added, and true for about one in eight others.
type bitFilter struct {
	bits  []uint64
	shift uint
}

func newBitFilter(n int) bitFilter {
	logBits := uint(6)
	for 1<<logBits < 8*n {
		logBits++
	}
	return bitFilter{bits: make([]uint64, 1<<(logBits-6)), shift: 64 - logBits}
}

func (f bitFilter) slot(h uint64) uint64 {
	return (h * 0x9e3779b97f4a7c15) >> f.shift // FNV's low bits mix poorly: take the top ones
}

func (f bitFilter) add(h uint64) {
	i := f.slot(h)
	f.bits[i>>6] |= 1 << (i & 63)
}

func (f bitFilter) has(h uint64) bool {
	i := f.slot(h)
	return f.bits[i>>6]&(1<<(i&63)) != 0
}

func (k *kb) aliases(r aliasRef) []alias { return k.flat[r.off : r.off+r.n] }

// hashTokens is the name table key of a folded token sequence: its words joined by one
// space.
func hashTokens(toks []string) uint64 {
	h := text.HashInit
	for i, t := range toks {
		if i > 0 {
			h = text.HashAdd(h, " ")
		}
		h = text.HashAdd(h, t)
	}
	return h
}

// EntityRecord is the YAML form of a knowledge-base entity, in the curated file shipped with
// the package and in users' own files. Names are listed per language (ISO 639-1, or "any");
// the language decides which inflected forms are generated.
type EntityRecord struct {
	ID      string              `yaml:"id"`
	Type    string              `yaml:"type"`
	Name    string              `yaml:"name"`
	Country string              `yaml:"country,omitempty"`
	Lat     *float64            `yaml:"lat,omitempty"`
	Lon     *float64            `yaml:"lon,omitempty"`
	Names   map[string][]string `yaml:"names"`
	// Formerly lists IDs the entity had before ("ww:nikol-pashinyan" before its QID): a
	// record or a search that uses one of them means this entity.
	Formerly []string `yaml:"formerly,omitempty"`
}

// ErrEntityFile marks a knowledge-base file that cannot be used; the error names the file and
// the record.
var ErrEntityFile = errors.New("invalid entity file")

func parseEntityFile(name string, b []byte) ([]EntityRecord, error) {
	var recs []EntityRecord
	if err := yaml.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrEntityFile, name, err)
	}
	for i, r := range recs {
		switch {
		case r.ID == "":
			return nil, fmt.Errorf("%w: %s: entry %d: missing id", ErrEntityFile, name, i)
		case r.Type != "" && !validType(r.Type):
			return nil, fmt.Errorf("%w: %s: entry %d (%s): type %q is not PER, ORG, LOC, EVT or MISC", ErrEntityFile, name, i, r.ID, r.Type)
		case (r.Lat == nil) != (r.Lon == nil):
			return nil, fmt.Errorf("%w: %s: entry %d (%s): lat and lon go together", ErrEntityFile, name, i, r.ID)
		}
	}
	return recs, nil
}

func validType(t string) bool {
	switch t {
	case "PER", "ORG", "LOC", "EVT", "MISC":
		return true
	}
	return false
}

// addRecords merges records into the KB. A record whose ID already exists adds its names to
// that entity (that is how users add aliases to shipped entities).
func (k *kb) addRecords(recs []EntityRecord, src uint8) {
	for _, r := range recs {
		idx, ok := k.byID[r.ID]
		if !ok {
			e := entity{ID: r.ID, Type: r.Type, Name: r.Name, Country: r.Country, Src: src}
			if e.Type == "" {
				e.Type = "MISC"
			}
			if r.Lat != nil {
				e.Lat, e.Lon, e.HasGeo = *r.Lat, *r.Lon, true
			}
			if e.Name == "" {
				e.Name = firstName(r.Names)
			}
			idx = k.add(e)
		} else if src < k.ents[idx].Src || r.Name != "" {
			e := &k.ents[idx]
			if r.Name != "" {
				e.Name = r.Name
			}
			if r.Type != "" {
				e.Type = r.Type
			}
			if r.Country != "" {
				e.Country = r.Country
			}
			if r.Lat != nil {
				e.Lat, e.Lon, e.HasGeo = *r.Lat, *r.Lon, true
			}
		}
		for _, old := range r.Formerly {
			if _, taken := k.byID[old]; !taken {
				k.byID[old] = idx
				k.formerly[idx] = append(k.formerly[idx], old)
			}
		}
		k.addName(idx, k.ents[idx].Name, "any", src)
		for lang, names := range r.Names {
			for _, n := range names {
				k.addName(idx, n, lang, src)
				k.written[idx] = append(k.written[idx], writtenName{lang, n})
			}
		}
	}
}

func firstName(names map[string][]string) string {
	for _, l := range []string{"en", "any", "fr", "ru"} {
		if len(names[l]) > 0 {
			return names[l][0]
		}
	}
	for _, ns := range names {
		if len(ns) > 0 {
			return ns[0]
		}
	}
	return ""
}

func (k *kb) add(e entity) int32 {
	idx := int32(len(k.ents))
	k.ents = append(k.ents, e)
	k.byID[e.ID] = idx
	return idx
}

// addName enters a name and its inflected forms (for lang) into the name table.
func (k *kb) addName(idx int32, name, lang string, src uint8) {
	person := k.ents[idx].Type == "PER"
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	// Curated and user names are tokenised like text ("Russia's" → "Russia"); gazetteer
	// names keep their apostrophes ("Ma'alot" must not become "Ma").
	tokenize := text.TokenizeWhole
	if src <= srcCurated {
		tokenize = text.Tokenize
	}
	toks := tokenize(name, nil)
	if len(toks) == 0 || len(toks) > 12 {
		return
	}
	if src >= srcCountry && len(toks) == 1 && (utf8.RuneCountInString(toks[0].Norm) < 3 || text.IsStopwordAny(toks[0].Norm)) {
		return // gazetteer names that are function words somewhere: "La", "Il", "Of"
	}
	a := alias{Ent: idx, Src: src}
	switch {
	case k.alt:
		a.Origin = generatedAlternate
	case k.loading:
		a.Origin = generated
	}
	r, _ := utf8.DecodeRuneInString(name)
	a.Lower = unicode.IsLower(r)
	a.Acronym = len(toks) == 1 && toks[0].Upper && utf8.RuneCountInString(name) <= 6
	norms := make([]string, len(toks))
	lowers := make([]string, len(toks))
	var fixed []bool // first parts of a hyphenated compound of capitalised parts
	for i, t := range toks {
		norms[i] = t.Norm
		lowers[i] = strings.ToLower(name[t.Start:t.End])
		if i+1 < len(toks) && toks[i+1].Hyph && t.Cap && toks[i+1].Cap {
			if fixed == nil {
				fixed = make([]bool, len(toks))
			}
			fixed[i] = true
		}
	}
	for _, form := range inflectCompound(lowers, fixed, lang, a.Acronym, person) {
		h := hashTokens(form)
		if len(form) == 1 && src <= srcCurated && (lang == "fa" || lang == "ar") {
			k.noteArabicScript(h, lang)
		}
		k.building[h] = appendAlias(k.building[h], a)
		if f := text.HashAdd(text.HashInit, form[0]); uint8(len(form)) > k.firstBld[f] {
			k.firstBld[f] = uint8(len(form))
		}
		if src <= srcCountry && !k.loading {
			k.addParts(idx, form, toks)
		}
	}
	if !a.Lower && !a.Acronym {
		if s := skeletonOf(norms); s != "" {
			h := text.HashAdd(text.HashInit, s)
			k.skelBld[h] = appendAlias(k.skelBld[h], a)
		}
	}
}

// noteArabicScript records a one-word form written in Persian or Arabic, for persianOnly.
func (k *kb) noteArabicScript(h uint64, lang string) {
	m := &k.faOne
	if lang == "ar" {
		m = &k.arOne
	}
	if *m == nil {
		*m = map[uint64]bool{}
	}
	(*m)[h] = true
}

func appendAlias(list []alias, a alias) []alias {
	for i, b := range list {
		if b.Ent == a.Ent {
			if a.Src < b.Src {
				list[i].Src = a.Src
			}
			list[i].Lower = b.Lower || a.Lower
			list[i].Acronym = b.Acronym && a.Acronym
			list[i].Origin = min(a.Origin, b.Origin)
			return list
		}
	}
	return append(list, a)
}

// loadPlaces reads the generated gazetteer (see tools/kbgen): one place per line,
// id, type, country, lat, lon, population, canonical name, then aliases separated by "|".
func (k *kb) loadPlaces(gz []byte, src uint8) error {
	// Decompressed once, read twice: every place's own name must be known before any
	// alternate name is taken (see borrowed).
	tsv, err := gunzip(gz)
	if err != nil {
		return fmt.Errorf("reading gazetteer: %w", err)
	}
	return k.loadPlacesTSV(tsv, src)
}

// loadPlacesTSV is loadPlaces of the decompressed lines; a place flagged "word" is a
// town named by an ordinary English word (kbdata/word-towns.tsv, see entity.Word).
func (k *kb) loadPlacesTSV(tsv []byte, src uint8) error {
	owners, towns, err := placeOwners(tsv)
	if err != nil {
		return err
	}
	k.loading = true
	defer func() { k.loading = false }()
	interned := map[string]string{}
	intern := func(s string) string {
		if v, ok := interned[s]; ok {
			return v
		}
		s = strings.Clone(s)
		interned[s] = s
		return s
	}
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 8 {
			return fmt.Errorf("reading gazetteer line %d: %d fields, want 8", line, len(f))
		}
		var flags []string
		if len(f) >= 9 {
			flags = strings.Split(f[8], ",")
		}
		src := src
		switch {
		case slices.Contains(flags, "feature"):
			src = srcFeature
		case !strings.HasPrefix(f[0], "geonames:"):
			src = srcCountry // countries and regions from CLDR
		}
		// The fields are cut from the line, which holds every alias: copy what the entity
		// keeps, so that the line can go (7 MB of the gazetteer's lines otherwise stay).
		e := entity{ID: strings.Clone(f[0]), Type: intern(f[1]), Country: intern(f[2]), Name: strings.Clone(f[6]), Src: src}
		if f[3] != "" {
			e.Lat, _ = strconv.ParseFloat(f[3], 64)
			e.Lon, _ = strconv.ParseFloat(f[4], 64)
			e.HasGeo = true
		}
		e.Pop, _ = strconv.Atoi(f[5])
		e.Word = slices.Contains(flags, "word")
		if src == srcCity && e.Pop >= capitalTown && !slices.Contains(flags, "aliases") {
			e.Capital = towns.provinces[e.Country+"\x00"+strings.ToLower(e.Name)]
		}
		idx, ok := k.byID[e.ID]
		if !ok {
			idx = k.add(e)
		} else if cur := &k.ents[idx]; !cur.HasGeo && e.HasGeo {
			cur.Lat, cur.Lon, cur.HasGeo = e.Lat, e.Lon, true
		}
		// The flag "aliases" says the display name is not itself a name to match (a
		// small town kept for its Cyrillic names, a river's name filtered out; see kbgen).
		if !slices.Contains(flags, "aliases") && !cityOwned(towns, e, e.Name, true) {
			lang := "any"
			if azTownName(&e, e.Name, src) {
				lang = "az"
			}
			k.addName(idx, e.Name, lang, src)
		}
		for _, n := range strings.Split(f[7], "|") {
			lang := "any"
			if i := strings.IndexByte(n, '='); i > 0 && i <= 3 {
				lang, n = n[:i], n[i+1:]
			}
			if lang == "any" && borrowed(owners, n, e.ID) {
				continue
			}
			if src == srcCountry && cityOwned(towns, e, n, false) {
				continue
			}
			k.alt = lang == "any" && src == srcCity
			if lang == "any" && azTownName(&e, n, src) {
				lang = "az"
			}
			k.addName(idx, n, lang, src)
			k.alt = false
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading gazetteer line %d: %w", line+1, err)
	}
	return nil
}

// azTownName reports a name of an Azerbaijani town in the Latin script that is its own
// (display) name or is written with letters of the Azerbaijani alphabet (Gəncə, Füzuli,
// Şəki; the gazetteer's display names are often English: Ganja, Fizuli, Sheki): the
// Azerbaijani press writes it with case endings glued on (Gəncədə, Füzulidəki), so it
// is inflected as Azerbaijani.
func azTownName(e *entity, name string, src uint8) bool {
	if e.Country != "AZ" || src != srcCity || text.ScriptOf(name) != text.Latin {
		return false
	}
	return name == e.Name || strings.ContainsAny(strings.ToLower(name), "əğışçöü")
}

// placeOwners maps the lower-cased canonical name of every place of the gazetteer (its
// decompressed lines) to its ID ("*" when several places have it), and reads the towns'
// names for cityOwned.
func placeOwners(tsv []byte) (owners map[string]string, towns townNames, err error) {
	owners = make(map[string]string, 1<<15)
	towns = townNames{big: map[string]string{}, local: map[string]bool{}, provinces: map[string]bool{}}
	pops := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 9)
		if len(f) < 8 {
			continue // loadPlaces reports it
		}
		name := strings.ToLower(f[6])
		if strings.HasPrefix(f[0], "iso3166-2:") {
			towns.provinces[f[2]+"\x00"+name] = true
		}
		if id, ok := owners[name]; ok && id != f[0] {
			owners[name] = "*"
		} else {
			owners[name] = f[0]
		}
		if !strings.HasPrefix(f[0], "geonames:") {
			continue
		}
		if len(f) == 9 && slices.Contains(strings.Split(f[8], ","), "aliases") {
			continue // its name is no name to match (see loadPlaces)
		}
		pop, _ := strconv.Atoi(f[5])
		if pop >= capitalTown {
			towns.local[f[2]+"\x00"+name] = true
		}
		if pop >= bigCity && pop > pops[name] {
			pops[name], towns.big[name] = pop, f[2]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, towns, fmt.Errorf("reading gazetteer: %w", err)
	}
	return owners, towns, nil
}

// townNames holds the gazetteer's town names that cityOwned compares with the names of
// countries and provinces (lower-cased canonical names).
type townNames struct {
	big   map[string]string // a town of at least bigCity people -> the most populous one's country
	local map[string]bool   // country + "\x00" + name of a town of at least capitalTown people
	// provinces: country + "\x00" + a province's own name
	provinces map[string]bool
}

// bigCity and capitalTown are populations of towns whose names a country or a province of the
// gazetteer gives up (see cityOwned).
const (
	bigCity     = 100000
	capitalTown = 10000
)

// cityOwned reports a name of a country or province of the gazetteer (CLDR) that a text
// means for a town far more often. A province named after its capital is the town when a
// text names it bare ("Granada", "Paris", "Ganja"; the province is "the province of
// Granada"). A country keeps its own name ("Luxembourg", "Singapore" are countries first)
// but gives up a name in another language that is the name of a city of at least bigCity
// people in another country: "Granada" is Spanish for Grenada. Provinces keep their names
// from towns of other countries: Kent and Norfolk are English counties more often than
// American cities.
func cityOwned(towns townNames, e entity, name string, own bool) bool {
	if e.Src != srcCountry || strings.HasPrefix(e.ID, "geonames:") {
		return false
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if strings.HasPrefix(e.ID, "iso3166-2:") {
		return towns.local[e.Country+"\x00"+name]
	}
	country, ok := towns.big[name]
	return ok && !own && country != e.Country && name != strings.ToLower(e.Name)
}

// borrowed reports an alternate name of no stated language that is another place's
// canonical name: GeoNames lists old and neighbouring names that way ("Oak Ridge" for Oak
// Park, "Tovuz" for Berd, "Julfa" for Ras al-Khaimah, "Dili" for Dilijan), and the place
// whose name it is owns it, even when that place is too small to be matched by it.
func borrowed(owners map[string]string, name, id string) bool {
	owner, ok := owners[strings.ToLower(strings.TrimSpace(name))]
	return ok && owner != id
}

func readFileBytes(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), nil
}
