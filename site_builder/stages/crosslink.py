"""Corpus stage: related reading, and translations linked (by align, when it offers it).

Each article gets the few (``cfg.related_count``) other articles closest to it
by content: TF-IDF over English words and Chinese character bigrams (the
tokens of ``dedup.tokens``, so both scripts and both punctuation widths are
read the same way), cosine similarity, top k.  util/related.py does the
arithmetic: each document keeps its ``TOP_FEATURES`` heaviest terms, terms in
256 documents or more are skipped, idf moves by powers of two of the
document frequency, and weights are fixed-point, so that the preview can
update the lists after an edit (rescoring the few documents it touches) and
get the very lists a full build computes.  On the generated corpus the first
pick shares the article's topic 97.5% of the time, and 76% of all picks do (83%
with exact idf: the price of updates that follow the change).

Targets are published, canonical articles: never a draft, never the
document's own versions (its near-copies) or its translations, and never a
copy of another article (its canonical stands for it).
"""
from __future__ import annotations

from dataclasses import replace
from itertools import compress
from operator import is_not

import numpy as np

from ..config import Config
from ..memo import NoMemo, in_path_order, memo_or_none
from ..model import Document
from ..util.related import TOP_FEATURES, Related  # noqa: F401  (TOP_FEATURES: for the docs)
from . import align, dedup

STAGE = "crosslink"
CANDIDATE_SLACK = 32     # candidates past `count` kept per article, for ineligible ones (copies, drafts)
REBUILD_SHARE = 8        # more than 1/8 of the rows changed: build the index again
SEED = 0x7E1A7ED


def terms(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Text -> (sorted unique term hashes, counts): words and Han character bigrams."""
    toks, han = dedup.tokens(text, SEED)
    both = han[:-1] & han[1:]
    bigrams = dedup.mix(toks[:-1][both] * np.uint64(0x9E3779B97F4A7C15) + toks[1:][both])
    feats = np.sort(np.concatenate([toks[~han], bigrams]))
    if feats.size == 0:
        return feats, np.zeros(0, np.int64)
    edge = np.flatnonzero(np.concatenate(([True], feats[1:] != feats[:-1], [True])))
    return feats[edge[:-1]], np.diff(edge)


def run(docs: tuple[Document, ...], cfg: Config, memo: NoMemo | None = None) -> tuple[Document, ...]:
    """Documents -> the same documents with links.related (and translations, if align links them)."""
    link = getattr(align, "link_translations", None)
    if callable(link):
        docs = tuple(link(docs))
    memo = memo_or_none(memo)
    ordered, back = in_path_order(docs, memo)
    related = related_slugs(ordered, cfg.related_count, memo)
    return back(memo.map("out", ordered, lambda i: replace(ordered[i], links=replace(ordered[i].links,
                                                                                     related=related[i])), related))


def related_slugs(docs: list[Document], count: int, memo: NoMemo | None = None) -> list[tuple[str, ...]]:
    """For each document, the slugs of its ``count`` most related eligible articles."""
    if len(docs) < 2 or count <= 0:
        return [()] * len(docs)
    memo = memo_or_none(memo)
    index = candidates(docs, count + CANDIDATE_SLACK, memo)

    def pick(i: int) -> tuple[str, ...]:
        mine: list[str] = []
        for j in index.cands[i][0]:
            if eligible(docs[i], docs[j]):
                mine.append(docs[j].meta.slug)
                if len(mine) == count:
                    break
        return tuple(mine)

    old = memo.state.get("picks")
    if old is None or len(old[0]) != len(docs) or index.holders is None:
        picks = [pick(i) for i in range(len(docs))]
    else:       # again only where a list, its document or a document it lists changed
        was_docs, was_cands, picks = old[0], old[1], list(old[2])
        dirty = set(compress(range(len(docs)), map(is_not, docs, was_docs)))
        for j in list(dirty):
            dirty |= index.listed_by[j]
        dirty.update(compress(range(len(docs)), map(is_not, index.cands, was_cands)))
        for i in dirty:
            picks[i] = pick(i)
    memo.state["picks"] = (list(docs), list(index.cands), picks)
    return picks


def candidates(docs: list[Document], keep: int, memo: NoMemo) -> Related:
    """The candidate lists: updated from the memo's when few documents changed, else built."""
    blocks = [d.blocks for d in docs]
    rows = memo.map("terms", blocks, lambda i: terms(dedup.article_text(docs[i])))
    paths = [d.source.path for d in docs]
    old = memo.state.get("related")
    if old is not None and old[0] == paths and old[2].keep == keep:
        changed = {i: rows[i] for i, (a, b) in enumerate(zip(old[1], blocks)) if a is not b}
        if len(changed) * REBUILD_SHARE <= len(docs):
            if changed:
                old[2].update(changed)
            memo.state["related"] = (paths, blocks, old[2])
            return old[2]
    index = Related.build(rows, keep, updatable=type(memo) is not NoMemo)
    memo.state["related"] = (paths, blocks, index)
    return index


def eligible(me: Document, other: Document) -> bool:
    """May ``other`` be listed as related reading on ``me``'s page?"""
    slug = other.meta.slug
    if not slug or other.meta.draft or slug == me.meta.slug:
        return False
    if other.links.canonical and other.links.canonical != slug:
        return False                              # a copy: its canonical stands for it
    mine = {me.links.canonical, *me.links.versions, *me.links.translations}
    return slug not in mine
