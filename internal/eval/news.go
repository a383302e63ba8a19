package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"wirewatch/internal/article"
)

// News articles with key-entity lists. A set is a directory of NAME.txt articles (the
// first line is the title when a blank line follows it, as `wirewatch extract` reads a
// file), each beside a NAME.gold.yaml:
//
//	lang: ru                          # the article's language (ISO 639-1)
//	entities:                         # its key entities: who and what it is about
//	  - {id: Q7035479, alt_ids: [ww:nikol-pashinyan], name: Nikol Pashinyan}
//	  - {id: Q399, name: Armenia}
//	topics: [armenia-azerbaijan-peace] # topic IDs of config/topics.yaml
//	also_ok:                          # entities that are right to find but not key
//	  - {id: Q649, name: Moscow}
//
// An entity is known by its ID or any of its alt_ids (a knowledge base may move an entity
// from a wirewatch ID to its Wikidata QID). The scores, per language and overall (summed
// over articles, not averaged over languages):
//
//   - linked recall: key entities the enricher found under one of their IDs, over key
//     entities;
//   - found recall: key entities found under one of their IDs or under another ID with
//     the same name (case folded): found but linked elsewhere;
//   - precision: distinct output entities that are key or also_ok entities (by ID, or by
//     name for entities found by a pattern), over distinct output entities;
//   - topic recall: gold topics the enricher gave, over gold topics; extra topics are
//     counted apart (topic precision);
//   - language: articles whose detected language is the gold one.

// MaxNewsArticles bounds a news set read by News; MaxNewsBytes bounds one article.
const (
	MaxNewsArticles = 10000
	MaxNewsBytes    = 1 << 20
)

// NewsGold is one article's NAME.gold.yaml.
type NewsGold struct {
	Lang     string       `yaml:"lang"`
	Entities []GoldEntity `yaml:"entities"`
	Topics   []string     `yaml:"topics"`
	AlsoOK   []GoldEntity `yaml:"also_ok"`
}

// GoldEntity is an entity of a gold file.
type GoldEntity struct {
	ID     string   `yaml:"id"`
	AltIDs []string `yaml:"alt_ids"`
	Name   string   `yaml:"name"`
}

func (g GoldEntity) has(id string) bool { return id == g.ID || slices.Contains(g.AltIDs, id) }

// Extractor enriches a bare text as `wirewatch extract` does (process.Extract).
type Extractor func(text string) (*article.Article, error)

// NewsReport is the score of a news set.
type NewsReport struct {
	Dir       string                 `json:"dir"`
	Languages map[string]*NewsScores `json:"languages"`
	Overall   NewsScores             `json:"overall"`
	// Mistakes lists, when asked for (NewsMistakes), every key entity missed, every output
	// entity not in the gold file and every topic missed or extra, by article.
	Mistakes []NewsMistake `json:"mistakes,omitempty"`
}

// NewsScores are the counts and rates of one language or of the whole set.
type NewsScores struct {
	Articles     int     `json:"articles"`
	LangRight    int     `json:"lang_right"`
	Key          int     `json:"key_entities"`
	Linked       int     `json:"linked"`
	Found        int     `json:"found"` // linked, or found under another ID with the same name
	Output       int     `json:"output_entities"`
	OutputOK     int     `json:"output_ok"`
	Topics       int     `json:"topics"`
	TopicsFound  int     `json:"topics_found"`
	TopicsExtra  int     `json:"topics_extra"`
	LinkedRecall float64 `json:"linked_recall"`
	FoundRecall  float64 `json:"found_recall"`
	Precision    float64 `json:"precision"`
	TopicRecall  float64 `json:"topic_recall"`
}

func (s *NewsScores) add(o NewsScores) {
	s.Articles += o.Articles
	s.LangRight += o.LangRight
	s.Key += o.Key
	s.Linked += o.Linked
	s.Found += o.Found
	s.Output += o.Output
	s.OutputOK += o.OutputOK
	s.Topics += o.Topics
	s.TopicsFound += o.TopicsFound
	s.TopicsExtra += o.TopicsExtra
}

