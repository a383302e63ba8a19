package alert

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"wirewatch/internal/article"
	"wirewatch/internal/bus"
)

// benchVocab is real vocabulary for generated saved searches and articles: the
// project's curated knowledge base (entity IDs and names in a dozen languages), its topic
// IDs, and named entities and sentences of the NER development corpora (en, fr, ru).
type benchVocab struct {
	entities []article.Entity
	names    []string            // entity names, every language
	nerNames map[string][]string // lang → multi-token names found in the NER corpora
	topics   []string
	texts    map[string][]string // lang → sentences
}

func loadBenchVocab(b *testing.B) *benchVocab {
	b.Helper()
	v := &benchVocab{nerNames: map[string][]string{}, texts: map[string][]string{}}
	raw, err := os.ReadFile("../entity/kbdata/curated.yaml")
	if err != nil {
		b.Fatalf("reading the knowledge base for vocabulary: %v", err)
	}
	var recs []struct {
		ID    string              `yaml:"id"`
		Type  string              `yaml:"type"`
		Name  string              `yaml:"name"`
		Names map[string][]string `yaml:"names"`
	}
	if err := yaml.Unmarshal(raw, &recs); err != nil {
		b.Fatalf("parsing the knowledge base: %v", err)
	}
	for _, r := range recs {
		v.entities = append(v.entities, article.Entity{ID: r.ID, Type: r.Type, Name: r.Name, Known: true})
		for _, ns := range r.Names {
			v.names = append(v.names, ns...)
		}
	}
	traw, err := os.ReadFile("../../config/topics.yaml")
	if err != nil {
		b.Fatalf("reading topics: %v", err)
	}
	var topics struct {
		Topics []struct {
			ID string `yaml:"id"`
		} `yaml:"topics"`
	}
	if err := yaml.Unmarshal(traw, &topics); err != nil {
		b.Fatalf("parsing topics: %v", err)
	}
	for _, t := range topics.Topics {
		v.topics = append(v.topics, t.ID)
	}
	for _, lang := range []string{"en", "fr", "ru"} {
		files, _ := filepath.Glob(filepath.Join("../../../shared/corpora/ner", lang, "*.conll"))
		if len(files) == 0 {
			b.Fatalf("no NER corpus for %s under ../../../shared/corpora/ner (the benchmark needs the shared corpora)", lang)
		}
		for _, f := range files {
			sentences, names := readCoNLL(b, f)
			v.texts[lang] = append(v.texts[lang], sentences...)
			v.nerNames[lang] = append(v.nerNames[lang], names...)
		}
	}
	return v
}

// readCoNLL returns the sentences of a CoNLL file (tokens joined by spaces) and its
// multi-token entity names.
func readCoNLL(b *testing.B, path string) (sentences, names []string) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var toks, cur []string
	flushName := func() {
		if len(cur) > 1 {
			names = append(names, strings.Join(cur, " "))
		}
		cur = nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 {
			flushName()
			if len(toks) > 0 {
				sentences = append(sentences, strings.Join(toks, " "))
			}
			toks = nil
			continue
		}
		toks = append(toks, cols[1])
		switch {
		case strings.HasPrefix(cols[2], "B-"):
			flushName()
			cur = []string{cols[1]}
		case strings.HasPrefix(cols[2], "I-") && cur != nil:
			cur = append(cur, cols[1])
		default:
			flushName()
		}
	}
	flushName()
	return sentences, uniqStrings(names)
}

// queries generates n saved-search queries in the shapes analysts write.
func (v *benchVocab) queries(r *rand.Rand, n int) []string {
	langs := []string{"en", "fr", "ru"}
	name := func() string {
		if r.IntN(2) == 0 {
			return v.names[r.IntN(len(v.names))]
		}
		ns := v.nerNames[langs[r.IntN(3)]]
		return ns[r.IntN(len(ns))]
	}
	phrase := func() string { return fmt.Sprintf("%q", strings.ReplaceAll(name(), `"`, "")) }
	entity := func() string { return "entity:" + v.entities[r.IntN(len(v.entities))].ID }
	topic := func() string { return "topic:" + v.topics[r.IntN(len(v.topics))] }
	out := make([]string, 0, n)
	for len(out) < n {
		var q string
		switch k := r.IntN(20); {
		case k < 6:
			q = phrase()
		case k < 9:
			q = entity()
		case k < 12:
			q = phrase() + " AND " + phrase()
		case k < 14:
			q = "(" + phrase() + " OR " + entity() + ") AND " + topic()
		case k < 16:
			q = phrase() + " AND NOT " + phrase()
		case k < 17:
			q = topic() + " AND lang:" + langs[r.IntN(3)]
		case k < 18:
			// A prefix of a name's first word that has two letters at least, as the
			// parser requires of a wildcard.
			w := []rune(strings.Fields(name())[0])
			for len(w) < 2 || !unicode.IsLetter(w[0]) || !unicode.IsLetter(w[1]) {
				w = []rune(strings.Fields(name())[0])
			}
			q = string(w[:min(len(w), 4)]) + "*" + " AND " + entity()
		default:
			q = strings.Fields(name())[0]
		}
		out = append(out, q)
	}
	return out
}

