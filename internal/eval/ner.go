package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"wirewatch/internal/entity"
)

// NERReport scores entity recognition against a CoNLL file: exact span and type, per type
// and micro-averaged over PER, LOC and ORG (MISC is reported, not averaged).
type NERReport struct {
	Sentences int                   `json:"sentences"`
	Types     map[string]*NERScores `json:"types"`
	Micro     NERScores             `json:"micro"` // over PER, LOC, ORG
	// Mistakes lists every missed and every wrong name when asked for (NERMistakes):
	// what a curator reads to see which names or patterns the tagger lacks.
	Mistakes []NERMistake `json:"mistakes,omitempty"`
	// Sources counts, with the mistakes, the names each source found and how many of them
	// are right: "PER pattern 0.35" is the precision of one name pattern.
	Sources map[string]*NERScores `json:"sources,omitempty"`
	// Halves scores the first and the second half of the sentences on their own, when
	// asked for (NEROptions.Halves).
	Halves []*NERReport `json:"halves,omitempty"`
	keep   bool
	model  bool          // the names are a model's output (NEROptions.Predicted)
	tags   *bufio.Writer // NEROptions.Tags
}

// NERMistake is one gold name the tagger missed or typed wrongly ("miss") or one name it
// found that the gold file does not have ("false"), with the sentence it is in.
type NERMistake struct {
	Kind string `json:"kind"` // "miss" or "false"
	Type string `json:"type"`
	Name string `json:"name"`
	Got  string `json:"got,omitempty"` // for a miss: what the tagger said over those words, if anything
	// From says, for a false name, what found it: the knowledge base or a name pattern,
	// with the confidence it gave (which tells the patterns apart).
	From     string `json:"from,omitempty"`
	Sentence string `json:"sentence"`
}

