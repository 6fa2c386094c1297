"""Paragraph alignment of a bilingual Document, and translation links across files.

``run`` pairs the blocks of the first text (``AlignedPair.src``: the language
that comes first in reading order, ``meta.languages[0]``) with those of the
second (``tgt``), with the banded Gale & Church programme of ``align_dp``
(beads 1-1, 1-0, 0-1, 2-1, 1-2, 3-1, 1-3, 2-2; lengths at a ratio learnt from
the document, anchors that survive translation, sentence counts, headings
against headings, word links learnt from the document's own sure pairs).

Every block of the Document ends in exactly one AlignedPair, in reading
order: captions, images, notes, labels, rules and blocks without counterpart
stand alone with an empty side (score 0.0), so the renderer can lay out every
block row by row.  A block of neither text (the rule between two concatenated
texts, trailing matter) goes in ``src``.  Editors' corrections come from the
``[align]`` table (docs/editorial.md); docs/alignment.md explains the scores.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any, Sequence

from ..config import Config
from ..model import AlignedPair, Block, BlockKind, Diagnostic, Document, Layout, Severity, diag
from ..util import lang as langs
from .align_dp import Bead, Forced, Unit, align_all
from .languages import Sides, is_alignable, sides

STAGE = "align"

# ------------------------------------------------------------------ tables

MAX_BLOCKS = 2000             # a text longer than this is not aligned (time budget)
HEADING_CHARS = 40           # a line this short without final punctuation reads as a heading
FINAL_PUNCT = re.compile(r"[.!?。！？；;:：,，…”\"』」)）\]】]\s*$")


# ------------------------------------------------------------------- stage

def run(doc: Document, cfg: Config | None = None) -> Document:
    """Document with layout -> Document with ``alignment`` and an ALN000 score line."""
    doc = replace(doc, warnings=tuple(w for w in doc.warnings if w.stage != STAGE))  # rerun-safe
    if doc.layout is Layout.SINGLE:
        return replace(doc, alignment=())
    sd = sides(doc)
    if not sd.a or not sd.b:
        return replace(doc, alignment=())
    if max(len(sd.a), len(sd.b)) > MAX_BLOCKS:
        return replace(doc, alignment=()).warn(diag(
            Severity.WARNING, "ALN004", STAGE, f"{max(len(sd.a), len(sd.b))} blocks in one text: "
            f"more than {MAX_BLOCKS}, not aligned (both texts are shown one after the other)",
            doc.source.path))
    fixes, warns = editorial(doc, sd)
    keep = frozenset(i for pair in fixes.forced for side in pair for i in side)
    a, b = _units(doc, sd.a, fixes.unpaired, keep), _units(doc, sd.b, fixes.unpaired, keep)
    beads, model = align_all(a, b, fixes.forced, doc.layout is Layout.INTERLEAVED)
    pairs = place_all(doc, sd, beads)
    doc = replace(doc, alignment=pairs).warn(*warns)
    return doc.warn(diag(Severity.INFO, "ALN000", STAGE, summary(beads, model.ratio), doc.source.path))


def _units(doc: Document, ids: tuple[str, ...], unpaired: frozenset[str],
           keep: frozenset[str]) -> list[Unit]:
    """The alignable blocks of one text (and any the editor paired by hand)."""
    pos = {b.id: i for i, b in enumerate(doc.blocks)}
    return [_unit(doc.blocks[pos[i]], pos[i]) for i in ids
            if i in keep or (i not in unpaired and is_alignable(doc.blocks[pos[i]]))]


def _unit(b: Block, pos: int) -> Unit:
    """A block reduced to what the cost looks at."""
    return Unit(b.id, pos, max(1, langs.measure(b.text)), frozenset(langs.anchors(b.text)),
                _heading_like(b), langs.quoted_count(b.text), langs.sentences(b.text),
                langs.lexical_tokens(b.text))


def _heading_like(b: Block) -> bool:
    """A heading, or a short line without final punctuation ("CONCLUSION", "结论")."""
    text = b.text.strip()
    return b.kind is BlockKind.HEADING or (
        "\n" not in text and langs.measure(text) <= HEADING_CHARS and not FINAL_PUNCT.search(text))


def summary(beads: list[Bead], ratio: float) -> str:
    """The build report's line: a length-weighted score over all alignable text."""
    paired = [bd for bd in beads if bd.src and bd.tgt]
    lone = sum(len(bd.src) + len(bd.tgt) for bd in beads if not (bd.src and bd.tgt))
    total = sum(u.length for bd in beads for u in (*bd.src, *bd.tgt)) or 1
    weighted = sum(bd.score * sum(u.length for u in (*bd.src, *bd.tgt)) for bd in paired)
    shapes: dict[str, int] = defaultdict(int)
    for bd in paired:
        shapes[f"{len(bd.src)}-{len(bd.tgt)}"] += 1
    kinds = ", ".join(f"{k}: {shapes[k]}" for k in sorted(shapes))
    return (f"alignment score {weighted / total:.2f}: {len(paired)} pairs ({kinds}), "
            f"{lone} prose blocks without counterpart, {ratio:.2f} characters per character")


