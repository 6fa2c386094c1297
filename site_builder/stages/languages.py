"""Block languages and the Document's layout: single, interleaved or concatenated.

Runs after ``clean`` and ``footnotes`` so chrome and notes no longer vote.
Every block gets the language it is written in (a mixed block, one holding
its own translation, gets its dominant language and is never aligned).  The
layout is read from the sequence of languages over the prose blocks only:

- concatenated: one split point leaves (nearly) all of one language before it
  and all of the other after it, whatever stands in between (a rule, a label
  such as 【中文译文】 or "English version", the notes, or nothing);
- interleaved: the languages alternate block by block, in either order;
- single: anything else, and any second "text" too short to be a translation
  (a Chinese news ticker under an English article is not its translation).

A rule is never the boundary by itself: the boundary is where the language
changes, so a rule inside one language stays inside that text.

``meta.languages`` is ordered by reading order: the first text (or the first
member of each interleaved pair) comes first; ``align`` puts that side in
``AlignedPair.src``.  ``sides`` is the shared reading of a Document by the
two stages.  Editors may set ``layout``, ``languages`` and ``boundary`` in
the ``[align]`` table (docs/editorial.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..config import Config
from ..model import Block, BlockKind, Document, Layout, Severity, diag
from ..util import lang as langs

STAGE = "languages"

# ------------------------------------------------------------------ tables

# Kinds that carry running text, the only ones that vote and get aligned.
PROSE_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.QUOTE, BlockKind.LIST,
                         BlockKind.DIALOGUE, BlockKind.DEK})

# A label announcing the other text: it stands alone and is never aligned.
SEPARATOR_LABEL = re.compile(
    r"^\W{0,3}(?:中文(?:译文|翻译|版|全文|原文)?|(?:英文|英语|中文|日文)?(?:译文|原文|翻译)|英文(?:版|原文|全文)?"
    r"|(?:the\s+)?(?:english|chinese|original)\s*(?:version|text|translation|original)?"
    r"|translation|(?:full\s+)?(?:english|chinese)\s+text)\W{0,3}$", re.I)

# A note line left in the body (when no footnote stage took it): no vote, no pair.
NOTE_LIKE = re.compile(r"^\s*(?:\[\^?\d{1,3}\]|［\d{1,3}］|\d{1,3}[.)、]\s*(?:https?://|\S+,\s)"
                       r"|注\s*\d|(?:link|source|来源)\s*[:：]\s*https?://)", re.I)

# Plausible characters of the second text per character of the first, by pair of
# languages (the aligner learns the real ratio; this only rejects non-translations).
RATIO_BOUNDS = {("zh", "en"): (1.2, 7.0), ("en", "zh"): (1 / 7.0, 1 / 1.2),
                ("ja", "en"): (1.0, 6.0), ("en", "ja"): (1 / 6.0, 1.0)}
DEFAULT_BOUNDS = (0.4, 2.5)

MIN_SIDE_BLOCKS = 2          # each text needs this many prose blocks
CONCAT_AGREEMENT = 0.9       # share of prose that must sit on the right side of the split
MINOR_SHARE = 0.1            # a language with less prose is not listed in meta.languages
MIN_LETTERS = 6              # shorter blocks do not vote (but are still aligned)


# ------------------------------------------------------------------- stage

def run(doc: Document, cfg: Config | None = None) -> Document:
    """Document -> block langs, ``layout``, ``meta.languages`` (and ``meta.lang`` if empty)."""
    blocks = tuple(_with_lang(b) for b in doc.blocks)
    doc = replace(doc, blocks=blocks)
    layout, order, why = decide(doc)
    layout, order = _editor_layout(doc, layout, order)
    found = order or _by_weight(blocks, MINOR_SHARE)
    meta = replace(doc.meta, languages=found or doc.meta.languages,
                   lang=doc.meta.lang or (found[0] if found else ""))
    doc = replace(doc, layout=layout, meta=meta)
    if why:
        doc = doc.warn(diag(Severity.INFO, "LNG001", STAGE, why, doc.source.path))
    return doc


def _with_lang(b: Block) -> Block:
    """A block's language from its own text; rules and images keep none."""
    if b.kind in (BlockKind.RULE, BlockKind.IMAGE, BlockKind.CODE):
        return replace(b, lang=b.lang if b.kind is BlockKind.IMAGE else "")
    return replace(b, lang=langs.detect(b.text))


