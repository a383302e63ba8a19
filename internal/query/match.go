package query

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
	"weak"

	"github.com/blevesearch/bleve/v2/analysis"

	"wirewatch/internal/article"
)

// MatchOptions configures Compile. Analysis is shared by all matchers of a process and
// must be built for the same languages as the index (index/bleve.Open's languages); when
// nil, Compile builds one for Languages (DefaultLanguages when that is empty too).
type MatchOptions struct {
	Languages []string
	Analysis  *Analysis
}

// Matcher decides whether one article matches a query, with the same meaning as a search
// of the index: the same analysers tokenise the article and the query, so case folding,
// elision and stemming agree. It is safe for concurrent use.
type Matcher struct {
	an   *Analysis
	root matchNode
	node Node
}

type matchNode func(d *Doc) bool

// Compile prepares n for matching articles one at a time.
func Compile(n Node, opts MatchOptions) (*Matcher, error) {
	an := opts.Analysis
	if an == nil {
		langs := opts.Languages
		if len(langs) == 0 {
			langs = DefaultLanguages
		}
		var err error
		if an, err = NewAnalysis(langs); err != nil {
			return nil, err
		}
	}
	root, err := an.compileMatch(n)
	if err != nil {
		return nil, err
	}
	return &Matcher{an: an, root: root, node: n}, nil
}

// Match reports whether a matches. It analyses a on each call; to test one article
// against many matchers, analyse it once with Analysis.Doc and call MatchDoc.
func (m *Matcher) Match(a *article.Article) bool { return m.root(m.an.Doc(a)) }

// MatchDoc reports whether an analysed article matches. d must come from the same
// Analysis as the matcher's.
func (m *Matcher) MatchDoc(d *Doc) bool { return m.root(d) }

// Query returns the node m was compiled from.
func (m *Matcher) Query() Node { return m.node }

// Doc is an article analysed for matching: its tokens per field with positions, and its
// keyword values normalised as the index stores them.
type Doc struct {
	Article   *article.Article
	LangKey   string
	key       int // LangKey's index in the Analysis's keys
	Published time.Time
	title     tokenField
	body      tokenField
	// Now is the instant relative dates (published:>now-1d) are measured from: when the
	// article was analysed for matching.
	Now      time.Time
	keywords map[string][]string // index field → normalised values
	sorted   *sortedTerms
	fold     *foldedFields
	both     [2]*tokenField // title and body, for fields
	mem      *docMem        // what title, body and their fold fields are made in; nil for DocKeywords
}

type tokenField struct {
	terms []string // in order
	// words[i] is where terms[i] is: its byte offsets in the text and its position. A
	// field made from Analysis.words shares them with its fold field, which has the
	// same words.
	words []wordAt
	at    Positions // nil in the fold fields
	keys  []string  // the distinct terms, in order of first occurrence
	text  string
}

func (an *Analysis) tokenField(langKey, text string) tokenField {
	return tokenFieldOf(an.Tokens(langKey, text), text, true)
}

// tokenFieldOf keeps the tokens of text. It allocates per field, not per token: an
// article has hundreds of tokens and the alert stage analyses a thousand articles a
// second. A term that is a piece of the text as written (most are; a stem often is a
// prefix of its word) is that substring, and the others share one string.
func tokenFieldOf(ts analysis.TokenStream, text string, positions bool) tokenField {
	terms := make([]string, len(ts))
	words := make([]wordAt, len(ts))
	type pending struct{ i, off int }
	var rest []byte // the terms that are not substrings of text, end to end
	var restAt []pending
	for i, t := range ts {
		words[i] = wordAt{t.Start, t.End, t.Position}
		if w, ok := writtenAs(text, t); ok {
			terms[i] = w
			continue
		}
		restAt = append(restAt, pending{i, len(rest)})
		rest = append(rest, t.Term...)
	}
	if len(restAt) > 0 {
		all := string(rest)
		for _, p := range restAt {
			terms[p.i] = all[p.off : p.off+len(ts[p.i].Term)]
		}
	}
	return newTokenField(terms, words, text, positions, nil)
}

