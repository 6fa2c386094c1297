"""Chrome evidence and shape features of one block of text (for clean_core).

What a string says about itself, without looking at its neighbours: its size
in word-units (a word, or two Han characters), its sentence marks and
function-word ratio, and the chrome evidence of rules/chrome.py: a block made
of label words ("Share Tweet Email", "相关推荐"), a short block containing a
chrome phrase, or a shape (timestamp, counter, gallery position, credit line).

Linear in the length of the text, whatever the text: counts (words, Han
characters, sentence marks) are single scans of simple character classes,
and every heuristic pattern sees only ``probe(text)``, the first and last
PROBE characters of a long block (a label, a phrase or a date line is short;
a block of 100,000 characters is never one).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Mapping, Sequence

from ..rules import chrome as C

_WORD = re.compile(r"(?:(?![\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])[^\W_])+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NORM_DROP = re.compile(r"[\W\d_]+")
_DIGIT = re.compile(r"\d")
_HAN_FUNCTION = re.compile("[" + "".join(sorted(C.HAN_FUNCTION)) + "]")

PROBE = 2000          # characters at each end of a block that the heuristic patterns see


def probe(text: str) -> str:
    """A block's text, or its first and last PROBE characters when it is longer:
    what a pattern may look at, so that no pattern runs on unbounded text."""
    if len(text) <= 2 * PROBE:
        return text
    return text[:PROBE] + "\n" + text[-PROBE:]


def ends_like_sentence(text: str) -> bool:
    """Does the text end with sentence-final punctuation (only its tail is searched)?"""
    return bool(C.SENTENCE_END.search(text, max(0, len(text) - PROBE)))


class Kind(str, Enum):
    """GOOD: running text; SHORT: undecided; BAD: carries chrome evidence."""

    GOOD = "good"
    SHORT = "short"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class Features:
    """What the classifier knows about one block."""

    words: int            # Latin/Cyrillic/Hangul words
    han: int              # Han and kana characters
    size: float           # word-units: a word, or two Han characters
    sentences: int        # sentence marks inside or at the end
    ends: bool            # ends like a sentence
    stop: float           # share of function words
    evidence: str         # chrome reason from the tables, "" if none
    dup: bool = False     # the same text occurs elsewhere in the page
    caps: float = 0.0     # share of words written with a capital (menus, headlines)
    inner: int = 0        # commas, dashes, brackets inside: lists of facts have them
    colon: bool = False   # ends with a colon: introduces what follows
    wall: bool = False    # the legal footer: the article never runs across it
    digits: bool = False  # holds a figure


def features(text: str, seen: frozenset[str] = frozenset(),
             known: Mapping[str, str] | None = None, key: str | None = None) -> Features:
    """One block's text -> its Features (``seen``: normalised texts that occur more
    than once in the page; ``known``: normalised provenance lines such as the site
    name, with the reason their repeats are removed for; ``key``: ``norm(text)``
    when the caller has it already)."""
    words = _WORD.findall(text)
    han = len(_CJK.findall(text))
    size = len(words) + han / 2
    stop = _stop_ratio(words, text, han)
    sentences = len(C.SENTENCE_MARK.findall(text))
    ends = ends_like_sentence(text)
    evidence = evidence_for(probe(text), size, sentences)
    key = norm(text) if key is None else key
    if not evidence and known and key in known:
        evidence = known[key]
    caps = sum(1 for w in words if w[0].isupper()) / len(words) if words else 0.0
    inner = len(C.INNER_PUNCT.findall(text.rstrip(".:;!?。：；！？ ")))
    colon = text.rstrip().endswith((":", "："))
    # The legal footer, or the site's name repeated below the article, ends the page.
    wall = (evidence == "page footer" and bool(C.FOOTER_WALL.search(probe(text)))) or evidence == "site name"
    return Features(len(words), han, size, sentences, ends, stop, evidence, key in seen,
                    caps, inner, colon, wall, bool(_DIGIT.search(text)))


def _stop_ratio(words: list[str], text: str, han: int) -> float:
    if han > len(words):
        return len(_HAN_FUNCTION.findall(text)) / max(1, han)
    if not words:
        return 0.0
    return sum(1 for w in words if w.casefold() in C.STOPWORDS) / len(words)


def evidence_for(text: str, size: float, sentences: int) -> str:
    """The chrome reason a block carries by itself (labels, phrases, shapes), or "".
    ``text`` is the block's ``probe``; ``size`` and ``sentences`` count the whole block."""
    stripped = text.strip()
    if not size:                                  # no word, no Han character anywhere
        return "separator"
    label = _label(stripped)
    if label:
        return label
    credit = _photo_credit(stripped)
    legal = _contains(stripped, C.LEGAL_REASONS) if size <= C.SHORT_FOR_LEGAL and not credit else ""
    if legal:
        return legal
    if size <= C.SHORT_FOR_PHRASE and sentences <= 2:
        phrase = _contains(stripped, tuple(r for r in C.PHRASES if not (credit and r in C.LEGAL_REASONS)))
        if phrase:
            return phrase
    return _shape(stripped, size)