def _by_weight(blocks: tuple[Block, ...], floor: float = 0.0) -> tuple[str, ...]:
    """Languages by amount of prose, most first (ties by name), those above ``floor`` share."""
    weight: dict[str, float] = {}
    for b in blocks:
        if b.lang and b.kind in PROSE_KINDS:
            weight[b.lang] = weight.get(b.lang, 0.0) + langs.measure(b.text) * _unit(b.lang)
    total = sum(weight.values()) or 1.0
    return tuple(sorted((k for k in weight if weight[k] / total >= floor),
                        key=lambda k: (-weight[k], k)))


def _unit(code: str) -> float:
    """Word-equivalents per character, so Chinese and English weigh alike."""
    return 1 / langs.HAN_PER_WORD if code in ("zh", "ja", "ko") else 1 / 6


# ---------------------------------------------------------------- decision

def voters(doc: Document) -> list[Block]:
    """Prose blocks whose language may decide the layout, in reading order."""
    return [b for b in doc.blocks if is_alignable(b) and langs.measure(b.text) >= _min_len(b)]


def _min_len(b: Block) -> int:
    return 2 if b.lang in ("zh", "ja", "ko") else MIN_LETTERS


def is_alignable(b: Block) -> bool:
    """A prose block with one language, not a note, a label or a mixed block."""
    return (b.kind in PROSE_KINDS and bool(b.lang) and not NOTE_LIKE.match(b.text)
            and not SEPARATOR_LABEL.match(b.text.strip()) and not langs.is_mixed(b.text))


def decide(doc: Document) -> tuple[Layout, tuple[str, ...], str]:
    """Document with block langs -> (layout, languages in reading order, why not bilingual)."""
    vote = voters(doc)
    top = _by_weight(tuple(vote))[:2]
    if len(top) < 2:
        return Layout.SINGLE, top, ""
    counts = {code: sum(1 for b in vote if b.lang == code) for code in top}
    if min(counts.values()) < MIN_SIDE_BLOCKS:
        return Layout.SINGLE, _by_weight(doc.blocks, MINOR_SHARE), ""
    seq = [b for b in vote if b.lang in top]
    split = best_split(seq, top)
    if split is not None:
        first, second, agreement, _ = split
        layout = Layout.CONCATENATED if agreement >= CONCAT_AGREEMENT else None
        if layout:
            return _checked(doc, layout, (first, second), seq)
    if _switches(seq) >= max(3, min(counts.values())):
        return _checked(doc, Layout.INTERLEAVED, _interleaved_order(seq, top), seq)
    return Layout.SINGLE, _by_weight(doc.blocks, MINOR_SHARE), "two languages, but neither one after the other " \
        "nor paragraph by paragraph: read as one text"


def _checked(doc: Document, layout: Layout, order: tuple[str, str], seq: list[Block]
             ) -> tuple[Layout, tuple[str, ...], str]:
    """Keep a bilingual layout only when the two texts are of plausible relative length."""
    size = {code: sum(langs.measure(b.text) for b in seq if b.lang == code) for code in order}
    ratio = size[order[1]] / max(1, size[order[0]])
    low, high = RATIO_BOUNDS.get(order, DEFAULT_BOUNDS)
    if low <= ratio <= high:
        return layout, order, ""
    return Layout.SINGLE, _by_weight(doc.blocks, MINOR_SHARE), (
        f"{order[1]} text is {ratio:.2f} characters per {order[0]} character, outside "
        f"{low:.2f}..{high:.2f}: not read as a translation")


def best_split(seq: list[Block], top: tuple[str, ...]
               ) -> tuple[str, str, float, int] | None:
    """(first lang, second lang, agreement, index in seq) of the best one-boundary reading."""
    best: tuple[str, str, float, int] | None = None
    total = sum(_w(b) for b in seq) or 1.0
    for first, second in ((top[0], top[1]), (top[1], top[0])):
        before = 0.0
        after = sum(_w(b) for b in seq if b.lang == second)
        for i in range(len(seq) + 1):
            agreement = (before + after) / total
            if best is None or agreement > best[2]:
                best = (first, second, agreement, i)
            if i < len(seq):
                b = seq[i]
                before += _w(b) if b.lang == first else 0.0
                after -= _w(b) if b.lang == second else 0.0
    return best


def _w(b: Block) -> float:
    """A block's vote: its length in word-equivalents, capped so no block dominates."""
    return min(120.0, 1.0 + langs.measure(b.text) * _unit(b.lang))


def _switches(seq: list[Block]) -> int:
    return sum(1 for a, b in zip(seq, seq[1:]) if a.lang != b.lang)


def _interleaved_order(seq: list[Block], top: tuple[str, ...]) -> tuple[str, str]:
    """Which language opens the pairs: the one whose followers look most like its translations."""
    leads = {code: sum(_affinity(a, b) for a, b in zip(seq, seq[1:])
                       if a.lang == code and b.lang != code) for code in top}
    first = max(top, key=lambda code: (round(leads[code], 6), code == seq[0].lang))
    return first, next(c for c in top if c != first)


