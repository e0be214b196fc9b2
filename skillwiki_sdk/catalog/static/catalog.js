/* skillwiki catalog: search and filters of the Browse page, in the page.
 * The data is the JSON of <script type="application/json" id="catalog-data">;
 * every text from it reaches the page through textContent, never as markup. */
(function () {
  "use strict";
  var holder = document.getElementById("catalog-data");
  var form = document.getElementById("finder");
  if (!holder || !form) { return; }
  var data;
  try { data = JSON.parse(holder.textContent); } catch (e) { return; }
  var PAGE = 60;
  var domains = data.domains;
  var atoms = data.atoms.map(function (row) {
    var d = domains[row[0]];
    return {
      domain: d, id: row[1], kind: row[2], title: row[3], summary: row[4], excerpt: row[5],
      tags: row[6], axes: row[7], quality: row[8], related: row[9],
      text: [row[3], row[4], row[2], row[1], d.n, row[6].join(" "), row[7].join(" ").replace(/=/g, " ")].join(" ").toLowerCase(),
      titleText: (row[3] + " " + row[1]).toLowerCase()
    };
  });
  domains.forEach(function (d) {
    d.text = [d.n, d.t, d.d, d.tags.join(" ")].join(" ").toLowerCase();
  });
  var q = document.getElementById("q");
  var kind = document.getElementById("f-kind");
  var tag = document.getElementById("f-tag");
  var axis = document.getElementById("f-axis");
  var status = document.getElementById("status");
  var domainList = document.getElementById("domain-list");
  var atomsSection = document.getElementById("atoms-section");
  var domainsSection = document.getElementById("domains-section");
  var results = document.getElementById("results");
  var atomList = document.getElementById("atom-list");
  var more = document.getElementById("more");
  var noAtoms = document.getElementById("no-atoms");
  var noDomains = document.getElementById("no-domains");
  var cards = {};
  Array.prototype.forEach.call(domainList.querySelectorAll(".domain-card"), function (li) { cards[li.getAttribute("data-domain")] = li; });
  var shown = PAGE;
  var current = [];

  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  function el(name, cls, text) {
    var node = document.createElement(name);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function atomHref(a) {
    return "domains/" + encodeURIComponent(a.domain.n) + "/atoms/" + encodeURIComponent(a.id) + ".html";
  }
  function kindClass(k) { return (k === "principle" || k === "pattern" || k === "rule") ? k : "other"; }

  function card(a) {
    var li = el("li");
    var art = el("article", "atom-card");
    var kicker = el("p", "atom-kicker");
    kicker.appendChild(el("span", "kind kind-" + kindClass(a.kind), a.kind));
    kicker.appendChild(document.createTextNode(" "));
    kicker.appendChild(el("span", "at", "@" + a.domain.n));
    art.appendChild(kicker);
    var h = el("h3", "atom-title");
    var link = el("a", null, a.title);
    link.href = atomHref(a);
    h.appendChild(link);
    art.appendChild(h);
    art.appendChild(el("p", "atom-excerpt", a.excerpt));
    var meta = el("p", "atom-meta");
    meta.appendChild(el("span", "meta-domain", a.domain.n));
    meta.appendChild(document.createTextNode(" ↗ " + a.related + (a.quality === null ? "" : " · q" + a.quality.toFixed(1))));
    art.appendChild(meta);
    li.appendChild(art);
    return li;
  }

  function state() {
    return { q: q.value.trim(), kind: kind.value, tag: tag.value, axis: axis.value };
  }

  function apply(fromUser) {
    var s = state();
    var terms = words(s.q);
    var filtered = s.kind || s.tag || s.axis;
    var matches = [];
    var perDomain = {};
    for (var i = 0; i < atoms.length; i++) {
      var a = atoms[i];
      if (s.kind && a.kind !== s.kind) { continue; }
      if (s.tag && a.tags.indexOf(s.tag) < 0) { continue; }
      if (s.axis && a.axes.indexOf(s.axis) < 0) { continue; }
      var ok = true, score = 0;
      for (var t = 0; t < terms.length; t++) {
        if (a.text.indexOf(terms[t]) < 0) { ok = false; break; }
        if (a.titleText.indexOf(terms[t]) >= 0) { score += 2; }
      }
      if (!ok) { continue; }
      a.score = score;
      matches.push(a);
      perDomain[a.domain.n] = (perDomain[a.domain.n] || 0) + 1;
    }
    if (terms.length) {
      matches.sort(function (x, y) { return (y.score - x.score) || ((y.quality || 0) - (x.quality || 0)) || (x.domain.n < y.domain.n ? -1 : x.domain.n > y.domain.n ? 1 : 0) || (x.id < y.id ? -1 : 1); });
    }
    var visibleDomains = 0;
    domains.forEach(function (d) {
      var li = cards[d.n];
      if (!li) { return; }
      var own = terms.length > 0 && !filtered && terms.every(function (t) { return d.text.indexOf(t) >= 0; });
      var count = perDomain[d.n] || 0;
      var visible = (!terms.length && !filtered) || own || count > 0;
      li.hidden = !visible;
      var badge = li.querySelector(".match-count");
      if (badge) {
        badge.hidden = !(terms.length || filtered) || !count;
        badge.textContent = count ? " · " + plural(count, "matching atom", "matching atoms") : "";
      }
      if (visible) { visibleDomains++; }
    });
    noDomains.hidden = visibleDomains > 0 || !domains.length;
    current = matches;
    // what was searched for first: the atoms that match, then the domains
    var first = (terms.length || filtered) ? atomsSection : domainsSection;
    if (results.firstElementChild !== first) { results.insertBefore(first, results.firstElementChild); }
    if (fromUser) { shown = PAGE; }
    draw();
    status.textContent = (terms.length || filtered)
      ? plural(visibleDomains, "domain", "domains") + " and " + plural(matches.length, "atom", "atoms") + " match"
      : plural(domains.length, "domain", "domains") + " and " + plural(atoms.length, "atom", "atoms") + " in this catalog";
    remember(s);
  }

  function draw() {
    atomList.textContent = "";
    var fragment = document.createDocumentFragment();
    var count = Math.min(shown, current.length);
    for (var i = 0; i < count; i++) { fragment.appendChild(card(current[i])); }
    atomList.appendChild(fragment);
    atomsSection.hidden = false;
    noAtoms.hidden = current.length > 0;
    more.hidden = current.length <= shown;
    if (!more.hidden) { more.textContent = "Show more atoms (" + (current.length - shown).toLocaleString("en") + " left)"; }
  }

  function remember(s) {
    var params = new URLSearchParams();
    Object.keys(s).forEach(function (k) { if (s[k]) { params.set(k, s[k]); } });
    var hash = params.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* file:// in some browsers */ }
  }

  function restore() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    q.value = params.get("q") || "";
    [[kind, "kind"], [tag, "tag"], [axis, "axis"]].forEach(function (pair) {
      var value = params.get(pair[1]) || "";
      var known = Array.prototype.some.call(pair[0].options, function (o) { return o.value === value; });
      pair[0].value = known ? value : "";
    });
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  q.addEventListener("input", function () { apply(true); });
  [kind, tag, axis].forEach(function (select) { select.addEventListener("change", function () { apply(true); }); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); q.focus(); }, 0); });
  more.addEventListener("click", function () {
    var first = shown;
    shown += PAGE;
    draw();
    var next = atomList.children[first];
    if (next) { var link = next.querySelector("a"); if (link) { link.focus(); } }
  });
  window.addEventListener("hashchange", function () { restore(); apply(true); });
  restore();
  apply(true);
  document.documentElement.setAttribute("data-ready", "true");
})();
