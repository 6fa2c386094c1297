"""Atom feed and sitemap.xml.  Absolute URLs appear only when --base-url is given.

Without a base URL the feed's links are relative to the feed itself and
sitemap.xml (which must hold absolute URLs) is not written.
"""
from __future__ import annotations

from typing import Any

from jinja2 import Environment

from ..config import Config
from .site import Site

FEED_SIZE = 50


def render(site: Site, cfg: Config, env: Environment, common: dict[str, Any], memo=None) -> dict[str, bytes]:
    """``memo`` (the preview's) keeps the feed while its entries and the templates are the same."""
    base = cfg.base_url.rstrip("/") + "/" if cfg.base_url else ""
    entries = site.entries(site.listed[:FEED_SIZE])
    ids = {e.slug: site.docs[e.slug].source.sha256 for e in entries}
    updated = max((e.date for e in entries if e.date), default="1970-01-01")

    def atom() -> bytes:
        return env.get_template("atom.xml").render(
            **common, base=base, entries=entries, ids=ids, updated=_rfc3339(updated)).encode("utf-8")

    key = (memo.version("atom.xml") if memo is not None else None, base, tuple(entries), tuple(ids.items()))
    out = {"atom.xml": memo.part("atom.xml", key, atom) if memo is not None else atom()}
    if base:
        out["sitemap.xml"] = env.get_template("sitemap.xml").render(
            base=base, entries=site.entries()).encode("utf-8")
    return out


def _rfc3339(date: str) -> str:
    if "T" in date:
        return date if date.endswith("Z") or "+" in date[10:] else date + "Z"
    return date + "T00:00:00Z"


__all__ = ["render", "_rfc3339"]
