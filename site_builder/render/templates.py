"""The Jinja2 environment: autoescape on, undefined names are errors.

Jinja2's default Environment does not escape (RELIABILITY.md); this one
escapes in .html and .xml templates and fails loudly on a misspelt variable,
which the build reports as a template error naming the file and line.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

LABELS = {
    "moved": "This page has moved",
    "skip": "Skip to content", "site_nav": "Site", "home": "Home", "tags": "Tags",
    "categories": "Categories", "sites": "Sources", "years": "Years", "search": "Search",
    "theme": "Theme", "breadcrumbs": "Breadcrumbs", "nothing": "Nothing here yet.",
    "not_found": "Page not found", "not_found_text": "There is no page at this address.",
    "date": "Published", "authors": "Authors", "site": "Source site", "publisher": "Publisher",
    "source": "Original", "languages": "Languages", "editor": "Editor", "rights": "Rights",
    "reading_languages": "Reading languages", "both": "Both", "notes": "Notes",
    "same_as": "same as", "back_to_text": "Back to the text, reference", "uncited": "not cited in the text",
    "versions": "Other copies of this article", "translations": "Translations",
    "related": "Related reading", "prev_next": "Previous and next article",
    "provenance": "Provenance", "original_file": "Original file", "archived": "Archived",
    "model": "Document model", "removed": "Text removed by the cleaner", "lines": "lines",
    "version_of": "This is a copy of", "draft": "Draft: not published",
    "authors_page": "Authors", "languages_page": "Languages",
    # reader's front end (templates/base.html, article.html, index.html)
    "dark_theme": "Dark theme", "report": "build report", "read": "Read:",
    "offline": "Everything here is stored on this site: no page loads anything from elsewhere.",
    "previous": "Previous", "next": "Next", "also_copies": "Also archived as", "one_copy": "other copy", "many_copies": "other copies",
    "bytes": "bytes", "newest": "Newest articles", "browse": "Browse",
}


def js_json(value: object) -> Markup:
    """JSON safe inside <script> and attributes: <, >, &, U+2028/9 escaped (XSS-4)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def text_lang(text: str, fallback: str = "") -> str:
    """The language of a short text such as a title, for its ``lang`` attribute.

    A document's main language does not always match its title (a Chinese title
    over an English-first bilingual text): mostly Han characters make it Chinese
    (unless the document says Japanese), only Latin letters keep a Latin
    fallback or become ``und``; anything else keeps the fallback.
    """
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    cjk = fallback.split("-")[0].lower() in ("zh", "ja")
    if han and han * 2 >= latin:
        return fallback if cjk else "zh"
    if latin and not han and cjk:
        return "und"
    return fallback or "und"


def make_env(template_dir: Path) -> Environment:
    """One environment per template folder; Jinja's loader reloads a changed template."""
    return _env(str(Path(template_dir).resolve()))


@lru_cache(maxsize=8)
def _env(template_dir: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=select_autoescape(["html", "xml", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["js_json"] = js_json
    env.filters["text_lang"] = text_lang
    return env