// newTokenField keeps terms, the terms of words, and the distinct terms; with positions,
// also the positions of every term (at), in one array. The distinct terms are numbered
// with a map kept from field to field, so that each term is looked up once and the
// positions map is made at its final size. The field is made in mem (nil: on its own).
func newTokenField(terms []string, words []wordAt, text string, positions bool, mem *docMem) tokenField {
	nb := numberingPool.Get().(*numbering)
	ids := nb.ids[:0]
	keys := mem.stringsOf(len(terms))[:0]
	for _, t := range terms {
		id, ok := nb.of[t]
		if !ok {
			id = int32(len(keys))
			nb.of[t] = id
			keys = append(keys, t)
		}
		ids = append(ids, id)
	}
	f := numberedTokenField(terms, ids, keys, words, text, positions, nb, mem)
	nb.release(ids)
	return f
}

// numberedTokenField is newTokenField given the number of each term (ids) among the
// distinct terms (keys, in order of first occurrence); nb is working memory, and the
// positions are made in mem (nil: on their own).
func numberedTokenField(terms []string, ids []int32, keys []string, words []wordAt, text string, positions bool, nb *numbering, mem *docMem) tokenField {
	f := tokenField{terms: terms, words: words, text: text, keys: keys}
	if !positions {
		return f
	}
	// next[id] counts the positions of term id, then becomes where they start, then
	// where the next goes.
	next := append(nb.next[:0], make([]int, len(keys))...)
	for _, id := range ids {
		next[id]++
	}
	off := 0
	for id, c := range next {
		next[id] = off
		off += c
	}
	all := mem.intsOf(len(terms)) // the positions of each term, end to end
	for i, id := range ids {
		all[next[id]] = words[i].pos
		next[id]++
	}
	f.at = mem.positions(len(f.keys))
	off = 0
	for id, t := range f.keys {
		f.at[t] = all[off:next[id]:next[id]]
		off = next[id]
	}
	nb.next = next
	return f
}

// numbering is newTokenField's working memory.
type numbering struct {
	of   map[string]int32 // distinct term -> its number
	next []int
	ids  []int32
}

// maxNumbered bounds what a numbering keeps for the next field: a map grown by one huge
// text would make clearing it cost as much for every small one after.
const maxNumbered = 1 << 13

var numberingPool = sync.Pool{New: func() any { return &numbering{of: map[string]int32{}} }}

func (nb *numbering) release(ids []int32) {
	if len(nb.of) > maxNumbered {
		return
	}
	clear(nb.of)
	nb.next, nb.ids = nb.next[:0], ids[:0]
	numberingPool.Put(nb)
}

// writtenAs returns the term of t as a substring of text when text holds it at t's
// offsets (the word as written, or its start).
func writtenAs(text string, t *analysis.Token) (string, bool) {
	if t.Start < 0 || t.Start > t.End || t.End > len(text) {
		return "", false
	}
	w := text[t.Start:t.End]
	if len(t.Term) > len(w) || string(t.Term) != w[:len(t.Term)] {
		return "", false
	}
	return w[:len(t.Term)], true
}

// LangValue is the value indexed in the lang field: the primary language tag, or Und.
func LangValue(a *article.Article) string {
	if l := primaryTag(a.Lang); l != "" {
		return l
	}
	return Und
}

// KeywordValues returns the raw values a indexes in each keyword field.
func KeywordValues(a *article.Article) map[string][]string { return keywordValues(a) }

// keywordValues is KeywordValues, every list a new slice that newDoc may rewrite.
func keywordValues(a *article.Article) map[string][]string {
	return map[string][]string{
		IndexLang:        {LangValue(a)},
		IndexSource:      SourceTitles(a),
		IndexSourceURL:   SourceURLs(a),
		IndexAuthors:     uniq(a.Authors),
		IndexEntities:    a.EntityIDs(),
		IndexEntityNames: EntityNames(a),
		IndexTopics:      uniq(a.Topics),
		IndexCountries:   a.Countries(),
		IndexStory:       uniq([]string{a.StoryID}),
	}
}

// Doc analyses a for matching.
func (an *Analysis) Doc(a *article.Article) *Doc { return an.DocWords(a, nil, nil) }

