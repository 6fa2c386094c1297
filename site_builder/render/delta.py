"""What changed since the preview's last render, so that it visits only the pages that read it.

A rebuild hands the renderer the whole archive; most of it is the very same
Document objects as last time (the caches keep them).  ``Delta`` compares
by identity (one test per article), then names what must be rendered again:

- the changed articles and the articles whose page reads one of them
  (prev/next, canonical, versions, translations, related: ``readers``);
- the listing pages whose lines changed: the home page when a listed
  article's entry changed, a term page when an article carrying the term
  changed its entry or its terms, a taxonomy's index when its terms moved.

Anything it cannot follow (the listing order moved, an article came or went,
a term appeared or vanished, the templates changed) makes it give up: the
render then visits every page, as a full build does (``changed is None``).
Every other page is taken from the last render as it was written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Document
from .site import TAXONOMIES, Entry, Site


@dataclass(slots=True)
class Memory:
    """The last render, as Delta needs it (kept by the preview's RenderMemo)."""

    docs: dict[str, Document] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)
    linked: dict[str, Any] = field(default_factory=dict)      # taxonomy -> its terms (a set)
    terms: dict[str, dict[str, list[str]]] = field(default_factory=dict)     # Site.terms, per taxonomy
    entries: dict[str, Entry] = field(default_factory=dict)
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)       # slug -> slugs its page read
    readers: dict[str, set[str]] = field(default_factory=dict)            # slug -> pages that read it
    valid: bool = False


@dataclass(slots=True)
class Delta:
    changed: set[str] | None                 # None: render everything
    articles: set[str] = field(default_factory=set)
    home: bool = True
    terms: dict[str, set[str]] = field(default_factory=dict)   # taxonomy -> terms whose page changes
    term_index: set[str] = field(default_factory=set)          # taxonomies whose index changes
    reason: str = ""                                           # why everything, when it is

    def article(self, slug: str) -> bool:
        return self.changed is None or slug in self.articles

    def term(self, taxonomy: str, term: str) -> bool:
        return self.changed is None or term in self.terms.get(taxonomy, ())

    def index(self, taxonomy: str) -> bool:
        return self.changed is None or taxonomy in self.term_index


def compare(site: Site, memory: Memory | None) -> Delta:
    """This render against the last one (``memory``: None in a full build)."""
    if memory is None or not memory.valid:
        return Delta(None, reason="first render")
    if memory.docs.keys() != site.docs.keys():
        return Delta(None, reason="articles came or went")
    if memory.listed != site.listed:
        return Delta(None, reason="the listing order moved")
    changed = {s for s, d in site.docs.items() if memory.docs[s] is not d}
    if all(read(memory.docs[s]) == read(site.docs[s]) for s in changed for _, _, read in TAXONOMIES.values()):
        site._terms.update(memory.terms)          # no article's terms moved: the same term lists
    elif any(memory.linked.get(k) != site.terms(k).keys() for k in TAXONOMIES):
        return Delta(None, reason="a term appeared or vanished")
    delta = Delta(changed, set(changed), home=False)
    for slug in changed:
        delta.articles |= memory.readers.get(slug, set())
        if slug not in site.position:
            continue
        new_entry = site.entry(slug) != memory.entries.get(slug)
        delta.home |= new_entry
        old, new = memory.docs[slug], site.docs[slug]
        for key, (_folder, _heading, read) in TAXONOMIES.items():
            before, after = set(read(old)), set(read(new))
            if before != after:
                delta.term_index.add(key)
                delta.terms.setdefault(key, set()).update(before | after)
            elif new_entry:
                delta.terms.setdefault(key, set()).update(after)
    return delta


def remember(site: Site, memory: Memory, delta: Delta, reads: dict[str, tuple[str, ...]]) -> None:
    """Keep this render for the next ``compare``; ``reads``: what each rendered article page read."""
    if delta.changed is None:
        memory.reads, memory.readers = {}, {}
    for slug, slugs in reads.items():
        for old in memory.reads.get(slug, ()):
            memory.readers.get(old, set()).discard(slug)
        memory.reads[slug] = slugs
        for s in slugs:
            memory.readers.setdefault(s, set()).add(slug)
    memory.docs = dict(site.docs)
    memory.listed = list(site.listed)
    memory.terms = {k: site.terms(k) for k in TAXONOMIES}
    memory.linked = {k: set(terms) for k, terms in memory.terms.items()}
    if delta.changed is None:
        memory.entries = {s: site.entry(s) for s in site.listed}
    else:
        memory.entries.update((s, site.entry(s)) for s in delta.changed if s in site.position)
    memory.valid = True
