"""Metadata the text itself carries: title, date, authors, site, source URL ...

Provenance lines (bylines, datelines, the site-name header, the source link,
editor credits, rights notices) are not article text, but they are worth
keeping: their facts go into ``meta`` and the lines themselves into
``removed`` with the reason ``metadata: <field>``, so nothing is lost and the
page can show them as metadata.  Front matter always wins over inference.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

from ..config import Config
from ..model import Block, BlockKind, Document, Meta, Removed
from ..rules import provenance as P
from ..util.dates import find_date, parse_date
from .meta import hygiene
from .structure import is_heading_like

STAGE = "infer"
HEAD = 8          # provenance at the top lives within the first blocks
TAIL = 6          # ... and at the bottom within the last ones


def run(doc: Document, cfg: Config) -> Document:
    """Document with blocks -> Document with meta filled and provenance moved out."""
    blocks = list(doc.blocks)
    found: dict[str, str | tuple[str, ...]] = {}
    taken: dict[str, str] = {}          # block id -> reason
    _scan_head(blocks, found, taken)
    _scan_tail(blocks, found, taken)
    blocks = _split_dateline(blocks, found, taken, doc)
    _find_title(blocks, found, taken, doc.meta)
    meta, warns = hygiene(_merge(doc.meta, found, blocks, taken), doc.source.path)
    kept = [b for b in blocks if b.id not in taken]
    removed = [Removed(b.text, taken[b.id], b.lines) for b in doc.blocks if b.id in taken]
    if "_dateline" in found:
        text, lines = found["_dateline"]
        removed.append(Removed(text.strip(), "metadata: site (dateline)", lines))
    return replace(doc, meta=meta, blocks=tuple(kept), removed=doc.removed + tuple(removed),
                   warnings=doc.warnings + tuple(w for w in warns if w not in doc.warnings))


def _scan_head(blocks: list[Block], found: dict, taken: dict) -> None:
    for i, b in enumerate(blocks[:HEAD]):
        text = b.text.strip()
        if "authors" not in found and (names := byline_names(text)):
            found["authors"] = names
            if (org := P.PUBLISHER_IN_BYLINE.search(text)) and "文" in text[:3]:
                found["publisher"] = org.group("org")
            taken[b.id] = "metadata: authors"
        elif "date" not in found and (d := _date_line(text)):
            found["date"] = d
            taken[b.id] = "metadata: date"
        elif i == 0 and _site_name(text, blocks):
            found["site"] = text
            taken[b.id] = "metadata: site"
        elif P.DEK.match(text) and b.kind is BlockKind.PARAGRAPH:
            blocks[i] = replace(b, kind=BlockKind.DEK)


def _scan_tail(blocks: list[Block], found: dict, taken: dict) -> None:
    for b in blocks[-TAIL:] + blocks[:HEAD]:
        text = b.text.strip()
        if b.id in taken:
            continue
        if (m := P.SOURCE_LINE.match(text)) and "source_url" not in found:
            found["source_url"] = m.group("url")
            taken[b.id] = "metadata: source_url"
        elif (m := P.LINK_ONLY.match(text)) and b is blocks[-1]:
            found["source_url"] = m.group("url")
            found.setdefault("site", m.group("text"))
            taken[b.id] = "metadata: source_url"
        elif len(text) < 400 and P.RIGHTS.search(text) and b in blocks[-TAIL:]:
            found["rights"] = text.strip("*_ ")
            taken[b.id] = "metadata: rights"
    for b in blocks:
        if b.id not in taken and (m := P.EDITOR.match(b.text.strip())) and len(b.text) < 50:
            found["editor"] = m.group("name")
            taken[b.id] = "metadata: editor"


def _split_dateline(blocks: list[Block], found: dict, taken: dict, doc: Document) -> list[Block]:
    """'TMTPOST --- Currently, ...': the site goes to meta, the sentence stays."""
    out = list(blocks)
    for i, b in enumerate(out[:HEAD]):
        m = P.DATELINE.match(b.text)
        if m and b.id not in taken and len(b.text) > 80:
            found.setdefault("site", m.group("site"))
            found.setdefault("_dateline", (b.text[:m.end()], b.lines))
            out[i] = replace(b, text=b.text[m.end():])
            break
    return out


def _find_title(blocks: list[Block], found: dict, taken: dict, meta: Meta) -> None:
    """First heading, or the short line just above the byline, or the first short line."""
    free = [b for b in blocks[:HEAD] if b.id not in taken and b.kind is not BlockKind.DEK]
    if not free:
        return
    byline_at = next((i for i, b in enumerate(blocks[:HEAD]) if taken.get(b.id) in
                      ("metadata: authors", "metadata: date")), None)
    candidates = free
    if byline_at is not None:
        above = [b for b in blocks[:byline_at] if b in free]
        candidates = list(reversed(above)) or free
    for b in candidates:
        if _title_like(b, blocks):
            if meta.title and _norm(meta.title) != _norm(b.text):
                return
            found["title"] = b.text.strip().strip("#*_ ").strip()
            taken[b.id] = "metadata: title"
            return


def _title_like(b: Block, blocks: list[Block]) -> bool:
    text = b.text.strip()
    if b.kind is BlockKind.HEADING:
        return True
    if b.kind is not BlockKind.PARAGRAPH or "\n" in text or len(text) > 120 or len(text) < 4:
        return False
    idx = blocks.index(b)
    following = blocks[idx + 1].text if idx + 1 < len(blocks) else ""
    return is_heading_like(text, following) or len(text) <= 60


def _merge(meta: Meta, found: dict, blocks: list[Block], taken: dict) -> Meta:
    """Front matter wins; inference fills what it left empty."""
    langs = Counter(b.lang for b in blocks if b.lang and b.id not in taken
                    for _ in range(max(1, len(b.text) // 100)))
    languages = meta.languages or tuple(lang for lang, _ in langs.most_common())
    site = meta.site or str(found.get("site", ""))
    url = meta.source_url or str(found.get("source_url", ""))
    if url and (not site or site.lower() == _host(url).split(".")[0]):
        site = _host(url) or site
    return replace(
        meta,
        title=meta.title or str(found.get("title", "")),
        date=meta.date or str(found.get("date", "")),
        authors=meta.authors or tuple(found.get("authors", ())),
        site=site,
        source_url=url,
        publisher=meta.publisher or str(found.get("publisher", "")),
        editor=meta.editor or str(found.get("editor", "")),
        rights=meta.rights or str(found.get("rights", "")),
        languages=languages,
        lang=meta.lang or (languages[0] if languages else ""),
    )


def byline_names(text: str) -> tuple[str, ...]:
    """A byline in any of the usual shapes -> the names, else ()."""
    if len(text) > 120 or "\n" in text:
        return ()
    if m := P.ZH_BYLINE.match(text):
        names = m.group("names")
    elif m := P.EN_BYLINE.match(text):
        names = m.group("names")
    elif P.CAPS_NAMES.match(text):
        names = text
    else:
        return ()
    names = P.ROLE_PREFIX.sub("", names)
    parts = [n.strip(" .，,") for n in P.NAME_SPLIT.split(names) if n.strip(" .，,")]
    return tuple(_case(n) for n in parts if 1 < len(n) <= 40)


def _case(name: str) -> str:
    return name.title() if name.isupper() else name


def _date_line(text: str) -> str:
    if len(text) > 40 or "\n" in text:
        return ""
    d = parse_date(text)
    rest = re.sub(r"[\d年月日:：\-/. ,T]|[A-Za-z]{3,9}", "", text)
    return d if d and len(rest) <= 4 else ""


def _site_name(text: str, blocks: list[Block]) -> bool:
    """A short first line that names a site: repeated at the tail, or a site-like name."""
    if len(text) > 30 or len(re.findall(r"\w", text)) < 2 or "\n" in text or re.search(r"[。.!?！？:：]", text):
        return False
    tail = {b.text.strip() for b in blocks[max(len(blocks) - 12, HEAD):]}
    return text in tail or (len(text) <= 12 and bool(P.SITE_SUFFIX.search(text)))


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    parts = host.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 and parts[0] in ("www", "new", "m", "news") else \
        (host[4:] if host.startswith("www.") else host)


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


__all__ = ["run", "byline_names", "find_date"]
