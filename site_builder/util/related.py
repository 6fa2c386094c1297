"""Related-reading candidates over term vectors, kept up to date instead of recomputed.

Generic machinery with no knowledge of Documents (stages/crosslink.py applies
it to articles).  Each document is a row of sorted term hashes with counts.

The model is TF-IDF with two choices that keep an edit's cost local:

- **idf by level**: a term's weight uses ``levels(n) - floor(log2(df)) + 1``,
  where ``levels(n)`` counts the powers of two up to the corpus size.  One
  more document holding a term changes its weight only when its df crosses a
  power of two, so an edit changes the vectors of the edited document and of
  the few holding a term that crossed one, not of every document sharing a word.
- **fixed-point weights**: each kept weight is an integer (``SCALE`` = 2**20
  for 1.0), so a pair's score is an exact integer whichever way it is summed:
  a row scored in a full build and the same pair patched in by an update
  agree to the last bit, and so do the pages they produce.

Each row keeps its ``TOP_FEATURES`` heaviest terms, L2-normalised over those;
terms held by ``2**COMMON_LEVEL`` documents or more are left out (they link
too much to mean anything).  Each document keeps its best ``keep`` candidates
(score, then position).  ``Related.update`` replaces some rows: it finds the
rows whose vectors change, scores them against the inverted index, patches
the other rows' candidate lists with the new scores, and scores again only a
row whose list lost an entry it cannot refill.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

TOP_FEATURES = 256
COMMON_LEVEL = 8          # df >= 256: boilerplate words, left out
SCALE = 1 << 20
Row = tuple[np.ndarray, np.ndarray]        # (sorted uint64 term keys, int64 counts)


def levels(n: int) -> int:
    return max(1, math.ceil(math.log2(max(n, 2))))


def df_level(df: np.ndarray) -> np.ndarray:
    """floor(log2(df)) for df >= 1 (0 for df 0)."""
    return np.floor(np.log2(np.maximum(df, 1))).astype(np.int64)


def vector(row: Row, df: np.ndarray, n: int) -> Row:
    """One row -> (kept keys sorted, fixed-point weights), from the df of each of its terms."""
    keys, counts = row
    lvl = df_level(df)
    ok = lvl < COMMON_LEVEL
    keys, counts, lvl = keys[ok], counts[ok], lvl[ok]
    w = (1.0 + np.log(counts)) * (levels(n) - lvl + 1)
    keep = np.sort(np.lexsort((keys, -w))[:TOP_FEATURES])
    w = w[keep]
    norm = math.sqrt(float((w * w).sum())) or 1.0
    return keys[keep], np.rint(w / norm * SCALE).astype(np.int64)


@dataclass(slots=True)
class Postings:
    """Postings sorted by term: for each kept term, the rows holding it and their weights."""

    keys: np.ndarray
    docs: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray, docs: np.ndarray, weights: np.ndarray) -> "Postings":
        order = np.lexsort((docs, keys))
        return cls(keys[order], docs[order], weights[order])

    def kill(self, row: int, keys: np.ndarray) -> None:
        """Row ``row``'s postings of ``keys`` weigh nothing from now on (they stay, dead)."""
        at, _ = _ranges(self.keys, keys)
        self.weights[at[self.docs[at] == row]] = 0

    def gather(self, keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at, sizes = _ranges(self.keys, keys)
        return self.docs[at], np.repeat(weights, sizes) * self.weights[at]


@dataclass(slots=True)
class Index:
    """The kept terms' postings: a large sorted part and a small one for what updates added.

    An update kills the changed rows' old postings in place (weight 0: a dead
    posting adds nothing to any score) and files their new ones in the small
    part, which is merged into the large one once it grows: an update costs its
    own postings, not a copy of the index.
    """

    main: Postings
    extra: Postings

    @classmethod
    def of(cls, vectors: list[Row]) -> "Index":
        keys = np.concatenate([k for k, _ in vectors]) if vectors else np.zeros(0, np.uint64)
        docs = np.repeat(np.arange(len(vectors), dtype=np.int64), [k.size for k, _ in vectors])
        weights = np.concatenate([w for _, w in vectors]) if vectors else np.zeros(0, np.int64)
        empty = Postings(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64))
        return cls(Postings.of(keys, docs, weights), empty)

    def replace(self, rows: np.ndarray, old: list[Row], vectors: list[Row]) -> None:
        """Swap the postings of ``rows`` (``old``: their vectors until now) for ``vectors``."""
        for r, (keys, _) in zip(rows.tolist(), old):
            self.main.kill(r, keys)
            self.extra.kill(r, keys)
        nk = np.concatenate([v[0] for v in vectors] + [self.extra.keys])
        nd = np.concatenate([np.repeat(rows, [v[0].size for v in vectors]).astype(np.int64), self.extra.docs])
        nw = np.concatenate([v[1] for v in vectors] + [self.extra.weights])
        live = nw != 0
        self.extra = Postings.of(nk[live], nd[live], nw[live])
        if self.extra.keys.size > max(4096, self.main.keys.size // 16):
            m = self.main
            keys, docs, weights = (np.concatenate([a, b]) for a, b in
                                   ((m.keys, self.extra.keys), (m.docs, self.extra.docs), (m.weights, self.extra.weights)))
            live = weights != 0
            self.main = Postings.of(keys[live], docs[live], weights[live])
            self.extra = Postings(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64))

    def query(self, me: int, vec: Row) -> tuple[np.ndarray, np.ndarray]:
        """Rows sharing a kept term with ``vec`` -> (rows, integer scores), rows ascending."""
        keys, weights = vec
        d1, p1 = self.main.gather(keys, weights)
        d2, p2 = self.extra.gather(keys, weights)
        docs, prod = np.concatenate([d1, d2]), np.concatenate([p1, p2])
        other = docs != me
        rows, inverse = np.unique(docs[other], return_inverse=True)
        return rows, _exact_sum(inverse, prod[other], rows.size)


