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
from itertools import compress
from operator import is_not, ne
from typing import Iterable

from ..config import Config
from ..memo import NoMemo, in_path_order, memo_or_none
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
    ordered, back = in_path_order(docs, memo)
    by_site: dict[str, list[int]] = {}
    for i, key in enumerate(memo.map("site", ordered, lambda i: site_key(ordered[i].meta.site))):
        if key:
            by_site.setdefault(key, []).append(i)
    out = list(ordered)
    counts = memo.state.get("counts", {})
    memo.state["counts"] = kept = {}
    for site, at in by_site.items():
        group = [ordered[i] for i in at]
        count = counts.get(site)
        moved = count.moved(group) if count is not None else None
        if moved is None or len(moved) > 8:
            count = SiteCount.of(group, memo)
        elif moved:
            count.update(group, moved, memo)
        kept[site] = count
        if count.lines:
            lines = count.lines
            for i, doc in zip(at, memo.map(f"strip:{site}", group, lambda k: _stripped(group[k], lines),
                                           [lines] * len(group))):
                out[i] = doc
    return back(out)


class SiteCount:
    """One site's count of short lines (line -> the documents holding it), kept for updates.

    An edit changes one document's lines: its old lines and new lines are counted
    again, and only they can enter or leave the repeated set.
    """

    def __init__(self, docs: list[Document], seen: dict[str, set[int]], titles: list[str],
                 longest: list[str]) -> None:
        self.blocks = [d.blocks for d in docs]
        self.names = [d.meta.title for d in docs]
        self.seen, self.titles, self.longest = seen, titles, longest
        self.lines = frozenset(k for k, ids in seen.items() if self._repeated(ids))

    @classmethod
    def of(cls, group: list[Document], memo: NoMemo) -> "SiteCount":
        seen: dict[str, set[int]] = {}
        for i, doc in enumerate(group):
            for key in _lines(doc, memo):
                seen.setdefault(key, set()).add(i)
        return cls(group, seen, [_title_key(d) for d in group],
                   [memo.per("longest", d.blocks, lambda: _longest_key(d), d.source.path) for d in group])

    def moved(self, group: list[Document]) -> list[int] | None:
        """Positions whose document's text or title changed; None when documents came or went."""
        if len(group) != len(self.blocks):
            return None
        return sorted(set(compress(range(len(group)), map(is_not, (d.blocks for d in group), self.blocks))) |
                      set(compress(range(len(group)), map(ne, (d.meta.title for d in group), self.names))))

    def update(self, group: list[Document], moved: list[int], memo: NoMemo) -> None:
        touched: set[str] = set()
        for i in moved:
            old = _lines_of(self.blocks[i], memo)
            doc = group[i]
            new = _lines(doc, memo)
            for key in old - new:
                self.seen[key].discard(i)
                if not self.seen[key]:
                    del self.seen[key]
            for key in new - old:
                self.seen.setdefault(key, set()).add(i)
            touched |= old | new
            self.blocks[i], self.names[i] = doc.blocks, doc.meta.title
            self.titles[i] = _title_key(doc)
            self.longest[i] = memo.per("longest", doc.blocks, lambda: _longest_key(doc), doc.source.path)
        again = {k for k in touched if k in self.seen and self._repeated(self.seen[k])}
        self.lines = frozenset((self.lines - touched) | again)

    def _repeated(self, ids: set[int]) -> bool:
        """In MIN_DOCS documents, counting copies of one article (same title or longest paragraph) once."""
        return len(ids) >= MIN_DOCS and min(len({self.titles[i] for i in ids}),
                                            len({self.longest[i] for i in ids})) >= MIN_DOCS


def _lines(doc: Document, memo: NoMemo) -> set[str]:
    return memo.per("lines", doc.blocks, lambda: candidate_lines(doc))


def _lines_of(blocks, memo: NoMemo) -> set[str]:
    """The lines of a document by its old blocks (kept by the memo from the last run)."""
    return memo.per("lines", blocks, lambda: candidate_lines_of(blocks))


def site_key(site: str) -> str:
    return " ".join(site.split()).casefold()


def line_key(line: str) -> str:
    """A line as compared across documents: NFC, whitespace collapsed, else verbatim."""
    return unicodedata.normalize("NFC", " ".join(line.split()))


def candidate_lines(doc: Document) -> set[str]:
    """The keys of one document's short lines (each once)."""
    return candidate_lines_of(doc.blocks)


def candidate_lines_of(blocks) -> set[str]:
    return {line_key(ln) for b in blocks if b.kind not in SKIP_KINDS for ln in b.text.split("\n") if _short(ln)}


def repeated_lines(group: list[Document], memo: NoMemo | None = None) -> frozenset[str]:
    """Documents of one site -> the keys of short lines found in MIN_DOCS of them,
    counting copies of one article once."""
    return SiteCount.of(group, memo_or_none(memo)).lines


def _stripped(doc: Document, lines: frozenset[str]) -> Document:
    """One document -> its blocks made only of repeated lines moved to ``removed``."""
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
