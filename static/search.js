/* Reading Archive: full-text search without a server.
 *
 * The build (site_builder/search.py) writes the index as classic scripts that
 * assign into window.__SB_SEARCH__: "index" (articles and shard count), "t/<k>"
 * (postings of the tokens hashed to shard k) and "d/<i>" (article i's text, for
 * snippets).  This file loads the parts it needs by adding <script> elements,
 * which works from file:// where fetch() does not, and under a CSP of
 * script-src 'self' (no inline script, no eval).
 *
 * Tokens are the same as the build's: in Chinese, Japanese and Korean runs a
 * query looks up its consecutive character pairs (all required, so a phrase
 * behaves like a phrase; a lone character looks up itself); elsewhere words,
 * NFKC-normalised, lower-cased, with a light plural stem.  Results are ranked
 * by BM25 over the query's tokens, boosted when the title holds them all.
 * Snippets are built with text nodes and <mark> elements: never innerHTML.
 *
 * The pure functions are exported for Node (tests/test_search.py) when
 * `module` exists; the page code runs only where there is a document.
 */
(function () {
  "use strict";

  var GLOBAL = "__SB_SEARCH__";
  var FORMAT_VERSION = 1;
  // Same list as CJK_RANGES in site_builder/search.py.
  var CJK_RANGES = [
    [0x1100, 0x11FF], [0x3040, 0x30FF], [0x3130, 0x318F], [0x31F0, 0x31FF], [0x3400, 0x4DBF],
    [0x4E00, 0x9FFF], [0xAC00, 0xD7AF], [0xF900, 0xFAFF], [0x20000, 0x3134F]
  ];
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var FORMAT_CHARS = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
  var WORD_CHAR = /[\p{L}\p{N}\p{Mc}]/u;   // letters, digits, spacing marks (as Python's table)
  var NONSPACING = /\p{Mn}/gu;
  var MARK = /\p{M}/u;
  var K1 = 1.2, B = 0.75;          // BM25
  var TITLE_BOOST = 1.5;           // every query token in the title
  var MAX_TOKENS = 64;             // a pasted paragraph should not load every shard
  var PAGE = 20;                   // results rendered at a time
  var DEFAULT_MESSAGES = {         // the page's data-msg-* attributes win
    none: "No results for “{q}”.", one: "1 result for “{q}”", many: "{n} results for “{q}”"
  };
  var SNIPPET = 160;               // characters of context shown
  var DIGIT = (function () {
    var table = {};
    for (var i = 0; i < ALPHABET.length; i++) { table[ALPHABET.charCodeAt(i)] = i; }
    return table;
  })();

  /* ------------------------------------------------------------ tokens */

  function isCjk(cp) {
    for (var i = 0; i < CJK_RANGES.length; i++) {
      if (cp >= CJK_RANGES[i][0] && cp <= CJK_RANGES[i][1]) { return true; }
    }
    return false;
  }

  /* "cjk", "word" (a letter or digit elsewhere) or null. */
  function charClass(cp) {
    if (isCjk(cp)) { return "cjk"; }
    return WORD_CHAR.test(String.fromCodePoint(cp)) ? "word" : null;
  }

  /* Invisible controls gone, NFKC, lower case, leftover nonspacing marks gone, ß -> ss,
     final sigma -> sigma: the same as normalize() in site_builder/search.py. */
  function normalize(text) {
    return text.replace(FORMAT_CHARS, "").normalize("NFKC").toLowerCase()
      .replace(NONSPACING, "").replace(/ß/g, "ss").replace(/ς/g, "σ");
  }

  function stem(word) {
    if (!/^[a-z]+$/.test(word)) { return word; }
    if (word.length > 4 && /ies$/.test(word)) { return word.slice(0, -3) + "y"; }
    if (word.length > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) { return word.slice(0, -1); }
    return word;
  }

  /* Runs of CJK characters and of letters/digits in a normalised string:
     [{cjk: bool, text, start, end}] with UTF-16 offsets. */
  function runs(text) {
    var out = [], cur = null, i = 0;
    while (i < text.length) {
      var cp = text.codePointAt(i), width = cp > 0xFFFF ? 2 : 1;
      var kind = charClass(cp);
      if (kind && cur && cur.kind === kind) {
        cur.end = i + width;
      } else {
        if (cur) { out.push(cur); }
        cur = kind ? { kind: kind, start: i, end: i + width } : null;
      }
      i += width;
    }
    if (cur) { out.push(cur); }
    return out.map(function (r) {
      return { cjk: r.kind === "cjk", text: text.slice(r.start, r.end), start: r.start, end: r.end };
    });
  }

  function chars(text) { return Array.from(text); }

  function bigrams(run) {
    var cs = chars(run), out = [];
    for (var i = 0; i + 1 < cs.length; i++) { out.push(cs[i] + cs[i + 1]); }
    return out;
  }

  /* Every token the build indexes for this text, in order (for tests and title boosts). */
  function indexTokens(text) {
    var out = [];
    runs(normalize(text)).forEach(function (r) {
      if (r.cjk) { out.push.apply(out, chars(r.text)); out.push.apply(out, bigrams(r.text)); }
      else { out.push(stem(r.text)); }
    });
    return out;
  }

  /* The parsed query: tokens to look up, CJK phrases and word stems to highlight. */
  function parseQuery(query) {
    var tokens = [], phrases = [], words = [];
    function add(t) { if (tokens.indexOf(t) < 0 && tokens.length < MAX_TOKENS) { tokens.push(t); } }
    runs(normalize(query)).forEach(function (r) {
      if (r.cjk) {
        var grams = bigrams(r.text);
        (grams.length ? grams : [r.text]).forEach(add);
        if (phrases.indexOf(r.text) < 0) { phrases.push(r.text); }
      } else {
        var w = stem(r.text);
        add(w);
        if (words.indexOf(w) < 0) { words.push(w); }
      }
    });
    return { tokens: tokens, phrases: phrases, words: words };
  }

  /* 32-bit FNV-1a over code points: the shard that holds a token. */
  function fnv1a(token) {
    var h = 0x811C9DC5;
    for (var ch of token) { h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function shardOf(token, shards) { return fnv1a(token) % shards; }

  /* "<gap-1><tf-1>..." base-32 varints -> {docs: [...], tfs: [...]} */
  function decodePostings(codes) {
    var docs = [], tfs = [], n = 0, doc = -1, odd = false;
    for (var i = 0; i < codes.length; i++) {
      var d = DIGIT[codes.charCodeAt(i)];
      n = n * 32 + (d & 31);
      if (d < 32) { continue; }
      if (odd) { tfs.push(n + 1); } else { doc += n + 1; docs.push(doc); }
      odd = !odd;
      n = 0;
    }
    return { docs: docs, tfs: tfs };
  }

  /* ------------------------------------------------------------ ranking */

  /* BM25 over documents that hold every token; ties: newer first, then index order.
     `lists` maps token -> decoded postings; a missing token means no result. */
  function rank(meta, lists, tokens) {
    if (!tokens.length) { return []; }
    var n = meta.n, avgdl = meta.avgdl || 1, docs = meta.docs;
    var score = new Float64Array(n), hits = new Uint16Array(n), rarest = null;
    for (var t = 0; t < tokens.length; t++) {
      var list = lists[tokens[t]];
      if (!list || !list.docs.length) { return []; }
      var df = list.docs.length, idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (var i = 0; i < df; i++) {
        var d = list.docs[i], tf = list.tfs[i], norm = 1 - B + B * docs[d][5] / avgdl;
        score[d] += idf * tf * (K1 + 1) / (tf + K1 * norm);
        hits[d] += 1;
      }
      if (!rarest || df < rarest.docs.length) { rarest = list; }
    }
    var out = [];
    rarest.docs.forEach(function (d) {
      if (hits[d] === tokens.length) { out.push({ doc: d, score: score[d] * titleBoost(docs[d][1], tokens) }); }
    });
    return out.sort(function (a, b) {
      return (b.score - a.score) || compareDesc(docs[a.doc][3], docs[b.doc][3]) || (a.doc - b.doc);
    });
  }

  function titleBoost(title, tokens) {
    var have = indexTokens(title);
    return tokens.every(function (t) { return have.indexOf(t) >= 0; }) ? TITLE_BOOST : 1;
  }

  function compareDesc(a, b) { return a === b ? 0 : (a < b ? 1 : -1); }

  /* ------------------------------------------------------------ snippets */

  /* The text normalised a character (with its combining marks) at a time, with each
     UTF-16 unit's source offset. */
  function normalizedWithOffsets(text) {
    var norm = "", from = [], i = 0;
    while (i < text.length) {
      var width = clusterWidth(text, i);
      var ascii = width === 1 && text.charCodeAt(i) < 0x80;
      var piece = ascii ? text[i].toLowerCase() : normalize(text.slice(i, i + width));
      for (var k = 0; k < piece.length; k++) { from.push(i); }
      norm += piece;
      i += width;
    }
    from.push(text.length);
    return { text: norm, from: from };
  }

  /* Where the query shows in `text`: sorted, merged [start, end, term] in source offsets. */
  function matches(text, query) {
    var n = normalizedWithOffsets(text), found = [];
    query.phrases.forEach(function (phrase, p) {
      var hits = occurrences(n.text, phrase);
      if (!hits.length) {
        bigrams(phrase).forEach(function (g) { hits = hits.concat(occurrences(n.text, g)); });
      }
      hits.forEach(function (s) { found.push([s[0], s[1], "p" + p]); });
    });
    if (query.words.length) {
      runs(n.text).forEach(function (r) {
        var w = query.words.indexOf(r.cjk ? null : stem(r.text));
        if (w >= 0) { found.push([r.start, r.end, "w" + w]); }
      });
    }
    return merge(found.map(function (m) { return [n.from[m[0]], n.from[m[1]], m[2]]; }));
  }

  /* UTF-16 units of the code point at i and the combining marks after it. */
  function clusterWidth(text, i) {
    var end = i + (text.codePointAt(i) > 0xFFFF ? 2 : 1);
    while (end < text.length) {
      var cp = text.codePointAt(end);
      if (!MARK.test(String.fromCodePoint(cp))) { break; }
      end += cp > 0xFFFF ? 2 : 1;
    }
    return end - i;
  }

  function occurrences(haystack, needle) {
    var out = [], at = haystack.indexOf(needle);
    while (at >= 0 && needle) { out.push([at, at + needle.length]); at = haystack.indexOf(needle, at + needle.length); }
    return out;
  }

  function merge(spans) {
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var out = [];
    spans.forEach(function (s) {
      var last = out[out.length - 1];
      if (last && s[0] <= last[1]) { last[1] = Math.max(last[1], s[1]); } else { out.push(s.slice()); }
    });
    return out;
  }

  /* A window of about `width` characters around the densest hits, as segments
     [{text, hit}] with an ellipsis where the text is cut. */
  function snippet(text, query, width) {
    width = width || SNIPPET;
    var spans = matches(text, query), start = bestStart(spans, width);
    start = Math.max(0, Math.min(start, text.length - width));
    var end = Math.min(text.length, start + width);
    spans.forEach(function (s) {                  // never cut a hit in two
      if (s[0] < start && s[1] > start) { start = s[0]; }
      if (s[0] < end && s[1] > end) { end = s[1]; }
    });
    start = safeCut(text, wordEdge(text, start, -1)); end = safeCut(text, wordEdge(text, end, 1));
    var out = [], at = start;
    if (start > 0) { out.push({ text: "…", hit: false }); }
    spans.forEach(function (s) {
      if (s[1] <= start || s[0] >= end) { return; }
      var a = Math.max(s[0], start), b = Math.min(s[1], end);
      if (a > at) { out.push({ text: text.slice(at, a), hit: false }); }
      out.push({ text: text.slice(a, b), hit: true });
      at = b;
    });
    if (end > at) { out.push({ text: text.slice(at, end), hit: false }); }
    if (end < text.length) { out.push({ text: "…", hit: false }); }
    return out.map(function (s) { return { text: s.text.replace(/\s+/g, " "), hit: s.hit }; });
  }

  /* The start offset whose window holds the most distinct terms (first wins), with some lead-in. */
  function bestStart(spans, width) {
    var best = 0, bestCount = 0;
    for (var i = 0; i < spans.length && i < 200; i++) {
      var terms = {};
      for (var j = i; j < spans.length && spans[j][1] <= spans[i][0] + width * 0.75; j++) { terms[spans[j][2]] = 1; }
      var count = Object.keys(terms).length;
      if (count > bestCount) { best = spans[i][0]; bestCount = count; }
    }
    return bestCount ? Math.max(0, best - Math.floor(width / 4)) : 0;
  }

  /* Move a cut inside a Latin word to the word's edge (at most 20 characters away). */
  function wordEdge(text, at, step) {
    var inside = function (k) { return /[A-Za-z0-9\u00C0-\u024F]/.test(text.charAt(k)); };
    for (var k = 0; k < 20 && at > 0 && at < text.length && inside(at - 1) && inside(at); k++) { at += step; }
    return at;
  }

  /* Never cut a surrogate pair in two. */
  function safeCut(text, at) {
    var c = text.charCodeAt(at);
    return c >= 0xDC00 && c <= 0xDFFF ? at - 1 : at;
  }

  /* The language of a short text (a title, a snippet) for its lang attribute, as text_lang()
     in site_builder/render/templates.py: an article's language does not always match it
     (a Chinese title over an English-first bilingual text). */
  function textLang(text, fallback) {
    var han = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) || []).length;
    var latin = (text.match(/[A-Za-z]/g) || []).length;
    var cjk = /^(zh|ja)$/i.test((fallback || "").split("-")[0]);
    if (han && han * 2 >= latin) { return cjk ? fallback : "zh"; }
    if (latin && !han && cjk) { return "und"; }
    return fallback || "und";
  }

  var api = {
    normalize: normalize, stem: stem, charClass: charClass, runs: runs, indexTokens: indexTokens,
    parseQuery: parseQuery,
    fnv1a: fnv1a, shardOf: shardOf, decodePostings: decodePostings, rank: rank, matches: matches,
    snippet: snippet, textLang: textLang, FORMAT_VERSION: FORMAT_VERSION, CJK_RANGES: CJK_RANGES
  };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  if (typeof document === "undefined") { return; }

  /* ------------------------------------------------------------ loading parts */

  var store = window[GLOBAL] = window[GLOBAL] || {};
  var pending = {};

  /* A part of the index by name ("index", "t/3", "d/12"), loaded once by a <script>. */
  function part(base, name) {
    if (Object.prototype.hasOwnProperty.call(store, name)) { return Promise.resolve(store[name]); }
    if (!pending[name]) {
      pending[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + name + ".js";
        script.async = true;
        script.onload = function () {
          if (Object.prototype.hasOwnProperty.call(store, name)) { resolve(store[name]); }
          else { reject(new Error("search: " + name + " did not define its part")); }
        };
        script.onerror = function () { delete pending[name]; reject(new Error("search: cannot load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return pending[name];
  }

  /* Decoded postings of each token (undefined where the index lacks the token). */
  function lookup(base, meta, tokens) {
    var decoded = {};
    return Promise.all(tokens.map(function (t) {
      return part(base, "t/" + shardOf(t, meta.shards)).then(function (shard) {
        if (Object.prototype.hasOwnProperty.call(shard, t)) { decoded[t] = decodePostings(shard[t]); }
      });
    })).then(function () { return decoded; });
  }

  /* ------------------------------------------------------------ the page */

  function message(el, key, fallback, values) {
    var text = (el && el.getAttribute("data-msg-" + key)) || fallback;
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? values[k] : m; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function fillSnippet(p, segments) {
    p.textContent = "";
    segments.forEach(function (s) {
      p.appendChild(s.hit ? el("mark", "", s.text) : document.createTextNode(s.text));
    });
  }

  function resultItem(page, meta, hit, query) {
    var d = meta.docs[hit.doc], li = el("li", "search-result");
    var h = el("h2", "search-result-title"), a = el("a", "", d[1] || d[0]);
    // Site-relative paths only: a value with a scheme ("javascript:...") is never a link.
    a.href = /^[a-z][a-z0-9+.-]*:|^\/\//i.test(d[0]) ? "#" : page.root + d[0];
    h.lang = textLang(d[1] || d[0], d[2]);
    h.appendChild(a);
    li.appendChild(h);
    var info = [d[3] ? d[3].slice(0, 10) : "", d[4]].filter(Boolean).join(" · ");
    if (info) { li.appendChild(el("p", "search-result-meta", info)); }
    var p = el("p", "search-snippet");
    li.appendChild(p);
    part(page.base, "d/" + hit.doc).then(function (text) {
      var segments = snippet(String(text), query);
      p.lang = textLang(segments.map(function (s) { return s.text; }).join(""), d[2]);
      fillSnippet(p, segments);
    }, function () { p.remove(); });
    return li;
  }

  function showPage(page, meta, hits, query, from) {
    hits.slice(from, from + PAGE).forEach(function (hit) {
      page.list.appendChild(resultItem(page, meta, hit, query));
    });
    page.more.hidden = from + PAGE >= hits.length;
    page.more.onclick = function () {
      var first = page.list.children.length;
      showPage(page, meta, hits, query, from + PAGE);
      var link = page.list.children[first] && page.list.children[first].querySelector("a");
      if (link) { link.focus(); }
    };
  }

  function setStatus(page, key, fallback, values) {
    page.status.textContent = message(page.status, key, fallback, values);
  }

  function search(page, raw) {
    var run = ++page.run, query = parseQuery(raw);
    page.list.textContent = "";
    page.more.hidden = true;
    if (!query.tokens.length) {
      if (raw.trim()) { setStatus(page, "empty", "No searchable words in “{q}”.", { q: raw.trim() }); }
      else { page.status.textContent = ""; }
      return;
    }
    setStatus(page, "loading", "Searching…");
    part(page.base, "index").then(function (meta) {
      if (!meta || meta.v !== FORMAT_VERSION) { throw new Error("search: index format " + (meta && meta.v)); }
      return lookup(page.base, meta, query.tokens).then(function (lists) {
        if (run !== page.run) { return; }
        var hits = rank(meta, lists, query.tokens);
        var key = hits.length ? (hits.length === 1 ? "one" : "many") : "none";
        setStatus(page, key, DEFAULT_MESSAGES[key], { n: String(hits.length), q: raw.trim() });
        showPage(page, meta, hits, query, 0);
      });
    }).catch(function () {
      if (run === page.run) { setStatus(page, "error", "The search index could not be loaded."); }
    });
  }

  function remember(q) {
    try {
      var url = new URL(window.location.href);
      if (q) { url.searchParams.set("q", q); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.search ? url.search : url.pathname.split("/").pop());
    } catch (e) { /* file:// may refuse; the search still ran */ }
  }

  function start() {
    var form = document.querySelector("form.search-form");
    if (!form) { return; }
    var input = form.querySelector("input[name=q]");
    var page = {
      root: form.getAttribute("data-root") || "../", base: form.getAttribute("data-index") || "./",
      status: document.querySelector(".search-status"), list: document.querySelector(".search-results"),
      more: document.querySelector(".search-more"), run: 0
    };
    if (!input || !page.status || !page.list || !page.more) { return; }
    var timer = null;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      remember(input.value.trim());
      search(page, input.value);
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { remember(input.value.trim()); search(page, input.value); }, 200);
    });
    var initial = new URLSearchParams(window.location.search).get("q");
    if (initial) { input.value = initial; search(page, initial); }
    form.classList.add("search-ready");
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