func (s *NewsScores) finish() {
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	s.LinkedRecall = ratio(s.Linked, s.Key)
	s.FoundRecall = ratio(s.Found, s.Key)
	s.Precision = ratio(s.OutputOK, s.Output)
	s.TopicRecall = ratio(s.TopicsFound, s.Topics)
}

// NewsMistake is one error on one article. Kind is "miss" (a key entity not linked; Got
// says what was found under its name, if anything), "false" (an output entity neither key
// nor also_ok), "topic-miss", "topic-extra" or "lang".
type NewsMistake struct {
	Article string `json:"article"`
	Kind    string `json:"kind"`
	ID      string `json:"id,omitempty"`
	Name    string `json:"name"`
	Got     string `json:"got,omitempty"`
}

// News scores x on the news set in dir.
func News(x Extractor, dir string) (*NewsReport, error) { return evalNews(x, dir, false) }

// NewsMistakes is News that also lists the mistakes.
func NewsMistakes(x Extractor, dir string) (*NewsReport, error) { return evalNews(x, dir, true) }

func evalNews(x Extractor, dir string, mistakes bool) (*NewsReport, error) {
	golds, err := filepath.Glob(filepath.Join(dir, "*.gold.yaml"))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	if len(golds) == 0 {
		return nil, fmt.Errorf("evaluating news: no NAME.gold.yaml files in %s", dir)
	}
	if len(golds) > MaxNewsArticles {
		return nil, fmt.Errorf("evaluating news: %d articles in %s, at most %d", len(golds), dir, MaxNewsArticles)
	}
	sort.Strings(golds)
	rep := &NewsReport{Dir: dir, Languages: map[string]*NewsScores{}}
	for _, gp := range golds {
		name := strings.TrimSuffix(filepath.Base(gp), ".gold.yaml")
		gold, text, err := readNews(gp, filepath.Join(dir, name+".txt"))
		if err != nil {
			return nil, err
		}
		a, err := x(text)
		if err != nil {
			return nil, fmt.Errorf("enriching %s: %w", name, err)
		}
		sc, ms := scoreNews(name, gold, a)
		l := rep.Languages[gold.Lang]
		if l == nil {
			l = &NewsScores{}
			rep.Languages[gold.Lang] = l
		}
		l.add(sc)
		rep.Overall.add(sc)
		if mistakes {
			rep.Mistakes = append(rep.Mistakes, ms...)
		}
	}
	for _, l := range rep.Languages {
		l.finish()
	}
	rep.Overall.finish()
	return rep, nil
}