// DocWords is Doc for a caller that has already cut a's title and body (BodyText) into
// words, so that they are not segmented a second time: title and body must be the words,
// in order, that the unicode tokenizer of the text analysers (UAX #29 words that hold a
// letter, a digit or an ideograph) cuts from them, else matching is not what a search of
// the index finds. A nil slice leaves that text to cutWords, or, when it holds characters
// cutWords does not know, to the tokenizer. Languages whose analyser filters characters
// before cutting words (fa) always use their own.
func (an *Analysis) DocWords(a *article.Article, title, body []Span) *Doc {
	bodyText := BodyText(a)
	if title == nil || body == nil {
		bufs := spanBufs.Get().(*[2][]Span)
		defer releaseSpans(bufs)
		if title == nil {
			if cut, ok := cutWords(a.Title, bufs[0][:0]); ok {
				title, bufs[0] = cut, cut
			}
		}
		if body == nil {
			if cut, ok := cutWords(bodyText, bufs[1][:0]); ok {
				body, bufs[1] = cut, cut
			}
		}
	}
	d := an.newDoc(a)
	d.mem = docMems.Get().(*docMem)
	d.title, d.fold.titleWords = an.words(d.LangKey, a.Title, title, d.mem)
	d.body, d.fold.bodyWords = an.words(d.LangKey, bodyText, body, d.mem)
	return d
}

// Release hands the memory of d's fields over to the Docs made after it, which saves
// the allocation and collection of most of it. d must not be used after, by anyone: call
// it where the Doc was made, once every match and highlight on it is done. Not calling it
// is always safe.
func (d *Doc) Release() {
	mem := d.mem
	*d = Doc{}
	mem.release()
}

// DocKeywords is Doc without the analysis of a's title and body, which it leaves empty:
// for matchers that do not read them (Matcher.ReadsText false), which answer on it as on
// Doc's, at a fraction of the cost. Any other matcher would see an article without words.
func (an *Analysis) DocKeywords(a *article.Article) *Doc { return an.newDoc(a) }

// newDoc makes the Doc of a with its keyword values and dates, and empty title and body.
func (an *Analysis) newDoc(a *article.Article) *Doc {
	key := an.LangKey(a.Lang)
	// One allocation for the Doc and the parts it points to, which live as long as it.
	parts := &struct {
		d      Doc
		sorted sortedTerms
		fold   foldedFields
	}{}
	d := &parts.d
	*d = Doc{
		Article:   a,
		LangKey:   key,
		key:       an.keyIndex[key],
		Published: PublishedTime(a),
		Now:       time.Now(),
		sorted:    &parts.sorted,
		fold:      &parts.fold,
	}
	d.sorted.heads = an.leads.heads()
	d.fold.an, d.fold.sorted.heads = an, d.sorted.heads
	d.both = [2]*tokenField{&d.title, &d.body}
	values := keywordValues(a)
	d.keywords = make(map[string][]string, min(len(values), 8)) // 8: one group of a map; most articles fill fewer fields
	for f, vs := range values {
		// The values are normalised in their own slice, which is the Doc's alone.
		ks := vs[:0]
		for _, v := range vs {
			if k := an.Keyword(v); k != "" {
				ks = append(ks, k)
			}
		}
		if len(ks) > 0 {
			d.keywords[f] = ks
		}
	}
	return d
}

// ReadsText reports whether m looks at an article's title or body: a word, phrase or
// wildcard of a text field, or a fuzzy term, anywhere in the query (under a NOT too).
// When it does not, MatchDoc answers on DocKeywords's Doc as on Doc's.
func (m *Matcher) ReadsText() bool { return readsText(m.node) }

func readsText(n Node) bool {
	switch x := n.(type) {
	case *Term:
		return !IsKeywordField(x.Field)
	case *Phrase:
		return !IsKeywordField(x.Field)
	case *Wildcard:
		return !IsKeywordField(x.Field)
	case *Range:
		return false
	case *And:
		return slices.ContainsFunc(x.Nodes, readsText)
	case *Or:
		return slices.ContainsFunc(x.Nodes, readsText)
	case *Not:
		return readsText(x.Node)
	}
	return true // Fuzzy, and whatever else: analyse
}

// fields returns the fields a text query on field looks in. The slice is d's own, so a
// search evaluated on d allocates nothing for it.
func (d *Doc) fields(field string) []*tokenField {
	if field == FieldTitle {
		return d.both[:1]
	}
	return d.both[:]
}

