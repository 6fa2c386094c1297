"""Every block's fate, in file order: kept, or removed with its reason.

Reads only the finished Document (blocks and removed[]), so it explains the
decisions of every stage -- infer's metadata moves and the cleaner's chrome
alike -- without reaching into any stage.
"""
from __future__ import annotations

from .model import Document


def explain_rows(doc: Document) -> list[tuple[int, str, str, str]]:
    """(first line, KEEP/DROP, kind or reason, text) sorted by line."""
    rows = [(b.lines[0], "KEEP", b.kind.value, b.text) for b in doc.blocks]
    rows += [(r.lines[0], "DROP", r.reason, r.text) for r in doc.removed]
    rows += [(f.lines[0], "NOTE", f"footnote {f.id}", f.raw) for f in doc.footnotes]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def explain_text(doc: Document, width: int = 70) -> str:
    out = []
    for line, verdict, why, text in explain_rows(doc):
        flat = " ".join(text.split())
        flat = flat if len(flat) <= width else flat[: width - 1] + "…"
        out.append(f"{verdict} l.{line:<5} {why:<32} {flat}")
    return "\n".join(out) + "\n"