def _photo_credit(text: str) -> bool:
    """A "©" that credits a photo inside a caption ("(Photo © Reuters)"), the only
    legal evidence in the block."""
    if "©" not in text:
        return False
    low = text.casefold()
    others = [p for r in C.LEGAL_REASONS for p in C.PHRASES[r] if p != "©" and p in low]
    return not others and bool(C.PHOTO_WORDS.search(text))


def _shape(text: str, size: float) -> str:
    if size <= 14 and C.GALLERY.match(text):
        return "gallery controls"
    if size <= 12 and C.CREDIT.match(text):
        return "image credit"
    if size <= 3 and C.URL_LIKE.match(text):
        return "link"
    if size <= 16 and _is_timestamp(text):
        return "timestamp"
    if _mostly_dates(text):
        return "date archive"
    if size <= C.SHORT_FOR_LEGAL and len(C.CONTACT_LABEL.findall(text)) >= 2:
        return "contact details"
    if size <= 16 and C.COUNTER.search(text):
        return "counter"
    if size <= 8 and C.BYLINE.match(text):
        return "byline"
    return ""


def _mostly_dates(text: str) -> bool:
    """An archive menu: many dates and little else ("2019年11月 2019年4月 ...")."""
    if len(_DIGIT.findall(text, 0, 2000)) < 10:
        return False
    dates = C.TIMESTAMP.findall(text) + C.MONTH_NUMBER.findall(text)
    return len(dates) >= 5 and sum(map(len, dates)) * 2 >= len(text.replace(" ", ""))


def _is_timestamp(text: str) -> bool:
    """A date or time with at most a few label words around it."""
    if not C.TIMESTAMP.search(text):
        return False
    rest = C.TIME_WORDS.sub(" ", C.TIMESTAMP.sub(" ", text))
    return len(_WORD.findall(rest)) + len(_CJK.findall(rest)) / 2 <= 3


def _label(text: str) -> str:
    """The reason when the whole block is made of label words ("Share Tweet Email")."""
    if len(text) > 400:
        return ""
    spaced = _CAMEL.sub(" ", text)
    flat = " ".join(C.SEPARATORS.split(spaced.casefold())).strip()
    if not flat:
        return ""
    if flat in _WHOLE_LABEL:
        return _WHOLE_LABEL[flat]
    if not all(p in _ANY_LABEL for p in flat.split()):      # prose fails here, fast
        return ""
    for reason, labels in _LABEL_SETS:
        if _all_labels(flat, labels):
            return reason
    return "social link row" if _all_labels(flat, _SOCIAL) else ""


def _all_labels(flat: str, labels: frozenset[str]) -> bool:
    parts = flat.split()
    return len(parts) >= 2 and all(p in labels for p in parts)


def _contains(text: str, reasons: tuple[str, ...]) -> str:
    """The first of ``reasons`` one of whose phrases occurs in the text, or ""."""
    low = text.casefold()
    return next((r for r in reasons if _PHRASE_RX[r].search(low)), "")


_PHRASE_RX = {reason: re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
              for reason, phrases in C.PHRASES.items()}


_LABEL_SETS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (reason, frozenset(" ".join(C.SEPARATORS.split(w.casefold())).strip() for w in words))
    for reason, words in C.LABELS.items())


# Label -> reason for a block that is one label; every word that is a label somewhere.
_WHOLE_LABEL: dict[str, str] = {}
for _reason, _labels in reversed(_LABEL_SETS):
    _WHOLE_LABEL.update(dict.fromkeys(_labels, _reason))
_ANY_LABEL = frozenset(_WHOLE_LABEL) | {"comment", "comments"}

# A row mixing share buttons, social links and a comment count ("Share Tweet 12 Comments").
_SOCIAL = frozenset({"comment", "comments"}).union(
    *(labels for reason, labels in _LABEL_SETS if reason in ("share row", "social link row")))


def units(text: str) -> float:
    """Text -> its size in word-units: a word, or two Han characters."""
    return len(_WORD.findall(text)) + len(_CJK.findall(text)) / 2


def norm(text: str) -> str:
    """Text -> letters only, case-folded: the key for repeated lines."""
    return _NORM_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def repeated(keys: Sequence[str]) -> frozenset[str]:
    """Normalised texts (``norm``) -> those that occur more than once."""
    counts: dict[str, int] = {}
    for key in keys:
        if key:
            counts[key] = counts.get(key, 0) + 1
    return frozenset(k for k, n in counts.items() if n > 1)