// articles builds n enriched articles from the corpora's sentences, with the entities of
// the knowledge base whose canonical name the text contains plus one at random, and a
// topic now and then.
func (v *benchVocab) articles(r *rand.Rand, n int) []*article.Article {
	langs := []string{"en", "fr", "ru"}
	out := make([]*article.Article, n)
	for i := range out {
		lang := langs[i%3]
		ss := v.texts[lang]
		start := r.IntN(len(ss) - 8)
		body := strings.Join(ss[start+1:start+8], " ")
		a := &article.Article{
			ID: fmt.Sprintf("bench-%d", i), Title: ss[start], Summary: body, Lang: lang,
			Published: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			Source:    article.Source{FeedTitle: "bench"}, StoryID: fmt.Sprintf("story-%d", i),
		}
		for _, e := range v.entities {
			if strings.Contains(body, e.Name) {
				a.Entities = append(a.Entities, e)
			}
		}
		a.Entities = append(a.Entities, v.entities[r.IntN(len(v.entities))])
		if r.IntN(4) == 0 {
			a.Topics = []string{v.topics[r.IntN(len(v.topics))]}
		}
		out[i] = a
	}
	return out
}

// enrichedArticles builds n articles as the enrichment stage writes them to the enriched
// topic: about 3 KB of text from the corpora, beginning with its summary, the sanitised
// HTML of the text, the entities of the knowledge base it names with their mentions
// (plus one at random), keyphrases and a signature. Encoded, each is about as large as the
// issue's 12.5 KB enriched articles.
func (v *benchVocab) enrichedArticles(r *rand.Rand, n int) []*article.Article {
	langs := []string{"en", "fr", "ru"}
	out := make([]*article.Article, n)
	for i := range out {
		lang := langs[i%3]
		ss := v.texts[lang]
		start := r.IntN(len(ss) - 200)
		var text, htm strings.Builder
		for j := start + 1; text.Len() < 3000; j++ {
			if text.Len() > 0 {
				text.WriteByte(' ')
			}
			text.WriteString(ss[j])
			htm.WriteString("<p>" + html.EscapeString(ss[j]) + "</p>\n")
		}
		body := text.String()
		a := &article.Article{
			ID: fmt.Sprintf("path-%d", i), SchemaVersion: article.SchemaVersion,
			URL: fmt.Sprintf("https://news.example/%s/%d", lang, i), Title: ss[start],
			Summary: body[:strings.IndexByte(body[200:], ' ')+200], Text: body, HTML: htm.String(), Lang: lang,
			Authors:   []string{"Bench Writer"},
			Published: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			Fetched:   time.Date(2026, 11, 1, 0, 1, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			Source:    article.Source{FeedURL: "https://news.example/feed.xml", FeedTitle: "bench", Lang: lang},
			StoryID:   fmt.Sprintf("path-story-%d", i), Signature: article.SimHash(r.Uint64()),
			Keyphrases: strings.Fields(ss[start])[:min(5, len(strings.Fields(ss[start])))],
		}
		for _, e := range v.entities {
			for off := 0; len(e.Mentions) < article.MaxMentions; {
				k := strings.Index(body[off:], e.Name)
				if k < 0 {
					break
				}
				e.Mentions = append(e.Mentions, article.Mention{Field: "text", Text: e.Name, Start: off + k, End: off + k + len(e.Name)})
				off += k + len(e.Name)
			}
			if len(e.Mentions) > 0 {
				e.MentionCount, e.Confidence = len(e.Mentions), 0.9
				a.Entities = append(a.Entities, e)
			}
		}
		a.Entities = append(a.Entities, v.entities[r.IntN(len(v.entities))])
		if r.IntN(4) == 0 {
			a.Topics = []string{v.topics[r.IntN(len(v.topics))]}
		}
		out[i] = a
	}
	return out
}

// BenchmarkAlertPath measures the alert stage's own part of the alert latency, the
// enriched topic and the alerts topic left out: an enriched record (a whole 3 KB article,
// as encoded on the topic) decoded, matched against 10,000 saved searches, its alerts
// encoded, read back as the delivery worker reads them and delivered, until the webhook
// receiver has the POST. The delivery record the worker writes after the POST is not
// timed. One article at a time, on one goroutine, as the matcher handles a batch of one.
func BenchmarkAlertPath(b *testing.B) {
	v := loadBenchVocab(b)
	r := rand.New(rand.NewPCG(11, 12))
	_, c := startBroker(b, b.TempDir()) // for the delivery records
	arrived := make(chan time.Time, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		arrived <- time.Now()
	}))
	defer srv.Close()
	cfg := testAlertConfig()
	cfg.RateLimit.Max = 1 << 30
	st := idleStage(b, c, cfg)
	now := time.Now().UTC()
	for i, q := range v.queries(r, 10000) {
		if err := st.set.put(SavedSearch{ID: fmt.Sprintf("bench-%05d", i), Name: q, Query: q, Mode: ModeImmediate, Channels: []Channel{{Type: "atom"}}, Created: now, Updated: now}); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.set.put(SavedSearch{ID: "probe", Name: "probe", Query: "wwprobe", Mode: ModeImmediate, Channels: []Channel{{Type: "webhook", URL: srv.URL}}, Created: now, Updated: now}); err != nil {
		b.Fatal(err)
	}
	arts := v.enrichedArticles(r, 300)
	size := 0
	// record encodes the i-th article as the enriched topic holds it; each round of the
	// articles has new IDs, stories and signatures, so that it is news again.
	record := func(i int) bus.Record {
		a := *arts[i%len(arts)]
		a.ID, a.StoryID = fmt.Sprintf("%s-%d", a.ID, i), fmt.Sprintf("%s-%d", a.StoryID, i)
		a.Title, a.Signature = "wwprobe "+a.Title, article.SimHash(r.Uint64())
		body, err := article.Encode(&a)
		if err != nil {
			b.Fatal(err)
		}
		size += len(body)
		return bus.Record{Key: []byte(a.ID), Value: body}
	}
	ctx := context.Background()
	var matched []time.Duration // time in matchBatch
	path := func(rec bus.Record) time.Duration {
		start := time.Now()
		var alerts []bus.Record
		batch, err := st.matchBatch([]bus.Record{rec}, st.now(), func(recs []bus.Record) { alerts = append(alerts, recs...) })
		matched = append(matched, time.Since(start))
		if err != nil || len(batch.letters) > 0 {
			b.Fatalf("matching: %v %v", err, batch.letters)
		}
		for _, m := range alerts {
			a, err := readAlert(m)
			if err != nil {
				b.Fatal(err)
			}
			if err := st.deliverAlert(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
		select {
		case t := <-arrived:
			return t.Sub(start)
		case <-time.After(30 * time.Second):
			b.Fatalf("alert of %s never arrived", rec.Key)
		}
		return 0
	}
	path(record(1 << 30)) // warm up (the first POST connects), under IDs no round uses
	size, matched = 0, matched[:0]
	n := max(b.N, len(arts))
	recs := make([]bus.Record, n)
	for i := range recs {
		recs[i] = record(i)
	}
	lat := make([]time.Duration, 0, n)
	b.ResetTimer()
	cpu0 := cpuTime()
	for _, rec := range recs {
		lat = append(lat, path(rec))
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sort.Slice(matched, func(i, j int) bool { return matched[i] < matched[j] })
	// The decode and match of the record alone (matchBatch), the rest being delivery.
	b.ReportMetric(float64(matched[len(matched)/2].Microseconds())/1000, "match-p50-ms")
	b.ReportMetric(float64(matched[len(matched)*99/100].Microseconds())/1000, "match-p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(n)/cpu.Seconds(), "articles/cpu-s")
	b.ReportMetric(float64(size)/float64(n)/1024, "KiB/article")
}

// BenchmarkMatch10k matches enriched articles against 10,000 saved searches, with the
// candidate index and by running every search, in one goroutine (one core).
func BenchmarkMatch10k(b *testing.B) {
	v := loadBenchVocab(b)
	r := rand.New(rand.NewPCG(7, 8))
	qs := v.queries(r, 10000)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	an := time.Now()
	mt := testMatcher(b, qs)
	took := time.Since(an)
	held := float64(heap()-before) / (1 << 20)
	b.Logf("compiled 10,000 searches in %s, holding %.1f MiB; %d without anchors", took.Round(time.Millisecond), held, len(mt.set.index.always))
	arts := v.articles(r, 600)
	for _, a := range arts[:100] {
		if got, want := ids(mt.match(a)), ids(mt.matchAll(a)); strings.Join(got, ",") != strings.Join(want, ",") {
			b.Fatalf("indexed and full matching disagree on %s: %v vs %v", a.ID, got, want)
		}
	}
	for _, mode := range []string{"indexed", "all"} {
		b.Run(mode, func(b *testing.B) {
			f := mt.match
			if mode == "all" {
				f = mt.matchAll
			}
			matches := 0
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				matches += len(f(arts[i%len(arts)]))
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
			// The machine is shared: CPU time says what one core does regardless of load.
			b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "articles/cpu-s")
			b.ReportMetric(float64(matches)/float64(b.N), "matches/article")
			b.ReportMetric(held, "MiB-compiled")
		})
	}
}

// BenchmarkAlertLatency measures the time from an article's publication on the enriched
// topic to its alert reaching a webhook, over the embedded broker, with 10,000 saved
// searches loaded. It sends one article at a time; b.N is ignored beyond the first round
// so the run stays short.
func BenchmarkAlertLatency(b *testing.B) {
	v := loadBenchVocab(b)
	r := rand.New(rand.NewPCG(9, 10))
	e, c := startBroker(b, b.TempDir())
	defer e.Close()
	ctx := context.Background()

	var mu sync.Mutex
	arrived := map[string]time.Time{}
	got := make(chan struct{}, 1024)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var a Alert
		json.NewDecoder(req.Body).Decode(&a)
		mu.Lock()
		if _, dup := arrived[a.Article.ID]; !dup {
			arrived[a.Article.ID] = time.Now()
		}
		mu.Unlock()
		got <- struct{}{}
	}))
	defer srv.Close()

	// 10,000 searches written to the topic before the stage starts, as after a restart.
	w := c.Writer(c.Topics().Searches)
	var msgs []bus.Record
	now := time.Now().UTC()
	for i, q := range v.queries(r, 10000) {
		s := SavedSearch{ID: fmt.Sprintf("bench-%05d", i), Name: q, Query: q, Mode: ModeImmediate, Channels: []Channel{{Type: "atom"}}, Created: now, Updated: now}
		body, _ := json.Marshal(s)
		msgs = append(msgs, bus.Record{Key: []byte(s.ID), Value: body})
	}
	probe := SavedSearch{ID: "probe", Name: "probe", Query: "wwprobe", Mode: ModeImmediate, Channels: []Channel{{Type: "webhook", URL: srv.URL}}, Created: now, Updated: now}
	body, _ := json.Marshal(probe)
	msgs = append(msgs, bus.Record{Key: []byte(probe.ID), Value: body})
	if err := w.Write(ctx, msgs...); err != nil {
		b.Fatal(err)
	}
	w.Close()

	cfg := testAlertConfig()
	cfg.Searches = nil
	cfg.RateLimit.Max = 1 << 30
	st, err := NewStage(c, cfg, nil, prometheus.NewRegistry(), testLogger())
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- st.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	if !st.waitReady(runCtx) {
		b.Fatal("stage not ready")
	}
	b.Logf("stage ready with %d searches after %s", len(st.set.list()), time.Since(start).Round(time.Millisecond))

	aw := c.ArticleWriter(c.Topics().Enriched, bus.NewMetrics(prometheus.NewRegistry()))
	defer aw.Close()
	arts := v.articles(r, 300)
	// Warm up: the consumer groups join on the first messages.
	warm := *arts[0]
	warm.ID, warm.StoryID, warm.Title = "warmup", "warmup", "wwprobe "+warm.Title
	if err := aw.Publish(ctx, []*article.Article{&warm}); err != nil {
		b.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(60 * time.Second):
		b.Fatal("warm-up alert never arrived")
	}
	b.ResetTimer()
	var lat []time.Duration
	for _, a := range arts[1:] {
		a.Title = "wwprobe " + a.Title
		sent := time.Now()
		if err := aw.Publish(ctx, []*article.Article{a}); err != nil {
			b.Fatal(err)
		}
		select {
		case <-got:
		case <-time.After(30 * time.Second):
			b.Fatalf("alert of %s never arrived", a.ID)
		}
		mu.Lock()
		lat = append(lat, arrived[a.ID].Sub(sent))
		mu.Unlock()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(lat)), "alerts")
}

