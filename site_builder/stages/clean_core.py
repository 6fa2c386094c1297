"""The chrome remover's core: a list of text blocks -> keep or drop each, and why.

Pure and language-independent: it sees only strings, so the cleaning stage
(over a Document's blocks) and the extraction benchmark (over the lines of a
scraped page) share it.  Tables of words and shapes are in rules/chrome.py,
per-block features in clean_features.py, the article's edges in clean_edges.py.

How it decides (jusText's classify-then-smooth, with the observation that an
article is one contiguous run of running text):

1. Each block is classed GOOD (running text: long, with sentence marks and
   function words), BAD (chrome evidence: labels, phrases, timestamps,
   counters ...) or SHORT (undecided: headings, captions, menu entries).
2. Each block is scored: GOOD by its size, SHORT by a small penalty (larger
   for menu-like labels and repeated lines), BAD by a larger one.  A legal
   footer or the site's name repeated below the text is a wall; a
   "related stories" heading nearly one.  Summaries in a list of other
   stories (headline + one paragraph, several times over) count against.
3. The article is the run with the largest total (maximum-sum subarray),
   cut where reader comments begin.  Its edges grow over prose, section
   headings and announced lists, and lose closing lines about the author.
   Inside it only BAD blocks go, so headings, captions and pull quotes stay.
4. Each removed block gives its own evidence as the reason, else its region's
   (the section label above it, a dated list, site header, page footer).
5. When no block reads as running text the input is kept whole and flagged:
   an empty article is worse than a noisy one.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..rules import chrome as C
from .clean_edges import article_span, best_span, extend, trim_tail
from .clean_features import Features, Kind, ends_like_sentence, features, norm, probe, repeated

__all__ = ["Kind", "Verdict", "Result", "classify", "clean_lines", "features", "kind_of", "probe"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """One block's decision: kept or not, and the reason shown by --explain."""

    keep: bool
    reason: str
    kind: Kind
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    verdicts: tuple[Verdict, ...]
    fallback: str = ""    # why everything was kept despite the evidence, "" if not


# ------------------------------------------------------------ classification

WALL = 1000.0         # the penalty of a block the article cannot run across
GOOD_SIZE = 12        # word-units of running text that make a block GOOD on its own
LONG_SIZE = 30        # ... or that make it GOOD without sentence marks
HEADLINE_MAX = 20     # longer blocks are not headlines even without a final stop


def kind_of(f: Features, stoplist: bool = True) -> Kind:
    """GOOD (running text), SHORT (undecided) or BAD (chrome evidence).
    ``stoplist``: whether the page's language has function words in the table."""
    if f.evidence:
        return Kind.BAD
    wordy = f.stop >= 0.15 or f.han > f.words or not stoplist
    if f.size >= LONG_SIZE and (f.sentences or wordy):
        return Kind.GOOD
    if f.size >= GOOD_SIZE and f.sentences and (f.ends or f.size >= HEADLINE_MAX) and wordy:
        return Kind.GOOD
    return Kind.SHORT


def has_stoplist(feats: Sequence[Features]) -> bool:
    """Does the function-word table know this page's language?  (If not, the
    function-word ratio says nothing and is left out.)"""
    big = [f for f in feats if f.size >= 10 and f.han <= f.words]
    return not big or sum(f.stop for f in big) / len(big) >= 0.08


TEASER_PENALTY = 1.0  # a teaser's summary counts against the article, if only a little
TEASER_MAX = 80       # word-units: longer paragraphs are not summaries
TEASER_RUN = 3        # headline + summary pairs in a row that make a teaser list
TEASER_SPAN = 8       # at most this many blocks from one summary to the next


def teaser_groups(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind]) -> list[list[int]]:
    """Runs of GOOD blocks that read as the one-paragraph summaries of other stories:
    each stands alone after a headline, and several such pairs follow each other."""
    n = len(kinds)
    single = [k is Kind.GOOD and feats[i].size <= TEASER_MAX and _after_headline(texts, feats, kinds, i)
              and (i + 1 == n or kinds[i + 1] is not Kind.GOOD) for i, k in enumerate(kinds)]
    groups: list[list[int]] = []
    group: list[int] = []
    for i in [j for j in range(n) if single[j]] + [n + TEASER_SPAN + 1]:
        if group and (i - group[-1] > TEASER_SPAN or _strong_between(feats, group[-1], i)):
            if len(group) >= TEASER_RUN:
                groups.append(group)
            group = []
        group.append(i)
    return groups


