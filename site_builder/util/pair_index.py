"""find_pairs kept up to date: after an edit, only the pairs the edit can move are found again.

The preview (stages/dedup.py with a memo) edits one document at a time in a
corpus of 10,000.  A pair of two documents the edit did not touch keeps its
evidence, with two exceptions, and both are detected here:

- a sampled shingle whose document frequency crosses ``max_df`` becomes (or
  stops being) boilerplate: it no longer counts for, or again counts for,
  every pair and every size among its holders;
- an LSH bucket of more than 32 members pairs its members neighbour to
  neighbour (neardup.group_pairs), so a member coming or going re-links the
  others, and a bucket growing past 32 (or shrinking back) changes them all.

The holders of such shingles and the members of such buckets count as
touched along with the edited documents.  Pairs with a touched member are
found again from the kept sorted bands and containment index, which costs the
touched documents' own entries (binary searches), not a pass over the corpus;
the rest are kept.  tests/test_incremental.py checks the result against
find_pairs after every edit of a random sequence.
"""
from __future__ import annotations

import numpy as np

from .neardup import (DEFAULT, U64, Pair, Params, Sketch, _composite, _index, band_keys,
                      containment_candidates, lsh_candidates, signatures, sizes, verify)

LOW = U64(0xFFFFFFFF)
BUCKET = 32                     # neardup._band_pairs: larger buckets are chained, not paired