// NERScores are counts and rates for one type.
type NERScores struct {
	Gold      int     `json:"gold"`
	Predicted int     `json:"predicted"`
	Correct   int     `json:"correct"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func (s *NERScores) finish() {
	if s.Predicted > 0 {
		s.Precision = float64(s.Correct) / float64(s.Predicted)
	}
	if s.Gold > 0 {
		s.Recall = float64(s.Correct) / float64(s.Gold)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
}

// nerSpan is an entity over CoNLL tokens [from, to).
type nerSpan struct {
	from, to int
	typ      string
}

// Tagger finds the typed names of a text, as the enricher does in one field of an article
// (process.Enricher). It must be safe to call repeatedly; it is not called concurrently.
type Tagger interface {
	TagText(s string) []entity.Tagged
}

// NER reads a CoNLL file (columns: index, token, BIO tag; blank line between sentences;
// a line with only two columns is token and tag), tags each sentence's text (tokens joined
// by spaces) and scores the result. A file split into documents by -DOCSTART- lines is
// tagged a document at a time, its sentences one text, as the enricher sees an article:
// what a document says in one sentence ("the Mad Capsule Markets") helps read another.
func NER(e Tagger, r io.Reader) (*NERReport, error) {
	return NERWith(e, r, NEROptions{})
}

// NERMistakes is NER that also lists the mistakes.
func NERMistakes(e Tagger, r io.Reader) (*NERReport, error) {
	return NERWith(e, r, NEROptions{Mistakes: true})
}

// NEROptions says what NERWith does besides scoring the tagger on the whole file.
type NEROptions struct {
	// Mistakes lists every missed and every wrong name.
	Mistakes bool
	// Halves also scores the first and the second half of the sentences on their own
	// (NERReport.Halves), as if the file had been cut in two there: the gap between them
	// says how much a figure owes to the sentences it was tuned on.
	Halves bool
	// Predicted, when set, is a CoNLL file of the same tokens in the same sentences whose
	// tag column is a model's output: its names are scored instead of the tagger's, by the
	// same code, so a model and the rules compare span for span. Its BIO tags may name any
	// type; only PER, LOC, ORG and MISC are counted (as for the tagger), and an I- tag that
	// does not continue a name of its type starts one, as in the gold file. -DOCSTART-
	// lines are ignored in it.
	Predicted io.Reader
	// Tags, when set, receives the names scored (the tagger's, or the model's) as a CoNLL
	// file over the gold tokens, "token<TAB>tag" lines, the form Predicted reads: so the
	// rules' output can be merged with a model's and scored again. Names that do not start
	// and end on token boundaries (never right) and names over words an earlier name took
	// are left out of it.
	Tags io.Writer
}

// NERWith scores the tagger (or, with o.Predicted, a model's tags) against the gold CoNLL
// file; the tagger may be nil when o.Predicted is set.
func NERWith(e Tagger, gold io.Reader, o NEROptions) (*NERReport, error) {
	sents, docs, err := readCoNLL(gold, true)
	if err != nil {
		return nil, err
	}
	tag := func(text string, _ []conllSentence, _ [][2]int) []entity.Tagged { return e.TagText(text) }
	if o.Predicted != nil {
		pred, _, err := readCoNLL(o.Predicted, false)
		if err != nil {
			return nil, fmt.Errorf("reading the predicted tags: %w", err)
		}
		if err := sameTokens(sents, pred); err != nil {
			return nil, err
		}
		for i := range sents {
			sents[i].pred = pred[i].tags
		}
		tag = predictedNames
	}
	model := o.Predicted != nil
	var tags *bufio.Writer
	if o.Tags != nil {
		tags = bufio.NewWriter(o.Tags)
	}
	rep := scoreSentences(tag, sents, docs, o.Mistakes, model, tags)
	if tags != nil {
		if err := tags.Flush(); err != nil {
			return nil, fmt.Errorf("writing the tags: %w", err)
		}
	}
	if o.Halves {
		h := len(sents) / 2
		rep.Halves = []*NERReport{scoreSentences(tag, sents[:h], docs, false, model, nil), scoreSentences(tag, sents[h:], docs, false, model, nil)}
	}
	return rep, nil
}

// conllSentence is one sentence of a CoNLL file, the document it is in and, when a model's
// output is scored, the model's tags.
type conllSentence struct {
	words, tags, pred []string
	doc               int
}

// readCoNLL reads the sentences of a CoNLL file and says whether it has -DOCSTART- lines.
// Strict checks that every tag is O, B-TYPE or I-TYPE; a model's output is read leniently
// (an unknown tag is O), as only its names of the scored types count.
func readCoNLL(r io.Reader, strict bool) (sents []conllSentence, docs bool, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	var cur conllSentence
	doc, line := 0, 0
	flush := func() {
		if len(cur.words) > 0 {
			cur.doc = doc
			sents = append(sents, cur)
		}
		cur = conllSentence{}
	}
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if slices.Contains(f, "-DOCSTART-") {
			flush()
			doc++
			continue
		}
		switch len(f) {
		case 0:
			flush()
			continue
		case 2:
			cur.words, cur.tags = append(cur.words, f[0]), append(cur.tags, f[1])
		case 3:
			cur.words, cur.tags = append(cur.words, f[1]), append(cur.tags, f[2])
		default:
			return nil, false, fmt.Errorf("reading CoNLL line %d: %d columns, want 2 or 3 (index, token, tag)", line, len(f))
		}
		if t := cur.tags[len(cur.tags)-1]; t != "O" && !strings.HasPrefix(t, "B-") && !strings.HasPrefix(t, "I-") {
			if strict {
				return nil, false, fmt.Errorf("reading CoNLL line %d: tag %q is not O, B-TYPE or I-TYPE", line, t)
			}
			cur.tags[len(cur.tags)-1] = "O"
		}
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("reading CoNLL line %d: %w", line+1, err)
	}
	flush()
	return sents, doc > 0, nil
}

// sameTokens checks that a model's output has the gold file's sentences and tokens.
func sameTokens(gold, pred []conllSentence) error {
	if len(pred) != len(gold) {
		return fmt.Errorf("comparing the predicted tags: %d sentences, the gold file has %d", len(pred), len(gold))
	}
	for i := range gold {
		if !slices.Equal(gold[i].words, pred[i].words) {
			return fmt.Errorf("comparing the predicted tags: sentence %d has other tokens than the gold file's (%q, want %q)", i+1, strings.Join(pred[i].words, " "), strings.Join(gold[i].words, " "))
		}
	}
	return nil
}

// predictedNames returns a model's names over the text score built from the sentences:
// each name's words are at the byte offsets wordAt gives them.
func predictedNames(_ string, sents []conllSentence, wordAt [][2]int) []entity.Tagged {
	var out []entity.Tagged
	w := 0
	for _, st := range sents {
		for _, sp := range goldSpans(st.pred) {
			out = append(out, entity.Tagged{Start: wordAt[w+sp.from][0], End: wordAt[w+sp.to-1][1], Type: sp.typ})
		}
		w += len(st.words)
	}
	return out
}

// scoreSentences scores sentences a document at a time (a sentence at a time when the
// file has no documents).
func scoreSentences(tag tagFunc, sents []conllSentence, docs, mistakes, model bool, tags *bufio.Writer) *NERReport {
	rep := &NERReport{Types: map[string]*NERScores{}, keep: mistakes, model: model, tags: tags}
	for _, t := range []string{"PER", "LOC", "ORG", "MISC"} {
		rep.Types[t] = &NERScores{}
	}
	rep.Sentences = len(sents)
	for i := 0; i < len(sents); {
		j := i + 1
		for docs && j < len(sents) && sents[j].doc == sents[i].doc {
			j++
		}
		rep.score(tag, sents[i:j])
		i = j
	}
	for _, t := range []string{"PER", "LOC", "ORG"} {
		s := rep.Types[t]
		rep.Micro.Gold += s.Gold
		rep.Micro.Predicted += s.Predicted
		rep.Micro.Correct += s.Correct
	}
	for _, s := range rep.Types {
		s.finish()
	}
	for _, s := range rep.Sources {
		s.finish()
	}
	rep.Micro.finish()
	return rep
}

// tagFunc returns the names found in the text score built from the sentences, with the
// byte offsets of their words.
type tagFunc func(text string, sents []conllSentence, wordAt [][2]int) []entity.Tagged

func goldSpans(tags []string) []nerSpan {
	var out []nerSpan
	for i := 0; i < len(tags); i++ {
		t := tags[i]
		if t == "O" {
			continue
		}
		typ := t[2:]
		j := i + 1
		for j < len(tags) && tags[j] == "I-"+typ {
			j++
		}
		out = append(out, nerSpan{i, j, typ})
		i = j - 1
	}
	return out
}

// score tags the sentences as one text, a blank line between them, and scores it.
func (rep *NERReport) score(tag tagFunc, sents []conllSentence) {
	var b strings.Builder
	var words, tags []string
	starts := map[int]int{} // byte offset -> word index
	ends := map[int]int{}
	var wordAt [][2]int // word index -> byte offsets
	var sentAt [][2]int // sentence -> byte offsets
	for si, st := range sents {
		if si > 0 {
			b.WriteString("\n\n")
		}
		from := b.Len()
		for i, w := range st.words {
			if i > 0 {
				b.WriteByte(' ')
			}
			starts[b.Len()] = len(words)
			wordAt = append(wordAt, [2]int{b.Len(), b.Len() + len(w)})
			b.WriteString(w)
			ends[b.Len()] = len(words) + 1
			words = append(words, w)
		}
		tags = append(tags, st.tags...)
		sentAt = append(sentAt, [2]int{from, b.Len()})
	}
	text := b.String()
	sentence := func(off int) string {
		for _, sa := range sentAt {
			if off >= sa[0] && off <= sa[1] {
				return text[sa[0]:sa[1]]
			}
		}
		return ""
	}
	gold := goldSpans(tags)
	goldSet := map[nerSpan]bool{}
	for _, g := range gold {
		goldSet[g] = true
		if s := rep.Types[g.typ]; s != nil {
			s.Gold++
		}
	}
	found := map[nerSpan]bool{}
	var falses []NERMistake
	var onWords []nerSpan // the names scored that start and end on words, for rep.tags
	tagged := tag(text, sents, wordAt)
	seen := map[entity.Tagged]bool{}
	for _, p := range tagged {
		// The same name twice over the same words counts once (and right once).
		if seen[p] {
			continue
		}
		seen[p] = true
		from, ok1 := starts[p.Start]
		to, ok2 := ends[p.End]
		typ := p.Type
		if typ == "EVT" {
			typ = "MISC"
		}
		s := rep.Types[typ]
		if s == nil {
			continue
		}
		s.Predicted++
		var src string
		var bySrc *NERScores
		if rep.keep {
			src = source(p)
			if rep.model {
				src = "model"
			}
			bySrc = rep.source(typ + " " + src)
			bySrc.Predicted++
		}
		if ok1 && ok2 {
			onWords = append(onWords, nerSpan{from, to, typ})
		}
		if ok1 && ok2 && goldSet[nerSpan{from, to, typ}] {
			s.Correct++
			found[nerSpan{from, to, typ}] = true
			if bySrc != nil {
				bySrc.Correct++
			}
		} else if rep.keep {
			falses = append(falses, NERMistake{Kind: "false", Type: typ, Name: text[p.Start:p.End], From: src, Sentence: sentence(p.Start)})
		}
	}
	if rep.tags != nil {
		rep.writeTags(sents, onWords)
	}
	if !rep.keep {
		return
	}
	for _, g := range gold {
		if found[g] || rep.Types[g.typ] == nil {
			continue
		}
		m := NERMistake{Kind: "miss", Type: g.typ, Name: strings.Join(words[g.from:g.to], " "), Sentence: sentence(wordAt[g.from][0])}
		// What the tagger said over these words: the overlapping names, typed.
		gs, ge := wordAt[g.from][0], wordAt[g.to-1][1]
		var got []string
		for _, p := range tagged {
			if p.Start < ge && p.End > gs {
				got = append(got, p.Type+":"+text[p.Start:p.End])
			}
		}
		m.Got = strings.Join(got, ", ")
		rep.Mistakes = append(rep.Mistakes, m)
	}
	rep.Mistakes = append(rep.Mistakes, falses...)
}

// writeTags writes the sentences' words with the names as BIO tags (NEROptions.Tags); a
// name over a word an earlier name took is left out.
func (rep *NERReport) writeTags(sents []conllSentence, names []nerSpan) {
	var words []string
	for _, st := range sents {
		words = append(words, st.words...)
	}
	tags := make([]string, len(words))
	for _, n := range names {
		if slices.ContainsFunc(tags[n.from:n.to], func(t string) bool { return t != "" }) {
			continue
		}
		tags[n.from] = "B-" + n.typ
		for i := n.from + 1; i < n.to; i++ {
			tags[i] = "I-" + n.typ
		}
	}
	w := 0
	for _, st := range sents {
		for range st.words {
			t := tags[w]
			if t == "" {
				t = "O"
			}
			fmt.Fprintf(rep.tags, "%s\t%s\n", words[w], t)
			w++
		}
		rep.tags.WriteByte('\n')
	}
}

// source returns the counts of one source ("PER pattern 0.35"), made on first use.
func (rep *NERReport) source(key string) *NERScores {
	if rep.Sources == nil {
		rep.Sources = map[string]*NERScores{}
	}
	s := rep.Sources[key]
	if s == nil {
		s = &NERScores{}
		rep.Sources[key] = s
	}
	return s
}

// source says what found a name: the knowledge base or a pattern, and its confidence.
func source(p entity.Tagged) string {
	if p.Known {
		return fmt.Sprintf("knowledge base %.2f", p.Conf)
	}
	return fmt.Sprintf("pattern %.2f", p.Conf)
}

// WriteText writes the report as a table.
func (rep *NERReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d sentences; exact span and type\n", rep.Sentences)
	fmt.Fprintf(bw, "%-6s %6s %6s %6s %6s %6s %6s\n", "type", "gold", "pred", "ok", "P", "R", "F1")
	types := make([]string, 0, len(rep.Types))
	for t := range rep.Types {
		types = append(types, t)
	}
	sort.Strings(types)
	row := func(name string, s *NERScores) {
		fmt.Fprintf(bw, "%-6s %6d %6d %6d %6.3f %6.3f %6.3f\n", name, s.Gold, s.Predicted, s.Correct, s.Precision, s.Recall, s.F1)
	}
	for _, t := range types {
		row(t, rep.Types[t])
	}
	row("micro", &rep.Micro)
	fmt.Fprintln(bw, "(micro: PER, LOC, ORG)")
	for i, h := range rep.Halves {
		fmt.Fprintf(bw, "half %d: %d sentences; micro P %.3f R %.3f F1 %.3f; F1 PER %.3f LOC %.3f ORG %.3f\n", i+1, h.Sentences,
			h.Micro.Precision, h.Micro.Recall, h.Micro.F1, h.Types["PER"].F1, h.Types["LOC"].F1, h.Types["ORG"].F1)
	}
	if len(rep.Sources) > 0 {
		fmt.Fprintf(bw, "\n%-30s %6s %6s %6s\n", "found by", "pred", "ok", "P")
		srcs := make([]string, 0, len(rep.Sources))
		for k := range rep.Sources {
			srcs = append(srcs, k)
		}
		sort.Strings(srcs)
		for _, k := range srcs {
			s := rep.Sources[k]
			fmt.Fprintf(bw, "%-30s %6d %6d %6.3f\n", k, s.Predicted, s.Correct, s.Precision)
		}
		fmt.Fprintln(bw)
	}
	for _, m := range rep.Mistakes {
		got := ""
		if m.Kind == "miss" {
			got = "  got: " + m.Got
			if m.Got == "" {
				got = "  got: nothing"
			}
		} else if m.From != "" {
			got = "  from: " + m.From
		}
		fmt.Fprintf(bw, "%-5s %-4s %q%s\n      in: %s\n", m.Kind, m.Type, m.Name, got, m.Sentence)
	}
	return bw.Flush()
}

// JSON returns the report as indented JSON.
func (rep *NERReport) JSON() ([]byte, error) { return json.MarshalIndent(rep, "", "  ") }