def _after_headline(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind], i: int) -> bool:
    """Block i comes right after a headline, or after a headline and its date or byline."""
    j = i - 1
    while j >= 0 and i - j <= 2 and kinds[j] is Kind.BAD and feats[j].evidence in ITEM_EVIDENCE:
        j -= 1
    if j >= 0 and kinds[j] is Kind.SHORT and not _headline(feats[j], texts[j]) and i - j == 1:
        j -= 1                           # the headline, then the author's name
    return j >= 0 and kinds[j] is Kind.SHORT and _headline(feats[j], texts[j])


# Evidence that belongs to a list item (its date, its author), not to a section break.
ITEM_EVIDENCE = frozenset({"timestamp", "counter", "byline", "image credit", "link", "separator",
                           "gallery controls", "repeated line"})


def _strong_between(feats: Sequence[Features], a: int, b: int) -> bool:
    return any(f.evidence and f.evidence not in ITEM_EVIDENCE for f in feats[a + 1:b])


def discount_teasers(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind],
                     values: list[float]) -> list[float]:
    """Teaser lists outside the article count against it.  The article's core runs
    from its first to its last pair of adjacent paragraphs; a teaser list counts as
    outside only when chrome evidence stands between it and the core (a listicle's
    items follow each other without any)."""
    groups = teaser_groups(texts, feats, kinds)
    if not groups:
        return values
    first, last = best_span(values)
    pairs = [i for i in range(first, last) if kinds[i] is Kind.GOOD and kinds[i + 1] is Kind.GOOD]
    if not pairs:
        return values
    core_first, core_last = pairs[0], pairs[-1] + 1
    out = list(values)
    for g in groups:
        if g[0] > core_last:
            between = range(core_last + 1, g[0])
        elif g[-1] < core_first:
            between = range(g[-1] + 1, core_first)
        else:
            continue
        if any(kinds[i] is Kind.BAD for i in between):
            for i in g:
                out[i] = -TEASER_PENALTY
    return out


def _headline(f: Features, text: str) -> bool:
    """A story's title: a few words, no final stop, not a "Q:"/"A:" line."""
    return not f.evidence and not (f.ends and f.sentences) and f.size >= 2 and not _SPEAKER.match(text)


# "Q:" / "A:" lines and "– Name" attributions are not headlines.
_SPEAKER = re.compile(r"^(?:\w{1,3}\s*[:：]|[-–—―~]\s*\w)")


def scores(texts: Sequence[str], feats: Sequence[Features], kinds: Sequence[Kind]) -> list[float]:
    """Per-block contribution to the article run: size for text, penalties for the rest."""
    out = []
    for f, k in zip(feats, kinds):
        if k is Kind.GOOD:
            out.append(f.size)
        elif k is Kind.BAD:
            out.append(-bad_penalty(f))
        else:
            out.append(-short_penalty(f))
    return discount_teasers(texts, feats, kinds, out)


def bad_penalty(f: Features) -> float:
    """What a block with chrome evidence costs the article run: a legal footer is a
    wall, a related-stories heading nearly one (the article is over), a bare
    separator almost nothing."""
    if f.wall:
        return WALL
    return BAD_PENALTY.get(f.evidence, 6.0)


# Evidence that costs more or less than the usual 6 word-units.
BAD_PENALTY = {"related-articles list": 40.0, "newsletter prompt": 15.0, "share row": 10.0,
               "social link row": 10.0, "separator": 0.5}


def short_penalty(f: Features) -> float:
    """How much an undecided block counts against the article around it: labels and
    menu entries most, headlines less, sentences and facts with punctuation least."""
    if f.dup:
        return 3.0
    if f.ends and (f.sentences or f.colon):
        return 1.0
    if f.inner or f.stop >= 0.25 or (f.han and f.han >= f.words):
        return 1.5 if f.size >= 4 else 2.5
    return 3.0 if f.caps >= 0.6 or f.size < 3 else 2.0


