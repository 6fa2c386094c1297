"""Where the article starts and ends (for clean_core): the comments boundary,
and how the maximum-sum run grows at its edges.

The run of blocks with the largest score is the article's core.  Its edges
need judgement the sum cannot give: a short lede or closing line, a section
heading with its paragraph, a list of facts the text announces ("...dates:"),
and, at the end, lines about the author or reader comments that are not the
story although they read like prose.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..rules import chrome as C
from .clean_features import Features, Kind, probe


def best_span(values: Sequence[float]) -> tuple[int, int]:
    """Maximum-sum contiguous run (Kadane) -> (first, last) inclusive; (0, -1) if none."""
    best, best_span_, cur, start = 0.0, (0, -1), 0.0, 0
    for i, v in enumerate(values):
        if cur <= 0:
            cur, start = v, i
        else:
            cur += v
        if cur > best:
            best, best_span_ = cur, (start, i)
    return best_span_


MIN_ARTICLE = 30.0    # score an article needs before a comments heading ends it
MIN_BEFORE_BARE = 100.0   # ... before a bare "Comments" (often a share-row link)
_BARE_COMMENTS = re.compile(r"^comments?$|^评论$", re.I)


def article_span(texts: Sequence[str], feats: Sequence[Features],
                 values: Sequence[float]) -> tuple[int, int, int]:
    """(first, last, comments): the article run and where reader comments start
    (len(texts) if they do not).  The first comments heading that follows a
    real article ends the page: comments read like prose but are not the article.
    One pass: the best run before each index is Kadane's best so far."""
    best, span, cur, start = 0.0, (0, -1), 0.0, 0
    for m, (text, f, v) in enumerate(zip(texts, feats, values)):
        if f.size <= 25 and C.COMMENTS_START.match(probe(text).strip()):
            need = MIN_BEFORE_BARE if _BARE_COMMENTS.match(text.strip()) else MIN_ARTICLE
            if span[1] >= span[0] and best >= need:
                return span[0], span[1], m
        cur, start = (v, m) if cur <= 0 else (cur + v, start)
        if cur > best:
            best, span = cur, (start, m)
    return span[0], span[1], len(texts)


def _prose_like(f: Features, k: Kind) -> bool:
    """Text that may join the article at its edges: a paragraph, or a short
    sentence (it ends like one and is not a bare label)."""
    wordy = f.sentences > 0 or f.colon or f.stop >= 0.2 or (f.han > f.words and f.han >= 6)
    return k is Kind.GOOD or (k is Kind.SHORT and f.ends and f.size >= 3 and wordy)


LIST_MAX = 80         # items a "...:" line may introduce
FACT_RUN = 4          # fact lines in a row that make a list worth keeping
HEADING_MAX = 20      # word-units of a section heading
LEDE_MAX = 2          # unpunctuated sentences taken in front of the article


def _list_item(f: Features, k: Kind) -> bool:
    """An item of a list that a colon announced (dates, scores, ingredients)."""
    if k is Kind.BAD or f.dup:
        return False
    return k is Kind.GOOD or f.inner > 0 or f.ends or (f.caps < 0.6 and f.size >= 2)


def _fact(f: Features, k: Kind, text: str) -> bool:
    """A line of a list of facts ("June 9 – Tampa, FL @ Arena", "Palm Bay d. Rockledge
    70-44"): figures with punctuation, or several figures (a date in it may have
    been taken for a timestamp)."""
    dated = k is Kind.BAD and f.evidence == "timestamp" and f.size >= 4
    figures = len(_FIGURE.findall(text))
    return (k is not Kind.BAD or dated) and not f.dup and f.digits and (f.inner > 0 or figures >= 2)


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def _sentence(f: Features, k: Kind) -> bool:
    """Running text that lost its final stop: function words, mostly lower case."""
    return k is Kind.SHORT and f.size >= 8 and f.caps < 0.5 and (f.stop >= 0.2 or f.han > f.words)


def extend(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind], first: int,
           last: int, title_known: bool = False) -> tuple[int, int]:
    """Grow the article run over prose that touches it (a short lede or last line,
    a section heading when the title is known to be elsewhere) and over a list
    that follows it."""
    lede, heading = 0, title_known
    while first > 0:
        f, k = feats[first - 1], kinds[first - 1]
        if _prose_like(f, k):
            pass
        elif lede < LEDE_MAX and _sentence(f, k):
            lede += 1
        elif heading and k is Kind.SHORT and not f.dup and f.size <= HEADING_MAX:
            heading = False
        else:
            break
        first -= 1
    while True:
        while last + 1 < len(feats) and (_prose_like(feats[last + 1], kinds[last + 1])
                                         or _section_start(feats, kinds, last + 1)):
            last += 1
        end = _list_after(texts, feats, kinds, last)
        if end == last:
            return first, last
        last = end


def _section_start(feats: Sequence[Features], kinds: Sequence[Kind], i: int) -> bool:
    """A heading followed by prose: the article's last section, not a new region."""
    f = feats[i]
    return kinds[i] is Kind.SHORT and not f.dup and f.size <= HEADING_MAX and i + 1 < len(feats) \
        and _prose_like(feats[i + 1], kinds[i + 1])


def _list_after(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind], last: int) -> int:
    """The end of a list that belongs to the article: announced by its last block
    ("...:"), or a run of fact lines (scores, dates, places), possibly under short
    headings ("GIRLS SOCCER")."""
    n = len(feats)
    end = last
    if feats[last].colon:
        while end + 1 < n and end - last < LIST_MAX and _list_item(feats[end + 1], kinds[end + 1]):
            end += 1
        return end
    facts = 0
    while end + 1 < n and end - last < LIST_MAX:
        if _fact(feats[end + 1], kinds[end + 1], texts[end + 1]):
            facts += 1
        elif not (end + 2 < n and kinds[end + 1] is Kind.SHORT and not feats[end + 1].inner
                  and _fact(feats[end + 2], kinds[end + 2], texts[end + 2])):
            break
        end += 1
    return end if facts >= FACT_RUN else last


TAIL_WINDOW = 15      # blocks at the article's end searched for author notes


def trim_tail(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind],
              first: int, last: int) -> int:
    """The article's last blocks may be about its author (a biography, "Write to
    ... at ..."): the article ends before the first of them, unless more of the
    article's text lies after it than before."""
    end = last
    for i in range(last, max(first, last - TAIL_WINDOW), -1):
        head = probe(texts[i])
        if (C.AUTHOR_BIO.match(head) or C.AUTHOR_CONTACT.match(head)) \
                and _mass(feats, kinds, first, i) >= _mass(feats, kinds, i + 1, last + 1):
            end = i - 1
    return end


def _mass(feats: Sequence[Features], kinds: Sequence[Kind], a: int, b: int) -> float:
    return sum(f.size for f, k in zip(feats[a:b], kinds[a:b]) if k is Kind.GOOD)
