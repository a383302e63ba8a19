package entity

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"wirewatch/internal/article"
	"wirewatch/internal/text"
)

//go:embed kbdata/curated.yaml
var curatedYAML []byte

//go:embed kbdata/politicians.yaml.gz
var politiciansGz []byte

//go:embed kbdata/regions.yaml
var regionsYAML []byte

//go:embed kbdata/common-en.txt.gz
var commonEnGz []byte

//go:embed kbdata/common-ru.txt.gz
var commonRuGz []byte

//go:embed kbdata/common-uk.txt.gz
var commonUkGz []byte

//go:embed kbdata/common-tr.txt.gz
var commonTrGz []byte

//go:embed kbdata/common-fr.txt.gz
var commonFrGz []byte

//go:embed kbdata/places.tsv.gz
var placesGz []byte

//go:embed kbdata/word-towns.tsv
var wordTownsTSV []byte

// Options choose what New loads.
type Options struct {
	// Gazetteer adds the generated gazetteer (countries' regions, towns, physical features)
	// to the curated names.
	Gazetteer bool
	// UnknownMax bounds the names counted by Unknown; past it the least seen half is
	// dropped. 0 counts none.
	UnknownMax int
}

// Recognizer holds what is loaded once: the built-in knowledge base and word lists, and the
// count of names found by patterns. Its methods are safe for concurrent use.
type Recognizer struct {
	base    *kb
	common  map[string]wordSet // language -> common words, see kbgen
	ruWords wordSet            // dictionary forms of Russian common words, see ruCommonWord
	trWords wordSet            // Turkish common words, see trCommonWord
	ukWords wordSet            // dictionary forms of Ukrainian common words, see ukCommonWord
	frWords wordSet            // French common words, see dropCommonAlternates
	unknown *unknownNames
}

// New loads the built-in knowledge base and word lists.
func New(o Options) (*Recognizer, error) {
	base, err := loadBaseKB(o.Gazetteer)
	if err != nil {
		return nil, err
	}
	commonEn, err := loadWordSet(commonEnGz)
	if err != nil {
		return nil, fmt.Errorf("loading built-in English common words: %w", err)
	}
	ruWords, err := loadWordSet(commonRuGz)
	if err != nil {
		return nil, fmt.Errorf("loading built-in Russian common words: %w", err)
	}
	trWords, err := loadWordSet(commonTrGz)
	if err != nil {
		return nil, fmt.Errorf("loading built-in Turkish common words: %w", err)
	}
	ukWords, err := loadWordSet(commonUkGz)
	if err != nil {
		return nil, fmt.Errorf("loading built-in Ukrainian common words: %w", err)
	}
	frWords, err := loadWordSet(commonFrGz)
	if err != nil {
		return nil, fmt.Errorf("loading built-in French common words: %w", err)
	}
	return &Recognizer{
		base:    base,
		common:  map[string]wordSet{"en": commonEn},
		ruWords: ruWords,
		trWords: trWords,
		ukWords: ukWords,
		frWords: frWords,
		unknown: newUnknownNames(o.UnknownMax),
	}, nil
}

func loadBaseKB(gazetteer bool) (*kb, error) {
	k := newKB()
	recs, err := parseEntityFile("built-in curated.yaml", curatedYAML)
	if err != nil {
		return nil, err
	}
	k.addRecords(recs, srcCurated)
	if err := k.loadPoliticians(politiciansGz); err != nil {
		return nil, err
	}
	if gazetteer {
		regions, err := parseEntityFile("built-in regions.yaml", regionsYAML)
		if err != nil {
			return nil, err
		}
		k.addRecords(regions, srcCountry)
		if err := k.loadPlaces(placesGz, srcCity); err != nil {
			return nil, fmt.Errorf("loading built-in gazetteer: %w", err)
		}
		if err := k.loadPlacesTSV(wordTownsTSV, srcCity); err != nil {
			return nil, fmt.Errorf("loading built-in towns named by words: %w", err)
		}
	}
	k.freeze()
	return k, nil
}

// loadPoliticians adds the generated list of the region's legislators (see kbgen). A person
// the curated file has gets the list's names only: the curated record's name, type and
// country stand.
func (k *kb) loadPoliticians(gz []byte) error {
	b, err := gunzip(gz)
	if err != nil {
		return fmt.Errorf("reading built-in politicians: %w", err)
	}
	recs, err := parseEntityFile("built-in politicians.yaml.gz", b)
	if err != nil {
		return err
	}
	for i := range recs {
		if _, known := k.byID[recs[i].ID]; known {
			recs[i] = EntityRecord{ID: recs[i].ID, Names: recs[i].Names}
		}
	}
	k.addRecords(recs, srcPolitician)
	return nil
}

// Size returns the number of built-in entities and of the names they are known by.
func (r *Recognizer) Size() (entities, names int) {
	return len(r.base.ents), r.base.names.len()
}

// LoadUser reads the users' entity files (YAML lists of EntityRecord, paths as given) and
// returns a Finder that knows their entities on top of the built-in ones. A user record
// that leaves out the type, name, country or coordinates of a built-in entity of the same ID
// takes them from it, so a user can add an alias by giving only the ID and the names.
func (r *Recognizer) LoadUser(paths []string) (*Finder, error) {
	user := newKB()
	for _, path := range paths {
		b, err := readFileBytes(path)
		if err != nil {
			return nil, fmt.Errorf("reading entities file: %w", err)
		}
		recs, err := parseEntityFile(path, b)
		if err != nil {
			return nil, err
		}
		for i := range recs {
			r.inherit(&recs[i])
		}
		user.addRecords(recs, srcUser)
	}
	user.freeze()
	return &Finder{r: r, kbs: kbSet{user, r.base}}, nil
}

// inherit fills what a user record leaves out from the built-in entity of the same ID. A
// record written with an ID the built-in entity had before takes its current ID.
func (r *Recognizer) inherit(rec *EntityRecord) {
	idx, ok := r.base.byID[rec.ID]
	if !ok {
		return
	}
	b := &r.base.ents[idx]
	rec.ID = b.ID
	if rec.Type == "" {
		rec.Type = b.Type
	}
	if rec.Name == "" {
		rec.Name = b.Name
	}
	if rec.Country == "" {
		rec.Country = b.Country
	}
	if rec.Lat == nil && b.HasGeo {
		lat, lon := b.Lat, b.Lon
		rec.Lat, rec.Lon = &lat, &lon
	}
}

// Unknown returns up to n names found by patterns that the knowledge base does not know,
// most frequent first.
func (r *Recognizer) Unknown(n int) []UnknownName {
	return r.unknown.top(n)
}

// Finder finds the entities of articles with one set of user entities: read-only, safe for
// concurrent use; LoadUser makes a new one when the users' files change.
type Finder struct {
	r   *Recognizer
	kbs kbSet
}

