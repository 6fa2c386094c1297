"""Full-text search index written at build time, loaded as classic scripts.

Why our own index: Pagefind segments Chinese well but fetches its index with
``fetch``, which browsers refuse from file:// (its issue #202).  Everything here
is written as ``<script src>`` files that assign into ``window.__SB_SEARCH__``,
so the search page works from a disk, a USB stick or a host alike, under a CSP
of ``script-src 'self'`` (no fetch, no eval, no inline script).

What is written (paths relative to the site root):

- ``search/index.js``: format version, shard count, and per article
  ``[url, title, lang, date, site, length]``;
- ``search/t/<k>.js``: the postings of the tokens whose FNV-1a hash falls in
  shard ``k``: ``{token: "<doc gaps and term frequencies, base-32 varints>"}``;
- ``search/d/<i>.js``: article ``i``'s plain text, for snippets with the hit.

Tokens (static/search.js tokenises queries the same way):
Chinese, Japanese and Korean runs give every character (for one-character
queries) and every pair of neighbours (bigrams: a query's consecutive
bigrams, all required, act as a phrase); other letters and digits give words,
NFKC-normalised, lower-cased, with a light plural stem.  The bulk of the work
is vectorised with numpy over code points, batch by batch, so 10,000 articles
index in a few seconds (benchmarks/search_bench.py).
"""
from __future__ import annotations

import bisect
import itertools
import json
import math
import multiprocessing
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress
from operator import eq, is_not
from typing import Iterable, Iterator

import numpy as np

FORMAT_VERSION = 1
GLOBAL = "__SB_SEARCH__"                # window.__SB_SEARCH__[part] = data
OUT_DIR = "search/"
SHARD_BYTES = 100_000                   # aim for shard files about this size
BATCH_CHARS = 2_000_000                 # code points tokenised in one numpy pass
TF_MAX = 127                            # BM25 saturates long before; 7 bits in the sort key

# Scripts written without spaces between words: indexed by characters and bigrams.
# static/search.js holds the same list (tests/test_search.py checks they agree).
CJK_RANGES = (
    (0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x3134F),
)
# Base-32 varints, most significant digit first: "more digits follow" digits,
# then final digits.  All are safe inside a JSON string and in HTML.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
MORE, LAST = ALPHABET[:32], ALPHABET[32:]
FOLD = str.maketrans({"ß": "ss", "ς": "σ"})      # toLowerCase() keeps these; casefold would not
JS_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))

OTHER, WORD, CJK = 0, 1, 2                          # code point classes (low two bits)...
NEEDS_NFKC, MARK = 4, 8                             # ...and flags
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
CP_BITS, DOC_BITS, TF_BITS = 18, 20, 7              # bigram = cp1 << 18 | cp2 (CJK code points < 2**18)
WORD_BASE = 1 << 36                                 # word keys above every CJK key
# Where Unicode assigns characters other than private use (up to CJK extension H, then the
# tags and variation selectors of plane 14); class_table() leaves the rest OTHER.
SCANNED = ((0, 0x32400), (0xE0000, 0xE0200))


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """One article as the search page needs it: where it is, what it says."""

    url: str            # relative to the site root, e.g. "my-slug/index.html"
    title: str
    text: str
    lang: str = ""
    date: str = ""
    site: str = ""


# ------------------------------------------------------------------ tokens (reference)

def normalize(text: str) -> str:
    """The canonical form both sides tokenise: no format controls, NFKC, lower case, no
    nonspacing marks left over (the dot of a lower-cased İ, stray accents), ß/ς folded."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text)).lower()
    return _patterns().marks.sub("", text).translate(FOLD)


def stem(word: str) -> str:
    """A light English plural stem, the same in static/search.js: models -> model, studies -> study."""
    if not word.isascii() or not word.isalpha():
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Index tokens of ``text`` in order (reference implementation, for tests and small inputs)."""
    out: list[str] = []
    for run, word in _patterns().runs.findall(normalize(text)):
        if run:
            out.extend(run)
            out.extend(a + b for a, b in zip(run, run[1:]))
        else:
            out.append(stem(word))
    return out


def query_tokens(query: str) -> list[str]:
    """What a query looks up: bigrams of a CJK run (its character if alone), stemmed words."""
    out: list[str] = []
    for run, word in _patterns().runs.findall(normalize(query)):
        grams = ([a + b for a, b in zip(run, run[1:])] or [run]) if run else [stem(word)]
        for gram in grams:
            if gram not in out:
                out.append(gram)
    return out