# --------------------------------------------------------------- placement

def place_all(doc: Document, sd: Sides, beads: list[Bead]) -> tuple[AlignedPair, ...]:
    """Beads plus every other block, each once, in reading order (see module docstring).

    A lone block follows the row of the block before it on its side (interleaved:
    before it in the document), or precedes its side's first row; a block of
    neither text stands before the first text or after all rows.
    """
    rows = [AlignedPair(tuple(u.id for u in bd.src), tuple(u.id for u in bd.tgt), bd.score)
            for bd in beads]
    row_of = {i: k for k, p in enumerate(rows) for i in p.src + p.tgt}
    side_of = {**{i: "a" for i in sd.a}, **{i: "b" for i in sd.b}}
    interleaved = doc.layout is Layout.INTERLEAVED
    first_row = {side: min((row_of[i] for i in ids if i in row_of), default=len(rows))
                 for side, ids in (("a", sd.a), ("b", sd.b))}
    before: dict[int, list[AlignedPair]] = defaultdict(list)
    after: dict[int, list[AlignedPair]] = defaultdict(list)
    last = {"a": -1, "b": -1, "all": -1}
    started = False
    for blk in doc.blocks:
        side = side_of.get(blk.id, "")
        started = started or bool(side)
        key = "all" if interleaved else side
        if blk.id in row_of:
            last[key] = max(last[key], row_of[blk.id])
            continue
        pair = AlignedPair((), (blk.id,)) if side == "b" else AlignedPair((blk.id,), ())
        if not side and not interleaved:
            (after[len(rows) - 1] if started else before[0]).append(pair)
        elif last[key] >= 0:
            after[last[key]].append(pair)
        else:
            before[0 if interleaved else first_row[side]].append(pair)
    return tuple(_merge(rows, before, after))


def _merge(rows: list[AlignedPair], before: dict[int, list[AlignedPair]],
           after: dict[int, list[AlignedPair]]) -> list[AlignedPair]:
    out: list[AlignedPair] = []
    for k, row in enumerate(rows):
        out += before.get(k, []) + [row] + after.get(k, [])
    return out + before.get(len(rows), []) + after.get(-1, [])


# --------------------------------------------------------------- editorial

@dataclass(frozen=True, slots=True)
class Fixes:
    """The editor's corrections resolved to block ids."""

    forced: Forced
    unpaired: frozenset[str]


def editorial(doc: Document, sd: Sides) -> tuple[Fixes, list[Diagnostic]]:
    """[align] pairs = [[src, tgt], ...], unpair = [...] -> forced pairs, lone blocks, warnings."""
    table = doc.editorial.section("align")
    warns: list[Diagnostic] = []
    unpaired = frozenset(_unpair(doc, table.get("unpair", []), warns))
    forced = []
    for k, item in enumerate(table.get("pairs", []) if isinstance(table.get("pairs"), list) else []):
        pair = _forced_pair(doc, sd, k, item, warns)
        if pair:
            forced.append(pair)
    return Fixes(_monotone(doc, forced, warns), unpaired - {i for p in forced for s in p for i in s}), warns


