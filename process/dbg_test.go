package process

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDbgNER(t *testing.T) {
	e := sharedEnricher(t)
	f, _ := os.Open(sharedPath(t, "corpora/"+os.Getenv("NERFILE")))
	sc := bufio.NewScanner(f)
	var words, tags []string
	out, _ := os.Create("/tmp/nerdbg.txt")
	defer out.Close()
	flush := func() {
		if len(words) == 0 {
			return
		}
		var b strings.Builder
		starts := map[int]int{}
		ends := map[int]int{}
		for i, w := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			starts[b.Len()] = i
			b.WriteString(w)
			ends[b.Len()] = i + 1
		}
		text := b.String()
		gold := map[nerSpan]bool{}
		for _, g := range goldSpans(tags) {
			gold[g] = true
		}
		pred := map[nerSpan]bool{}
		for _, p := range e.tagText(text) {
			typ := p.typ
			if typ == "EVT" {
				typ = "MISC"
			}
			a, ok1 := starts[p.start]
			b, ok2 := ends[p.end]
			if !ok1 || !ok2 {
				fmt.Fprintf(out, "FPU %s %q\n", typ, text[p.start:p.end])
				continue
			}
			pred[nerSpan{a, b, typ}] = true
		}
		for g := range gold {
			if !pred[g] && g.typ != "MISC" {
				fmt.Fprintf(out, "FN %s %q\n", g.typ, strings.Join(words[g.from:g.to], " "))
			}
		}
		for p := range pred {
			if !gold[p] && p.typ != "MISC" {
				fmt.Fprintf(out, "FP %s %q\n", p.typ, strings.Join(words[p.from:p.to], " "))
			}
		}
		words, tags = nil, nil
	}
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) < 3 {
			flush()
			continue
		}
		words, tags = append(words, fl[1]), append(tags, fl[2])
	}
	flush()
}