# ------------------------------------------------------------------ decision

def classify(texts: Sequence[str], context: Sequence[tuple[str, str]] = (),
             title_known: bool = False, breaks: Sequence[bool] | None = None) -> Result:
    """Block texts in page order -> a Verdict per block.

    ``context``: (text, reason) for lines known to be provenance, e.g. the site
    name, whose repeats are chrome.  ``title_known``: the title has already been
    taken out, so a heading right above the first paragraph opens a section.
    ``breaks``: True where a paragraph break (a blank line) comes before a
    block; hard-wrapped lines are judged as the paragraphs they belong to."""
    groups = unwrap(texts, breaks)
    if len(groups) == len(texts):
        return _classify(texts, context, title_known)
    joined = [_join(texts[i] for i in g) for g in groups]
    result = _classify(joined, context, title_known)
    verdicts = [v for g, v in zip(groups, result.verdicts) for _ in g]
    return Result(tuple(verdicts), result.fallback)


def _classify(texts: Sequence[str], context: Sequence[tuple[str, str]], title_known: bool) -> Result:
    keys = [norm(t) for t in texts]
    seen = repeated(keys)
    known = {norm(text): reason for text, reason in context if norm(text)}
    feats = [features(t, seen, known, k) for t, k in zip(texts, keys)]
    stoplist = has_stoplist(feats)
    kinds = [kind_of(f, stoplist) for f in feats]
    if not any(k is Kind.GOOD for k in kinds):
        return _kept_whole(kinds)
    values = scores(texts, feats, kinds)
    first, last, comments = article_span(texts, feats, values)
    first, last = extend(texts, feats, kinds, first, min(last, comments - 1), title_known)
    last = trim_tail(texts, feats, kinds, first, min(last, comments - 1))
    verdicts = [_decide(i, feats[i], kinds[i], values[i], first, last) for i in range(len(texts))]
    verdicts = _drop_repeats(keys, kinds, verdicts)
    return Result(tuple(_region_reasons(verdicts, feats, first, last, comments)))


WRAP_LEAST = 40       # characters: shorter lines say nothing about wrapping
WRAP_SLACK = 15       # characters a wrapped line may fall short of the wrap width
WRAP_SHARE = 0.5      # share of long lines at the wrap width that shows a hard-wrapped page
WRAP_CARRIED = 0.2    # ... and of those, the share whose sentence goes on in lower case
WRAP_MIN = 5          # ... and how many of them at least


def wrap_width(texts: Sequence[str]) -> int:
    """The width a page was hard-wrapped at (72, 80 ...), or 0 if it was not:
    many long lines end within a few characters of one width, most of those
    stop in mid-sentence, and the sentence often goes on in lower case (a list
    of headlines has the first two, not the third)."""
    lengths = [len(t) for t in texts if len(t) >= WRAP_LEAST]
    if len(lengths) < WRAP_MIN:
        return 0
    lengths.sort()
    width, at_width = max(((w, bisect_right(lengths, w) - bisect_left(lengths, w - WRAP_SLACK))
                           for w in sorted(set(lengths))), key=lambda wc: (wc[1], -wc[0]))
    if at_width < WRAP_MIN or at_width < WRAP_SHARE * len(lengths):
        return 0
    cut = [i for i, t in enumerate(texts[:-1]) if width - WRAP_SLACK <= len(t) <= width]
    open_ended = sum(1 for i in cut if not ends_like_sentence(texts[i]))
    cased = [i for i in cut if texts[i + 1][:1].isupper() or texts[i + 1][:1].islower()]
    carried = sum(1 for i in cased if texts[i + 1][:1].islower())
    return width if open_ended >= 0.6 * len(cut) and carried >= WRAP_CARRIED * len(cased) else 0


def unwrap(texts: Sequence[str], breaks: Sequence[bool] | None = None) -> list[list[int]]:
    """Indices grouped into paragraphs: a line filled up to the wrap width goes on
    in the next one, unless a paragraph break stands between them."""
    width = wrap_width(texts)
    groups: list[list[int]] = []
    for i, text in enumerate(texts):
        prev = texts[groups[-1][-1]] if groups else ""
        if width and groups and not (breaks and breaks[i]) and len(prev) >= width - WRAP_SLACK:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