// cpuTime is the CPU time (user + system) of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func uniqStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// benchToken spells k as a word no text contains and every analyser keeps whole: "wwbq",
// then consonants in base 18, no letter twice in a row (the French light stemmer folds a
// doubled letter), then "k". The e2e bench (internal/bench) spells its words so.
func benchToken(k int) string {
	const letters = "bcdfghjlmnpqrstvwxz"
	b := []byte("wwbq")
	for {
		prev, d := b[len(b)-1], k%(len(letters)-1)
		k /= len(letters) - 1
		for i := range len(letters) {
			if letters[i] == prev {
				continue
			}
			if d == 0 {
				b = append(b, letters[i])
				break
			}
			d--
		}
		if k == 0 {
			return string(append(b, 'k'))
		}
	}
}

// BenchmarkMatchBatch measures the alert stage's CPU per article in the shape of the e2e
// bench (wirewatch bench): 100 saved searches, one a wildcard every article matches, the
// others a word of one article and a place; enriched records of 3 KB (en, fr, ru), each
// carrying its word in its title and at the end of its body, decoded, matched and their
// alerts encoded (matchBatch), in batches of 64 as the consumer hands them over. Kafka is
// left out. In the "keywords" shape the searches name entities and topics only, so no
// article's words need analysing.
func BenchmarkMatchBatch(b *testing.B) {
	v := loadBenchVocab(b)
	for _, shape := range []string{"e2e", "keywords"} {
		b.Run(shape, func(b *testing.B) { benchmarkMatchBatch(b, v, shape) })
	}
}

