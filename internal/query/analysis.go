package query

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/zerowidthnonjoiner"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fa"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/tr"
	"github.com/blevesearch/bleve/v2/analysis/token/apostrophe"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"

	"wirewatch/internal/article"
)

// Und is the language key of articles whose language is unknown or not configured.
const Und = "und"

// DefaultLanguages are the languages of the region wirewatch was built to watch. Each
// gets its own title_<lang> and body_<lang> fields.
var DefaultLanguages = []string{"en", "fr", "ru", "hy", "az", "ka", "tr", "fa", "uk", "de", "es", "ar"}

// KeywordAnalyzer is the analyser of keyword fields: the whole value, lower-cased.
const KeywordAnalyzer = "ww_keyword"

// AnalyzerName names the text analyser of a language key.
func AnalyzerName(langKey string) string { return "ww_" + langKey }

// languageFilters are the token filters of each language's analyser: Bleve's own
// language analyser without its stop-word filter. Stop words are kept on purpose: with
// them removed a query such as "la Russie" (implicit AND) would require a word that no
// French document can contain, and phrases would need position gaps that the stream
// matcher would have to imitate. Scoring already discounts frequent words. Lower-casing
// comes before elision (Bleve's French analyser elides first, so "L'Arménie" at the start
// of a sentence kept its article).
var languageFilters = map[string][]string{
	"en": {en.PossessiveName, lowercase.Name, porter.Name},
	"fr": {lowercase.Name, fr.ElisionName, fr.LightStemmerName},
	"ru": {lowercase.Name, ru.SnowballStemmerName},
	"tr": {apostrophe.Name, lowercase.Name, tr.SnowballStemmerName},
	"fa": {lowercase.Name, ar.NormalizeName, fa.NormalizeName},
	"de": {lowercase.Name, de.NormalizeName, de.LightStemmerName},
	"es": {lowercase.Name, es.NormalizeName, es.LightStemmerName},
	"ar": {lowercase.Name, "ww_nfkc", ar.NormalizeName, ar.StemmerName},
	"it": {lowercase.Name, it.ElisionName, it.LightStemmerName},
	"pt": {lowercase.Name, pt.LightStemmerName},
	"nl": {lowercase.Name, nl.SnowballStemmerName},
}

var languageCharFilters = map[string][]string{
	"fa": {zerowidthnonjoiner.Name},
}

// customFilters are token filters the analysers need that Bleve has no ready name for.
var customFilters = map[string]map[string]any{
	"ww_nfkc": {"type": unicodenorm.Name, "form": unicodenorm.NFKC},
}

// AnalysisDefiner is what both a Bleve index mapping and a registry cache offer to
// define custom analysers; DefineAnalysis feeds either, so the index and the stream
// matcher analyse text identically.
type AnalysisDefiner interface {
	AddCustomTokenFilter(name string, config map[string]any) error
	AddCustomAnalyzer(name string, config map[string]any) error
}

// LangKeys returns the language keys for a list of configured languages: each language
// once, lower-cased, plus Und, sorted.
func LangKeys(languages []string) []string {
	seen := map[string]bool{Und: true}
	keys := []string{Und}
	for _, l := range languages {
		l = primaryTag(l)
		if l != "" && !seen[l] {
			seen[l] = true
			keys = append(keys, l)
		}
	}
	sort.Strings(keys)
	return keys
}

func primaryTag(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

// DefineAnalysis defines the keyword analyser and one text analyser per language key.
func DefineAnalysis(d AnalysisDefiner, langKeys []string) error {
	names := make([]string, 0, len(customFilters))
	for name := range customFilters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := d.AddCustomTokenFilter(name, customFilters[name]); err != nil {
			return fmt.Errorf("defining token filter %s: %w", name, err)
		}
	}
	if err := d.AddCustomAnalyzer(KeywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return fmt.Errorf("defining analyzer %s: %w", KeywordAnalyzer, err)
	}
	if err := d.AddCustomAnalyzer(FoldAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, FoldFilter},
	}); err != nil {
		return fmt.Errorf("defining analyzer %s: %w", FoldAnalyzer, err)
	}
	for _, key := range langKeys {
		filters, ok := languageFilters[key]
		if !ok {
			// Languages without a Bleve stemmer (hy, az, ka, uk, und): split on Unicode
			// word boundaries and fold case.
			filters = []string{lowercase.Name}
		}
		cfg := map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": toAny(filters),
		}
		if cf := languageCharFilters[key]; len(cf) > 0 {
			cfg["char_filters"] = toAny(cf)
		}
		if err := d.AddCustomAnalyzer(AnalyzerName(key), cfg); err != nil {
			return fmt.Errorf("defining analyzer for %s: %w", key, err)
		}
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// cacheDefiner adapts a registry cache to AnalysisDefiner.
type cacheDefiner struct{ c *registry.Cache }

