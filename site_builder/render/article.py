"""One Document -> the context of its article page (blocks as safe HTML, notes, links).

Bilingual documents are laid out as rows of aligned pairs, in reading order;
every block appears exactly once, paired or standing alone.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..model import Block, BlockKind, Document, Layout, Mark
from ..stages.footnotes import as_written
from . import markup
from .site import Site, article_url, lang_name

_ANCHOR = re.compile(r"[^A-Za-z0-9_\-]")


def note_anchor(note_id: str) -> str:
    """Prefixed, sanitised ids so that input cannot clobber the DOM (XSS-5)."""
    return "fn-" + _ANCHOR.sub("_", note_id)[:40]


def block_html(block: Block, doc: Document, ref_counter: dict[str, int],
               images: dict[str, str] | None = None, sidenotes: dict[str, Markup] | None = None,
               col: int = 0) -> Markup:
    """A block -> its HTML element, markers linked to their notes.

    Each cited note is repeated right after its marker as a ``.sidenote``: beside
    the paragraph on wide screens, an inline expansion on narrow ones (site.js).
    The copy is aria-hidden with unfocusable links; the marker link to the notes
    list stays the accessible path.  ``col`` (1 or 2) tags a bilingual block with
    its reading-language column for the language switch.
    """
    if sidenotes is None:
        sidenotes = sidenote_map(doc)

    def marker(mark: Mark, _n: int) -> str:
        label = escape(mark.note)
        if mark.note not in sidenotes:
            return f'<sup class="fn-ref fn-missing" title="note missing">[{label}]</sup>'
        ref_counter[mark.note] = ref_counter.get(mark.note, 0) + 1
        anchor = note_anchor(mark.note)
        ref_id = f"{anchor}-ref-{ref_counter[mark.note]}"
        # U+2060 WORD JOINER: a marker never starts a line (CJK text breaks anywhere)
        return (f'\u2060<sup class="fn-ref"><a href="#{anchor}" id="{ref_id}" role="doc-noteref" '
                f'aria-label="Note {label}">[{label}]</a></sup><span class="sidenote" '
                f'aria-hidden="true"><span class="sidenote-label">{label}</span> {sidenotes[mark.note]}</span>')

    inner = markup.inline(block, doc.format, marker, images)
    lang = f' lang="{escape(block.lang)}"' if block.lang else ""
    column = f' data-col="{col}"' if col else ""
    attrs = f' id="{block.id}" class="blk blk-{block.kind.value}"{lang}{column}'
    return Markup(_wrap(block, inner, attrs, images))


def sidenote_map(doc: Document) -> dict[str, Markup]:
    """Note id -> its resolved text as HTML for the sidenote copy (links kept out of tab order)."""
    return {f.id: Markup(str(markup.linkify_text(f.text)).replace("<a href=", '<a tabindex="-1" href='))
            for f in doc.footnotes}


def _wrap(block: Block, inner: Markup, attrs: str, images: dict[str, str] | None = None) -> str:
    kind = block.kind
    if kind is BlockKind.HEADING:
        level = min(max(block.level, 2), 4)
        return f"<h{level}{attrs}>{inner}</h{level}>"
    if kind is BlockKind.IMAGE:
        return f"<figure{attrs}>{markup.remote_image(block.url, block.text, images)}</figure>"
    if kind is BlockKind.CAPTION:
        return f'<p{attrs} role="note">{inner}</p>'
    if kind is BlockKind.RULE:
        return f"<hr{attrs}>"
    if kind is BlockKind.QUOTE:
        return f"<blockquote{attrs}>{inner}</blockquote>" if "<p>" in inner else \
            f"<blockquote{attrs}><p>{inner}</p></blockquote>"
    if kind in (BlockKind.LIST, BlockKind.CODE):
        return f"<div{attrs}>{inner}</div>"
    return f"<p{attrs}>{inner}</p>"


def rows(doc: Document, images: dict[str, str] | None = None,
         counter: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Blocks in reading order; aligned pairs become two-sided rows.

    Every block appears exactly once.  Pairs keep the aligner's order; a block
    no pair holds follows the row of the nearest block before it in the file.
    Side ``a`` always holds the first column's language, whatever the aligner
    called source, so a reader's column never swaps mid-article; a block
    standing alone carries ``col`` (1, 2, or 0 for neither language).
    """
    counter = {} if counter is None else counter
    notes_html = sidenote_map(doc)
    cols = columns(doc)
    col_of = {b.id: _col(b.lang, cols) for b in doc.blocks}
    html = {b.id: block_html(b, doc, counter, images, notes_html, col_of[b.id]) for b in doc.blocks}
    if doc.layout is Layout.SINGLE or not doc.alignment:
        return [{"pair": False, "html": html[b.id]} for b in doc.blocks]
    lang_of = {b.id: b.lang for b in doc.blocks}
    pairs, row_of = _pair_rows(doc, html, col_of, lang_of, cols)
    loose: dict[int, list[dict[str, Any]]] = {}
    last = -1
    for b in doc.blocks:
        if b.id in row_of:
            last = row_of[b.id]
        else:
            loose.setdefault(last, []).append({"pair": False, "html": html[b.id]})
    out = loose.get(-1, [])
    for n, row in enumerate(pairs):
        out += [row] + loose.get(n, [])
    return out


