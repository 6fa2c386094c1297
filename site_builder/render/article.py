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
from . import markup
from .site import Site, article_url, lang_name, term_url

_ANCHOR = re.compile(r"[^A-Za-z0-9_\-]")


def note_anchor(note_id: str) -> str:
    """Prefixed, sanitised ids so that input cannot clobber the DOM (XSS-5)."""
    return "fn-" + _ANCHOR.sub("_", note_id)[:40]


def block_html(block: Block, doc: Document, ref_counter: dict[str, int]) -> Markup:
    """A block -> its HTML element, markers linked to their notes."""
    known = {f.id for f in doc.footnotes}

    def marker(mark: Mark, _n: int) -> str:
        label = escape(mark.note)
        if mark.note not in known:
            return f'<sup class="fn-ref fn-missing" title="note missing">[{label}]</sup>'
        ref_counter[mark.note] = ref_counter.get(mark.note, 0) + 1
        ref_id = f"{note_anchor(mark.note)}-ref-{ref_counter[mark.note]}"
        return (f'<sup class="fn-ref"><a href="#{note_anchor(mark.note)}" id="{ref_id}" '
                f'role="doc-noteref" aria-label="Note {label}">[{label}]</a></sup>')

    inner = markup.inline(block, doc.format, marker)
    lang = f' lang="{escape(block.lang)}"' if block.lang else ""
    attrs = f' id="{block.id}" class="blk blk-{block.kind.value}"{lang}'
    return Markup(_wrap(block, inner, attrs))


def _wrap(block: Block, inner: Markup, attrs: str) -> str:
    kind = block.kind
    if kind is BlockKind.HEADING:
        level = min(max(block.level, 2), 4)
        return f"<h{level}{attrs}>{inner}</h{level}>"
    if kind is BlockKind.IMAGE:
        return f"<figure{attrs}>{markup.remote_image(block.url, block.text)}</figure>"
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


def rows(doc: Document) -> list[dict[str, Any]]:
    """Blocks in reading order; aligned pairs become two-sided rows."""
    counter: dict[str, int] = {}
    html = {b.id: block_html(b, doc, counter) for b in doc.blocks}
    lang_of = {b.id: b.lang for b in doc.blocks}
    if doc.layout is Layout.SINGLE or not doc.alignment:
        return [{"pair": False, "html": html[b.id]} for b in doc.blocks]
    langs = list(doc.meta.languages[:2]) + ["", ""]
    placed: set[str] = set()
    order = {b.id: i for i, b in enumerate(doc.blocks)}
    out: list[dict[str, Any]] = []
    for pair in doc.alignment:
        ids = [i for i in pair.src + pair.tgt if i in html]
        if not ids or all(i in placed for i in ids):
            continue
        placed.update(ids)
        a = Markup("").join(html[i] for i in pair.src if i in html)
        b = Markup("").join(html[i] for i in pair.tgt if i in html)
        la = lang_of.get(pair.src[0], langs[0]) if pair.src else langs[0]
        lb = lang_of.get(pair.tgt[0], langs[1]) if pair.tgt else langs[1]
        out.append({"pair": True, "a": a, "b": b, "lang_a": la or "und", "lang_b": lb or "und",
                    "single": not (pair.src and pair.tgt), "key": min(order[i] for i in ids)})
    for b in doc.blocks:
        if b.id not in placed:
            out.append({"pair": False, "html": html[b.id], "key": order[b.id]})
    return out if _alignment_ordered(doc) else sorted(out, key=lambda r: r["key"])


def _alignment_ordered(doc: Document) -> bool:
    """Trust the aligner's row order when it covers every block."""
    covered = {i for p in doc.alignment for i in p.src + p.tgt}
    return all(b.id in covered for b in doc.blocks)


def notes(doc: Document) -> list[dict[str, Any]]:
    out = []
    refs_count: dict[str, int] = {}
    for b in doc.blocks:
        for m in b.marks:
            refs_count[m.note] = refs_count.get(m.note, 0) + 1
    for n, f in enumerate(doc.footnotes, 1):
        anchor = note_anchor(f.id)
        out.append({
            "anchor": anchor, "label": f.id, "number": int(f.id) if f.id.isdigit() else n,
            "html": markup.linkify_text(f.text), "raw": f.raw, "cited": f.cited,
            "same_as": f.same_as, "same_as_anchor": note_anchor(f.same_as) if f.same_as else "",
            "backrefs": [f"{anchor}-ref-{k}" for k in range(1, refs_count.get(f.id, 0) + 1)],
        })
    return out


def context(doc: Document, site: Site, archived: str) -> dict[str, Any]:
    """Everything article.html needs for one Document."""
    m = doc.meta
    slug = m.slug
    listed = site.listed
    idx = listed.index(slug) if slug in listed else -1
    canonical = m.slug != doc.links.canonical and doc.links.canonical in site.docs
    return {
        "slug": slug, "title": m.title or slug, "lang": m.lang, "layout": doc.layout.value,
        "bilingual": doc.layout is not Layout.SINGLE and len(m.languages) > 1,
        "date": m.date, "date_display": m.date.replace("T", " ")[:16],
        "authors": [{"name": a, "url": term_url("authors", a)} for a in m.authors],
        "site": m.site or m.publisher, "site_url": term_url("sites", m.site or m.publisher) if (m.site or m.publisher) else "",
        "publisher": m.publisher if m.publisher != m.site else "",
        "source_url": markup.safe_url(m.source_url) if m.source_url.lower().startswith("http") else "",
        "source_host": _host(m.source_url),
        "languages": [{"code": x, "name": lang_name(x), "url": term_url("languages", x)} for x in m.languages],
        "editor": m.editor, "rights": m.rights, "draft": m.draft,
        "tags": [{"name": x, "url": term_url("tags", x)} for x in m.tags],
        "categories": [{"name": x, "url": term_url("categories", x)} for x in m.categories],
        "rows": rows(doc), "notes": notes(doc),
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
