"""Chrome removal: site headers, menus, related lists, comment boxes, tickers,
share rows and prompts leave the article; every removed piece goes to
``doc.removed`` with its lines and a short reason, so nothing is lost.

The judging is done by ``clean_core`` on plain strings.  This stage decides
what a string is: a whole block, or each line of a block whose lines are
separate items (a list, a menu pasted as one paragraph); and it turns the
verdicts back into blocks.  A block whose first or last lines are chrome is
trimmed to its kept lines; chrome lines in its middle stay (recall first).

Editors correct decisions in content/<stem>.toml::

    [clean]
    keep = ["a substring of a block that must stay"]
    drop = ["a substring of a block that must go"]

An input in which nothing reads as running text (all chrome, or every line
short) is kept whole with a CLN001 warning rather than emptied.  A notes
section (a notes heading and the entries under it, see clean_notes) is kept
as it stands and not judged: the footnotes stage reads it next.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from ..config import Config
from ..model import Block, BlockKind, Diagnostic, Document, Removed, Severity, diag
from ..rules import chrome as C
from . import clean_core as core
from .clean_notes import notes_blocks

STAGE = "clean"
TAGLINE_MAX = 12      # word-units of a line above the title still taken for the header
NOTES_REASON = "kept: notes section"
_NOT_TEXT = (BlockKind.IMAGE, BlockKind.RULE)
_NO_PIECES: list[str] = []       # shared, never changed: the pieces of a block not judged
# No brackets inside, and bounded: else a line of 50,000 "[" or of "[a](" repeated
# takes quadratic time (every "[" would scan to the end of the line).
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\]\([^()\[\]\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\([^()\[\]\n]{0,2000}\)")
_MD_MARKS = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)|\*\*|__|`")


@dataclass(frozen=True, slots=True)
class Decision:
    """One block's fate: a keep flag and a reason per line of its text."""

    block: Block
    keep: tuple[bool, ...]
    reasons: tuple[str, ...]


def run(doc: Document, cfg: Config | None = None) -> Document:
    """Document with blocks -> Document without chrome blocks, chrome in ``removed``."""
    if not doc.blocks:
        return doc
    decisions, removed, warnings = plan(doc)
    blocks: list[Block] = []
    for d in decisions:
        if all(d.keep):
            blocks.append(d.block)
            continue
        kept, gone = _apply(d)
        blocks.extend(kept)
        removed.extend(gone)
    return replace(doc, blocks=tuple(blocks), removed=doc.removed + tuple(removed),
                   warnings=doc.warnings + tuple(warnings))


def explain(doc: Document, cfg: Config | None = None) -> list[tuple[Block, bool, str]]:
    """Each block's decision and reason, for ``site-builder clean FILE --explain``
    (a block trimmed at its edges is listed once per kept or removed part)."""
    decisions, removed, _ = plan(doc)
    ids = {d.block.lines[0]: d.block.id for d in decisions}
    rows = [(Block(ids.get(r.lines[0], ""), BlockKind.CAPTION, r.text, r.lines), False, r.reason)
            for r in removed]
    out: list[tuple[Block, bool, str]] = []
    for d in decisions:
        kept, gone = _apply(d)
        out.extend((b, True, _kept_reason(d)) for b in kept)
        out.extend((Block(d.block.id, d.block.kind, r.text, r.lines), False, r.reason) for r in gone)
    return sorted(rows + out, key=lambda row: row[0].lines)


# ------------------------------------------------------------------ planning

def plan(doc: Document) -> tuple[list[Decision], list[Removed], list[Diagnostic]]:
    """Decide every block: image-file names split off, notes sections set aside,
    the core's verdicts, the whole-input fallback, then the editor's corrections
    (which always win)."""
    blocks, removed = _split_file_names(doc.blocks)
    notes = notes_blocks(blocks)
    pieces = [_NO_PIECES if i in notes else _pieces(b, doc.format) for i, b in enumerate(blocks)]
    flat = [text for p in pieces for text in p]
    breaks = _breaks(blocks, pieces)
    result = core.classify(flat, _context(doc), bool(doc.meta.title), breaks) if flat else core.Result(())
    decisions = _regroup(blocks, pieces, result.verdicts, notes)
    decisions = _above_title(decisions, result.verdicts, pieces, doc)
    decisions = _place_images(decisions)
    decisions, warnings = _fallback(decisions, result.fallback, notes, doc)
    decisions, problems = _editorial(decisions, doc)
    warnings += [diag(Severity.WARNING, code, STAGE, msg, doc.source.path, line, hint)
                 for code, msg, line, hint in problems]
    return decisions, removed, warnings


def _fallback(decisions: list[Decision], why: str, notes: frozenset[int],
              doc: Document) -> tuple[list[Decision], list[Diagnostic]]:
    """When the core found no running text (``why``), or nothing is left, every
    block is kept and a CLN001 warning says so: an empty page is worse than a noisy one."""
    if not why and (not decisions or any(any(d.keep) for d in decisions)):
        return decisions, []
    why = why or "every block was judged chrome"
    kept = [_kept(d, NOTES_REASON if i in notes else "kept: " + why) for i, d in enumerate(decisions)]
    line = decisions[0].block.lines[0] if decisions else None
    return kept, [diag(Severity.WARNING, "CLN001", STAGE, f"kept whole: {why}", doc.source.path, line,
                       "check the input; an editor can drop blocks in content/<stem>.toml [clean]")]


def _kept(d: Decision, reason: str) -> Decision:
    n = len(d.keep)
    return Decision(d.block, (True,) * n, (reason,) * n)


def _split_file_names(blocks: Sequence[Block]) -> tuple[list[Block], list[Removed]]:
    """'00china ai cohen wzhb master1050自从...' -> the caption, and the image file
    name that a scraper glued onto it, as a removed piece."""
    out, removed = [], []
    for b in blocks:
        m = C.GLUED_FILENAME.match(core.probe(b.text)) if b.kind not in _NOT_TEXT else None
        if m and len(b.text) - m.end() >= 8:
            removed.append(Removed(m.group("name"), "chrome: image file name", (b.lines[0], b.lines[0])))
            b = replace(b, text=b.text[m.end():], kind=BlockKind.CAPTION, level=0)
        out.append(b)
    return out, removed


def _pieces(b: Block, fmt: str) -> list[str]:
    """The strings the core judges for one block: its lines when they are separate
    items (a list, a menu), else the whole block; Markdown reduced to plain text."""
    if b.kind in _NOT_TEXT:
        return []
    lines = b.text.split("\n")
    if b.lines[1] - b.lines[0] + 1 != len(lines) or (len(lines) > 1 and _wrapped_prose(lines)
                                                    and b.kind is not BlockKind.LIST):
        lines = [b.text]
    return [_plain(t) if fmt == "markdown" else t.strip() for t in lines]


def _breaks(blocks: Sequence[Block], pieces: Sequence[list[str]]) -> list[bool]:
    """For each piece: does a blank line stand before it (a paragraph break)?"""
    out, prev_end = [], None
    for b, p in zip(blocks, pieces):
        if p:
            out.append(prev_end is None or b.lines[0] > prev_end + 1)
            out.extend([False] * (len(p) - 1))
        prev_end = b.lines[1]
    return out


def _wrapped_prose(lines: Sequence[str]) -> bool:
    """A paragraph hard-wrapped over several lines, not a stack of separate items."""
    body = [core.features(t) for t in lines[:-1]]
    long = sum(1 for f in body if f.size >= 8)
    stops = sum(1 for f in body if f.ends)
    return long >= 0.7 * len(body) and stops <= 0.3 * len(body)


def _plain(text: str) -> str:
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return " ".join(_MD_MARKS.sub("", ln) for ln in text.split("\n")).strip()


def _context(doc: Document) -> list[tuple[str, str]]:
    """Provenance already found (site name, title): their repeats are chrome."""
    known = [(doc.meta.site, "site name"), (doc.meta.publisher, "site name"),
             (doc.meta.title, "repeated title")]
    known += [(r.text, "site name") for r in doc.removed if r.reason.startswith("metadata: site")]
    return [(text, why) for text, why in known if text]


def _regroup(blocks: Sequence[Block], pieces: Sequence[list[str]],
             verdicts: Sequence[core.Verdict], notes: frozenset[int]) -> list[Decision]:
    """The core's verdicts on the pieces -> a Decision per block (blocks without
    pieces, images and notes, are kept here)."""
    out, k = [], 0
    same: dict[tuple[int, str], tuple[tuple[bool, ...], tuple[str, ...]]] = {}
    for i, (b, p) in enumerate(zip(blocks, pieces)):
        n = b.text.count("\n") + 1
        if not p:
            why = NOTES_REASON if i in notes else ""
            if (n, why) not in same:       # shared tuples: 100,000 notes make few objects
                same[n, why] = ((True,) * n, (why,) * n)
            out.append(Decision(b, *same[n, why]))
            continue
        mine = verdicts[k:k + len(p)]
        k += len(p)
        if len(p) == 1:
            mine = [mine[0]] * n
        out.append(Decision(b, tuple(v.keep for v in mine), tuple(v.reason for v in mine)))
    return out