class PairIndex:
    """The sorted bands, the containment index and the last pairs, for ``update`` then ``pairs``."""

    def __init__(self, sketches: list[Sketch | None], params: Params = DEFAULT) -> None:
        self.params, self.sketches = params, sketches
        self.sigs = signatures(sketches, params)
        live = [i for i, s in enumerate(sketches) if s is not None]
        keys = band_keys(self.sigs[live], params) if live else np.zeros((0, params.bands), U64)
        rows = np.array(live, dtype=np.int64)
        self.bands = []
        for band in range(params.bands):
            order = np.argsort(keys[:, band], kind="stable")
            self.bands.append((keys[order, band], rows[order]))
        self.samples = [s.sample if s is not None else np.zeros(0, np.uint32) for s in sketches]
        self.index = _index(self.samples)
        self.common = np.zeros(len(sketches), dtype=np.int64)
        self.last: list[Pair] | None = None
        self.touched: set[int] = set()          # documents whose pairs must be found again

    # ------------------------------------------------------------- update

    def update(self, changed: dict[int, Sketch | None]) -> None:
        """Documents ``changed`` (position -> new sketch) replaced; positions stay."""
        params, rows = self.params, sorted(changed)
        gone = [i for i in rows if self.sketches[i] is not None]
        live = [i for i in rows if changed[i] is not None]
        old_keys = band_keys(self.sigs[gone], params) if gone else np.zeros((0, params.bands), U64)
        new_keys = band_keys(np.stack([changed[i].signature for i in live]), params) if live else old_keys[:0]
        old_entries = [_composite(self.samples[i], i) for i in gone]
        hashes = np.unique(np.concatenate([self.samples[i] for i in gone] + [changed[i].sample for i in live]
                                          + [np.zeros(0, np.uint32)]))
        df_before = self._df(hashes)
        for i in rows:
            self.sketches[i] = changed[i]
            self.sigs[i] = changed[i].signature if changed[i] is not None else 0
            self.samples[i] = changed[i].sample if changed[i] is not None else np.zeros(0, np.uint32)
        self.touched.update(rows)
        for band in range(params.bands):
            self._replace_band(band, list(zip(old_keys[:, band].tolist(), gone)),
                               list(zip(new_keys[:, band].tolist(), live)))
        if old_entries:
            self.index = np.delete(self.index, np.searchsorted(self.index, np.concatenate(old_entries)))
        if live:
            fresh = np.sort(np.concatenate([_composite(changed[i].sample, i) for i in live]))
            self.index = np.insert(self.index, np.searchsorted(self.index, fresh), fresh)
        crossed = hashes[(df_before > params.max_df) != (self._df(hashes) > params.max_df)]
        for h in crossed.tolist():
            self.touched.update(self._holders(h).tolist())

    def _replace_band(self, band: int, old: list[tuple[int, int]], new: list[tuple[int, int]]) -> None:
        """One band's sorted (key, row) entries: ``old`` out, ``new`` in (ties in row order);
        the members of a large bucket they leave or join are touched."""
        keys, members = self.bands[band]
        for k, i in old:
            lo, hi = np.searchsorted(keys, k, "left"), np.searchsorted(keys, k, "right")
            if hi - lo > BUCKET:
                self.touched.update(members[lo:hi].tolist())
            at = lo + int(np.flatnonzero(members[lo:hi] == i)[0])
            keys, members = np.delete(keys, at), np.delete(members, at)
        for k, i in new:
            lo, hi = np.searchsorted(keys, k, "left"), np.searchsorted(keys, k, "right")
            if hi - lo + 1 > BUCKET:
                self.touched.update(members[lo:hi].tolist())
            at = lo + int(np.searchsorted(members[lo:hi], i))
            keys, members = np.insert(keys, at, k), np.insert(members, at, i)
        self.bands[band] = (keys, members)

    def _df(self, hashes: np.ndarray) -> np.ndarray:
        """How many documents hold each sampled shingle (a binary search pair apiece)."""
        first = hashes.astype(U64) << U64(32)
        return np.searchsorted(self.index, first | LOW, "right") - np.searchsorted(self.index, first, "left")

    def _holders(self, h: int) -> np.ndarray:
        first = U64(h) << U64(32)
        lo, hi = np.searchsorted(self.index, first), np.searchsorted(self.index, first | LOW, "right")
        return (self.index[lo:hi] & LOW).astype(np.int64)

    # ------------------------------------------------------------- pairs

    def pairs(self) -> list[Pair]:
        """find_pairs of the current sketches."""
        n = len(self.sketches)
        if self.last is None or len(self.touched) * 8 > n:
            self.last = self._all()
        elif self.touched:
            touched = np.zeros(n, dtype=bool)
            touched[list(self.touched)] = True
            kept = [p for p in self.last if not (touched[p.a] or touched[p.b])]
            fresh = self._around(np.flatnonzero(touched))
            self.last = sorted(kept + fresh, key=lambda p: (p.a, p.b))
        self.touched = set()
        return list(self.last)

    def _all(self) -> list[Pair]:
        live = [i for i, s in enumerate(self.sketches) if s is not None]
        la, lb = lsh_candidates(self.sigs[live], self.params)
        rows = np.array(live, dtype=np.int64)
        ca, cb, shared, self.common = containment_candidates(self.samples, self.params, self.index)
        return verify(rows[la], rows[lb], ca, cb, shared, sizes(self.samples, self.common), self.sigs,
                      self.samples, len(self.sketches), self.params)

    def _around(self, docs: np.ndarray) -> list[Pair]:
        """Every pair with a member in ``docs`` (sorted positions), as find_pairs would find it."""
        n = len(self.sketches)
        la, lb = self._band_partners(docs)
        ca, cb, shared = self._shared_with(docs, n)
        return verify(la, lb, ca, cb, shared, sizes(self.samples, self.common), self.sigs, self.samples,
                      n, self.params)

    def _band_partners(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What neardup._band_pairs pairs each of ``docs`` with: a small bucket's other members,
        a large bucket's neighbours."""
        live = docs[[self.sketches[i] is not None for i in docs.tolist()]]
        out_a, out_b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        if live.size == 0:
            return out_a[0], out_b[0]
        mine = band_keys(self.sigs[live], self.params)
        for band, (keys, members) in enumerate(self.bands):
            lo, hi = np.searchsorted(keys, mine[:, band], "left"), np.searchsorted(keys, mine[:, band], "right")
            for i, start, stop in zip(live.tolist(), lo.tolist(), hi.tolist()):
                group = members[start:stop]
                if group.size > BUCKET:
                    at = int(np.searchsorted(group, i))
                    group = group[max(at - 1, 0):at + 2]
                others = group[group != i]
                out_a.append(np.minimum(others, i))
                out_b.append(np.maximum(others, i))
        m = max(len(self.sketches), 1)
        keys = np.unique(np.concatenate(out_a) * m + np.concatenate(out_b))
        return keys // m, keys % m

    def _shared_with(self, docs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs with a member in ``docs`` sharing non-boilerplate sampled shingles, and how many;
        refreshes those documents' boilerplate counts."""
        own = [self.samples[i] for i in docs.tolist()]
        hashes = np.concatenate(own + [np.zeros(0, np.uint32)]).astype(U64)
        src = np.repeat(docs, [s.size for s in own])
        first = hashes << U64(32)
        lo = np.searchsorted(self.index, first, "left")
        df = np.searchsorted(self.index, first | LOW, "right") - lo
        big = df > self.params.max_df
        self.common[docs] = np.bincount(np.searchsorted(docs, src[big]), minlength=docs.size)
        use = (df >= 2) & ~big
        lo, df, src = lo[use], df[use], src[use]
        at = np.repeat(lo - np.cumsum(df) + df, df) + np.arange(int(df.sum()))
        other = (self.index[at] & LOW).astype(np.int64)
        src = np.repeat(src, df)
        touched = np.zeros(n, dtype=bool)
        touched[docs] = True
        # A pair of two of ``docs`` is seen from both sides: count it from its lower member only.
        one = (other != src) & (~touched[other] | (src < other))
        a, b = np.minimum(src, other)[one], np.maximum(src, other)[one]
        m = max(n, 1)
        keys, counts = np.unique(a * m + b, return_counts=True)
        return keys // m, keys % m, counts
