"""Notes sections and footnote markers -> doc.footnotes and block.marks.

Scraped articles carry their notes as plain paragraphs (``**注释：**`` then
``[1]...``), so this stage finds the notes section, moves its entries out of
the running text into ``doc.footnotes``, resolves ``Idem.``/``同上`` to the
note before, and records every marker as a ``Mark`` (offsets into
``block.text``).  Markdown's own ``[^label]`` syntax is handled here too: the
mdit-py-plugins footnote rule drops uncited and duplicate notes silently,
so this stage decides and warns, and the renderer only draws.  One pass over
the blocks, one regex scan per block: linear in the size of the document.
The word and pattern tables are in rules/footnotes.py; see docs/footnotes.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable

from ..config import Config
from ..model import Block, BlockKind, Diagnostic, Document, Footnote, Mark, Removed, Severity, diag
from ..rules import footnotes as R

STAGE = "footnotes"

# Block kinds that end a notes section (a note never continues across them).
STOP_KINDS = frozenset({BlockKind.RULE, BlockKind.IMAGE, BlockKind.CODE, BlockKind.CAPTION,
                        BlockKind.NOTES_HEADING})
SKIP_MARKERS = frozenset({BlockKind.CODE, BlockKind.IMAGE, BlockKind.RULE})
MAX_LISTED = 30          # items named in one warning message
MAX_SANDWICH = 2         # plain blocks allowed between two notes
MAX_SANDWICH_CHARS = 300


# ------------------------------------------------------------------ working records
@dataclass(slots=True)
class _Note:
    """A note while it is being read: label, text lines and where it was written."""

    label: str
    content: list[str]
    raw: list[str]
    first: int
    last: int
    lang: str
    nid: str = ""


@dataclass(slots=True)
class _Section:
    """One notes section; ``pos`` is where it sits among the kept blocks."""

    pos: int
    notes: list[_Note] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ the stage
def run(doc: Document, cfg: Config | None = None) -> Document:
    """Document with blocks -> notes moved to doc.footnotes, markers in block.marks, warnings."""
    keep, sections, removed = _split_sections(doc.blocks, _cited_labels(doc.blocks))
    dups, diags = _assign_ids(sections, doc.source.path)
    marked, refs, dangling = _mark_blocks(keep, sections, doc.format)
    notes, idem_diags = _resolve(sections, refs, doc.format, doc.source.path)
    diags += idem_diags + _usage_warnings(notes, dups, dangling, doc.source.path, bool(sections))
    return replace(doc, blocks=tuple(marked), footnotes=notes,
                   removed=doc.removed + tuple(removed)).warn(*diags)


# ------------------------------------------------------------------ finding the notes
def _entry(line: str, family: str | None = None) -> tuple[str, str, int] | None:
    """A line -> (family, label, end of the label) when it opens a note entry."""
    m = R.ENTRY.match(line)
    if not m:
        return None
    fam = "br" if m.lastgroup in ("br", "ln") else m.lastgroup or ""
    if family is not None and fam != family:
        return None
    label = m.group(m.lastgroup or "")
    return fam, _norm_label(label) if fam != "fn" else label, m.end()


def _norm_label(label: str) -> str:
    digits = label.translate(R.DIGITS)
    return str(int(digits)) if digits.isdigit() else digits


def _heading_key(text: str) -> str:
    return " ".join(text.strip().strip(R.HEADING_TRIM).split()).casefold()


def is_notes_heading(text: str) -> bool:
    """'**注释：**', '## Notes', 'References:' ... -> True (the text alone, no entry check)."""
    return len(text) <= 60 and _heading_key(text) in R.NOTES_HEADINGS


def is_note_entry(line: str) -> bool:
    """'[1] text', '［1］text', '[^a]: text' -> True: lets other stages leave notes alone."""
    found = _entry(line)
    return found is not None and found[0] in ("br", "fn")


def as_written(raw: str) -> str:
    """A note's ``raw`` ('[3] Idem.') -> the words after its number ('Idem.'), for display."""
    found = _entry(raw)
    return raw[found[2]:] if found else raw


def _cited_labels(blocks: Iterable[Block]) -> frozenset[str]:
    """Every bracketed number written mid-line: lets a lone ``[n] text`` block count as a note."""
    found: set[str] = set()
    for b in blocks:
        found.update(_norm_label(x) for x in R.BR_MID.findall(b.text))
    return frozenset(found)


