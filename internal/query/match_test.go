package query

import (
	"errors"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/article"
)

func newTestAnalysis(t *testing.T) *Analysis {
	t.Helper()
	an, err := NewAnalysis(DefaultLanguages)
	if err != nil {
		t.Fatalf("building analysers: %v", err)
	}
	return an
}

// compileWith parses q and compiles it with an, failing the test on an error.
func compileWith(t *testing.T, an *Analysis, q string) *Matcher {
	t.Helper()
	n, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	m, err := Compile(n, MatchOptions{Analysis: an})
	if err != nil {
		t.Fatalf("Compile(%q): %v", q, err)
	}
	return m
}

func TestMatch(t *testing.T) {
	an := newTestAnalysis(t)
	lat := 39.6
	lon := 46.5
	fr := &article.Article{
		ID: "fr", Lang: "fr", Title: "Le blocus du corridor de Latchine",
		Summary: "L'Arménie accuse l'Azerbaïdjan.", Text: "Les corridors restent fermés depuis décembre.",
		Published: time.Date(2026, 1, 18, 9, 0, 0, 0, time.UTC),
		Source:    article.Source{FeedTitle: "AFP Français"},
		Entities:  []article.Entity{{ID: "Q399", Name: "Armenia", Country: "AM", Lat: &lat, Lon: &lon}},
		Topics:    []string{"lachin-corridor"},
	}
	ru := &article.Article{ID: "ru", Lang: "ru-RU", Title: "Блокада Лачинского коридора", Published: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name  string
		query string
		doc   *article.Article
		want  bool
	}{
		{"case folding", "LATCHINE", fr, true},
		{"elision", "Arménie", fr, true},
		{"elided form in query", "l'arménie", fr, true},
		{"french plural stem", "corridor", fr, true},
		{"phrase", `"corridor de Latchine"`, fr, true},
		{"phrase out of order", `"Latchine de corridor"`, fr, false},
		{"proximity reversed", `"Latchine corridor"~1`, fr, true},
		{"proximity too far", `"blocus Latchine"~2`, fr, false},
		{"proximity near enough", `"blocus Latchine"~3`, fr, true},
		{"phrase does not cross fields", `"Latchine Arménie"~5`, fr, false},
		{"title only", "title:Arménie", fr, false},
		{"russian case", `"Лачинский коридор"`, ru, true},
		{"russian region tag", "lang:ru", ru, true},
		{"word of another language's field", "Лачинский", fr, false},
		{"keyword case", `source:"afp français"`, fr, true},
		{"entity by name", `entity:armenia`, fr, true},
		{"country", "country:am", fr, true},
		{"wildcard", "Latch*", fr, true},
		{"wildcard single", "Latc?in*", fr, true},
		// Wildcards run over the stems ("latchine" is stored as "latchin") and over the
		// words as written, so the whole word matches too (issue 15).
		{"wildcard meets the stem", "Latc?in", fr, true},
		{"wildcard meets the word as written", "Latc?ine", fr, true},
		{"wildcard that neither form has", "Latc?inz", fr, false},
		{"wildcard without a fixed start", "*tchin", fr, true},
		{"wildcard whose start no term has", "Latx*", fr, false},
		{"wildcard in the body", "ferm*", fr, true},
		{"wildcard in the title only", "title:ferm*", fr, false},
		{"keyword wildcard", "topic:lachin-*", fr, true},
		{"not", "-blocus", fr, false},
		{"or", "gaz OR blocus", fr, true},
		{"range", "published:[2026-01-18 TO 2026-01-18]", fr, true},
		{"range exclusive day", "published:{2026-01-18 TO *]", fr, false},
		{"and of not", "NOT gaz NOT pétrole", fr, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Compile(n, MatchOptions{Analysis: an})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Match(tt.doc); got != tt.want {
				t.Fatalf("Match(%q) = %v, want %v", tt.query, got, tt.want)
			}
			// Required keys are a necessary condition.
			if keys, ok := m.Required(); ok && m.Match(tt.doc) && !intersects(keys, an.Doc(tt.doc).Keys()) {
				t.Fatalf("%q matches but its required keys %v are not among the article's", tt.query, keys)
			}
		})
	}
}

func intersects(a, b []string) bool {
	set := map[string]bool{}
	for _, x := range a {
		set[x] = true
	}
	for _, y := range b {
		if set[y] {
			return true
		}
	}
	return false
}

func TestRequired(t *testing.T) {
	an := newTestAnalysis(t)
	tests := []struct {
		query  string
		ok     bool
		wantIn string // a key that must be among the required ones
	}{
		{"Lachin", true, "t:lachin"},
		{"entity:Q399 published:>2026-01-01", true, "entities:q399"},
		{"topic:energy OR Lachin", true, "topics:energy"},
		{"NOT Lachin", false, ""},
		{"Lach*", false, ""},
		{"published:>2026-01-01", false, ""},
		{"Lach* OR Lachin", false, ""},
		{"Lach* Lachin", true, "t:lachin"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			n, _ := Parse(tt.query)
			m, err := Compile(n, MatchOptions{Analysis: an})
			if err != nil {
				t.Fatal(err)
			}
			keys, ok := m.Required()
			if ok != tt.ok {
				t.Fatalf("Required() ok = %v, want %v (keys %v)", ok, tt.ok, keys)
			}
			if tt.wantIn != "" && !intersects(keys, []string{tt.wantIn}) {
				t.Fatalf("Required() = %v, want it to contain %q", keys, tt.wantIn)
			}
		})
	}
}

