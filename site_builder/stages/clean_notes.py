"""Notes sections (for clean): a notes heading and the note entries under it.

A notes section is not the article's running text, and to the chrome
remover it looks like a footer (a heading, then a long run of short lines),
yet the footnotes stage, which runs after clean, needs every note.  So the
cleaner finds notes sections first and keeps them out of its judgement.
What counts as a notes heading or a note entry is the footnotes stage's own
decision (its public ``is_notes_heading`` and ``is_note_entry``), so the two
stages cannot disagree.

A section is a block whose first line is a notes heading ("**注释：**",
"Notes", "References:"), followed by a note entry (on the heading block's
second line, or at the start of the next block); then every block that opens
with a note entry, and up to MAX_SANDWICH short blocks between two entries
(seed 000's "Link:https://..." line under note [9]).  One pass over the
blocks, one first-line test per block: linear.
"""
from __future__ import annotations

from typing import Sequence

from ..model import Block, BlockKind
from .footnotes import is_note_entry, is_notes_heading

MAX_SANDWICH = 2          # blocks without an entry allowed between two notes
MAX_SANDWICH_CHARS = 300  # ... each at most this long
# Kinds that end a notes section: nothing of a note continues across them.
_ENDS_NOTES = frozenset({BlockKind.RULE, BlockKind.IMAGE, BlockKind.CODE, BlockKind.CAPTION})


def notes_blocks(blocks: Sequence[Block]) -> frozenset[int]:
    """Blocks -> the indices of the blocks that belong to a notes section
    (its heading, its entries and what continues them)."""
    found: list[int] = []
    i = 0
    while i < len(blocks):
        end = section_end(blocks, i)
        found.extend(range(i, end))
        i = max(end, i + 1)
    return frozenset(found)


def section_end(blocks: Sequence[Block], i: int) -> int:
    """The index after the last block of the notes section that opens at block i,
    or i when none opens there."""
    head = blocks[i]
    if head.kind in _ENDS_NOTES or not is_notes_heading(_first_line(head.text)):
        return i
    second = head.text.split("\n", 2)[1] if "\n" in head.text else None
    if second is not None:
        if not is_note_entry(second):
            return i
    elif i + 1 >= len(blocks) or not _opens_note(blocks[i + 1]):
        return i
    return _entries_end(blocks, i + 1)


def _entries_end(blocks: Sequence[Block], k: int) -> int:
    """From block k on: the index after the last note entry (or continuation
    between two entries)."""
    end = k
    while k < len(blocks):
        if _opens_note(blocks[k]):
            k += 1
            end = k
            continue
        gap = k
        while gap < len(blocks) and gap - k < MAX_SANDWICH and not _opens_note(blocks[gap]) \
                and _continuation(blocks[gap]):
            gap += 1
        if gap == k or gap >= len(blocks) or not _opens_note(blocks[gap]):
            return end
        k = gap
    return end


def _opens_note(b: Block) -> bool:
    return b.kind not in _ENDS_NOTES and is_note_entry(_first_line(b.text))


def _continuation(b: Block) -> bool:
    """A short block that may continue the note above it (a link, a page)."""
    return b.kind not in _ENDS_NOTES and len(b.text) <= MAX_SANDWICH_CHARS \
        and not is_notes_heading(_first_line(b.text))


def _first_line(text: str) -> str:
    return text.partition("\n")[0]