def _section_start(blocks: tuple[Block, ...], i: int, cited: frozenset[str]) -> tuple[int, str] | None:
    """Does a notes section start at block i?  -> (lines of heading to skip, entry family)."""
    b = blocks[i]
    lines = b.text.split("\n")
    if b.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.NOTES_HEADING) \
            and is_notes_heading(lines[0]):
        nxt = lines[1] if len(lines) > 1 else (blocks[i + 1].text if i + 1 < len(blocks) else "")
        found = _entry(nxt)
        return (1, found[0]) if found else None
    found = _entry(lines[0])
    if found is None or found[0] in ("sup", "num") or b.kind in SKIP_MARKERS:
        return None
    if found[0] == "fn" or found[1] in cited:
        return 0, found[0]
    more = any(_entry(ln, "br") for ln in lines[1:]) or \
        (i + 1 < len(blocks) and _entry(blocks[i + 1].text, "br") is not None)
    return (0, "br") if more else None


def _split_sections(blocks: tuple[Block, ...], cited: frozenset[str]
                    ) -> tuple[list[Block], list[_Section], list[Removed]]:
    """Blocks -> (blocks of running text, notes sections, removed headings)."""
    keep: list[Block] = []
    sections: list[_Section] = []
    removed: list[Removed] = []
    i = 0
    while i < len(blocks):
        start = _section_start(blocks, i, cited)
        if start is None:
            keep.append(blocks[i])
            i += 1
            continue
        skip, family = start
        section = _Section(pos=len(keep))
        i = _read_section(blocks, i, skip, family, section, removed)
        sections.append(section)
    return keep, sections, removed


def _read_section(blocks: tuple[Block, ...], i: int, skip: int, family: str,
                  section: _Section, removed: list[Removed]) -> int:
    """Read note entries from block i on (after ``skip`` heading lines); -> next block index."""
    if skip:
        head = blocks[i]
        text = "\n".join(head.text.split("\n")[:skip])
        removed.append(Removed(text, "footnotes: notes heading", (head.lines[0], head.lines[0] + skip - 1)))
        if "\n" not in head.text:
            i, skip = i + 1, 0
    notes = section.notes
    while i < len(blocks):
        b = blocks[i]
        lines = b.text.split("\n")[skip:]
        found = _entry(lines[0], family)
        if found:
            _read_entries(b, lines, skip, family, notes, found)
        elif not notes or not _continues(blocks, i, family, notes[-1]):
            break
        else:
            _append(notes[-1], b.text.split("\n"), b.lines[0], "\n\n")
        i, skip = i + 1, 0
    return i


def _read_entries(b: Block, lines: list[str], skip: int, family: str, notes: list[_Note],
                  found: tuple[str, str, int] | None) -> None:
    """The lines of one block (the first one an entry: ``found``) -> new notes, or
    continuation lines of the last one."""
    for k, line in enumerate(lines):
        number = b.lines[0] + skip + k
        found = found if k == 0 else _entry(line, family)
        if found:
            notes.append(_Note(found[1], [line[found[2]:]], [line], number, number, b.lang))
        else:
            _append(notes[-1], [line], number, "\n")


def _append(note: _Note, lines: list[str], first: int, sep: str) -> None:
    note.raw.append(sep + "\n".join(lines))
    note.content.extend(lines)
    note.last = first + len(lines) - 1


def _continues(blocks: tuple[Block, ...], i: int, family: str, note: _Note) -> bool:
    """Is block i (not an entry) part of the note before it?"""
    b = blocks[i]
    if b.kind in STOP_KINDS or is_notes_heading(b.text.split("\n")[0]):
        return False
    if R.LINK_LEAD.match(b.text.lstrip()):
        return True
    for j in range(i, min(i + MAX_SANDWICH, len(blocks) - 1)):
        c = blocks[j]
        if c.kind in STOP_KINDS or c.kind is BlockKind.HEADING or len(c.text) > MAX_SANDWICH_CHARS \
                or c.lang not in ("", note.lang):
            return False
        if _entry(blocks[j + 1].text, family):
            return True
    return False


# ------------------------------------------------------------------ resolving notes
def _assign_ids(sections: list[_Section], path: str) -> tuple[frozenset[str], list[Diagnostic]]:
    """Give every note a unique id (its label; '2-2' for a repeated number) and fill
    each section's label -> id map (first definition wins); FN003 for repeats."""
    used: set[str] = set()
    next_k: dict[str, int] = {}
    dups: list[tuple[str, int]] = []
    dup_ids: set[str] = set()
    for sec in sections:
        first_line: dict[str, int] = {}
        for note in sec.notes:
            note.nid = _unique_id(note.label, used, next_k)
            if note.label in first_line:
                dups.append((f"[{note.label}] lines {first_line[note.label]} and {note.first} ({note.nid})",
                             first_line[note.label]))
                dup_ids.add(note.nid)
            else:
                first_line[note.label] = note.first
                sec.ids[note.label] = note.nid
    if not dups:
        return frozenset(), []
    return frozenset(dup_ids), [diag(Severity.WARNING, "FN003", STAGE, "duplicate note numbers: " + _listing(dups),
                                     path, dups[0][1], "Both notes are kept; markers point to the first one.")]


