package process

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wirewatch/internal/article"
	"wirewatch/internal/config"
	"wirewatch/internal/entity"
	"wirewatch/internal/lang"
	"wirewatch/internal/query"
	"wirewatch/internal/story"
	"wirewatch/internal/text"
	"wirewatch/internal/topic"
)

// Enricher turns raw articles into enriched ones. Enrich is safe for concurrent use; Reload
// and Watch swap in new user entities and topics without blocking it.
type Enricher struct {
	cfg      config.ProcessConfig
	log      *slog.Logger
	lang     *lang.Detector
	entities *entity.Recognizer
	state    atomic.Pointer[snapshot]
	stories  *story.Index
	an       *query.Analysis // the topic rules' analysers
	now      func() time.Time

	reloadMu sync.Mutex
	mtimes   map[string]time.Time
}

// snapshot is what Reload replaces as a whole.
type snapshot struct {
	finder *entity.Finder
	topics *topic.Set
}

// New loads the built-in knowledge base, the user entity files and the topics file (paths
// as given, relative to the working directory) and builds the language detector.
func New(cfg config.ProcessConfig, logger *slog.Logger) (*Enricher, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ld, err := lang.New(cfg.Languages, cfg.LangHighAccuracy)
	if err != nil {
		return nil, err
	}
	rec, err := entity.New(entity.Options{Gazetteer: cfg.Gazetteer, UnknownMax: cfg.UnknownMax})
	if err != nil {
		return nil, err
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
		cfg:      cfg,
		log:      logger,
		lang:     ld,
		entities: rec,
		stories:  story.NewIndex(window, maxArt, cfg.StoryMaxDistance),
		an:       an,
		now:      time.Now,
		mtimes:   map[string]time.Time{},
	}
	if err := e.Reload(); err != nil {
		return nil, err
	}
	ents, names := rec.Size()
	logger.Info("enricher ready", "entities", ents, "names", names,
		"topics", e.state.Load().topics.Len(), "languages", strings.Join(cfg.Languages, ","))
	return e, nil
}

// Finder returns the knowledge base as last (re)loaded, for looking up the names of a query.
func (e *Enricher) Finder() *entity.Finder { return e.state.Load().finder }

// Reload re-reads the user entity files and the topics file. On error the previous state
// stays in force.
func (e *Enricher) Reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	mtimes := map[string]time.Time{}
	// Modification times are taken before the files are read: a change while they are
	// read is seen by the next poll.
	for _, path := range e.cfg.EntitiesFiles {
		st, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("reading entities file: %w", err)
		}
		mtimes[path] = st.ModTime()
	}
	finder, err := e.entities.LoadUser(e.cfg.EntitiesFiles)
	if err != nil {
		return err
	}
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
	e.state.Store(&snapshot{finder: finder, topics: topics})
	e.mtimes = mtimes
	return nil
}

