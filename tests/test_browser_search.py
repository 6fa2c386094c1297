"""Search and the archivists' snapshot in Debian's Chromium (Playwright).

Search (templates/search.html, static/search.js, the index of site_builder/search.py) from
file:// and over HTTP: Chinese and English terms, links to the right articles, <mark>ed
snippets, `?q=`, a term that is nowhere; axe in both themes and vnu on the search page.

The snapshot: the real CLI (`python -m site_builder snapshot`) with SOURCE_DATE_EPOCH, unpacked
with zipfile after its entry names are checked, opened from file://: every seed's page, a
footnote, the language switch, provenance and search. Every request must stay inside the
unpacked package (stricter than `page_log`, which allows any file:// URL).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 360, "height": 780}
EPOCH = "1735689600"                                  # 2025-01-01T00:00:00Z
ARCHIVED = datetime.fromtimestamp(int(EPOCH), timezone.utc).date().isoformat()
PACKAGE_TOP = "reading-archive"
MAX_UNPACKED = 64 << 20                               # the seeds' package is well under 1 MiB

# Which seeds hold each term (checked against the seeds themselves in test_terms_table_matches_seeds).
# Seed 001 is a copy of 000: copies are left out of search, their canonical stands for them.
TERMS = {
    "开源": {"000_", "003_", "004_"},
    "人工智能": {"000_", "004_"},                      # 003 writes AI, never 人工智能
    "Silicon Valley": {"002_", "004_"},
    "Silicon 开源": {"004_"},                         # every word required, across scripts
}
NONSENSE = ("qzxjvwk", "鑫龘")                        # in no seed, in neither script


# --------------------------------------------------------------------------- helpers

def load_docs(site: Path) -> list[dict]:
    return json.loads((site / "archive.json").read_text("utf-8"))["documents"]


def slug_of_seed(site: Path, prefix: str) -> str:
    return next(d["slug"] for d in load_docs(site) if d["source"].startswith(prefix))


def canonical_slugs(site: Path, prefixes: set[str]) -> set[str]:
    """The pages search should list for seeds with these prefixes (copies stand for nothing)."""
    return {d["slug"] for d in load_docs(site)
            if d["slug"] == d.get("canonical", d["slug"]) and d["source"][:4] in prefixes}


def path_of(url: str, http_root: Path | None = None) -> Path:
    """The file a file:// or our http:// URL points at."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    assert http_root is not None and parts.scheme == "http", url
    return http_root / unquote(parts.path).lstrip("/")


def title_lang(article: Path) -> str:
    """The lang attribute the article page gives its own title (text_lang in render/templates.py)."""
    found = re.search(r'<h1 class="article-title"[^>]*\slang="([^"]*)"', article.read_text("utf-8"))
    assert found, f"no article title in {article}"
    return found.group(1)


def search_url(site: Path, via: str, http_server, term: str | None = None) -> str:
    path = site / "search" / "index.html"
    url = path.as_uri() if via == "file" else http_server.url(path)
    return url + (f"?q={quote(term)}" if term else "")