def _unique_id(label: str, used: set[str], next_k: dict[str, int]) -> str:
    nid, k = label, next_k.get(label, 2)
    while nid in used:
        nid, k = f"{label}-{k}", k + 1
    next_k[label] = k
    used.add(nid)
    return nid


def _resolve(sections: list[_Section], refs: dict[str, list[str]], fmt: str, path: str
             ) -> tuple[tuple[Footnote, ...], list[Diagnostic]]:
    """Sections -> Footnotes in written order, Idem/Ibid resolved within a section; FN004."""
    out: list[Footnote] = []
    diags: list[Diagnostic] = []
    for sec in sections:
        prev: Footnote | None = None
        for note in sec.notes:
            prev, warn = _footnote(note, tuple(refs.get(note.nid, ())), prev, fmt, path)
            out.append(prev)
            diags += warn
    return tuple(out), diags


def _footnote(note: _Note, refs: tuple[str, ...], prev: Footnote | None, fmt: str, path: str
              ) -> tuple[Footnote, list[Diagnostic]]:
    """One read note -> Footnote; an Idem/Ibid takes the text of ``prev``."""
    text = plain_text("\n".join(ln.strip() for ln in note.content if ln.strip()), fmt)
    resolved, same_as, warn = True, None, []
    idem = R.IDEM.match(text)
    if idem and prev is None:
        resolved = False
        warn = [diag(Severity.WARNING, "FN004", STAGE,
                     f"note [{note.label}] says {text[:40]!r} but no note comes before it",
                     path, note.first, "Write the source out in full.")]
    elif idem and prev is not None:
        resolved, same_as = prev.resolved, prev.id
        if prev.resolved:               # an unresolved chain keeps its own words
            text = _same_as_text(prev.text, text[idem.end():], idem.group("w"))
    return Footnote(id=note.nid, text=text, raw="".join(note.raw), resolved=resolved, same_as=same_as,
                    refs=refs, lines=(note.first, note.last), cited=bool(refs)), warn


def _same_as_text(base: str, rest: str, word: str) -> str:
    """Previous note's text + what followed 'Ibid.' (a page: ', p. 45.')."""
    suffix = rest.strip().lstrip(",，;；:：.。 ")
    if not suffix:
        return base
    cjk = not word.isascii()
    return base.rstrip(" .。") + ("，" if cjk else ", ") + suffix


def plain_text(text: str, fmt: str = "markdown") -> str:
    """Note text as written -> plain text: Markdown links, emphasis and escapes undone,
    every URL and DOI set apart so that a linkifier takes exactly the address."""
    if "](" in text:
        text = R.MD_INLINE_LINK.sub(_link_as_text, text)
    if "<" in text:
        text = R.AUTOLINK.sub(r"\1", text)
    if fmt == "markdown" and "*" in text:
        text = R.EM.sub(r"\1", R.BOLD.sub(r"\1", text))
    if "\\" in text:
        text = R.ESCAPE.sub(r"\1", text)
    if "10." in text:
        text = R.DOI_LEAD.sub(r"\1: ", text)
    return R.URL.sub(lambda m: _delimit(m, text), text)


def _link_as_text(m: re.Match[str]) -> str:
    label, url = m.group(1), m.group(2) or m.group(3)
    return url if label.strip() in (url, url.rstrip("/")) else f"{label} ({url})"


def _delimit(m: re.Match[str], text: str) -> str:
    """A space before a URL glued to a word ('Link:https') and after one glued to CJK text."""
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    lead = " " if (before.isalnum() or before in ":：") and not m.group(0).lower().startswith("doi") else ""
    tail = " " if not after.isascii() and not after.isspace() and after not in "。，；：）】」』、" else ""
    return lead + m.group(0) + tail


