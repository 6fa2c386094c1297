"""Corpus stage: near-duplicate copies -> clusters with one canonical member each.

Scrapers copy articles from site to site: cut short, re-punctuated (full-width
to half-width), re-wrapped, wrapped in other chrome.  util/neardup.py finds the
copies from each article's own words (``article_text``: notes, images and rules
left out): seeded MinHash and containment sketches, LSH and an inverted index
for candidate pairs, union-find for clusters.  This stage picks the canonical
member of each cluster and explains the choice (``links.dedup_reason``, an INFO
DUP001 diagnostic), lets it borrow the metadata it lacks from its copies, and
gives a copy without notes the canonical's notes its markers cite (DUP002).

Everything is seeded and sorted by source path: input order does not matter.
With the preview's memo (memo.py) each document is sketched once, and a
cluster whose members did not change is not resolved again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Config
from ..memo import NoMemo, in_path_order, memo_or_none
from ..model import BlockKind, Document, Severity, diag
# The detection lives in util/neardup.py; its names stay importable from here for
# crosslink.py, tests and benchmarks/dedup_bench.py (which also warms ``_tables``).
from ..util.neardup import (DEFAULT, Pair, Params, Sketch, _tables, components,  # noqa: F401
                            find_clusters, find_pairs, group_pairs, mix, shingles, sketch, sketch_all,
                            tokens)
from ..util.pair_index import PairIndex

STAGE = "dedup"

SKIP_KINDS = frozenset({BlockKind.NOTE, BlockKind.NOTES_HEADING, BlockKind.IMAGE, BlockKind.RULE})
META_FIELDS = ("title", "date", "authors", "site", "source_url", "publisher", "editor",
               "summary", "lang", "tags", "categories", "lastmod")
BORROW = ("title", "date", "lastmod", "authors", "publisher", "editor", "summary", "tags", "categories")
BORROW_TOGETHER = ("site", "source_url")        # a source is taken whole or not at all


def article_text(doc: Document) -> str:
    """The article's own words: every block but notes, images and rules."""
    return "\n".join(b.text for b in doc.blocks if b.kind not in SKIP_KINDS)


def run(docs: tuple[Document, ...], cfg: Config, memo: NoMemo | None = None) -> tuple[Document, ...]:
    """Documents -> the same documents with links.canonical/versions/dedup_reason filled."""
    memo = memo_or_none(memo)
    ordered, back = in_path_order(docs, memo)
    blocks = [d.blocks for d in ordered]
    texts = memo.map("text", blocks, lambda i: article_text(ordered[i]))
    if memo.has("sketch"):
        sketches = memo.map("sketch", blocks, lambda i: sketch(texts[i], DEFAULT))
    else:                                   # a first run: over worker processes when many
        sketches = sketch_all(texts, DEFAULT, cfg.jobs if len(ordered) >= 2000 else 1)
        memo.remember("sketch", blocks, sketches)
    pairs = _pairs(ordered, sketches, memo)
    result = memo.map("alone", ordered, lambda i: _alone(ordered[i]))
    clusters = components(len(ordered), pairs)
    where = {i: c for c, members in enumerate(clusters) for i in members}
    inside: list[list[Pair]] = [[] for _ in clusters]
    for p in pairs:
        inside[where[p.a]].append(p)
    for members, mine in zip(clusters, inside):
        cluster = [ordered[i] for i in members]
        at = {ordered[i].source.path: i for i in members}
        for doc in memo.per("cluster", cluster[0], lambda: resolve_cluster(cluster, texts, members, mine),
                            (tuple(cluster), tuple(mine))):
            result[at[doc.source.path]] = doc
    return back(result)


def _pairs(ordered: list[Document], sketches: list[Sketch | None], memo: NoMemo) -> list[Pair]:
    """find_pairs, through the memo's PairIndex when the same documents changed only a little."""
    paths = [d.source.path for d in ordered]
    old = memo.state.get("pairs")
    if old is not None and old[0] == paths:
        index = old[1]
        changed = {i: s for i, (was, s) in enumerate(zip(index.sketches, sketches)) if was is not s}
        if len(changed) * 8 > len(paths):
            index = PairIndex(list(sketches), DEFAULT)
        elif changed:
            index.update(changed)
    else:
        index = PairIndex(list(sketches), DEFAULT)
    memo.state["pairs"] = (paths, index)
    return index.pairs()


def _alone(doc: Document) -> Document:
    return replace(doc, links=replace(doc.links, canonical=doc.meta.slug, versions=()))


@dataclass(frozen=True, slots=True)
class Rank:
    """Why one copy is the better canonical: the sort key and its parts, for the report."""

    doc: Document
    length: int
    fields: int
    notes: int

    def key(self, longest: int) -> tuple:
        complete = self.length >= 0.9 * longest
        return (not self.doc.meta.draft, complete, self.fields, self.notes > 0, self.length)


def rank(doc: Document, text: str) -> Rank:
    filled = sum(1 for f in META_FIELDS if getattr(doc.meta, f))
    return Rank(doc, len("".join(text.split())), filled, len(doc.footnotes))


