"""The aligner's engine: bead costs, the banded Gale-Church DP, what it learns.

Works on ``Unit``s (an alignable block reduced to what the cost looks at), so
it knows nothing of Documents; ``align.py`` turns blocks into units and beads
into ``AlignedPair``s.  The tables below are the whole tuning; docs/alignment.md
says what each term means.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

# ------------------------------------------------------------------ tables

# Bead shapes (first-text blocks, second-text blocks) -> prior cost, the negative log of
# Gale & Church's bead probabilities (3-1 and 1-3 added, rarer than 2-1).
BEADS: dict[tuple[int, int], float] = {
    (1, 1): 0.0, (1, 0): 2.6, (0, 1): 2.6, (2, 1): 2.3, (1, 2): 2.3,
    (3, 1): 3.5, (1, 3): 3.5, (2, 2): 4.4,
}
LENGTH_VARIANCE = 0.02       # of the log length ratio, for long blocks
SHORT_VARIANCE = 4.0         # added variance, divided by the bead's characters
ANCHOR_GAIN = 0.6            # per unit of weight of an anchor found on both sides
ANCHOR_MISS = 0.3            # per unit of weight of an anchor found on one side only
SENTENCE_MISS = 2.0          # per squared sentence more on one side, over the sentences
UNSUPPORTED = 0.8            # per block of a many-block side sharing no anchor with the other
QUOTE_MISS = 0.3             # per quoted term more on one side than the other
HEADING_MATCH = -1.0         # a heading against a heading
HEADING_MISMATCH = 3.0       # a heading against prose, or a heading inside a many-block bead
NEIGHBOUR_SLACK = 1          # interleaved: foreign blocks allowed inside one pair
LEXICON_CONFIDENT = 0.9      # pairs at least this good teach the word links
LEXICON_MIN_PAIRS = 3        # a token must be seen in this many confident pairs
LEXICON_DICE = 0.75          # and co-occur this consistently with its partner
LEXICON_WEIGHT = 0.5         # a learnt link counts half as much as a number or a name
HOPELESS = 25.0              # a length cost above this ends the evaluation of a bead
BAND_MIN = 12                # first pass: half-width of the band, in blocks ...
BAND_MAX = 60                # ... and at most (texts drifting further apart align worse)
CORRIDOR_ROWS = 3            # second pass: rows of the first pass's path looked at ...
CORRIDOR_WIDTH = 6           # ... and columns allowed on each side of it
SCORE_MIDPOINT = 2.5         # bead cost at which a pair scores 0.5
CONFIDENT = 0.6              # pairs at least this good teach the length ratio
INF = float("inf")


# ------------------------------------------------------------------- units

@dataclass(frozen=True, slots=True)
class Unit:
    """An alignable block and what the cost looks at."""

    id: str
    pos: int                      # index in doc.blocks
    length: int
    anchors: frozenset[str]
    heading: bool
    quotes: int
    sentences: int
    tokens: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Bead:
    """One step of the alignment: units of each text (a side may be empty) and a score."""

    src: tuple[Unit, ...]
    tgt: tuple[Unit, ...]
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Model:
    """What the cost needs besides the units: ratios, anchor weights (the anchors that
    can count at all), layout."""

    ratio: float
    weight: dict[str, float]
    interleaved: bool
    sentence_ratio: float = 1.0


def weights(a: Sequence[Unit], b: Sequence[Unit]) -> dict[str, float]:
    """Anchors present in both texts -> inverse document frequency over all units."""
    shared = set().union(*(u.anchors for u in a)) & set().union(*(u.anchors for u in b)) \
        if a and b else set()
    df: dict[str, int] = defaultdict(int)
    for u in (*a, *b):
        for x in u.anchors & shared:
            df[x] += 1
    n = len(a) + len(b)
    return {x: math.log(1 + n / df[x]) for x in sorted(shared)}


# -------------------------------------------------------------------- cost

def bead_cost(src: Sequence[Unit], tgt: Sequence[Unit], model: Model) -> float:
    """Cost of one bead without its prior: lower is a likelier pair."""
    if not src or not tgt:
        return 0.0
    if model.interleaved and not _neighbours((*src, *tgt)):
        return INF
    length = _length_cost(src, tgt, model.ratio)
    if length > HOPELESS:              # no anchor can save it: spare the set work
        return length
    return length + _anchor_cost(src, tgt, model.weight) \
        + _sentence_cost(src, tgt, model.sentence_ratio) + _support_cost(src, tgt) \
        + _heading_cost(src, tgt) + QUOTE_MISS * min(5, abs(sum(u.quotes for u in src)
                                                             - sum(u.quotes for u in tgt)))


def _neighbours(units: Sequence[Unit]) -> bool:
    """Interleaved pairs sit next to each other in reading order."""
    pos = [u.pos for u in units]
    return max(pos) - min(pos) + 1 <= len(pos) + NEIGHBOUR_SLACK


def _length_cost(src: Sequence[Unit], tgt: Sequence[Unit], ratio: float) -> float:
    """Squared log of observed over expected length, over a variance wider for short text."""
    la = sum(u.length for u in src)
    lb = sum(u.length for u in tgt)
    r = math.log(lb / (ratio * la))
    var = LENGTH_VARIANCE + SHORT_VARIANCE / (la * math.sqrt(ratio) + lb / math.sqrt(ratio))
    return r * r / (2 * var)


def _sentence_cost(src: Sequence[Unit], tgt: Sequence[Unit], ratio: float) -> float:
    """Translators mostly keep the number of sentences: a squared difference, Poisson-scaled."""
    sa = sum(u.sentences for u in src) * ratio
    sb = sum(u.sentences for u in tgt)
    return SENTENCE_MISS * (sb - sa) ** 2 / (sa + sb)


def _support_cost(src: Sequence[Unit], tgt: Sequence[Unit]) -> float:
    """Each block of a many-block side should share an anchor with the other side.

    Length alone hardly tells a credit line merged into its neighbour's pair
    from a paragraph the translator split; a block with no evidence of its own
    pays a little, so that standing alone becomes the cheaper reading.
    """
    cost = 0.0
    for mine, other in ((src, tgt), (tgt, src)):
        if len(mine) > 1:
            there = frozenset().union(*(u.anchors for u in other))
            cost += UNSUPPORTED * sum(1 for u in mine if u.anchors.isdisjoint(there))
    return cost


def _anchor_cost(src: Sequence[Unit], tgt: Sequence[Unit], weight: dict[str, float]) -> float:
    """Shared anchors lower the cost, one-sided ones raise it (learnt links only lower it)."""
    xa = src[0].anchors if len(src) == 1 else frozenset().union(*(u.anchors for u in src))
    xb = tgt[0].anchors if len(tgt) == 1 else frozenset().union(*(u.anchors for u in tgt))
    gain = math.fsum(map(weight.__getitem__, xa & xb))      # fsum: the same in any set order
    miss = math.fsum(weight[x] for x in xa ^ xb if x[0] != "~")
    return ANCHOR_MISS * miss - ANCHOR_GAIN * gain


def _heading_cost(src: Sequence[Unit], tgt: Sequence[Unit]) -> float:
    """A heading pairs with a heading, one to one."""
    heads = [u.heading for u in (*src, *tgt)]
    if all(heads) and len(heads) == 2:
        return HEADING_MATCH
    return HEADING_MISMATCH if any(heads) else 0.0


def score_of(cost: float) -> float:
    """A bead cost -> a score in (0, 1): 0.5 at SCORE_MIDPOINT, near 1 for clear pairs."""
    return round(1 / (1 + math.exp(cost - SCORE_MIDPOINT)), 3)


# ---------------------------------------------------------------------- DP

Rows = list[tuple[int, int]]        # per row i of the DP, the columns j it may visit


def align_units(a: Sequence[Unit], b: Sequence[Unit], model: Model,
                rows: Rows | None = None) -> list[Bead]:
    """Gale-Church DP inside ``rows`` (default: a band around the diagonal) -> beads in order."""
    n, m = len(a), len(b)
    rows = rows or diagonal(n, m, model.interleaved)
    cost: Cells = {(0, 0): 0.0}
    back: Back = {}
    for i in range(n + 1):
        for j in range(rows[i][0], rows[i][1] + 1):
            if (i, j) != (0, 0):
                _relax(a, b, i, j, model, cost, back)
    if (n, m) not in cost:            # cannot happen: every corridor holds (0, 0) and (n, m)
        return [Bead((u,), ()) for u in a] + [Bead((), (u,)) for u in b]
    return _backtrack(a, b, back, n, m)


def diagonal(n: int, m: int, interleaved: bool) -> Rows:
    """A band around the diagonal, wider when the texts differ in length or are long."""
    drift = 0 if interleaved else max(n, m) // 16        # interleaved pairs are neighbours
    band = min(BAND_MAX, BAND_MIN + abs(n - m) + drift)
    centres = [round(i * m / n) if n else m for i in range(n + 1)]
    return [(max(0, c - band), min(m, c + band)) for c in centres]


def corridor(points: list[tuple[int, int]], n: int, m: int) -> Rows:
    """A narrow corridor around a monotone path given by its cells (the first pass's beads)."""
    points = sorted(points)
    keys = [p[0] for p in points]
    rows = []
    for i in range(n + 1):
        lo, hi = bisect_left(keys, i - CORRIDOR_ROWS), bisect_right(keys, i + CORRIDOR_ROWS)
        near = [j for _, j in points[lo:hi]] or [round(i * m / n) if n else m]
        rows.append((max(0, min(near) - CORRIDOR_WIDTH), min(m, max(near) + CORRIDOR_WIDTH)))
    return rows


Cells = dict[tuple[int, int], float]
Back = dict[tuple[int, int], tuple[int, int, float]]


def _relax(a: Sequence[Unit], b: Sequence[Unit], i: int, j: int, model: Model,
           cost: Cells, back: Back) -> None:
    """The cheapest bead ending at cell (i, j), from every cell the bead shapes reach."""
    best, arg = INF, None
    for (di, dj), prior in BEADS.items():
        pi, pj = i - di, j - dj
        if pi < 0 or pj < 0 or (pi, pj) not in cost:
            continue
        c = bead_cost(a[pi:i], b[pj:j], model)
        total = cost[(pi, pj)] + prior + c
        if total < best:
            best, arg = total, (pi, pj, c)
    if arg is not None:
        cost[(i, j)] = best
        back[(i, j)] = arg


def _backtrack(a: Sequence[Unit], b: Sequence[Unit], back: Back, n: int, m: int) -> list[Bead]:
    """Follow the back pointers from (n, m): the beads in reading order, each scored."""
    out: list[Bead] = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, c = back[(i, j)]
        src, tgt = tuple(a[pi:i]), tuple(b[pj:j])
        out.append(Bead(src, tgt, score_of(c) if src and tgt else 0.0))
        i, j = pi, pj
    return out[::-1]


def learn_ratio(beads: Iterable[Bead], fallback: float, what: str = "length") -> float:
    """Characters (or sentences) of the second text per one of the first, from confident pairs."""
    good = [bd for bd in beads if bd.src and bd.tgt and bd.score >= CONFIDENT]
    la = sum(getattr(u, what) for bd in good for u in bd.src)
    lb = sum(getattr(u, what) for bd in good for u in bd.tgt)
    return lb / la if la and lb and len(good) >= 3 else fallback


# ----------------------------------------------------------------- passes

Forced = list[tuple[tuple[str, ...], tuple[str, ...]]]


def align_all(a: list[Unit], b: list[Unit], forced: Forced, interleaved: bool
              ) -> tuple[list[Bead], Model]:
    """Two passes, split at the editor's forced pairs: the second knows the length and
    sentence ratios and the word links learnt from the confident pairs of the first."""
    ratio = sum(u.length for u in b) / max(1, sum(u.length for u in a)) if a and b else 1.0
    first = Model(ratio, weights(a, b), interleaved)
    beads = _segments(a, b, forced, first)
    a, b = with_lexicon(a, b, learn_lexicon(beads))
    weight = {x: w * (LEXICON_WEIGHT if x.startswith("~") else 1.0) for x, w in weights(a, b).items()}
    model = Model(learn_ratio(beads, ratio), weight, interleaved,
                  learn_ratio(beads, 1.0, "sentences"))
    return _segments(a, b, forced, model, _path(beads)), model


def _path(beads: list[Bead]) -> list[tuple[int, int]]:
    """The cells (units of the first text, of the second) the beads end on."""
    out = [(0, 0)]
    for bd in beads:
        out.append((out[-1][0] + len(bd.src), out[-1][1] + len(bd.tgt)))
    return out


def learn_lexicon(beads: Iterable[Bead]) -> list[tuple[str, str]]:
    """Confident pairs -> (first-text token, second-text token) links (Moore, 2002).

    Tokens seen in at least LEXICON_MIN_PAIRS pairs (and in at most half of
    them) are linked when they co-occur consistently (Dice); competitive
    linking gives each token one partner at most, best pairs first.
    """
    good = [bd for bd in beads if bd.src and bd.tgt and bd.score >= LEXICON_CONFIDENT]
    sides = [(frozenset().union(*(u.tokens for u in bd.src)),
              frozenset().union(*(u.tokens for u in bd.tgt))) for bd in good]
    df_a, df_b = _df(s for s, _ in sides), _df(t for _, t in sides)
    co = _cooccurrences(sides, df_a, df_b)
    scored = sorted((-2 * c / (df_a[x] + df_b[y]), -c, x, y) for (x, y), c in co.items()
                    if c >= LEXICON_MIN_PAIRS and 2 * c / (df_a[x] + df_b[y]) >= LEXICON_DICE)
    used_a: set[str] = set()
    used_b: set[str] = set()
    links = []
    for _, _, x, y in scored:
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            links.append((x, y))
    return links


def _cooccurrences(sides: list[tuple[frozenset[str], frozenset[str]]], df_a: dict[str, int],
                   df_b: dict[str, int]) -> dict[tuple[str, str], int]:
    """How many pairs hold both tokens, for tokens neither too rare nor too common."""
    top = max(LEXICON_MIN_PAIRS, len(sides) // 2)
    co: dict[tuple[str, str], int] = defaultdict(int)
    for src, tgt in sides:
        keep_b = [y for y in tgt if LEXICON_MIN_PAIRS <= df_b[y] <= top]
        for x in src:
            if LEXICON_MIN_PAIRS <= df_a[x] <= top:
                for y in keep_b:
                    co[(x, y)] += 1
    return co


def _df(groups: Iterable[frozenset[str]]) -> dict[str, int]:
    df: dict[str, int] = defaultdict(int)
    for g in groups:
        for x in g:
            df[x] += 1
    return df


def with_lexicon(a: list[Unit], b: list[Unit], links: list[tuple[str, str]]
                 ) -> tuple[list[Unit], list[Unit]]:
    """Each learnt link becomes an anchor '~x|y' on the units holding its token."""
    by_a: dict[str, list[str]] = defaultdict(list)
    by_b: dict[str, list[str]] = defaultdict(list)
    for x, y in links:
        by_a[x].append(f"~{x}|{y}")
        by_b[y].append(f"~{x}|{y}")

    def add(units: list[Unit], index: dict[str, list[str]]) -> list[Unit]:
        return [replace(u, anchors=u.anchors | {z for t in u.tokens for z in index.get(t, ())})
                for u in units]
    return add(a, by_a), add(b, by_b)


def _segments(a: list[Unit], b: list[Unit], forced: Forced, model: Model,
              path: list[tuple[int, int]] | None = None) -> list[Bead]:
    """Align between forced pairs (inside a corridor around ``path`` when given);
    a forced pair covers its blocks from first to last."""
    a = [replace(u, anchors=u.anchors & model.weight.keys()) for u in a]   # only what can count
    b = [replace(u, anchors=u.anchors & model.weight.keys()) for u in b]
    out: list[Bead] = []
    ia = ib = 0
    index_a = {u.id: k for k, u in enumerate(a)}
    index_b = {u.id: k for k, u in enumerate(b)}
    for src_ids, tgt_ids in forced:
        sa = sorted(index_a[x] for x in src_ids)
        sb = sorted(index_b[x] for x in tgt_ids)
        if sa[0] < ia or sb[0] < ib:
            continue                           # crossing an earlier forced pair (warned)
        out += _segment(a, b, (ia, sa[0]), (ib, sb[0]), model, path)
        out.append(Bead(tuple(a[sa[0]:sa[-1] + 1]), tuple(b[sb[0]:sb[-1] + 1]), 1.0))
        ia, ib = sa[-1] + 1, sb[-1] + 1
    return out + _segment(a, b, (ia, len(a)), (ib, len(b)), model, path)


def _segment(a: list[Unit], b: list[Unit], span_a: tuple[int, int], span_b: tuple[int, int],
             model: Model, path: list[tuple[int, int]] | None) -> list[Bead]:
    (ia, ea), (ib, eb) = span_a, span_b
    rows = None
    if path:
        local = [(i - ia, j - ib) for i, j in path if ia <= i <= ea and ib <= j <= eb]
        rows = corridor(local + [(0, 0), (ea - ia, eb - ib)], ea - ia, eb - ib)
    return align_units(a[ia:ea], b[ib:eb], model, rows)
