"""Corpus stage: lines a site prints under every article (a footer blurb, a
newsletter prompt, a "follow us" line) leave the article, with the reason
"chrome: repeated across <site>".

The per-document cleaner cannot see them: a blurb that reads like a sentence
is running text inside one page.  Across pages it gives itself away: the same
line, word for word, under articles that share nothing else.  Issue 3 names
the signal; this stage uses it after every document has been cleaned.

A line counts when it is short (at most MAX_CHARS characters and at least
MIN_UNITS word-units: a heading such as "Conclusion" is structure many
articles share, not chrome) and appears, whitespace aside, in at least
MIN_DOCS documents of one site (``meta.site``, case-folded).  Copies of one
article (same title, or same longest paragraph) count once: three scrapes of
one story share every line, and dedup, after this stage, deals with copies.

A block goes only when every line of it is such a line; never a block that
cites a note, never a block an editor keeps (content/<stem>.toml [clean]
``keep``), and never the last text of a document (it is kept whole with a
CLN004 warning instead).  Deterministic (sorted by source path) and linear:
one pass counts (a dict line -> documents), one pass moves.  With the
preview's memo (memo.py) a document's lines are read once, a site whose
documents did not change keeps its count, and an unchanged document keeps
its stripped blocks: an edit costs its own site's count.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Iterable

from ..config import Config
from ..memo import NoMemo, memo_or_none
from ..model import AlignedPair, Block, BlockKind, Document, Removed, Severity, diag
from .clean_features import norm, units

STAGE = "site_chrome"
MIN_DOCS = 3          # distinct articles of one site a line must appear in
MAX_CHARS = 300       # longer lines are text, not a site's boilerplate
MIN_UNITS = 4         # word-units (a word, or two Han characters) a line needs
SKIP_KINDS = frozenset({BlockKind.IMAGE, BlockKind.RULE, BlockKind.CODE, BlockKind.NOTE,
                        BlockKind.NOTES_HEADING})


def run(docs: tuple[Document, ...], cfg: Config | None = None,
        memo: NoMemo | None = None) -> tuple[Document, ...]:
    """Documents -> the same documents without the lines their site repeats."""
    memo = memo_or_none(memo)
    by_site: dict[str, list[Document]] = {}
    ordered = sorted(docs, key=lambda d: d.source.path)
    for doc, key in zip(ordered, memo.map("site", ordered, lambda i: site_key(ordered[i].meta.site))):
        if key:
            by_site.setdefault(key, []).append(doc)
    changed: dict[str, Document] = {}
    counts = memo.state.get("counts", {})
    memo.state["counts"] = kept = {}
    for site, group in by_site.items():
        seen = (tuple(d.blocks for d in group), tuple(d.meta.title for d in group))
        old = counts.get(site)
        lines = old[1] if old is not None and old[0] == seen else repeated_lines(group, memo)
        kept[site] = (seen, lines)
        if lines:
            changed.update((d.source.path, strip_lines(d, lines, memo)) for d in group)
    return tuple(changed.get(d.source.path, d) for d in docs)


def site_key(site: str) -> str:
    return " ".join(site.split()).casefold()


def line_key(line: str) -> str:
    """A line as compared across documents: NFC, whitespace collapsed, else verbatim."""
    return unicodedata.normalize("NFC", " ".join(line.split()))


def candidate_lines(doc: Document) -> set[str]:
    """The keys of one document's short lines (each once)."""
    return {line_key(ln) for b in _blocks(doc) for ln in b.text.split("\n") if _short(ln)}


def repeated_lines(group: list[Document], memo: NoMemo | None = None) -> frozenset[str]:
    """Documents of one site -> the keys of short lines found in MIN_DOCS of them,
    counting copies of one article once."""
    memo = memo_or_none(memo)
    seen: dict[str, list[int]] = {}
    for i, doc in enumerate(group):
        for key in memo.per("lines", doc.blocks, lambda: candidate_lines(doc)):
            seen.setdefault(key, []).append(i)
    if not any(len(ids) >= MIN_DOCS for ids in seen.values()):
        return frozenset()
    titles = [_title_key(d) for d in group]
    longest = [memo.per("longest", d.blocks, lambda: _longest_key(d), d.source.path) for d in group]
    return frozenset(key for key, ids in seen.items() if len(ids) >= MIN_DOCS
                     and min(len({titles[i] for i in ids}), len({longest[i] for i in ids})) >= MIN_DOCS)


def strip_lines(doc: Document, lines: frozenset[str], memo: NoMemo | None = None) -> Document:
    """One document -> its blocks made only of repeated lines moved to ``removed``."""
    return memo_or_none(memo).per("strip", doc, lambda: _stripped(doc, lines), lines)


def _stripped(doc: Document, lines: frozenset[str]) -> Document:
    plan = _strip_plan(doc, lines)
    if plan is None:
        return doc
    if isinstance(plan, tuple):
        blocks, removed, alignment = plan
        return replace(doc, blocks=blocks, removed=removed, alignment=alignment)
    return doc.warn(plan)


def _strip_plan(doc: Document, lines: frozenset[str]):
    """What strip_lines does to ``doc``: None, a CLN004 warning, or (blocks, removed, alignment)."""
    keep = [s for s in doc.editorial.section("clean").get("keep", []) if isinstance(s, str) and s]
    gone = [b for b in _blocks(doc) if not b.marks and _all_repeated(b.text, lines)
            and not any(s in b.text for s in keep)]
    if not gone:
        return None
    ids = {b.id for b in gone}
    if all(b.id in ids for b in doc.blocks if b.kind not in SKIP_KINDS):
        return diag(Severity.WARNING, "CLN004", STAGE, f"every block is repeated across {doc.meta.site}; kept",
                    doc.source.path, gone[0].lines[0], "an editor can drop blocks in content/<stem>.toml [clean]")
    reason = f"chrome: repeated across {' '.join(doc.meta.site.split())}"
    removed = tuple(Removed(b.text, reason, b.lines) for b in gone)
    return (tuple(b for b in doc.blocks if b.id not in ids), doc.removed + removed,
            _prune(doc.alignment, ids))


def _all_repeated(text: str, lines: frozenset[str]) -> bool:
    parts = [ln for ln in text.split("\n") if ln.strip()]
    return bool(parts) and all(_short(ln) and line_key(ln) in lines for ln in parts)


def _prune(pairs: Iterable[AlignedPair], ids: set[str]) -> tuple[AlignedPair, ...]:
    """Alignment pairs without the removed blocks (a pair left empty goes)."""
    out = []
    for p in pairs:
        src = tuple(i for i in p.src if i not in ids)
        tgt = tuple(i for i in p.tgt if i not in ids)
        if src or tgt:
            out.append(p if (src, tgt) == (p.src, p.tgt) else replace(p, src=src, tgt=tgt))
    return tuple(out)


def _blocks(doc: Document) -> Iterable[Block]:
    return (b for b in doc.blocks if b.kind not in SKIP_KINDS)


def _short(line: str) -> bool:
    text = line.strip()
    return len(text) <= MAX_CHARS and units(text) >= MIN_UNITS


def _title_key(doc: Document) -> str:
    return norm(doc.meta.title) or doc.source.path


def _longest_key(doc: Document) -> str:
    texts = [b.text for b in _blocks(doc)]
    return norm(max(texts, key=len)) if texts else doc.source.path
