/* Reading Archive: progressive enhancement for the reader.
 *
 * The pages work without this file: both languages show, note markers are plain
 * links to the notes list, the theme follows the system.  With it:
 *   - a theme toggle (light/dark), remembered in localStorage;
 *   - a language switch on bilingual articles (both / one / the other), remembered;
 *   - hovering or focusing a paragraph lights its counterpart in the other language;
 *   - note markers open the note in the text on narrow screens, or point at the
 *     sidenote on wide ones.
 * Loaded in <head> without defer so the remembered theme applies before the first
 * paint; everything that needs the DOM waits for DOMContentLoaded.  No inline
 * script or style is used anywhere (CSP: script-src 'self', style-src 'self').
 */
(function () {
  "use strict";

  var THEME_KEY = "reading-archive:theme";   // "light" | "dark" | absent = follow the system
  var READ_KEY = "reading-archive:read";     // "both" | a language code ("zh", "en" ...)
  var root = document.documentElement;

  /* localStorage may be missing or refuse (private mode, file:// in some browsers). */
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* not remembered, still applied */ }
  }

  root.classList.add("js");

  /* ------------------------------------------------------------ theme */

  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function storedTheme() {
    var value = load(THEME_KEY);
    return value === "light" || value === "dark" ? value : null;
  }

  function applyTheme(theme) {
    if (theme) { root.setAttribute("data-theme", theme); } else { root.removeAttribute("data-theme"); }
  }

  function isDark() {
    var theme = root.getAttribute("data-theme");
    if (theme) { return theme === "dark"; }
    return !!(systemDark && systemDark.matches);
  }

  applyTheme(storedTheme());   // before the first paint

  function setupThemeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    var sync = function () { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      applyTheme(next);
      save(THEME_KEY, next);
      sync();
    });
    if (systemDark && systemDark.addEventListener) {
      systemDark.addEventListener("change", sync);
    }
    window.addEventListener("storage", function (event) {
      if (event.key === THEME_KEY) { applyTheme(storedTheme()); sync(); }
    });
  }

  /* ------------------------------------------------------------ reading languages */

  function setupLanguageSwitch() {
    var group = document.querySelector(".lang-switch");
    var article = document.querySelector("article.bilingual");
    if (!group || !article) { return; }
    var buttons = Array.prototype.slice.call(group.querySelectorAll("button[data-show]"));

    function show(choice, remember) {
      var match = null;
      buttons.forEach(function (b) { if (b.getAttribute("data-show") === choice) { match = b; } });
      if (!match) { match = buttons[0]; }
      var col = match.getAttribute("data-column");
      if (col) { article.setAttribute("data-read", col); } else { article.removeAttribute("data-read"); }
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === match ? "true" : "false"); });
      closeAllNotes();
      if (remember) { save(READ_KEY, match.getAttribute("data-show")); }
    }

    group.hidden = false;
    show(load(READ_KEY) || "both", false);
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-show]");
      if (button) { show(button.getAttribute("data-show"), true); }
    });
    window.addEventListener("storage", function (event) {
      if (event.key === READ_KEY) { show(event.newValue || "both", false); }
    });
  }

  /* ------------------------------------------------------------ counterparts */

  function counterpart(side) {
    var pair = side.parentElement;
    if (!pair || !pair.classList.contains("pair")) { return null; }
    var other = side.classList.contains("side-a") ? pair.querySelector(".side-b") : pair.querySelector(".side-a");
    return other && !other.classList.contains("side-empty") ? other : null;
  }

  var lit = [];
  function light(side) {
    unlight();
    var other = counterpart(side);
    if (!other) { return; }
    side.classList.add("is-current");
    other.classList.add("is-counterpart");
    lit = [side, other];
  }
  function unlight() {
    lit.forEach(function (el) { el.classList.remove("is-current", "is-counterpart"); });
    lit = [];
  }

  function setupCounterparts() {
    var body = document.querySelector("article.bilingual .article-body");
    if (!body) { return; }
    Array.prototype.forEach.call(body.querySelectorAll(".pair > .side:not(.side-empty)"), function (side) {
      side.setAttribute("tabindex", "-1");   // a click or tap focuses the paragraph
    });
    var sideOf = function (node) { return node && node.closest ? node.closest(".pair > .side") : null; };
    body.addEventListener("mouseover", function (event) {
      var side = sideOf(event.target);
      if (side && lit[0] !== side) { light(side); }
    });
    body.addEventListener("mouseleave", function () {
      var focused = sideOf(document.activeElement);
      if (focused && body.contains(focused)) { light(focused); } else { unlight(); }
    });
    body.addEventListener("focusin", function (event) {
      var side = sideOf(event.target);
      if (side) { light(side); }
    });
    body.addEventListener("focusout", function (event) {
      if (!sideOf(event.relatedTarget)) { unlight(); }
    });
  }

  /* ------------------------------------------------------------ footnotes */

  function sidenoteOf(link) {
    var sup = link.parentElement;
    var next = sup && sup.nextElementSibling;
    return next && next.classList.contains("sidenote") ? next : null;
  }

  /* A sidenote is "beside the text" when the stylesheet floats it into the margin. */
  function isBeside(note) {
    return window.getComputedStyle(note).float === "right";
  }

  function setOpen(link, note, open) {
    note.classList.toggle("is-open", open);
    if (open) { note.removeAttribute("aria-hidden"); } else { note.setAttribute("aria-hidden", "true"); }
    Array.prototype.forEach.call(note.querySelectorAll("a"), function (a) {
      if (open) { a.removeAttribute("tabindex"); } else { a.setAttribute("tabindex", "-1"); }
    });
    link.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeAllNotes() {
    Array.prototype.forEach.call(document.querySelectorAll(".sidenote.is-open"), function (note) {
      var sup = note.previousElementSibling;
      var link = sup && sup.querySelector("a");
      if (link) { setOpen(link, note, false); }
    });
  }

  function flash(el) {
    el.classList.add("is-target");
    window.setTimeout(function () { el.classList.remove("is-target"); }, 1600);
  }

  function onMarker(event) {
    var link = event.target.closest ? event.target.closest(".fn-ref a[href^='#']") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var note = sidenoteOf(link);
    if (!note) { return; }
    if (isBeside(note)) {
      // A pointer click on a wide screen: the note is already beside the line.
      // Keyboard activation (detail 0) still follows the link to the notes list.
      if (event.detail > 0) { event.preventDefault(); flash(note); }
      return;
    }
    event.preventDefault();
    setOpen(link, note, !note.classList.contains("is-open"));
  }

  function onEscape(event) {
    if (event.key !== "Escape") { return; }
    var note = event.target.closest ? event.target.closest(".sidenote.is-open") : null;
    var link = note && note.previousElementSibling ? note.previousElementSibling.querySelector("a") : null;
    if (!link && event.target.matches && event.target.matches(".fn-ref a[aria-expanded='true']")) {
      link = event.target;
      note = sidenoteOf(link);
    }
    if (link && note) { setOpen(link, note, false); link.focus(); }
  }

  function setupFootnotes() {
    var body = document.querySelector(".article-body");
    if (!body) { return; }
    Array.prototype.forEach.call(body.querySelectorAll(".fn-ref a[href^='#']"), function (link) {
      if (sidenoteOf(link)) { link.setAttribute("aria-expanded", "false"); }
    });
    body.addEventListener("click", onMarker);
    body.addEventListener("keydown", onEscape);
  }

  /* ------------------------------------------------------------ start */

  function start() {
    setupThemeToggle();
    setupLanguageSwitch();
    setupCounterparts();
    setupFootnotes();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
