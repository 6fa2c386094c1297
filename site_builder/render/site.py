"""What the renderer knows about the whole archive: entries, URLs, taxonomies.

Every URL here is relative to the site root and percent-encoded, so that one
output works from file://, at a host's root and under a sub-path.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..memo import StageMemo
from ..model import Document
from ..util.slugs import slugify

LANG_NAMES = {"zh": "中文", "en": "English", "ja": "日本語", "ko": "한국어", "ru": "Русский"}

# taxonomy key -> (folder, heading, how to read the terms off a Document)
TAXONOMIES = {
    "tags": ("tags", "Tags", lambda d: d.meta.tags),
    "categories": ("categories", "Categories", lambda d: d.meta.categories),
    "sites": ("sites", "Sources", lambda d: (d.meta.site or d.meta.publisher,) if (d.meta.site or d.meta.publisher) else ()),
    "authors": ("authors", "Authors", lambda d: d.meta.authors),
    "languages": ("languages", "Languages", lambda d: d.meta.languages),
    "years": ("years", "Years", lambda d: (d.meta.date[:4],) if d.meta.date[:4].isdigit() else ()),
}


def article_url(slug: str) -> str:
    return f"{quote(slug)}/index.html"


@lru_cache(maxsize=1 << 16)
def term_slug(term: str) -> str:
    return slugify(term, hashlib.sha256(term.encode("utf-8", "replace")).hexdigest()[:10])


def term_url(taxonomy: str, term: str) -> str:
    return f"{TAXONOMIES[taxonomy][0]}/{quote(term_slug(term))}/index.html"


def lang_name(code: str) -> str:
    return LANG_NAMES.get(code.split("-")[0].lower(), code)


@dataclass(frozen=True, slots=True)
class Entry:
    """A line in a listing."""

    slug: str
    url: str
    title: str
    date: str
    site: str
    authors: tuple[str, ...]
    languages: tuple[str, ...]
    summary: str
    lang: str


@dataclass(slots=True)
class Site:
    docs: dict[str, Document]                 # by slug, every rendered document
    listed: list[str] = field(default_factory=list)   # slugs in listings, newest first
    position: dict[str, int] = field(default_factory=dict)   # slug -> index in listed
    memo: Any = None                          # page_memo.RenderMemo in the preview, else None
    _entries: dict[str, Entry] = field(default_factory=dict)
    _terms: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def from_docs(cls, docs: tuple[Document, ...], drafts: bool, memo: Any = None) -> "Site":
        shown = {d.meta.slug: d for d in docs if drafts or not d.meta.draft}
        kept = memo.keep("listing", dict) if memo is not None else {}
        ds = list(shown.values())
        keys = kept.setdefault("lists", StageMemo()).map("keys", ds, lambda i: (
            ds[i].meta.slug, ds[i].meta.date or "0000", ds[i].meta.title,
            not ds[i].links.canonical or ds[i].links.canonical == ds[i].meta.slug))
        if kept.get("keys") != keys:                     # the same keys give the same listing
            listed = [s for s, _date, _title, canonical in keys if canonical]
            listed.sort(key=lambda s: (shown[s].meta.date or "0000", shown[s].meta.title, s), reverse=True)
            kept.update(keys=keys, listed=listed, position={s: i for i, s in enumerate(listed)})
        return cls(shown, kept["listed"], kept["position"], memo)

    def entry(self, slug: str) -> Entry:
        """A listing line; built once per render (and per changed Document in the preview)."""
        hit = self._entries.get(slug)
        if hit is None:
            d = self.docs[slug]
            hit = self._entries[slug] = (self.memo.part(f"entry:{slug}", d, lambda: _entry(slug, d))
                                         if self.memo else _entry(slug, d))
        return hit

    def entries(self, slugs: list[str] | None = None) -> list[Entry]:
        return [self.entry(s) for s in (self.listed if slugs is None else slugs) if s in self.docs]

    def term_link(self, taxonomy: str, term: str) -> str:
        """The term page's URL, or '' when no listed article carries the term (only copies do)."""
        return term_url(taxonomy, term) if term and term in self.terms(taxonomy) else ""

    def terms(self, taxonomy: str) -> dict[str, list[str]]:
        """term -> listed slugs (newest first), terms sorted by name (once per render)."""
        hit = self._terms.get(taxonomy)
        if hit is None:
            read = TAXONOMIES[taxonomy][2]
            out: dict[str, list[str]] = {}
            for slug in self.listed:
                for term in read(self.docs[slug]):
                    if term:
                        out.setdefault(term, []).append(slug)
            hit = self._terms[taxonomy] = dict(sorted(out.items(), key=lambda kv: kv[0].casefold()))
        return hit


def _entry(slug: str, d: Document) -> Entry:
    return Entry(slug, article_url(slug), d.meta.title or slug, d.meta.date,
                 d.meta.site or d.meta.publisher, d.meta.authors,
                 tuple(lang_name(x) for x in d.meta.languages), summary_of(d), d.meta.lang)


def summary_of(doc: Document, limit: int = 160) -> str:
    """Front-matter summary, or the opening of the first paragraph."""
    if doc.meta.summary:
        return doc.meta.summary[:limit * 2]
    from ..model import BlockKind
    for b in doc.blocks:
        if b.kind in (BlockKind.PARAGRAPH, BlockKind.DEK) and len(b.text) > 40:
            text = " ".join(b.text.split())
            return text if len(text) <= limit else text[:limit].rstrip() + "…"
    return ""
