package process

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/query"
	"wirewatch/internal/topic"
)

//go:embed kbdata/curated.yaml
var curatedYAML []byte

//go:embed kbdata/regions.yaml
var regionsYAML []byte

//go:embed kbdata/common-en.txt.gz
var commonEnGz []byte

//go:embed kbdata/common-ru.txt.gz
var commonRuGz []byte

//go:embed kbdata/places.tsv.gz
var placesGz []byte

// Enricher turns raw articles into enriched ones. Enrich is safe for concurrent use; Reload
// and Watch swap in new user entities and topics without blocking it.
type Enricher struct {
	cfg     config.ProcessConfig
	log     *slog.Logger
	lang    *langDetector
	base    *kb
	common  map[string]wordSet // language -> common words, see kbgen
	ruWords wordSet            // dictionary forms of Russian common words, see ruCommonWord
	state   atomic.Pointer[snapshot]
	stories *storyIndex
	unknown *unknownNames
	an      *query.Analysis // the topic rules' analysers
	now     func() time.Time

	reloadMu sync.Mutex
	mtimes   map[string]time.Time
}

// snapshot is what Reload replaces as a whole.
type snapshot struct {
	kbs    kbSet
	topics *topic.Set
}

// New loads the built-in knowledge base, the user entity files and the topics file (paths
// as given, relative to the working directory) and builds the language detector.
func New(cfg config.ProcessConfig, logger *slog.Logger) (*Enricher, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ld, err := newLangDetector(cfg.Languages, cfg.LangHighAccuracy)
	if err != nil {
		return nil, err
	}
	base, err := loadBaseKB(cfg.Gazetteer)
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
	an, err := query.NewAnalysis(cfg.Languages)
	if err != nil {
		return nil, fmt.Errorf("building the topic rules' analysers: %w", err)
	}
	window, maxArt := cfg.StoryWindow, cfg.StoryMaxArticles
	if window <= 0 {
		window = 72 * time.Hour
	}
	if maxArt <= 0 {
		maxArt = 100000
	}
	e := &Enricher{
		cfg:     cfg,
		log:     logger,
		lang:    ld,
		base:    base,
		common:  map[string]wordSet{"en": commonEn},
		ruWords: ruWords,
		stories: newStoryIndex(window, maxArt, cfg.StoryMaxDistance),
		unknown: newUnknownNames(cfg.UnknownMax),
		an:      an,
		now:     time.Now,
		mtimes:  map[string]time.Time{},
	}
	if err := e.Reload(); err != nil {
		return nil, err
	}
	logger.Info("enricher ready", "entities", len(base.ents), "names", len(base.names),
		"topics", e.state.Load().topics.Len(), "languages", strings.Join(cfg.Languages, ","))
	return e, nil
}

func loadBaseKB(gazetteer bool) (*kb, error) {
	k := newKB()
	recs, err := parseEntityFile("built-in curated.yaml", curatedYAML)
	if err != nil {
		return nil, err
	}
	k.addRecords(recs, srcCurated)
	if gazetteer {
		regions, err := parseEntityFile("built-in regions.yaml", regionsYAML)
		if err != nil {
			return nil, err
		}
		k.addRecords(regions, srcCountry)
		if err := k.loadPlaces(bytes.NewReader(placesGz), srcCity); err != nil {
			return nil, fmt.Errorf("loading built-in gazetteer: %w", err)
		}
	}
	k.freeze()
	return k, nil
}

// Reload re-reads the user entity files and the topics file. On error the previous state
// stays in force.
func (e *Enricher) Reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	user := newKB()
	mtimes := map[string]time.Time{}
	for _, path := range e.cfg.EntitiesFiles {
		b, mt, err := readWithMtime(path)
		if err != nil {
			return fmt.Errorf("reading entities file: %w", err)
		}
		mtimes[path] = mt
		recs, err := parseEntityFile(path, b)
		if err != nil {
			return err
		}
		for i := range recs {
			e.inherit(&recs[i])
		}
		user.addRecords(recs, srcUser)
	}
	user.freeze()
	var topics *topic.Set
	if e.cfg.TopicsFile != "" {
		b, mt, err := readWithMtime(e.cfg.TopicsFile)
		if err != nil {
			return fmt.Errorf("reading topics file: %w", err)
		}
		mtimes[e.cfg.TopicsFile] = mt
		if topics, err = topic.Parse(e.cfg.TopicsFile, b, e.an); err != nil {
			return err
		}
	}
	e.state.Store(&snapshot{kbs: kbSet{user, e.base}, topics: topics})
	e.mtimes = mtimes
	return nil
}