func (d cacheDefiner) AddCustomTokenFilter(name string, config map[string]any) error {
	_, err := d.c.DefineTokenFilter(name, config)
	return err
}

func (d cacheDefiner) AddCustomAnalyzer(name string, config map[string]any) error {
	_, err := d.c.DefineAnalyzer(name, config)
	return err
}

// Analysis holds the analysers for a set of languages. It is safe for concurrent use;
// build one and share it between every Matcher of a process.
type Analysis struct {
	keys     []string
	keySet   map[string]bool
	keyIndex map[string]int // key -> its index in keys
	text     map[string]analysis.Analyzer
	keyword  analysis.Analyzer
	fold     analysis.Analyzer
	// cutLikeFold holds the text analysers that cut words exactly as the fold analyser
	// does (no character filter, its tokenizer), and foldFilters the fold analyser's
	// token filters: a Doc then segments its text once for both (see Analysis.words).
	cutLikeFold map[string]*analysis.DefaultAnalyzer
	foldFilters []analysis.TokenFilter
	terms       map[string]*termCache // per key of cutLikeFold
	leads       leadIndex             // the starts of the wildcards compiled with it
	texts       textTermsCache        // text values' analyses, shared by the searches compiled with it
}

// maxCachedTerms bounds each termCache: about 3 MB each, one per language met. The words
// of the news are mostly the same few tens of thousands; past the bound a cache starts
// again empty, so that a vocabulary that drifts is learnt anew.
const maxCachedTerms = 1 << 15

// termCache remembers what a language's token filters (lower case, elision, stemming)
// made of each word as the tokenizer cut it, and what the fold filters made of it. Every
// filter of the text analysers and of the fold analyser is a function of the word alone,
// so a word met again needs no filtering: stemming was most of the cost of analysing an
// article for the alert stage, which does it a thousand times a second.
type termCache struct {
	mu    sync.RWMutex
	terms map[string]cachedTerm
}

func newTermCache() *termCache { return &termCache{terms: map[string]cachedTerm{}} }

// NewAnalysis builds the analysers for languages (Und is always included).
func NewAnalysis(languages []string) (*Analysis, error) {
	cache := registry.NewCache()
	keys := LangKeys(languages)
	if err := DefineAnalysis(cacheDefiner{cache}, keys); err != nil {
		return nil, err
	}
	an := &Analysis{keys: keys, keySet: map[string]bool{}, keyIndex: map[string]int{}, text: map[string]analysis.Analyzer{}}
	for i, k := range keys {
		an.keyIndex[k] = i
		a, err := cache.AnalyzerNamed(AnalyzerName(k))
		if err != nil {
			return nil, fmt.Errorf("loading analyzer for %s: %w", k, err)
		}
		an.text[k] = a
		an.keySet[k] = true
	}
	kw, err := cache.AnalyzerNamed(KeywordAnalyzer)
	if err != nil {
		return nil, fmt.Errorf("loading keyword analyzer: %w", err)
	}
	an.keyword = kw
	if an.fold, err = cache.AnalyzerNamed(FoldAnalyzer); err != nil {
		return nil, fmt.Errorf("loading fold analyzer: %w", err)
	}
	an.cutLikeFold, an.terms = map[string]*analysis.DefaultAnalyzer{}, map[string]*termCache{}
	if fold, ok := an.fold.(*analysis.DefaultAnalyzer); ok && len(fold.CharFilters) == 0 {
		an.foldFilters = fold.TokenFilters
		for k, a := range an.text {
			if a, ok := a.(*analysis.DefaultAnalyzer); ok && len(a.CharFilters) == 0 && sameType(a.Tokenizer, fold.Tokenizer) {
				an.cutLikeFold[k] = a
				an.terms[k] = newTermCache()
			}
		}
	}
	return an, nil
}