def _above_title(decisions: list[Decision], verdicts: Sequence[core.Verdict],
                 pieces: Sequence[list[str]], doc: Document) -> list[Decision]:
    """Short lines above the title line (a site's tagline, its menu) are the header,
    whatever the core made of them: the article starts below its title.  (Longer
    text there stays: the title found may be wrong.)"""
    title = next((r.lines[0] for r in doc.removed if r.reason == "metadata: title"), 0)
    out, k = [], 0
    for d, p in zip(decisions, pieces):
        if not p:
            out.append(d)
            continue
        mine = verdicts[k:k + len(p)]
        k += len(p)
        if d.block.lines[1] < title and all(v.kind is not core.Kind.GOOD for v in mine) \
                and all(core.features(t).size <= TAGLINE_MAX for t in p):
            d = Decision(d.block, (False,) * len(d.keep), ("chrome: site header",) * len(d.keep))
        out.append(d)
    return out


def _place_images(decisions: list[Decision]) -> list[Decision]:
    """Images and rules have no text to judge: they stay inside the article (or
    right at its edges) and go with the chrome outside it."""
    text_kept = [i for i, d in enumerate(decisions) if d.block.kind not in _NOT_TEXT and any(d.keep)]
    if not text_kept:
        return decisions
    lo, hi = text_kept[0] - 1, text_kept[-1] + 1
    out = list(decisions)
    for i, d in enumerate(decisions):
        if d.block.kind in _NOT_TEXT and not lo <= i <= hi:
            what = "image outside the article" if d.block.kind is BlockKind.IMAGE else "separator"
            out[i] = Decision(d.block, (False,) * len(d.keep), (f"chrome: {what}",) * len(d.keep))
    return out


def _editorial(decisions: list[Decision], doc: Document) -> tuple[list[Decision], list[tuple]]:
    """content/<stem>.toml [clean] keep/drop substrings win over the program."""
    table = doc.editorial.section("clean")
    keep = [s for s in table.get("keep", []) if isinstance(s, str) and s]
    drop = [s for s in table.get("drop", []) if isinstance(s, str) and s]
    if not keep and not drop:
        return decisions, []
    notes: list[tuple] = []
    out = []
    for d in decisions:
        k = any(s in d.block.text for s in keep)
        g = any(s in d.block.text for s in drop)
        if k and g:
            notes.append(("CLN003", f"block {d.block.id} matches both keep and drop; kept",
                          d.block.lines[0], "make one of the substrings more specific"))
        if k or g:
            n = len(d.keep)
            d = Decision(d.block, (k,) * n, ("editor: keep" if k else "editor: drop",) * n)
        out.append(d)
    for s in keep + drop:
        if not any(s in d.block.text for d in decisions):
            notes.append(("CLN002", f"[clean] substring {s!r} matches no block", None,
                          "the input changed or the substring has a typo"))
    return out, notes


# ------------------------------------------------------------------ applying

def _apply(d: Decision) -> tuple[list[Block], list[Removed]]:
    """A decision -> the kept block (trimmed to its kept lines) and removed pieces."""
    lines = d.block.text.split("\n")
    if all(d.keep):
        return [d.block], []
    if not any(d.keep):
        return [], _runs(lines, d.reasons, d.block.lines[0])
    first = d.keep.index(True)
    last = len(d.keep) - 1 - d.keep[::-1].index(True)
    base = d.block.lines[0]
    kept = replace(d.block, text="\n".join(lines[first:last + 1]), lines=(base + first, base + last))
    gone = _runs(lines[:first], d.reasons[:first], base)
    gone += _runs(lines[last + 1:], d.reasons[last + 1:], base + last + 1)
    return [kept], gone


def _runs(lines: Sequence[str], reasons: Sequence[str], base: int) -> list[Removed]:
    """Removed lines, one piece per run of lines removed for the same reason."""
    out: list[Removed] = []
    start = 0
    for i in range(1, len(lines) + 1) if lines else ():
        if i == len(lines) or reasons[i] != reasons[start]:
            out.append(Removed("\n".join(lines[start:i]), reasons[start] or "chrome",
                               (base + start, base + i - 1)))
            start = i
    return out


def _kept_reason(d: Decision) -> str:
    kept = [r for r, k in zip(d.reasons, d.keep) if k and r]
    return kept[0] if kept else "article"