_CJK_EDGE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def _join(parts: Iterable[str]) -> str:
    """Wrapped lines -> one paragraph: a space between them, none between Han characters."""
    out: list[str] = []
    last = ""
    for part in parts:
        if out and not (_CJK_EDGE.match(last) and _CJK_EDGE.match(part[:1])):
            out.append(" ")
        out.append(part)
        last = part[-1:] or last
    return "".join(out)


TOO_FEW = 3           # blocks: fewer, with no chrome evidence, is a short note, not bad input


def _kept_whole(kinds: Sequence[Kind]) -> Result:
    """Nothing reads as running text: keep everything.  A short note (a line or
    two, no chrome evidence) is simply kept; anything longer is flagged."""
    if len(kinds) < TOO_FEW and Kind.BAD not in kinds:
        return Result(tuple(Verdict(True, "kept: too short to judge", k, 0.0) for k in kinds))
    return Result(tuple(Verdict(True, "kept: no running text found", k, 0.0) for k in kinds),
                  "no block reads as running text (every line is short or chrome)")


def _decide(i: int, f: Features, k: Kind, value: float, first: int, last: int) -> Verdict:
    if first <= i <= last:
        if k is Kind.BAD:
            return Verdict(False, f"chrome: {f.evidence}", k, value)
        return Verdict(True, "article" if k is Kind.GOOD else "article (inside the text)", k, value)
    reason = f"chrome: {f.evidence}" if f.evidence else ""
    return Verdict(False, reason, k, value)


def _drop_repeats(keys: Sequence[str], kinds: Sequence[Kind], verdicts: list[Verdict]) -> list[Verdict]:
    """A paragraph kept a second time word for word (a gallery caption shown twice,
    a teaser of the story itself) goes; short repeated lines (list items) stay.
    ``keys``: the blocks' ``norm`` texts."""
    seen: dict[str, int] = {}
    out = list(verdicts)
    for i, v in enumerate(verdicts):
        if v.keep and kinds[i] is Kind.GOOD:
            key = keys[i]
            if i - seen.get(key, -REPEAT_NEAR - 1) <= REPEAT_NEAR:
                out[i] = Verdict(False, "chrome: repeated line", v.kind, v.score)
            seen[key] = i
    return out


REPEAT_NEAR = 10      # blocks apart: a caption repeated this close is a display copy


def _region_reasons(verdicts: list[Verdict], feats: Sequence[Features],
                    first: int, last: int, comments: int) -> list[Verdict]:
    """Blocks dropped for their place only take the reason of their region: the
    section label above them ("相关推荐", "Most Popular", where comments start ...),
    else their shape (a list with timestamps), else site header / page footer."""
    out = list(verdicts)
    regions = ((range(0, first), "site header", "news ticker"),
               (range(last + 1, len(out)), "page footer", "related-articles list"))
    for idx, default, dated in regions:
        current = ""
        for i in idx:
            if feats[i].evidence in SECTION_REASONS or i == comments:
                current = feats[i].evidence if i != comments else "comment box"
            if i == comments:
                out[i] = Verdict(False, "chrome: comment box", out[i].kind, out[i].score)
            if out[i].reason:
                continue
            near = feats[max(idx.start, i - 2):min(idx.stop, i + 3)]
            reason = current or (dated if any(f.evidence == "timestamp" for f in near) else default)
            out[i] = Verdict(False, f"chrome: {reason}", out[i].kind, out[i].score)
    return out


# Labels that head a section of the page: what follows them shares their reason.
SECTION_REASONS = frozenset({"related-articles list", "news ticker", "comment box", "navigation menu",
                             "page footer", "social link row"})


def clean_lines(lines: Sequence[str]) -> list[bool]:
    """Plain-text lines (blank ones allowed) -> keep flags; blank lines are dropped."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    breaks = [i > 0 and not lines[i - 1].strip() for i in idx]
    result = classify([lines[i].strip() for i in idx], breaks=breaks)
    keep = [False] * len(lines)
    for i, v in zip(idx, result.verdicts):
        keep[i] = v.keep
    return keep
