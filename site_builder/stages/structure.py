"""Body text -> blocks (headings, paragraphs, quotes, lists, images, rules ...).

Markdown inputs are parsed by markdown-it-py's block rules (so ``**bold**``
alone on a line, images and fences mean what CommonMark says); plain text is
cut at blank lines, or line by line when a scraper dropped every blank line.
Block text is always the source text itself, never a re-rendering, so the
cleaner, the footnote stage and the conservation check see what was written.
"""
from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt

from ..config import Config
from ..model import Block, BlockKind, Document
from ..util import lang as langs

STAGE = "structure"

_MD_SIGNS = (
    re.compile(r"^#{1,6} \S", re.M),
    re.compile(r"^\*\*[^*\n]+\*\*\s*$", re.M),
    re.compile(r"!\[[^\]\n]*\]\([^)\s]+\)"),
    re.compile(r"\[[^\]\n]+\]\((?:https?://|/|\./)[^)\s]*\)"),
    re.compile(r"^> ?\S", re.M),
    re.compile(r"^```", re.M),
    re.compile(r"^\s*[-*+] \S.*\n\s*[-*+] \S", re.M),
    re.compile(r"\[\^[^\]\s]+\]"),
)
_IMAGE_ONLY = re.compile(r"^\s*!\[(?P<alt>[^\]\n]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)\s*$")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(?P<t>[^*_\n].{0,200}?)\1\s*$")
_FINAL_PUNCT = re.compile(r"[.!?。！？；;:：,，、…”\"』」)）]$")
_ALLCAPS = re.compile(r"^[^a-z]*[A-Z]{2}[^a-z]*$")
_DIALOGUE = re.compile(r"^(?:[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|[\u4e00-\u9fff·]{2,8})\s*[:：]\s*\S")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|—{2,})\s*$")


def detect_format(body: str, path: str = "") -> str:
    """'markdown' when the file says so by extension or by two Markdown signs."""
    if path.lower().endswith((".md", ".markdown", ".mdown")):
        return "markdown"
    sample = body[:200_000]
    hits = sum(1 for rx in _MD_SIGNS if rx.search(sample))
    return "markdown" if hits >= 2 else "text"


def run(doc: Document, cfg: Config | None = None) -> Document:
    """Document with body -> Document with blocks, format and block languages."""
    fmt = detect_format(doc.body, doc.source.path)
    raw = _markdown_blocks(doc.body) if fmt == "markdown" else _text_blocks(doc.body)
    blocks = []
    for n, (kind, text, first, last, level, url) in enumerate(raw, 1):
        start = doc.body_line + first
        blocks.append(Block(
            id=f"b{n}", kind=kind, text=text, lines=(start, doc.body_line + last),
            lang=langs.detect(text), level=level, url=url))
    blocks = _mark_captions(blocks)
    return replace(doc, format=fmt, blocks=tuple(blocks))


Raw = tuple[BlockKind, str, int, int, int, str]


def _md() -> MarkdownIt:
    # Block structure only: inline parsing is the renderer's job, and skipping it here
    # keeps pathological inline input (100,000 `[n]`) from costing anything twice.
    return MarkdownIt("commonmark", {"html": False}).disable(["html_block", "inline", "reference"])


def _markdown_blocks(body: str) -> list[Raw]:
    lines = body.split("\n")
    tokens = _md().parse(body)
    out: list[Raw] = []
    depth = 0
    for tok in tokens:
        if tok.nesting == 1 and depth == 0 or (depth == 0 and tok.nesting == 0 and tok.map):
            if tok.map is None:
                continue
            first, last = tok.map[0], tok.map[1] - 1
            text = "\n".join(lines[first:last + 1]).strip()
            out.append(_md_kind(tok.type, tok.tag, text, first, last))
        depth += tok.nesting
    return [r for r in out if r[1]]


