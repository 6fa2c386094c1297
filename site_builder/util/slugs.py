"""Readable, stable, portable slugs that no input can steer outside --out.

A slug is rebuilt from an allow-list (letters, digits, CJK, hyphen) after one
NFC normalisation; it never keeps a path separator, a dot segment, a control
or bidi character, or a Windows device name, and is capped in bytes with a
short hash so that long titles stay unique.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

MAX_BYTES = 80
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_ALLOWED = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u3040-\u30ff]+")


@lru_cache(maxsize=1 << 16)          # pure; the preview asks again for every article on every rebuild
def slugify(text: str, fallback: str) -> str:
    """Title or requested slug -> safe slug; ``fallback`` (e.g. a hash) when nothing is left."""
    norm = unicodedata.normalize("NFKC", unquote(text)).casefold()
    norm = re.sub(r"(?<=\w)[.'’](?=\w)", "", norm)      # U.S. -> us, it's -> its
    norm = "".join(ch if unicodedata.category(ch)[0] in "LN" else "-" for ch in norm)

    slug = _ALLOWED.sub("-", norm).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    if len(slug.encode("utf-8")) > MAX_BYTES:
        digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:8]
        slug = _cut(slug, MAX_BYTES - 9).rstrip("-") + "-" + digest
    if not slug or slug in _DEVICES:
        slug = f"{slug}-{fallback}" if slug else fallback
    return slug


def _cut(text: str, limit: int) -> str:
    out = text.encode("utf-8")[:limit]
    return out.decode("utf-8", errors="ignore")


def unique(slugs_by_key: list[tuple[str, str]]) -> dict[str, str]:
    """[(sorted source key, wanted slug)] -> {key: unique slug}; suffixes by sorted key."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for key, slug in sorted(slugs_by_key):
        candidate, n = slug, 2
        while candidate.casefold() in taken:
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate.casefold())
        out[key] = candidate
    return out