# ------------------------------------------------------------------ markers
def _mark_blocks(keep: list[Block], sections: list[_Section], fmt: str
                 ) -> tuple[list[Block], dict[str, list[str]], list[tuple[str, int]]]:
    """Blocks -> blocks with marks, note id -> citing block ids, (dangling marker, line)."""
    first_def: dict[str, str] = {}
    for sec in sections:
        for label, nid in sec.ids.items():
            first_def.setdefault(label, nid)
    refs: dict[str, list[str]] = {}
    dangling: list[tuple[str, int]] = []
    out: list[Block] = []
    s = 0
    for k, b in enumerate(keep):
        while s < len(sections) - 1 and sections[s].pos <= k:
            s += 1
        scope = sections[s].ids if sections else {}
        found = list(_marks(b, fmt, scope, first_def))
        line, pos = b.lines[0], 0
        for mk, known in found:
            if known:
                refs.setdefault(mk.note, []).append(b.id)
                continue
            line, pos = line + b.text.count("\n", pos, mk.start), mk.start
            dangling.append((f"[{mk.note}] {b.id} line {line}", line))
        marks = tuple(mk for mk, _ in found)
        out.append(replace(b, marks=marks) if marks or b.marks else b)
    return out, refs, dangling


def _marks(b: Block, fmt: str, scope: dict[str, str], first_def: dict[str, str]
           ) -> Iterable[tuple[Mark, bool]]:
    """The markers of one block, each with 'has a note'; false ones (links, years,
    units, code) left out.  A marker's own section is searched first, then any."""
    if b.kind in SKIP_MARKERS or not _may_mark(b.text):
        return
    code = [m.span() for m in R.CODE_SPAN.finditer(b.text)] if fmt == "markdown" and "`" in b.text else []
    c = 0
    for m in R.MARKER.finditer(b.text):
        while c < len(code) and code[c][1] <= m.start():
            c += 1
        if c < len(code) and code[c][0] <= m.start():
            continue
        label = _marker_label(b.text, m)
        if label is None:
            continue
        nid = scope.get(label) or first_def.get(label)
        if nid is None and not _may_dangle(m, label):
            continue
        yield Mark(m.start(), m.end(), nid or label), nid is not None


def _may_mark(text: str) -> bool:
    return R.MAY_MARK.search(text) is not None


def _marker_label(text: str, m: re.Match[str]) -> str | None:
    """A marker match -> its label, or None when the match is something else."""
    if m.group("link") is not None:
        return _norm_label(m.group("ln")) if "#" in m.group("href") else None
    if m.group("fn") is not None:
        return m.group("fn")
    if m.group("br") is not None:
        if R.MD_LINK_AFTER.match(text, m.end()):
            return None                      # [1](https://...) is a Markdown link
        at_line_start = m.start() == 0 or text[m.start() - 1] == "\n"
        if at_line_start and text[m.end():m.end() + 1] in (":", "："):
            return None                      # [1]: url is a link reference definition
        return _norm_label(m.group("br"))
    before = text[max(0, m.start() - 3):m.start()]
    if before[-1:].isdigit() or before[-1:] in "^⁰¹²³⁴⁵⁶⁷⁸⁹" or R.UNIT_BEFORE.search(before):
        return None                          # 10⁹, m², km³, mc² are not markers
    return _norm_label(m.group("sup"))


def _may_dangle(m: re.Match[str], label: str) -> bool:
    """A marker with no note is still a marker unless it looks like a year, a zero or a power."""
    if m.group("sup") is not None:
        return False
    return m.group("fn") is not None or (label.isdigit() and len(label) < 4 and label != "0")


# ------------------------------------------------------------------ warnings
def _usage_warnings(notes: tuple[Footnote, ...], dups: frozenset[str], dangling: list[tuple[str, int]],
                    path: str, has_notes: bool) -> list[Diagnostic]:
    """FN001 markers without a note, FN002 notes never cited: one warning each, ids and lines."""
    out: list[Diagnostic] = []
    if dangling:
        hint = ("Add the note under a notes heading." if has_notes else
                "This copy has no notes section; the notes may be in another copy of the article.")
        out.append(diag(Severity.WARNING, "FN001", STAGE,
                        f"{len(dangling)} footnote marker(s) with no note: " + _listing(dangling),
                        path, dangling[0][1], hint))
    unused = [(f"[{n.id}] line {n.lines[0]}", n.lines[0]) for n in notes if not n.cited and n.id not in dups]
    if unused:
        out.append(diag(Severity.WARNING, "FN002", STAGE,
                        f"{len(unused)} note(s) never cited: " + _listing(unused),
                        path, unused[0][1], "The notes are kept and shown as uncited notes."))
    return out


def _listing(items: list[tuple[str, int]]) -> str:
    """The first MAX_LISTED items named, the rest counted: one readable line per warning."""
    shown = ", ".join(text for text, _ in items[:MAX_LISTED])
    return shown + (f", ... and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")
