"""BuildResult -> every output file as bytes: pure, no disk writes.

Output paths are POSIX paths relative to --out, built only from slugs and
hashes (never from input path components).  Two producers for one path is a
bug, caught here.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config
from ..model import dumps, dumps_item, dumps_with_list, to_json_dict
from ..pipeline import BuildResult
from ..memo import StageMemo
from . import article, feeds
from . import delta as delta_mod
from .site import TAXONOMIES, Site, article_url, term_slug
from .templates import LABELS, make_env

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-src 'none'")


class Outputs(dict):
    """path -> bytes, refusing a second producer for one path."""

    def add(self, path: str, data: bytes | str) -> None:
        path = _normal(path)
        if path.startswith(("/", "..")) or path in self:
            raise ValueError(f"output path refused or produced twice: {path}")
        self[path] = data.encode("utf-8") if isinstance(data, str) else data

    def again(self, path: str, data: bytes) -> None:
        """A file of the last render, at the path it was checked at then."""
        if path in self:
            raise ValueError(f"output path produced twice: {path}")
        self[path] = data

    def again_all(self, files: dict[str, bytes]) -> None:
        if not self.keys().isdisjoint(files):
            raise ValueError(f"output paths produced twice: {sorted(self.keys() & files)[:5]}")
        self.update(files)


@lru_cache(maxsize=1 << 17)          # the same paths on every preview rebuild
def _normal(path: str) -> str:
    return posixpath.normpath(path)


def archived_date(cfg: Config) -> str:
    if cfg.source_date_epoch is None:
        return ""
    return datetime.fromtimestamp(cfg.source_date_epoch, timezone.utc).strftime("%Y-%m-%d")


class NoMemo:
    """render_site's default: remember nothing between builds (page_memo.RenderMemo remembers)."""

    full_render = True

    def last(self, path: str) -> bytes | None:
        return None

    def version(self, template: str) -> str:
        return template

    def last_files(self) -> dict[str, bytes]:
        return {}

    def keep(self, name: str, factory):
        return factory()

    def page(self, path: str, template: str, ctx: dict[str, Any], make, key: object = None) -> str | bytes:
        return make()

    def reuse(self, path: str, template: str, key: object) -> bytes | None:
        return None

    def part(self, name: str, key: object, make):
        return make()


def render_site(result: BuildResult, cfg: Config, memo: NoMemo | None = None) -> Outputs:
    """Everything the site holds, as bytes by path.

    ``memo`` (the preview's incremental cache) may hand back a page or a part
    computed before from an equal context; the output is byte-identical.
    """
    memo = memo or NoMemo()
    env = make_env(cfg.template_dir)
    site = Site.from_docs(result.docs, cfg.drafts, memo)
    out = Outputs()
    common = {"site_title": cfg.site_title, "t": LABELS, "csp": CSP}

    def page(path: str, template: str, key: object = None, **ctx: Any) -> None:
        """One page; with ``key`` (what its context is made of, cheap to compare) the
        preview skips building the context of a page whose key did not change."""
        hit = memo.reuse(path, template, key) if key is not None else None
        if hit is not None:
            out.add(path, hit)
            return
        depth = path.count("/")
        ctx = {**common, "root": "../" * depth, "page_lang": ctx.pop("page_lang", "en"), **ctx}
        out.add(path, memo.page(path, template, ctx, lambda: env.get_template(template).render(**ctx), key))

    def again(path: str) -> bool:
        """Take the page as the last render wrote it (the delta says nothing it reads changed)."""
        data = memo.last(path)
        if data is not None:
            out.again(path, data)
        return data is not None

    memory = memo.keep("delta", delta_mod.Memory)
    delta = delta_mod.compare(site, memory)
    memo.full_render = delta.changed is None
    memo.full_reason = delta.reason
    archived = archived_date(cfg)
    images = _local_images(cfg, site, out)
    reads: dict[str, tuple[str, ...]] = {}
    todo = site.docs.items()
    if delta.changed is not None:           # the rest as the last render wrote it, in one update
        last = memo.last_files()
        kept = [s for s in site.docs if s not in delta.articles and f"{s}/index.json" in last]
        out.again_all({p: last[p] for s in kept for p in (f"{s}/index.html", f"{s}/index.json")})
        todo = [(s, site.docs[s]) for s in site.docs if s in delta.articles or f"{s}/index.json" not in last]
    for slug, doc in todo:
        deps = article.dependencies(doc, site)
        reads[slug] = tuple(s for s, _ in deps[3])
        a = memo.part(f"context:{slug}", (deps, archived, images),
                      lambda: article.context(doc, site, archived, images, memo))
        page(f"{slug}/index.html", "article.html", (a, doc.meta.lang), a=a, page_lang=doc.meta.lang or "und")
        out.add(f"{slug}/index.json", memo.part(f"json:{slug}", (doc, archived), lambda: dumps(
            {**to_json_dict(doc), "provenance": provenance(doc, archived)}).encode("utf-8")))
    if delta.home or not again("index.html"):
        entries = site.entries()
        page("index.html", "index.html", tuple(entries), heading=cfg.site_title, intro="", entries=entries)
    page("404.html", "404.html")
    _taxonomies(site, page, delta, again, memo)
    _search(site, cfg, out, page, delta)
    _aliases(site, out, page)
    _originals(result, out, memo)
    out.add("archive.json", dumps_with_list({}, "documents", memo.keep("lists", StageMemo).map(
        "archive", result.results, lambda i: dumps_item(archive_item(result.results[i])))))
    out.update(feeds.render(site, cfg, env, common, memo))
    _static(cfg, out)
    delta_mod.remember(site, memory, delta, reads)
    return out