func sameType(a, b any) bool { return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b) }

// cachedTerm is what a word becomes in the language's fields and in the fold fields.
type cachedTerm struct {
	term string // the language analyser's term
	fold string // the fold analyser's term, unless split
	// split: the word holds an apostrophe of FoldApostrophes, which the fold filters cut
	// it at; its fold terms are made every time (foldWords).
	split bool
}

// textWords is what Analysis.words keeps of a text for its fold field: the words as cut,
// each as the number of a distinct word, and what each distinct word becomes.
type textWords struct {
	at    []wordAt     // each word's place
	ids   []int32      // at[i] is the distinct word ids[i]
	terms []cachedTerm // of each distinct word
}

// wordAt is a word's offsets and position: what a field keeps of its token.
type wordAt struct{ start, end, pos int }

// token returns the token of word i, without its term, in *t.
func (w *textWords) token(i int, t *analysis.Token) *analysis.Token {
	at := w.at[i]
	*t = analysis.Token{Start: at.start, End: at.end, Position: at.pos, Type: analysis.AlphaNumeric}
	return t
}

// words analyses text with langKey's analyser and, when that analyser cuts words as the
// fold analyser does, also returns the words as cut with their fold terms, from which
// foldWords makes the fold field without segmenting or looking the text up again. Each
// distinct word of the text is looked up once in the language's termCache (and filtered
// only when the cache has not met it): an article repeats most of its words, and the
// cache is large enough that each look-up is a cache miss.
// With cut non-nil, the words are cut's rather than the tokenizer's (see DocWords). The
// field and the words are made in mem (nil: on their own).
func (an *Analysis) words(langKey, text string, cut []Span, mem *docMem) (tokenField, *textWords) {
	a := an.cutLikeFold[langKey]
	if a == nil {
		return an.tokenField(langKey, text), nil
	}
	var w textWords
	n := len(cut)
	if cut == nil {
		n = len(text) / 6 // an estimate: the tokenizer has not cut the text yet
	}
	words := mem.stringsOf(n / 2)[:0] // the distinct words, in order of first occurrence
	nb := numberingPool.Get().(*numbering)
	number := func(word string) int32 {
		id, ok := nb.of[word]
		if !ok {
			id = int32(len(words))
			nb.of[word] = id
			words = append(words, word)
		}
		return id
	}
	if cut != nil {
		w.at, w.ids = mem.wordAts(len(cut)), mem.int32sOf(len(cut))
		for i, c := range cut {
			w.at[i] = wordAt{c.Start, c.End, i + 1}
			w.ids[i] = number(text[c.Start:c.End])
		}
	} else {
		ts := a.Tokenizer.Tokenize([]byte(text))
		w.at, w.ids = mem.wordAts(len(ts)), mem.int32sOf(len(ts))
		for i, t := range ts {
			w.at[i] = wordAt{t.Start, t.End, t.Position}
			word, ok := writtenAs(text, t)
			if !ok || len(word) != len(t.Term) {
				word = string(t.Term)
			}
			w.ids[i] = number(word)
		}
	}
	var ok bool
	if w.terms, ok = an.terms[langKey].lookup(words, a.TokenFilters, an.foldFilters, mem.cachedTerms(len(words))); !ok {
		nb.release(nb.ids)
		return an.tokenField(langKey, text), nil
	}
	f := numberTerms(len(words), w.ids, func(id int32) string { return w.terms[id].term }, w.at, text, true, nb, mem)
	return f, &w
}

// numberTerms makes the token field of the words numbered ids (among n distinct words,
// numbered in order of first occurrence) whose terms term gives: the distinct terms are
// found among the distinct words, not among all the words. It releases nb.
func numberTerms(n int, ids []int32, term func(id int32) string, words []wordAt, text string, positions bool, nb *numbering, mem *docMem) tokenField {
	clear(nb.of)
	termOf := mem.int32sOf(n) // distinct word -> its term's number
	keys := mem.stringsOf(n)[:0]
	for id := range int32(n) {
		t := term(id)
		k, ok := nb.of[t]
		if !ok {
			k = int32(len(keys))
			nb.of[t] = k
			keys = append(keys, t)
		}
		termOf[id] = k
	}
	terms := mem.stringsOf(len(ids))
	termIDs := nb.ids[:0]
	for i, id := range ids {
		terms[i] = keys[termOf[id]]
		termIDs = append(termIDs, termOf[id])
	}
	f := numberedTokenField(terms, termIDs, keys, words, text, positions, nb, mem)
	nb.release(termIDs)
	return f
}

