package ingest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// hostileServer serves one well-behaved feed and a set of hostile ones on loopback.
func hostileServer(t *testing.T) (*httptest.Server, *seedFeed) {
	t.Helper()
	good := &seedFeed{}
	good.add(`<item><title>Good news</title><link>https://good.example/1</link></item>`)

	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 16 { // 16 MB of zeros in ~16 KB
		zw.Write(zeros)
	}
	zw.Close()

	var big strings.Builder
	big.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>`)
	for i := 0; big.Len() < 10<<20; i++ {
		fmt.Fprintf(&big, `<item><title>Big item %d</title><link>https://big.example/%d</link><description>%s</description></item>`,
			i, i, strings.Repeat("Lorem ipsum dolor sit amet. ", 180))
	}
	big.WriteString(`</channel></rss>`)

	cyr, _ := charmap.Windows1251.NewEncoder().String(`<?xml version="1.0"?><rss version="2.0"><channel><title>Новости Кавказа</title>` +
		`<item><title>Лавров прокомментировал ситуацию в Лачинском коридоре и заявил о готовности к переговорам</title><link>https://ru.example/1</link>` +
		`<description>Министр иностранных дел России Сергей Лавров заявил, что Москва по-прежнему готова направить миссию ОДКБ на границу Армении и Азербайджана.</description></item></channel></rss>`)

	mux := http.NewServeMux()
	mux.Handle("/good", good)
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>`))
		for {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
				w.Write([]byte("a"))
				w.(http.Flusher).Flush()
			}
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		chunk := bytes.Repeat([]byte("<item><title>x</title></item>"), 1000)
		w.Write([]byte(`<rss><channel>`))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a", http.StatusFound) })
	mux.HandleFunc("/wrong-charset", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8") // the bytes are windows-1251
		w.Write([]byte(cyr))
	})
	mux.HandleFunc("/invalid-utf8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write([]byte("<rss version=\"2.0\"><channel><title>Bad \xff\xfe bytes</title><item><title>Broken \xc3\x28 title</title><link>https://bad.example/1</link></item></channel></rss>"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(big.String()))
	})
	mux.HandleFunc("/laughs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">`)
		prev := "lol"
		for i := 1; i <= 9; i++ {
			name := fmt.Sprintf("lol%d", i)
			fmt.Fprintf(&b, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
			prev = name
		}
		b.WriteString(`]><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://laughs.example/1</link></item></channel></rss>`)
		w.Write([]byte(b.String()))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, good
}

// TestHostileServers: each hostile feed ends in a bounded, clearly reported error (or, for
// the recoverable ones, a correct parse) while the good feed keeps flowing.
func TestHostileServers(t *testing.T) {
	srv, good := hostileServer(t)
	u := func(p string) string { return srv.URL + p }
	cfg := testConfig(u("/good"), u("/trickle"), u("/endless"), u("/bomb"), u("/loop-a"), u("/wrong-charset"),
		u("/invalid-utf8"), u("/big"), u("/laughs"))
	// Long enough to read 10 MB under -race on a loaded machine; the trickle shows it bounds.
	cfg.Timeout = 10 * time.Second
	cfg.MaxBodyBytes = 11 << 20
	cfg.MinInterval = 100 * time.Millisecond
	cfg.MaxInterval = 300 * time.Millisecond
	pub := newRecorder()
	start := time.Now()
	r := startPoller(t, cfg, t.TempDir(), pub)

	waitFor(t, 90*time.Second, "every hostile feed to have been tried", func() bool {
		for _, s := range r.p.Status() {
			if s.LastAttempt.IsZero() {
				return false
			}
		}
		return true
	})
	// The good feed keeps flowing while the others misbehave.
	good.add(`<item><title>More good news</title><link>https://good.example/2</link></item>`)
	waitFor(t, 5*time.Second, "the good feed's second item", func() bool { return len(pub.byTitle("More good news")) == 1 })
	r.stop(t)
	if d := time.Since(start); d > 90*time.Second {
		t.Errorf("took %s", d)
	}

	for _, s := range r.p.Status() {
		t.Logf("%-40s published=%-5d failures=%d error=%q", strings.TrimPrefix(s.URL, srv.URL), s.Published, s.ConsecutiveFailures, s.LastError)
	}
	failing := []struct {
		path, want string
	}{
		{"/trickle", "ingest.timeout"},
		{"/endless", "ingest.max_body_bytes"},
		{"/bomb", "max_decompression_ratio"},
		{"/loop-a", "too many redirects"},
	}
	for _, f := range failing {
		s := statusOf(t, r.p, u(f.path))
		if s.ConsecutiveFailures == 0 || !strings.Contains(s.LastError, f.want) {
			t.Errorf("%s: failures %d, last error %q; want it to mention %q", f.path, s.ConsecutiveFailures, s.LastError, f.want)
		}
		if !strings.Contains(s.LastError, f.path) {
			t.Errorf("%s: error %q does not name the feed", f.path, s.LastError)
		}
	}
	for _, p := range []string{"/good", "/wrong-charset", "/invalid-utf8", "/big"} {
		if s := statusOf(t, r.p, u(p)); s.LastSuccess.IsZero() {
			t.Errorf("%s: never succeeded: %q", p, s.LastError)
		}
	}
	if got := pub.byTitle("Лавров прокомментировал ситуацию в Лачинском коридоре и заявил о готовности к переговорам"); len(got) != 1 {
		t.Errorf("windows-1251 feed served as utf-8: Cyrillic title not recovered")
	}
	if got := pub.byTitle("Broken \uFFFD( title"); len(got) != 1 {
		t.Errorf("invalid UTF-8: want the title with U+FFFD, got titles %v", titles(pub))
	}
	bigItems := 0
	for _, a := range pub.all() {
		if strings.HasPrefix(a.Title, "Big item ") {
			bigItems++
		}
	}
	if bigItems < 2000 {
		t.Errorf("10 MB feed: %d items published", bigItems)
	}
	// Entities are never expanded: a billion laughs yields at most an unexpanded title.
	for _, a := range pub.all() {
		if len(a.Title) > 1000 || len(a.Summary) > 100000 {
			t.Errorf("an entity got expanded: title of %d bytes", len(a.Title))
		}
	}
	if s := statusOf(t, r.p, u("/laughs")); s.LastAttempt.IsZero() {
		t.Errorf("billion laughs feed never tried")
	}
}

func titles(r *recorder) []string {
	var out []string
	for _, a := range r.all() {
		if !strings.HasPrefix(a.Title, "Big item") {
			out = append(out, a.Title)
		}
	}
	return out
}