// IDsOf returns every ID of the entity that id names, current or former: its current ID
// first, then the IDs it had before ("ww:nikol-pashinyan" and Q7035479 give both). Articles
// enriched before an ID changed carry the old one, so a search for the entity must ask for
// all of them. An ID no knowledge base knows is returned alone.
func (f *Finder) IDsOf(id string) []string {
	var out []string
	for _, k := range f.kbs {
		idx, ok := k.byID[id]
		if !ok {
			continue
		}
		for _, x := range append([]string{k.ents[idx].ID}, k.formerly[idx]...) {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 {
		return []string{id}
	}
	return out
}

// Current reports whether id is the current ID of an entity some knowledge base knows:
// false for an ID no knowledge base knows and for a former ID (IDsOf gives the current).
func (f *Finder) Current(id string) bool {
	for _, k := range f.kbs {
		if idx, ok := k.byID[id]; ok && k.ents[idx].ID == id {
			return true
		}
	}
	return false
}

// Field is one field of an article, its text and its tokens (text.Tokenize).
type Field struct {
	Name, Text string
	Toks       []text.Token
}

// Find appends to list the entities named in the fields of an article in lang (an ISO
// 639-1 code, or "und"), each with its mentions in the order found, and counts the unknown
// ones (see Unknown). Fields with no text are skipped; the words of every field tell
// whether a capitalised word is a common word the article also writes in lower case.
func (f *Finder) Find(fields []Field, lang string, list []article.Entity) []article.Entity {
	sc := scratchPool.Get().(*findScratch)
	defer sc.release()
	ents := sc.ents // entity ID -> index in list
	nc := f.r.nameContext(lang, sc.lower)
	nc.memo = sc.memo
	for _, fl := range fields {
		for _, t := range fl.Toks {
			if !t.Cap && t.Letters {
				nc.lower[t.Norm] = true
			}
		}
	}
	for _, fl := range fields {
		if fl.Text == "" {
			continue
		}
		toks := fl.Toks
		spans := f.kbs.matchKB(toks, sc.spans[:0])
		sc.spans = spans[:0]
		// A headline In Title Case capitalises every word: only known names count there.
		nc.knownOnly = fl.Name == "title" && titleCase(toks)
		spans = f.kbs.findUnknown(toks, fl.Text, spans, nc)
		spans = dropShouted(toks, trimTurkishCommonWords(toks, fl.Text, spans, nc))
		spans = f.kbs.placesInside(toks, spans)
		for _, s := range spans {
			if s.Ent == nil && s.Type == article.Misc {
				continue // nationality adjectives: the evaluation counts them, articles need not
			}
			id := entityID(s, toks)
			if id == "" {
				continue
			}
			k, ok := ents[id]
			if !ok {
				k = int32(len(list))
				ents[id] = k
				list = append(list, newEntity(s, id))
			}
			have := &list[k]
			m := article.Mention{Field: fl.Name, Start: s.start(toks, fl.Text), End: s.end(toks, fl.Text)}
			m.Text = fl.Text[m.Start:m.End]
			sc.ments = append(sc.ments, entMention{k, m})
			if s.Conf > have.Confidence {
				have.Confidence = s.Conf
			}
		}
	}
	shareMentions(list, sc.ments)
	for i := range list {
		ent := &list[i]
		if n := len(ent.Mentions); n > 1 {
			ent.Confidence = min(0.99, ent.Confidence+0.02*float64(n-1))
		}
		if !ent.Known {
			f.r.unknown.add(ent)
		}
	}
	if len(list) == 0 {
		return nil
	}
	return list
}

// findScratch is what one Find call needs for working and nothing after: kept in a pool so
// that maps and slices are reused instead of reallocated per article.
type findScratch struct {
	lower map[string]bool
	memo  *nameMemo
	ents  map[string]int32
	spans []span
	ments []entMention
}

var scratchPool = sync.Pool{New: func() any {
	return &findScratch{lower: map[string]bool{}, memo: newNameMemo(), ents: map[string]int32{}}
}}

// release clears what refers to the article's text and returns sc to the pool.
func (sc *findScratch) release() {
	clear(sc.lower)
	sc.memo.reset()
	clear(sc.ents)
	clear(sc.spans[:cap(sc.spans)])
	clear(sc.ments)
	sc.ments = sc.ments[:0]
	scratchPool.Put(sc)
}

// entMention is a mention of the entity at index ent of the article's list.
type entMention struct {
	ent int32
	m   article.Mention
}

// shareMentions gives each entity of list its mentions, in the order found, as parts of
// one array: appending them one by one grew a slice per entity.
func shareMentions(list []article.Entity, ments []entMention) {
	if len(ments) == 0 {
		return
	}
	all := make([]article.Mention, len(ments))
	counts := make([]int, len(list))
	for _, x := range ments {
		counts[x.ent]++
	}
	off := 0
	for i, c := range counts {
		list[i].Mentions = all[off : off : off+c]
		off += c
	}
	for _, x := range ments {
		e := &list[x.ent]
		e.Mentions = append(e.Mentions, x.m)
	}
}

// dropShouted removes the unknown names found in sentences written in capitals (a
// headline repeated in the body, a subheading, a shouted line: "BARIŞ GÖRÜŞMELERİ
// BAŞLADI"). Every word is in capitals there, as every word is capitalised in a Title Case
// headline, so capitals are no evidence of a name: only known names count.
func dropShouted(toks []text.Token, spans []span) []span {
	loud := false
	for _, s := range spans {
		loud = loud || s.Ent == nil && toks[s.From].Upper
	}
	if !loud {
		return spans
	}
	// shouted[i]: token i is in a sentence of capitals.
	shouted := make([]bool, len(toks))
	for a := 0; a < len(toks); {
		b := a + 1
		for b < len(toks) && !toks[b].SentStart {
			b++
		}
		words, upper := 0, 0
		for _, t := range toks[a:b] {
			if !t.Letters || utf8.RuneCountInString(t.Norm) < 2 {
				continue
			}
			words++
			if t.Upper {
				upper++
			}
		}
		if words >= 3 && upper*10 >= words*8 {
			for i := a; i < b; i++ {
				shouted[i] = true
			}
		}
		a = b
	}
	kept := spans[:0]
	for _, s := range spans {
		if s.Ent == nil && shouted[s.From] {
			continue
		}
		kept = append(kept, s)
	}
	return kept
}

// titleCase reports a field where nearly every word is capitalised.
func titleCase(toks []text.Token) bool {
	words, caps := 0, 0
	for _, t := range toks {
		if !t.Letters || utf8.RuneCountInString(t.Norm) <= 3 {
			continue // short function words stay lower case in English headlines
		}
		words++
		if t.Cap {
			caps++
		}
	}
	return words >= 3 && caps*10 >= words*8
}

// entityID is the ID of the entity a span names: the knowledge base's, or "new:TYPE:key"
// for an unknown name; "" when an unknown name has no key.
func entityID(s span, toks []text.Token) string {
	if s.Ent != nil {
		return s.Ent.ID
	}
	key := s.Key
	if key == "" {
		key = unknownKey(toks[s.From:s.To])
	}
	if key == "" {
		return ""
	}
	return "new:" + s.Type + ":" + key
}

// newEntity turns the first span of an entity into an article entity with no mentions yet.
func newEntity(s span, id string) article.Entity {
	if s.Ent != nil {
		k := s.Ent
		ent := article.Entity{ID: k.ID, Type: k.Type, Name: k.Name, Country: k.Country, Known: true}
		if k.HasGeo {
			lat, lon := k.Lat, k.Lon
			ent.Lat, ent.Lon = &lat, &lon
		}
		return ent
	}
	return article.Entity{ID: id, Type: s.Type, Name: s.Name, Known: false}
}

// nameContext is what the article's language tells the name patterns; lower holds the
// words the article writes in lower case.
func (r *Recognizer) nameContext(lang string, lower map[string]bool) nameContext {
	nc := nameContext{lower: lower, common: r.common[lang], ruWords: r.ruWords, lang: lang}
	switch lang {
	case "tr":
		nc.trWords = r.trWords
	case "fr":
		nc.enWords = r.common["en"]
		nc.langWords = r.frWords
	case "en":
		nc.langWords = r.common["en"]
	case "uk":
		nc.ukWords = r.ukWords
	}
	return nc
}

// Tagged is a typed name at byte offsets of a text, as the evaluation scores it.
type Tagged struct {
	Start, End int
	Type       string
	Conf       float64
	Known      bool // from the knowledge base
}

// Tag runs the matcher and the name patterns over one text in lang, as Find does per field
// (with the words the text writes in lower case as the article's), and returns every name
// found, nationality adjectives (MISC) included.
func (f *Finder) Tag(s, lang string) []Tagged {
	toks := text.Tokenize(s, nil)
	spans := f.kbs.matchKB(toks, nil)
	lower := map[string]bool{}
	for _, t := range toks {
		if !t.Cap && t.Letters {
			lower[t.Norm] = true
		}
	}
	spans = f.kbs.findUnknown(toks, s, spans, f.r.nameContext(lang, lower))
	out := make([]Tagged, 0, len(spans))
	for _, sp := range spans {
		out = append(out, Tagged{sp.start(toks, s), sp.end(toks, s), sp.Type, sp.Conf, sp.Ent != nil})
	}
	return out
}

// UnknownName is a name found by patterns that the knowledge base does not know.
type UnknownName struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Name  string `json:"name"`  // the most frequent surface form
	Count int    `json:"count"` // mentions counted, across restarts when the list is kept (process.unknown_path)
}

// unknownNames counts unknown names, bounded: when full, the least seen half is dropped.
type unknownNames struct {
	mu    sync.Mutex
	max   int
	names map[string]*unknownEntry
}

type unknownEntry struct {
	UnknownName
	forms map[string]int
}

func newUnknownNames(max int) *unknownNames {
	return &unknownNames{max: max, names: map[string]*unknownEntry{}}
}

func (u *unknownNames) add(ent *article.Entity) {
	if u.max == 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	x, ok := u.names[ent.ID]
	if !ok {
		if len(u.names) >= u.max {
			u.shrink()
		}
		x = &unknownEntry{UnknownName: UnknownName{ID: ent.ID, Type: ent.Type, Name: ent.Name}, forms: map[string]int{}}
		u.names[ent.ID] = x
	}
	for _, m := range ent.Mentions {
		x.Count++
		if len(x.forms) < 16 {
			x.forms[m.Text]++
		}
	}
}

func (u *unknownNames) shrink() {
	counts := make([]int, 0, len(u.names))
	for _, x := range u.names {
		counts = append(counts, x.Count)
	}
	sort.Ints(counts)
	cut := counts[len(counts)/2]
	for id, x := range u.names {
		if x.Count <= cut {
			delete(u.names, id)
		}
	}
}

func (u *unknownNames) top(n int) []UnknownName {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]UnknownName, 0, len(u.names))
	for _, x := range u.names {
		v := x.UnknownName
		best := 0
		for f, c := range x.forms {
			if c > best || (c == best && f < v.Name) {
				v.Name, best = f, c
			}
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].ID < out[j].ID
	})
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func loadWordSet(gz []byte) (wordSet, error) {
	words, err := readWordList(gz)
	if err != nil {
		return nil, err
	}
	return newWordSet(words), nil
}

// gunzip returns the decompressed bytes of an embedded gzip file.
func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("opening gzip data: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decompressing: %w", err)
	}
	return b, nil
}

// readWordList reads a gzipped list of one word a line (see kbgen) as folded words.
func readWordList(gz []byte) ([]string, error) {
	b, err := gunzip(gz)
	if err != nil {
		return nil, err
	}
	var words []string
	for _, w := range strings.Split(string(b), "\n") {
		if w != "" {
			words = append(words, text.Fold(w))
		}
	}
	return words, nil
}
