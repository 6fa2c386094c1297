"""Which language a run of text is in, and what in it survives translation.

Chinese text is full of Latin names (DeepSeek, GPU) and English text now and
then quotes a Chinese name, so the decision weighs Han characters against
Latin words rather than characters against characters, and only counts a
Latin run as English prose when it carries English function words.  URLs,
Markdown link targets and footnote markers say nothing about the language
and are cut out first.

``anchors`` lists what a translator leaves recognisable: numbers (with their
scale words: "$6 million" and "600万美元" give the same anchor), years and
months, and Latin names ("DeepSeek-R1", "GPT-4").  The aligner weighs them.
"""
from __future__ import annotations

import re

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")

# Text that is no language at all: URLs, link targets, footnote markers, image syntax.
# Bounded e-mail pattern: `\S+@\S+` backtracks quadratically on a long run without spaces.
_NOISE = re.compile(r"https?://\S+|www\.\S+|\]\([^)\s]*\)|\[\^?\d{1,3}\]|!\[")
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")   # only tried when "@" occurs

# Anchors, tokens and sentences are read from this much of a block (a paragraph is far
# shorter; a hostile one-line megabyte must not cost more than this).
FEATURE_CHARS = 20_000

# English function words: a Latin run with several of them is English prose, not a name.
EN_FUNCTION_WORDS = frozenset(
    "the a an of and or to in on at by for with from that this these those is are was were be been "
    "it its as but not no has have had will would can could may might should than then there their "
    "they we he she you his her our which who what when where how why if so do does did also more "
    "most only just into over after before about such other some any all".split())

# Han characters per English word-equivalent: Chinese words run about 1.6 characters.
HAN_PER_WORD = 1.6


def strip_noise(text: str) -> str:
    """Text without URLs, link targets and footnote markers (they carry no language)."""
    text = _NOISE.sub(" ", text)
    return _EMAIL.sub(" ", text) if "@" in text else text


def detect(text: str) -> str:
    """Text -> 'zh', 'en', 'ja', 'ko', 'ru' or '' when there is no language to see."""
    sample = strip_noise(text[:4000])
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


def shares(text: str) -> dict[str, float]:
    """Text -> {'zh': share, 'en': share} of its prose, in word-equivalents.

    Latin words count as English prose only in proportion to the function
    words among them, so names inside a Chinese sentence weigh little.
    """
    sample = strip_noise(text[:4000])
    han = len(HAN.findall(sample)) / HAN_PER_WORD
    words = [w.lower() for w in LATIN_WORD.findall(sample)]
    function = sum(1 for w in words if w in EN_FUNCTION_WORDS)
    english = len(words) if function * 6 >= len(words) else function * 4
    total = han + english
    if not total:
        return {}
    return {"zh": han / total, "en": english / total}


def is_mixed(text: str, floor: float = 0.3) -> bool:
    """True when a block holds real prose in both Chinese and English (each >= floor)."""
    sh = shares(text)
    sample = text[:4000]
    han = len(HAN.findall(sample))
    words = len(LATIN_WORD.findall(strip_noise(sample)))
    return bool(sh) and min(sh.values()) >= floor and han >= 8 and words >= 6


def han_count(text: str) -> int:
    return len(HAN.findall(text))


def base(code: str) -> str:
    """'zh-CN' -> 'zh', 'EN_us' -> 'en'."""
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def measure(text: str) -> int:
    """Length for alignment: characters other than spaces, noise and Markdown marks.

    Past FEATURE_CHARS the rest is counted as it is (a hostile megabyte line).
    """
    head = len(re.sub(r"[\s*_#>`|]+", "", strip_noise(text[:FEATURE_CHARS])))
    return head + max(0, len(text) - FEATURE_CHARS)


# ----------------------------------------------------------------- anchors

_EN_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ZH_SCALE = {"千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12, "兆": 1e12}
_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_EN_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?",
    re.I)