def provenance(doc, archived: str) -> dict[str, Any]:
    """Where the article came from and when it was archived (for archivists)."""
    return {
        "original_file": doc.source.path, "sha256": doc.source.sha256,
        "original": article.original_path(doc.source.sha256, doc.source.path),
        "site": doc.meta.site or doc.meta.publisher, "source_url": doc.meta.source_url,
        "published": doc.meta.date, "archived": archived,
    }


def _aliases(site: Site, out: Outputs, page) -> None:
    """Hugo's aliases: a redirect page at each old address, built only from safe segments
    inside the site; an alias that would replace a page, or is empty once made safe, is
    skipped (the slug stage already warned about the unsafe parts)."""
    for slug, doc in site.docs.items():
        for alias in doc.meta.aliases:
            path = alias_path(alias)
            if not path or path in out or path == f"{slug}/index.html":
                continue
            depth = path.count("/")
            page(path, "alias.html", target="../" * depth + article_url(slug), title=doc.meta.title or slug)


def alias_path(alias: str) -> str:
    """'/old/Path/' -> 'old/path/index.html'; every segment rebuilt by the slug allow-list."""
    from ..util.slugs import slugify

    parts = [p for p in re.split(r"[/\\]+", re.sub(r"\.html?$", "", alias)) if p not in ("", ".", "..")]
    segments = [slugify(p, "") for p in parts[:8]]
    if not segments or any(not s or s.endswith("-") for s in segments):
        return ""
    return "/".join(segments) + "/index.html"


def _search(site: Site, cfg: Config, out: Outputs, page, delta: delta_mod.Delta) -> None:
    """The search page and its index, as scripts so that search works from file://."""
    from ..search import LiveIndex, SearchEntry

    memo = site.memo or NoMemo()     # the preview keeps the index and updates it
    shown = [slug for slug in site.docs if slug in site.position]      # copies left out
    lists = memo.keep("lists", StageMemo)
    entries = lists.map("search", [site.docs[s] for s in shown], lambda i: SearchEntry(
        url=f"{shown[i]}/index.html", title=site.docs[shown[i]].meta.title or shown[i],
        text="\n".join(b.text for b in site.docs[shown[i]].blocks if b.text), lang=site.docs[shown[i]].meta.lang,
        date=site.docs[shown[i]].meta.date, site=site.docs[shown[i]].meta.site or site.docs[shown[i]].meta.publisher),
        shown)
    out.again_all(memo.keep("search-index", LiveIndex).files(entries))   # paths made from numbers alone
    page("search/index.html", "search.html")


