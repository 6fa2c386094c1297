"""The reader's pages as HTML: footnote links both ways, sidenote copies, bilingual rows,
language columns, no inline script or style, relative links, valid HTML.

Hand-made Documents (tests/fixtures/render/crafted.py) carry footnotes, marks and an
alignment of every shape; they are rendered beside the real seeds through the real
pipeline and renderer.
"""
from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "render"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _load_crafted():
    spec = importlib.util.spec_from_file_location("render_crafted", FIXTURES / "crafted.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


crafted = _load_crafted()


# --------------------------------------------------------------------------- a tiny DOM

@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    parent: "El | None" = None
    children: list["El"] = field(default_factory=list)
    content: list["El | str"] = field(default_factory=list)     # text and children in order

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["El"]:
        return [e for e in self.iter() if (tag is None or e.tag == tag)
                and (cls is None or cls in e.classes)
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def lang(self) -> str:
        """The language in force here, as the browser computes it."""
        for node in (self, *self.ancestors()):
            if "lang" in node.attrs:
                return node.attrs["lang"]
        return ""


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#root", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        el = El(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(el)
        self.cur.content.append(el)
        if tag not in VOID:
            self.cur = el

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.content.append(data)


def dom(html: str) -> El:
    b = _Builder()
    b.feed(html)
    return b.root


# --------------------------------------------------------------------------- the site

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Seeds through the real pipeline plus the hand-made Documents, rendered and written."""
    out = tmp_path_factory.mktemp("render") / "public"
    crafted.render_with_seeds(ROOT / "seeds", out)
    return out


def page(site: Path, slug: str) -> El:
    return dom((site / slug / "index.html").read_text("utf-8"))


def ids(root: El) -> set[str]:
    return {e.attrs["id"] for e in root.iter() if "id" in e.attrs}


# --------------------------------------------------------------------------- footnotes

@pytest.mark.parametrize("slug", ["crafted-bilingual", "crafted-notes"])
def test_every_marker_links_to_its_note_and_the_note_links_back(site, slug):
    root = page(site, slug)
    known = ids(root)
    markers = root.find("a", role="doc-noteref")
    assert markers
    backs = {e.attrs["href"][1:] for e in root.find("a", cls="note-back")}
    for m in markers:
        note = m.attrs["href"][1:]
        assert note in known and root.find(id=note)[0].tag == "li", m.attrs
        assert m.attrs["id"] in backs, f"note {note} has no way back to {m.attrs['id']}"
        assert m.attrs["aria-label"].startswith("Note ")
    assert backs <= {m.attrs["id"] for m in markers}      # every back-link lands on a marker


def test_a_note_cited_twice_has_two_back_links(site):
    root = page(site, "crafted-bilingual")
    note = root.find("li", id="fn-1")[0]
    assert [a.attrs["href"] for a in note.find("a", cls="note-back")] == ["#fn-1-ref-1", "#fn-1-ref-2"]
    assert len(root.find("a", href="#fn-1", role="doc-noteref")) == 2


def test_sidenote_copy_follows_each_marker_and_stays_out_of_the_tab_order(site):
    root = page(site, "crafted-notes")
    for m in root.find("a", role="doc-noteref"):
        sup = m.parent
        following = sup.parent.children[sup.parent.children.index(sup) + 1]
        assert "sidenote" in following.classes and following.attrs.get("aria-hidden") == "true"
        note = root.find("li", id=m.attrs["href"][1:])[0]
        label = following.find(cls="sidenote-label")[0].all_text()
        assert label == m.all_text().strip("[]")
        assert following.all_text().strip() == f"{label} {note.find(cls='note-text')[0].all_text().strip()}"
        assert all(a.attrs.get("tabindex") == "-1" for a in following.find("a"))


def test_marker_without_a_note_is_shown_but_not_a_link(site):
    root = page(site, "crafted-bilingual")
    missing = root.find("sup", cls="fn-missing")
    assert [s.all_text() for s in missing] == ["[9]"]
    assert not missing[0].find("a")


def test_idem_note_shows_resolved_text_and_points_to_its_source(site):
    note = page(site, "crafted-bilingual").find("li", id="fn-3")[0]
    assert "The Wealth of Networks" in note.find(cls="note-text")[0].all_text()
    same = note.find(cls="note-same")[0]
    assert same.find("a")[0].attrs["href"] == "#fn-2" and "Idem." in same.all_text()


def test_uncited_and_hostile_note_is_kept_escaped_and_flagged(site):
    html = (site / "crafted-bilingual" / "index.html").read_text("utf-8")
    note = dom(html).find("li", id="fn-4")[0]
    assert "note-uncited" in note.classes and note.find(cls="note-flag")
    assert "<script>alert(1)</script>" in note.all_text()          # shown as text
    assert "<script>alert" not in html and 'href="javascript' not in html.lower()


def test_note_urls_and_dois_are_links(site):
    root = page(site, "crafted-bilingual")
    hrefs = [a.attrs["href"] for a in root.find("li", cls="note")[0].find("a") + root.find("li", id="fn-2")[0].find("a")]
    assert "https://example.org/winner_1980?a=1&b=2" in hrefs
    assert "https://doi.org/10.1000/xyz123" in hrefs


# --------------------------------------------------------------------------- bilingual rows

def _rows(root: El) -> list[El]:
    body = root.find("div", cls="article-body")[0]
    return [c for c in body.children]


def _block_ids(el: El) -> list[str]:
    return [e.attrs["id"] for e in el.iter() if "blk" in e.classes]


def test_pairs_hold_both_languages_with_lang_attributes(site):
    root = page(site, "crafted-bilingual")
    pairs = root.find("div", cls="pair")
    assert len(pairs) == len(crafted.BILINGUAL_PAIRS)
    for pair in pairs:
        a, b = pair.find(cls="side-a")[0], pair.find(cls="side-b")[0]
        assert (a.attrs["lang"], a.attrs["data-col"]) == ("zh", "1")
        assert (b.attrs["lang"], b.attrs["data-col"]) == ("en", "2")
        for blk in a.find(cls="blk") + b.find(cls="blk"):
            assert blk.attrs.get("lang") in ("zh", "en"), blk.attrs
            assert blk.lang() == ("zh" if blk in a.find(cls="blk") else "en")


def test_every_pair_shape_renders_as_aligned(site):
    root = page(site, "crafted-bilingual")
    got = [(tuple(_block_ids(p.find(cls="side-a")[0])), tuple(_block_ids(p.find(cls="side-b")[0])))
           for p in root.find("div", cls="pair")]
    assert got == [tuple(map(tuple, pair)) for pair in crafted.BILINGUAL_PAIRS]
    singles = [p for p in root.find("div", cls="pair") if "pair-single" in p.classes]
    assert len(singles) == 2                                      # the caption (1-0) and the 0-1
    assert all(len(p.find(cls="side-empty")) == 1 for p in singles)


def test_aligner_sides_reversed_keep_one_language_per_column(site):
    root = page(site, "crafted-swapped")
    sides = [(p.find(cls="side-a")[0].attrs["lang"], p.find(cls="side-b")[0].attrs["lang"])
             for p in root.find("div", cls="pair")]
    assert len(set(sides)) == 1 and sides[0] in (("en", "zh"), ("zh", "en"))
    buttons = root.find("button", cls=None)
    first = sides[0][0]
    assert [b.attrs.get("data-show") for b in buttons if b.attrs.get("data-show")] == ["both", first, sides[0][1]]


def test_every_block_appears_once_in_reading_order(site):
    root = page(site, "crafted-bilingual")
    seen = [i for row in _rows(root) for i in _block_ids(row)]
    assert sorted(seen) == sorted(b[0] for b in crafted.BILINGUAL_BLOCKS)
    assert seen.index("b8") > seen.index("b26")         # the unpaired rule follows its neighbour
    hr = root.find("hr", id="b8")[0]
    assert "data-col" not in hr.attrs                    # neither language: spans both columns


def test_language_switch_is_hidden_without_javascript_and_lists_both(site):
    root = page(site, "crafted-bilingual")
    switch = root.find(cls="lang-switch")[0]
    assert "hidden" in switch.attrs and switch.attrs["role"] == "group"
    buttons = switch.find("button")
    assert [(b.attrs["data-show"], b.attrs.get("data-column"), b.attrs["aria-pressed"]) for b in buttons] == [
        ("both", None, "true"), ("zh", "1", "false"), ("en", "2", "false")]
    assert not page(site, "crafted-notes").find(cls="lang-switch")


def test_real_bilingual_seeds_render_as_pairs_in_both_languages(site):
    """Whatever the aligner pairs on the seeds, each pair shows two languages in fixed columns."""
    for index in site.glob("*/index.html"):
        root = dom(index.read_text("utf-8"))
        for pair in root.find("div", cls="pair"):
            a, b = pair.find(cls="side-a")[0], pair.find(cls="side-b")[0]
            assert a.attrs["lang"] != b.attrs["lang"], index.parent.name
            assert all(blk.lang() for blk in a.find(cls="blk") + b.find(cls="blk"))


# --------------------------------------------------------------------------- every page

def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def test_no_inline_script_style_or_handler_on_any_page(site):
    for path in _pages(site):
        html = path.read_text("utf-8")
        root = dom(html)
        scripts = root.find("script")
        assert scripts and all(s.attrs.get("src") and not s.all_text().strip() for s in scripts), path
        assert not root.find("style"), path
        assert not [e for e in root.iter() if "style" in e.attrs], path
        assert not INLINE_HANDLER.search(html), path
        csp = root.find("meta", http_equiv="Content-Security-Policy")[0].attrs["content"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp


def test_every_link_is_relative_or_an_external_link_that_never_loads(site):
    for path in _pages(site):
        root = dom(path.read_text("utf-8"))
        for el in root.iter():
            for attr in ("href", "src"):
                url = el.attrs.get(attr)
                if url is None:
                    continue
                parts = urlsplit(url)
                if parts.scheme in ("http", "https"):
                    assert el.tag == "a" and "noopener" in el.attrs.get("rel", ""), (path, url)
                    continue
                assert not parts.scheme and not url.startswith("/"), (path, url)
                if el.tag in ("script", "link", "img"):
                    assert (path.parent / unquote(parts.path)).resolve().is_file(), (path, url)


def test_fragment_links_land_on_an_id_of_the_same_page(site):
    for path in _pages(site):
        root = dom(path.read_text("utf-8"))
        known = ids(root)
        for a in root.find("a"):
            href = a.attrs.get("href", "")
            if href.startswith("#"):
                assert href[1:] in known, (path, href)


def test_landmarks_skip_link_lang_and_one_h1_on_every_page(site):
    for path in _pages(site):
        root = dom(path.read_text("utf-8"))
        html = root.find("html")[0]
        assert html.attrs.get("lang"), path
        skip = root.find("a", cls="skip-link")[0]
        assert skip.attrs["href"] == "#main" and root.find("main", id="main")
        assert root.find("header") and root.find("footer") and root.find("nav")
        assert len(root.find("h1")) == 1, path


def test_article_page_parts(site):
    root = page(site, "crafted-bilingual")
    assert [c.all_text() for c in root.find(cls="breadcrumbs")[0].find("li")][0] == "Home"
    removed = root.find("details", cls="removed")[0]
    assert "chrome: navigation" in removed.all_text()
    assert root.find("section", cls="provenance")[0].find("a", href="index.json")
    assert root.find("nav", cls="prev-next")[0].find("a", rel="prev")
    h1 = root.find("h1")[0]
    assert h1.attrs["lang"] == "zh"


def test_titles_get_the_language_they_are_written_in(site):
    """A Chinese title over an English-first text is marked zh, on its page and in listings."""
    home = dom((site / "index.html").read_text("utf-8"))
    for h2 in home.find("h2", cls="entry-title"):
        title = h2.all_text()
        han = len(re.findall(r"[\u4e00-\u9fff]", title))
        latin = len(re.findall(r"[A-Za-z]", title))
        if han and han * 2 >= latin:
            assert h2.attrs["lang"].startswith("zh"), title


def test_static_assets_fetch_nothing_from_elsewhere():
    css = (ROOT / "static" / "style.css").read_text("utf-8")
    js = (ROOT / "static" / "site.js").read_text("utf-8")
    assert "@import" not in css and "@font-face" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "prefers-color-scheme: dark" in css and "@media print" in css
    assert not re.search(r"https?://", js) and "fetch(" not in js and "XMLHttpRequest" not in js


def test_pages_are_valid_html(site, vnu_check):
    errors = vnu_check([site])
    assert errors == [], "\n".join(f"{e['file']}:{e.get('lastLine')}: {e['message']}" for e in errors[:20])
