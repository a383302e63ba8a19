// Command prose runs the English NER model that ships inside the Go module
// github.com/jdkato/prose/v2 (an averaged-perceptron POS tagger and a maximum-entropy
// chunker labelling PERSON and GPE), for comparing with wirewatch's rules. It is its own
// module so that the project's go.mod does not carry the dependency.
//
//	go run . conll GOLD.conll > PRED.conll
//	go run . speed SECONDS FILE...
//
// conll joins each gold sentence's tokens with spaces, lets prose tokenise, tag and chunk
// it, and writes one "token<TAB>tag" line per gold token: prose's entities (its own chunking
// of its token labels) placed on the gold tokens they cover, PERSON as PER and GPE as LOC. speed reports articles per CPU second
// of the whole prose document (tokenise, segment, tag, extract) after a warm-up.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jdkato/prose/v2"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "conll":
		err = tagCoNLL(os.Args[2])
	case len(os.Args) >= 4 && os.Args[1] == "speed":
		err = speed(os.Args[2], os.Args[3:])
	default:
		err = fmt.Errorf("usage: conll GOLD.conll | speed SECONDS FILE...")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var types = map[string]string{"PERSON": "PER", "GPE": "LOC"}

// model is prose's default model, loaded once: NewDocument without UsingModel decodes it
// again for every document.
var model = func() *prose.Model {
	doc, err := prose.NewDocument("")
	if err != nil {
		panic(err)
	}
	return doc.Model
}()

func tagCoNLL(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var words []string
	flush := func() error {
		if len(words) == 0 {
			return nil
		}
		tags, err := tagSentence(words)
		if err != nil {
			return err
		}
		for i, w := range words {
			fmt.Fprintf(out, "%s\t%s\n", w, tags[i])
		}
		fmt.Fprintln(out)
		words = words[:0]
		return nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case strings.Contains(sc.Text(), "-DOCSTART-"):
		case len(fs) == 0:
			if err := flush(); err != nil {
				return err
			}
		case len(fs) == 3:
			words = append(words, fs[1])
		default:
			words = append(words, fs[0])
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}

func tagSentence(words []string) ([]string, error) {
	text := strings.Join(words, " ")
	doc, err := prose.NewDocument(text, prose.WithSegmentation(false), prose.UsingModel(model))
	if err != nil {
		return nil, fmt.Errorf("tagging %q: %w", text, err)
	}
	// Byte offsets of the words, to place prose's entities (text and label, no offsets),
	// found in order in the text.
	starts, ends := map[int]int{}, map[int]int{}
	off := 0
	for i, w := range words {
		starts[off], ends[off+len(w)] = i, i
		off += len(w) + 1
	}
	tags := make([]string, len(words))
	for i := range tags {
		tags[i] = "O"
	}
	at := 0
	for _, e := range doc.Entities() {
		i := strings.Index(text[at:], e.Text)
		if i < 0 {
			continue
		}
		from, to := at+i, at+i+len(e.Text)
		at = to
		first, ok1 := starts[from]
		last, ok2 := ends[to]
		typ := types[e.Label]
		if !ok1 || !ok2 || typ == "" {
			continue // not on gold token boundaries: it cannot match a gold span
		}
		for w := first; w <= last; w++ {
			tags[w] = "I-" + typ
		}
		tags[first] = "B-" + typ
	}
	return tags, nil
}

func speed(seconds string, paths []string) error {
	secs, err := strconv.ParseFloat(seconds, 64)
	if err != nil {
		return err
	}
	var texts []string
	size := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		texts = append(texts, string(b))
		size += len(b)
	}
	for round := 0; round < 3; round++ { // round 0 warms up
		c0, n := cpu(), 0
		for cpu()-c0 < time.Duration(secs*float64(time.Second)) {
			for _, t := range texts {
				if _, err := prose.NewDocument(t, prose.UsingModel(model)); err != nil {
					return err
				}
				n++
			}
		}
		d := (cpu() - c0).Seconds()
		fmt.Printf("round %d: %d articles of %d bytes on average in %.2f CPU s: %.1f articles per CPU second\n", round, n, size/len(texts), d, float64(n)/d)
	}
	return nil
}

func cpu() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
