"""Dates as written in Chinese and English articles -> ISO 8601 text.

Dates stay text ("2025-01-24" or "2025-02-13T08:53:53") so that the model
never depends on the build machine's time zone.
"""
from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ZH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})[:：](\d{2}))?")
_EN_MDY = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_EN_DMY = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})\.?,?\s+(\d{4})\b")


def _iso(y: str, m: str | int, d: str, hh: str | None = None, mm: str | None = None,
         ss: str | None = None) -> str:
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return ""
    if not 1900 <= day.year <= 2200:
        return ""
    text = day.isoformat()
    if hh is not None and mm is not None and int(hh) < 24 and int(mm) < 60:
        text += f"T{int(hh):02d}:{int(mm):02d}" + (f":{int(ss):02d}" if ss else ":00")
    return text


def find_date(text: str) -> str:
    """The first date written in ``text`` (ISO, Chinese or English forms), or ''."""
    text = text[:2000]
    candidates = []
    for rx in (_ISO, _ZH):
        m = rx.search(text)
        if m:
            candidates.append((m.start(), _iso(*m.groups())))
    m = _EN_MDY.search(text)
    if m and m.group(1).lower().rstrip(".") in MONTHS:
        candidates.append((m.start(), _iso(m.group(3), MONTHS[m.group(1).lower()], m.group(2))))
    m = _EN_DMY.search(text)
    if m and m.group(2).lower() in MONTHS:
        candidates.append((m.start(), _iso(m.group(3), MONTHS[m.group(2).lower()], m.group(1))))
    found = sorted((pos, iso) for pos, iso in candidates if iso)
    return found[0][1] if found else ""


def parse_date(value: str) -> str:
    """A whole field value -> ISO text, or '' when it is not a date."""
    value = value.strip()
    if not value or len(value) > 80:
        return ""
    return find_date(value)
