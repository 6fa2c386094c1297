"""The Jinja2 environment: autoescape on, undefined names are errors.

Jinja2's default Environment does not escape (RELIABILITY.md); this one
escapes in .html and .xml templates and fails loudly on a misspelt variable,
which the build reports as a template error naming the file and line.
"""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

LABELS = {
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
}


def js_json(value: object) -> Markup:
    """JSON safe inside <script> and attributes: <, >, &, U+2028/9 escaped (XSS-4)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def make_env(template_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=select_autoescape(["html", "xml", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["js_json"] = js_json
    return env
