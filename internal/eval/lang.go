package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"wirewatch/internal/lang"
)

// LangReport is the accuracy of language detection on a directory of LANG.txt files.
type LangReport struct {
	Dir       string       `json:"dir"`
	Languages []LangResult `json:"languages"`
	Average   float64      `json:"average"` // mean of the per-language accuracies
	Lines     int          `json:"lines"`
}

// LangResult is one language's figures. Und counts lines answered "und" (counted wrong).
type LangResult struct {
	Lang     string         `json:"lang"`
	Lines    int            `json:"lines"`
	Correct  int            `json:"correct"`
	Und      int            `json:"und"`
	Accuracy float64        `json:"accuracy"`
	Confused map[string]int `json:"confused,omitempty"` // wrong answers by language
}

// Detector tells the language of a text, as the enricher does for an article
// (process.Enricher): an ISO 639-1 code or lang.Und, and a confidence.
type Detector interface {
	DetectLanguage(s string) (string, float64)
}

// Lang detects the language of every line of every LANG.txt file in dir (the label is
// the file name) and reports accuracy per language and their average.
func Lang(e Detector, dir string) (*LangReport, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("evaluating languages: no LANG.txt files in %s", dir)
	}
	sort.Strings(files)
	rep := &LangReport{Dir: dir}
	for _, f := range files {
		res, err := evalLangFile(e, f, strings.TrimSuffix(filepath.Base(f), ".txt"))
		if err != nil {
			return nil, err
		}
		rep.Languages = append(rep.Languages, res)
		rep.Lines += res.Lines
		rep.Average += res.Accuracy
	}
	rep.Average /= float64(len(rep.Languages))
	return rep, nil
}

func evalLangFile(e Detector, path, want string) (LangResult, error) {
	res := LangResult{Lang: want, Confused: map[string]int{}}
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		res.Lines++
		got, _ := e.DetectLanguage(line)
		switch got {
		case want:
			res.Correct++
		case lang.Und:
			res.Und++
		default:
			res.Confused[got]++
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("reading %s: %w", path, err)
	}
	if res.Lines > 0 {
		res.Accuracy = float64(res.Correct) / float64(res.Lines)
	}
	if len(res.Confused) == 0 {
		res.Confused = nil
	}
	return res, nil
}

// WriteText writes the report as a table.
func (r *LangReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "language detection on %s (%d lines)\n", r.Dir, r.Lines)
	fmt.Fprintf(bw, "%-5s %6s %8s %5s  %s\n", "lang", "lines", "accuracy", "und", "confused with")
	for _, l := range r.Languages {
		var conf []string
		for k, v := range l.Confused {
			conf = append(conf, fmt.Sprintf("%s:%d", k, v))
		}
		sort.Strings(conf)
		fmt.Fprintf(bw, "%-5s %6d %7.1f%% %5d  %s\n", l.Lang, l.Lines, 100*l.Accuracy, l.Und, strings.Join(conf, " "))
	}
	fmt.Fprintf(bw, "%-5s %6d %7.1f%%\n", "avg", r.Lines, 100*r.Average)
	return bw.Flush()
}

// JSON returns the report as indented JSON.
func (r *LangReport) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }
