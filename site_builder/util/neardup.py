"""Near-duplicate texts: tokens, shingles, MinHash sketches, candidate pairs, clusters.

Generic machinery with no knowledge of Documents (stages/dedup.py applies it to
articles).  Copies of one text differ in length, punctuation width, wrapping
and chrome; detection works on what survives all of that, the sequence of words:

1. ``tokens``: NFKC, casefold, Markdown link targets dropped; every Han
   character is a token and every run of letters or digits is a word token;
   punctuation of either width, whitespace and Markdown marks are separators.
   All of it is vectorised (one numpy pass over the code points).
2. ``sketch``: the 5-token shingles (character 5-grams in Chinese, word
   5-grams in English), hashed with seeded splitmix64; from them a
   one-permutation MinHash signature (128 buckets, densified) for Jaccard;
   and of the 8-token shingles (rarer: common phrases would otherwise pair
   every document with every other) a consistent 1/16 sample, every hash
   below a fixed threshold, for containment.
3. ``find_pairs``: banded LSH over the signatures finds copies with high
   Jaccard; an inverted index of the samples finds a truncated copy inside a
   longer (say bilingual) original, where Jaccard is low but containment of
   the smaller in the larger is high.  Both cost linear time in the corpus.
4. ``components``: union-find over the pairs -> clusters; ``find_clusters``
   runs 1-4 over (id, text) pairs.

Everything is seeded, and ``find_clusters`` sorts its input: order does not matter.
"""
from __future__ import annotations

import multiprocessing
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

U64 = np.uint64
MASK = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class Params:
    """Knobs of the detection; the defaults are what benchmarks/dedup_bench.py measured."""

    shingle: int = 5            # tokens per shingle
    perms: int = 128            # MinHash buckets (a power of two)
    bands: int = 32             # LSH bands of perms/bands rows: threshold ~ (1/32)^(1/4) = 0.42
    sample_shift: int = 4       # containment sample keeps 1 hash in 2**sample_shift ...
    sample_shingle: int = 8     # ... of longer shingles: common phrases would pair everyone
    jaccard: float = 0.5        # estimated Jaccard that makes a pair copies
    containment: float = 0.4    # ... or containment of the smaller in the larger (chrome dilutes it)
    min_shared: int = 8         # sampled shingles two documents must share (about 130 tokens)
    max_df: int = 64            # sampled shingles in more documents are boilerplate
    seed: int = 0x5EED_D0C5


DEFAULT = Params()


@dataclass(frozen=True, slots=True)
class Sketch:
    """What detection keeps of one text: MinHash signature and containment sample."""

    signature: np.ndarray       # uint32[perms]: low bits of each bucket's least hash
    sample: np.ndarray          # uint32, sorted, unique
    shingles: int               # how many (not necessarily distinct) shingles


@dataclass(frozen=True, slots=True)
class Pair:
    """Two near-copies (indices into the sketches) and the evidence."""

    a: int
    b: int
    jaccard: float
    containment: float


# ---------------------------------------------------------------- hashing

def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser over a uint64 array (wrapping arithmetic)."""
    x = x + U64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> U64(27))) * U64(0x94D049BB133111EB)
    return x ^ (x >> U64(31))


@lru_cache(maxsize=32)
def _constants(seed: int, n: int) -> np.ndarray:
    """``n`` odd 64-bit multipliers derived from the seed (read-only, cached)."""
    out = mix(np.arange(n, dtype=U64) + U64(seed & MASK)) | U64(1)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, slots=True)
class _Tables:
    fold: np.ndarray        # BMP code point -> NFKC + casefold, when that is one character
    cls: np.ndarray         # BMP code point -> 0 separator, 1 one-character token, 2 word character
    slow: np.ndarray        # True where only unicodedata gets it right (expansions, combining marks)


ONE_CHAR_TOKENS = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _class(ch: str) -> int:
    cp = ord(ch)
    if unicodedata.category(ch)[0] not in "LNM":
        return 0
    return 1 if any(lo <= cp <= hi for lo, hi in ONE_CHAR_TOKENS) or 0x20000 <= cp < 0x40000 else 2


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Per-character NFKC + casefold as lookup tables: a per-text NFKC call costs 5x more.

    Characters whose folding is not one character (ligatures, "㎏"), combining
    marks and Hangul jamo (which compose with their neighbours) send the text
    to the exact unicodedata path instead.
    """
    fold = np.arange(0x10000, dtype=np.uint32)
    cls = np.zeros(0x10000, dtype=np.uint8)
    slow = np.zeros(0x10000, dtype=bool)
    for cp in range(0x10000):
        ch = chr(cp)
        low = unicodedata.normalize("NFKC", ch).casefold()
        if len(low) != 1 or unicodedata.category(ch)[0] == "M" or 0x1100 <= cp <= 0x11FF:
            slow[cp] = 0xD800 > cp or cp > 0xDFFF
            cls[cp] = 2
            continue
        fold[cp] = ord(low)
        cls[cp] = _class(low)
    return _Tables(fold, cls, slow)


_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|</?[a-z][^<>\n]{0,200}>")


def normalise(text: str) -> str:
    """NFKC, casefold, Markdown link targets and tags dropped (the rest are separators)."""
    return _strip_markup(unicodedata.normalize("NFKC", text)).casefold()


def _strip_markup(text: str) -> str:
    return _LINK_TARGET.sub(" ", text) if "](" in text or "<" in text else text


def _codepoints(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Text -> (folded code points, their classes); fast tables, exact fallback."""
    t = _tables()
    cp = np.frombuffer(_strip_markup(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bmp = np.minimum(cp, 0xFFFF)
    astral = cp.size and cp.max() > 0xFFFF
    if t.slow[bmp].any() or (astral and ((cp > 0xFFFF) & ((cp < 0x20000) | (cp >= 0x40000))).any()):
        cp = np.frombuffer(normalise(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        bmp = np.minimum(cp, 0xFFFF)
        astral = cp.size and cp.max() > 0xFFFF
    if not astral:
        return t.fold[cp], t.cls[cp]
    cls = np.where(cp > 0xFFFF, np.where((cp >= 0x20000) & (cp < 0x40000), 1, 0), t.cls[bmp])
    return np.where(cp > 0xFFFF, cp, t.fold[bmp]), cls.astype(np.uint8)


def tokens(text: str, seed: int = DEFAULT.seed) -> tuple[np.ndarray, np.ndarray]:
    """Text -> (uint64 hash per token, True where the token is one Han character)."""
    cp, cls = _codepoints(text)
    word = cls == 2
    start = (cls == 1) | (word & ~np.concatenate(([False], word[:-1])))
    idx = np.flatnonzero(cls)
    if idx.size == 0:
        return np.zeros(0, dtype=U64), np.zeros(0, dtype=bool)
    first = np.flatnonzero(start[idx])
    tok_of = np.cumsum(start[idx]) - 1
    offset = np.minimum(idx - idx[first][tok_of], 255)
    vals = (cp[idx].astype(U64) + U64(1)) * _constants(seed, 256)[offset]
    return mix(np.add.reduceat(vals, first)), cls[idx[first]] == 1


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """np.unique without its overhead (sort, then drop repeats)."""
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if x.size else x


def rolling(toks: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Token hashes -> an (unmixed) sum per run of ``k`` tokens; a short text is one run."""
    if toks.size == 0:
        return toks
    k = min(k, toks.size)
    mult = _constants(seed ^ 0xABCD, k)
    n = toks.size - k + 1
    acc = toks[:n] * mult[0]
    for j in range(1, k):
        acc = acc + toks[j:j + n] * mult[j]
    return acc


def shingles(toks: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Token hashes -> sorted unique hashes of every run of ``k`` tokens."""
    return sorted_unique(mix(rolling(toks, k, seed)))


def longer(acc: np.ndarray, extra: int) -> np.ndarray:
    """Sums of k-token runs -> hashes of (k + extra)-token runs: two k-runs ``extra`` apart."""
    if extra <= 0 or acc.size <= extra:
        return mix(acc ^ U64(0x5A5A5A5A5A5A5A5A))
    return mix(acc[:-extra] * U64(0x9FB21C651E98DF25) + acc[extra:])


def signature(hashes: np.ndarray, perms: int) -> np.ndarray:
    """One-permutation MinHash: the least hash in each of ``perms`` ranges, densified.

    Ranges are the top bits of the hash, so one ``minimum.at`` pass (no
    sort) finds every slot.  An empty range borrows its next non-empty
    neighbour's value (rotation, Shrivastava & Li 2014), offset by the
    distance so that equal slots still mean an equal shingle.
    """
    shift = U64(64 - perms.bit_length() + 1)
    sig = np.full(perms, MASK, dtype=U64)
    np.minimum.at(sig, (hashes >> shift).astype(np.intp), hashes)
    have = np.flatnonzero(sig != U64(MASK))
    slot = np.arange(perms)
    nxt = have[np.searchsorted(have, slot) % have.size]
    dist = ((nxt - slot) % perms).astype(U64)
    return np.where(nxt == slot, sig, mix(sig[nxt] + dist)).astype(np.uint32)


def sketch(text: str, params: Params = DEFAULT) -> Sketch | None:
    """Text -> Sketch, or None when it has no words at all."""
    toks, _ = tokens(text, params.seed)
    if toks.size == 0:
        return None
    acc = rolling(toks, params.shingle, params.seed)
    long = longer(acc, params.sample_shingle - params.shingle)
    sample = sorted_unique(long[long < U64(1 << (64 - params.sample_shift))].astype(np.uint32))
    return Sketch(signature(mix(acc), params.perms), sample, int(acc.size))


# ---------------------------------------------------------------- candidate pairs

def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys -> (start, size) of each run of equal keys."""
    if keys.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    edge = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1], [True])))
    return edge[:-1], np.diff(edge)


