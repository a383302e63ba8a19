package ui_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// namesAndLayout checks what a person reads (issue 15): topic and entity names rather than
// IDs, in chips, filters and the follow dialog; a timeline that one old article does not
// flatten; the live panel with one row per article and the searches it matched; the
// Follow page's connection state; e-mail refused without a mail server; secrets never
// shown; and the main pages at 1400 px, 1024 px and a phone's width, with screenshots.
func namesAndLayout(t *testing.T, b *browser, base string, feed *testFeed) {
	b.do("laptop screen", chromedp.EmulateViewport(1400, 900))
	// Topic chips carry the names of config/topics.yaml.
	b.do("searching", chromedp.Navigate(base+"/search?q=Lachin"))
	b.waitJS("results", `document.querySelectorAll("#results .result").length > 0`)
	chip := eval[string](b, "topic chip", `(document.querySelector('#results a.chip.topic[href="/topic/lachin-corridor"]') || {}).textContent || ""`)
	if chip != "Lachin corridor dispute" {
		t.Errorf("the Lachin topic chip says %q, want the rules file's name %q", chip, "Lachin corridor dispute")
	}
	facet := eval[string](b, "topic facet", `(document.querySelector('[data-facet="topics"] button[data-value="lachin-corridor"] bdi') || {}).textContent || ""`)
	if facet != "Lachin corridor dispute" {
		t.Errorf("the topic facet says %q", facet)
	}
	// A reader whose browser asks for French reads the French names of the rules file.
	readerLanguage(t, b, "fr-FR,fr")
	b.do("searching in French", chromedp.Navigate(base+"/search?q=Lachin"))
	b.waitJS("results", `document.querySelectorAll("#results .result").length > 0`)
	const frName = "Différend sur le corridor de Latchine"
	if chip := eval[string](b, "topic chip", `(document.querySelector('#results a.chip.topic[href="/topic/lachin-corridor"]') || {}).textContent || ""`); chip != frName {
		t.Errorf("for a French reader the Lachin topic chip says %q, want %q", chip, frName)
	}
	if facet := eval[string](b, "topic facet", `(document.querySelector('[data-facet="topics"] button[data-value="lachin-corridor"] bdi') || {}).textContent || ""`); facet != frName {
		t.Errorf("for a French reader the topic facet says %q, want %q", facet, frName)
	}
	readerLanguage(t, b, "en-US,en")

	// The filter chip of an entity names it; the follow dialog proposes that name.
	b.do("entity filter", chromedp.Navigate(base+"/search?f="+urlQuery("entity:ww:lachin-corridor")))
	b.waitJS("filtered results", `document.querySelectorAll("#results .result").length > 0`)
	if got := eval[string](b, "filter chip", `document.querySelector(".filters .chip.filter bdi").textContent`); got != "Lachin corridor" {
		t.Errorf("the entity filter chip says %q, want %q", got, "Lachin corridor")
	}
	b.do("typed entity query", chromedp.Navigate(base+"/search?q="+urlQuery("entity:ww:lachin-corridor")))
	b.waitJS("results", `document.querySelectorAll("#results .result").length > 0`)
	b.do("follow dialog", chromedp.Click(chromedp.CSS("#follow")))
	b.waitJS("dialog", `document.querySelector("#follow-dialog[open]") !== null`)
	if name := eval[string](b, "name", `document.querySelector('#follow-dialog input[name="name"]').value`); name != "Lachin corridor" {
		t.Errorf("the follow dialog proposes %q, want the entity's name", name)
	}
	// E-mail without a mail server is refused when saved, naming the channel.
	b.do("an e-mail channel", chromedp.SendKeys(chromedp.CSS(`#follow-dialog input[name="email"]`), "analyst@example.org"),
		chromedp.Click(chromedp.CSS("#follow-save")))
	b.waitJS("refusal", `!document.querySelector("#follow-dialog .error").hidden`)
	if msg := eval[string](b, "error", `document.querySelector("#follow-dialog .error").textContent`); !strings.Contains(msg, "channels[2]") || !strings.Contains(msg, "alert.smtp") {
		t.Errorf("saving an e-mail channel without a mail server says %q", msg)
	}
	b.forget("status of 400")
	b.screenshot("20-follow-dialog-names")
	b.do("cancel", chromedp.Click(chromedp.CSS(`#follow-dialog button[value="cancel"]`)))

	// One article of 2007 does not flatten the timeline; "all time" shows it.
	feed.add(item{GUID: "old2007", Title: "Lachin in 2007: an archive report", Published: time.Date(2007, 5, 1, 9, 0, 0, 0, time.UTC),
		Description: "An old report on the road through Lachin."})
	waitIndexed(t, base, `"archive report"`, 1)
	b.do("searching all Lachin", chromedp.Navigate(base+"/search?q=Lachin&sort=newest"))
	b.waitJS("timeline", `document.querySelectorAll("#histogram rect.bar").length > 0`)
	bars := eval[int](b, "bars", `document.querySelectorAll("#histogram rect.bar").length`)
	if bars > 60 {
		t.Errorf("the timeline has %d day bars: the 2007 article flattens it", bars)
	}
	if note := eval[string](b, "note", `(document.querySelector("#timeline-note") || {}).textContent || ""`); !strings.Contains(note, "1 article lies far outside") {
		t.Errorf("the timeline does not say an article is left out: %q", note)
	}
	b.screenshot("21-timeline")
	b.do("all time", chromedp.Click(chromedp.CSS("#timeline-all")))
	b.waitJS("all bars", `document.querySelectorAll("#histogram rect.bar").length > 1000`)
	b.do("back to the bulk", chromedp.Click(chromedp.CSS("#timeline-all")))
	b.waitJS("clipped again", `document.querySelectorAll("#histogram rect.bar").length === `+strconv.Itoa(bars))

	// Secrets never leave the server.
	created := apiPost(t, base+"/api/searches", `{"name":"Convoys","query":"convoy OR convoys","channels":[{"type":"sse"},{"type":"webhook","url":"https://hooks.example.org/x","secret":"never-shown"}]}`)
	if strings.Contains(created, "never-shown") {
		t.Errorf("POST /api/searches echoed the secret: %s", created)
	}
	apiPost(t, base+"/api/searches", `{"name":"Lachin road","query":"Lachin","channels":[{"type":"sse"}]}`)
	var raw map[string]any
	apiGet(t, base+"/api/searches", &raw)
	all, _ := json.Marshal(raw)
	if all := string(all); strings.Contains(all, "never-shown") || !strings.Contains(all, `"secret_set":true`) {
		t.Errorf("GET /api/searches shows a secret or hides that one is set: %s", all)
	}

	// The Follow page says the stream's real state at once and never "alerting is off".
	b.do("Follow page", chromedp.Navigate(base+"/alerts"))
	b.waitJSWithin("connected", `document.querySelector("#live-status .dot.on") !== null`, 10*time.Second)
	if st := eval[string](b, "status", `document.querySelector("#live-status").textContent`); strings.Contains(st, "off") {
		t.Errorf("the Follow page says %q with alerting on", st)
	}
	// An article matching both searches is one row naming both.
	title := "Lachin convoy passes the checkpoint"
	feed.add(item{GUID: "both1", Title: title, Published: time.Now().UTC(), Description: "A convoy crossed the Lachin road on Thursday."})
	b.waitJSWithin("the live row", `[...document.querySelectorAll("#live-list li a")].some(a => a.textContent === `+jsString(title)+`)`, 90*time.Second)
	b.waitJSWithin("both searches on it", `[...document.querySelectorAll("#live-list li")].filter(li => li.querySelector("a").textContent === `+jsString(title)+`).every(li => li.querySelectorAll(".search-name").length === 2)`, 20*time.Second)
	if n := eval[int](b, "rows", `[...document.querySelectorAll("#live-list li")].filter(li => li.querySelector("a").textContent === `+jsString(title)+`).length`); n != 1 {
		t.Errorf("the article has %d rows in the live panel, want 1", n)
	}
	names := eval[[]string](b, "search names", `[...[...document.querySelectorAll("#live-list li")].find(li => li.querySelector("a").textContent === `+jsString(title)+`).querySelectorAll(".search-name")].map(n => n.textContent).sort()`)
	if strings.Join(names, "|") != "Convoys|Lachin road" {
		t.Errorf("the live row names the searches %q", names)
	}

	// Three widths: nothing is cut or scrolls sideways.
	for _, w := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"1400", 1400, 900, false}, {"1024", 1024, 768, false}, {"phone", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if w.mobile {
			opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
		}
		b.do("viewport "+w.name, chromedp.EmulateViewport(w.width, w.height, opts...))
		for _, pg := range []struct{ path, ready, shot string }{
			{"/search?q=Lachin", `document.querySelectorAll("#results .result").length > 0`, "search"},
			{"/feeds", `document.querySelectorAll("#feeds tbody tr").length > 0`, "feeds"},
			{"/alerts", `document.querySelector("#live-status .dot.on") !== null && document.querySelector("#saved") !== null`, "follow"},
			{"/topic/lachin-corridor", `document.querySelector("#subject-name") !== null`, "topic"},
		} {
			b.do(pg.shot+" at "+w.name, chromedp.Navigate(base+pg.path))
			b.waitJS(pg.shot+" at "+w.name, pg.ready)
			// With mobile emulation the layout viewport grows to fit what is too wide, so the
			// check is against the width asked for.
			wide := eval[[]string](b, "too wide", `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > `+strconv.FormatInt(w.width, 10)+` + 1 && !e.closest("dialog:not([open])")).slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right))`)
			if len(wide) > 0 {
				t.Errorf("%s at %s px: elements reach past the window: %q", pg.path, w.name, wide)
			}
			// Every cell of the feeds table lies inside the window, with a real feed's long
			// address and error (the test feeds' are short) put in the first row.
			if pg.shot == "feeds" {
				long := "https://news.example.org/rss/south-caucasus/armenia-azerbaijan/peace-process/feed.xml?utm_source=wirewatch&amp;format=rss2&amp;category=politics"
				b.do("long texts", chromedp.Evaluate[chromedp.Void](`(() => { const r = document.querySelector("#feeds tbody tr");
					r.querySelector("td .meta").textContent = `+jsString(long)+`;
					r.querySelectorAll("td")[3].textContent = "fetching `+long+`: Get \"`+long+`\": dial tcp: lookup news.example.org on 127.0.0.53:53: no such host"; })()`))
				if cut := eval[int](b, "cut cells", `[...document.querySelectorAll("#feeds td")].filter(td => td.getBoundingClientRect().right > window.innerWidth + 1).length`); cut > 0 {
					t.Errorf("%d cells of the feeds table are cut at %s px", cut, w.name)
				}
			}
			b.screenshot("3x-" + w.name + "-" + pg.shot)
		}
	}
	b.do("laptop screen", chromedp.EmulateReset())
	if name := eval[string](b, "topic page", `document.querySelector("#subject-name").textContent`); name != "Lachin corridor dispute" {
		t.Errorf("the topic page is named %q", name)
	}
	b.checkClean()
}

// apiPost posts a JSON body with the token and returns the answer, failing on an error.
func apiPost(t *testing.T, url, body string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	return string(bytes.TrimSpace(b))
}

// readerLanguage makes the browser ask for languages (Accept-Language and
// navigator.languages) from the next page load on.
func readerLanguage(t *testing.T, b *browser, languages string) {
	t.Helper()
	ua := eval[string](b, "user agent", `navigator.userAgent`)
	if _, err := chromedp.Call(b.ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: languages}); err != nil {
		t.Fatalf("asking for %s: %v", languages, err)
	}
}
