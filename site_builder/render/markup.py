"""Block text -> safe HTML: one configured markdown-it, one URL check, marker links.

markdown-it-py renders raw HTML unless told not to (RELIABILITY.md), so the
parser is built here once with ``html: False`` and every URL that reaches an
``href`` or ``src`` -- from Markdown, from notes, from metadata -- passes
``safe_url``.  Footnote markers are swapped for private-use placeholders
before parsing so that Markdown cannot mangle them, and back afterwards.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from ..model import Block, BlockKind, Mark

_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PH = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")
_URL = re.compile(r"(?:https?://|doi:\s*|\bdoi\.org/)[^\s<>\"'\u3000-\u303f\uff08\uff09\uff0c\uff1b]+", re.I)
_TRAIL = ".,;:!?)]}'\"。，；：！？）】」』"
_CTRL = re.compile(r"[\x00-\x1f\x7f]")


def safe_url(url: str) -> str:
    """Return ``url`` if it is http(s) (or a relative site link), else ''."""
    url = _CTRL.sub("", html.unescape(url or "")).strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    if scheme in ("http", "https"):
        return url
    if not scheme and not url.startswith("//") and not re.match(r"^[a-z][a-z0-9+.\-]*:", url, re.I):
        return url
    return ""


def _validate(url: str) -> bool:
    return bool(safe_url(url))


def highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments for fenced code; an unknown or hostile lexer name falls back to plain text."""
    from pygments import highlight as pyg_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    name = lang.strip().split()[0] if lang.strip() else ""
    if not re.fullmatch(r"[A-Za-z0-9_+#.\-]{1,40}", name):
        return ""                       # markdown-it escapes the text itself
    try:
        lexer = get_lexer_by_name(name)
    except ClassNotFound:
        return ""
    return pyg_highlight(code, lexer, HtmlFormatter(nowrap=True))


@lru_cache(maxsize=1)
def make_md() -> MarkdownIt:
    """The project's single markdown-it: CommonMark, raw HTML off, strict links."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "highlight": highlight})
    md.validateLink = _validate
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


def _link_open(self, tokens, idx, options, env) -> str:
    tok = tokens[idx]
    href = tok.attrGet("href") or ""
    if urlsplit(href).scheme in ("http", "https"):
        tok.attrSet("rel", "noopener noreferrer external")
    return self.renderToken(tokens, idx, options, env)


def _image(self, tokens, idx, options, env) -> str:
    tok = tokens[idx]
    alt = self.renderInlineAsText(tok.children or [], options, env)
    return remote_image(tok.attrGet("src") or "", alt, (env or {}).get("images"))


def remote_image(src: str, alt: str, images: dict[str, str] | None = None) -> str:
    """Remote images never load (no request leaves the site): a local copy the archivist
    gave (snapshot --images), else a placeholder linking the original address."""
    url = safe_url(src)
    label = escape(alt or "image")
    if images and src in images:
        return (f'<img src="{escape(images[src])}" alt="{label}" loading="lazy" decoding="async">'
                f'<a class="img-orig" href="{escape(url)}" rel="noopener noreferrer external">{escape(_host(url))}</a>'
                if url else f'<img src="{escape(images[src])}" alt="{label}" loading="lazy" decoding="async">')
    if not url:
        return f'<span class="img-ph" role="img" aria-label="{label}">{label}</span>'
    return (f'<a class="img-ph" href="{escape(url)}" rel="noopener noreferrer external" '
            f'title="{escape(url)}"><span class="img-ph-label">{label}</span>'
            f'<span class="img-ph-url">{escape(_host(url))}</span></a>')


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def linkify_text(text: str) -> Markup:
    """Plain text -> escaped HTML with http(s) URLs and DOIs as links."""
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(text):
        raw = m.group(0).rstrip(_TRAIL)
        end = m.start() + len(raw)
        out.append(str(escape(text[pos:m.start()])))
        url = raw
        if raw.lower().startswith("doi"):
            url = "https://doi.org/" + re.sub(r"^(?:doi:\s*|doi\.org/)", "", raw, flags=re.I)
        href = safe_url(url)
        out.append(f'<a href="{escape(href)}" rel="noopener noreferrer external">{escape(raw)}</a>'
                   if href else str(escape(raw)))
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def _with_placeholders(text: str, marks: tuple[Mark, ...]) -> str:
    pieces, pos = [], 0
    for i, mark in enumerate(sorted(marks, key=lambda m: m.start)):
        if mark.start < pos:
            continue
        pieces.append(text[pos:mark.start])
        pieces.append(f"{_PH_OPEN}{i}{_PH_CLOSE}")
        pos = mark.end
    pieces.append(text[pos:])
    return "".join(pieces).replace(_PH_OPEN + _PH_OPEN, _PH_OPEN)


def inline(block: Block, fmt: str, marker: Callable[[Mark, int], str],
           images: dict[str, str] | None = None) -> Markup:
    """A block's text -> inline HTML; ``marker(mark, n)`` renders the n-th marker."""
    text = _with_placeholders(block.text.replace(_PH_OPEN, "").replace(_PH_CLOSE, ""), block.marks)
    multi = block.kind in (BlockKind.LIST, BlockKind.QUOTE, BlockKind.CODE)
    if fmt == "markdown":
        env = {"images": images}
        body = make_md().render(text, env) if multi else make_md().renderInline(text, env)
    else:
        lines = [str(linkify_text(line)) for line in text.split("\n")]
        body = "<br>\n".join(lines)
    marks = sorted(block.marks, key=lambda m: m.start)
    body = _PH.sub(lambda m: marker(marks[int(m.group(1))], int(m.group(1))) if int(m.group(1)) < len(marks)
                   else "", body)
    return Markup(body)
