// wirewatch analyst UI. Plain JavaScript, no dependencies, nothing fetched from elsewhere.
//
// Safety rule for this file: every piece of text that came from a feed (titles, snippets,
// names, errors that quote a feed) is put into the page as a text node (see el()). HTML
// strings are never parsed into the page. Highlight fragments from the API are parsed by
// fragment(), which keeps only <mark> elements and text.
"use strict";

(function () {
  const TOKEN_KEY = "wirewatch.token";
  const PAGE_SIZE = 20;
  const main = document.getElementById("main");
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
  const FACETS = [
    // [facet name in the API, query field, heading]
    ["entities", "entity", "Entities"],
    ["topics", "topic", "Topics"],
    ["sources", "source", "Sources"],
    ["langs", "lang", "Languages"],
    ["countries", "country", "Countries"],
  ];
  let langNames = null;
  try { langNames = new Intl.DisplayNames(undefined, { type: "language" }); } catch (e) { /* older browsers: codes */ }
  let regionNames = null;
  try { regionNames = new Intl.DisplayNames(undefined, { type: "region" }); } catch (e) { /* codes */ }

  // ---------- DOM helpers ----------

  // el builds an element. attrs values are set as attributes (strings) or, for keys
  // starting with "on", as event listeners; children are nodes or strings (text nodes).
  function el(tag, attrs, ...children) {
    const svg = tag.startsWith("svg:");
    const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    append(node, children);
    return node;
  }
  function append(node, ...children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  // decodeEntities turns the HTML escapes the server writes (&lt; &amp; &#34; ...) back into
  // characters. Unknown entities stay as they are, as text.
  const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
  function decodeEntities(s) {
    return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});/g, (m, e) => {
      if (e[0] === "#") {
        const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : m;
      }
      return Object.prototype.hasOwnProperty.call(NAMED, e) ? NAMED[e] : m;
    });
  }

  // fragment renders a highlight fragment: <mark> and </mark> become mark elements, the
  // rest is text (HTML-escaped by the server, decoded here). Any other tag shows as text.
  function fragment(html) {
    const out = document.createDocumentFragment();
    let open = null;
    for (const part of String(html).split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") { if (!open) open = el("mark"); continue; }
      if (part === "</mark>") { if (open) { out.appendChild(open); open = null; } continue; }
      if (part === "") continue;
      (open || out).appendChild(document.createTextNode(decodeEntities(part)));
    }
    if (open) out.appendChild(open);
    return out;
  }

  function timeEl(iso, fmt) {
    if (!iso || iso.startsWith("0001-")) return el("span", { class: "muted" }, "—");
    const d = new Date(iso);
    if (isNaN(d)) return el("span", {}, String(iso));
    return el("time", { datetime: d.toISOString(), title: d.toISOString() }, (fmt || dateTime).format(d));
  }
  function ago(iso) {
    if (!iso || iso.startsWith("0001-")) return "never";
    const s = (Date.now() - new Date(iso).getTime()) / 1000;
    if (s < 90) return "just now";
    if (s < 5400) return Math.round(s / 60) + " min ago";
    if (s < 129600) return Math.round(s / 3600) + " h ago";
    return Math.round(s / 86400) + " days ago";
  }
  function langName(code) {
    if (!code || code === "und") return "unknown language";
    try { return (langNames && langNames.of(code)) || code; } catch (e) { return code; }
  }
  function regionName(code) {
    try { return (regionNames && regionNames.of(code.toUpperCase())) || code; } catch (e) { return code; }
  }

  // ---------- API ----------

  class APIError extends Error {
    constructor(status, body) {
      super((body && body.error) || "HTTP " + status);
      this.status = status;
      this.body = body || {};
    }
  }
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  // api calls the JSON API with the token, asking for one when the server says 401.
  async function api(path, opts) {
    opts = opts || {};
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
      if (token()) headers.Authorization = "Bearer " + token();
      let body = opts.body;
      if (opts.json !== undefined) { body = JSON.stringify(opts.json); headers["Content-Type"] = "application/json"; }
      const resp = await fetch(path, { method: opts.method || "GET", headers, body, credentials: "same-origin" });
      if (resp.status === 401) {
        await askToken(attempt > 0 || token() !== "");
        continue;
      }
      let data = null;
      const ct = resp.headers.get("Content-Type") || "";
      if (ct.includes("json")) { try { data = await resp.json(); } catch (e) { data = null; } }
      if (!resp.ok) throw new APIError(resp.status, data || { error: resp.status + " " + resp.statusText });
      return data;
    }
    throw new APIError(401, { error: "not signed in" });
  }

  let tokenWaiters = null;
  function askToken(wrong) {
    const dlg = document.getElementById("login");
    const errp = document.getElementById("login-error");
    errp.hidden = !wrong;
    errp.textContent = wrong ? "That token was refused." : "";
    if (!tokenWaiters) {
      tokenWaiters = [];
      dlg.showModal();
      dlg.querySelector("input").focus();
    }
    return new Promise((resolve) => tokenWaiters.push(resolve));
  }
  document.getElementById("login-form").addEventListener("submit", (ev) => {
    const v = ev.target.elements.token.value.trim();
    if (!v) { ev.preventDefault(); return; }
    sessionStorage.setItem(TOKEN_KEY, v);
    ev.target.reset();
    updateLogout();
    const w = tokenWaiters || [];
    tokenWaiters = null;
    w.forEach((r) => r());
  });
  document.getElementById("login").addEventListener("cancel", (ev) => ev.preventDefault());
  const logoutBtn = document.getElementById("logout");
  function updateLogout() { logoutBtn.hidden = !token(); }
  logoutBtn.addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); stopLive(); location.reload(); });

  // ---------- Routing ----------

  function go(url, replace) {
    if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
    route();
  }
  document.addEventListener("click", (ev) => {
    const a = ev.target.closest && ev.target.closest("a[href]");
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    if (a.target || a.origin !== location.origin || a.pathname.startsWith("/api/") || a.pathname.startsWith("/feeds/") || a.hasAttribute("download")) return;
    ev.preventDefault();
    go(a.pathname + a.search);
  });
  window.addEventListener("popstate", route);

  let routeSeq = 0;
  async function route() {
    const seq = ++routeSeq;
    const path = location.pathname;
    const params = new URLSearchParams(location.search);
    selected = -1;
    clear(main);
    let m;
    try {
      loadTopicNames(); // asked beside the page's own request; awaited before chips are drawn
      if (path === "/" || path === "/search") await searchPage(params, seq);
      else if ((m = path.match(/^\/article\/([^/]+)$/))) await articlePage(decodeURIComponent(m[1]), seq);
      else if ((m = path.match(/^\/entity\/([^/]+)$/))) await subjectPage("entity", decodeURIComponent(m[1]), seq);
      else if ((m = path.match(/^\/topic\/([^/]+)$/))) await subjectPage("topic", decodeURIComponent(m[1]), seq);
      else if (path === "/alerts") await alertsPage(seq);
      else if (path === "/feeds") await feedsPage(seq);
      else main.appendChild(el("p", {}, "No such page. ", el("a", { href: "/" }, "Search")));
    } catch (e) {
      if (seq !== routeSeq) return;
      main.appendChild(el("p", { class: "error", role: "alert" }, "Could not load this page: ", e.message));
    }
  }
  function current(seq) { return seq === routeSeq; }

  // ---------- Queries ----------

  // quoteValue makes a keyword value safe inside field:"...": the query language has no
  // escape inside phrases, so a double quote becomes a space.
  function quoteValue(v) { return '"' + String(v).replace(/"/g, " ").trim() + '"'; }
  function filterQuery(filters) {
    return filters.map((f) => {
      const i = f.indexOf(":");
      return f.slice(0, i) + ":" + quoteValue(f.slice(i + 1));
    }).join(" ");
  }
  // combine joins the analyst's query and the facet filters into one query.
  function combine(q, filters) {
    const fq = filterQuery(filters);
    if (!q.trim()) return fq;
    if (!fq) return q;
    return "(" + q + ") " + fq;
  }
  function searchURL(p) {
    const u = new URLSearchParams();
    if (p.q) u.set("q", p.q);
    if (p.sort && (p.sort !== "relevance" || !p.q)) u.set("sort", p.sort);
    if (p.from) u.set("from", p.from);
    if (p.to) u.set("to", p.to);
    for (const f of p.filters || []) u.append("f", f);
    if (p.collapse === false) u.set("collapse", "0");
    if (p.expand === false) u.set("expand", "0");
    if (p.size && p.size !== PAGE_SIZE) u.set("size", String(p.size));
    const s = u.toString();
    return "/search" + (s ? "?" + s : "");
  }
  function readSearch(params) {
    return {
      q: params.get("q") || "",
      // Relevance means nothing without words: an empty box lists the newest first.
      sort: params.get("sort") === "newest" || (!params.get("sort") && !params.get("q")) ? "newest" : "relevance",
      from: params.get("from") || "",
      to: params.get("to") || "",
      filters: params.getAll("f").filter((f) => f.indexOf(":") > 0),
      collapse: params.get("collapse") !== "0",
      expand: params.get("expand") !== "0",
      size: Math.min(200, Math.max(1, parseInt(params.get("size"), 10) || PAGE_SIZE)),
    };
  }
  function apiSearchPath(s, extra) {
    const u = new URLSearchParams();
    u.set("q", combine(s.q, s.filters));
    u.set("sort", s.sort);
    if (s.from) u.set("from", s.from);
    if (s.to) u.set("to", s.to);
    if (s.collapse) u.set("collapse", "1");
    if (!s.expand) u.set("expand", "false");
    for (const [k, v] of Object.entries(extra || {})) u.set(k, v);
    return "/api/search?" + u.toString();
  }

  // byteToIndex maps a byte offset in the UTF-8 encoding of s to an index in the JS
  // (UTF-16) string; -1 when the offset falls inside a character.
  function byteToIndex(s, offset) {
    let bytes = 0;
    let i = 0;
    while (i < s.length && bytes < offset) {
      const cp = s.codePointAt(i);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp > 0xffff ? 2 : 1;
    }
    return bytes === offset ? i : -1;
  }

  // byteIndexes maps every UTF-8 byte offset of s to its string index in one pass, for
  // texts with many mentions; offsets inside a character or past the end give -1.
  function byteIndexes(s) {
    const map = new Int32Array(new TextEncoder().encode(s).length + 1).fill(-1);
    let bytes = 0;
    for (let i = 0; i < s.length;) {
      map[bytes] = i;
      const cp = s.codePointAt(i);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp > 0xffff ? 2 : 1;
    }
    map[bytes] = s.length;
    return (offset) => (Number.isInteger(offset) && offset >= 0 && offset < map.length ? map[offset] : -1);
  }

  // ---------- Search page ----------

  function queryBox(value, onSubmit, state) {
    const backdrop = el("div", { class: "backdrop", "aria-hidden": "true" });
    const input = el("input", {
      type: "search", name: "q", id: "q", value, autocomplete: "off", spellcheck: "false", dir: "auto",
      "aria-label": "Query", placeholder: 'Lachin OR Laçın   entity:Q399   "corridor de Latchine"   published:>2026-01-01',
    });
    const wrap = el("div", { class: "qwrap" }, backdrop, input);
    input.addEventListener("scroll", () => { backdrop.scrollLeft = input.scrollLeft; });
    input.addEventListener("input", () => { wrap.classList.remove("invalid"); clear(backdrop); input.removeAttribute("aria-invalid"); });
    return { wrap, input, backdrop };
  }

  // markError underlines the character at the error's byte position in the query box and in
  // the message below it, and puts the caret there.
  function markError(box, errNode, q, err) {
    const pos = typeof err.position === "number" ? err.position : -1;
    let idx = pos >= 0 ? byteToIndex(q, pos) : -1;
    if (pos >= 0 && idx < 0) idx = q.length;
    clear(errNode);
    errNode.hidden = false;
    if (idx >= 0) {
      const at = idx < q.length ? q.slice(idx, idx + (q.codePointAt(idx) > 0xffff ? 2 : 1)) : " ";
      append(clear(box.backdrop), q.slice(0, idx), el("span", { class: "err-at" }, at), q.slice(idx + at.length));
      box.wrap.classList.add("invalid");
      box.input.setAttribute("aria-invalid", "true");
      box.input.focus();
      box.input.setSelectionRange(idx, Math.min(q.length, idx + at.length));
      const col = err.column ? "column " + err.column + ": " : "";
      append(errNode, col, err.error, " ", el("code", { dir: "ltr" }, q.slice(0, idx), el("span", { class: "err-at" }, at), q.slice(idx + at.length)));
    } else {
      append(errNode, err.error);
    }
  }

  // Quick date ranges, as in Kibana: relative dates (now-7d/d) that the search API
  // evaluates when the search runs, so a bookmarked or refreshed page stays "the last 7 days".
  const quickRanges = [
    { from: "now-24h", label: "last 24 h" },
    { from: "now-7d/d", label: "last 7 days" },
    { from: "now-30d/d", label: "last 30 days" },
  ];
  function isRelativeDate(v) { return /^now/.test(v || ""); }
  // keepRelative keeps a relative date the analyst did not replace by typing a day.
  function keepRelative(current, typed) { return isRelativeDate(current) && !typed ? current : ""; }
  function quickRangeSelect(s, pick) {
    const sel = el("select", { name: "range", "aria-label": "Quick date range", class: "quickrange" },
      el("option", { value: "" }, "Quick range…"),
      ...quickRanges.map((r) => el("option", { value: r.from, selected: s.from === r.from && !s.to }, r.label)));
    sel.addEventListener("change", () => { if (sel.value) pick(sel.value); });
    return sel;
  }
  function rangeEndEl(v) {
    if (!isRelativeDate(v)) return timeEl(v, dayFormat);
    const q = quickRanges.find((r) => r.from === v);
    return el("span", { title: v }, q ? q.label : v);
  }

  async function searchPage(params, seq) {
    const s = readSearch(params);
    document.title = (s.q ? s.q + " – " : "") + "wirewatch search";
    const box = queryBox(s.q);
    const sortSel = el("select", { name: "sort", "aria-label": "Sort" },
      el("option", { value: "relevance", selected: s.sort === "relevance" }, "Most relevant"),
      el("option", { value: "newest", selected: s.sort === "newest" }, "Newest first"));
    const fromIn = el("input", { type: "date", name: "from", "aria-label": "From", value: isRelativeDate(s.from) ? "" : s.from.slice(0, 10) });
    const toIn = el("input", { type: "date", name: "to", "aria-label": "To", value: isRelativeDate(s.to) ? "" : s.to.slice(0, 10) });
    const errNode = el("p", { class: "qerror error", role: "alert", id: "qerror", hidden: true });
    const form = el("form", { class: "searchform", role: "search", action: "/search" },
      box.wrap, sortSel, el("button", { type: "submit" }, "Search"),
      el("div", { class: "dates" }, el("span", { class: "muted" }, "Published"), fromIn, "–", toIn,
        quickRangeSelect(s, (from) => go(searchURL(Object.assign({}, s, { q: box.input.value, from, to: "" }))))),
      expandToggle(s, box),
      errNode);
    const submit = (ev) => {
      if (ev) ev.preventDefault();
      // A date typed in the boxes is a whole day; a range chosen on the histogram stays exact.
      const from = keepRelative(s.from, fromIn.value) || (fromIn.value === s.from.slice(0, 10) ? s.from : fromIn.value);
      const to = keepRelative(s.to, toIn.value) || (toIn.value === s.to.slice(0, 10) ? s.to : toIn.value ? toIn.value + "T23:59:59Z" : "");
      // Until the analyst picks an order, it follows the query (relevance for words, newest for none).
      const sort = (ev && ev.type === "change") || params.has("sort") ? sortSel.value : "";
      go(searchURL({ q: box.input.value, sort, from, to, filters: s.filters, collapse: s.collapse, size: s.size }));
    };
    form.addEventListener("submit", submit);
    sortSel.addEventListener("change", submit);
    main.appendChild(form);

    const filtersBar = el("div", { class: "filters", "aria-label": "Active filters" });
    for (const f of s.filters) {
      const i = f.indexOf(":");
      const rest = s.filters.filter((x) => x !== f);
      filtersBar.appendChild(el("span", { class: "chip filter", title: f, "data-filter-field": f.slice(0, i), "data-filter-value": f.slice(i + 1) },
        el("bdi", { dir: "auto" }, filterLabel(f.slice(0, i), f.slice(i + 1))),
        el("a", { href: searchURL(Object.assign({}, s, { filters: rest })), "aria-label": "Remove filter " + f, class: "remove" }, "×")));
    }
    if (s.from || s.to) {
      filtersBar.appendChild(el("span", { class: "chip filter" }, "published ", s.from ? rangeEndEl(s.from) : "…", ...(isRelativeDate(s.from) && !s.to ? [] : [" – ", s.to ? rangeEndEl(s.to) : "…"]),
        el("a", { href: searchURL(Object.assign({}, s, { from: "", to: "" })), "aria-label": "Remove date range", class: "remove" }, "×")));
    }
    if (!s.collapse) {
      filtersBar.appendChild(el("span", { class: "chip filter" }, "all copies shown",
        el("a", { href: searchURL(Object.assign({}, s, { collapse: true })), "aria-label": "Collapse copies", class: "remove" }, "×")));
    }
    main.appendChild(filtersBar);

    const facetsCol = el("aside", { class: "facets", "aria-label": "Filters" });
    const resultsCol = el("section", { class: "results-col", "aria-live": "polite" });
    main.appendChild(el("div", { class: "layout" }, facetsCol, resultsCol));
    resultsCol.appendChild(el("p", { class: "muted" }, "Searching…"));

    let res;
    try {
      res = await api(apiSearchPath(s, { size: s.size, facets: "1", interval: "day" }));
    } catch (e) {
      if (!current(seq)) return;
      clear(resultsCol);
      if (e.status === 400 && typeof e.body.position === "number") {
        let err = e.body;
        if (s.filters.length) {
          // The position is in the combined query; ask again with the box's query alone.
          try { await api("/api/search?size=1&q=" + encodeURIComponent(s.q)); } catch (e2) { if (e2.status === 400) err = e2.body; }
          if (err === e.body) err = { error: e.body.error };
        }
        markError(box, errNode, s.q, err);
        return;
      }
      errNode.hidden = false;
      errNode.textContent = e.message;
      return;
    }
    await loadTopicNames();
    if (!current(seq)) return;
    learnTopicNames(res);
    clear(resultsCol);
    nameFilterChips(filtersBar, res);

    const followBtn = el("button", { type: "button", class: "secondary", id: "follow" }, "Follow this search");
    followBtn.addEventListener("click", () => followDialog(s, resultNames(res)));
    const exportLink = el("a", { href: "/api/export?format=csv&q=" + encodeURIComponent(combine(s.q, s.filters)) + (s.from ? "&from=" + encodeURIComponent(s.from) : "") + (s.to ? "&to=" + encodeURIComponent(s.to) : "") + (s.expand ? "" : "&expand=false"), download: "wirewatch-export.csv", class: "export" }, "Export CSV");
    exportLink.addEventListener("click", (ev) => {
      if (!token()) return;
      ev.preventDefault(); // the download needs the token, which a plain link cannot send as a header
      location.href = exportLink.getAttribute("href") + "&token=" + encodeURIComponent(token());
    });
    resultsCol.appendChild(el("div", { class: "summary" },
      el("p", { class: "muted", id: "total" }, res.total.toLocaleString() + (res.total === 1 ? " article" : " articles") + (s.collapse ? ", each story once" : "") + " · " + Math.max(1, Math.round((res.took_ns || 0) / 1e6)) + " ms"),
      el("span", {}, exportLink, " ", followBtn)));
    const also = alsoMatched(res.expanded);
    if (also) resultsCol.appendChild(also);

    if (res.histogram && res.histogram.length) {
      resultsCol.appendChild(timeline(res.histogram, "day", (from, to) => go(searchURL(Object.assign({}, s, { from, to })))));
    }
    const map = resultMap(s, res, resultsCol);
    if (map) resultsCol.appendChild(map);
    const list = el("ol", { class: "results", id: "results" });
    resultsCol.appendChild(list);
    appendHits(list, res.hits);
    if (!res.hits.length) resultsCol.appendChild(el("p", { class: "notice" }, "Nothing matches. Try fewer words, OR, or a wildcard (Lach*)."));
    moreButton(resultsCol, list, res.next, (after) => api(apiSearchPath(s, { size: s.size, after })), seq);

    renderFacets(facetsCol, res.facets || {}, (field, value) => {
      const f = field + ":" + value;
      if (s.filters.includes(f)) return null;
      return searchURL(Object.assign({}, s, { filters: s.filters.concat([f]) }));
    });
  }

  // expandToggle is the "also match entities" switch: a query's names also find the
  // articles linked to the entities they name, in every language (the API's expand).
  function expandToggle(s, box) {
    const cb = el("input", { type: "checkbox", id: "expand", name: "expand", checked: s.expand });
    cb.addEventListener("change", () => go(searchURL(Object.assign({}, s, { q: box.input.value, expand: cb.checked }))));
    return el("label", { class: "expand-toggle", title: "Names also find the articles linked to the entities they name, in every language and script" }, cb, " also match entities");
  }

  // alsoMatched says which entities the query's names were widened with:
  // "also matched: Lachin corridor, as Лачинский коридор".
  function alsoMatched(expanded) {
    if (!expanded || !expanded.length) return null;
    const p = el("p", { class: "muted also-matched", id: "also-matched" }, "also matched: ");
    expanded.forEach((x, i) => {
      if (i) append(p, "; ");
      append(p, el("a", { href: searchURL({ q: "entity:" + quoteValue(x.entity) }) }, el("bdi", { dir: "auto" }, x.name || x.entity)),
        x.alias ? [", as ", el("bdi", { dir: "auto" }, x.alias)] : []);
    });
    return p;
  }

  function moreButton(parent, list, next, fetchPage, seq) {
    if (!next) return;
    const btn = el("button", { type: "button", class: "secondary more", id: "more" }, "More results");
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      btn.textContent = "Loading…";
      try {
        const page = await fetchPage(next);
        if (!current(seq)) return;
        appendHits(list, page.hits);
        next = page.next;
        btn.disabled = false;
        btn.textContent = "More results";
        if (!next || !page.hits.length) btn.remove();
      } catch (e) {
        btn.textContent = "Could not load more: " + e.message;
      }
    });
    parent.appendChild(btn);
  }

  function renderFacets(col, facets, hrefFor) {
    for (const [name, field, heading] of FACETS) {
      const values = facets[name] || [];
      if (!values.length) continue;
      const ul = el("ul", {});
      for (const v of values.slice(0, 12)) {
        const href = hrefFor(field, v.value);
        let label = v.label || v.value;
        if (field === "lang") label = langName(v.value);
        if (field === "country" && !v.label) label = regionName(v.value);
        if (field === "topic" && !v.label) label = topicLabel(v.value);
        const inner = [el("bdi", { dir: "auto" }, label), el("span", { class: "n" }, v.count.toLocaleString())];
        ul.appendChild(el("li", { class: "facet" }, href
          ? el("button", { type: "button", "data-field": field, "data-value": v.value, onclick: () => go(href) }, inner)
          : el("button", { type: "button", disabled: true, "aria-pressed": "true" }, inner)));
      }
      col.appendChild(el("section", { "data-facet": name }, el("h3", {}, heading), ul));
    }
  }

  // histogram draws a bar per bucket; a click narrows the search to that bucket.
  function histogram(buckets, interval, onPick) {
    const W = 600, H = 80;
    const max = Math.max(1, ...buckets.map((b) => b.count));
    const bw = W / buckets.length;
    const svg = el("svg:svg", { class: "histogram", viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "group", "aria-label": "Articles per " + interval });
    const step = { hour: 3600e3, day: 86400e3, week: 7 * 86400e3 }[interval] || 86400e3;
    buckets.forEach((b, i) => {
      const h = b.count ? Math.max(2, (b.count / max) * (H - 2)) : 0;
      const start = new Date(b.start);
      const end = new Date(start.getTime() + step - 1000);
      const label = dayFormat.format(start) + ": " + b.count;
      const bar = el("svg:rect", { class: "bar", x: (i * bw + bw * 0.1).toFixed(2), y: (H - h).toFixed(2), width: Math.max(0.5, bw * 0.8).toFixed(2), height: h.toFixed(2), tabindex: b.count ? "0" : null, role: "button", "aria-label": label, "data-start": b.start },
        el("svg:title", {}, label));
      const pick = () => onPick(start.toISOString().replace(".000Z", "Z"), end.toISOString().replace(".000Z", "Z"));
      bar.addEventListener("click", pick);
      bar.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(); } });
      svg.appendChild(bar);
    });
    svg.appendChild(el("svg:line", { class: "axis", x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5 }));
    const first = new Date(buckets[0].start), last = new Date(buckets[buckets.length - 1].start);
    return el("figure", { class: "histo", id: "histogram" }, svg,
      el("figcaption", { class: "histo-axis" }, el("span", {}, dayFormat.format(first)),
        el("span", { class: "muted" }, "peak " + max.toLocaleString() + " a " + interval + " · click a bar to narrow the dates"), el("span", {}, dayFormat.format(last))));
  }

  // timeline is the histogram scaled to where the articles are: a few articles far from the
  // rest (one dated 2007 among this week's) are left out of the chart, which says so and
  // offers "all time".
  function timeline(buckets, interval, onPick) {
    const box = el("div", { class: "timeline", id: "timeline" });
    const draw = (all) => {
      const shown = all ? buckets : clipBuckets(buckets);
      const left = buckets.reduce((n, b) => n + b.count, 0) - shown.reduce((n, b) => n + b.count, 0);
      const fig = histogram(shown, interval, onPick);
      if (left > 0 || all && shown.length !== clipBuckets(buckets).length) {
        const toggle = el("button", { type: "button", class: "linklike", id: "timeline-all" }, all ? "show where most articles are" : "all time");
        toggle.addEventListener("click", () => draw(!all));
        fig.appendChild(el("p", { class: "muted histo-note", id: "timeline-note" },
          all ? "All time. " : left.toLocaleString() + (left === 1 ? " article lies" : " articles lie") + " far outside this range. ", toggle));
      }
      clear(box).appendChild(fig);
    };
    draw(false);
    return box;
  }
  // clipBuckets drops the buckets at either end that hold only a few articles (at most 10%
  // of them, or one) separated from the rest by a gap longer than twice the rest's span
  // (and than a week).
  function clipBuckets(buckets) {
    const total = buckets.reduce((n, b) => n + b.count, 0);
    const allowed = Math.max(1, Math.floor(total * 0.1));
    const full = buckets.map((b, i) => ({ i, t: new Date(b.start).getTime(), n: b.count })).filter((x) => x.n > 0);
    if (full.length < 2) return buckets;
    const week = 7 * 86400e3;
    const cut = (list) => { // how many of list's first entries to drop
      let dropped = 0, best = 0;
      for (let k = 1; k < list.length; k++) {
        dropped += list[k - 1].n;
        if (dropped > allowed) break;
        const gap = Math.abs(list[k].t - list[k - 1].t), rest = Math.abs(list[list.length - 1].t - list[k].t);
        if (gap > 2 * Math.max(rest, week)) best = k;
      }
      return best;
    };
    const lo = cut(full), hi = cut(full.slice(lo).reverse());
    const first = full[lo].i, last = full[full.length - 1 - hi].i;
    return buckets.slice(first, last + 1);
  }

  function entityChip(e) {
    return el("a", { class: "chip ent " + (e.type || "MISC"), href: "/entity/" + encodeURIComponent(e.id), title: (e.type || "") + " " + e.id, dir: "auto" }, e.name || e.id);
  }
  // topicLabel is a topic's name from the rules file, in the reader's language when the file
  // has it (GET /api/topics, loaded before each page: loadTopicNames; or the labels of a
  // search answer's topic facets: learnTopicNames); without either, the ID made readable
  // ("lachin-corridor" → "Lachin corridor").
  function topicLabel(t) {
    const name = topicNames.get(String(t));
    if (name) return name;
    const s = String(t).replace(/[-_]+/g, " ").trim();
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  function topicChip(t) {
    return el("a", { class: "chip topic", href: "/topic/" + encodeURIComponent(t), title: "topic " + t }, topicLabel(t));
  }

  // ---------- Names: topics from the rules file, entities from the results ----------

  let topicNames = new Map();
  let topicNamesP = null;
  // loadTopicNames asks once per page load and returns the promise to await before drawing
  // topic names; a server without the enrichment stage in this process answers 404 and
  // the IDs are shown readable instead (asked again on the next page).
  function loadTopicNames() {
    if (!topicNamesP) {
      topicNamesP = api("/api/topics").then((r) => {
        topicNames = new Map(((r && r.topics) || []).map((t) => [t.id, nameInReaderLang(t)]));
      }, () => { topicNamesP = null; });
    }
    return topicNamesP || Promise.resolve();
  }
  // nameInReaderLang is a topic's name in the browser's first language ("fr-CH" → "fr"), else
  // its name in the file's main language.
  function nameInReaderLang(t) {
    const names = t.names || {};
    for (const tag of navigator.languages || [navigator.language || ""]) {
      const l = String(tag).toLowerCase().split("-")[0];
      if (names[l]) return names[l];
    }
    return t.name || t.id;
  }
  // learnTopicNames keeps the names a search answer labels its topic facets with (the
  // server names them in the reader's language), for the topic chips of its hits.
  function learnTopicNames(res) {
    for (const v of ((res && res.facets) || {}).topics || []) if (v.label && !topicNames.has(v.value)) topicNames.set(v.value, v.label);
  }
  // resultNames maps the entity IDs a search answer mentions (facets, hits) to their names.
  function resultNames(res) {
    const names = new Map();
    for (const h of (res && res.hits) || []) for (const e of h.entities || []) if (e.name && !names.has(e.id)) names.set(e.id, e.name);
    for (const v of ((res && res.facets) || {}).entities || []) if (v.label) names.set(v.value, v.label);
    return names;
  }
  // filterLabel is what a filter chip says: an entity's or topic's name, a language's name,
  // else "field: value". names is resultNames of the answer.
  function filterLabel(field, value, names) {
    if (field === "entity") return (names && names.get(value)) || value;
    if (field === "topic") return topicLabel(value);
    if (field === "lang") return langName(value);
    if (field === "country") return regionName(value);
    return field + ": " + value;
  }
  // nameFilterChips replaces the IDs in the filter chips once the answer says whose they are.
  function nameFilterChips(bar, res) {
    const names = resultNames(res);
    for (const chip of bar.querySelectorAll("[data-filter-field]")) {
      chip.querySelector("bdi").textContent = filterLabel(chip.dataset.filterField, chip.dataset.filterValue, names);
    }
  }
  // followName is the name the follow dialog proposes: the query with entity and topic IDs
  // replaced by names, then the filters by their labels ("Ilham Aliyev · English").
  function followName(s, names) {
    const q = String(s.q || "").replace(/\b(entity|topic):(?:"([^"]*)"|([^\s()"]+))/g, (m, field, quoted, bare) => {
      const v = (quoted !== undefined ? quoted : bare).trim();
      const label = field === "topic" ? (topicNames.get(v) || "") : ((names && names.get(v)) || "");
      return label || m;
    }).trim();
    const parts = (q ? [q] : []).concat((s.filters || []).map((f) => {
      const i = f.indexOf(":");
      return filterLabel(f.slice(0, i), f.slice(i + 1), names);
    }));
    return (parts.join(" · ") || "everything").slice(0, 200);
  }

  function appendHits(list, hits) {
    for (const h of hits || []) list.appendChild(hitItem(h));
  }
  function hitItem(h) {
    const hl = h.highlights || {};
    const titleKey = Object.keys(hl).find((k) => k === "title" || k.startsWith("title_"));
    const title = titleKey && hl[titleKey].length ? fragment(hl[titleKey][0]) : document.createTextNode(h.title || "(no title)");
    const snippets = [];
    for (const [k, frags] of Object.entries(hl)) {
      if (k === titleKey) continue;
      for (const f of frags.slice(0, 2)) snippets.push(el("p", { class: "snippet", dir: "auto", lang: h.lang || null }, fragment(f)));
    }
    const meta = el("div", { class: "meta" },
      el("bdi", { dir: "auto", class: "source" }, h.source || "unknown source"), " · ",
      el("span", { class: "lang" }, langName(h.lang)), " · ", timeEl(h.published));
    if (h.copies > 0 && h.story_id) {
      append(meta, " · ", el("a", { class: "copies", href: searchURL({ q: "story:" + quoteValue(h.story_id), sort: "newest", collapse: false }) }, "+" + h.copies + (h.copies === 1 ? " copy" : " copies")));
    }
    const chips = el("div", { class: "chips" }, (h.topics || []).map(topicChip), (h.entities || []).slice(0, 8).map(entityChip));
    return el("li", { class: "result", "data-id": h.id },
      el("h3", { dir: "auto", lang: h.lang || null }, el("a", { href: "/article/" + encodeURIComponent(h.id), class: "open" }, title)),
      meta, snippets, chips);
  }

  // ---------- Follow (save as alert) ----------

  function followDialog(s, names) {
    const q = combine(s.q, s.filters);
    const dlg = el("dialog", { class: "follow", id: "follow-dialog" });
    const err = el("p", { class: "error", role: "alert", hidden: true });
    const form = el("form", { method: "dialog" },
      el("h2", {}, "Follow this search"),
      el("p", {}, "New articles matching ", el("code", { class: "qtext", dir: "auto" }, q || "(everything)"), " will be sent to the channels you choose."),
      el("label", {}, "Name ", el("input", { type: "text", name: "name", value: followName(s, names), required: true, dir: "auto" })),
      el("label", {}, "Send ", el("select", { name: "mode" },
        el("option", { value: "immediate" }, "at once"), el("option", { value: "hourly" }, "hourly digest"), el("option", { value: "daily" }, "daily digest"))),
      el("fieldset", {}, el("legend", {}, "Channels"),
        el("label", {}, el("input", { type: "checkbox", name: "sse", checked: true }), " Live panel in this interface"),
        el("label", {}, el("input", { type: "checkbox", name: "atom", checked: true }), " Atom feed"),
        el("label", {}, "Webhook URL ", el("input", { type: "url", name: "webhook", placeholder: "https://…" })),
        el("label", {}, "Webhook secret ", el("input", { type: "text", name: "secret", autocomplete: "off" })),
        el("label", {}, "Slack webhook URL ", el("input", { type: "url", name: "slack", placeholder: "https://hooks.slack.com/…" })),
        el("label", {}, "E-mail to ", el("input", { type: "email", name: "email", multiple: true, placeholder: "analyst@example.org" }))),
      err,
      el("menu", {}, el("button", { type: "button", class: "secondary", value: "cancel", onclick: () => dlg.close() }, "Cancel"),
        el("button", { type: "submit", id: "follow-save" }, "Save")));
    dlg.appendChild(form);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = form.elements;
      const channels = [];
      if (f.sse.checked) channels.push({ type: "sse" });
      if (f.atom.checked) channels.push({ type: "atom" });
      if (f.webhook.value) channels.push({ type: "webhook", url: f.webhook.value, secret: f.secret.value });
      if (f.slack.value) channels.push({ type: "slack", url: f.slack.value });
      if (f.email.value) channels.push({ type: "email", to: f.email.value.split(",").map((x) => x.trim()).filter(Boolean) });
      try {
        await api("/api/searches", { method: "POST", json: { name: f.name.value, query: q, mode: f.mode.value, channels } });
        dlg.close();
        const btn = document.getElementById("follow");
        if (btn) { btn.textContent = "Following ✓"; btn.disabled = true; }
        startLive();
        flash("Saved. New matches appear under Follow.");
      } catch (e) {
        err.hidden = false;
        err.textContent = e.status === 404 || e.status === 405 ? "This server has no saved searches (alerting is off)." : e.message;
      }
    });
    dlg.addEventListener("close", () => dlg.remove());
    document.body.appendChild(dlg);
    dlg.showModal();
  }

  function flash(msg) {
    const n = el("p", { class: "notice ok", role: "status", id: "flash" }, msg);
    const old = document.getElementById("flash");
    if (old) old.remove();
    main.prepend(n);
    setTimeout(() => n.remove(), 6000);
  }

  // ---------- Article page ----------

  // markedText splits field text into paragraphs, with the entity mentions that fall in it
  // turned into links. Offsets are UTF-8 byte offsets (Go strings); they are converted to
  // string indices, and mentions that overlap or fall inside a character are left unmarked.
  function markedText(textValue, mentions, paraTag) {
    const spans = [];
    const toIndex = mentions.length ? byteIndexes(textValue) : null;
    for (const m of mentions) {
      const a = toIndex(m.start), b = toIndex(m.end);
      if (a < 0 || b <= a || b > textValue.length) continue;
      spans.push({ a, b, e: m.entity });
    }
    spans.sort((x, y) => x.a - y.a || y.b - x.b);
    // Paragraphs each find their own direction; spans (a title's parts) must not carry
    // dir, or the heading around them could not see their letters and would stay LTR.
    const dir = paraTag === "p" ? "auto" : null;
    const paras = [];
    let p = el(paraTag, { dir });
    const pushText = (t) => {
      const chunks = t.split(/\n\s*\n|\n/);
      chunks.forEach((c, i) => {
        if (i > 0) { if (p.childNodes.length) paras.push(p); p = el(paraTag, { dir }); }
        if (c) p.appendChild(document.createTextNode(c));
      });
    };
    let at = 0;
    for (const s of spans) {
      if (s.a < at) continue;
      pushText(textValue.slice(at, s.a));
      p.appendChild(el("a", { class: "mention " + (s.e.type || "MISC"), href: "/entity/" + encodeURIComponent(s.e.id), title: s.e.name + " (" + s.e.type + ")", "data-entity": s.e.id }, textValue.slice(s.a, s.b)));
      at = s.b;
    }
    pushText(textValue.slice(at));
    if (p.childNodes.length) paras.push(p);
    return paras;
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function articlePage(id, seq) {
    // An alert can arrive a moment before the indexer has written its article (they read
    // the same topic side by side), so a missing article is asked for again for a while.
    let a;
    for (let attempt = 0; ; attempt++) {
      try {
        a = await api("/api/articles/" + encodeURIComponent(id));
        await loadTopicNames();
        break;
      } catch (e) {
        if (e.status !== 404 || attempt >= 10 || !current(seq)) throw e;
        if (attempt === 0) main.appendChild(el("p", { class: "muted", id: "waiting" }, "This article is not in the index yet; waiting for it…"));
        await sleep(1000);
      }
    }
    if (!current(seq)) return;
    const waiting = document.getElementById("waiting");
    if (waiting) waiting.remove();
    document.title = (a.title || "article") + " – wirewatch";
    const byField = { title: [], summary: [], text: [] };
    for (const e of a.entities || []) {
      for (const m of e.mentions || []) if (byField[m.field]) byField[m.field].push({ start: m.start, end: m.end, entity: e });
    }
    const art = el("article", { class: "article", lang: a.lang && a.lang !== "und" ? a.lang : null });
    const titleParts = markedText(a.title || "(no title)", byField.title, "span");
    art.appendChild(el("h1", { dir: "auto", id: "article-title" }, titleParts));
    const src = (a.source && (a.source.feed_title || a.source.feed_url)) || "";
    art.appendChild(el("p", { class: "meta" },
      el("bdi", { dir: "auto" }, src), " · ", langName(a.lang), " · ", timeEl(a.published),
      (a.authors && a.authors.length) ? [" · ", el("bdi", { dir: "auto" }, a.authors.join(", "))] : null,
      a.url ? [" · ", el("a", { href: a.url, rel: "noopener noreferrer nofollow", target: "_blank", id: "original" }, "original ↗")] : null));
    const body = el("div", { class: "body", id: "article-body" });
    if (a.summary && a.text && !a.text.startsWith(a.summary.slice(0, 60))) {
      for (const p of markedText(a.summary, byField.summary, "p")) { p.classList.add("summary-text"); body.appendChild(p); }
    }
    append(body, a.text ? markedText(a.text, byField.text, "p") : markedText(a.summary || "", byField.summary, "p"));
    if (!body.childNodes.length) body.appendChild(el("p", { class: "muted" }, "This item has no text; see the original."));
    art.appendChild(body);

    const side = el("aside", { class: "side" });
    if (a.topics && a.topics.length) side.appendChild(el("section", {}, el("h2", {}, "Topics"), el("div", { class: "chips" }, a.topics.map(topicChip))));
    if (a.entities && a.entities.length) {
      side.appendChild(el("section", { id: "article-entities" }, el("h2", {}, "Mentioned"),
        el("div", { class: "chips" }, a.entities.map((e) => entityChip(e)))));
    }
    const copies = el("section", { id: "copies" }, el("h2", {}, "Other copies of this story"), el("p", { class: "muted" }, "…"));
    if (a.story_id) side.appendChild(copies);
    if (a.sources && a.sources.length > 1) {
      side.appendChild(el("section", {}, el("h2", {}, "Also carried by"),
        el("ul", {}, a.sources.map((s) => el("li", {}, el("bdi", { dir: "auto" }, s.feed_title || s.feed_url))))));
    }
    main.appendChild(el("div", { class: "layout wide" }, art, side));
    if (a.story_id) {
      try {
        const res = await api("/api/search?" + new URLSearchParams({ q: "story:" + quoteValue(a.story_id), sort: "newest", size: "20" }));
        if (!current(seq)) return;
        const others = (res.hits || []).filter((h) => h.id !== a.id);
        clear(copies).appendChild(el("h2", {}, "Other copies of this story"));
        if (!others.length) copies.appendChild(el("p", { class: "muted" }, "None: only this outlet carried it."));
        else copies.appendChild(el("ul", {}, others.map((h) => el("li", {},
          el("a", { href: "/article/" + encodeURIComponent(h.id), dir: "auto" }, h.title || h.id), " ",
          el("span", { class: "meta" }, el("bdi", { dir: "auto" }, h.source), " · ", timeEl(h.published))))));
      } catch (e) {
        clear(copies).appendChild(el("p", { class: "error" }, "Copies: " + e.message));
      }
    }
  }

  // ---------- Entity and topic pages ----------

  async function subjectPage(kind, id, seq) {
    const q = kind + ":" + quoteValue(id);
    const res = await api("/api/search?" + new URLSearchParams({ q, sort: "newest", size: "20", facets: "1", interval: "day", collapse: "1" }));
    await loadTopicNames();
    if (!current(seq)) return;
    learnTopicNames(res);
    let name = kind === "topic" ? topicLabel(id) : id, type = "";
    if (kind === "entity") {
      for (const h of res.hits || []) {
        const e = (h.entities || []).find((x) => x.id === id);
        if (e) { name = e.name || id; type = e.type; break; }
      }
    }
    document.title = name + " – wirewatch";
    const head = el("header", {},
      el("p", { class: "muted" }, kind === "entity" ? "Entity" : "Topic", type ? " · " + type : "", " · ", el("code", {}, id)),
      el("h1", { dir: "auto", id: "subject-name" }, name),
      el("p", {}, el("span", { class: "muted" }, res.total.toLocaleString() + (res.total === 1 ? " article · " : " articles · ")),
        el("a", { href: searchURL({ q: "", filters: [kind + ":" + id], sort: "newest" }) }, "search these articles"),
        /^Q[0-9]+$/.test(id) ? [" · ", el("a", { href: "https://www.wikidata.org/wiki/" + id, rel: "noopener noreferrer nofollow", target: "_blank" }, "Wikidata ↗")] : null));
    main.appendChild(head);
    const left = el("section", {});
    left.appendChild(el("h2", {}, "Mentions over time"));
    if (res.histogram && res.histogram.length) {
      left.appendChild(timeline(res.histogram, "day", (from, to) => go(searchURL({ q: "", filters: [kind + ":" + id], from, to, sort: "newest" }))));
    } else left.appendChild(el("p", { class: "muted" }, "No dated mentions yet."));
    left.appendChild(el("h2", {}, "Latest articles"));
    const list = el("ol", { class: "results", id: "results" });
    left.appendChild(list);
    appendHits(list, res.hits);
    moreButton(left, list, res.next, (after) => api("/api/search?" + new URLSearchParams({ q, sort: "newest", size: "20", collapse: "1", after })), seq);

    const side = el("aside", { class: "side" });
    const map = subjectMap(kind, id, res);
    if (map) side.appendChild(map);
    const facets = res.facets || {};
    const related = (facets.entities || []).filter((c) => !(kind === "entity" && c.value === id)).slice(0, 15);
    side.appendChild(el("section", { id: "related" }, el("h2", {}, "Related entities"),
      related.length ? el("ul", {}, related.map((c) => el("li", {}, el("a", { href: "/entity/" + encodeURIComponent(c.value), dir: "auto" }, c.label || c.value), " ", el("span", { class: "muted" }, "(" + c.count + ")"))))
        : el("p", { class: "muted" }, "None yet.")));
    const topics = (facets.topics || []).filter((c) => !(kind === "topic" && c.value === id));
    if (topics.length) side.appendChild(el("section", {}, el("h2", {}, "Topics"), el("div", { class: "chips" }, topics.slice(0, 10).map((c) => topicChip(c.value)))));
    const srcs = facets.sources || [];
    if (srcs.length) side.appendChild(el("section", {}, el("h2", {}, "Sources"), el("ul", {}, srcs.slice(0, 10).map((c) => el("li", {}, el("bdi", { dir: "auto" }, c.label || c.value), " ", el("span", { class: "muted" }, "(" + c.count + ")"))))));
    main.appendChild(el("div", { class: "layout wide" }, left, side));
  }

  // ---------- Map of places ----------

  // The country outlines (world.svg, made by tools/worldmap from Natural Earth) are
  // equirectangular in degrees: a place is drawn at x = lon + 180, y = 90 - lat, and the
  // viewBox frames the places. The file is fetched once and parsed as XML off the page;
  // only its paths' data is read, so the outlines take the page's colours. Each map draws
  // the outlines cut to its frame: nothing of them lies outside the map's box.
  const WORLD_TOP = 6, WORLD_BOTTOM = 148; // 84°N and 58°S, the outlines' extent
  const MAP_MIN_SPAN = 16; // degrees of longitude: a single place shows its region
  const MAP_MAX_PLACES = 60;
  let worldCountries = null;
  function loadWorld() {
    if (!worldCountries) {
      worldCountries = fetch("/ui/world.svg", { credentials: "same-origin" })
        .then((r) => (r.ok ? r.text() : ""))
        .then((t) => [...new DOMParser().parseFromString(t, "image/svg+xml").querySelectorAll("path")].map((p) => parseRings(p.getAttribute("d") || "")))
        .catch(() => []);
    }
    return worldCountries;
  }
  // parseRings reads the path data tools/worldmap writes (relative moves, implicit
  // linetos, z) into rings of absolute points.
  function parseRings(d) {
    const rings = [];
    let x = 0, y = 0, sx = 0, sy = 0, ring = null, half = null;
    for (const tok of d.match(/[mz]|-?[0-9.]+/g) || []) {
      if (tok === "m") { ring = []; rings.push(ring); continue; }
      if (tok === "z") { x = sx; y = sy; ring = null; continue; }
      if (!ring) continue;
      if (half === null) { half = Number(tok); continue; }
      x += half; y += Number(tok); half = null;
      if (!ring.length) { sx = x; sy = y; }
      ring.push([x, y]);
    }
    return rings;
  }
  // clipRing cuts a ring to the box [x0, y0, x1, y1] (Sutherland–Hodgman).
  function clipRing(ring, box) {
    const edges = [[0, box[0], 1], [0, box[2], -1], [1, box[1], 1], [1, box[3], -1]]; // axis, bound, side
    let pts = ring;
    for (const [ax, v, side] of edges) {
      if (!pts.length) break;
      const inside = (p) => (p[ax] - v) * side >= 0;
      const cross = (p, q) => {
        const t = (v - p[ax]) / (q[ax] - p[ax]);
        return ax === 0 ? [v, p[1] + t * (q[1] - p[1])] : [p[0] + t * (q[0] - p[0]), v];
      };
      const out = [];
      pts.forEach((q, i) => {
        const p = pts[(i + pts.length - 1) % pts.length];
        if (inside(q)) { if (!inside(p)) out.push(cross(p, q)); out.push(q); } else if (inside(p)) out.push(cross(p, q));
      });
      pts = out;
    }
    return pts;
  }
  function countryPath(rings, box) {
    let d = "";
    for (const r of rings) {
      const pts = clipRing(r, box);
      if (pts.length > 2) d += "M" + pts.map((p) => p[0].toFixed(2) + " " + p[1].toFixed(2)).join("L") + "Z";
    }
    return d;
  }

  // resultPlaces lists the located entities (with lat and lon) of the hits, each counted as
  // the entities facet counts it over the whole result set, or else in the hits shown
  // (all: false). The most mentioned first, at most MAP_MAX_PLACES.
  function resultPlaces(hits, facetEntities) {
    const facet = new Map((facetEntities || []).map((c) => [c.value, c.count]));
    const by = new Map();
    for (const h of hits || []) {
      for (const e of h.entities || []) {
        if (typeof e.lat !== "number" || typeof e.lon !== "number" || Math.abs(e.lat) > 90 || Math.abs(e.lon) > 180) continue;
        const p = by.get(e.id) || { id: e.id, name: e.name || e.id, lat: e.lat, lon: e.lon, shown: 0 };
        p.shown++;
        by.set(e.id, p);
      }
    }
    return [...by.values()].map((p) => Object.assign(p, { count: facet.get(p.id) || p.shown, all: facet.has(p.id) }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, MAP_MAX_PLACES);
  }

  // mapView frames the places: their bounding box with a margin (a fifth of it each side,
  // and at least 2°), at least MAP_MIN_SPAN degrees wide, widened to aspect (width /
  // height) and moved inside the map where it fits.
  function mapView(places, aspect) {
    const xs = places.map((p) => p.lon + 180), ys = places.map((p) => 90 - p.lat);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const pad = (span) => span * 1.4 + 4;
    let w = Math.max(MAP_MIN_SPAN, pad(x1 - x0), pad(y1 - y0) * aspect);
    w = Math.min(w, 360);
    const h = w / aspect;
    const x = Math.min(Math.max((x0 + x1) / 2 - w / 2, 0), 360 - w);
    const y = Math.min(Math.max((y0 + y1) / 2 - h / 2, WORLD_TOP), Math.max(WORLD_TOP, WORLD_BOTTOM - h));
    return [x, y, w, h].map((v) => Number(v.toFixed(2)));
  }

  // placesMap draws the places as dots sized by their count (4 to 13 px across, whatever
  // the zoom) on the country outlines, in a box of the given aspect (width / height). Each
  // dot links to hrefFor(place) (no link: null) and names the place and its count in its
  // title; the place selfID is marked as the page's own.
  function placesMap(places, hrefFor, aspect, selfID) {
    const view = mapView(places, aspect);
    const svg = el("svg:svg", { viewBox: view.join(" "), role: "group", "aria-label": "Map of the places mentioned" });
    const land = el("svg:g", { class: "land", "aria-hidden": "true" });
    svg.appendChild(land);
    const m = view[2] / 100; // a margin past the frame keeps the cut edges' strokes out of sight
    const box = [view[0] - m, view[1] - m, view[0] + view[2] + m, view[1] + view[3] + m];
    loadWorld().then((countries) => {
      for (const rings of countries) {
        const d = countryPath(rings, box);
        if (d) land.appendChild(el("svg:path", { d }));
      }
    });
    const max = Math.max(1, ...places.map((p) => p.count));
    const dots = el("svg:g", { class: "places" });
    const marks = [];
    for (const p of places) { // the biggest first, so smaller dots lie on top
      const label = p.name + ": " + p.count.toLocaleString() + (p.all ? (p.count === 1 ? " article" : " articles") : " of the articles shown");
      const x = p.lon + 180, y = 90 - p.lat;
      const dot = el("svg:circle", { cx: x.toFixed(3), cy: y.toFixed(3) });
      const name = el("svg:text", { class: "place-name", "aria-hidden": "true" }, p.name);
      marks.push({ dot, name, x, y, r: 2.5 + 5 * Math.sqrt(p.count / max) });
      const cls = "place" + (p.id === selfID ? " self" : "");
      const href = hrefFor(p);
      if (!href) {
        dots.appendChild(el("svg:g", { class: cls, "data-entity": p.id, "aria-label": label }, el("svg:title", {}, label), dot, name));
        continue;
      }
      const a = el("svg:a", { href, class: cls, "data-entity": p.id, "aria-label": label }, el("svg:title", {}, label), dot, name);
      // An SVG link is not an HTML one: the page's link handler does not see it.
      a.addEventListener("click", (ev) => {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        go(href);
      });
      dots.appendChild(a);
    }
    svg.appendChild(dots);
    // Radii and names are sized in pixels: the view's units per pixel change with the box's width.
    const size = (px) => {
      const u = view[2] / Math.max(1, px);
      for (const m of marks) m.dot.setAttribute("r", (m.r * u).toFixed(3));
      placeNames(marks, view, u);
    };
    size(600);
    if (window.ResizeObserver) new ResizeObserver((es) => size(es[0].contentRect.width)).observe(svg);
    return el("figure", { class: "worldmap" }, svg, el("figcaption", { class: "map-credit" }, "Outlines: Natural Earth"));
  }

  // placeNames writes the places' names beside their dots (u: view units per pixel), the
  // most mentioned first, leaving out a name that would cover another or leave the frame.
  function placeNames(marks, view, u) {
    const taken = marks.map((m) => [m.x - m.r * u, m.y - m.r * u, m.x + m.r * u, m.y + m.r * u]);
    const overlaps = (b) => taken.some((t) => b[0] < t[2] && b[2] > t[0] && b[1] < t[3] && b[3] > t[1]);
    const right = view[0] + view[2], bottom = view[1] + view[3];
    for (const m of marks) {
      const w = m.name.textContent.length * 6.6 * u, h = 13 * u, gap = (m.r + 3) * u;
      const y = Math.min(Math.max(m.y + 4 * u, view[1] + h), bottom - 2 * u);
      const spots = [[m.x + gap, "start", [m.x + gap, y - h + 2 * u, m.x + gap + w, y]], [m.x - gap, "end", [m.x - gap - w, y - h + 2 * u, m.x - gap, y]]];
      const spot = spots.find(([, , b]) => b[0] >= view[0] && b[2] <= right && !overlaps(b.map((v, i) => v + (i < 2 ? 1 : -1) * u)));
      m.name.setAttribute("visibility", spot ? "visible" : "hidden");
      if (!spot) continue;
      taken.push(spot[2]);
      m.name.setAttribute("x", spot[0].toFixed(3));
      m.name.setAttribute("y", y.toFixed(3));
      m.name.setAttribute("text-anchor", spot[1]);
      m.name.setAttribute("font-size", (12 * u).toFixed(3));
    }
  }

  // mapPanel folds the map under a summary; it starts folded on phones.
  function mapPanel(title, places, fig) {
    return el("details", { class: "map-panel", id: "map-panel", open: !window.matchMedia("(max-width: 760px)").matches },
      el("summary", {}, title, " ", el("span", { class: "muted" }, "· " + places.length + (places.length === 1 ? " place" : " places"))), fig);
  }

  // resultMap is the search page's map: the places of the result set, each a link that adds
  // it to the search's filters, as the entities facet does.
  function resultMap(s, res, resultsCol) {
    const places = resultPlaces(res.hits, (res.facets || {}).entities);
    if (!places.length) return null;
    const hrefFor = (p) => {
      const f = "entity:" + p.id;
      return s.filters.includes(f) ? null : searchURL(Object.assign({}, s, { filters: s.filters.concat([f]) }));
    };
    // As wide as the results, and about 300 px high (less on phones).
    const aspect = Math.min(3, Math.max(1.5, (resultsCol.clientWidth || 600) / 300));
    return mapPanel("Map", places, placesMap(places, hrefFor, aspect));
  }

  // subjectMap is an entity or topic page's map: the place itself, when it is one, and the
  // places mentioned with it, each a link to the articles that mention both.
  function subjectMap(kind, id, res) {
    const places = resultPlaces(res.hits, (res.facets || {}).entities);
    if (!places.length) return null;
    const own = kind + ":" + id;
    const hrefFor = (p) => searchURL({ q: "", filters: kind === "entity" && p.id === id ? [own] : [own, "entity:" + p.id], sort: "newest" });
    return mapPanel(kind === "entity" && places.some((p) => p.id === id) ? "On the map" : "Places mentioned", places, placesMap(places, hrefFor, 1.3, kind === "entity" ? id : null));
  }

  // ---------- Follow page: saved searches and the live panel ----------

  let live = null;
  const liveItems = [];
  let liveUnseen = 0;
  const liveListeners = new Set();

  // startLive opens the alert stream once per page load. EventSource cannot send headers,
  // so the token goes in the URL, which the server accepts for this reason.
  function startLive() {
    if (live && live.readyState !== 2) return;
    clearTimeout(liveRetry.timer);
    const url = "/api/alerts/stream" + (token() ? "?token=" + encodeURIComponent(token()) : "");
    live = new EventSource(url);
    watchLive(live);
    live.addEventListener("alert", (ev) => {
      let a;
      try { a = JSON.parse(ev.data); } catch (e) { return; }
      if (liveItems.some((x) => x.id === a.id)) return;
      liveItems.unshift(a);
      if (liveItems.length > 200) liveItems.pop();
      if (location.pathname !== "/alerts") liveUnseen++;
      updateBadge();
      liveListeners.forEach((fn) => fn(a));
    });
    const sync = () => liveListeners.forEach((fn) => fn(null));
    live.addEventListener("open", sync);
    live.addEventListener("error", sync);
  }
  function stopLive() { clearTimeout(liveRetry.timer); if (live) live.close(); live = null; }

  // The stream's state as the Follow page tells it. An EventSource gives up for good when
  // the server answers other than 200 (the alert stage still starting answers 503), so
  // watchLive opens it again, waiting 1 s, then up to 15 s; alertingOff is set when the
  // server has no saved searches at all (404).
  const liveRetry = { timer: null, wait: 1000, at: 0 };
  let alertingOff = false;
  function watchLive(src) {
    src.addEventListener("open", () => { liveRetry.wait = 1000; });
    src.addEventListener("error", () => {
      if (src !== live || src.readyState !== 2 || alertingOff) return;
      liveRetry.at = Date.now() + liveRetry.wait;
      liveRetry.timer = setTimeout(() => { if (src === live) startLive(); }, liveRetry.wait);
      liveRetry.wait = Math.min(15000, liveRetry.wait * 2);
    });
  }
  function liveStatusText() {
    const st = !live ? 2 : live.readyState;
    if (st === 1) return ["on", "connected: new matches appear here at once"];
    if (alertingOff) return ["off", "alerting is off on this server (alert.enabled)"];
    if (st === 0) return ["wait", "connecting…"];
    const secs = Math.max(1, Math.round((liveRetry.at - Date.now()) / 1000));
    return ["wait", "not connected yet; trying again in " + secs + " s"];
  }

  // Live rows: one per article, listing every followed search it matched.
  function liveGroups(alerts) {
    const rows = new Map();
    for (const a of alerts) {
      const key = (a.article && a.article.id) || a.story_id || a.id;
      const row = rows.get(key) || { a, searches: [] };
      if (a.search_name && !row.searches.includes(a.search_name)) row.searches.push(a.search_name);
      rows.set(key, row);
    }
    return [...rows.entries()].map(([key, row]) => ({ key, a: row.a, searches: row.searches }));
  }
  function liveLine(g, fresh) {
    const art = g.a.article || {};
    const names = [];
    g.searches.forEach((n, i) => { if (i) names.push(", "); names.push(el("bdi", { dir: "auto", class: "search-name" }, n)); });
    return el("li", { class: fresh ? "new" : null, "data-article": g.key, "data-alert": g.a.id },
      el("a", { href: "/article/" + encodeURIComponent(art.id || ""), dir: "auto", lang: art.lang || null }, art.title || "(no title)"), " ",
      el("span", { class: "meta" }, el("bdi", { dir: "auto" }, art.source || ""), " · ", timeEl(art.published || g.a.matched_at),
        names.length ? [" · for ", names] : null));
  }
  // showLive puts alert a's article at the top of list, merged with its earlier row.
  function showLive(list, a) {
    const g = liveGroups(liveItems).find((x) => x.key === ((a.article && a.article.id) || a.story_id || a.id));
    if (!g) return;
    const old = [...list.children].find((li) => li.dataset.article === g.key);
    if (old) old.remove();
    list.prepend(liveLine(g, true));
  }
  function updateBadge() {
    const b = document.getElementById("live-badge");
    b.hidden = liveUnseen === 0;
    b.textContent = String(liveUnseen);
  }

  function alertLine(a, fresh) {
    const art = a.article || {};
    return el("li", { class: fresh ? "new" : null, "data-alert": a.id },
      el("a", { href: "/article/" + encodeURIComponent(art.id || ""), dir: "auto", lang: art.lang || null }, art.title || "(no title)"), " ",
      el("span", { class: "meta" }, el("bdi", { dir: "auto" }, art.source || ""), " · ", timeEl(art.published || a.matched_at),
        a.search_name ? [" · for ", el("bdi", { dir: "auto" }, a.search_name)] : null));
  }

  async function alertsPage(seq) {
    document.title = "Follow – wirewatch";
    liveUnseen = 0;
    updateBadge();
    startLive();
    main.appendChild(el("h1", {}, "Followed searches"));
    const status = el("p", { class: "muted", id: "live-status" });
    const liveList = el("ol", { id: "live-list" }, liveGroups(liveItems).map((g) => liveLine(g, false)));
    const emptyNote = el("p", { class: "muted", id: "live-empty", hidden: liveItems.length > 0 }, "New matches appear here as they arrive.");
    const panel = el("section", { class: "live", id: "live", "aria-live": "polite" }, el("h2", {}, "Live"), status, emptyNote, liveList);
    const savedCol = el("section", {}, el("p", { class: "muted" }, "Loading…"));
    main.appendChild(el("div", { class: "layout wide" }, savedCol, panel));
    const setStatus = () => {
      clear(status);
      const [dot, text] = liveStatusText();
      append(status, el("span", { class: "dot " + dot }), text);
    };
    setStatus();
    // The state changes without an event too (the retry countdown): check twice a second.
    const ticker = setInterval(() => { if (current(seq)) setStatus(); else clearInterval(ticker); }, 500);
    const listener = (a) => {
      if (!current(seq)) { liveListeners.delete(listener); return; }
      if (a) { showLive(liveList, a); emptyNote.hidden = true; liveUnseen = 0; updateBadge(); }
      setStatus();
    };
    liveListeners.add(listener);

    const searches = await loadSearches(savedCol, seq, setStatus);
    if (!searches) return;
    if (!current(seq)) return;
    clear(savedCol);
    if (!searches.length) {
      savedCol.appendChild(el("p", { class: "notice" }, "No followed searches yet. Search, then press “Follow this search”."));
      return;
    }
    const ul = el("ul", { class: "saved", id: "saved" });
    for (const s of searches) ul.appendChild(savedItem(s));
    savedCol.appendChild(ul);
  }

  // loadSearches lists the saved searches, saying so and asking again every 2 s while the
  // alert stage starts (503); a 404 means this server has alerting off. null when there is
  // nothing to list.
  async function loadSearches(savedCol, seq, setStatus) {
    for (;;) {
      try {
        const r = await api("/api/searches");
        alertingOff = false;
        return (r && r.searches) || [];
      } catch (e) {
        if (!current(seq)) return null;
        if (e.status === 503) {
          clear(savedCol).appendChild(el("p", { class: "notice", id: "alerts-starting" }, "Alerting is starting…"));
          await new Promise((r) => setTimeout(r, 2000));
          if (!current(seq)) return null;
          continue;
        }
        if (e.status === 404) { alertingOff = true; stopLive(); }
        setStatus();
        clear(savedCol).appendChild(el("p", { class: "notice" }, e.status === 404 ? "This server has no saved searches (alerting is off)." : "Could not load saved searches: " + e.message));
        return null;
      }
    }
  }

  function savedItem(s) {
    const matches = el("ol", { class: "matches" });
    const li = el("li", { "data-search": s.id },
      el("div", { class: "head" },
        el("strong", { dir: "auto" }, s.name || s.query),
        el("span", { class: "meta" }, s.mode || "immediate", " · ", (s.channels || []).map((c) => c.type).join(", ") || "no channels")),
      el("p", {}, el("a", { href: searchURL({ q: s.query }), class: "qtext", dir: "auto" }, s.query || "(everything)")));
    const atomURL = "/feeds/searches/" + encodeURIComponent(s.id) + ".atom" + (token() ? "?token=" + encodeURIComponent(token()) : "");
    // Two clicks, no native confirm(): the second within a few seconds stops the search.
    const del = el("button", { type: "button", class: "secondary stop" }, "Stop following");
    let armed = null;
    del.addEventListener("click", async () => {
      if (!armed) {
        del.textContent = "Click again to stop";
        armed = setTimeout(() => { armed = null; del.textContent = "Stop following"; }, 4000);
        return;
      }
      clearTimeout(armed);
      del.disabled = true;
      try {
        await api("/api/searches/" + encodeURIComponent(s.id), { method: "DELETE" });
        li.remove();
      } catch (e) {
        del.disabled = false;
        armed = null;
        del.textContent = "Could not stop: " + e.message;
      }
    });
    li.appendChild(el("p", {}, el("a", { href: atomURL, target: "_blank", rel: "noopener" }, "Atom feed"), " ", del));
    const deliveries = el("p", { class: "meta deliveries" });
    li.appendChild(deliveries);
    li.appendChild(el("h3", { class: "muted" }, "Recent matches"));
    li.appendChild(matches);
    // Per channel: how many alerts went out, are being retried, or were given up on.
    api("/api/deliveries?search=" + encodeURIComponent(s.id)).then((r) => {
      const by = new Map();
      for (const d of (r && r.deliveries) || []) {
        const c = by.get(d.type) || { delivered: 0, retrying: 0, failed: 0, error: "" };
        c[d.status] = (c[d.status] || 0) + (d.alerts || 1);
        if (d.last_error && d.status !== "delivered") c.error = d.last_error;
        by.set(d.type, c);
      }
      for (const [type, c] of by) {
        const parts = ["delivered", "retrying", "failed"].filter((k) => c[k]).map((k) => c[k] + " " + k);
        append(deliveries, el("span", { class: "delivery " + (c.failed ? "error" : c.retrying ? "warn" : "ok"), "data-channel": type },
          type + ": " + parts.join(", "), c.error ? " (" + c.error + ")" : ""), " ");
      }
    }).catch(() => { /* older servers have no delivery log: nothing to show */ });
    api("/api/searches/" + encodeURIComponent(s.id) + "/matches?limit=10").then((r) => {
      const ms = (r && r.matches) || [];
      if (!ms.length) matches.appendChild(el("li", { class: "muted" }, "No matches yet."));
      for (const a of ms) matches.appendChild(alertLine(a, false));
    }).catch((e) => matches.appendChild(el("li", { class: "error" }, e.message)));
    return li;
  }

  // ---------- Feeds page ----------

  async function feedsPage(seq) {
    document.title = "Feeds – wirewatch";
    main.appendChild(el("h1", {}, "Feeds"));
    const msg = el("p", { role: "status", id: "feed-msg" });
    const urlIn = el("input", { type: "url", name: "url", placeholder: "https://example.org/feed.xml or a site's address", required: true, "aria-label": "Feed URL" });
    const addForm = el("form", { id: "add-feed" }, urlIn, el("button", { type: "submit" }, "Add feed"));
    const fileIn = el("input", { type: "file", name: "opml", accept: ".opml,.xml,text/x-opml,application/xml", "aria-label": "OPML file" });
    const opmlForm = el("form", { id: "add-opml" }, fileIn, el("button", { type: "submit", class: "secondary" }, "Import OPML"));
    main.appendChild(el("div", { class: "forms" }, addForm, opmlForm));
    main.appendChild(msg);
    const tableBox = el("div", {}, el("p", { class: "muted" }, "Loading…"));
    main.appendChild(tableBox);
    const report = (ok, text) => { msg.className = ok ? "ok" : "error"; msg.textContent = text; };

    addForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api("/api/feeds", { method: "POST", json: { url: urlIn.value } });
        report(true, "Added " + urlIn.value + "; it is being polled now.");
        urlIn.value = "";
        load();
      } catch (e) { report(false, e.message); }
    });
    opmlForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const file = fileIn.files[0];
      if (!file) { report(false, "Choose an OPML file first."); return; }
      try {
        const r = await api("/api/feeds/opml", { method: "POST", body: await file.text(), headers: { "Content-Type": "text/x-opml" } });
        const added = r && typeof r.added === "number" ? r.added : "the";
        report(true, "Imported " + added + " feeds from " + file.name + ".");
        load();
      } catch (e) { report(false, e.message); }
    });

    async function load() {
      let feeds;
      try {
        feeds = ((await api("/api/feeds")) || {}).feeds || [];
      } catch (e) {
        if (!current(seq)) return;
        clear(tableBox).appendChild(el("p", { class: "notice" }, e.status === 404 ? "This server does not poll feeds (no poller in this process)." : e.message));
        return;
      }
      if (!current(seq)) return;
      feeds.sort((a, b) => rank(b) - rank(a) || String(a.title || a.url).localeCompare(String(b.title || b.url)));
      const rows = feeds.map((f) => {
        const state = f.consecutive_failures > 0 ? "failing" : f.stale ? "stale" : "healthy";
        return el("tr", { "data-url": f.url, class: state },
          el("td", { "data-label": "Feed" }, el("bdi", { dir: "auto" }, f.title || f.url), el("br"), el("span", { class: "meta" }, f.url)),
          el("td", { "data-label": "Status" }, el("span", { class: "status " + state }, state === "failing" ? "failing ×" + f.consecutive_failures : state)),
          el("td", { "data-label": "Last success" }, f.last_success ? timeEl(f.last_success) : "never", el("br"), el("span", { class: "meta" }, ago(f.last_success))),
          el("td", { "data-label": "Last error" }, f.last_error ? [el("span", { class: "error", dir: "auto" }, f.last_error), el("br"), f.last_error_at ? el("span", { class: "meta" }, ago(f.last_error_at)) : null] : el("span", { class: "muted" }, "none")),
          el("td", { "data-label": "Items/day", class: "num" }, typeof f.items_per_day === "number" ? f.items_per_day.toFixed(1) : "—"),
          el("td", { "data-label": "Last new item" }, f.last_new_item ? timeEl(f.last_new_item) : "—"),
          nextPollCell(f, report, load));
      });
      const failing = feeds.filter((f) => f.consecutive_failures > 0).length, stale = feeds.filter((f) => f.stale).length;
      clear(tableBox).append(
        el("p", { class: "muted", id: "feed-summary" }, feeds.length + " feeds · " + failing + " failing · " + stale + " stale"),
        el("table", { class: "feeds", id: "feeds" },
          el("thead", {}, el("tr", {}, ["Feed", "Status", "Last success", "Last error", "Items/day", "Last new item", "Next poll"].map((h) => el("th", { scope: "col" }, h)))),
          el("tbody", {}, rows)));
    }
    function rank(f) { return (f.consecutive_failures > 0 ? 2 : 0) + (f.stale ? 1 : 0); }
    await load();
  }

  // The feeds table's "Next poll" cell: when the feed is polled next, how often it is
  // polled, and a "Poll now" button (POST /api/feeds/poll; a 429 says how long to wait).
  function nextPollCell(f, report, reload) {
    const btn = el("button", { type: "button", class: "secondary poll-now", "data-url": f.url, "aria-label": "Poll " + (f.title || f.url) + " now" }, "Poll now");
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        await api("/api/feeds/poll", { method: "POST", json: { url: f.url } });
        report(true, "Polling " + (f.title || f.url) + " now.");
        setTimeout(reload, 1500);
      } catch (e) {
        report(false, e.message);
        btn.disabled = false;
      }
    });
    const mins = (s) => s >= 5400 ? Math.round(s / 3600) + " h" : s >= 90 ? Math.round(s / 60) + " min" : Math.round(s) + " s";
    const when = f.polling ? el("span", { class: "meta" }, "polling now") : f.next_poll ? timeEl(f.next_poll) : el("span", { class: "muted" }, "now");
    const every = f.interval_seconds > 0 ? "every " + mins(f.interval_seconds) : "";
    const bound = f.max_interval_seconds > 0 ? "at most " + mins(f.max_interval_seconds) + " apart" : "";
    return el("td", { "data-label": "Next poll", class: "next-poll" }, when, el("br"),
      el("span", { class: "meta", title: bound }, [every, f.websub ? "WebSub push" : ""].filter(Boolean).join(" · ")), el("br"), btn);
  }

  // ---------- Keyboard ----------

  let selected = -1;
  function typing(t) { return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)); }
  function select(i) {
    const items = main.querySelectorAll(".result");
    if (!items.length) return;
    i = Math.max(0, Math.min(items.length - 1, i));
    items.forEach((n) => n.classList.remove("selected"));
    selected = i;
    items[i].classList.add("selected");
    const link = items[i].querySelector("a.open");
    if (link) link.focus({ preventScroll: true });
    items[i].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || document.querySelector("dialog[open]")) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    if (ev.key === "/") {
      const q = document.getElementById("q");
      ev.preventDefault();
      if (q) { q.focus(); q.select(); } else go("/search");
    } else if (ev.key === "j") { ev.preventDefault(); select(selected + 1); }
    else if (ev.key === "k") { ev.preventDefault(); select(selected < 0 ? 0 : selected - 1); }
    else if (ev.key === "Enter" && selected >= 0 && !(ev.target.closest && ev.target.closest("a,button"))) {
      const items = main.querySelectorAll(".result");
      const link = items[selected] && items[selected].querySelector("a.open");
      if (link) { ev.preventDefault(); link.click(); }
    } else if (ev.key === "?") { document.getElementById("help").showModal(); }
  });

  updateLogout();
  route();
})();