class Trail:
    """Every request the watched pages make; `outside()` lists those that leave `root`."""

    def __init__(self, root: Path, http_root: Path | None = None) -> None:
        self.root, self.http_root, self.urls = root.resolve(), http_root, []

    def watch(self, page):
        page.on("request", lambda request: self.urls.append(request.url))
        return page

    def outside(self) -> list[str]:
        return [u for u in self.urls if not self._inside(u)]

    def _inside(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob", "about"):
            return True
        if scheme not in ("file", "http") or (scheme == "http" and self.http_root is None):
            return False
        return path_of(url, self.http_root).resolve().is_relative_to(self.root)


def follow(page, locator) -> None:
    """Click a link to another page and wait until that page has loaded."""
    with page.expect_navigation():
        locator.click()


def wait_for_results(page, term: str) -> str:
    """Wait until the status names `term` and every listed snippet is filled; the status text."""
    page.wait_for_function("""q => {
        const status = document.querySelector('.search-status');
        return status && status.textContent.includes(q)
            && [...document.querySelectorAll('.search-snippet')].every(p => p.childNodes.length > 0);
    }""", arg=term)
    return page.inner_text(".search-status")


def status_message(page, key: str, term: str, count: int = 0) -> str:
    """The page's own wording (data-msg-*) for a result count."""
    text = page.get_attribute(".search-status", f"data-msg-{key}")
    return text.replace("{q}", term).replace("{n}", str(count))


def results(page, site: Path, http_root: Path | None = None) -> list[dict]:
    """Each listed result: the slug its link leads to, its title, its snippet's marks."""
    rows = page.evaluate("""() => [...document.querySelectorAll('.search-result')].map(li => ({
        href: li.querySelector('.search-result-title a').href,
        title: li.querySelector('.search-result-title a').textContent,
        lang: li.querySelector('.search-result-title').lang,
        marks: [...li.querySelectorAll('.search-snippet mark')].map(m => m.textContent),
        snippet: li.querySelector('.search-snippet') ? li.querySelector('.search-snippet').textContent : '',
    }))""")
    for row in rows:
        rel = path_of(row["href"], http_root).relative_to(site)
        assert rel.name == "index.html" and len(rel.parts) == 2, row["href"]
        row["slug"] = rel.parts[0]
    return rows


def run_search(page, term: str, submit: bool) -> str:
    """Type `term`; press Enter (the form's submit) or let the as-you-type delay run it."""
    box = page.locator("#search-q")
    box.fill(term)
    if submit:
        box.press("Enter")
    return wait_for_results(page, term)


def check_hits(page, site: Path, term: str, http_root: Path | None = None) -> list[dict]:
    """The results of `term` are exactly the seeds that hold it, titled and linked, with marks."""
    rows = results(page, site, http_root)
    titles = {d["slug"]: d["title"] for d in load_docs(site)}
    expected = canonical_slugs(site, TERMS[term])
    assert {r["slug"] for r in rows} == expected and len(rows) == len(expected)
    key = "one" if len(expected) == 1 else "many"
    assert page.inner_text(".search-status") == status_message(page, key, term, len(expected))
    words = {w.casefold() for w in term.split()}
    for row in rows:
        assert row["title"] == titles[row["slug"]]
        assert row["lang"] == title_lang(site / row["slug"] / "index.html"), row["title"]
        assert row["marks"], f"no <mark> in the snippet of {row['slug']}: {row['snippet'][:80]}"
        assert {m.casefold() for m in row["marks"]} <= words
        assert (site / row["slug"] / "index.html").is_file()
    return rows


def check_nothing_found(page, term: str) -> None:
    run_search(page, term, submit=True)
    assert page.locator(".search-result").count() == 0
    assert page.inner_text(".search-status") == status_message(page, "none", term)


# --------------------------------------------------------------------------- search

def test_terms_table_matches_seeds():
    """TERMS is not made up: each listed seed holds every word of the term, and no other seed does."""
    for term, prefixes in TERMS.items():
        holding = {p.name[:4] for p in SEEDS.glob("*.txt")
                   if all(w.casefold() in p.read_text("utf-8", errors="replace").casefold() for w in term.split())}
        assert prefixes <= holding and holding - prefixes <= {"001_"}, term
    for term in NONSENSE:
        assert not any(term in p.read_text("utf-8", errors="replace") for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("via", ["file", "http"])
def test_search_finds_chinese_and_english_terms(via, built_site, http_server, page, page_log, screenshot):
    http_root = http_server.root if via == "http" else None
    trail = Trail(built_site, http_root)
    trail.watch(page)
    page.goto(search_url(built_site, via, http_server))
    assert page.locator("form.search-form.search-ready").count() == 1      # search.js started
    run_search(page, "开源", submit=False)                                   # as you type
    check_hits(page, built_site, "开源", http_root)
    assert urlsplit(page.url).query == "q=" + quote("开源")                   # remembered in the URL
    run_search(page, "Silicon Valley", submit=True)                           # Enter
    rows = check_hits(page, built_site, "Silicon Valley", http_root)
    screenshot(page, f"search-results-{via}")
    for term in NONSENSE:
        check_nothing_found(page, term)
    run_search(page, "Silicon Valley", submit=True)
    follow(page, page.locator(".search-result-title a").first)
    assert page.get_attribute("article", "data-slug") == rows[0]["slug"]
    assert page.inner_text("h1.article-title") == rows[0]["title"]
    assert urlsplit(page.url).scheme == via
    assert trail.outside() == [] and trail.urls
    page_log.assert_clean()


@pytest.mark.parametrize("via", ["file", "http"])
def test_query_in_the_url_runs_the_search(via, built_site, http_server, page, page_log):
    http_root = http_server.root if via == "http" else None
    trail = Trail(built_site, http_root)
    trail.watch(page)
    page.goto(search_url(built_site, via, http_server, "人工智能"))
    wait_for_results(page, "人工智能")
    assert page.input_value("#search-q") == "人工智能"
    check_hits(page, built_site, "人工智能", http_root)
    page.goto(search_url(built_site, via, http_server, "Silicon 开源"))
    wait_for_results(page, "Silicon 开源")
    check_hits(page, built_site, "Silicon 开源", http_root)
    page.goto(search_url(built_site, via, http_server, NONSENSE[0]))
    wait_for_results(page, NONSENSE[0])
    assert page.locator(".search-result").count() == 0
    assert trail.outside() == []
    page_log.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_the_search_page_with_results(scheme, built_site, http_server, page_factory, page_log,
                                             axe_check, screenshot):
    page = page_factory(viewport=WIDE, color_scheme=scheme)
    page.goto(search_url(built_site, "http", http_server, "开源"))
    wait_for_results(page, "开源")
    assert page.locator(".search-snippet mark").count() >= 3
    screenshot(page, f"search-results-axe-{scheme}")
    found = axe_check(page)
    assert [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in found] == []
    page_log.assert_clean()


def test_vnu_finds_no_errors_on_the_search_page(built_site, page, page_log, vnu_check, tmp_path):
    """The page as built, and as search.js leaves it with results shown."""
    page.goto(search_url(built_site, "file", None, "Silicon Valley"))
    wait_for_results(page, "Silicon Valley")
    assert page.locator(".search-snippet mark").count() >= 2
    rendered = tmp_path / "search-with-results.html"
    rendered.write_text(page.content(), "utf-8")
    errors = vnu_check([built_site / "search" / "index.html", rendered])
    assert [(e["file"], e.get("lastLine"), e["message"]) for e in errors] == []
    page_log.assert_clean()


# --------------------------------------------------------------------------- snapshot

def unpack(package: Path, dest: Path) -> Path:
    """Extract after checking every entry: inside one top folder, no `..`, absolute path,
    backslash, drive letter, NUL or symlink, and a bounded total size."""
    with zipfile.ZipFile(package) as zf:
        infos = zf.infolist()
        assert infos, "empty package"
        for info in infos:
            name, parts = info.filename, PurePosixPath(info.filename).parts
            assert not name.startswith("/") and "\\" not in name and "\0" not in name, name
            assert parts[0] == PACKAGE_TOP and ".." not in parts and ":" not in parts[0], name
            assert not stat.S_ISLNK(info.external_attr >> 16), f"symlink entry {name}"
        assert sum(i.file_size for i in infos) < MAX_UNPACKED
        zf.extractall(dest)
    return dest / PACKAGE_TOP


@pytest.fixture(scope="module")
def snapshot_site(tmp_path_factory) -> Path:
    """The real CLI's BagIt snapshot of seeds/, unpacked: its data/site folder."""
    folder = tmp_path_factory.mktemp("snapshot-browser")
    package = folder / "archive.zip"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    python = VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable)
    res = subprocess.run([str(python), "-m", "site_builder", "snapshot", "--out", str(package)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    bag = unpack(package, folder / "unpacked")
    assert (bag / "bagit.txt").is_file()
    site = bag / "data" / "site"
    assert (site / "index.html").is_file()
    return site


def package_root(site: Path) -> Path:
    return site.parent.parent                          # reading-archive/


def test_unpacked_snapshot_reaches_every_seed(snapshot_site, page, page_log, screenshot):
    trail = Trail(package_root(snapshot_site))
    trail.watch(page)
    home = (snapshot_site / "index.html").as_uri()
    page.goto(home)
    reached: dict[str, str] = {}
    for i in range(page.locator(".entry-title a").count()):
        page.goto(home)
        follow(page, page.locator(".entry-title a").nth(i))
        reached[page.get_attribute("article", "data-slug")] = page.inner_text("h1.article-title")
        for j in range(page.locator(".versions a").count()):       # copies hang off their canonical
            follow(page, page.locator(".versions a").nth(j))
            reached[page.get_attribute("article", "data-slug")] = page.inner_text("h1.article-title")
            page.go_back()
    docs = load_docs(snapshot_site)
    assert {d["source"] for d in docs} == {p.name for p in SEEDS.glob("*.txt")}
    assert reached == {d["slug"]: d["title"] for d in docs}
    page.goto((snapshot_site / slug_of_seed(snapshot_site, "004_") / "index.html").as_uri())
    screenshot(page, "snapshot-article-004", full_page=False)
    assert trail.outside() == [] and len(trail.urls) > len(docs)
    page_log.assert_clean()


def test_unpacked_snapshot_footnotes_open_and_lead_to_notes(snapshot_site, page_factory, page_log, screenshot):
    trail = Trail(package_root(snapshot_site))
    page = trail.watch(page_factory(viewport=NARROW))
    page.goto((snapshot_site / slug_of_seed(snapshot_site, "000_") / "index.html").as_uri())
    markers = page.locator("a[role=doc-noteref]")
    assert markers.count() >= 20
    dangling = page.evaluate("""() => [...document.querySelectorAll('a[role=doc-noteref]')]
        .map(a => a.getAttribute('href'))
        .filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1))
                     || !document.getElementById(h.slice(1)).matches('li.note'))""")
    assert dangling == []
    first = markers.first
    note = page.locator(f"sup:has(#{first.get_attribute('id')}) + .sidenote")
    assert not note.is_visible()
    first.click()
    assert note.is_visible() and first.get_attribute("aria-expanded") == "true"
    target = first.get_attribute("href")[1:]
    assert page.inner_text(f"#{target} .note-text").strip() in note.inner_text()
    screenshot(page, "snapshot-seed-000-footnote-360", full_page=False)
    assert trail.outside() == []
    page_log.assert_clean()


def test_unpacked_snapshot_switches_languages_on_the_bilingual_seed(snapshot_site, page_factory, page_log,
                                                                     screenshot):
    trail = Trail(package_root(snapshot_site))
    page = trail.watch(page_factory(viewport=WIDE))
    page.goto((snapshot_site / slug_of_seed(snapshot_site, "004_") / "index.html").as_uri())
    switch = page.locator(".lang-switch")
    assert switch.is_visible()
    english = page.locator(".pair .side:lang(en):not(.side-empty)").first
    chinese = page.locator(".pair .side:lang(zh):not(.side-empty)").first
    assert english.is_visible() and chinese.is_visible()
    for show, seen, hidden in (("zh", chinese, english), ("en", english, chinese)):
        switch.locator(f"button[data-show={show}]").click()
        assert seen.is_visible() and hidden.is_hidden(), show
        assert switch.locator(f"button[data-show={show}]").get_attribute("aria-pressed") == "true"
        if show == "zh":
            screenshot(page, "snapshot-article-004-chinese-only", full_page=False)
    switch.locator("button[data-show=both]").click()
    assert english.is_visible() and chinese.is_visible()
    assert trail.outside() == []
    page_log.assert_clean()


def test_unpacked_snapshot_shows_provenance_and_keeps_the_originals(snapshot_site, page, page_log):
    trail = Trail(package_root(snapshot_site))
    trail.watch(page)
    for doc in load_docs(snapshot_site):
        raw = (SEEDS / doc["source"]).read_bytes()
        page.goto((snapshot_site / doc["slug"] / "index.html").as_uri())
        provenance = page.locator("section.provenance")
        link = provenance.locator("a[type='text/plain']")
        assert link.inner_text() == doc["source"]
        assert provenance.locator("code").inner_text() == hashlib.sha256(raw).hexdigest()
        assert provenance.locator(f"time[datetime='{ARCHIVED}']").inner_text() == ARCHIVED
        kept = path_of(link.evaluate("a => a.href"))
        assert kept.resolve().is_relative_to(snapshot_site.resolve()) and kept.read_bytes() == raw
    follow(page, link)                                          # the last original opens in the browser
    assert path_of(page.url) == kept
    assert trail.outside() == []
    page_log.assert_clean()


def test_unpacked_snapshot_search(snapshot_site, page, page_log, screenshot):
    trail = Trail(package_root(snapshot_site))
    trail.watch(page)
    page.goto(search_url(snapshot_site, "file", None))
    run_search(page, "开源", submit=True)
    rows = check_hits(page, snapshot_site, "开源")
    screenshot(page, "snapshot-search-results")
    check_nothing_found(page, NONSENSE[1])
    page.goto(search_url(snapshot_site, "file", None, "Silicon Valley"))
    wait_for_results(page, "Silicon Valley")
    rows = check_hits(page, snapshot_site, "Silicon Valley")
    follow(page, page.locator(".search-result-title a").last)
    assert page.get_attribute("article", "data-slug") == rows[-1]["slug"]
    assert trail.outside() == []
    page_log.assert_clean()