func (an *Analysis) compileMatch(n Node) (matchNode, error) {
	switch x := n.(type) {
	case *Term:
		return an.compileMatch(x.Phrase())
	case *Phrase:
		if IsKeywordField(x.Field) {
			return an.keywordMatch(x.Field, x.Value), nil
		}
		return an.textMatch(x.Field, x.Value, x.Slop, x.Pos)
	case *Wildcard:
		return an.wildcardMatch(x)
	case *Fuzzy:
		word, edits := []rune(Fold(x.Value)), x.MaxEdits()
		field := x.Field
		return func(d *Doc) bool {
			for _, f := range d.foldFields(field) {
				for _, t := range f.keys {
					if withinEdits(word, t, edits) {
						return true
					}
				}
			}
			return false
		}, nil
	case *Range:
		if x.IsRelative() {
			return func(d *Doc) bool {
				lo, hi := x.BoundsAt(d.Now)
				return inSpan(d.Published, lo, hi)
			}, nil
		}
		lo, hi := x.Bounds()
		return func(d *Doc) bool { return inSpan(d.Published, lo, hi) }, nil
	case *And, *Or:
		var kids []Node
		if a, ok := x.(*And); ok {
			kids = a.Nodes
		} else {
			kids = x.(*Or).Nodes
		}
		ms := make([]matchNode, len(kids))
		for i, k := range kids {
			m, err := an.compileMatch(k)
			if err != nil {
				return nil, err
			}
			ms[i] = m
		}
		// The operands have no side effects, so the cheap ones go first: a keyword
		// that fails an AND spares the wildcard after it the fold fields.
		order := make([]int, len(kids))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(i, j int) bool { return matchCost(kids[order[i]]) < matchCost(kids[order[j]]) })
		sorted := make([]matchNode, len(ms))
		for i, o := range order {
			sorted[i] = ms[o]
		}
		ms = sorted
		if _, ok := x.(*And); ok {
			return func(d *Doc) bool {
				for _, m := range ms {
					if !m(d) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(d *Doc) bool {
			for _, m := range ms {
				if m(d) {
					return true
				}
			}
			return false
		}, nil
	case *Not:
		m, err := an.compileMatch(x.Node)
		if err != nil {
			return nil, err
		}
		return func(d *Doc) bool { return !m(d) }, nil
	}
	return nil, fmt.Errorf("compiling query: unknown node %T", n)
}

// matchCost ranks what matching n on a Doc costs: keyword values and dates are looked up,
// words and phrases are looked up per position, wildcards and fuzzy terms need the fold
// fields (a second analysis of the article) and scan terms.
func matchCost(n Node) int {
	switch x := n.(type) {
	case *Range:
		return 1
	case *Term:
		if IsKeywordField(x.Field) {
			return 1
		}
		return 2
	case *Phrase:
		if IsKeywordField(x.Field) {
			return 1
		}
		return 3
	case *Wildcard:
		if IsKeywordField(x.Field) {
			return 4
		}
		return 20
	case *Fuzzy:
		return 40
	case *Not:
		return matchCost(x.Node)
	case *And:
		return sumCost(x.Nodes)
	case *Or:
		return sumCost(x.Nodes)
	}
	return 100
}

func sumCost(ns []Node) int {
	c := 0
	for _, n := range ns {
		c += matchCost(n)
	}
	return c
}

func (an *Analysis) keywordMatch(field, value string) matchNode {
	v := an.Keyword(value)
	fields := KeywordIndexFields(field)
	return func(d *Doc) bool {
		if v == "" {
			return false
		}
		for _, f := range fields {
			for _, have := range d.keywords[f] {
				if have == v {
					return true
				}
			}
		}
		return false
	}
}

// textMatch analyses value once per language key up front, as the Bleve compiler does,
// and at match time looks only at the article's own language. The analysis is shared by
// every compiled search with the same words and slop (see Analysis.textTerms).
func (an *Analysis) textMatch(field, value string, slop, pos int) (matchNode, error) {
	perKey := an.textTerms(value, slop)
	for _, kt := range *perKey {
		if err := CheckProximity(kt.terms, slop, pos); err != nil {
			return nil, err
		}
	}
	return func(d *Doc) bool {
		kt := (*perKey)[d.key]
		terms := kt.terms
		if len(terms) == 0 {
			return false
		}
		for _, f := range d.fields(field) {
			if len(terms) == 1 {
				if len(f.at[terms[0]]) > 0 {
					return true
				}
				continue
			}
			if f.at.PhraseAt(terms, slop) >= 0 {
				return true
			}
			if kt.rev != nil && f.at.PhraseAt(kt.rev, slop) >= 0 {
				return true
			}
		}
		return false
	}, nil
}

// keyTerms are a text value's terms in one language, and for a proximity search the same
// in reverse order, which matches too.
type keyTerms struct{ terms, rev []string }

// textKey is what a text value's analysis depends on.
type textKey struct {
	value string
	prox  bool // slop > 0: the reverse order is kept
}

// textTerms returns value's terms in every language key (by Doc.key), analysed once for
// all the searches that hold the same words: 10,000 saved searches naming the same few
// countries held a copy each, most of the alert stage's heap (~1 KB per word and search
// in 12 languages) and of what each collection had to mark. An entry lives as long as a
// compiled search holds it (weak pointers), so searches deleted take theirs with them.
func (an *Analysis) textTerms(value string, slop int) *[]keyTerms {
	k := textKey{value, slop > 0}
	an.texts.mu.Lock()
	defer an.texts.mu.Unlock()
	if wp, ok := an.texts.m[k]; ok {
		if p := wp.Value(); p != nil {
			return p
		}
	}
	perKey := make([]keyTerms, len(an.keys))
	for i, key := range an.keys {
		terms := an.TermsOf(key, value)
		kt := keyTerms{terms: terms}
		if k.prox && len(terms) > 1 {
			kt.rev = Reversed(terms)
		}
		perKey[i] = kt
	}
	p := &perKey
	if an.texts.m == nil {
		an.texts.m = map[textKey]weak.Pointer[[]keyTerms]{}
	}
	an.texts.m[k] = weak.Make(p)
	runtime.AddCleanup(p, an.texts.forget, k)
	return p
}

// textTermsCache holds the analyses textTerms shared, weakly.
type textTermsCache struct {
	mu sync.Mutex
	m  map[textKey]weak.Pointer[[]keyTerms]
}

// forget drops k's entry once no compiled search holds its analysis.
func (c *textTermsCache) forget(k textKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if wp, ok := c.m[k]; ok && wp.Value() == nil {
		delete(c.m, k)
	}
}

func inSpan(t, lo, hi time.Time) bool {
	return (lo.IsZero() || !t.Before(lo)) && (hi.IsZero() || t.Before(hi))
}

// wildcardMatch matches a wildcard against keyword values, or against both the stems of
// the article's language and its words as written (folded).
func (an *Analysis) wildcardMatch(x *Wildcard) (matchNode, error) {
	compile := func(pattern string) (*regexp.Regexp, error) {
		re, err := regexp.Compile("^(?:" + WildcardRegexp(pattern) + ")$")
		if err != nil {
			return nil, &Error{Pos: x.Pos, Msg: fmt.Sprintf("bad wildcard: %v", err)}
		}
		return re, nil
	}
	pattern := an.Keyword(x.Pattern)
	re, err := compile(pattern)
	if err != nil {
		return nil, err
	}
	if IsKeywordField(x.Field) {
		fields := KeywordIndexFields(x.Field)
		return func(d *Doc) bool {
			for _, f := range fields {
				for _, v := range d.keywords[f] {
					if re.MatchString(v) {
						return true
					}
				}
			}
			return false
		}, nil
	}
	folded := Fold(x.Pattern)
	foldRe, err := compile(folded)
	if err != nil {
		return nil, err
	}
	field, lead, foldLead := x.Field, wildcardLead(pattern), wildcardLead(folded)
	an.leads.add(lead)
	an.leads.add(foldLead)
	anyTerm := func(fs []*tokenField, d *Doc, re *regexp.Regexp, lead string) bool {
		for _, f := range fs {
			for _, term := range d.termsWithPrefix(f, lead) {
				if re.MatchString(term) {
					return true
				}
			}
		}
		return false
	}
	return func(d *Doc) bool {
		return anyTerm(d.fields(field), d, re, lead) || anyTerm(d.foldFields(field), d, foldRe, foldLead)
	}, nil
}