_ZH_SCALED = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|千|万|亿|兆)")
_ZH_MONTH = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*月")
_EN_MONTH = re.compile(r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\b")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
_INITIALS = re.compile(r"\b((?:[A-Z]\.){2,})")


def _number(value: float) -> str:
    return "#" + (f"{value:.6g}" if value != int(value) else str(int(value)))


def number_anchors(text: str) -> set[str]:
    """Numbers with their scale words, in either language, as '#<value>'; months as '@m<n>'."""
    text = strip_noise(text)
    out: set[str] = {f"@m{int(m)}" for m in _ZH_MONTH.findall(text)}
    out |= {f"@m{_MONTHS.index(m.lower()) + 1}" for m in _EN_MONTH.findall(text) if m != "May"
            or re.search(r"\bMay\s+\d", text)}
    masked = _ZH_MONTH.sub(" ", text)
    for m in _ZH_SCALED.finditer(masked):
        out.add(_number(float(m.group(1)) * _ZH_SCALE[m.group(2)]))
    for m in _EN_NUMBER.finditer(_ZH_SCALED.sub(" ", masked)):
        scale = _EN_SCALE.get((m.group(2) or "").lower(), 1.0)
        out.add(_number(float(m.group(1).replace(",", "")) * scale))
    return out


def name_anchors(text: str) -> set[str]:
    """Latin names and model names, lower-cased, whole and by their hyphenated parts."""
    text = _INITIALS.sub(lambda m: m.group(1).replace(".", ""), strip_noise(text))
    out: set[str] = set()
    for m in _LATIN_NAME.finditer(text):
        token = m.group(0).strip(".-").lower()
        parts = [p for p in re.split(r"[-.]", token) if p]
        for part in [token, *parts] if len(parts) > 1 else [token]:
            if len(part) >= 2 and part not in EN_FUNCTION_WORDS and not part.isdigit():
                out.add(part)
    return out


def anchors(text: str) -> set[str]:
    """Everything in ``text`` likely to survive translation (see the module docstring)."""
    text = text[:FEATURE_CHARS]
    return number_anchors(text) | name_anchors(text)


_QUOTED = re.compile(r"“[^”]{1,200}”|\"[^\"\n]{1,200}\"|「[^」]{1,200}」|『[^』]{1,200}』|《[^》]{1,80}》")


def quoted_count(text: str) -> int:
    """How many quoted terms or titles the text holds (they are kept by translators)."""
    return len(_QUOTED.findall(text[:FEATURE_CHARS]))


_SENT_END_ZH = re.compile(r"[。！？!?](?:[”’」』)）\"]*)")
_SENT_END_EN = re.compile(r"(?<!\b[A-Z])(?<!\b(?:Mr|Ms|Dr|St|vs|No))[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9]|\s*$)")


def sentences(text: str) -> int:
    """How many sentences the text holds (translators mostly keep the count), at least 1."""
    text = strip_noise(text[:FEATURE_CHARS]).strip()
    han = len(HAN.findall(text))
    ends = _SENT_END_ZH if han * 2 >= len(LATIN_WORD.findall(text)) else _SENT_END_EN
    found = [m.end() for m in ends.finditer(text)]
    tail = 1 if not found or text[found[-1]:].strip() else 0
    return max(1, len(found) + tail)


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_WORD = re.compile(r"[A-Za-z][a-z]{2,}")


def lexical_tokens(text: str) -> frozenset[str]:
    """Tokens a learnt lexicon can link: Han bigrams, or lower-cased English content words.

    Used by the aligner to learn, from the pairs it is already sure of, which
    words of one text go with which characters of the other (Moore, 2002).
    """
    text = strip_noise(text[:FEATURE_CHARS])
    if han_count(text) * 2 >= len(LATIN_WORD.findall(text)):
        return frozenset(run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1))
    return frozenset(w.lower() for w in _WORD.findall(text) if w.lower() not in EN_FUNCTION_WORDS)