def _affinity(a: Block, b: Block) -> float:
    """How much two neighbours look like each other's translation: shared anchors."""
    x, y = langs.anchors(a.text), langs.anchors(b.text)
    return len(x & y) / len(x | y) if x and y else 0.0


def _editor_layout(doc: Document, layout: Layout, order: tuple[str, ...]
                   ) -> tuple[Layout, tuple[str, ...]]:
    """[align] layout = "...", languages = [...] win over what was found."""
    table = doc.editorial.section("align")
    wanted = str(table.get("layout", "")).strip().lower()
    if wanted in {x.value for x in Layout}:
        layout = Layout(wanted)
    given = table.get("languages")
    if isinstance(given, list) and all(isinstance(x, str) for x in given) and given:
        order = tuple(langs.base(x) for x in given)
    return layout, order


# ------------------------------------------------------------------- sides

@dataclass(frozen=True, slots=True)
class Sides:
    """How a bilingual Document reads: the block ids of each text, in reading order.

    ``a`` and ``b`` hold every block of the first and second text (prose or
    not); ``outside`` the blocks belonging to neither (title area, notes,
    the separator between concatenated texts, trailing matter).
    """

    a: tuple[str, ...]
    b: tuple[str, ...]
    outside: tuple[str, ...]
    boundary: str = ""      # first block id of the second text (concatenated)


def sides(doc: Document) -> Sides:
    """Document after this stage -> its two texts (empty for a single-language layout)."""
    order = doc.meta.languages[:2]
    if doc.layout is Layout.SINGLE or len(order) < 2:
        return Sides((), (), tuple(b.id for b in doc.blocks))
    if doc.layout is Layout.INTERLEAVED:
        return _interleaved_sides(doc, order)
    return _concatenated_sides(doc, order)


def _interleaved_sides(doc: Document, order: tuple[str, ...]) -> Sides:
    a, b, out = [], [], []
    for blk in doc.blocks:
        (a if blk.lang == order[0] else b if blk.lang == order[1] else out).append(blk.id)
    return Sides(tuple(a), tuple(b), tuple(out))


def _concatenated_sides(doc: Document, order: tuple[str, ...]) -> Sides:
    """Split at the language change; the gap between the two texts belongs to neither."""
    ids = [b.id for b in doc.blocks]
    vote = [b for b in voters(doc) if b.lang in order]
    start_b, chosen = _boundary(doc, vote, order)
    first = [ids.index(b.id) for b in vote if ids.index(b.id) < start_b and b.lang == order[0]]
    second = [ids.index(b.id) for b in vote if ids.index(b.id) >= start_b and b.lang == order[1]]
    if not first or not second:
        return Sides((), (), tuple(ids))
    a_lo, a_hi, b_lo, b_hi = first[0], first[-1], second[0], second[-1]
    b_lo = b_lo if chosen else _take_label(doc.blocks, a_hi, b_lo)
    a = tuple(ids[a_lo:a_hi + 1])
    b = tuple(ids[b_lo:b_hi + 1])
    out = tuple(ids[:a_lo] + ids[a_hi + 1:b_lo] + ids[b_hi + 1:])
    return Sides(a, b, out, ids[b_lo])


def _boundary(doc: Document, vote: list[Block], order: tuple[str, ...]) -> tuple[int, bool]:
    """(index in doc.blocks of the first block of the second text, chosen by the editor)."""
    ids = [b.id for b in doc.blocks]
    wanted = str(doc.editorial.section("align").get("boundary", "")).strip()
    if wanted:
        hit = next((i for i, b in enumerate(doc.blocks) if wanted in b.text), None)
        if hit is not None:
            return hit, True
    split = best_split(vote, order)
    if split is None or split[3] >= len(vote):
        return len(ids), False
    seq_first, _, _, i = split
    if seq_first != order[0]:
        i = 0
    return (ids.index(vote[i].id) if i < len(vote) else len(ids)), False


def _take_label(blocks: tuple[Block, ...], a_hi: int, b_lo: int) -> int:
    """A label ("English version", 【中文译文】) right before the second text joins it."""
    i = b_lo
    while i - 1 > a_hi and (SEPARATOR_LABEL.match(blocks[i - 1].text.strip())
                            or blocks[i - 1].kind is BlockKind.HEADING and blocks[i - 1].lang
                            and blocks[i - 1].lang == blocks[b_lo].lang):
        i -= 1
    return i