func TestHighlightEscapes(t *testing.T) {
	an := newTestAnalysis(t)
	a := &article.Article{ID: "x", Lang: "en", Title: `<b>Lachin</b> & "corridor"`, Text: "Before <script>alert(1)</script> the Lachin corridor."}
	n, _ := Parse(`Lachin -alert`)
	m, err := Compile(n, MatchOptions{Analysis: an})
	if err != nil {
		t.Fatal(err)
	}
	hl := m.Highlight(an.Doc(a))
	if got, want := hl["title"][0], `&lt;b&gt;<mark>Lachin</mark>&lt;/b&gt; &amp; &#34;corridor&#34;`; got != want {
		t.Fatalf("title highlight = %q, want %q", got, want)
	}
	if got, want := hl["body"][0], `Before &lt;script&gt;alert(1)&lt;/script&gt; the <mark>Lachin</mark> corridor.`; got != want {
		t.Fatalf("body highlight = %q, want %q", got, want)
	}
}

// A proximity search with too many ways of placing its gaps is refused by the Matcher
// (package index/bleve checks that its compiler refuses the same searches).
func TestProximityTooBroad(t *testing.T) {
	an := newTestAnalysis(t)
	tests := []struct {
		name  string
		query string
		broad bool
	}{
		{"three words within 20", `"corridor blocus Latchine"~20`, false},
		{"four words within 20", `"corridor blocus Latchine frontière"~20`, true},
		{"four words as a phrase", `"corridor blocus Latchine frontière"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			_, err = Compile(n, MatchOptions{Analysis: an})
			var qe *Error
			if got := errors.As(err, &qe) && strings.Contains(qe.Msg, "too broad"); got != tt.broad {
				t.Errorf("%q: too broad = %v (err %v), want %v", tt.query, got, err, tt.broad)
			}
		})
	}
}

// TestEachKeyIsKeys: EachKey gives the keys Keys gives, text keys without their prefix.
func TestEachKeyIsKeys(t *testing.T) {
	an := newTestAnalysis(t)
	d := an.Doc(&article.Article{
		ID: "x", Lang: "fr", Title: "Le blocus du corridor de Latchine",
		Summary: "L'Arménie accuse l'Azerbaïdjan du blocus.", Source: article.Source{FeedTitle: "AFP"},
		Entities: []article.Entity{{ID: "Q399", Name: "Armenia"}}, Topics: []string{"lachin-corridor"},
	})
	got := map[string]bool{}
	d.EachKey(func(term string) { got["t:"+term] = true }, func(k string) {
		if _, text := TextTerm(k); text {
			t.Errorf("keyword key %q reads as a text key", k)
		}
		got[k] = true
	})
	want := d.Keys()
	if len(got) != len(want) {
		t.Errorf("EachKey gave %d distinct keys, Keys %d", len(got), len(want))
	}
	for _, k := range want {
		if !got[k] {
			t.Errorf("EachKey misses %q", k)
		}
		if term, ok := TextTerm(k); ok && !got["t:"+term] {
			t.Errorf("TextTerm(%q) = %q, not the token EachKey gives", k, term)
		}
	}
}

// TestWildcardLeadsKnownOrNot checks that a wildcard finds the same terms whether a Doc
// was made before or after its lead was compiled (the Doc's terms grouped by known
// leads), and with a lead too short to be grouped.
func TestWildcardLeadsKnownOrNot(t *testing.T) {
	an := newTestAnalysis(t)
	a := &article.Article{ID: "fr", Lang: "fr", Title: "Le blocus du corridor", Text: "Les corridors de Latchine restent fermés. Arméniens et Azerbaïdjanais négocient."}
	queries := map[string]bool{
		"Latch*": true, "Arm?ni*": true, "azerb*": true, "corr*": true, "Lo*": false,
		"la*": true, "négoc*": true, "negoc*": true, "title:latch*": false, "xyz*": false,
	}
	before := an.Doc(a) // made before any of the wildcards was compiled
	ms := map[string]*Matcher{}
	for q := range queries {
		n, err := Parse(q)
		if err != nil {
			t.Fatalf("parsing %q: %v", q, err)
		}
		if ms[q], err = Compile(n, MatchOptions{Analysis: an}); err != nil {
			t.Fatalf("compiling %q: %v", q, err)
		}
	}
	after := an.Doc(a)
	for q, want := range queries {
		if got := ms[q].MatchDoc(before); got != want {
			t.Errorf("%q on a Doc made before it was compiled = %v, want %v", q, got, want)
		}
		if got := ms[q].MatchDoc(after); got != want {
			t.Errorf("%q on a Doc made after it was compiled = %v, want %v", q, got, want)
		}
	}
}
