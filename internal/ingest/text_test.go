package ingest

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"wirewatch/internal/config"
)

func TestFetchTextFromArticlePage(t *testing.T) {
	seed, err := os.ReadFile(sharedPath(t, "samples/seed-article.fr.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var paras strings.Builder
	for _, p := range strings.Split(strings.TrimSpace(string(seed)), "\n\n") {
		paras.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
	}
	page := `<!doctype html><html lang="fr"><head><meta charset="windows-1252"><title>Blocus</title></head><body>
<nav><a href="/">Accueil</a> <a href="/monde">Monde</a> <a href="/abonnement">Abonnez-vous à notre newsletter</a></nav>
<article><h1>Blocus du corridor de Latchine</h1>` + paras.String() + `</article>
<footer>Abonnez-vous à notre newsletter. © Le Journal 2023. Mentions légales.</footer></body></html>`
	var robotsHits atomic.Int64
	mux := http.NewServeMux()
	var srvURL string
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		robotsHits.Add(1)
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Le Journal</title>
<item><title>Blocus</title><link>%[1]s/monde/blocus.html</link><description>M. Lavrov a déclaré…</description></item>
<item><title>Privé</title><link>%[1]s/private/secret.html</link><description>Résumé seulement.</description></item>
</channel></rss>`, srvURL)
	})
	mux.HandleFunc("/monde/blocus.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html") // charset only in <meta>
		b, _ := encodeWindows1252(page)
		w.Write(b)
	})
	var privateHits atomic.Int64
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) {
		privateHits.Add(1)
		w.Write([]byte(page))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL

	cfg := testConfig()
	cfg.Feeds = []config.FeedConfig{{URL: srv.URL + "/feed", FetchText: true}}
	pub := newRecorder()
	r := startPoller(t, cfg, t.TempDir(), pub)
	waitFor(t, 10*time.Second, "both articles", func() bool { return len(pub.all()) == 2 })
	r.stop(t)

	blocus := pub.byTitle("Blocus")[0]
	for _, want := range []string{"corridor Lachin", "M. Lavrov a déclaré", "Organisation du traité de sécurité collective"} {
		if !strings.Contains(blocus.Text, want) {
			t.Errorf("extracted text lacks %q:\n%s", want, blocus.Text)
		}
	}
	if strings.Contains(blocus.Text, "newsletter") || strings.Contains(blocus.Text, "Mentions légales") {
		t.Errorf("extracted text keeps page clutter:\n%s", blocus.Text)
	}
	if blocus.Summary != "M. Lavrov a déclaré…" {
		t.Errorf("summary replaced: %q", blocus.Summary)
	}
	private := pub.byTitle("Privé")[0]
	if private.Text != "" || privateHits.Load() != 0 {
		t.Errorf("robots.txt ignored: text %q, %d page requests", private.Text, privateHits.Load())
	}
	if robotsHits.Load() != 1 {
		t.Errorf("robots.txt fetched %d times, want once", robotsHits.Load())
	}
}

func encodeWindows1252(s string) ([]byte, error) {
	return charmap.Windows1252.NewEncoder().Bytes([]byte(s))
}