// Span is a word of a text as byte offsets, Start inclusive, End exclusive.
type Span struct{ Start, End int }

// lookup returns what each of words becomes, from the cache or by filtering the words it
// has not met with filters (the language's) and foldFilters, in out (len(words), zero).
// It reports false if the language's filters did not keep one term per word, which none
// of the text analysers' filters does.
func (c *termCache) lookup(words []string, filters, foldFilters []analysis.TokenFilter, out []cachedTerm) ([]cachedTerm, bool) {
	var missAt []int
	c.mu.RLock()
	for i, w := range words {
		if e, ok := c.terms[w]; ok {
			out[i] = e
		} else {
			missAt = append(missAt, i)
		}
	}
	c.mu.RUnlock()
	if len(missAt) == 0 {
		return out, true
	}
	// The filters rewrite terms in place: each gets its own copy of the word.
	keys := make([]string, len(missAt)) // the cache's keys, which must not keep the text
	toks := make([]analysis.Token, 2*len(missAt))
	miss := make(analysis.TokenStream, len(missAt))
	var fold analysis.TokenStream
	var foldAt []int
	for j, i := range missAt {
		keys[j] = strings.Clone(words[i])
		toks[j] = analysis.Token{Term: []byte(keys[j]), End: len(keys[j]), Position: j + 1, Type: analysis.AlphaNumeric}
		miss[j] = &toks[j]
		if hasFoldApostrophe(toks[j].Term) {
			out[i].split = true
			continue
		}
		ft := &toks[len(missAt)+j]
		*ft = analysis.Token{Term: []byte(keys[j]), End: len(keys[j]), Position: j + 1, Type: analysis.AlphaNumeric}
		fold, foldAt = append(fold, ft), append(foldAt, i)
	}
	for _, f := range filters {
		miss = f.Filter(miss)
	}
	for _, f := range foldFilters {
		fold = f.Filter(fold)
	}
	if len(miss) != len(missAt) || len(fold) != len(foldAt) {
		return nil, false
	}
	for j, t := range fold {
		i := foldAt[j]
		out[i].fold = string(t.Term)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.terms)+len(missAt) > maxCachedTerms {
		clear(c.terms)
	}
	for j, t := range miss {
		i := missAt[j]
		out[i].term = string(t.Term)
		if out[i].fold == keys[j] {
			out[i].fold = keys[j] // one copy of a word already folded
		}
		if len(c.terms) < maxCachedTerms {
			c.terms[keys[j]] = out[i]
		}
	}
	return out, true
}

// foldWords is the fold field of text, given its words as Analysis.words returned them.
// A word without an apostrophe folds to one term, which words found with the word; the
// others the fold filters split (FoldApostrophes), and they are filtered every time. It
// uses w up. The field is made in mem (nil: on its own).
func (an *Analysis) foldWords(w *textWords, text string, mem *docMem) tokenField {
	if !slices.ContainsFunc(w.terms, func(e cachedTerm) bool { return e.split }) {
		fold := func(id int32) string { return w.terms[id].fold }
		return numberTerms(len(w.terms), w.ids, fold, w.at, text, false, numberingPool.Get().(*numbering), mem)
	}
	// Only the split words are filtered, so only they are made tokens; a whole word is
	// known by its index in w and made a token when the field reads it.
	nsplit := 0
	for _, id := range w.ids {
		if w.terms[id].split {
			nsplit++
		}
	}
	store := make([]analysis.Token, nsplit)
	split := make(analysis.TokenStream, 0, nsplit)
	for i, id := range w.ids {
		if w.terms[id].split {
			t := w.token(i, &store[len(split)])
			t.Term = []byte(text[t.Start:t.End]) // the filters rewrite it in place
			split = append(split, t)
		}
	}
	for _, f := range an.foldFilters {
		split = f.Filter(split)
	}
	// Merge in word order: the parts of a split word keep its position. src[k] is the
	// whole word at[src[k]], or the part split[-src[k]-1].
	n := len(w.at) - nsplit + len(split)
	terms := mem.stringsOf(n)[:0]
	words := mem.wordAts(n)[:0]
	for i, j := 0, 0; i < len(w.at) || j < len(split); {
		if i < len(w.at) && w.terms[w.ids[i]].split {
			i++ // its parts are in split
			continue
		}
		if j == len(split) || (i < len(w.at) && w.at[i].pos < split[j].Position) {
			terms, words = append(terms, w.terms[w.ids[i]].fold), append(words, w.at[i])
			i++
			continue
		}
		t := split[j]
		terms, words = append(terms, string(t.Term)), append(words, wordAt{t.Start, t.End, t.Position})
		j++
	}
	return newTokenField(terms, words, text, false, mem)
}