// inherit fills what a user record leaves out from the built-in entity of the same ID, so a
// user can add an alias by giving only the ID and the names.
func (e *Enricher) inherit(r *EntityRecord) {
	idx, ok := e.base.byID[r.ID]
	if !ok {
		return
	}
	b := &e.base.ents[idx]
	if r.Type == "" {
		r.Type = b.Type
	}
	if r.Name == "" {
		r.Name = b.Name
	}
	if r.Country == "" {
		r.Country = b.Country
	}
	if r.Lat == nil && b.HasGeo {
		lat, lon := b.Lat, b.Lon
		r.Lat, r.Lon = &lat, &lon
	}
}

func readWithMtime(path string) ([]byte, time.Time, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	b, err := readFileBytes(path)
	return b, st.ModTime(), err
}

// Watch reloads the user entity files and the topics file whenever one of them changes
// (polling modification times every cfg.ReloadInterval) until ctx ends. A file that fails to
// load is logged and the previous state kept. Watch returns when ctx is done.
func (e *Enricher) Watch(ctx context.Context) error {
	if e.cfg.ReloadInterval <= 0 {
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(e.cfg.ReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if !e.changed() {
			continue
		}
		if err := e.Reload(); err != nil {
			e.log.Error("reloading enrichment files", "err", err)
			e.touch() // do not retry the same broken file every tick
			continue
		}
		e.log.Info("reloaded enrichment files", "topics", e.state.Load().topics.Len())
	}
}

func (e *Enricher) paths() []string {
	ps := slices.Clone(e.cfg.EntitiesFiles)
	if e.cfg.TopicsFile != "" {
		ps = append(ps, e.cfg.TopicsFile)
	}
	return ps
}

func (e *Enricher) changed() bool {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	for _, p := range e.paths() {
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // a file being replaced; the next tick sees the new one
			}
			continue
		}
		if !st.ModTime().Equal(e.mtimes[p]) {
			return true
		}
	}
	return false
}

func (e *Enricher) touch() {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	for _, p := range e.paths() {
		if st, err := os.Stat(p); err == nil {
			e.mtimes[p] = st.ModTime()
		}
	}
}

// Topics returns the topics in force.
func (e *Enricher) Topics() []topic.Topic {
	return e.state.Load().topics.Topics()
}

type field struct {
	name, text string
}

// Enrich fills a's Lang, LangConfidence, Entities, Topics, Keyphrases, Signature, StoryID and
// Enriched. It does not fail on any text; the error is for the caller's contract.
func (e *Enricher) Enrich(a *article.Article) error {
	st := e.state.Load()
	fields := []field{{"title", a.Title}, {"summary", a.Summary}, {"text", a.Text}}
	if a.Text != "" && a.Summary != "" && strings.Contains(a.Text, strings.TrimSpace(a.Summary)) {
		fields[1].text = "" // the summary is the lead of the text: do not count it twice
	}
	a.Lang, a.LangConfidence = e.lang.detect(langSample(a, e.lang.sample))

	sc := scratchPool.Get().(*enrichScratch)
	defer sc.release()
	all := sc.all[:0] // folded tokens of every field, fields separated by ""
	ents := sc.ents   // entity ID -> index in list
	list := a.Entities[:0]
	kp := sc.kp
	fieldToks := sc.toks[:len(fields)]
	nc := nameContext{lower: sc.lower, common: e.common[a.Lang], memo: sc.memo, ruWords: e.ruWords}
	for i, f := range fields {
		fieldToks[i] = tokenize(f.text, fieldToks[i][:0])
		for _, t := range fieldToks[i] {
			if !t.Cap && t.Letters {
				nc.lower[t.Norm] = true
			}
		}
	}
	for fi, f := range fields {
		if f.text == "" {
			continue
		}
		toks := fieldToks[fi]
		spans := st.kbs.matchKB(toks, sc.spans[:0])
		sc.spans = spans[:0]
		// A headline In Title Case capitalises every word: only known names count there.
		nc.knownOnly = f.name == "title" && titleCase(toks)
		spans = e.findUnknown(toks, f.text, spans, nc)
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
			m := article.Mention{Field: f.name, Start: s.start(toks, f.text), End: s.end(toks, f.text)}
			m.Text = f.text[m.Start:m.End]
			sc.ments = append(sc.ments, entMention{k, m})
			if s.Conf > have.Confidence {
				have.Confidence = s.Conf
			}
		}
		if len(all) > 0 {
			all = append(all, "")
		}
		for _, t := range toks {
			all = append(all, t.Norm)
		}
		kp.add(toks, f.text, a.Lang)
	}
	shareMentions(list, sc.ments)
	for i := range list {
		ent := &list[i]
		if n := len(ent.Mentions); n > 1 {
			ent.Confidence = min(0.99, ent.Confidence+0.02*float64(n-1))
		}
		if !ent.Known {
			e.unknown.add(ent)
		}
	}
	a.Entities = list
	if len(a.Entities) == 0 {
		a.Entities = nil
	}

	sc.all = all
	a.Topics = nil // a rule sees the article as enriched so far, not the topics it came with
	a.Topics = st.topics.Match(a)
	a.Keyphrases = kp.top(8)
	a.Signature = simhash(all)
	a.StoryID = e.stories.assign(a.ID, a.Signature, storyTime(a, e.now))
	a.Enriched = e.now().UTC()
	return nil
}

// enrichScratch is what one Enrich call needs for working and nothing after: kept in a
// pool so that token slices and maps are reused instead of reallocated per article.
type enrichScratch struct {
	toks  [3][]token
	all   []string
	lower map[string]bool
	memo  *nameMemo
	kp    *keyphraser
	ents  map[string]int32
	spans []span
	ments []entMention
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

var scratchPool = sync.Pool{New: func() any {
	return &enrichScratch{lower: map[string]bool{}, memo: newNameMemo(), kp: newKeyphraser(), ents: map[string]int32{}}
}}

// release clears what refers to the article's text and returns sc to the pool.
func (sc *enrichScratch) release() {
	for i := range sc.toks {
		clear(sc.toks[i])
	}
	clear(sc.all)
	clear(sc.lower)
	sc.memo.reset()
	sc.kp.reset()
	clear(sc.ents)
	clear(sc.spans[:cap(sc.spans)])
	clear(sc.ments)
	sc.ments = sc.ments[:0]
	scratchPool.Put(sc)
}

func storyTime(a *article.Article, now func() time.Time) time.Time {
	if !a.Published.IsZero() {
		return a.Published
	}
	if !a.Fetched.IsZero() {
		return a.Fetched
	}
	return now()
}

// titleCase reports a field where nearly every word is capitalised.
func titleCase(toks []token) bool {
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

// langSample is the text the language is told from: the title and the start of the body.
// The detector reads only the first limit bytes and the rest of the word there (see
// langDetector.cut), so the body is cut after the first non-letter from that point on
// rather than copied whole.
func langSample(a *article.Article, limit int) string {
	body := a.Body()
	if a.Title == "" {
		return body
	}
	if body == "" {
		return a.Title
	}
	need := limit - len(a.Title) - len(".\n")
	for j, r := range body {
		if j >= need && !unicode.IsLetter(r) {
			_, size := utf8.DecodeRuneInString(body[j:])
			body = body[:j+size]
			break
		}
	}
	return a.Title + ".\n" + body
}

// entityID is the ID of the entity a span names: the knowledge base's, or "new:TYPE:key"
// for an unknown name; "" when an unknown name has no key.
func entityID(s span, toks []token) string {
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

// UnknownName is a name found by patterns that the knowledge base does not know.
type UnknownName struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Name  string `json:"name"`  // the most frequent surface form
	Count int    `json:"count"` // mentions since the process started
}

// Unknown returns up to n unknown names, most frequent first.
func (e *Enricher) Unknown(n int) []UnknownName {
	return e.unknown.top(n)
}

// Extract enriches a bare text, as `wirewatch extract` does: the first line is taken as
// the title when it is followed by a blank line.
func Extract(e *Enricher, text string) (*article.Article, error) {
	a := &article.Article{ID: article.ID("", "extract", text), SchemaVersion: article.SchemaVersion}
	title, body, ok := strings.Cut(strings.TrimLeft(text, "\ufeff"), "\n\n")
	if ok && !strings.Contains(strings.TrimSpace(title), "\n") && len(title) < 300 {
		a.Title, a.Text = strings.TrimSpace(title), body
	} else {
		a.Text = text
	}
	if err := e.Enrich(a); err != nil {
		return nil, fmt.Errorf("enriching text: %w", err)
	}
	return a, nil
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

// wordSet is a set of folded words keyed by hash: no pointers for the GC to scan.
type wordSet map[uint64]struct{}

func (w wordSet) has(s string) bool {
	_, ok := w[hashAdd(hashInit, s)]
	return ok
}

func loadWordSet(gz []byte) (wordSet, error) {
	words, err := readWordList(gz)
	if err != nil {
		return nil, err
	}
	set := make(wordSet, len(words))
	for _, w := range words {
		set[hashAdd(hashInit, w)] = struct{}{}
	}
	return set, nil
}

// readWordList reads a gzipped list of one word a line (see kbgen) as folded words.
func readWordList(gz []byte) ([]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var words []string
	for _, w := range strings.Split(string(b), "\n") {
		if w != "" {
			words = append(words, fold(w))
		}
	}
	return words, nil
}