def _taxonomies(site: Site, page, delta: delta_mod.Delta, again, memo) -> None:
    paths = memo.keep("term-paths", dict)        # taxonomy -> (its terms dict, their page paths)
    for key, (folder, heading, _read) in TAXONOMIES.items():
        terms = site.terms(key)
        if delta.index(key) or not again(f"{folder}/index.html"):
            listing = [{"name": t, "url": f"{term_slug(t)}/index.html", "count": len(s)} for t, s in terms.items()]
            page(f"{folder}/index.html", "terms.html", heading=heading, terms=listing)
        known = paths.get(key)
        if known is None or known[0] is not terms:
            known = paths[key] = (terms, [f"{folder}/{term_slug(t)}/index.html" for t in terms])
        dirty = delta.terms.get(key, set()) if delta.changed is not None else None
        for (term, slugs), path in zip(terms.items(), known[1]):
            if dirty is not None and term not in dirty and again(path):
                continue
            entries = site.entries(slugs)
            page(path, "term.html", (term, heading, tuple(entries)),
                 heading=term, taxonomy_name=heading, entries=entries)


def _local_images(cfg: Config, site: Site, out: Outputs) -> dict[str, str]:
    """Remote image URL -> page-relative local copy, from the archivist's --images folder.

    A copy is found by the sha256 of its URL (first 16 hex digits, any extension)
    or by the URL's file name; nothing is ever fetched.
    """
    if not cfg.images or not Path(cfg.images).is_dir():
        return {}
    files = {p.name: p for p in sorted(Path(cfg.images).iterdir()) if p.is_file() and not p.is_symlink()}
    by_stem = {name.rsplit(".", 1)[0]: p for name, p in files.items()}
    mapping: dict[str, str] = {}
    urls = sorted({b.url for d in site.docs.values() for b in d.blocks if b.url} |
                  {m for d in site.docs.values() for b in d.blocks for m in _md_images(b.text)})
    for url in urls:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        base = posixpath.basename(url.split("?")[0].split("#")[0])
        path = by_stem.get(key) or files.get(base)
        if path is None:
            continue
        ext = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", path.suffix.lower()) else ""
        name = f"_images/{key}{ext}"
        if name not in out:
            out.add(name, path.read_bytes())
        mapping[url] = "../" + name
    return mapping


def _md_images(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text)


def _originals(result: BuildResult, out: Outputs, memo) -> None:
    """Every input, skipped ones included, byte for byte (LOSS-4)."""
    items = result.inputs
    paths = memo.keep("lists", StageMemo).map(
        "originals", items, lambda i: article.original_path(items[i].sha256, items[i].name))
    # Made from a hash and a sanitised name (original_path); one input twice is kept once.
    out.again_all({path: item.raw for path, item in zip(paths, items)})


def archive_listing(result: BuildResult) -> dict[str, Any]:
    """Every input document with its fate: the archivist's index."""
    return {"documents": [archive_item(r) for r in result.results]}


def archive_item(r) -> dict[str, Any]:
    d = r.doc
    return {
        "source": r.name, "sha256": r.sha256, "bytes": r.raw_bytes, "status": r.status,
        "slug": d.meta.slug if d else None, "title": d.meta.title if d else None,
        "date": d.meta.date if d else None, "languages": list(d.meta.languages) if d else [],
        "canonical": (d.links.canonical or d.meta.slug) if d else None,
        "versions": list(d.links.versions) if d else [],
        "original": article.original_path(r.sha256, r.name),
        "reason": "; ".join(x.message for x in r.diagnostics if x.severity.value == "error") or None,
    }


def _static(cfg: Config, out: Outputs) -> None:
    root = Path(cfg.static_dir)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            out.add("static/" + path.relative_to(root).as_posix(), path.read_bytes())
