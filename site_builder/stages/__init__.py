"""The order of the stages: the only place it lives (markdown-it-py's rule chain).

Per-document stages are pure ``(Document, Config) -> Document`` functions and
may run in worker processes; corpus stages see every Document at once and
return them all.  An extension inserts a named stage with ``insert_after``.
"""
from __future__ import annotations

from typing import Callable

from ..config import Config
from ..model import Document
from . import align, clean, dedup, footnotes, infer, languages, crosslink, site_chrome, structure

DocStage = Callable[[Document, Config], Document]
CorpusStage = Callable[[tuple[Document, ...], Config], tuple[Document, ...]]

DOC_STAGES: tuple[tuple[str, DocStage], ...] = (
    ("structure", structure.run),
    ("infer", infer.run),
    ("clean", clean.run),
    ("footnotes", footnotes.run),
    ("languages", languages.run),
    ("align", align.run),
)

CORPUS_STAGES: tuple[tuple[str, CorpusStage], ...] = (
    ("site_chrome", site_chrome.run),
    ("dedup", dedup.run),
    ("crosslink", crosslink.run),
)


def insert_after(chain: tuple, name: str, new: tuple) -> tuple:
    """Return ``chain`` with ``new`` (name, fn) inserted after the stage ``name``."""
    idx = [n for n, _ in chain].index(name)
    return chain[:idx + 1] + (new,) + chain[idx + 1:]