def fnv1a(token: str) -> int:
    """32-bit FNV-1a over code points: which shard holds a token (same in search.js)."""
    h = 0x811C9DC5
    for ch in token:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


# ------------------------------------------------------------------ tokens (vectorised)

@cache
def class_table() -> np.ndarray:
    """uint8 class of every code point: OTHER, WORD (letters, digits, spacing marks) or CJK;
    flags MARK (nonspacing marks) and NEEDS_NFKC (what NFKC turns into letters or digits:
    full-width forms, ligatures...; marks; format controls): a text holding a flagged
    character takes the exact normalize() instead of lower()."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in SCANNED:
        _classify(table, lo, hi)
    table[0x1160:0x1200] |= NEEDS_NFKC                          # Hangul jamo that NFKC composes
    return table


def _classify(table: np.ndarray, lo: int, hi: int) -> None:
    """Fill table[lo:hi] from unicodedata (about a tenth of a second for the BMP)."""
    every = "".join(map(chr, range(lo, hi)))
    categories = "".join(map(unicodedata.category, every))        # two letters per code point
    for m in re.finditer(r"[^\W_]+", every):
        table[lo + m.start():lo + m.end()] = WORD
    table[[lo + m.start() // 2 for m in re.finditer("Mc", categories)]] = WORD
    for a, b in CJK_RANGES:
        table[max(a, lo):min(b + 1, hi)] = CJK
    table[[lo + m.start() // 2 for m in re.finditer("Mn", categories)]] |= MARK | NEEDS_NFKC   # kana marks too
    for block in range(0, hi - lo, 256):
        chunk = every[block:block + 256]
        if not unicodedata.is_normalized("NFKC", chunk):
            _flag_block(table, chunk, lo + block)
    table[[lo + m.start() for m in INVISIBLE.finditer(every)]] |= NEEDS_NFKC


def _flag_block(table: np.ndarray, chunk: str, start: int) -> None:
    for k, ch in enumerate(chunk):
        norm = unicodedata.normalize("NFKC", ch)
        if norm != ch and re.search(r"[^\W_]", norm):
            table[start + k] |= NEEDS_NFKC


@dataclass(frozen=True)
class _Patterns:
    marks: re.Pattern          # nonspacing marks
    runs: re.Pattern           # (CJK run) | (word run)


@cache
def _patterns() -> _Patterns:
    """The reference tokenizer's regular expressions, built from class_table()."""
    table = class_table()
    marks = _char_class((table & MARK) > 0)
    cjk, word = _char_class((table & 3) == CJK), _char_class((table & 3) == WORD)
    return _Patterns(re.compile(f"[{marks}]"), re.compile(f"([{cjk}]+)|([{word}]+)"))


def _char_class(mask: np.ndarray) -> str:
    """A regex character class body for the code points where mask is true."""
    edges = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in zip(starts.tolist(), ends.tolist()))


class _HashTable:
    """uint64 -> int64 map with vectorised get and put (open addressing, linear probing).

    numpy has no hash map, and a binary search per word occurrence costs more
    than the rest of the word path; a lookup here is two gathers.
    """

    MIX = np.uint64(0xBF58476D1CE4E5B9)

    def __init__(self, bits: int = 16) -> None:
        self.bits, self.count = bits, 0
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.values = np.full(1 << bits, -1, dtype=np.int64)

    def _slots(self, keys: np.ndarray, probe: int) -> np.ndarray:
        home = (keys * self.MIX) >> np.uint64(64 - self.bits)
        return ((home + np.uint64(probe)) & np.uint64((1 << self.bits) - 1)).astype(np.intp)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where absent."""
        out = np.full(keys.size, -1, dtype=np.int64)
        todo, probe = np.arange(keys.size), 0
        while todo.size:
            slots = self._slots(keys[todo], probe)
            held = self.values[slots]
            match = (held >= 0) & (self.keys[slots] == keys[todo])
            out[todo[match]] = held[match]
            todo, probe = todo[(held >= 0) & ~match], probe + 1
        return out

    def put(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Insert keys that are distinct and absent."""
        if 2 * (self.count + keys.size) > self.keys.size:
            old = self.values >= 0
            keys, values = np.r_[self.keys[old], keys], np.r_[self.values[old], values]
            self.__init__(max(self.bits + 1, (4 * keys.size).bit_length()))
        todo, probe = np.arange(keys.size), 0
        while todo.size:
            slots = self._slots(keys[todo], probe)
            free = np.flatnonzero(self.values[slots] < 0)
            _, first = np.unique(slots[free], return_index=True)
            placed = free[first]
            self.keys[slots[placed]], self.values[slots[placed]] = keys[todo[placed]], values[todo[placed]]
            self.count += placed.size
            todo, probe = np.delete(todo, placed), probe + 1


class _Words:
    """Word spelling -> dense id of its normalised, stemmed form.

    Spellings are recognised by a 64-bit polynomial hash of their code points,
    computed for a whole batch at once; only spellings never seen before are
    cut out of the text as Python strings.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []                      # by id
        self.hashes: list[int] = []                     # fnv1a of each name, for shards
        self.spellings = _HashTable()

    def lookup(self, text: str, cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        spelled = _rolling_hash(cp, starts, ends)
        ids = self.spellings.get(spelled)
        new = ids < 0
        if new.any():
            _, first = np.unique(spelled[new], return_index=True)
            where = np.flatnonzero(new)[first]
            added = [self._id(text[a:b]) for a, b in zip(starts[where].tolist(), ends[where].tolist())]
            self.spellings.put(spelled[where], np.array(added, dtype=np.int64))
            ids = self.spellings.get(spelled)
        return ids

    def _id(self, word: str) -> int:
        key = stem(word.translate(FOLD))
        if key not in self.ids:
            self.ids[key] = len(self.names)
            self.names.append(key)
            self.hashes.append(fnv1a(key))
        return self.ids[key]


HASH_BASE = 0x9E3779B97F4A7C15                   # odd, so invertible modulo 2**64
HASH_INVERSE = pow(HASH_BASE, -1, 1 << 64)


@lru_cache(maxsize=4)
def _powers(base: int, size: int) -> np.ndarray:
    """base**i mod 2**64 for i < size (uint64 products wrap), by doubling."""
    out = np.ones(size, dtype=np.uint64)
    out[1:2] = base
    done = 2
    while done < size:
        step = pow(base, done, 1 << 64)
        n = min(done, size - done)
        np.multiply(out[:n], np.uint64(step), out=out[done:done + n])
        done += n
    return out


def _rolling_hash(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum(cp[j] * BASE**(j - start)) mod 2**64 for each span, from prefix sums.

    Two spellings with one hash would share a word id; among a million distinct
    spellings the odds are about 1 in 40 million."""
    size = 1 << max(20, cp.size.bit_length())           # few distinct sizes: cached
    prefix = np.zeros(cp.size + 1, dtype=np.uint64)
    np.cumsum(cp * _powers(HASH_BASE, size)[:cp.size], out=prefix[1:])
    return (prefix[ends] - prefix[starts]) * _powers(HASH_INVERSE, size)[starts]


def _batch_text(batch: list[SearchEntry], table: np.ndarray) -> tuple[str, np.ndarray, np.ndarray, list[int]]:
    """A batch as one lower-cased string, its code points, their classes and each article's length.

    Articles holding a character that NFKC would change into letters (full-width
    forms, ligatures, compatibility ideographs...) take the exact normalize().
    """
    texts = [f"{e.title}\n{e.text}".lower() for e in batch]
    big, cp, flags = _joined(texts, table)
    flagged = np.flatnonzero(flags & NEEDS_NFKC)
    if flagged.size:
        ends = np.cumsum([len(t) + 1 for t in texts])
        slow = set(np.searchsorted(ends, flagged, side="right").tolist())
        texts = [normalize(f"{e.title}\n{e.text}") if i in slow else t for i, (e, t) in enumerate(zip(batch, texts))]
        big, cp, flags = _joined(texts, table)
    return big, cp, flags & 3, [len(t) for t in texts]


