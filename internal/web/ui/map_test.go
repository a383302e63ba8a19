package ui_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// mapOfPlaces checks the map of places (issue 15) on the search page and an entity page at
// 1400 px, 1024 px and a phone's width: the seed data's places are dots on the country
// outlines the binary ships, sized by count, titled with name and count, and each links
// to the search for its entity, keeping the current query.
func mapOfPlaces(t *testing.T, b *browser, base string) {
	type dot struct {
		ID, Href, Title string
		R               float64
		Inside, OnTop   bool
	}
	dotsJS := `[...document.querySelectorAll("#map-panel .place")].map(p => {
		const c = p.querySelector("circle").getBoundingClientRect(), s = p.closest("svg").getBoundingClientRect();
		return {ID: p.dataset.entity, Href: p.getAttribute("href") || "", Title: p.querySelector("title").textContent,
			R: c.width / 2, OnTop: document.elementFromPoint(c.x + c.width / 2, c.y + c.height / 2)?.closest(".place") === p, Inside: c.width > 0 && c.left >= s.left && c.right <= s.right && c.top >= s.top && c.bottom <= s.bottom};
	})`
	find := func(dots []dot, id string) *dot {
		for i := range dots {
			if dots[i].ID == id {
				return &dots[i]
			}
		}
		return nil
	}
	mapReady := `document.querySelectorAll("#map-panel .place circle").length > 0 && document.querySelectorAll("#map-panel .land path").length > 0`
	for _, w := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"1400", 1400, 900, false}, {"1024", 1024, 768, false}, {"phone", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if w.mobile {
			opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
		}
		b.do("viewport "+w.name, chromedp.EmulateViewport(w.width, w.height, opts...),
			chromedp.Navigate(base+"/search?q=Lachin"))
		b.waitJS("results at "+w.name, `document.querySelectorAll("#results .result").length > 0 && document.querySelector("#map-panel") !== null`)
		open := eval[bool](b, "map open", `document.querySelector("#map-panel").open`)
		if open == w.mobile {
			t.Errorf("at %s px the map panel is open: %v, want %v (folded on phones)", w.name, open, !w.mobile)
		}
		if !open {
			b.do("unfolding the map", chromedp.Click(chromedp.CSS("#map-panel summary")))
		}
		b.waitJS("map at "+w.name, mapReady)
		dots := eval[[]dot](b, "dots", dotsJS)
		t.Logf("%s px: %d dots: %+v", w.name, len(dots), dots)
		armenia := find(dots, "Q399")
		if armenia == nil {
			t.Fatalf("at %s px no dot for Armenia (Q399) among %+v", w.name, dots)
		}
		if want := "/search?q=Lachin&f=entity%3AQ399"; armenia.Href != want {
			t.Errorf("Armenia's dot links to %q, want %q", armenia.Href, want)
		}
		if !strings.HasPrefix(armenia.Title, "Armenia: ") || !strings.Contains(armenia.Title, "article") {
			t.Errorf("Armenia's dot is titled %q, want its name and count", armenia.Title)
		}
		for _, d := range dots {
			if !d.Inside || d.R < 2 {
				t.Errorf("at %s px the dot for %s (%q) is not visible inside the map: radius %.1f px", w.name, d.ID, d.Title, d.R)
			}
		}
		wide := eval[[]string](b, "too wide", `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > `+strconv.FormatInt(w.width, 10)+` + 1 && !e.closest("dialog:not([open])")).slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id)`)
		if len(wide) > 0 {
			t.Errorf("search at %s px: elements reach past the window: %q", w.name, wide)
		}
		b.screenshot("40-map-search-" + w.name)

		// A dot is a link: the search keeps its words and gains the place as a filter. (Dots
		// of places close together overlap: the click goes to one that is on top.)
		var top *dot
		for i := range dots {
			if dots[i].OnTop {
				top = &dots[i]
				break
			}
		}
		if top == nil {
			t.Fatalf("at %s px every dot is covered by another: %+v", w.name, dots)
		}
		b.do("clicking "+top.ID+"'s dot", chromedp.Click(chromedp.CSS(`#map-panel a.place[data-entity="`+top.ID+`"] circle`)))
		b.waitJS("filtered search", `document.querySelector('.chip.filter[data-filter-value="`+top.ID+`"]') !== null`)
		if loc := b.location(); loc != top.Href {
			t.Errorf("after %s's dot: %q, want %q", top.ID, loc, top.Href)
		}
		b.waitJS("map of the narrowed search", `document.querySelector("#map-panel") !== null && (`+mapReady+` || !document.querySelector("#map-panel").open)`)
		if n := eval[int](b, "filter as a link", `document.querySelectorAll('#map-panel a.place[data-entity="`+top.ID+`"]').length`); n != 0 {
			t.Errorf("with %s as a filter its dot still links to adding it", top.ID)
		}

		// The entity page: the place itself, and the places mentioned with it.
		b.do("Armenia's page", chromedp.Navigate(base+"/entity/Q399"))
		b.waitJS("entity page", `document.querySelector("#subject-name") !== null && document.querySelector("#map-panel") !== null`)
		if !eval[bool](b, "map open", `document.querySelector("#map-panel").open`) {
			b.do("unfolding the map", chromedp.Click(chromedp.CSS("#map-panel summary")))
		}
		b.waitJS("entity map", mapReady)
		dots = eval[[]dot](b, "dots", dotsJS)
		self := find(dots, "Q399")
		if self == nil || self.Href != "/search?sort=newest&f=entity%3AQ399" {
			t.Errorf("entity page: Armenia's own dot %+v, want a link to its articles", self)
		}
		if n := eval[int](b, "own dot", `document.querySelectorAll('#map-panel .place.self[data-entity="Q399"]').length`); n != 1 {
			t.Errorf("entity page: %d dots marked as the page's own place", n)
		}
		var other *dot
		for i := range dots {
			if dots[i].ID != "Q399" {
				other = &dots[i]
				break
			}
		}
		if other == nil || !strings.HasPrefix(other.Href, "/search?sort=newest&f=entity%3AQ399&f=entity%3A") {
			t.Errorf("entity page: no co-mentioned place linking to the articles naming both: %+v", dots)
		}
		for _, d := range dots {
			if !d.Inside {
				t.Errorf("entity page at %s px: the dot for %s lies outside the map", w.name, d.ID)
			}
		}
		b.screenshot("41-map-entity-" + w.name)
	}
	b.do("laptop screen", chromedp.EmulateReset())
	b.checkClean()
}
