"""Unicode hygiene for short metadata strings (titles, names, sites).

Bidi overrides and isolates, LRM/RLM, zero-width characters and a stray BOM
are invisible and can make a title read differently from what it is
(Trojan-Source style); they are removed from metadata and reported.
"""
from __future__ import annotations

import re
import unicodedata

INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SCRIPTS = (("LATIN", re.compile(r"[A-Za-z\u00c0-\u024f]")), ("CYRILLIC", re.compile(r"[\u0400-\u04ff]")),
            ("GREEK", re.compile(r"[\u0370-\u03ff]")))


def strip_invisible(text: str) -> tuple[str, list[str]]:
    """(text without invisible controls, the code points removed as U+XXXX)."""
    found = sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(text)})
    return (INVISIBLE.sub("", text), found) if found else (text, [])


def mixed_script_words(text: str) -> list[str]:
    """Words that mix Latin with Cyrillic or Greek letters (confusable spoofing)."""
    out = []
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", text)):
        scripts = {name for name, rx in _SCRIPTS if rx.search(word)}
        if len(scripts) > 1:
            out.append(word)
    return out