def _joined(texts: list[str], table: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """The texts joined by newlines, its code points (a lone surrogate reads as "?") and their classes."""
    big = "\n".join(texts)
    cp = np.frombuffer(big.encode("utf-32-le", "replace"), dtype=np.uint32)
    return big, cp, table[cp]


def _batch_keys(big: str, cp: np.ndarray, cls: np.ndarray, lengths: list[int], first: int,
                words: _Words) -> tuple[np.ndarray, np.ndarray]:
    """(``key << 27 | doc << 7 | tf`` for each token of each article of a batch, token count per article)."""
    doc = np.repeat(np.arange(len(lengths), dtype=np.int64), np.add(lengths, 1))[:cp.size]
    is_cjk = cls == CJK
    both = is_cjk[:-1] & is_cjk[1:]
    bigrams = cp[:-1][both].astype(np.uint64) << np.uint64(CP_BITS) | cp[1:][both]
    wids, wdocs = _word_ids(big, cp, cls, doc, words)
    dl = np.bincount(doc[is_cjk], minlength=len(lengths)) + np.bincount(wdocs, minlength=len(lengths))
    wkeys, wdocs, wtfs = _count_dense(wids, wdocs, len(lengths), len(words.names))
    counted = [_count_dense(cp[is_cjk], doc[is_cjk], len(lengths), 1 << CP_BITS),
               _count_pairs(bigrams, doc[:-1][both]), (wkeys + np.uint64(WORD_BASE), wdocs, wtfs)]
    keys, docs, tfs = (np.concatenate(parts) for parts in zip(*counted))
    docs = (docs + first).astype(np.uint64)
    tfs = np.minimum(tfs, TF_MAX).astype(np.uint64)
    return keys << KEY_SHIFT | docs << np.uint64(TF_BITS) | tfs, dl


def _count_dense(values: np.ndarray, docs: np.ndarray, n_docs: int, universe: int) -> tuple[np.ndarray, ...]:
    """(value, article, count) for each distinct (value, article), values < universe.

    Counted with bincount over batch-local ids instead of a sort: CJK characters
    and words are more than half of all tokens, and sorting is the costly step.
    """
    if not values.size:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    present = np.zeros(universe, dtype=bool)
    present[values] = True
    codes = np.flatnonzero(present)
    if n_docs * codes.size > 4 * values.size:           # a sparse table costs more than a sort
        return _count_pairs(values.astype(np.uint64), docs)
    local = (np.cumsum(present) - 1)[values]
    counts = np.bincount(docs * codes.size + local, minlength=n_docs * codes.size)
    cells = np.flatnonzero(counts)
    return codes[cells % codes.size].astype(np.uint64), cells // codes.size, counts[cells]


def _count_pairs(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key, article, count) of each distinct (key, article), by sorting."""
    pairs = keys << np.uint64(DOC_BITS) | docs.astype(np.uint64)
    pairs.sort()
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]]) if pairs.size else np.zeros(0, np.intp)
    unique = pairs[starts]
    return unique >> np.uint64(DOC_BITS), (unique & np.uint64((1 << DOC_BITS) - 1)).astype(np.int64), \
        np.diff(np.r_[starts, pairs.size])


def _word_ids(big: str, cp: np.ndarray, cls: np.ndarray, doc: np.ndarray,
              words: _Words) -> tuple[np.ndarray, np.ndarray]:
    """Runs of letters and digits as (word id, article) per occurrence."""
    edges = np.diff((cls == WORD).astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return words.lookup(big, cp, starts, ends), doc[starts]


# ------------------------------------------------------------------ postings

KEY_SHIFT = np.uint64(DOC_BITS + TF_BITS)
CHUNK = 1 << 21                          # postings encoded at a time (bounds peak memory)


def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Base-32 varints of values < 2**20 as ASCII bytes, and each value's end offset."""
    ndig = 1 + (values >= 32).astype(np.uint8) + (values >= 1 << 10) + (values >= 1 << 15)
    ends = np.cumsum(ndig, dtype=np.int64)
    out = np.empty(int(ends[-1]) if ends.size else 0, dtype=np.uint8)
    more, last = np.frombuffer(MORE.encode(), np.uint8), np.frombuffer(LAST.encode(), np.uint8)
    out[ends - 1] = last[values & 31]
    for k in (1, 2, 3):
        sel = ndig > k
        out[ends[sel] - 1 - k] = more[(values[sel] >> (5 * k)) & 31]
    return out, ends


def _chunks(packed: np.ndarray) -> Iterator[np.ndarray]:
    """Slices of the sorted postings of about CHUNK entries, never splitting a token."""
    start = 0
    while start < packed.size:
        end = min(packed.size, start + CHUNK)
        if end < packed.size:
            key = packed[end] >> KEY_SHIFT
            cut = int(np.searchsorted(packed, key << KEY_SHIFT))
            end = cut if cut > start else int(np.searchsorted(packed, (key + np.uint64(1)) << KEY_SHIFT))
        yield packed[start:end]
        start = end


def _encode(chunk: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Sorted ``key|doc|tf`` words -> (token keys, their encoded postings, their last article).

    Each posting is two varints: the gap to the token's previous document minus
    one (from document -1), and tf - 1.
    """
    keys = chunk >> KEY_SHIFT
    docs = (chunk >> np.uint64(TF_BITS) & np.uint64((1 << DOC_BITS) - 1)).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    gaps = np.diff(docs, prepend=-1) - 1
    gaps[starts] = docs[starts]
    values = np.empty(docs.size * 2, dtype=np.uint32)
    values[0::2], values[1::2] = gaps, (chunk & np.uint64(TF_MAX)) - np.uint64(1)
    blob, ends = _varints(values)
    text = blob.tobytes().decode("ascii")
    bounds = np.r_[0, ends[2 * starts[1:] - 1], len(text)].tolist()
    lasts = docs[np.r_[starts[1:], docs.size] - 1]
    return keys[starts], list(map(text.__getitem__, map(slice, bounds[:-1], bounds[1:]))), lasts


def _fnv_keys(keys: np.ndarray, word_hashes: list[int]) -> np.ndarray:
    """fnv1a of the tokens of these keys, vectorised (words were hashed once in _Words)."""
    is_word = keys >= np.uint64(WORD_BASE)
    hashes = np.empty(keys.size, dtype=np.uint64)
    hashes[is_word] = np.array(word_hashes, dtype=np.uint64)[(keys[is_word] - np.uint64(WORD_BASE)).astype(np.intp)]
    cjk = keys[~is_word]
    high, low = cjk >> np.uint64(CP_BITS), cjk & np.uint64((1 << CP_BITS) - 1)
    one = _fnv_step(np.full(cjk.size, 0x811C9DC5, dtype=np.uint64), np.where(high > 0, high, low))
    hashes[~is_word] = np.where(high > 0, _fnv_step(one, low), one)
    return hashes


def _fnv_step(h: np.ndarray, cp: np.ndarray) -> np.ndarray:
    return ((h ^ cp) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)


def _token(key: int, names: list[str]) -> str:
    if key >= WORD_BASE:
        return names[key - WORD_BASE]
    if key >> CP_BITS:
        return chr(key >> CP_BITS) + chr(key & ((1 << CP_BITS) - 1))
    return chr(key)


# ------------------------------------------------------------------ files

def js_part(name: str, value: object) -> bytes:
    """A classic script that stores ``value`` as ``window.__SB_SEARCH__[name]``.

    JSON with sorted keys (deterministic bytes); ``<``, ``>``, ``&``, U+2028 and
    U+2029 escaped so no title can close a script or break old parsers (XSS-4).
    """
    return _script(name, json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _script(name: str, json_text: str) -> bytes:
    for ch, esc in JS_ESCAPES:
        if ch in json_text:
            json_text = json_text.replace(ch, esc)
    return f"(window.{GLOBAL}=window.{GLOBAL}||{{}})[{json.dumps(name)}]={json_text};\n".encode("utf-8")


def _shard_script(name: str, pairs: list[tuple[str, str]]) -> bytes:
    """A shard as js_part would write it, built directly: tokens are letters, digits or
    CJK characters and postings use ALPHABET, so nothing inside needs JSON escaping."""
    body = ",".join([f'"{tok}":"{codes}"' for tok, codes in sorted(pairs)])
    return _script(name, "{" + body + "}")


def shard_count(total_bytes: int, target: int = SHARD_BYTES) -> int:
    """A power of two that keeps shards near ``target`` bytes (1 for a small site)."""
    return min(4096, 1 << max(0, math.ceil(math.log2(max(1, total_bytes / target)))))


def _batches(entries: list[SearchEntry]) -> Iterator[list[SearchEntry]]:
    batch: list[SearchEntry] = []
    size = 0
    for e in entries:
        batch.append(e)
        size += len(e.text) + len(e.title)
        if size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _sorted_postings(docs: list[SearchEntry], first: int, words: _Words) -> tuple[np.ndarray, list[int]]:
    """Every (token, article, tf) as one sorted uint64 array, and each article's length in tokens."""
    table = class_table()
    packed, lengths = [], []
    for batch in _batches(docs):
        big, cp, cls, sizes = _batch_text(batch, table)
        keys, dl = _batch_keys(big, cp, cls, sizes, first + len(lengths), words)
        packed.append(keys)
        lengths.extend(dl.tolist())
    allkeys = np.concatenate(packed) if packed else np.zeros(0, np.uint64)
    del packed
    allkeys.sort(kind="stable")         # timsort merges the batches' sorted runs
    return allkeys, lengths


@dataclass(frozen=True)
class _Part:
    """A slice of the articles indexed on its own: token -> (postings, last article, fnv1a)."""

    tokens: dict[str, tuple[str, int, int]]
    lengths: list[int]


def _index_part(docs: list[SearchEntry], first: int) -> _Part:
    """Index articles ``first``, ``first + 1``... (run in a worker process when jobs > 1)."""
    words = _Words()
    packed, lengths = _sorted_postings(docs, first, words)
    tokens: dict[str, tuple[str, int, int]] = {}
    for chunk in _chunks(packed):
        keys, codes, lasts = _encode(chunk)
        hashes = _fnv_keys(keys, words.hashes).tolist()
        for key, code, last, h in zip(keys.tolist(), codes, lasts.tolist(), hashes):
            tokens[_token(key, words.names)] = (code, last, h)
    return _Part(tokens, lengths)


def _merge(parts: list[_Part]) -> dict[str, tuple[str, int]]:
    """token -> (postings of all parts joined, fnv1a); a later part's first gap is re-counted."""
    merged: dict[str, tuple[str, int, int]] = dict(parts[0].tokens) if parts else {}
    for part in parts[1:]:
        for tok, (codes, last, h) in part.tokens.items():
            before = merged.get(tok)
            merged[tok] = (before[0] + _rebase(codes, before[1]), last, h) if before else (codes, last, h)
    return {tok: (codes, h) for tok, (codes, _, h) in merged.items()}


def _rebase(codes: str, previous: int) -> str:
    """Postings whose first gap counts from article -1, re-counted from article ``previous``."""
    n = k = 0
    while True:
        digit = ALPHABET.index(codes[k])
        n, k = n * 32 + (digit & 31), k + 1
        if digit >= 32:
            return _varint(n - previous - 1) + codes[k:]


def _varint(n: int) -> str:
    digits = [LAST[n & 31]]
    while n >= 32:
        n >>= 5
        digits.append(MORE[n & 31])
    return "".join(reversed(digits))


def _spans(docs: list[SearchEntry], jobs: int) -> list[tuple[int, int]]:
    """``jobs`` runs of consecutive articles of about equal text size."""
    sizes = list(itertools.accumulate(len(e.text) + len(e.title) for e in docs))
    total = sizes[-1] if sizes else 0
    cuts = [0] + [min(len(docs), bisect.bisect_left(sizes, total * k / jobs) + 1) for k in range(1, jobs)]
    cuts.append(len(docs))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a] or [(0, 0)]


def _index_parts(docs: list[SearchEntry], jobs: int) -> list[_Part]:
    """Index slices of the articles in forked workers and here; a worker that dies is redone here."""
    spans = _spans(docs, jobs if len(docs) >= 2 * jobs else 1)
    children = [_fork(_index_part, docs[a:b], a) for a, b in spans[:-1]]
    mine = _index_part(docs[spans[-1][0]:spans[-1][1]], spans[-1][0])
    return [_collect(child, docs[a:b], a) for child, (a, b) in zip(children, spans)] + [mine]


def _fork(fn, *args):
    """Start fn(*args) in a forked process (arguments are inherited, not pickled)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args))
    proc.start()
    send.close()
    return proc, receive


def _child(conn, fn, args) -> None:
    conn.send(fn(*args))
    conn.close()


def _collect(child, docs: list[SearchEntry], first: int) -> _Part:
    proc, conn = child
    try:
        part = conn.recv()
    except (EOFError, OSError):                     # killed (out of memory?): do it here
        part = _index_part(docs, first)
    proc.join()
    conn.close()
    return part


def build_index(entries: Iterable[SearchEntry], shard_bytes: int = SHARD_BYTES, jobs: int = 1) -> dict[str, bytes]:
    """Search files by path relative to the site root: index, token shards, article texts.

    Articles are numbered in URL order, so the bytes depend only on the entries,
    not on the order they come in nor on ``jobs`` (processes to index with).
    More than 2**20 articles is out of range: the rest are left out of the index.
    """
    return LiveIndex(shard_bytes, jobs).files(entries)


class LiveIndex:
    """build_index, kept up to date for the preview: the same bytes for less work.

    After an edit only the edited articles are tokenised again (old and new
    text), only the tokens whose postings changed are re-encoded, and only
    the shards holding them, the articles' texts and ``index.js`` are written
    again.  Added, removed or renamed articles, many edits at once, or a
    shard count that moves, index everything again.
    """

    MAX_CHANGED = 64

    def __init__(self, shard_bytes: int = SHARD_BYTES, jobs: int = 1) -> None:
        self.shard_bytes, self.jobs = shard_bytes, jobs
        self.docs: list[SearchEntry] = []
        self.lengths: list[int] = []
        self.shards: list[dict[str, str]] = []
        self.total = 0                       # shard_count's measure of the postings
        self.out: dict[str, bytes] = {}
        self.updated = 0                     # articles re-indexed by the last call
        self.urls: list[str] | None = None   # the entries' URLs as given, and their sorted order
        self.order: list[int] = []
        self.rows: list[str] = []            # index.js's line per article, as JSON
        self.parts: dict[int, tuple[SearchEntry, _Part]] = {}    # recently edited articles, tokenised

    def files(self, entries: Iterable[SearchEntry]) -> dict[str, bytes]:
        entries = list(entries)
        urls = [e.url for e in entries]
        if urls == self.urls:                   # the same articles: the same order as last time
            docs = [entries[i] for i in self.order]
        else:
            self.order = sorted(range(len(entries)), key=lambda i: (urls[i], entries[i].title, entries[i].date))
            self.order = self.order[: 1 << DOC_BITS]
            self.urls = urls
            docs = [entries[i] for i in self.order]
        same = len(docs) == len(self.docs) and all(map(eq, (d.url for d in docs), (d.url for d in self.docs)))
        changed = ([i for i in compress(range(len(docs)), map(is_not, docs, self.docs)) if docs[i] != self.docs[i]]
                   if same else [])
        try:
            if not same or len(changed) > self.MAX_CHANGED or not self._update(docs, changed):
                self._full(docs)
        except BaseException:
            self.docs = []                   # half updated: the next call indexes everything
            raise
        return self.out

    def _full(self, docs: list[SearchEntry]) -> None:
        parts_ = _index_parts(docs, max(1, self.jobs))
        tokens = _merge(parts_)
        self.lengths = [n for part in parts_ for n in part.lengths]
        del parts_
        self.total = sum(len(t) + len(c) + 6 for t, (c, _) in tokens.items())
        n_shards = shard_count(self.total, self.shard_bytes)
        self.shards = [{} for _ in range(n_shards)]
        for tok, (codes, h) in tokens.items():
            self.shards[h % n_shards][tok] = codes
        del tokens
        self.docs = docs
        self.parts = {}
        out = {f"{OUT_DIR}t/{k}.js": _shard_script(f"t/{k}", list(shard.items()))
               for k, shard in enumerate(self.shards)}
        out.update({f"{OUT_DIR}d/{i}.js": js_part(f"d/{i}", e.text.strip()) for i, e in enumerate(docs)})
        self.rows = [_meta_row(e, n) for e, n in zip(docs, self.lengths)]
        out[f"{OUT_DIR}index.js"] = self._index_js(n_shards)
        self.out = dict(sorted(out.items()))
        self.updated = len(docs)

    def _update(self, docs: list[SearchEntry], changed: list[int]) -> bool:
        """Re-index ``changed`` in place; False when the shard count would move (index everything)."""
        n_shards = len(self.shards)
        touched: set[int] = set()
        for i in changed:
            kept = self.parts.pop(i, None)          # an article edited again: its tokens are known
            before = kept[1] if kept is not None and kept[0] is self.docs[i] else _index_part([self.docs[i]], i)
            after = _index_part([docs[i]], i)
            self.parts[i] = (docs[i], after)
            while len(self.parts) > 64:
                self.parts.pop(next(iter(self.parts)))
            for tok in before.tokens.keys() | after.tokens.keys():
                old, new = before.tokens.get(tok), after.tokens.get(tok)
                if old is not None and new is not None and old[0] == new[0]:
                    continue
                k = (new or old)[2] % n_shards
                touched.add(k)
                self._repost(self.shards[k], tok, i, decode_postings(new[0])[0][1] if new else 0)
            self.lengths[i] = after.lengths[0]
        self.docs = docs
        if shard_count(self.total, self.shard_bytes) != n_shards:
            return False
        out = dict(self.out)
        for k in touched:
            out[f"{OUT_DIR}t/{k}.js"] = _shard_script(f"t/{k}", list(self.shards[k].items()))
        for i in changed:
            out[f"{OUT_DIR}d/{i}.js"] = js_part(f"d/{i}", docs[i].text.strip())
        for i in changed:
            self.rows[i] = _meta_row(docs[i], self.lengths[i])
        out[f"{OUT_DIR}index.js"] = self._index_js(n_shards)
        self.out, self.updated = out, len(changed)
        return True

    def _index_js(self, n_shards: int) -> bytes:
        """js_part("index", _meta(...)), joined from the articles' lines (one changes per edit)."""
        lengths = self.lengths
        avgdl = sum(lengths) / len(lengths) if lengths else 0.0
        head = json.dumps({"avgdl": round(avgdl, 3)}, separators=(",", ":"))[:-1]
        tail = json.dumps({"n": len(self.docs), "shards": n_shards, "v": FORMAT_VERSION},
                          separators=(",", ":"))[1:]
        return _script("index", f'{head},"docs":[{",".join(self.rows)}],{tail}')

    def _repost(self, shard: dict[str, str], tok: str, doc: int, tf: int) -> None:
        """Token ``tok`` now occurs ``tf`` times in article ``doc`` (0: not at all)."""
        old = shard.get(tok, "")
        docs, tfs = _decode_array(old)
        keep = docs != doc
        docs, tfs = docs[keep], tfs[keep]
        if tf:
            at = int(np.searchsorted(docs, doc))
            docs, tfs = np.insert(docs, at, doc), np.insert(tfs, at, tf)
        new = _encode_array(docs, tfs)
        self.total += len(new) - len(old) + (len(tok) + 6) * ((new != "") - (old != ""))
        if new:
            shard[tok] = new
        else:
            shard.pop(tok, None)


_DIGITS = np.full(256, 0, np.int64)
_DIGITS[np.frombuffer(ALPHABET.encode(), np.uint8)] = np.arange(len(ALPHABET))


def _decode_array(codes: str) -> tuple[np.ndarray, np.ndarray]:
    """decode_postings with numpy: (docs, tfs) as arrays (a common word's postings are long)."""
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    d = _DIGITS[np.frombuffer(codes.encode("ascii"), np.uint8)]
    last = d >= 32
    group = np.concatenate(([0], np.cumsum(last[:-1])))
    ends = np.flatnonzero(last)
    values = np.zeros(ends.size, np.int64)
    np.add.at(values, group, (d & 31) << (5 * (ends[group] - np.arange(d.size))))
    gaps, tfs = values[0::2], values[1::2] + 1
    return np.cumsum(gaps + 1) - 1, tfs


def _encode_array(docs: np.ndarray, tfs: np.ndarray) -> str:
    """encode_postings with numpy."""
    if docs.size == 0:
        return ""
    values = np.empty(docs.size * 2, dtype=np.int64)
    values[0::2], values[1::2] = np.diff(docs, prepend=-1) - 1, np.minimum(tfs, TF_MAX) - 1
    blob, _ends = _varints(values)
    return blob.tobytes().decode("ascii")


def encode_postings(postings: list[tuple[int, int]]) -> str:
    """[(doc, tf)] sorted by doc -> postings as _encode writes them."""
    out, previous = [], -1
    for doc, tf in postings:
        out.append(_varint(doc - previous - 1) + _varint(min(tf, TF_MAX) - 1))
        previous = doc
    return "".join(out)


def _meta_row(e: SearchEntry, n: int) -> str:
    return json.dumps([e.url, e.title, e.lang, e.date, e.site, n], ensure_ascii=False, separators=(",", ":"))


def parts(files: dict[str, bytes]) -> dict[str, object]:
    """Inverse of js_part over a build's files: part name -> value (for tests and tools)."""
    found: dict[str, object] = {}
    for data in files.values():
        m = _PART.fullmatch(data.decode("utf-8"))
        if m:
            found[json.loads(m[1])] = json.loads(m[2])
    return found


_PART = re.compile(rf'\(window\.{GLOBAL}=window\.{GLOBAL}\|\|\{{\}}\)\[("[^"]*")\]=(.*);\n', re.S)


def decode_postings(codes: str) -> list[tuple[int, int]]:
    """Encoded postings -> [(doc, tf)] (the reader in search.js does the same)."""
    values, n = [], 0
    for ch in codes:
        digit = ALPHABET.index(ch)
        n = n * 32 + (digit & 31)
        if digit >= 32:
            values.append(n)
            n = 0
    out, doc = [], -1
    for gap, tf in zip(values[0::2], values[1::2]):
        doc += gap + 1
        out.append((doc, tf + 1))
    return out
