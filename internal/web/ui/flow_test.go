package ui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The news the test feeds carry. a1 and b1 are one story told by two outlets; the Persian
// item is right-to-left with entity names past the ASCII range; the last item of feedA is
// hostile.
func fixtures(now time.Time) (a, b []item) {
	day := 24 * time.Hour
	a = []item{
		{GUID: "a1", Title: "Lachin corridor reopens to aid convoys", Published: now.Add(-1 * day),
			Description: "Azerbaijan reopened the Lachin corridor on Monday, letting Red Cross convoys travel from Armenia to Stepanakert. Russian peacekeepers watched the road near Lachin as the first trucks passed the checkpoint."},
		{GUID: "a2", Title: "🚚 Лачинский коридор снова открыт (Lachin)", Published: now.Add(-2 * day),
			Description: "Азербайджан открыл Лачинский коридор для гуманитарных конвоев из Армении, сообщает Россия."},
		{GUID: "a3", Title: "بازگشایی دالان لاچین (Lachin) برای کاروان‌های کمک", Published: now.Add(-2*day - 3*time.Hour),
			Description: "جمهوری آذربایجان مسیر لاچین (Lachin) را برای کاروان‌های کمک‌رسانی از ارمنستان باز کرد و روسیه بر این مسیر نظارت دارد."},
		{GUID: "a4", Title: "Armenia and Azerbaijan hold peace talks in Washington", Published: now.Add(-5 * day),
			Description: "Delegations from Armenia and Azerbaijan met in Washington to discuss a peace treaty and border delimitation."},
		{GUID: "a6", Title: `Lachin &lt;script&gt;window.__pwned=5;alert(5)&lt;/script&gt; &lt;img src=x onerror="window.__pwned=6;alert(6)"&gt; claims`, Published: now.Add(-3*day - time.Hour),
			Description: `Escaped markup about Lachin: &lt;img src=x onerror="window.__pwned=7;alert(7)"&gt; &lt;b onmouseover=alert(8)&gt;bold&lt;/b&gt;`},
		{GUID: "a5", Title: `Lachin checkpoint <img src=x onerror="window.__pwned=1;alert(1)"> report`, Published: now.Add(-3 * day),
			Description: `<p>Lachin border post news. <script>window.__pwned=2;alert(2)</script><img src="x" onerror="window.__pwned=3;alert(3)"> <a href="javascript:window.__pwned=4">click</a></p>`},
	}
	b = []item{
		{GUID: "b1", Title: "Lachin corridor reopens to aid convoys", Published: now.Add(-1*day + 2*time.Hour),
			Description: "Azerbaijan reopened the Lachin corridor on Monday, letting Red Cross convoys travel from Armenia to Stepanakert. Russian peacekeepers watched the road near Lachin as the first trucks passed the checkpoint."},
		{GUID: "b2", Title: "Blockade of the Lachin corridor: a timeline", Published: now.Add(-4 * day),
			Description: "From the first protests to the reopening: how the blockade of the Lachin corridor cut Nagorno-Karabakh off from Armenia."},
	}
	return a, b
}

