"""Which language a run of text is in: zh / en (and ja, ko, ru) by script counts.

Chinese text is full of Latin names (DeepSeek, GPU) and English text now and
then quotes a Chinese name, so the decision weighs Han characters against
Latin words rather than characters against characters.
"""
from __future__ import annotations

import re

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")


def detect(text: str) -> str:
    """Text -> 'zh', 'en', 'ja', 'ko', 'ru' or '' when there is no language to see."""
    sample = text[:4000]
    han = len(HAN.findall(sample))
    kana = len(KANA.findall(sample))
    hangul = len(HANGUL.findall(sample))
    words = len(LATIN_WORD.findall(sample))
    cyr = len(CYRILLIC.findall(sample))
    if kana > 2 and kana * 4 >= han:
        return "ja"
    if hangul > words and hangul > han:
        return "ko"
    if han and han >= words * 0.6:
        return "zh"
    if cyr > words * 2:
        return "ru"
    return "en" if words else ""


def han_count(text: str) -> int:
    return len(HAN.findall(text))