func readNews(goldPath, textPath string) (NewsGold, string, error) {
	var g NewsGold
	b, err := os.ReadFile(goldPath)
	if err != nil {
		return g, "", fmt.Errorf("reading gold file: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&g); err != nil {
		return g, "", fmt.Errorf("reading gold file %s: %w", goldPath, err)
	}
	if g.Lang == "" {
		return g, "", fmt.Errorf("reading gold file %s: lang: missing", goldPath)
	}
	for i, e := range append(slices.Clone(g.Entities), g.AlsoOK...) {
		if e.ID == "" {
			return g, "", fmt.Errorf("reading gold file %s: entity %d (%q): id: missing", goldPath, i, e.Name)
		}
	}
	f, err := os.Open(textPath)
	if err != nil {
		return g, "", fmt.Errorf("reading article: %w", err)
	}
	defer f.Close()
	text, err := io.ReadAll(io.LimitReader(f, MaxNewsBytes+1))
	if err != nil {
		return g, "", fmt.Errorf("reading article %s: %w", textPath, err)
	}
	if len(text) > MaxNewsBytes {
		return g, "", fmt.Errorf("reading article %s: over %d bytes", textPath, MaxNewsBytes)
	}
	return g, string(text), nil
}

// scoreNews counts one article's figures and lists its mistakes.
func scoreNews(name string, g NewsGold, a *article.Article) (NewsScores, []NewsMistake) {
	sc := NewsScores{Articles: 1, Key: len(g.Entities), Topics: len(g.Topics)}
	var ms []NewsMistake
	if a.Lang == g.Lang {
		sc.LangRight++
	} else {
		ms = append(ms, NewsMistake{Article: name, Kind: "lang", Name: g.Lang, Got: a.Lang})
	}
	byName := func(n string) []string {
		var ids []string
		for _, e := range a.Entities {
			if n != "" && strings.EqualFold(e.Name, n) {
				ids = append(ids, e.ID)
			}
		}
		return ids
	}
	for _, k := range g.Entities {
		linked := slices.ContainsFunc(a.Entities, func(e article.Entity) bool { return k.has(e.ID) })
		switch {
		case linked:
			sc.Linked++
			sc.Found++
		case len(byName(k.Name)) > 0:
			sc.Found++
			ms = append(ms, NewsMistake{Article: name, Kind: "miss", ID: k.ID, Name: k.Name, Got: strings.Join(byName(k.Name), ", ")})
		default:
			ms = append(ms, NewsMistake{Article: name, Kind: "miss", ID: k.ID, Name: k.Name})
		}
	}
	ok := append(slices.Clone(g.Entities), g.AlsoOK...)
	seen := map[string]bool{}
	for _, e := range a.Entities {
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		sc.Output++
		if slices.ContainsFunc(ok, func(k GoldEntity) bool { return k.has(e.ID) || (!e.Known && strings.EqualFold(k.Name, e.Name)) }) {
			sc.OutputOK++
			continue
		}
		ms = append(ms, NewsMistake{Article: name, Kind: "false", ID: e.ID, Name: e.Name, Got: e.Type})
	}
	for _, t := range g.Topics {
		if slices.Contains(a.Topics, t) {
			sc.TopicsFound++
		} else {
			ms = append(ms, NewsMistake{Article: name, Kind: "topic-miss", Name: t})
		}
	}
	for _, t := range a.Topics {
		if !slices.Contains(g.Topics, t) {
			sc.TopicsExtra++
			ms = append(ms, NewsMistake{Article: name, Kind: "topic-extra", Name: t})
		}
	}
	return sc, ms
}

// WriteText writes the report as a table, then the mistakes.
func (r *NewsReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "news articles in %s (%d); linked: key entities found under their ID; found: under any ID with their name\n", r.Dir, r.Overall.Articles)
	fmt.Fprintf(bw, "%-7s %4s %5s %4s %6s %5s %6s %5s %6s %6s %7s %6s\n", "lang", "arts", "langok", "key", "linked", "found", "out", "ok", "R.link", "R.find", "P", "R.topic")
	row := func(name string, s *NewsScores) {
		fmt.Fprintf(bw, "%-7s %4d %6d %4d %6d %5d %6d %5d %6.3f %6.3f %7.3f %6.3f",
			name, s.Articles, s.LangRight, s.Key, s.Linked, s.Found, s.Output, s.OutputOK, s.LinkedRecall, s.FoundRecall, s.Precision, s.TopicRecall)
		fmt.Fprintf(bw, "  (topics %d/%d, %d extra)\n", s.TopicsFound, s.Topics, s.TopicsExtra)
	}
	langs := make([]string, 0, len(r.Languages))
	for l := range r.Languages {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		row(l, r.Languages[l])
	}
	row("overall", &r.Overall)
	for _, m := range r.Mistakes {
		switch m.Kind {
		case "miss":
			got := "nothing under that name"
			if m.Got != "" {
				got = "linked to " + m.Got
			}
			fmt.Fprintf(bw, "%-12s %-11s %s %q: %s\n", m.Article, m.Kind, m.ID, m.Name, got)
		case "false":
			fmt.Fprintf(bw, "%-12s %-11s %s %q (%s)\n", m.Article, m.Kind, m.ID, m.Name, m.Got)
		case "lang":
			fmt.Fprintf(bw, "%-12s %-11s want %s, got %s\n", m.Article, m.Kind, m.Name, m.Got)
		default:
			fmt.Fprintf(bw, "%-12s %-11s %s\n", m.Article, m.Kind, m.Name)
		}
	}
	return bw.Flush()
}

// JSON returns the report as indented JSON.
func (r *NewsReport) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }
