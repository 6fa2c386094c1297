"""Chrome removal: on the seeds every chrome line named in issue 3 is gone and every
article paragraph stays; removed text is kept with a reason; editors can correct;
bad input is kept whole with a warning; and a pinned floor on the external benchmark."""
from __future__ import annotations

import re
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from site_builder.config import Config
from site_builder.model import BlockKind, Document, Severity
from site_builder.pipeline import read_document
from site_builder.stages import CORPUS_STAGES, DOC_STAGES, clean, footnotes, site_chrome
from site_builder.stages.clean_core import classify, clean_lines, features

from .conftest import missing_tool
from .hostile.corpus import files as hostile_files

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CFG = Config()
UNTIL_CLEAN = tuple(fn for name, fn in DOC_STAGES[:[n for n, _ in DOC_STAGES].index("clean")])


def before_clean(prefix: str, editorial: str = "") -> Document:
    """A seed through reading and the stages before clean (structure, infer)."""
    path = next(SEEDS.glob(prefix + "*"))
    return text_doc(path.name, path.read_bytes(), editorial)


def text_doc(name: str, raw: bytes, editorial: str = "") -> Document:
    doc, _ = read_document(name, raw, CFG, editorial.encode(), name.rsplit(".", 1)[0] + ".toml")
    assert doc is not None
    for fn in UNTIL_CLEAN:
        doc = fn(doc, CFG)
    return doc


def norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def kept_text(doc: Document) -> str:
    return norm(" ".join(b.text + " " + b.url for b in doc.blocks))


def removed_text(doc: Document) -> str:
    return norm(" ".join(r.text for r in doc.removed))


def source_lines(prefix: str, first: int, last: int) -> list[str]:
    lines = next(SEEDS.glob(prefix + "*")).read_text(encoding="utf-8").split("\n")
    return [ln for ln in lines[first - 1:last] if norm(ln)]


# ------------------------------------------------------------------ the seeds

CHROME = {
    "001": ["本文仅代表作者个人观点", "2025-02-13 06:42", "锂电池“打一针”就能“重生”", "2025-01-21 20:09 天文",
            "相关推荐", "最新闻 Hot", "“特朗普执意破坏全球规则,中国会打败我们” 评论 45",
            "印度断水、停签、赶人,巴基斯坦“以牙还牙”"],
    "002": ["转载请注明出处、作者和本文链接", "不构成投资建议", "点击这里投稿", "敬原创,有钛度,得赞赏", "赞赏支持",
            "发表评论", "0 / 300", "请绑定手机号后发表评论", "登录后输入评论内容", "快报", "2025-03-12 21:40",
            "亚马逊、谷歌和Meta承诺支持“2050核电翻三倍”", "国内期货夜盘开盘多数上涨", "扫描下载App"],
    "004": ["茉莉花新闻网", "中華青年思想與行動的聚合地", "中国茉莉花革命网始创于2011年2月20日", "新闻汇总", "邮件订阅",
            "输入您的邮件地址", "linkedin facebook pinterest youtube rss twitter instagram",
            "00china ai cohen wzhb master1050"],
    "000": ["未经授权，不得转载", "[qq](https://new.qq.com/rain/a/20250213A01JRE00)"],
}

# Article lines (1-based, inclusive) that must survive: paragraphs, section headings,
# captions and pull quotes, both halves of the bilingual seeds.
ARTICLE = {
    "000": (28, 232),
    "001": (3, 24),
    "002": (3, 61),
    "003": (1, 55),
    "004": (11, 129),
}


@pytest.mark.parametrize("prefix", sorted(CHROME))
def test_chrome_named_in_the_issue_is_gone(prefix: str) -> None:
    doc = clean.run(before_clean(prefix), CFG)
    kept = kept_text(doc)
    for line in CHROME[prefix]:
        assert norm(line) not in kept, f"seed {prefix}: chrome still on the page: {line!r}"
    moved = removed_text(doc)
    for line in CHROME[prefix]:
        assert norm(line) in moved, f"seed {prefix}: {line!r} vanished instead of going to removed[]"


@pytest.mark.parametrize("prefix", sorted(ARTICLE))
def test_every_article_paragraph_stays(prefix: str) -> None:
    before = before_clean(prefix)
    doc = clean.run(before, CFG)
    kept = kept_text(doc)
    metadata = {norm(r.text) for r in before.removed}      # infer's provenance lines
    for line in source_lines(prefix, *ARTICLE[prefix]):
        if norm(line) in metadata or norm(line) in {norm(x) for x in CHROME.get(prefix, [])}:
            continue
        tail = norm(line)[-30:]                             # a dateline may be cut off the front
        assert tail in kept, f"seed {prefix}: article text lost: {line[:80]!r}"


def test_glued_image_file_name_is_split_off_the_caption() -> None:
    doc = clean.run(before_clean("004"), CFG)
    caption = next(b for b in doc.blocks if "自从去年12月底DeepSeek-V3发布后不久" in b.text)
    assert caption.text.startswith("自从") and caption.kind is BlockKind.CAPTION
    piece = next(r for r in doc.removed if r.reason == "chrome: image file name")
    assert piece.text == "00china ai cohen wzhb master1050" and piece.lines == caption.lines


def test_reasons_are_short_and_specific() -> None:
    reasons = {r.text.split("\n")[0]: r.reason for p in ("001", "002", "004")
               for r in clean.run(before_clean(p), CFG).removed}
    assert reasons["相关推荐 -"] == "chrome: related-articles list"
    assert reasons["快报"] == "chrome: news ticker"
    assert reasons["登录后输入评论内容"] == "chrome: comment box"
    assert reasons["扫描下载App"] == "chrome: app prompt"
    assert reasons["中華青年思想與行動的聚合地"] == "chrome: site header"
    assert reasons["linkedin facebook pinterest youtube rss twitter instagram facebook-blank rss-blank "
                   "linkedin-blank pinterest youtube twitter instagram"] == "chrome: social link row"
    assert all(r.startswith(("chrome: ", "metadata: ", "editor: ")) and len(r) <= 40 for r in reasons.values())


@pytest.mark.parametrize("prefix", sorted(ARTICLE))
def test_nothing_is_lost(prefix: str) -> None:
    """Every character of every block before clean is in a kept block or in removed[]
    (a caption split from its glued file name is in both halves)."""
    before = before_clean(prefix)
    doc = clean.run(before, CFG)
    pool = Counter(kept_text(doc) + removed_text(doc))
    need = Counter(norm(" ".join(b.text + " " + b.url for b in before.blocks)) + removed_text(before))
    assert not need - pool, f"seed {prefix}: text disappeared: {''.join(sorted((need - pool).elements()))[:80]}"
    assert [r for r in before.removed] == list(doc.removed[:len(before.removed)])
    spans = [r.lines for r in doc.removed[len(before.removed):]]
    assert all(1 <= a <= b for a, b in spans)


def test_explain_agrees_with_run() -> None:
    before = before_clean("002")
    rows = clean.explain(before, CFG)
    after = clean.run(before, CFG)
    assert [b.text for b, keep, _ in rows if keep] == [b.text for b in after.blocks]
    assert sorted(b.text for b, keep, _ in rows if not keep) == \
        sorted(r.text for r in after.removed[len(before.removed):])
    assert all(reason for _, _, reason in rows)


def test_deterministic() -> None:
    before = before_clean("001")
    assert clean.run(before, CFG) == clean.run(before, CFG)


def test_a_block_with_chrome_lines_at_its_end_is_trimmed() -> None:
    """No blank line between the last paragraph and the share row: the block keeps
    its text, the share row goes with its own line span and reason."""
    body = [ln for ln in source_lines("002", 9, 21)]
    raw = "\n\n".join(body) + "\nShare\nFacebook Twitter Email\n"
    doc = clean.run(text_doc("trim.txt", raw.encode()), CFG)
    last = doc.blocks[-1]
    assert last.text == body[-1] and last.lines[0] == last.lines[1]
    tail = doc.removed[-1]
    assert tail.text == "Share\nFacebook Twitter Email" and tail.reason == "chrome: share row"
    assert tail.lines == (last.lines[1] + 1, last.lines[1] + 2)


def test_a_caption_crediting_a_photo_stays_in_the_article() -> None:
    page = ["Home", "World", "", PARA_1, "",
            "Workers unload a container ship in the harbour. (Photo © 2019 Getty Images)", "",
            PARA_2, "", "© 2019 Example News. All rights reserved."]
    kept = [ln for ln, k in zip(page, clean_lines(page)) if k]
    assert kept == [PARA_1, page[5], PARA_2]


# ------------------------------------------------------------------ editors

def test_editor_keep_and_drop_win() -> None:
    table = '[clean]\nkeep = ["相关推荐"]\ndrop = ["AGI比起一般的AI"]\n'
    doc = clean.run(before_clean("001", table), CFG)
    assert any("相关推荐" in b.text for b in doc.blocks)
    assert not any("AGI比起一般的AI" in b.text for b in doc.blocks)
    dropped = [r for r in doc.removed if r.reason == "editor: drop"]
    assert [r.lines for r in dropped] == [(13, 13)]
    assert not [w for w in doc.warnings if w.stage == "clean"]


def test_editor_substring_that_matches_nothing_is_reported() -> None:
    doc = clean.run(before_clean("001", '[clean]\ndrop = ["no such text anywhere"]\n'), CFG)
    codes = [w.code for w in doc.warnings if w.stage == "clean"]
    assert codes == ["CLN002"]


# ------------------------------------------------------------------ bad input

ALL_CHROME = "Home\nNews\nSports\n\nShare\nFacebook\nTwitter\nEmail\n\nSubscribe\nSign in\n© 2024 Example Media\n"
ALL_SHORT = "\n".join(f"Line number {i}" for i in range(1, 30)) + "\n"


@pytest.mark.parametrize("raw", [ALL_CHROME, ALL_SHORT], ids=["all-chrome", "all-short"])
def test_bad_input_is_kept_whole_with_one_warning(raw: str) -> None:
    before = text_doc("bad.txt", raw.encode())
    doc = clean.run(before, CFG)
    assert doc.blocks == before.blocks and doc.removed == before.removed
    warnings = [w for w in doc.warnings if w.stage == "clean"]
    assert [(w.code, w.severity) for w in warnings] == [("CLN001", Severity.WARNING)]
    assert warnings[0].path == "bad.txt" and warnings[0].line


def test_a_short_note_is_kept_without_a_warning() -> None:
    doc = clean.run(text_doc("note.md", b"---\ntitle: A\n---\nBody of a.\n"), CFG)
    assert [b.text for b in doc.blocks] == ["Body of a."]
    assert not [w for w in doc.warnings if w.stage == "clean"]


def test_editor_drop_wins_even_when_the_input_is_kept_whole() -> None:
    before = text_doc("bad.txt", ALL_CHROME.encode(), '[clean]\ndrop = ["Facebook"]\n')
    doc = clean.run(before, CFG)
    assert [w.code for w in doc.warnings if w.stage == "clean"] == ["CLN001"]
    mine = doc.removed[len(before.removed):]
    assert [(r.reason, r.text) for r in mine] == [("editor: drop", "Share\nFacebook\nTwitter\nEmail")]
    assert all("Facebook" not in b.text for b in doc.blocks) and len(doc.blocks) == len(before.blocks) - 1


def test_empty_document_is_left_alone() -> None:
    doc = Document(source=before_clean("001").source)
    assert clean.run(doc, CFG) == doc


# ------------------------------------------------------------------ the core on plain lines

PARA_1 = ("The harbour was quiet on Monday when the first ships arrived, and the workers, "
          "who had waited for weeks, began to unload them before noon.")
PARA_2 = ("Officials said the port would reopen fully by the end of the month, although "
          "some of the cranes still need repairs after the storm.")


def test_core_keeps_the_article_and_drops_the_frame() -> None:
    page = ["Home", "World", "Business", "Sign in", "", "A headline about the harbour",
            "By Jane Doe", "Nov. 19, 2019 8:03 am ET", "",
            "The harbour was quiet on Monday when the first ships arrived, and the workers, "
            "who had waited for weeks, began to unload them before noon.", "",
            "Officials said the port would reopen fully by the end of the month, although "
            "some of the cranes still need repairs after the storm.", "",
            "Related Articles", "Another story", "Yet another story", "Share", "Facebook Twitter Email",
            "© 2019 Example News. All rights reserved."]
    keep = clean_lines(page)
    kept = [ln for ln, k in zip(page, keep) if k]
    assert kept == [page[9], page[11]]


def test_core_reads_hard_wrapped_paragraphs_as_paragraphs() -> None:
    """Seed 002's article wrapped at 72 columns between a menu and a footer: every
    wrapped line is kept, the frame is not."""
    article = [ln for ln in source_lines("002", 3, 61)]
    wrapped = [part for ln in article for part in (textwrap.wrap(ln, 72) + [""])]
    page = ["Home", "Tech", "Markets", "Sign in", ""] + wrapped + ["Share", "Facebook Twitter Email",
                                                               "Related Articles", "Copyright 2025 Example"]
    kept = [ln for ln, k in zip(page, clean_lines(page)) if k]
    assert kept == [ln for ln in wrapped if ln]


def test_core_falls_back_when_nothing_reads_as_text() -> None:
    result = classify(["Home", "News", "Share"])
    assert result.fallback and all(v.keep for v in result.verdicts)


# ------------------------------------------------------------------ the benchmark floor

BENCH = ROOT.parent / "shared" / "benchmarks" / "extraction"
# Measured on this 31-page sample (every 6th page by name) when the floor was set:
# F1 0.928, P 0.909, R 0.955, 3 pages with R < 0.9, no empty page (all 181 pages:
# F1 0.924, R 0.975, 8 lost).  The floors leave about 0.025 of margin.
F1_FLOOR = 0.90
RECALL_FLOOR = 0.93
LOST_CEILING = 4 / 31


def test_benchmark_sample_floor() -> None:
    if not (BENCH / "score.py").is_file():
        missing_tool(f"the extraction benchmark is not at {BENCH}")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import extraction

    names = extraction.page_names(BENCH)[::6]
    start = time.perf_counter()
    got = extraction.sample_f1(BENCH, names)
    assert time.perf_counter() - start < 10
    assert got["empty"] == 0
    assert got["f1"] >= F1_FLOOR, got
    assert got["recall"] >= RECALL_FLOOR, got
    assert got["lost"] <= LOST_CEILING, got


# ------------------------------------------------------------------ hostile input: linear time

@pytest.fixture(scope="module")
def hostile_docs() -> dict[str, Document]:
    """dos2-pathological.md (seven 10k-100k character blocks of markup bait) and
    dos4-footnotes.md (a 900 KB paragraph and 100,000 one-line notes), before clean."""
    raw = hostile_files()
    return {name: text_doc(name, raw[name]) for name in ("dos2-pathological.md", "dos4-footnotes.md")}


# Measured: 13.8 s and 7.2 s before the patterns were bounded and notes set aside,
# 0.1 s and 0.7 s after.  The ceiling leaves room for a loaded machine.
CLEAN_CPU_CEILING = 3.0


@pytest.mark.parametrize("name", ["dos2-pathological.md", "dos4-footnotes.md"])
def test_hostile_files_clean_in_linear_time(hostile_docs: dict[str, Document], name: str) -> None:
    before = hostile_docs[name]
    start = time.process_time()
    doc = clean.run(before, CFG)
    spent = time.process_time() - start
    assert spent < CLEAN_CPU_CEILING, f"{name}: clean took {spent:.1f} s of CPU"
    assert kept_text(doc) + removed_text(doc)      # something came out either way


BAIT = {
    "digits": "1" * 20_000,                      # "\d+...前" tried at every digit: quadratic
    "digits then unit": "1" * 20_000 + "天前",
    "figures": "1," * 10_000 + " comments",
    "brackets": "[" * 20_000 + "a" + "]" * 20_000,
    "link openers": "[a](" * 5_000,
    "underscores": "a_" * 10_000,
}


@pytest.mark.parametrize("name", sorted(BAIT))
def test_heuristic_patterns_are_linear_on_bait(name: str) -> None:
    """A single block of bait (one word, one line) is judged in milliseconds: every
    heuristic pattern sees capped text or cannot restart inside a run."""
    start = time.process_time()
    features(BAIT[name])
    doc = clean.run(text_doc("bait.md", f"# Bait\n\n{PARA_1}\n\n{BAIT[name]}\n\n{PARA_2}\n".encode()), CFG)
    spent = time.process_time() - start
    assert spent < 0.5, f"{name}: {spent:.2f} s"
    assert PARA_1[:40] in " ".join(b.text for b in doc.blocks)


# ------------------------------------------------------------------ notes sections survive

def test_hostile_notes_survive_clean_for_the_footnotes_stage(hostile_docs: dict[str, Document]) -> None:
    before = hostile_docs["dos4-footnotes.md"]
    doc = clean.run(before, CFG)
    assert not doc.removed[len(before.removed):], "clean removed part of the notes section"
    assert [b.text for b in doc.blocks[-3:]] == ["[99998] note 99998", "[99999] note 99999", "[100000] note 100000"]
    assert any(b.text == "Notes" for b in doc.blocks)
    notes = footnotes.run(doc, CFG).footnotes
    assert len(notes) == 100_000 and notes[-1].raw == "[100000] note 100000"


def test_seed_000_notes_are_kept_as_a_notes_section() -> None:
    before = before_clean("000")
    rows = clean.explain(before, CFG)
    section = [(b.text, keep, reason) for b, keep, reason in rows if 122 <= b.lines[0] <= 164]
    assert section[0][0] == "注释：" and section[-1][0] == "[20] Idem."
    assert all(keep and reason == "kept: notes section" for _, keep, reason in section)
    assert any(text.startswith("Link:https://") for text, _, _ in section)
    notes = footnotes.run(clean.run(before, CFG), CFG).footnotes
    assert len(notes) == 20 and notes[0].raw.startswith("[1]Winner")


NOTES_PAGE = ["Home", "World", "Sign in", "", "The harbour reopens after the storm", "",
              PARA_1, "", PARA_2, "", "References", "",
              "[1] Harbour Authority, Annual Report 2019, p. 12.", "",
              "Link: https://example.org/report", "",
              "[2] Interview with the harbour master, 4 March 2019.", "",
              "Share", "Facebook Twitter Email", "", "Privacy Policy | Terms of Use | Contact Us", ""]


def test_a_notes_section_between_article_and_footer_is_kept() -> None:
    doc = clean.run(text_doc("notes.txt", "\n".join(NOTES_PAGE).encode()), CFG)
    kept = [b.text for b in doc.blocks]
    assert kept[-4:] == ["References", "[1] Harbour Authority, Annual Report 2019, p. 12.",
                         "Link: https://example.org/report",
                         "[2] Interview with the harbour master, 4 March 2019."]
    assert {"Share\nFacebook Twitter Email", "Privacy Policy | Terms of Use | Contact Us"} <= \
        {r.text for r in doc.removed}
    assert len(footnotes.run(doc, CFG).footnotes) == 2


def test_a_notes_heading_without_entries_is_judged_as_usual() -> None:
    """'Sources' over prose is not a notes section: the core decides about it."""
    page = NOTES_PAGE[:10] + ["Sources", "", "Subscribe to our newsletter for more stories like this.", ""]
    rows = clean.explain(text_doc("sources.txt", "\n".join(page).encode()), CFG)
    assert not [r for _, _, r in rows if r == "kept: notes section"]
    assert "Subscribe to our newsletter for more stories like this." not in \
        [b.text for b, keep, _ in rows if keep]


def test_editor_drop_wins_over_a_notes_section() -> None:
    before = text_doc("notes.txt", "\n".join(NOTES_PAGE).encode(), '[clean]\ndrop = ["Interview with"]\n')
    doc = clean.run(before, CFG)
    assert [r.reason for r in doc.removed if "Interview" in r.text] == ["editor: drop"]
    assert any(b.text.startswith("[1] Harbour") for b in doc.blocks)


# ------------------------------------------------------------------ lines repeated across a site

BLURB = "Harbour Daily is an independent newsroom that has covered the coastal towns since 1998."
DESK = "Tips and corrections go to the newsroom desk on weekdays."
TWICE = "The ferry timetable changes again in the spring, the council said."
STORIES = [
    ("Cranes return to the north quay",
     "The north quay reopened on Monday after three weeks of repairs, and the first cranes were "
     "back at work before noon, according to the dock workers who had waited for them.",
     "Officials said the remaining berths would follow by the end of the month, although the "
     "weather could still delay the last of the work on the southern side."),
    ("A new school year on the islands",
     "Teachers on the outer islands started the school year with two new classrooms, which the "
     "council built over the summer after years of complaints from the parents.",
     "The ferry company has added an early crossing so that pupils from the smaller islands can "
     "arrive before the first lesson, at least on weekdays."),
    ("Fishing quotas cut again",
     "The regional fishing board cut the quota for cod by a fifth on Thursday, the third cut in "
     "as many years, and the boat owners said they would appeal the decision.",
     "Several families who have fished these waters for generations told the board that they "
     "could not survive another season like the last one."),
    ("The lighthouse gets a museum",
     "The old lighthouse on the point will open as a small museum next spring, after volunteers "
     "restored the lamp room and the keeper's cottage with money raised in the town.",
     "The museum will show the logbooks of the keepers, which record every ship that passed "
     "the point for more than a hundred years, and the storms they saw."),
]


def story(i: int, site: str = "Harbour Daily", extra: str = "", title: str = "") -> bytes:
    head, p1, p2 = STORIES[i]
    body = f"---\ntitle: {title or head}\nsite: {site}\n---\n{p1}\n\n{p2}\n\n{extra}{BLURB}\n\n{DESK}\n"
    return body.encode()


def full_doc(name: str, raw: bytes, editorial: str = "") -> Document:
    doc, _ = read_document(name, raw, CFG, editorial.encode(), name.rsplit(".", 1)[0] + ".toml")
    assert doc is not None
    for _, fn in DOC_STAGES:
        doc = fn(doc, CFG)
    return doc


def site_corpus() -> tuple[Document, ...]:
    """Four stories of one site (two share an extra line), one of them with an editor's
    keep for the blurb; and one story of another site with the same blurb."""
    return (full_doc("a.md", story(0, extra=TWICE + "\n\n")),
            full_doc("b.md", story(1, extra=TWICE + "\n\n")),
            full_doc("c.md", story(2)),
            full_doc("d.md", story(3), '[clean]\nkeep = ["independent newsroom"]\n'),
            full_doc("e.md", story(0, site="Other Gazette")))


def test_lines_a_site_repeats_leave_every_article_of_that_site() -> None:
    docs = site_corpus()
    assert all(BLURB in [b.text for b in d.blocks] for d in docs), "precondition: clean keeps the blurb"
    out = {d.source.path: d for d in site_chrome.run(docs, CFG)}
    for name in ("a.md", "b.md", "c.md"):
        kept = [b.text for b in out[name].blocks]
        assert BLURB not in kept and DESK not in kept, name
        assert {(r.text, r.reason) for r in out[name].removed} >= {(BLURB, "chrome: repeated across Harbour Daily"),
                                                      (DESK, "chrome: repeated across Harbour Daily")}
        assert len(kept) == 2 + (name != "c.md")            # both paragraphs (and TWICE) stay
    assert TWICE in [b.text for b in out["a.md"].blocks]    # in two documents only
    assert BLURB in [b.text for b in out["d.md"].blocks]    # the editor keeps it
    assert DESK not in [b.text for b in out["d.md"].blocks]
    assert out["e.md"] == docs[4]                           # another site


def test_site_chrome_is_deterministic_and_order_free() -> None:
    docs = site_corpus()
    forward = site_chrome.run(docs, CFG)
    backward = site_chrome.run(docs[::-1], CFG)
    assert forward == backward[::-1] and forward == site_chrome.run(docs, CFG)


def test_copies_of_one_article_count_once() -> None:
    """Three scrapes of one story share every line: that is dedup's business, not chrome."""
    docs = tuple(full_doc(f"copy{i}.md", story(0)) for i in range(3))
    assert site_chrome.run(docs, CFG) == docs


def test_site_chrome_runs_before_dedup() -> None:
    names = [name for name, _ in CORPUS_STAGES]
    assert names.index("site_chrome") + 1 == names.index("dedup")