func benchmarkMatchBatch(b *testing.B, v *benchVocab, shape string) {
	r := rand.New(rand.NewPCG(13, 14))
	_, c := startBroker(b, b.TempDir())
	cfg := testAlertConfig()
	cfg.Languages = nil // the default languages, as the e2e bench runs
	cfg.RateLimit.Max = 1 << 30
	st := idleStage(b, c, cfg)
	const searches, articles = 100, 600
	now := time.Now().UTC()
	put := func(id, q string) {
		if err := st.set.put(SavedSearch{ID: id, Name: q, Query: q, Mode: ModeImmediate, Channels: []Channel{{Type: "atom"}}, Created: now, Updated: now}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range searches {
		id := fmt.Sprintf("bench-%03d", i)
		switch {
		case shape == "keywords" && i%2 == 0:
			put(id, "entity:"+v.entities[r.IntN(len(v.entities))].ID)
		case shape == "keywords":
			put(id, "topic:"+v.topics[r.IntN(len(v.topics))]+" AND lang:fr")
		case i == 0:
			put(id, "wwbq*")
		default:
			put(id, benchToken((i-1)*7%articles)+" AND (Armenia OR Yerevan OR Arménie OR Erevan OR Армения OR Ереван)")
		}
	}
	arts := v.enrichedArticles(r, articles)
	round := 0
	records := func() []bus.Record {
		recs := make([]bus.Record, len(arts))
		for i, a := range arts {
			a := *a
			tok := benchToken(i)
			a.ID, a.StoryID = fmt.Sprintf("%s-%d", a.ID, round), fmt.Sprintf("%s-%d", a.StoryID, round)
			a.Title, a.Text, a.Signature = a.Title+" "+tok, a.Text+" ("+tok+")", article.SimHash(r.Uint64())
			body, err := article.Encode(&a)
			if err != nil {
				b.Fatal(err)
			}
			recs[i] = bus.Record{Key: []byte(a.ID), Value: body}
		}
		round++
		return recs
	}
	alerts, done := 0, 0
	emit := func(recs []bus.Record) { alerts += len(recs) }
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		recs := records()
		b.StartTimer()
		cpu0 := cpuTime()
		for i := 0; i < len(recs); i += 64 {
			if _, err := st.matchBatch(recs[i:min(i+64, len(recs))], now, emit); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - cpu0
		done += len(recs)
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(done), "cpu-ms/article")
	b.ReportMetric(float64(alerts)/float64(done), "alerts/article")
	b.ReportMetric(0, "ns/op")
}
