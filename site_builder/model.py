"""The Document: one immutable value that every stage takes and returns.

Everything is a frozen dataclass of strings, numbers and tuples so that a
Document can be hashed, pickled to a worker process, cached by content hash
and serialised to the JSON form documented in docs/document-model.md.
Stages change a Document only through ``dataclasses.replace``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any, Iterable

SCHEMA_VERSION = 1


class Severity(str, Enum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class BlockKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    LIST = "list"
    IMAGE = "image"
    CAPTION = "caption"
    RULE = "rule"
    BYLINE = "byline"
    DEK = "dek"
    DIALOGUE = "dialogue"
    CODE = "code"
    NOTES_HEADING = "notes-heading"
    NOTE = "note"


class Layout(str, Enum):
    SINGLE = "single"
    INTERLEAVED = "interleaved"
    CONCATENATED = "concatenated"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in one input: what, where (file and line) and how bad."""

    severity: Severity
    code: str
    stage: str
    message: str
    path: str = ""
    line: int | None = None
    hint: str = ""

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Source:
    """The raw input as found on disk; sha256 and bytes are over the raw bytes."""

    path: str
    sha256: str
    bytes: int
    encoding: str


@dataclass(frozen=True, slots=True)
class Meta:
    title: str = ""
    date: str = ""
    lastmod: str = ""
    authors: tuple[str, ...] = ()
    site: str = ""
    source_url: str = ""
    lang: str = ""
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    summary: str = ""
    slug: str = ""
    draft: bool = False
    aliases: tuple[str, ...] = ()
    translation_key: str = ""
    publisher: str = ""
    editor: str = ""
    rights: str = ""
    # Theme-only and unknown front-matter fields, as canonical JSON text so
    # that Meta stays hashable; read them through ``extra``.
    extra_json: str = "{}"

    @property
    def extra(self) -> dict[str, Any]:
        return json.loads(self.extra_json)


@dataclass(frozen=True, slots=True)
class Mark:
    """A footnote marker inside a block's text: text[start:end] cites ``note``."""

    start: int
    end: int
    note: str


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of reading: a paragraph, heading, image, note ...

    ``lines`` is the 1-based inclusive span in the input file (LF-counted).
    ``text`` is the source text of the block (Markdown inline syntax kept for
    Markdown inputs); ``url`` carries an image's address.
    """

    id: str
    kind: BlockKind
    text: str
    lines: tuple[int, int]
    lang: str = ""
    level: int = 0
    url: str = ""
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class Removed:
    text: str
    reason: str
    lines: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Footnote:
    """A note. ``raw`` is the text as written, ``text`` the resolved text."""

    id: str
    text: str
    raw: str
    resolved: bool = True
    same_as: str | None = None
    refs: tuple[str, ...] = ()
    lines: tuple[int, int] = (0, 0)
    cited: bool = True


@dataclass(frozen=True, slots=True)
class AlignedPair:
    src: tuple[str, ...]
    tgt: tuple[str, ...]
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Links:
    """Cross-document facts filled in by the corpus stages (slugs)."""

    canonical: str = ""
    versions: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    translations: tuple[str, ...] = ()
    dedup_reason: str = ""


@dataclass(frozen=True, slots=True)
class Editorial:
    """The editor's corrections for one input, from content/<input stem>.toml.

    Kept as canonical JSON so the Document stays hashable; each stage reads
    its own table (``[meta]``, ``[clean]``, ``[align]`` ...) with ``section``.
    """

    path: str = ""
    data_json: str = "{}"

    def section(self, name: str) -> dict[str, Any]:
        value = json.loads(self.data_json).get(name, {})
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class Document:
    source: Source
    meta: Meta = field(default_factory=Meta)
    format: str = "text"
    layout: Layout = Layout.SINGLE
    blocks: tuple[Block, ...] = ()
    removed: tuple[Removed, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    alignment: tuple[AlignedPair, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    links: Links = field(default_factory=Links)
    editorial: Editorial = field(default_factory=Editorial)
    # The decoded body after front matter, and the file line it starts on.
    body: str = ""
    body_line: int = 1

    def warn(self, *diags: Diagnostic) -> "Document":
        return replace(self, warnings=self.warnings + tuple(diags))

    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)


def diag(
    severity: Severity, code: str, stage: str, message: str, path: str = "",
    line: int | None = None, hint: str = "",
) -> Diagnostic:
    return Diagnostic(severity, code, stage, message, path, line, hint)


# ---------------------------------------------------------------- JSON form

def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def to_json_dict(doc: Document) -> dict[str, Any]:
    """Document -> the documented JSON form (docs/document-model.md)."""
    meta = _plain(doc.meta)
    meta.pop("extra_json")
    meta["extra"] = doc.meta.extra
    return {
        "schema": SCHEMA_VERSION,
        "source": _plain(doc.source),
        "meta": meta,
        "format": doc.format,
        "layout": doc.layout.value,
        "blocks": [_plain(b) for b in doc.blocks],
        "removed": [_plain(r) for r in doc.removed],
        "footnotes": [_plain(f) for f in doc.footnotes],
        "alignment": [_plain(a) for a in doc.alignment],
        "links": _plain(doc.links),
        "warnings": [_plain(w) for w in doc.warnings],
    }


def dumps(data: Any) -> str:
    """Deterministic JSON text (sorted keys, UTF-8 kept, LF at end)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


_HOLE = "\x00list\x00"


def dumps_item(item: Any) -> str:
    """One item of the list ``dumps_with_list`` writes, as it appears there."""
    return json.dumps(item, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n  ")


def dumps_with_list(data: dict[str, Any], key: str, items: list[str]) -> str:
    """``dumps({**data, key: [...]})`` from items already written by ``dumps_item``: the
    preview writes again only the items that changed (an archive of 10,000 articles)."""
    text = dumps({**data, key: _HOLE})
    body = "[\n  " + ",\n  ".join(items) + "\n ]" if items else "[]"
    return text.replace(json.dumps(_HOLE), body, 1)


def iter_texts(doc: Document) -> Iterable[str]:
    """Every piece of text the model keeps: for the conservation checks."""
    m = doc.meta
    yield from (m.title, m.date, m.site, m.source_url, m.summary, m.publisher, m.editor, m.rights)
    yield from m.authors
    yield from m.tags
    yield from m.categories
    yield doc.meta.extra_json
    for b in doc.blocks:
        yield b.text
        yield b.url
    for f in doc.footnotes:
        yield f.raw
    for r in doc.removed:
        yield r.text