def resolve_cluster(cluster: list[Document], texts: list[str], members: list[int],
                    pairs: list[Pair]) -> list[Document]:
    """One cluster -> its documents with canonical chosen, metadata and notes shared."""
    ranks = [rank(d, texts[i]) for d, i in zip(cluster, members)]
    longest = max(r.length for r in ranks)
    ranks.sort(key=lambda r: r.doc.source.path)
    ranks.sort(key=lambda r: r.key(longest), reverse=True)
    best, rest = ranks[0], ranks[1:]
    evidence = _evidence(best.doc, cluster, members, pairs)
    canon, taken = borrow_meta(best.doc, [r.doc for r in rest])
    why = _why(best, rest, taken)
    slugs = [d.meta.slug for d in sorted(cluster, key=lambda d: d.meta.slug)]
    canon = replace(canon, links=replace(canon.links, canonical=canon.meta.slug,
                                         versions=tuple(s for s in slugs if s != canon.meta.slug),
                                         dedup_reason=f"canonical of {len(cluster)} copies: {why}"))
    canon = canon.warn(diag(Severity.INFO, "DUP001", STAGE,
                            f"{len(cluster)} copies of one article; canonical {canon.meta.slug}: {why}; "
                            f"versions: {', '.join(canon.links.versions)}", canon.source.path))
    out = [canon]
    for r in rest:
        copy = share_notes(r.doc, canon)
        reason = (f"version of {canon.meta.slug} ({evidence.get(r.doc.source.path, 'same cluster')}); "
                  f"{canon.meta.slug} is canonical: {why}")
        out.append(replace(copy, links=replace(copy.links, canonical=canon.meta.slug,
                                               versions=tuple(s for s in slugs if s != copy.meta.slug),
                                               dedup_reason=reason)))
    return out


def _evidence(best: Document, cluster: list[Document], members: list[int], pairs: list[Pair]) -> dict[str, str]:
    """Source path -> how like the canonical (or, failing a direct pair, its nearest copy) it measured."""
    at = dict(zip(members, cluster))
    mine = [p for p in pairs if p.a in at and p.b in at]
    mine.sort(key=lambda p: (best not in (at[p.a], at[p.b]), -p.containment, p.a, p.b))
    out: dict[str, str] = {}
    for p in mine:
        for me, other in ((at[p.a], at[p.b]), (at[p.b], at[p.a])):
            if me is not best and me.source.path not in out:
                out[me.source.path] = (f"{p.containment:.0%} of the smaller text found in the other, "
                                       f"Jaccard {p.jaccard:.2f}, against {other.meta.slug}")
    return out


def _why(best: Rank, rest: list[Rank], taken: list[str]) -> str:
    other = max((r.length for r in rest), default=0)
    parts = [f"most complete and best described: {best.length:,} characters of text (next {other:,})",
             f"{best.fields}/{len(META_FIELDS)} metadata fields", f"{best.notes} footnotes"]
    if taken:
        parts.append("took " + ", ".join(taken) + " from its versions")
    return "; ".join(parts)


def borrow_meta(canon: Document, copies: list[Document]) -> tuple[Document, list[str]]:
    """The canonical fills the metadata it lacks from its copies, best-ranked first."""
    changes: dict[str, object] = {}
    taken: list[str] = []
    for name in BORROW:
        donor = next((c for c in copies if getattr(c.meta, name)), None)
        if not getattr(canon.meta, name) and donor is not None:
            changes[name] = getattr(donor.meta, name)
            taken.append(f"{name} (from {donor.meta.slug})")
    if not any(getattr(canon.meta, f) for f in BORROW_TOGETHER):
        donor = next((c for c in copies if c.meta.source_url), None)
        if donor is not None:
            changes.update({f: getattr(donor.meta, f) for f in BORROW_TOGETHER})
            taken.append(f"site and source_url (from {donor.meta.slug})")
    return (replace(canon, meta=replace(canon.meta, **changes)) if changes else canon), taken


def share_notes(copy: Document, canon: Document) -> Document:
    """A copy whose markers have no notes gets the canonical's notes it cites, cited from its own blocks.

    Notes reached through ``same_as`` (an "Idem." pointing back) come along,
    so that they still resolve; the copy's other markers stay dangling.
    """
    cited = [(b.id, m.note) for b in copy.blocks for m in b.marks]
    by_id = {f.id: f for f in canon.footnotes}
    if copy.footnotes or not any(n in by_id for _, n in cited):
        return copy
    refs: dict[str, list[str]] = {}
    for block_id, note in cited:
        if block_id not in refs.setdefault(note, []):
            refs[note].append(block_id)
    needed = set(refs)
    for note in list(refs):
        while note in by_id and by_id[note].same_as and by_id[note].same_as not in needed:
            note = by_id[note].same_as
            needed.add(note)
    notes = tuple(replace(f, refs=tuple(refs.get(f.id, ())), cited=f.id in refs, lines=(0, 0))
                  for f in canon.footnotes if f.id in needed)
    found = sum(1 for n in refs if n in by_id)
    # The footnote stage's "marker with no note" no longer holds once every marker resolves.
    warnings = copy.warnings if found < len(refs) else tuple(w for w in copy.warnings if w.code != "FN001")
    return replace(copy, footnotes=notes, warnings=warnings).warn(diag(
        Severity.INFO, "DUP002", STAGE, f"{found} footnote marker(s) resolved to the notes of "
        f"{canon.meta.slug}, of which this is a copy", copy.source.path))
