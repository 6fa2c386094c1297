"""Front-matter fields -> Meta, coercing Hugo's loosely typed values.

Hugo's standard fields are honoured; everything else (theme switches such as
menu, sidebar, widgets, comments) is kept in ``meta.extra`` and never shown.
Coercions follow what an author meant: ``draft: "no"`` is not a draft, a
scalar ``tags`` is a one-item list, an ``authors`` mapping yields its names.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from ..model import Diagnostic, Meta, Severity, diag
from ..util.dates import parse_date
from ..util.text import mixed_script_words, strip_invisible

STAGE = "meta"

KNOWN = {
    "title", "date", "lastmod", "publishdate", "draft", "slug", "aliases", "summary",
    "description", "tags", "categories", "lang", "language", "translationkey", "author",
    "authors", "site", "source", "source_url", "original_url", "sourceurl", "editor",
    "rights", "copyright",
}


def from_fields(fields: dict[str, Any], path: str, line: int = 1) -> tuple[Meta, tuple[Diagnostic, ...]]:
    """Front-matter mapping -> (Meta, warnings)."""
    f = {k.lower(): v for k, v in fields.items()}
    warns: list[Diagnostic] = []

    def warn(code: str, msg: str) -> None:
        warns.append(diag(Severity.WARNING, code, STAGE, msg, path, line))

    extra = {k: v for k, v in fields.items() if k.lower() not in KNOWN}
    if fields and not (set(f) & KNOWN):
        warn("FM006", "front matter has no known Hugo field; kept under meta.extra")
    date = _date(f.get("date") or f.get("publishdate"), "date", warn)
    langs = _strings(f.get("lang", f.get("language")), "lang", warn)
    meta = Meta(
        title=_string(f.get("title"), "title", warn),
        date=date,
        lastmod=_date(f.get("lastmod"), "lastmod", warn),
        authors=_names(f.get("authors", f.get("author")), warn),
        site=_string(f.get("site"), "site", warn),
        source_url=_string(f.get("source_url") or f.get("original_url") or f.get("sourceurl")
                           or f.get("source"), "source_url", warn),
        lang=langs[0] if langs else "",
        tags=_strings(f.get("tags"), "tags", warn),
        categories=_strings(f.get("categories"), "categories", warn),
        summary=_string(f.get("summary") or f.get("description"), "summary", warn),
        slug=_string(f.get("slug"), "slug", warn),
        draft=_bool(f.get("draft"), warn),
        aliases=_strings(f.get("aliases"), "aliases", warn),
        translation_key=_string(f.get("translationkey"), "translationKey", warn),
        editor=_string(f.get("editor"), "editor", warn),
        rights=_string(f.get("rights") or f.get("copyright"), "rights", warn),
        extra_json=json.dumps(extra, ensure_ascii=False, sort_keys=True),
    )
    meta, more = hygiene(meta, path, line)
    return meta, tuple(warns) + more


def hygiene(meta: Meta, path: str, line: int | None = None) -> tuple[Meta, tuple[Diagnostic, ...]]:
    """Invisible controls out of titles and names (UNI-1); confusable titles warned (UNI-2)."""
    warns = []
    changes: dict[str, Any] = {}
    for name in ("title", "site", "publisher", "editor", "summary"):
        clean, found = strip_invisible(getattr(meta, name))
        if found:
            changes[name] = clean
            warns.append(diag(Severity.WARNING, "UNI001", STAGE,
                              f"{name}: invisible characters removed: {', '.join(found)}", path, line))
    authors = [strip_invisible(a) for a in meta.authors]
    if any(found for _, found in authors):
        changes["authors"] = tuple(a for a, _ in authors)
        warns.append(diag(Severity.WARNING, "UNI001", STAGE, "authors: invisible characters removed", path, line))
    mixed = mixed_script_words(changes.get("title", meta.title))
    if mixed:
        warns.append(diag(Severity.WARNING, "UNI002", STAGE,
                          f"title mixes scripts in {', '.join(mixed[:3])!r} (confusable letters?)", path, line))
    return (replace(meta, **changes) if changes else meta), tuple(warns)


def _string(value: Any, name: str, warn: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        warn("FM007", f"{name}: expected text, got a list; joined")
        return ", ".join(_string(v, name, warn) for v in value)
    if isinstance(value, dict):
        warn("FM007", f"{name}: expected text, got a mapping; ignored")
        return ""
    return str(value).strip()


def _strings(value: Any, name: str, warn: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")] if "," in value else [value.strip()]
        return tuple(p for p in parts if p)
    if isinstance(value, dict):
        warn("FM007", f"{name}: expected a list, got a mapping; its keys used")
        return tuple(str(k) for k in value)
    if isinstance(value, (list, tuple)):
        out = [_string(v, name, warn) for v in value]
        return tuple(dict.fromkeys(s for s in out if s))
    return (str(value),)


def _names(value: Any, warn: Any) -> tuple[str, ...]:
    """authors as text, list, list of mappings or a mapping -> names."""
    if isinstance(value, dict):
        value = [value.get("name") or value.get("Name") or k for k in value] if "name" not in value else [value]
    if isinstance(value, list):
        names = []
        for item in value:
            if isinstance(item, dict):
                names.append(str(item.get("name") or item.get("Name") or next(iter(item), "")))
            else:
                names.append(str(item))
        return tuple(n.strip() for n in names if n and n.strip())
    if isinstance(value, str):
        return tuple(n.strip() for n in re.split(r"\s*(?:,|、|;| and |&)\s*", value) if n.strip())
    return ()


_FALSE = {"false", "no", "n", "off", "0", ""}


def _bool(value: Any, warn: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in _FALSE:
        return False
    if text in {"true", "yes", "y", "on", "1"}:
        return True
    warn("FM007", f"draft: {value!r} is not a yes/no value; taken as not a draft")
    return False


def _date(value: Any, name: str, warn: Any) -> str:
    if value is None or value == "":
        return ""
    parsed = parse_date(str(value))
    if not parsed:
        warn("FM007", f"{name}: {str(value)[:60]!r} is not a date; ignored")
    return parsed