def _md_kind(ttype: str, tag: str, text: str, first: int, last: int) -> Raw:
    if ttype == "heading_open":
        level = int(tag[1])
        clean = re.sub(r"^\s*#{1,6}\s*|\s*#*\s*$", "", text) if text.lstrip().startswith("#") else text
        return (BlockKind.HEADING, clean.split("\n")[0] if not text.lstrip().startswith("#") else clean,
                first, last, level, "")
    if ttype == "blockquote_open":
        return (BlockKind.QUOTE, text, first, last, 0, "")
    if ttype in ("bullet_list_open", "ordered_list_open"):
        return (BlockKind.LIST, text, first, last, 0, "")
    if ttype == "hr":
        return (BlockKind.RULE, text, first, last, 0, "")
    if ttype in ("fence", "code_block"):
        return (BlockKind.CODE, text, first, last, 0, "")
    image = _IMAGE_ONLY.match(text)
    if image:
        return (BlockKind.IMAGE, image.group("alt"), first, last, 0, image.group("url"))
    bold = _BOLD_ONLY.match(text)
    if bold and "\n" not in text and len(bold.group("t")) <= 80:
        return (BlockKind.HEADING, bold.group("t").strip(), first, last, 2, "")
    if _all_caps_heading(text):
        return (BlockKind.HEADING, text, first, last, 2, "")
    return (BlockKind.PARAGRAPH, text, first, last, 0, "")


def _all_caps_heading(text: str) -> bool:
    stripped = text.strip()
    return "\n" not in stripped and bool(_ALLCAPS.match(stripped)) and 2 <= len(stripped.split()) <= 16 \
        and len(stripped) <= 120 and not stripped.endswith((".", ","))


def _text_blocks(body: str) -> list[Raw]:
    lines = body.split("\n")
    nonblank = sum(1 for ln in lines if ln.strip())
    blank_runs = sum(1 for i, ln in enumerate(lines[1:], 1) if not ln.strip() and lines[i - 1].strip())
    per_line = nonblank > 6 and blank_runs * 8 < nonblank
    spans: list[tuple[int, int]] = []
    start = None
    for i, ln in enumerate(lines + [""]):
        if ln.strip() and not per_line:
            start = i if start is None else start
            continue
        if start is not None:
            spans.append((start, i - 1))
            start = None
        if per_line and ln.strip():
            spans.append((i, i))
    raw = [(first, last, "\n".join(x.strip() for x in lines[first:last + 1])) for first, last in spans]
    out: list[Raw] = []
    for idx, (first, last, text) in enumerate(raw):
        nxt = raw[idx + 1][2] if idx + 1 < len(raw) else ""
        out.append(_text_kind(text, nxt, first, last))
    return out


def is_heading_like(text: str, following: str) -> bool:
    """A short line without final punctuation, followed by a longer paragraph."""
    if "\n" in text or not text.strip() or len(text) > 90:
        return False
    if _FINAL_PUNCT.search(text.strip()) or re.search(r"\d{1,2}:\d{2}", text):
        return False
    words = len(text.split())
    short = langs.han_count(text) <= 30 and (words <= 14 or langs.han_count(text) > words)
    return short and len(following) > max(60, 2 * len(text))


def _text_kind(text: str, following: str, first: int, last: int) -> Raw:
    stripped = text.strip()
    if _RULE.match(stripped):
        return (BlockKind.RULE, text, first, last, 0, "")
    if _all_caps_heading(stripped):
        return (BlockKind.HEADING, text, first, last, 2, "")
    if stripped.startswith((">", "＞")):
        return (BlockKind.QUOTE, text, first, last, 0, "")
    if _DIALOGUE.match(stripped) and len(stripped) > 30:
        return (BlockKind.DIALOGUE, text, first, last, 0, "")
    if is_heading_like(stripped, following):
        return (BlockKind.HEADING, text, first, last, 2, "")
    return (BlockKind.PARAGRAPH, text, first, last, 0, "")


def _mark_captions(blocks: list[Block]) -> list[Block]:
    """A short paragraph right after an image is that image's caption."""
    out = list(blocks)
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if prev.kind is BlockKind.IMAGE and cur.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING) \
                and len(cur.text) <= 300 and "\n" not in cur.text:
            out[i] = replace(cur, kind=BlockKind.CAPTION, level=0)
    return out