def _blocks_with(doc: Document, ids: tuple[str, ...], needle: str) -> list[str]:
    return [b.id for b in doc.blocks if b.id in ids and needle and needle in b.text]


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _forced_pair(doc: Document, sd: Sides, k: int, item: Any, warns: list[Diagnostic]
                 ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """One [src, tgt] entry -> block ids of each side, in reading order (either order given)."""
    if not isinstance(item, list) or len(item) != 2:
        warns.append(_warn(doc, "ALN002", f"[align] pairs[{k}] is not a [src, tgt] pair"))
        return None
    for first, second in ((sd.a, sd.b), (sd.b, sd.a)):
        src = [_first(doc, first, t) for t in _texts(item[0])]
        tgt = [_first(doc, second, t) for t in _texts(item[1])]
        if src and tgt and all(src) and all(tgt):
            ids = (_ordered(doc, src), _ordered(doc, tgt))
            return ids if first is sd.a else (ids[1], ids[0])
    warns.append(_warn(doc, "ALN002", f"[align] pairs[{k}]: no pair of blocks contains "
                       f"{item!r} (one text each side)", "copy a few words of each block exactly"))
    return None


def _ordered(doc: Document, ids: list[str | None]) -> tuple[str, ...]:
    return tuple(b.id for b in doc.blocks if b.id in ids)


def _first(doc: Document, ids: tuple[str, ...], needle: str) -> str | None:
    hits = _blocks_with(doc, ids, needle)
    return hits[0] if hits else None


def _unpair(doc: Document, value: Any, warns: list[Diagnostic]) -> list[str]:
    out = []
    all_ids = tuple(b.id for b in doc.blocks)
    for needle in _texts(value):
        hits = _blocks_with(doc, all_ids, needle)
        if not hits:
            warns.append(_warn(doc, "ALN002", f"[align] unpair: no block contains {needle!r}",
                               "copy a few words of the block exactly"))
        out += hits[:1]
    return out


def _monotone(doc: Document, forced: Forced, warns: list[Diagnostic]) -> Forced:
    """Forced pairs in reading order; one that crosses or overlaps an earlier one is dropped."""
    pos = {b.id: i for i, b in enumerate(doc.blocks)}
    out: Forced = []
    for src, tgt in sorted(forced, key=lambda p: pos[p[0][0]]):
        if out and (pos[tgt[0]] <= pos[out[-1][1][-1]] or pos[src[0]] <= pos[out[-1][0][-1]]):
            warns.append(_warn(doc, "ALN003", f"[align] pair {src[0]}/{tgt[0]} crosses an earlier "
                               "forced pair; ignored"))
            continue
        out.append((src, tgt))
    return out


def _warn(doc: Document, code: str, message: str, hint: str = "") -> Diagnostic:
    return diag(Severity.WARNING, code, STAGE, message, doc.editorial.path or doc.source.path,
                hint=hint)


# ------------------------------------------------------------ across files

def link_translations(docs: Sequence[Document], drafts: bool = False) -> tuple[Document, ...]:
    """Documents sharing a ``translation_key`` -> each lists the others' slugs, both ways.

    A copy that dedup folded into a canonical is linked through that canonical;
    drafts are linked only when they are built (``drafts``).  Slugs are ordered
    by language then slug, so the output does not depend on the order of ``docs``;
    a document without key or slug is returned as is.
    """
    groups: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        if d.meta.translation_key and d.meta.slug and (drafts or not d.meta.draft):
            groups[d.meta.translation_key].append(d)
    out = []
    for d in docs:
        if not d.meta.translation_key or not d.meta.slug:
            out.append(d)
            continue
        mine = {d.meta.slug, d.links.canonical or d.meta.slug}
        group = groups.get(d.meta.translation_key, []) if d.meta.slug else []
        targets = sorted({(o.meta.lang, o.links.canonical or o.meta.slug) for o in group})
        slugs = tuple(dict.fromkeys(slug for _, slug in targets if slug not in mine))
        if slugs:
            d = replace(d, links=replace(d.links, translations=slugs))
        out.append(d)
    return tuple(out)