// TestAnalystUI drives the UI in headless Chromium against a whole wirewatch fed by local
// feeds. The subtests are steps of one session in one tab, in order (the first signs in),
// so run the test as a whole. Screenshots of each page land in testout/ui/.
func TestAnalystUI(t *testing.T) {
	exec := requireChromium(t)
	now := time.Now().UTC().Truncate(time.Second)
	ia, ib := fixtures(now)
	feedA := newTestFeed(t, "Caucasus Wire", ia...)
	feedB := newTestFeed(t, "Armenia Daily", ib...)
	feedC := newTestFeed(t, "Yerevan Evening", item{GUID: "c1", Title: "Evening news from Yerevan", Published: now.Add(-time.Hour), Description: "A quiet evening in Yerevan."})
	feedD := newTestFeed(t, "Tbilisi Post", item{GUID: "d1", Title: "Tbilisi council meets", Published: now.Add(-2 * time.Hour), Description: "The Tbilisi city council met on Tuesday."})
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream exploded", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	st := startStack(t, testToken, []string{feedA.URL(), feedB.URL(), broken.URL + "/feed.xml"})

	// Wait until the pipeline indexed every item, so the pages have something to show.
	waitIndexed(t, st.base, "", len(ia)+len(ib))

	b := newBrowser(t, exec)

	t.Run("login and search from the keyboard", func(t *testing.T) {
		b.t = t
		b.do("opening the home page", chromedp.Navigate(st.base+"/"))
		// The server has a token: the first API call answers 401 and the UI asks for it.
		b.do("a wrong token", chromedp.WaitVisible(chromedp.CSS("#login input")),
			chromedp.SendKeys(chromedp.CSS("#login input"), "guess"),
			chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
		b.waitJS("refusal", `document.querySelector("#login").open && !document.querySelector("#login-error").hidden`)
		b.screenshot("00-login")
		b.do("signing in", chromedp.WaitVisible(chromedp.CSS("#login input")),
			chromedp.SendKeys(chromedp.CSS("#login input"), testToken),
			chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
		b.waitJS("search page after login", `document.querySelector("#total") !== null && !document.querySelector("#login").open`)
		b.forget("status of 401") // the answers that made the UI ask for the token
		b.do("leaving the box", chromedp.Click(chromedp.CSS("#total")))
		b.press("/")
		if focused := eval[string](b, "focus", `document.activeElement.id`); focused != "q" {
			t.Errorf("after / the focus is on %q, want the search box", focused)
		}
		b.do("typing", chromedp.KeyEvent("Lachin"))
		b.press("Enter")
		b.waitJS("results", `document.querySelectorAll("#results .result").length > 0`)
		if loc := b.location(); loc != "/search?q=Lachin" {
			t.Errorf("URL after search %q, want /search?q=Lachin", loc)
		}
		var titles []string
		evalTo(b, "result titles", `[...document.querySelectorAll("#results .result h3")].map(h => h.textContent)`, &titles)
		t.Logf("results: %q", titles)
		if len(titles) < 4 {
			t.Errorf("%d results for Lachin, want at least 4: %q", len(titles), titles)
		}
		var marks []string
		evalTo(b, "highlights", `[...document.querySelectorAll("#results mark")].map(m => m.textContent)`, &marks)
		if len(marks) == 0 {
			t.Errorf("no <mark> highlights in results")
		}
		for _, m := range marks {
			if !strings.EqualFold(m, "lachin") {
				t.Errorf("highlight %q does not mark the query word", m)
			}
		}
		var copies string
		evalTo(b, "copies link", `(document.querySelector("#results a.copies") || {}).textContent || ""`, &copies)
		if copies != "+1 copy" {
			t.Errorf("same-story copies: link %q, want \"+1 copy\" (a1 and b1 are one story)", copies)
		}
		// The query's name also searched the entities it names, and the page says so.
		var also string
		evalTo(b, "also matched", `(document.querySelector("#also-matched") || {}).textContent || ""`, &also)
		if !strings.HasPrefix(also, "also matched: ") || !strings.Contains(also, "Lachin corridor, as Лачинский коридор") {
			t.Errorf("also-matched line %q, want it to name Lachin corridor, as Лачинский коридор", also)
		}
		// The Persian title is laid out right to left.
		var dir string
		evalTo(b, "direction", `(() => { const h = [...document.querySelectorAll("#results h3")].find(h => h.textContent.includes("لاچین")); return h ? getComputedStyle(h).direction : "missing"; })()`, &dir)
		if dir != "rtl" {
			t.Errorf("Persian result direction %q, want rtl", dir)
		}
		// Times are shown in the browser's zone (Asia/Yerevan, UTC+4).
		var shown, iso string
		evalTo(b, "a time", `document.querySelector("#results time").textContent`, &shown)
		evalTo(b, "its instant", `document.querySelector("#results time").getAttribute("datetime")`, &iso)
		at, err := time.Parse(time.RFC3339, iso)
		if err != nil {
			t.Fatalf("time datetime %q: %v", iso, err)
		}
		yerevan, _ := time.LoadLocation("Asia/Yerevan")
		if want := at.In(yerevan).Format("Jan 2, 2006, 3:04"); !strings.HasPrefix(shown, want) {
			t.Errorf("time shown %q, want it in Asia/Yerevan: %q…", shown, want)
		}
		b.screenshot("01-search")
		b.do("leaving the box", chromedp.Click(chromedp.CSS("#total")))
		b.press("?")
		b.waitJS("key help", `document.querySelector("#help").open`)
		b.press("Escape")
		b.waitJS("help closed", `!document.querySelector("#help").open`)

		// "More results" follows the next cursor and appends the following page.
		b.do("two a page", chromedp.Navigate(st.base+"/search?q=Lachin&size=2"))
		b.waitJS("first page", `document.querySelectorAll("#results .result").length === 2 && document.querySelector("#more") !== null`)
		b.do("more", chromedp.Click(chromedp.CSS("#more")))
		b.waitJS("second page", `document.querySelectorAll("#results .result").length === 4`)
		ids := eval[[]string](b, "ids", `[...document.querySelectorAll("#results .result")].map(r => r.dataset.id)`)
		if len(ids) != 4 || ids[0] == ids[2] || ids[1] == ids[3] || ids[0] == ids[3] || ids[1] == ids[2] {
			t.Errorf("pages overlap: %q", ids)
		}
		b.checkClean()
	})

	t.Run("syntax error is marked where it is", func(t *testing.T) {
		b.t = t
		q := `Lachin AND (corridor OR "road`
		b.do("typing a bad query", chromedp.Navigate(st.base+"/search?q="+urlQuery(q)))
		b.waitJS("error shown", `!document.querySelector("#qerror").hidden`)
		var at string
		var sel int
		evalTo(b, "marked character", `document.querySelector(".qwrap .backdrop .err-at").textContent`, &at)
		evalTo(b, "caret", `document.querySelector("#q").selectionStart`, &sel)
		want := strings.Index(q, `"`)
		if at != `"` || sel != want {
			t.Errorf("error marks %q at caret %d, want the unbalanced quote at %d", at, sel, want)
		}
		var msg string
		evalTo(b, "message", `document.querySelector("#qerror").textContent`, &msg)
		if !strings.Contains(msg, "quote") || !strings.Contains(msg, fmt.Sprintf("column %d", want+1)) {
			t.Errorf("error message %q", msg)
		}
		b.screenshot("02-syntax-error")
		b.forget("status of 400")
		// Typing clears the mark.
		b.do("fixing", chromedp.SendKeys(chromedp.CSS("#q"), `"`))
		b.waitJS("mark cleared", `!document.querySelector(".qwrap").classList.contains("invalid")`)
		b.checkClean()
	})

	t.Run("facet, date bar and sort narrow the search", func(t *testing.T) {
		b.t = t
		b.do("searching", chromedp.Navigate(st.base+"/search?q=Lachin"))
		b.waitJS("facets", `document.querySelector('[data-facet="sources"] button') !== null`)
		b.do("clicking the source facet", chromedp.Click(chromedp.Search(`//section[@data-facet="sources"]//button[contains(., "Armenia Daily")]`)))
		b.waitJS("filtered", `location.search.includes("f=source") && document.querySelector(".filters .chip") !== null && document.querySelectorAll("#results .result").length > 0`)
		var sources []string
		evalTo(b, "sources", `[...document.querySelectorAll("#results .result .source")].map(s => s.textContent)`, &sources)
		for _, s := range sources {
			if s != "Armenia Daily" {
				t.Errorf("after the Armenia Daily facet a result comes from %q", s)
			}
		}
		if len(sources) == 0 {
			t.Error("no results after the facet")
		}
		b.screenshot("03-facet")

		// The histogram bar of a day narrows from/to to that day.
		b.do("back to all Lachin", chromedp.Navigate(st.base+"/search?q=Lachin&sort=newest"))
		b.waitJS("histogram", `document.querySelectorAll("#histogram rect.bar").length > 0`)
		var before int
		evalTo(b, "count", `document.querySelectorAll("#results .result").length`, &before)
		b.do("clicking the last bar", chromedp.Evaluate[chromedp.Void](`(() => { const bars = [...document.querySelectorAll("#histogram rect.bar")].filter(r => +r.getAttribute("height") > 0); bars[bars.length-1].dispatchEvent(new MouseEvent("click", {bubbles: true})); })()`))
		b.waitJS("date range in URL", `location.search.includes("from=") && location.search.includes("to=") && document.querySelectorAll("#results .result").length > 0`)
		var after int
		evalTo(b, "count", `document.querySelectorAll("#results .result").length`, &after)
		if after >= before {
			t.Errorf("a day's bar left %d results of %d", after, before)
		}
		if loc := b.location(); !strings.Contains(loc, "sort=newest") || !strings.Contains(loc, "q=Lachin") {
			t.Errorf("URL lost the search: %s", loc)
		}

		// A quick range puts a relative date in the URL, evaluated by the server.
		b.do("all Lachin again", chromedp.Navigate(st.base+"/search?q=Lachin&sort=newest"))
		b.waitJS("results", `document.querySelectorAll("#results .result").length > 0 && document.querySelector("select[name=range]") !== null`)
		b.do("picking the last 24 h", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("select[name=range]"); s.value = "now-24h"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		b.waitJS("quick range in URL", `location.search.includes("from=now-24h") && document.querySelectorAll("#results .result").length > 0`)
		var lastDay int
		evalTo(b, "count", `document.querySelectorAll("#results .result").length`, &lastDay)
		if lastDay >= before {
			t.Errorf("the last 24 h left %d results of %d", lastDay, before)
		}
		var chip string
		evalTo(b, "date chip", `[...document.querySelectorAll(".filters .chip")].map(c => c.textContent).join(" | ")`, &chip)
		if !strings.Contains(chip, "last 24 h") {
			t.Errorf("filter chips %q do not name the quick range", chip)
		}
		b.screenshot("03-quick-range")
		b.checkClean()
	})

	t.Run("j k Enter open an article with its mentions marked", func(t *testing.T) {
		b.t = t
		b.do("searching", chromedp.Navigate(st.base+"/search?q=Lachin&sort=newest"))
		b.waitJS("results", `document.querySelectorAll("#results .result").length >= 4`)
		b.do("leaving the box", chromedp.Click(chromedp.CSS("#total")))
		b.press("j", "j", "k")
		if sel := eval[int](b, "selected", `[...document.querySelectorAll("#results .result")].findIndex(r => r.classList.contains("selected"))`); sel != 0 {
			t.Errorf("after j j k the selected result is %d, want 0", sel)
		}
		// Walk down to the Russian result and open it with Enter.
		idx := eval[int](b, "Russian result", `[...document.querySelectorAll("#results .result h3")].findIndex(h => h.textContent.includes("Лачинский"))`)
		if idx < 0 {
			t.Fatal("the Russian article is not among the results")
		}
		for i := 0; i < idx; i++ {
			b.press("j")
		}
		b.press("Enter")
		b.waitJS("article page", `document.querySelector("#article-body a.mention") !== null`)
		// Cyrillic is two bytes a character in UTF-8 and the truck emoji four (two UTF-16
		// units in JavaScript): the byte offsets of the mentions must land on exactly the names.
		mentions := eval[[]string](b, "mentions", `[...document.querySelectorAll("#article-title a.mention, #article-body a.mention")].map(a => a.textContent)`)
		want := []string{"Лачинский коридор", "Lachin", "Азербайджан", "Лачинский коридор", "Армении", "Россия"}
		if strings.Join(mentions, "|") != strings.Join(want, "|") {
			t.Errorf("marked mentions %q, want %q", mentions, want)
		}
		if rel := eval[string](b, "original link", `document.querySelector("#original").rel`); rel != "noopener noreferrer nofollow" {
			t.Errorf("original link rel %q", rel)
		}
		b.screenshot("04-article-ru")

		// The Persian article: right to left, with mentions marked inside Persian text.
		b.do("back", chromedp.NavigateBack())
		b.waitJS("results again", `document.querySelectorAll("#results .result").length >= 4`)
		b.do("opening the Persian article", chromedp.Click(chromedp.Search(`//li[contains(@class,"result")]//a[contains(., "لاچین")]`)))
		b.waitJS("article page", `document.querySelector("#article-body a.mention") !== null`)
		mentions = eval[[]string](b, "mentions", `[...document.querySelectorAll("#article-title a.mention, #article-body a.mention")].map(a => a.textContent)`)
		// The Persian name of the Lachin corridor in the title, Lachin in Latin letters in the
		// title and in Persian and Latin letters in the body, and the Persian names of the
		// curated entities, each marked where it stands in the right-to-left text.
		if want := "دالان لاچین|Lachin|جمهوری آذربایجان|لاچین|Lachin|ارمنستان|روسیه"; strings.Join(mentions, "|") != want {
			t.Errorf("Persian article mentions %q, want %q", mentions, want)
		}
		for _, sel := range []string{"#article-title", "#article-body p"} {
			if dir := eval[string](b, "direction", `getComputedStyle(document.querySelector("`+sel+`")).direction`); dir != "rtl" {
				t.Errorf("Persian %s direction %q, want rtl", sel, dir)
			}
		}
		b.screenshot("05-article-rtl")
		b.checkClean()
	})

	t.Run("article shows the story's other copies and links entities", func(t *testing.T) {
		b.t = t
		b.do("searching a1", chromedp.Navigate(st.base+"/search?q="+urlQuery(`"aid convoys"`)+"&collapse=0"))
		b.waitJS("results", `document.querySelectorAll("#results .result").length >= 2`)
		b.do("opening the first", chromedp.Click(chromedp.CSS("#results .result a.open")))
		b.waitJS("copies", `document.querySelector("#copies li") !== null`)
		var copy string
		evalTo(b, "copy", `document.querySelector("#copies li a").textContent`, &copy)
		if !strings.Contains(copy, "Lachin corridor reopens to aid convoys") {
			t.Errorf("other copy %q", copy)
		}
		var mentions []string
		evalTo(b, "mentions", `[...document.querySelectorAll("#article-body a.mention")].map(a => a.textContent + "=" + a.dataset.entity)`, &mentions)
		t.Logf("mentions: %q", mentions)
		if !contains(mentions, "Lachin corridor=ww:lachin-corridor") {
			t.Errorf("Lachin corridor not linked: %q", mentions)
		}
		b.screenshot("06-article")
		b.do("following the entity", chromedp.Click(chromedp.CSS(`#article-body a.mention[data-entity="ww:lachin-corridor"]`)))
		b.waitJS("entity page", `document.querySelector("#subject-name") !== null && document.querySelectorAll("#results .result").length > 0`)
		var name string
		var related []string
		evalTo(b, "name", `document.querySelector("#subject-name").textContent`, &name)
		evalTo(b, "related", `[...document.querySelectorAll("#related li a")].map(a => a.textContent)`, &related)
		if name != "Lachin corridor" || len(related) == 0 {
			t.Errorf("entity page: name %q, related %q", name, related)
		}
		var bars int
		evalTo(b, "bars", `document.querySelectorAll("#histogram rect.bar").length`, &bars)
		if bars == 0 {
			t.Error("entity page has no mentions-over-time chart")
		}
		b.screenshot("07-entity")
		b.do("topic page from a chip", chromedp.Click(chromedp.CSS(`#results a.chip.topic[href="/topic/lachin-corridor"]`)))
		b.waitJS("topic results", `location.pathname === "/topic/lachin-corridor" && document.querySelectorAll("#results .result").length > 0`)
		if name := eval[string](b, "topic name", `document.querySelector("#subject-name").textContent`); name != "Lachin corridor dispute" { // the rules file's name
			t.Errorf("topic page named %q", name)
		}
		if n := eval[int](b, "off-topic results", `[...document.querySelectorAll("#results .result")].filter(r => !r.querySelector('a.chip.topic[href="/topic/lachin-corridor"]')).length`); n != 0 {
			t.Errorf("%d results on the topic page lack the topic", n)
		}
		b.screenshot("08-topic")
		b.checkClean()
	})

	t.Run("hostile feed HTML shows as text and runs nothing", func(t *testing.T) {
		b.t = t
		// a6 carries markup as text (escaped in the feed): it reaches the UI as "<script>..."
		// in the title and the highlight fragments; a5 carried real markup, which ingest
		// already dropped.
		b.do("searching", chromedp.Navigate(st.base+"/search?q="+urlQuery(`claims OR "border post" OR script`)))
		b.waitJS("results", `document.querySelectorAll("#results .result").length >= 2`)
		titles := eval[[]string](b, "titles", `[...document.querySelectorAll("#results .result h3")].map(h => h.textContent)`)
		if !contains(titles, `Lachin <script>window.__pwned=5;alert(5)</script> <img src=x onerror="window.__pwned=6;alert(6)"> claims`) {
			t.Errorf("the markup in a6's title is not shown as text: %q", titles)
		}
		b.screenshot("09-hostile-results")
		b.do("opening a6", chromedp.Click(chromedp.Search(`//li[contains(@class,"result")]//a[contains(., "claims")]`)))
		b.waitJS("article", `document.querySelector("#article-body") !== null`)
		time.Sleep(300 * time.Millisecond) // give an injected handler its chance to fire
		if pwned := eval[string](b, "payload global", `typeof window.__pwned`); pwned != "undefined" {
			t.Errorf("the payload ran: window.__pwned is %s", pwned)
		}
		if n := eval[int](b, "injected elements", `document.querySelectorAll("main img, main script, main b, main [onerror], main [onmouseover], main a[href^='javascript']").length`); n != 0 {
			t.Errorf("%d elements from the feed's markup are in the page", n)
		}
		body := eval[string](b, "body", `document.querySelector("#article-body").textContent`)
		if !strings.Contains(body, `<b onmouseover=alert(8)>bold</b>`) {
			t.Errorf("summary markup not shown as text: %q", body)
		}
		b.screenshot("10-hostile-article")
		b.checkClean()
	})

	t.Run("feeds page shows health and adds feeds", func(t *testing.T) {
		b.t = t
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			var fs struct {
				Feeds []struct {
					URL      string
					Failures int `json:"consecutive_failures"`
				}
			}
			apiGet(t, st.base+"/api/feeds", &fs)
			if len(fs.Feeds) == 3 && fs.Feeds[2].Failures > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the broken feed was not polled in a minute: %+v", fs.Feeds)
			}
		}
		b.do("feeds page", chromedp.Navigate(st.base+"/feeds"))
		b.waitJS("feed table", `document.querySelectorAll("#feeds tbody tr").length === 3 && document.querySelector("#feeds tr.failing") !== null`)
		states := eval[map[string]string](b, "states", `Object.fromEntries([...document.querySelectorAll("#feeds tbody tr")].map(r => [r.dataset.url, r.className]))`)
		want := map[string]string{feedA.URL(): "healthy", feedB.URL(): "healthy", broken.URL + "/feed.xml": "failing"}
		for u, w := range want {
			if states[u] != w {
				t.Errorf("feed %s shown as %q, want %q (all: %v)", u, states[u], w, states)
			}
		}
		if errText := eval[string](b, "error", `document.querySelector("#feeds tr.failing .error").textContent`); !strings.Contains(errText, "500") {
			t.Errorf("the failing feed's error %q does not say what happened", errText)
		}
		// Each row says when the feed is polled next and polls it now on request.
		if cell := eval[string](b, "next poll", `document.querySelector('#feeds tr[data-url="`+feedA.URL()+`"] td.next-poll').textContent`); !strings.Contains(cell, "every") {
			t.Errorf("the next-poll cell says %q, without how often the feed is polled", cell)
		}
		b.do("poll now", chromedp.Click(chromedp.CSS(`#feeds tr[data-url="`+feedA.URL()+`"] button.poll-now`)))
		b.waitJS("poll accepted", `document.querySelector("#feed-msg").className === "ok" && document.querySelector("#feed-msg").textContent.startsWith("Polling ")`)
		b.screenshot("11-feeds")

		b.do("adding a feed", chromedp.SendKeys(chromedp.CSS(`#add-feed input[name="url"]`), feedC.URL()), chromedp.Click(chromedp.CSS(`#add-feed button`)))
		b.waitJS("new row", `document.querySelector('#feeds tr[data-url="`+feedC.URL()+`"]') !== null`)
		b.do("adding it again", chromedp.SendKeys(chromedp.CSS(`#add-feed input[name="url"]`), feedC.URL()), chromedp.Click(chromedp.CSS(`#add-feed button`)))
		b.waitJS("refusal", `document.querySelector("#feed-msg").className === "error"`)
		if msg := eval[string](b, "message", `document.querySelector("#feed-msg").textContent`); !strings.Contains(msg, "already") {
			t.Errorf("adding a listed feed says %q", msg)
		}
		b.forget("status of 409")

		opml := filepath.Join(t.TempDir(), "more.opml")
		os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><head><title>more</title></head><body>`+
			`<outline text="Tbilisi Post" xmlUrl="`+feedD.URL()+`"/></body></opml>`), 0o644)
		b.do("importing OPML", chromedp.SetUploadFiles(chromedp.CSS(`#add-opml input[type="file"]`), []string{opml}), chromedp.Click(chromedp.CSS(`#add-opml button`)))
		b.waitJS("imported", `document.querySelector('#feeds tr[data-url="`+feedD.URL()+`"]') !== null`)
		if msg := eval[string](b, "message", `document.querySelector("#feed-msg").textContent`); !strings.Contains(msg, "Imported 1 feed") {
			t.Errorf("OPML import says %q", msg)
		}
		// The added feeds are polled at once: their items become searchable.
		waitIndexed(t, st.base, "Tbilisi OR Yerevan", 2)
		b.do("searching the new feeds", chromedp.Navigate(st.base+"/search?q=Tbilisi+OR+Yerevan"))
		b.waitJS("their items", `document.querySelectorAll("#results .result").length === 2`)
		b.checkClean()
	})

	t.Run("follow a search and see a new match arrive live", func(t *testing.T) {
		b.t = t
		followFlow(t, b, st.base, feedB)
	})

	t.Run("phone layout", func(t *testing.T) {
		b.t = t
		b.do("phone screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(st.base+"/search?q=Lachin"))
		b.waitJS("results", `document.querySelectorAll("#results .result").length > 0`)
		if w := eval[int](b, "page width", `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("the page is %d px wider than a phone screen", w)
		}
		b.screenshot("12-phone-search")
		b.do("phone article", chromedp.Click(chromedp.CSS("#results .result a.open")))
		b.waitJS("article", `document.querySelector("#article-body") !== null`)
		if w := eval[int](b, "page width", `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("the article is %d px wider than a phone screen", w)
		}
		b.screenshot("13-phone-article")
		b.do("laptop screen", chromedp.EmulateReset())
		b.checkClean()
	})

	t.Run("names, timeline, live rows and three widths", func(t *testing.T) {
		b.t = t
		namesAndLayout(t, b, st.base, feedB)
	})

	t.Run("map of places", func(t *testing.T) {
		b.t = t
		mapOfPlaces(t, b, st.base)
	})
}

// waitIndexed waits until the search q finds want articles.
func waitIndexed(t *testing.T, base, q string, want int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var res struct{ Total int }
		apiGet(t, base+"/api/search?q="+urlQuery(q), &res)
		if res.Total >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pipeline indexed %d of %d articles for %q in 2 minutes", res.Total, want, q)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func urlQuery(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "+", "#", "%23", `"`, "%22")
	return r.Replace(s)
}
