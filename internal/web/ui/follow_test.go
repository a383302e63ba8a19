package ui_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// followFlow saves the current search as an alert from the results page, then publishes a
// new item on feed and expects it in the live panel of the Follow page, and afterwards in
// the saved search's recent matches.
func followFlow(t *testing.T, b *browser, base string, feed *testFeed) {
	hooked := make(chan string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a struct{ Article struct{ Title string } }
		_ = json.NewDecoder(r.Body).Decode(&a)
		hooked <- a.Article.Title
	}))
	defer hook.Close()

	b.do("searching", chromedp.Navigate(base+"/search?q="+urlQuery("Lachin checkpoint")))
	b.waitJS("results", `document.querySelectorAll("#results .result").length > 0`)
	b.do("opening the follow dialog", chromedp.Click(chromedp.CSS("#follow")))
	b.waitJS("dialog", `document.querySelector("#follow-dialog[open]") !== null`)
	if name := eval[string](b, "name", `document.querySelector('#follow-dialog input[name="name"]').value`); name != "Lachin checkpoint" {
		t.Errorf("the alert's name starts as %q, want the query", name)
	}
	b.do("a webhook channel", chromedp.SendKeys(chromedp.CSS(`#follow-dialog input[name="webhook"]`), hook.URL),
		chromedp.SendKeys(chromedp.CSS(`#follow-dialog input[name="secret"]`), "hook-secret"))
	b.screenshot("14-follow-dialog")
	b.do("saving", chromedp.Click(chromedp.CSS("#follow-save")))
	b.waitJS("saved", `document.querySelector("#follow").textContent.startsWith("Following")`)

	b.do("Follow page", chromedp.Click(chromedp.CSS(`a[href="/alerts"]`)))
	b.waitJS("saved search listed", `[...document.querySelectorAll("#saved li[data-search] strong")].some(s => s.textContent === "Lachin checkpoint")`)
	b.waitJS("stream connected", `document.querySelector("#live-status .dot.on") !== null`)
	if q := eval[string](b, "query", `document.querySelector("#saved li[data-search] a.qtext").textContent`); q != "Lachin checkpoint" {
		t.Errorf("saved query %q", q)
	}

	title := "Lachin checkpoint reopened after talks"
	feed.add(item{GUID: "live1", Title: title, Published: time.Now().UTC(),
		Description: "The checkpoint on the Lachin road reopened on Wednesday after talks between the two sides."})
	b.waitJSWithin("the new match in the live panel", `[...document.querySelectorAll("#live-list li a")].some(a => a.textContent === `+jsString(title)+`)`, 90*time.Second)
	b.screenshot("15-follow-live")

	select {
	case got := <-hooked:
		if got != title {
			t.Errorf("the webhook chosen in the dialog received %q, want %q", got, title)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the webhook chosen in the dialog received nothing in 60 s")
	}
	waitDelivered(t, base)
	b.do("reloading", chromedp.Reload())
	b.waitJS("delivery status", `(document.querySelector('#saved .delivery[data-channel="webhook"]') || {}).textContent === "webhook: 1 delivered"`)
	b.waitJS("recent matches", `[...document.querySelectorAll("#saved .matches li a")].some(a => a.textContent === `+jsString(title)+`)`)
	if n := eval[int](b, "matches", `document.querySelectorAll("#saved .matches li[data-alert]").length`); n != 1 {
		t.Errorf("%d recent matches, want the one new article (older articles do not alert)", n)
	}
	b.screenshot("16-follow-matches")
	b.do("opening the match", chromedp.Click(chromedp.Search(`//ol[@class="matches"]//a[contains(., "reopened after talks")]`)))
	b.waitJS("article", `document.querySelector("#article-title") !== null`)
	if got := eval[string](b, "title", `document.querySelector("#article-title").textContent`); !strings.HasPrefix(got, "Lachin checkpoint reopened") {
		t.Errorf("the match opened %q", got)
	}
	b.do("back to Follow", chromedp.Navigate(base+"/alerts"))
	b.waitJS("saved search", `document.querySelector("#saved li[data-search] button.stop") !== null`)
	b.do("stop following", chromedp.Click(chromedp.CSS("#saved button.stop")), chromedp.Click(chromedp.CSS("#saved button.stop")))
	b.waitJS("gone", `document.querySelector("#saved li[data-search]") === null`)
	var list struct{ Searches []struct{ ID string } }
	apiGet(t, base+"/api/searches", &list)
	if len(list.Searches) != 0 {
		t.Errorf("after Stop following the server still has %d saved searches", len(list.Searches))
	}

	// The alert may be opened before the indexer wrote its article: the page asks again
	// (answers 404 meanwhile) until it is there.
	b.forget("status of 404")
	b.checkClean()
}

// waitDelivered waits until the delivery log records the webhook delivery (it is written
// after the webhook answered).
func waitDelivered(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var res struct {
			Deliveries []struct{ Type, Status string }
		}
		apiGet(t, base+"/api/deliveries", &res)
		for _, d := range res.Deliveries {
			if d.Type == "webhook" && d.Status == "delivered" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no delivered webhook in the delivery log after 30 s: %+v", res.Deliveries)
		}
	}
}
