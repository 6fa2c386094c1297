"""BuildResult -> every output file as bytes: pure, no disk writes.

Output paths are POSIX paths relative to --out, built only from slugs and
hashes (never from input path components).  Two producers for one path is a
bug, caught here.
"""
from __future__ import annotations

import posixpath
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..config import Config
from ..model import dumps, to_json_dict
from ..pipeline import BuildResult
from . import article, feeds
from .site import TAXONOMIES, Site, term_slug
from .templates import LABELS, make_env

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-src 'none'")


class Outputs(dict):
    """path -> bytes, refusing a second producer for one path."""

    def add(self, path: str, data: bytes | str) -> None:
        path = posixpath.normpath(path)
        if path.startswith(("/", "..")) or path in self:
            raise ValueError(f"output path refused or produced twice: {path}")
        self[path] = data.encode("utf-8") if isinstance(data, str) else data


def archived_date(cfg: Config) -> str:
    if cfg.source_date_epoch is None:
        return ""
    return datetime.fromtimestamp(cfg.source_date_epoch, timezone.utc).strftime("%Y-%m-%d")


def render_site(result: BuildResult, cfg: Config) -> Outputs:
    """Everything the site holds, as bytes by path."""
    env = make_env(cfg.template_dir)
    site = Site.from_docs(result.docs, cfg.drafts)
    out = Outputs()
    common = {"site_title": cfg.site_title, "t": LABELS, "csp": CSP}

    def page(path: str, template: str, **ctx: Any) -> None:
        depth = path.count("/")
        ctx = {**common, "root": "../" * depth, "page_lang": ctx.pop("page_lang", "en"), **ctx}
        out.add(path, env.get_template(template).render(**ctx))

    archived = archived_date(cfg)
    for slug, doc in site.docs.items():
        a = article.context(doc, site, archived)
        page(f"{slug}/index.html", "article.html", a=a, page_lang=doc.meta.lang or "und")
        out.add(f"{slug}/index.json", dumps(to_json_dict(doc)))
    page("index.html", "index.html", heading=cfg.site_title, intro="", entries=site.entries())
    page("404.html", "404.html")
    _taxonomies(site, page)
    _originals(result, out)
    out.add("archive.json", dumps(archive_listing(result)))
    out.update(feeds.render(site, cfg, env, common))
    _static(cfg, out)
    return out


def _taxonomies(site: Site, page) -> None:
    for key, (folder, heading, _read) in TAXONOMIES.items():
        terms = site.terms(key)
        listing = [{"name": t, "url": f"{term_slug(t)}/index.html", "count": len(s)} for t, s in terms.items()]
        page(f"{folder}/index.html", "terms.html", heading=heading, terms=listing)
        for term, slugs in terms.items():
            page(f"{folder}/{term_slug(term)}/index.html", "term.html", heading=term,
                 taxonomy_name=heading, entries=site.entries(slugs))


def _originals(result: BuildResult, out: Outputs) -> None:
    """Every input, skipped ones included, byte for byte (LOSS-4)."""
    for item in result.inputs:
        path = article.original_path(item.sha256, item.name)
        if path not in out:
            out.add(path, item.raw)


def archive_listing(result: BuildResult) -> dict[str, Any]:
    """Every input document with its fate: the archivist's index."""
    items = []
    for r in result.results:
        d = r.doc
        items.append({
            "source": r.name, "sha256": r.sha256, "bytes": r.raw_bytes, "status": r.status,
            "slug": d.meta.slug if d else None, "title": d.meta.title if d else None,
            "date": d.meta.date if d else None, "languages": list(d.meta.languages) if d else [],
            "canonical": (d.links.canonical or d.meta.slug) if d else None,
            "versions": list(d.links.versions) if d else [],
            "original": article.original_path(r.sha256, r.name),
            "reason": "; ".join(x.message for x in r.diagnostics if x.severity.value == "error") or None,
        })
    return {"documents": items}


def _static(cfg: Config, out: Outputs) -> None:
    root = Path(cfg.static_dir)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            out.add("static/" + path.relative_to(root).as_posix(), path.read_bytes())