def _pair_rows(doc: Document, html: dict[str, Markup], col_of: dict[str, int],
               lang_of: dict[str, str], cols: tuple[str, str]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The aligner's pairs as rows (first column on side a), and block id -> row index."""
    out: list[dict[str, Any]] = []
    row_of: dict[str, int] = {}
    for pair in doc.alignment:
        src = [i for i in pair.src if i in html and i not in row_of]
        tgt = [i for i in pair.tgt if i in html and i not in row_of]
        if not src and not tgt:
            continue
        if (src and col_of[src[0]] == 2) or (tgt and col_of[tgt[0]] == 1):
            src, tgt = tgt, src
        row_of.update((i, len(out)) for i in src + tgt)
        out.append({"pair": True, "a": Markup("").join(html[i] for i in src),
                    "b": Markup("").join(html[i] for i in tgt),
                    "lang_a": (lang_of[src[0]] if src else "") or cols[0] or "und",
                    "lang_b": (lang_of[tgt[0]] if tgt else "") or cols[1] or "und",
                    "single": not (src and tgt)})
    return out, row_of


def _base(lang: str) -> str:
    return lang.split("-")[0].lower()


def columns(doc: Document) -> tuple[str, str]:
    """The two reading languages, left column first: the language the aligner's
    first source block is in, else the order of ``meta.languages``."""
    langs = list(dict.fromkeys(_base(x) for x in doc.meta.languages if x))[:2] + ["", ""]
    lang_of = {b.id: _base(b.lang) for b in doc.blocks}
    first = next((lang_of.get(p.src[0], "") for p in doc.alignment if p.src and lang_of.get(p.src[0])), "")
    if first and first == langs[1]:
        return langs[1], langs[0]
    return langs[0], langs[1]


def _col(lang: str, cols: tuple[str, str]) -> int:
    base = _base(lang)
    if not base or not cols[1]:
        return 0
    return 1 if base == cols[0] else 2 if base == cols[1] else 0


def notes(doc: Document, counter: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """The notes list; back-links go to every marker ``rows`` rendered (``counter``)."""
    counter = _rendered_marks(doc) if counter is None else counter
    out = []
    for n, f in enumerate(doc.footnotes, 1):
        anchor = note_anchor(f.id)
        out.append({
            "anchor": anchor, "label": f.id, "number": int(f.id) if f.id.isdigit() else n,
            "html": markup.linkify_text(f.text), "raw": as_written(f.raw), "cited": f.cited,
            "same_as": f.same_as, "same_as_anchor": note_anchor(f.same_as) if f.same_as else "",
            "backrefs": [f"{anchor}-ref-{k}" for k in range(1, counter.get(f.id, 0) + 1)],
        })
    return out


def _rendered_marks(doc: Document) -> dict[str, int]:
    """Note id -> how many markers ``block_html`` links to it (overlapping marks are dropped)."""
    known = {f.id for f in doc.footnotes}
    counter: dict[str, int] = {}
    for b in doc.blocks:
        end = 0
        for m in sorted(b.marks, key=lambda m: m.start):
            if m.start < end:
                continue
            end = m.end
            if m.note in known:
                counter[m.note] = counter.get(m.note, 0) + 1
    return counter


def context(doc: Document, site: Site, archived: str,
            images: dict[str, str] | None = None, memo=None) -> dict[str, Any]:
    """Everything article.html needs for one Document.

    ``memo`` (pages.NoMemo or page_memo.RenderMemo) may reuse the rendered body
    of an unchanged Document: it is the costly part of a page.
    """
    m = doc.meta
    slug = m.slug
    listed = site.listed
    idx = site.position.get(slug, -1)
    canonical = m.slug != doc.links.canonical and doc.links.canonical in site.docs
    cols = [c for c in columns(doc) if c]
    return {
        "slug": slug, "title": m.title or slug, "lang": m.lang, "layout": doc.layout.value,
        "bilingual": doc.layout is not Layout.SINGLE and len(m.languages) > 1,
        "date": m.date, "date_display": m.date.replace("T", " ")[:16],
        "authors": [{"name": a, "url": site.term_link("authors", a)} for a in m.authors],
        "site": m.site or m.publisher, "site_url": site.term_link("sites", m.site or m.publisher),
        "publisher": m.publisher if m.publisher != m.site else "",
        "source_url": markup.safe_url(m.source_url) if m.source_url.lower().startswith("http") else "",
        "source_host": _host(m.source_url),
        "languages": [{"code": x, "name": lang_name(x), "url": site.term_link("languages", x)} for x in m.languages],
        "editor": m.editor, "rights": m.rights, "draft": m.draft,
        "tags": [{"name": x, "url": site.term_link("tags", x)} for x in m.tags],
        "categories": [{"name": x, "url": site.term_link("categories", x)} for x in m.categories],
        "rows": _part(memo, f"rows:{slug}", (doc, images), lambda: rows(doc, images)),
        "notes": _part(memo, f"notes:{slug}", doc, lambda: notes(doc)),
        "columns": [{"code": c, "name": lang_name(c), "col": i} for i, c in enumerate(cols, 1)],
        "canonical": site.entry(doc.links.canonical) if canonical else None,
        "versions": [_version(site, s, doc) for s in doc.links.versions if s in site.docs],
        "translations": [site.entry(s) for s in doc.links.translations if s in site.docs],
        "related": [site.entry(s) for s in doc.links.related if s in site.docs],
        "prev": site.entry(listed[idx + 1]) if 0 <= idx < len(listed) - 1 else None,
        "next": site.entry(listed[idx - 1]) if idx > 0 else None,
        "original_url": original_path(doc.source.sha256, doc.source.path),
        "source_name": doc.source.path, "source_bytes": doc.source.bytes,
        "encoding": doc.source.encoding, "sha256": doc.source.sha256, "archived": archived,
        "removed": doc.removed, "url": article_url(slug),
    }


def dependencies(doc: Document, site: Site) -> tuple:
    """Everything ``context`` reads besides ``doc``: the Documents it links or lists.

    The preview reuses an article's context while these are equal, so any new
    read of ``site`` in ``context`` must appear here too (tests/test_serve.py
    compares incremental and full builds).
    """
    listed, idx = site.listed, site.position.get(doc.meta.slug, -1)
    near = [listed[i] for i in (idx - 1, idx + 1) if idx >= 0 and 0 <= i < len(listed)]
    links = doc.links
    slugs = (links.canonical, *links.versions, *links.translations, *links.related)
    m = doc.meta
    terms = (*(("authors", a) for a in m.authors), ("sites", m.site or m.publisher),
             *(("languages", x) for x in m.languages), *(("tags", x) for x in m.tags),
             *(("categories", x) for x in m.categories))
    return (doc, idx > 0, idx < len(listed) - 1, tuple((s, site.docs.get(s)) for s in (*near, *slugs)),
            tuple(bool(t) and t in site.terms(k) for k, t in terms))       # which terms link (term_link)


def _part(memo, name: str, key: object, make):
    return make() if memo is None else memo.part(name, key, make)


def _version(site: Site, slug: str, doc: Document) -> dict[str, Any]:
    e = site.entry(slug)
    other = site.docs[slug]
    mine = {" ".join(b.text.split()) for b in doc.blocks}
    theirs = {" ".join(b.text.split()) for b in other.blocks}
    diff = f"{len(mine - theirs)} paragraphs only here, {len(theirs - mine)} only there"
    return {"url": e.url, "title": e.title, "site": e.site, "diff": diff}


def original_path(sha256: str, name: str) -> str:
    """Where the raw original is kept: content-addressed, name made safe."""
    safe = re.sub(r"[^A-Za-z0-9._\-]", "_", name.rsplit("/", 1)[-1])[:120].lstrip(".") or "original"
    return f"_originals/{sha256[:16]}/{safe}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url