// smallSet is the size up to which uniq finds repeats by looking through what it kept,
// without a map: an article's authors, topics, sources and entities are mostly a few,
// and a map per list per article was a good part of what analysing one allocated.
const smallSet = 16

// Keys returns the language keys, sorted; each has its own text fields.
func (an *Analysis) Keys() []string { return an.keys }

// LangKey maps an article's language to the key of the fields it is indexed in: its
// primary tag when configured, else Und.
func (an *Analysis) LangKey(lang string) string {
	if k := primaryTag(lang); an.keySet[k] {
		return k
	}
	return Und
}

// Tokens analyses text with the analyser of langKey.
func (an *Analysis) Tokens(langKey, text string) analysis.TokenStream {
	a, ok := an.text[langKey]
	if !ok {
		a = an.text[Und]
	}
	return a.Analyze([]byte(text))
}

// TermsOf returns the terms of text under langKey's analyser, in order.
func (an *Analysis) TermsOf(langKey, text string) []string {
	ts := an.Tokens(langKey, text)
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// Keyword normalises a keyword value ("" when it has none).
func (an *Analysis) Keyword(v string) string {
	// Most values (entity IDs, language tags, topic IDs) are ASCII, where the keyword
	// analyser (the whole value, lower-cased) is strings.ToLower, without its allocations.
	if isASCII(v) {
		return strings.ToLower(v)
	}
	ts := an.keyword.Analyze([]byte(v))
	if len(ts) == 0 {
		return ""
	}
	return string(ts[0].Term)
}

// BodyText is the text indexed in the body field: the summary, then the full text unless
// it merely repeats the summary.
func BodyText(a *article.Article) string {
	switch {
	case a.Text == "":
		return a.Summary
	case a.Summary == "" || strings.HasPrefix(a.Text, a.Summary):
		return a.Text
	}
	return a.Summary + "\n\n" + a.Text
}

// PublishedTime is the instant indexed in the published field: the published date, else
// the fetch time, else the Unix epoch (so every document has one and sorts stably).
func PublishedTime(a *article.Article) time.Time {
	switch {
	case !a.Published.IsZero():
		return a.Published.UTC()
	case !a.Fetched.IsZero():
		return a.Fetched.UTC()
	}
	return time.Unix(0, 0).UTC()
}

// SourceTitles returns the titles of every feed that carried a, without repeats.
func SourceTitles(a *article.Article) []string {
	return uniq(append([]string{a.Source.FeedTitle}, sourceField(a.Sources, func(s article.Source) string { return s.FeedTitle })...))
}

// SourceURLs returns the URLs of every feed that carried a, without repeats.
func SourceURLs(a *article.Article) []string {
	return uniq(append([]string{a.Source.FeedURL}, sourceField(a.Sources, func(s article.Source) string { return s.FeedURL })...))
}

// EntityNames returns the canonical names of a's entities, without repeats.
func EntityNames(a *article.Article) []string {
	names := make([]string, 0, len(a.Entities))
	for _, e := range a.Entities {
		names = append(names, e.Name)
	}
	return uniq(names)
}

func sourceField(ss []article.Source, f func(article.Source) string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, f(s))
	}
	return out
}

// uniq returns the non-empty strings of ss without repeats, in order, in a new slice.
func uniq(ss []string) []string {
	if len(ss) == 0 {
		return ss[:0:0] // nil stays nil: an index writes it as null, not []
	}
	out := make([]string, 0, len(ss))
	if len(ss) <= smallSet {
		for _, s := range ss {
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