def _not_alone(keys: np.ndarray) -> np.ndarray:
    """Positions in sorted ``keys`` whose key a neighbour shares: most keys are alone,
    and dropping them first keeps the memory of what follows small."""
    same = keys[1:] == keys[:-1]
    mask = np.zeros(keys.size, dtype=bool)
    mask[1:] |= same
    mask[:-1] |= same
    return np.flatnonzero(mask)


def _expand(starts: np.ndarray, sizes: np.ndarray, members: np.ndarray,
            max_size: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every pair inside each group of 2..max_size, size class by size class (no loop over groups)."""
    out_a, out_b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_size)]).tolist():
        first = starts[sizes == size]
        ia, ib = _triu(size)
        out_a.append(members[(first[:, None] + ia).ravel()])
        out_b.append(members[(first[:, None] + ib).ravel()])
    return out_a, out_b


@lru_cache(maxsize=512)
def _triu(size: int) -> tuple[np.ndarray, np.ndarray]:
    ia, ib = np.triu_indices(size, 1)
    ia.setflags(write=False)
    ib.setflags(write=False)
    return ia, ib


def group_pairs(keys: np.ndarray, members: np.ndarray, max_size: int,
                chain_large: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (low, high) of ``members`` that share a key in sorted ``keys``.

    Keys held by more than ``max_size`` members are skipped (boilerplate), or
    with ``chain_large`` linked neighbour to neighbour.
    """
    idx = _not_alone(keys)
    keys, members = keys[idx], members[idx].astype(np.int64)
    starts, sizes = _groups(keys)
    out_a, out_b = _expand(starts, sizes, members, max_size)
    if chain_large and (sizes > max_size).any():
        big = np.concatenate([np.arange(s, s + n - 1) for s, n in zip(starts, sizes) if n > max_size])
        out_a.append(members[big])
        out_b.append(members[big + 1])
    a, b = np.concatenate(out_a), np.concatenate(out_b)
    return np.minimum(a, b), np.maximum(a, b)


def _unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys, counts = np.unique(a * n + b, return_counts=True)
    return keys // n, keys % n, counts


def band_keys(sigs: np.ndarray, params: Params) -> np.ndarray:
    """Signatures (n x perms) -> one key per band (n x bands)."""
    rows = params.perms // params.bands
    mult = _constants(params.seed ^ 0xBA4D, rows)
    cols = sigs.astype(U64).reshape(sigs.shape[0], params.bands, rows)
    return mix((cols * mult).sum(axis=2, dtype=U64) + np.arange(params.bands, dtype=U64))


def lsh_candidates(sigs: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Pairs whose signatures agree on every row of at least one band."""
    keys = band_keys(sigs, params)
    bands = []
    for band in range(params.bands):
        order = np.argsort(keys[:, band], kind="stable")
        bands.append((keys[order, band], order.astype(np.int64)))
    return _band_pairs(bands, len(sigs))


def _band_pairs(bands: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per band (sorted keys, their rows) -> the candidate pairs, unique."""
    out_a, out_b = [], []
    for keys, members in bands:
        a, b = group_pairs(keys, members, 32, chain_large=True)
        out_a.append(a)
        out_b.append(b)
    a, b, _ = _unique_pairs(np.concatenate(out_a), np.concatenate(out_b), max(n, 1))
    return a, b


def _index(samples: Sequence[np.ndarray | None]) -> np.ndarray:
    """Samples -> every sampled shingle as one sorted uint64 (hash << 32 | document).

    At 100,000 documents this is the largest array of the run.
    """
    keys = np.empty(sum(s.size for s in samples if s is not None), dtype=U64)
    at = 0
    for doc, sample in enumerate(samples):
        if sample is None:
            continue
        part = keys[at:at + sample.size]
        part[:] = sample
        part <<= U64(32)
        part |= U64(doc)
        at += sample.size
    keys.sort()
    return keys


def _composite(sample: np.ndarray, doc: int) -> np.ndarray:
    """One document's entries of the containment index (hash << 32 | document), sorted."""
    return (sample.astype(U64) << U64(32)) | U64(doc)


def _halves(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hash, document) of the sorted index, as views of its halves."""
    halves = keys.view(np.uint32).reshape(-1, 2)
    lo, hi = (0, 1) if np.little_endian else (1, 0)
    return halves[:, hi], halves[:, lo]


def containment_candidates(samples: Sequence[np.ndarray], params: Params,
                           index: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Pairs sharing a sampled shingle: (a, b, how many they share, boilerplate shingles per doc).

    A sampled shingle held by more than ``max_df`` documents is boilerplate
    (a footer, a share bar): it makes no pair and does not count in a
    document's size either.
    """
    n = len(samples)
    hashes, docs = _halves(_index(samples) if index is None else index)
    idx = _not_alone(hashes)
    hashes, members = hashes[idx], docs[idx].astype(np.int64)
    del docs, idx
    starts, sizes = _groups(hashes)
    out_a, out_b = _expand(starts, sizes, members, params.max_df)
    a, b, shared = _unique_pairs(np.concatenate(out_a), np.concatenate(out_b), max(n, 1))
    common = np.bincount(members[np.repeat(sizes > params.max_df, sizes)], minlength=n)
    return a, b, shared, common


def find_pairs(sketches: Sequence[Sketch | None], params: Params = DEFAULT) -> list[Pair]:
    """Sketches -> verified near-copy pairs (i < j), sorted."""
    n = len(sketches)
    sigs = signatures(sketches, params)
    live = [i for i, s in enumerate(sketches) if s is not None]
    la, lb = lsh_candidates(sigs[live], params)
    rows = np.array(live, dtype=np.int64)
    la, lb = rows[la], rows[lb]                # candidate rows back to positions (ordered: rows ascend)
    samples = [s.sample if s is not None else np.zeros(0, np.uint32) for s in sketches]
    ca, cb, shared, common = containment_candidates(samples, params)
    return verify(la, lb, ca, cb, shared, sizes(samples, common), sigs, samples, n, params)


def signatures(sketches: Sequence[Sketch | None], params: Params) -> np.ndarray:
    """The MinHash signatures as one (n x perms) array; a document without words is zeros."""
    sigs = np.zeros((len(sketches), params.perms), dtype=np.uint32)
    live = [i for i, s in enumerate(sketches) if s is not None]
    if live:
        sigs[live] = np.stack([sketches[i].signature for i in live])
    return sigs


def sizes(samples: Sequence[np.ndarray], common: np.ndarray) -> np.ndarray:
    """Each document's sampled shingles less its boilerplate ones (at least 1): containment's divisor."""
    return np.maximum(np.array([s.size for s in samples], dtype=np.int64) - common, 1)


def verify(la: np.ndarray, lb: np.ndarray, ca: np.ndarray, cb: np.ndarray, shared: np.ndarray,
           size: np.ndarray, sigs: np.ndarray, samples: Sequence[np.ndarray], n: int,
           params: Params) -> list[Pair]:
    """Candidates from LSH (la, lb) and from the containment index (ca, cb, shared) -> Pairs, sorted.

    Every candidate is screened at once; only the pairs that pass reach Python."""
    m = max(n, 1)
    keep_c = shared >= params.min_shared
    ca, cb, shared = ca[keep_c], cb[keep_c], shared[keep_c]
    keys, inverse = np.unique(np.concatenate([la * m + lb, ca * m + cb]), return_inverse=True)
    a, b = keys // m, keys % m
    found = np.zeros(keys.size, dtype=bool)
    found[inverse[la.size:]] = True                     # the containment index counted these
    shared_all = np.zeros(keys.size, dtype=np.int64)
    shared_all[inverse[la.size:]] = shared
    small = np.minimum(size[a], size[b])
    cont = np.minimum(1.0, shared_all / small)
    jac = (sigs[a] == sigs[b]).mean(axis=1) if keys.size else np.zeros(0)
    keep = np.flatnonzero((jac >= params.jaccard) | (cont >= params.containment))
    pairs = []
    for i, j, jv, cv, known, lo in zip(a[keep].tolist(), b[keep].tolist(), jac[keep].tolist(),
                                       cont[keep].tolist(), found[keep].tolist(), small[keep].tolist()):
        if not known:                  # found by LSH alone: measure containment for the report
            cv = min(1.0, np.intersect1d(samples[i], samples[j]).size / lo)
        pairs.append(Pair(i, j, round(jv, 3), round(cv, 3)))
    return pairs


def components(n: int, pairs: Iterable[Pair]) -> list[list[int]]:
    """Union-find over ``n`` items -> clusters of two or more, each sorted, sorted by first member.

    Only items in a pair can be in a cluster, so only they are visited."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ra, rb = root(p.a), root(p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in sorted(parent):
        groups.setdefault(root(i), []).append(i)
    return sorted(g for g in groups.values() if len(g) > 1)


def _sketch_item(args: tuple[str, Params]) -> Sketch | None:
    return sketch(*args)


def sketch_all(texts: Iterable[str], params: Params = DEFAULT, jobs: int = 1) -> list[Sketch | None]:
    """Sketch every text, over ``jobs`` worker processes when there are many."""
    work = ((t, params) for t in texts)
    _tables()                                   # built once, inherited by forked workers
    if jobs <= 1:
        return [_sketch_item(w) for w in work]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return list(pool.imap(_sketch_item, work, chunksize=64))


def find_clusters(items: Iterable[tuple[str, str]], params: Params = DEFAULT,
                  jobs: int = 1) -> list[list[str]]:
    """(id, text) pairs -> clusters of near-copy ids (each sorted; ids compared as given)."""
    ordered = sorted(items)
    ids = [i for i, _ in ordered]
    sketches = sketch_all((t for _, t in ordered), params, jobs)
    return [[ids[i] for i in c] for c in components(len(ids), find_pairs(sketches, params))]