// readWithMtime reads the file at path, or the built-in copy of a default data file missing
// from the working directory (whose time is then zero, so that a file created there later is
// seen as a change).
func readWithMtime(path string) ([]byte, time.Time, error) {
	var mt time.Time
	if st, err := os.Stat(path); err == nil {
		mt = st.ModTime()
	}
	b, builtin, err := config.ReadDataFile(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	if builtin {
		mt = time.Time{}
	}
	return b, mt, nil
}

// Watch reloads the user entity files and the topics file whenever one of them changes
// (polling modification times every cfg.ReloadInterval) until ctx ends. A file that fails to
// load is logged and the previous state kept. Watch returns when ctx is done.
//
// A change is loaded once the files have stayed the same (times and sizes) for a whole
// interval, and never while one of them is empty: an editor or os.WriteFile truncates a
// file before writing it, and an empty or half-written topics file can be valid YAML that
// would replace every topic with none.
func (e *Enricher) Watch(ctx context.Context) error {
	if e.cfg.ReloadInterval <= 0 {
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(e.cfg.ReloadInterval)
	defer t.Stop()
	pending := "" // the files' state when a change was seen, until it has settled
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		sig, changed, empty := e.changed()
		if changed && empty && pending != "empty" {
			e.log.Warn("an enrichment file changed and is empty: waiting for it to be written (write [] or \"topics: []\" to empty it)", "files", e.paths())
		}
		switch {
		case changed && empty:
			pending = "empty"
			continue
		case !changed:
			pending = ""
			continue
		case sig != pending:
			pending = sig
			continue
		}
		pending = ""
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

// changed reports whether a file's modification time differs from the one last loaded,
// whether one of the files is empty, and the files' times and sizes as a signature.
func (e *Enricher) changed() (sig string, changed, empty bool) {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	var b strings.Builder
	for _, p := range e.paths() {
		st, err := os.Stat(p)
		if err != nil {
			continue // a file being replaced; the next tick sees the new one
		}
		fmt.Fprintf(&b, "%d/%d ", st.ModTime().UnixNano(), st.Size())
		if !st.ModTime().Equal(e.mtimes[p]) {
			changed = true
		}
		empty = empty || st.Size() == 0
	}
	return b.String(), changed, empty
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

// Enrich fills a's Lang, LangConfidence, Entities, Topics, Keyphrases, Signature, StoryID and
// Enriched, in the order of the flow: language, entities, topics and key phrases, story. It
// does not fail on any text; the error is for the caller's contract.
func (e *Enricher) Enrich(a *article.Article) error {
	return e.enrich(a, e.stories)
}

// enrich is Enrich with the story taken from stories: the live index, or a reprocess
// job's own, which leaves the live one as it was.
func (e *Enricher) enrich(a *article.Article, stories *story.Index) error {
	st := e.state.Load()
	sc := scratchPool.Get().(*enrichScratch)
	defer sc.release()
	fields := sc.fields[:0]
	fields = append(fields, entity.Field{Name: "title", Text: a.Title}, entity.Field{Name: "summary", Text: a.Summary}, entity.Field{Name: "text", Text: a.Text})
	if a.Text != "" && a.Summary != "" && strings.Contains(a.Text, strings.TrimSpace(a.Summary)) {
		fields[1].Text = "" // the summary is the lead of the text: do not count it twice
	}
	for i := range fields {
		fields[i].Toks = text.Tokenize(fields[i].Text, sc.toks[i][:0])
		sc.toks[i] = fields[i].Toks
	}
	sc.fields = fields

	a.Lang, a.LangConfidence = e.lang.DetectArticle(a)

	a.Entities = st.finder.Find(fields, a.Lang, a.Entities[:0])

	all := sc.all[:0] // folded tokens of every field, fields separated by ""
	kp := sc.kp
	for _, f := range fields {
		if f.Text == "" {
			continue
		}
		if len(all) > 0 {
			all = append(all, "")
		}
		for _, t := range f.Toks {
			all = append(all, t.Norm)
		}
		kp.Add(f.Toks, f.Text, a.Lang)
	}
	sc.all = all
	a.Topics = nil // a rule sees the article as enriched so far, not the topics it came with
	if st.topics.Len() > 0 {
		title, body := cutWords(a, fields, sc.title, sc.body)
		d := e.an.DocWords(a, title, body)
		a.Topics = st.topics.MatchDoc(d)
		d.Release() // the next article's Doc is made in its memory
		if title != nil {
			sc.title = title
		}
		if body != nil {
			sc.body = body
		}
	}
	a.Keyphrases = kp.Top(8)

	a.Signature = article.SimHash(story.Signature(all))
	a.StoryID = stories.Assign(a.ID, uint64(a.Signature), storyTime(a, e.now))
	a.Enriched = e.now().UTC()
	return nil
}

// enrichScratch is what one Enrich call needs for working and nothing after: kept in a
// pool so that token slices and maps are reused instead of reallocated per article.
type enrichScratch struct {
	fields []entity.Field
	toks   [3][]text.Token
	all    []string
	kp     *topic.Keyphraser
	// The words of the title and the body for the topic rules; never nil, which would
	// tell query to cut the text itself.
	title, body []query.Span
}

var scratchPool = sync.Pool{New: func() any {
	return &enrichScratch{kp: topic.NewKeyphraser(), title: make([]query.Span, 0, 32), body: make([]query.Span, 0, 1024)}
}}

// release clears what refers to the article's text and returns sc to the pool.
func (sc *enrichScratch) release() {
	for i := range sc.toks {
		clear(sc.toks[i])
	}
	clear(sc.fields)
	clear(sc.all)
	sc.kp.Reset()
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

// Unknown returns up to n names found by patterns that the knowledge base does not know,
// most frequent first.
func (e *Enricher) Unknown(n int) []entity.UnknownName {
	return e.entities.Unknown(n)
}

// DetectLanguage returns the language of s and the detector's confidence, as Enrich finds
// an article's.
func (e *Enricher) DetectLanguage(s string) (string, float64) {
	return e.lang.Detect(s)
}

// TagText returns the names in s, typed, as Enrich finds them in one field of an article in
// s's language.
func (e *Enricher) TagText(s string) []entity.Tagged {
	l, _ := e.lang.Detect(s)
	return e.state.Load().finder.Tag(s, l)
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