@dataclass(slots=True)
class Holders:
    """Every row's every term, sorted, for the few terms an update needs the holders of.

    Rows changed since it was sorted are ``dirty``: looked up in the rows
    themselves, and the whole is sorted again once there are many.
    """

    keys: np.ndarray
    docs: np.ndarray
    dirty: set[int]

    @classmethod
    def of(cls, rows: list[Row]) -> "Holders":
        keys = np.concatenate([k for k, _ in rows]) if rows else np.zeros(0, np.uint64)
        docs = np.repeat(np.arange(len(rows), dtype=np.int64), [k.size for k, _ in rows])
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], docs[order], set())

    def find(self, terms: np.ndarray, rows: list[Row]) -> set[int]:
        at, _ = _ranges(self.keys, terms)
        found = set(self.docs[at].tolist()) - self.dirty
        return found | {i for i in self.dirty if np.isin(terms, rows[i][0], assume_unique=True).any()}


def _ranges(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``sorted_keys`` equal to any of ``keys``, key by key, and how many per key."""
    lo, hi = np.searchsorted(sorted_keys, keys, "left"), np.searchsorted(sorted_keys, keys, "right")
    sizes = hi - lo
    return np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum()), sizes


def _exact_sum(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Integer sums per group.  Through float64, exact: every partial sum is below 2**53."""
    return np.rint(np.bincount(groups, weights=values.astype(np.float64), minlength=size)).astype(np.int64)


def top(rows: np.ndarray, scores: np.ndarray, keep: int) -> tuple[list[int], list[int]]:
    """Best ``keep`` by score, then by row: (rows, scores) as lists."""
    ok = scores > 0
    rows, scores = rows[ok], scores[ok]
    order = np.lexsort((rows, -scores))[:keep]
    return rows[order].tolist(), scores[order].tolist()


@dataclass(slots=True)
class Related:
    """Candidate lists for every row, and what it takes to update them."""

    keep: int
    rows: list[Row]
    vocab: np.ndarray                     # sorted term keys ...
    df: np.ndarray                        # ... and how many rows hold each
    vectors: list[Row]
    index: Index
    cands: list[tuple[list[int], list[int]]]
    listed_by: list[set[int]] = field(default_factory=list)
    holders: Holders | None = None        # only when it will be updated
    bar_score: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    bar_row: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rescored: int = 0                     # rows scored by the last build or update

    @classmethod
    def build(cls, rows: list[Row], keep: int, updatable: bool = False) -> "Related":
        allkeys = np.concatenate([k for k, _ in rows]) if rows else np.zeros(0, np.uint64)
        vocab, df = np.unique(allkeys, return_counts=True)
        n = len(rows)
        vectors = [vector(r, df[np.searchsorted(vocab, r[0])], n) for r in rows]
        index = Index.of(vectors)
        # One query per row (the update's own scoring): linear memory, and no pair list that
        # grows faster than the corpus when many articles share a topic.
        cands = [top(*index.query(i, vectors[i]), keep) for i in range(n)]
        self = cls(keep, list(rows), vocab, df.astype(np.int64), vectors, index, cands)
        self.listed_by = [set() for _ in range(n)]
        for i, (ids, _) in enumerate(cands):
            for j in ids:
                self.listed_by[j].add(i)
        self.rescored = n
        if updatable:
            self.holders = Holders.of(self.rows)
            self.bar_score, self.bar_row = np.zeros(n, np.int64), np.zeros(n, np.int64)
            for i in range(n):
                self._bar(i)
        return self

    def update(self, changed: dict[int, Row]) -> None:
        """Rows ``changed`` (position -> new row) replaced; every candidate list as a build would make it."""
        n = len(self.rows)
        assert self.holders is not None, "built without updatable=True"
        crossed = self._count(changed)
        for i, r in changed.items():
            self.rows[i] = r
        self.holders.dirty.update(changed)
        if len(self.holders.dirty) > 512:
            self.holders = Holders.of(self.rows)
        affected = set(changed) | (self.holders.find(crossed, self.rows) if crossed.size else set())
        moved = np.array(sorted(affected), dtype=np.int64)
        before = [self.vectors[i] for i in moved.tolist()]
        for i in moved.tolist():
            r = self.rows[i]
            self.vectors[i] = vector(r, self.df[np.searchsorted(self.vocab, r[0])], n)
        self.index.replace(moved, before, [self.vectors[i] for i in moved.tolist()])
        fresh = {i: self.index.query(i, self.vectors[i]) for i in moved.tolist()}
        touched: dict[int, dict[int, int]] = {}
        for i, (rows, scores) in fresh.items():
            enters = self._enters(i, rows, scores)
            for j, s in zip(rows[enters].tolist(), scores[enters].tolist()):
                if j not in affected:
                    touched.setdefault(j, {})[i] = s
            for j in self.listed_by[i]:             # had i: its new score, or 0 when none
                if j not in affected:
                    touched.setdefault(j, {}).setdefault(i, int(scores[np.searchsorted(rows, j)])
                                                         if j in rows else 0)
        for i, (rows, scores) in fresh.items():
            self._set(i, top(rows, scores, self.keep))
        self.rescored = len(fresh)
        for j, new in touched.items():
            patched = self._patch(j, new)
            if patched is None:
                self.rescored += 1
                patched = top(*self.index.query(j, self.vectors[j]), self.keep)
            self._set(j, patched)

    def _count(self, changed: dict[int, Row]) -> np.ndarray:
        """Apply the changed rows' df changes; return the terms whose level changed."""
        delta: dict[int, int] = {}
        for i, (keys, _) in changed.items():
            old = self.rows[i][0]
            for k in np.setdiff1d(old, keys, assume_unique=True).tolist():
                delta[k] = delta.get(k, 0) - 1
            for k in np.setdiff1d(keys, old, assume_unique=True).tolist():
                delta[k] = delta.get(k, 0) + 1
        terms = np.array(sorted(k for k, d in delta.items() if d), dtype=np.uint64)
        if terms.size == 0:
            return terms
        step = np.array([delta[k] for k in terms.tolist()], dtype=np.int64)
        at = np.searchsorted(self.vocab, terms)
        known = (at < self.vocab.size) & (self.vocab[np.minimum(at, self.vocab.size - 1)] == terms)
        self.vocab = np.insert(self.vocab, at[~known], terms[~known])
        self.df = np.insert(self.df, at[~known], 0)
        at = np.searchsorted(self.vocab, terms)
        before = self.df[at].copy()
        self.df[at] += step
        return terms[df_level(before) != df_level(self.df[at])]

    def _enters(self, i: int, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Which of ``rows`` would take ``i`` into their list at ``scores`` (the rest need no patch)."""
        bar_s, bar_r = self.bar_score[rows], self.bar_row[rows]
        return (scores > bar_s) | ((scores == bar_s) & (i < bar_r))

    def _patch(self, j: int, new: dict[int, int]) -> tuple[list[int], list[int]] | None:
        """Row j's list with the rescored rows' new scores; None when it cannot be known without scoring j."""
        ids, scores = self.cands[j]
        full = len(ids) >= self.keep
        last = (-scores[-1], ids[-1]) if ids else None
        entries = [(s, i) for i, s in zip(ids, scores) if i not in new]
        entries += [(s, i) for i, s in new.items() if s > 0]
        entries.sort(key=lambda e: (-e[0], e[1]))
        if full and sum(1 for s, i in entries if (-s, i) <= last) < self.keep:
            return None
        entries = entries[:self.keep]
        return [i for _, i in entries], [s for s, _ in entries]

    def _set(self, i: int, cand: tuple[list[int], list[int]]) -> None:
        for j in self.cands[i][0]:
            self.listed_by[j].discard(i)
        for j in cand[0]:
            self.listed_by[j].add(i)
        self.cands[i] = cand
        self._bar(i)

    def _bar(self, i: int) -> None:
        """The entry a newcomer must beat to enter row i's list (anything positive while it is not full)."""
        ids, scores = self.cands[i]
        full = len(ids) >= self.keep
        self.bar_score[i] = scores[-1] if full else 0
        self.bar_row[i] = ids[-1] if full else np.iinfo(np.int64).max
