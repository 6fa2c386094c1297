"""The reader's site in Debian's Chromium (Playwright): navigation from file:// and over HTTP,
footnotes, the language switch, counterpart highlighting, themes, JavaScript off, print, axe.

Two sites: `built_site` (the real CLI over seeds/) and `reading_site` (the seeds plus the
hand-made Documents of tests/fixtures/render/crafted.py, whose footnotes and alignment are
set by hand). Every test ends with no console error and no request outside the site.
Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "render"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 360, "height": 780}


def _load_crafted():
    spec = importlib.util.spec_from_file_location("browser_crafted", FIXTURES / "crafted.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


crafted = _load_crafted()


@pytest.fixture(scope="module")
def reading_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reading") / "public"
    crafted.render_with_seeds(ROOT / "seeds", out)
    return out


def seed_slug(site: Path, prefix: str) -> str:
    docs = json.loads((site / "archive.json").read_text("utf-8"))["documents"]
    return next(d["slug"] for d in docs if d["source"].startswith(prefix))


def article(site: Path, slug: str) -> str:
    return (site / slug / "index.html").as_uri()


def slug_of(page) -> str:
    return page.get_attribute("article", "data-slug")


def follow(page, locator) -> None:
    """Click a link to another page and wait until that page has loaded."""
    with page.expect_navigation():
        locator.click()


# --------------------------------------------------------------------------- navigation

@pytest.mark.parametrize("via", ["file", "http"])
def test_home_reaches_every_seed(via, built_site, http_server, page, page_log, screenshot):
    home = (built_site / "index.html").as_uri() if via == "file" else http_server.url(built_site / "index.html")
    docs = json.loads((built_site / "archive.json").read_text("utf-8"))["documents"]
    wanted = {d["slug"] for d in docs if d["status"] == "published"}
    page.goto(home)
    screenshot(page, f"home-{via}")
    reached: set[str] = set()
    for i in range(page.locator(".entry-title a").count()):
        page.goto(home)
        follow(page, page.locator(".entry-title a").nth(i))
        assert page.locator("h1.article-title").is_visible()
        reached.add(slug_of(page))
        for j in range(page.locator(".versions a").count()):     # copies hang off their canonical
            follow(page, page.locator(".versions a").nth(j))
            reached.add(slug_of(page))
            assert page.locator(".banner-version a").count() == 1
            page.go_back()
    assert reached == wanted
    assert urlsplit(page.url).scheme == ("file" if via == "file" else "http")
    page_log.assert_clean()


def test_breadcrumbs_prev_next_taxonomy_and_404(built_site, page, page_log):
    slug = seed_slug(built_site, "004_")
    page.goto(article(built_site, slug))
    follow(page, page.locator(".breadcrumbs a").nth(1))           # the source site's page
    assert page.locator("h1.page-title").is_visible() and page.locator(".entry").count() >= 1
    follow(page, page.locator(".breadcrumbs a").nth(1))           # every source site
    assert page.locator(".terms li").count() >= 2
    page.goto(article(built_site, slug))
    before = slug_of(page)
    follow(page, page.locator(".prev-next a").first)
    assert slug_of(page) != before
    page.goto((built_site / "404.html").as_uri())
    follow(page, page.locator(".not-found-links a").first)
    assert page.locator(".entry").count() >= 1
    page_log.assert_clean()


# --------------------------------------------------------------------------- footnotes

def test_footnote_opens_in_the_text_on_a_phone(reading_site, page_factory, page_log, screenshot):
    page = page_factory(viewport=NARROW)
    page.goto(article(reading_site, "crafted-notes"))
    marker = page.locator("#fn-1-ref-1")
    note = page.locator("#fn-1-ref-1 + .sidenote, sup:has(#fn-1-ref-1) + .sidenote")
    assert not note.is_visible()
    marker.click()
    assert note.is_visible() and marker.get_attribute("aria-expanded") == "true"
    assert note.get_attribute("aria-hidden") is None and "Whale" in note.inner_text()
    assert urlsplit(page.url).fragment == ""                      # opened in place, no jump
    screenshot(page, "footnote-open-360", full_page=False)
    marker.focus()
    page.keyboard.press("Escape")
    assert not note.is_visible() and marker.get_attribute("aria-expanded") == "false"
    page_log.assert_clean()


def test_sidenotes_sit_beside_their_paragraph_on_a_wide_screen(reading_site, page_factory, page_log):
    page = page_factory(viewport=WIDE)
    page.goto(article(reading_site, "crafted-notes"))
    para = page.locator("#b1").bounding_box()
    note = page.locator("sup:has(#fn-1-ref-1) + .sidenote")
    box = note.bounding_box()
    assert note.is_visible() and box["x"] >= para["x"] + para["width"]
    assert para["y"] <= box["y"] < para["y"] + para["height"]
    page.locator("#fn-1-ref-1").focus()
    page.keyboard.press("Enter")                                  # keyboard: to the notes list
    assert urlsplit(page.url).fragment == "fn-1"
    page.locator("#fn-1 .note-back").first.click()
    assert urlsplit(page.url).fragment == "fn-1-ref-1"
    page_log.assert_clean()


def test_first_seed_footnotes_open_and_lead_back(built_site, page_factory, page_log, screenshot):
    page = page_factory(viewport=NARROW)
    page.goto(article(built_site, seed_slug(built_site, "000_")))
    markers = page.locator("a[role=doc-noteref]")
    assert markers.count() >= 20
    first = markers.first
    first.click()
    assert page.locator(".sidenote.is-open").count() == 1
    screenshot(page, "seed-000-footnote-360", full_page=False)
    assert page.locator(".note").count() >= 20
    page_log.assert_clean()


def test_without_javascript_markers_are_plain_links_and_both_languages_show(reading_site, page_factory, page_log):
    page = page_factory(viewport=WIDE, java_script_enabled=False)
    page.goto(article(reading_site, "crafted-bilingual"))
    assert page.locator(".lang-switch").is_hidden() and page.locator(".theme-toggle").is_hidden()
    assert page.locator("#b2").is_visible() and page.locator("#b21").is_visible()
    page.goto(article(reading_site, "crafted-notes"))
    page.locator("#fn-2-ref-1").click()
    assert urlsplit(page.url).fragment == "fn-2"
    page.locator("#fn-2 .note-back").click()
    assert urlsplit(page.url).fragment == "fn-2-ref-1"
    page_log.assert_clean()


# --------------------------------------------------------------------------- bilingual

def _side_boxes(page, pair: str):
    return (page.locator(f"#{pair} > .side-a").bounding_box(), page.locator(f"#{pair} > .side-b").bounding_box())


def test_two_columns_on_wide_screens_stacked_on_phones(reading_site, page_factory, page_log, screenshot):
    wide = page_factory(viewport=WIDE)
    wide.goto(article(reading_site, "crafted-bilingual"))
    a, b = _side_boxes(wide, "pair-2")
    assert b["x"] > a["x"] + a["width"] and abs(a["y"] - b["y"]) < 2         # one row
    narrow = page_factory(viewport=NARROW)
    narrow.goto(article(reading_site, "crafted-bilingual"))
    a, b = _side_boxes(narrow, "pair-2")
    assert b["y"] >= a["y"] + a["height"] and abs(a["x"] - b["x"]) < 2       # stacked
    screenshot(narrow, "bilingual-360", full_page=True)
    page_log.assert_clean()


def test_language_switch_reads_one_language_and_is_remembered(reading_site, page_factory, page_log, screenshot):
    page = page_factory(viewport=WIDE)
    page.goto(article(reading_site, "crafted-bilingual"))
    page.locator(".lang-switch button[data-show=en]").click()
    assert page.locator("#b21").is_visible() and page.locator("#b2").is_hidden()
    assert page.locator("#b6").is_hidden()                        # the lone Chinese caption too
    assert page.locator(".lang-switch button[data-show=en]").get_attribute("aria-pressed") == "true"
    screenshot(page, "bilingual-english-only-1280")
    page.goto(article(reading_site, seed_slug(reading_site, "004_")))   # English in column 1 there
    english = page.locator(".pair .side:lang(en):not(.side-empty)").first
    chinese = page.locator(".pair .side:lang(zh):not(.side-empty)").first
    assert english.is_visible() and chinese.is_hidden()
    page.locator(".lang-switch button[data-show=zh]").click()
    page.goto(article(reading_site, "crafted-bilingual"))
    assert page.locator("#b2").is_visible() and page.locator("#b21").is_hidden()
    screenshot(page, "bilingual-chinese-only-with-sidenotes-1280")
    assert page.locator("sup:has(#fn-2-ref-1) + .sidenote").is_visible()   # one column: notes beside
    page.locator(".lang-switch button[data-show=both]").click()
    assert page.locator("#b2").is_visible() and page.locator("#b21").is_visible()
    page_log.assert_clean()


def test_hovering_or_focusing_a_paragraph_lights_its_counterpart(reading_site, page_factory, page_log):
    page = page_factory(viewport=WIDE)
    page.goto(article(reading_site, "crafted-bilingual"))
    plain = page.locator("#pair-4 > .side-a").evaluate("e => getComputedStyle(e).backgroundColor")
    page.locator("#b21").hover()
    assert "is-counterpart" in page.locator("#pair-2 > .side-a").get_attribute("class")
    page.locator("#b24").click()                                  # a tap focuses the paragraph
    counterpart = page.locator("#pair-4 > .side-a")
    assert "is-counterpart" in counterpart.get_attribute("class")
    page.mouse.move(0, 0)
    page.wait_for_timeout(250)                                    # the highlight's fade
    assert counterpart.evaluate("e => getComputedStyle(e).backgroundColor") != plain
    page_log.assert_clean()


# --------------------------------------------------------------------------- theme, print

def _background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_theme_follows_the_system_and_the_toggle_is_remembered(reading_site, page_factory, page_log, screenshot):
    page = page_factory(viewport=WIDE, color_scheme="dark")
    page.goto((reading_site / "index.html").as_uri())
    dark = _background(page)
    toggle = page.locator(".theme-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    light = _background(page)
    assert light != dark and toggle.get_attribute("aria-pressed") == "false"
    page.goto(article(reading_site, "crafted-notes"))
    assert _background(page) == light and page.get_attribute("html", "data-theme") == "light"
    page.locator(".theme-toggle").click()
    assert _background(page) == dark
    screenshot(page, "notes-dark-1280")
    fresh = page_factory(viewport=WIDE, color_scheme="light")
    fresh.goto((reading_site / "index.html").as_uri())
    assert _background(fresh) == light
    page_log.assert_clean()


def test_print_shows_the_text_and_notes_without_the_chrome(reading_site, page, page_log):
    page.goto(article(reading_site, "crafted-notes"))
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".site-footer").is_hidden()
    assert page.locator(".sidenote").first.is_hidden() and page.locator(".notes").is_visible()
    assert page.locator("#b1").is_visible()
    page_log.assert_clean()


# --------------------------------------------------------------------------- axe, screenshots

def _axe_targets(reading: Path, scheme: str) -> dict[str, Path]:
    pages = {
        "home": reading / "index.html",
        "bilingual": reading / "crafted-bilingual" / "index.html",
        "notes": reading / "crafted-notes" / "index.html",
    }
    if scheme == "light":               # colours aside, the dark theme changes nothing axe sees
        pages.update({
            "seed-000": reading / seed_slug(reading, "000_") / "index.html",
            "seed-004": reading / seed_slug(reading, "004_") / "index.html",
            "tags": reading / "tags" / "index.html",
            "404": reading / "404.html",
        })
    return pages


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious(scheme, reading_site, page_factory, page_log, axe_check, http_server):
    page = page_factory(viewport=WIDE, color_scheme=scheme)
    problems = {}
    for name, path in _axe_targets(reading_site, scheme).items():
        assert path.is_file(), f"{name}: {path} is missing"
        page.goto(http_server.url(path))
        found = axe_check(page)
        if found:
            problems[name] = [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in found]
    narrow = page_factory(viewport=NARROW, color_scheme=scheme)
    narrow.goto(http_server.url(reading_site / "crafted-bilingual" / "index.html"))
    narrow.locator("#fn-2-ref-1").click()                         # with a note open in the text
    if found := axe_check(narrow):
        problems["bilingual-360-note-open"] = [(v["id"], v["help"]) for v in found]
    assert problems == {}
    page_log.assert_clean()


def test_axe_finds_nothing_serious_on_the_search_page(built_site, page, page_log, axe_check, http_server):
    """The search page (templates/search.html, static/search.js) shares base.html and style.css."""
    path = built_site / "search" / "index.html"
    assert path.is_file(), "the build writes no search page"
    page.goto(http_server.url(path))
    assert page.locator("main h1").count() == 1
    assert [(v["id"], v["help"]) for v in axe_check(page)] == []
    page_log.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [NARROW, WIDE], ids=["360", "1280"])
def test_screenshots_for_a_person_to_look_at(scheme, viewport, reading_site, page_factory, page_log, screenshot):
    """Whole pages of the hand-made articles, the top of the long seeds; nothing scrolls sideways."""
    page = page_factory(viewport=viewport, color_scheme=scheme)
    for name, path, whole in (("home", reading_site / "index.html", True),
                              ("bilingual", reading_site / "crafted-bilingual" / "index.html", True),
                              ("notes", reading_site / "crafted-notes" / "index.html", True),
                              ("seed-000", reading_site / seed_slug(reading_site, "000_") / "index.html", False),
                              ("seed-004", reading_site / seed_slug(reading_site, "004_") / "index.html", False)):
        page.goto(path.as_uri())
        shot = screenshot(page, f"{name}-{viewport['width']}-{scheme}", full_page=whole)
        assert shot.stat().st_size > 10_000
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} scrolls sideways at {viewport['width']} px"
    page_log.assert_clean()
