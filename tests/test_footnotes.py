"""Footnotes: notes sections, markers, Idem/Ibid, warnings, linear time (issue 4, RELIABILITY FN)."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from site_builder.config import Config
from site_builder.model import Block, BlockKind, Document, Source
from site_builder.pipeline import read_document
from site_builder.stages import DOC_STAGES, footnotes, structure
from site_builder.stages.footnotes import is_notes_heading, plain_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CFG = Config()
FRONT = '---\ntitle: "T"\n---\n\n'
BODY = "This is the body paragraph of a test article, long enough to be an ordinary paragraph"


def seed_doc(prefix: str) -> Document:
    """A seed through every stage up to and including footnotes."""
    path = next(SEEDS.glob(prefix + "*"))
    doc, _ = read_document(path.name, path.read_bytes(), CFG)
    for name, fn in DOC_STAGES:
        doc = fn(doc, CFG)
        if name == "footnotes":
            return doc
    raise AssertionError("no footnotes stage")


def doc_of(body: str, name: str = "a.md") -> Document:
    """Front matter + body -> structure -> footnotes (no other stage in between)."""
    doc, _ = read_document(name, (FRONT + body).encode(), CFG)
    return footnotes.run(structure.run(doc, CFG), CFG)


def notes(doc: Document) -> dict[str, object]:
    return {f.id: f for f in doc.footnotes}


def marked(doc: Document) -> list[tuple[str, str]]:
    """(text under the marker, note id) for every marker, in reading order."""
    return [(b.text[m.start:m.end], m.note) for b in doc.blocks for m in b.marks]


def codes(doc: Document) -> list[str]:
    return [w.code for w in doc.warnings if w.code.startswith("FN")]


# ------------------------------------------------------------------ seed 000

@pytest.fixture(scope="module")
def seed0() -> Document:
    return seed_doc("000_")


def test_seed0_all_twenty_notes_resolve(seed0):
    assert [f.id for f in seed0.footnotes] == [str(n) for n in range(1, 21)]
    assert all(f.resolved and f.cited and f.refs for f in seed0.footnotes)
    assert codes(seed0) == []
    assert [note for _, note in marked(seed0)] == [str(n) for n in range(1, 21)]
    assert all(text == f"[{note}]" for text, note in marked(seed0))


def test_seed0_every_idem_shows_the_previous_note(seed0):
    fn = seed0.footnotes
    idems = [i for i, f in enumerate(fn) if f.raw.split("]", 1)[1].strip() == "Idem."]
    assert [fn[i].id for i in idems] == ["3", "6", "10", "12", "20"]
    for i in idems:
        assert fn[i].same_as == fn[i - 1].id
        assert fn[i].text == fn[i - 1].text and "Idem" not in fn[i].text
    assert notes(seed0)["12"].text.startswith("Goodfellow, I., Bengio")


def test_seed0_note_9_keeps_its_link_paragraph(seed0):
    n9 = notes(seed0)["9"]
    assert n9.lines == (140, 142)
    assert "Link:https://mp.weixin.qq.com/s/cp4rQx09wygE9uHBadI7RA" in n9.raw
    assert "https://mp.weixin.qq.com/s/cp4rQx09wygE9uHBadI7RA" in n9.text
    assert n9.text.startswith("郝博阳. (2025, 23 de janeiro)")
    assert notes(seed0)["10"].text == n9.text


def test_seed0_urls_unescaped_in_text_kept_in_raw(seed0):
    n4 = notes(seed0)["4"]
    assert n4.text == "https://mp.weixin.qq.com/s/r9zZaEgqAa_lml_fOEZmjg"
    assert n4.raw == r"[4]https://mp.weixin.qq.com/s/r9zZaEgqAa\_lml\_fOEZmjg"


def test_seed0_notes_leave_the_running_text_and_the_english_part_stays(seed0):
    texts = [b.text for b in seed0.blocks]
    assert not any(re.match(r"\[\d+\]", t) for t in texts)
    assert not any(t.startswith("Link:") for t in texts)
    assert any(t.startswith("THE DISPUTE FOR LEADERSHIP") for t in texts)
    assert any(b.kind is BlockKind.RULE for b in seed0.blocks)
    heading = [r for r in seed0.removed if r.reason == "footnotes: notes heading"]
    assert [(r.text, r.lines) for r in heading] == [("注释：", (122, 122))]


def test_seed0_no_note_text_is_lost(seed0):
    """Every non-blank run of the notes lines is in a note's raw text or in removed[]."""
    path = next(SEEDS.glob("000_*"))
    lines = path.read_text("utf-8").split("\n")[121:164]
    kept = " ".join([f.raw for f in seed0.footnotes] + [r.text for r in seed0.removed])
    for run in " ".join(lines).replace("**", "").split():
        assert run in kept, run


def test_seed1_near_copy_markers_have_labels_but_no_notes():
    doc = seed_doc("001_")
    assert doc.footnotes == ()
    got = marked(doc)
    assert got and all(text == f"[{note}]" for text, note in got)
    assert [n for _, n in got] == [str(k) for k in range(1, len(got) + 1)]
    (warn,) = [w for w in doc.warnings if w.code == "FN001"]
    assert warn.line == 7 and "[1] b" in warn.message and "another copy" in warn.hint


# ------------------------------------------------------------------ marker forms

@pytest.mark.parametrize("marker", ["[1]", "[ 1 ]", "［1］", "［１］", "¹", r"\[1\]", "[[1]](#_ftn1)"])
def test_each_marker_form_cites_note_1(marker):
    doc = doc_of(f"{BODY}{marker} and more text.\n\nNotes\n\n[1] The source.\n\n[2] Other.\n\nclosing{'[2]'}\n")
    assert marked(doc)[0] == (marker, "1")
    assert notes(doc)["1"].refs == ("b1",)


def test_markdown_footnote_labels():
    doc = doc_of(f"{BODY}[^a] and again[^2].\n\n[^a]: First note.\n[^2]: Second *note*.\n")
    assert marked(doc) == [("[^a]", "a"), ("[^2]", "2")]
    assert [(f.id, f.text) for f in doc.footnotes] == [("a", "First note."), ("2", "Second note.")]
    assert codes(doc) == []


def test_a_note_cited_several_times_lists_every_ref():
    doc = doc_of(f"{BODY}[1].\n\nAgain[1], and again[1].\n\n注释：\n\n[1]来源。\n")
    assert notes(doc)["1"].refs == ("b1", "b2", "b2")


# ------------------------------------------------------------------ notes sections and entries

@pytest.mark.parametrize("heading", ["**注释：**", "注释", "注", "注：", "参考文献", "参考资料", "## Notes",
                                     "References:", "Footnotes", "**Endnotes**", "Sources", "【注释】"])
def test_each_notes_heading_opens_a_section(heading):
    doc = doc_of(f"{BODY}[1]。\n\n{heading}\n\n[1] A cited source.\n")
    assert [(f.id, f.text) for f in doc.footnotes] == [("1", "A cited source.")]
    assert [r.reason for r in doc.removed] == ["footnotes: notes heading"]
    assert all(b.kind is not BlockKind.HEADING for b in doc.blocks)


@pytest.mark.parametrize("entries", [
    "[1]Alpha.\n\n[2]Beta.", "[1] Alpha.\n\n[2] Beta.", "［1］Alpha.\n\n［2］Beta.",
    "1. Alpha.\n2. Beta.", "[1]: Alpha.\n\n[2]: Beta.", "[1] Alpha.\n[2] Beta.",
])
def test_each_entry_shape(entries):
    doc = doc_of(f"{BODY}[1] and[2].\n\n## Notes\n\n{entries}\n")
    assert [(f.id, f.text) for f in doc.footnotes] == [("1", "Alpha."), ("2", "Beta.")]
    assert codes(doc) == []


def test_plain_text_file_heading_and_notes_in_one_block():
    doc = doc_of(f"{BODY}[1] and more[2].\n\nNotes\n[1] one\n[2] two\n", "a.txt")
    assert [(f.id, f.text, f.lines) for f in doc.footnotes] == [("1", "one", (8, 8)), ("2", "two", (9, 9))]
    assert doc.removed[-1].text == "Notes"


def test_heading_without_entries_is_not_a_notes_section():
    doc = doc_of(f"## Notes\n\n{BODY}[1].\n")
    assert doc.footnotes == () and doc.blocks[0].text == "Notes"
    assert codes(doc) == ["FN001"]


def test_a_numbered_list_without_a_notes_heading_stays_a_list():
    doc = doc_of(f"{BODY}.\n\n1. first point\n2. second point\n")
    assert doc.footnotes == () and doc.blocks[-1].kind is BlockKind.LIST


def test_headless_run_of_bracket_notes():
    doc = doc_of(f"{BODY}[1][2].\n\n[1] Alpha.\n\n[2] Beta.\n")
    assert [f.id for f in doc.footnotes] == ["1", "2"] and len(doc.blocks) == 1


def test_section_ends_at_a_rule_heading_or_other_paragraph():
    doc = doc_of(f"{BODY}[1][2][3].\n\n注释：\n\n[1]甲。\n\n[2]乙。\n\n---\n\n[3] After the rule.\n\n"
                 "English text that is the original article continues here for a while.\n")
    assert [f.id for f in doc.footnotes] == ["1", "2", "3"]
    assert any(b.kind is BlockKind.RULE for b in doc.blocks)
    assert doc.blocks[-1].text.startswith("English text")


def test_paragraph_between_two_notes_continues_the_first():
    doc = doc_of(f"{BODY}[1][2].\n\n## Notes\n\n[1] Alpha.\n\nsee also p. 4.\n\n[2] Beta.\n")
    assert notes(doc)["1"].text == "Alpha.\nsee also p. 4." and notes(doc)["1"].lines == (9, 11)


def test_two_sections_bind_markers_to_their_own_notes():
    body = (f"中文正文[1]。\n\n注释：\n\n[1]中文来源。\n\n---\n\n{BODY}[1].\n\n## Notes\n\n[1] English source.\n")
    doc = doc_of(body)
    assert [(f.id, f.text) for f in doc.footnotes] == [("1", "中文来源。"), ("1-2", "English source.")]
    assert [n for _, n in marked(doc)] == ["1", "1-2"]
    assert codes(doc) == []


# ------------------------------------------------------------------ Idem / Ibid

def test_ibid_with_a_page_keeps_the_page():
    doc = doc_of(f"{BODY}[1][2][3].\n\n## Notes\n\n[1] Winner, L. The whale. 1986.\n\n"
                 "[2] Ibid., p. 45.\n\n[3] Ibid.\n")
    n = notes(doc)
    assert n["2"].text == "Winner, L. The whale. 1986, p. 45." and n["2"].same_as == "1"
    assert n["2"].raw == "[2] Ibid., p. 45."
    assert n["3"].text == n["2"].text and n["3"].same_as == "2"


@pytest.mark.parametrize("word, expected", [("同上。", "《书》。"), ("同前", "《书》。"), ("同上，第5页。", "《书》，第5页。"),
                                            ("*Ibid.*", "《书》。"), ("Idem", "《书》。")])
def test_chinese_and_latin_same_as_words(word, expected):
    doc = doc_of(f"{BODY}[1][2].\n\n注释：\n\n[1]《书》。\n\n[2]{word}\n")
    assert notes(doc)["2"].text == expected and notes(doc)["2"].same_as == "1"


def test_idem_as_first_note_is_unresolved_not_a_crash():
    doc = doc_of(f"{BODY}[1][2].\n\n## Notes\n\n[1] Idem.\n\n[2] 同上\n")
    n = notes(doc)
    assert (n["1"].resolved, n["1"].same_as, n["1"].text) == (False, None, "Idem.")
    assert (n["2"].same_as, n["2"].resolved, n["2"].text) == ("1", False, "同上")
    assert codes(doc) == ["FN004"]


def test_words_starting_like_idem_are_not_idem():
    doc = doc_of(f"{BODY}[1][2].\n\n## Notes\n\n[1] Alpha.\n\n[2] Idempotent functions, p. 3.\n")
    assert notes(doc)["2"].same_as is None


# ------------------------------------------------------------------ warnings

def test_dangling_markers_warn_with_ids_and_lines():
    doc = doc_of(f"{BODY}[1] and [7].\n\n## Notes\n\n[1] Alpha.\n")
    (w,) = [w for w in doc.warnings if w.code == "FN001"]
    assert "[7] b1 line 5" in w.message and w.line == 5 and w.path == "a.md"
    assert marked(doc) == [("[1]", "1"), ("[7]", "7")]


def test_unused_notes_are_kept_uncited_and_warned():
    doc = doc_of(f"{BODY}[1].\n\n## Notes\n\n[1] Alpha.\n\n[2] Beta.\n")
    n = notes(doc)
    assert n["2"].cited is False and n["2"].refs == () and n["2"].text == "Beta."
    (w,) = [w for w in doc.warnings if w.code == "FN002"]
    assert "[2] line 11" in w.message and w.line == 11


def test_duplicate_numbers_keep_both_notes():
    doc = doc_of(f"{BODY}[1][2].\n\n## Notes\n\n[1] Alpha.\n\n[2] Beta.\n\n[2] Beta again.\n")
    assert [(f.id, f.text, f.cited) for f in doc.footnotes] == [
        ("1", "Alpha.", True), ("2", "Beta.", True), ("2-2", "Beta again.", False)]
    assert codes(doc) == ["FN003"]
    assert "lines 11 and 13" in doc.warnings[-1].message


# ------------------------------------------------------------------ false markers

@pytest.mark.parametrize("text", [
    "see [qq](https://new.qq.com/a) here", "a link [1](https://example.com/) here",
    "in the year [2020] it rained", "(Winner, 2020) said so", "（Winner，2020）说", "an area of 5 m² and 10⁹ bytes",
    "code `a[1]` here", "![1](https://example.com/x.png)", "[[1]](https://example.com/page)",
])
def test_false_markers(text):
    doc = doc_of(f"{BODY}, {text}.\n")
    assert marked(doc) == [] and codes(doc) == []


def test_bracketed_year_with_a_matching_note_is_a_marker():
    doc = doc_of(f"{BODY}[2020].\n\n## Notes\n\n[2020] A note numbered like a year.\n")
    assert marked(doc) == [("[2020]", "2020")]


def test_superscript_after_a_word_is_a_marker_only_with_a_note():
    doc = doc_of(f"{BODY} reactor² and reactor³.\n\n## Notes\n\n¹ One.\n\n² Two.\n")
    assert marked(doc) == [("²", "2")]
    assert codes(doc) == ["FN002"]


# ------------------------------------------------------------------ note text

@pytest.mark.parametrize("raw, text", [
    (r"https://a.b/c\_d\_e", "https://a.b/c_d_e"),
    ("Link:https://a.b/c", "Link: https://a.b/c"),
    ("https://a.b/c腾讯科技", "https://a.b/c 腾讯科技"),
    ("[Report](https://a.b/r) 2024", "Report (https://a.b/r) 2024"),
    ("<https://a.b/c>", "https://a.b/c"),
    ("DOI 10.1000/xyz123.", "DOI: 10.1000/xyz123."),
    ("**Bold** and *Title*", "Bold and Title"),
])
def test_plain_text_delimits_urls_and_dois(raw, text):
    assert plain_text(raw) == text


def test_is_notes_heading():
    assert is_notes_heading("**注释：**") and is_notes_heading("## References")
    assert not is_notes_heading("注：本文有删节") and not is_notes_heading("Notes on a scandal")


# ------------------------------------------------------------------ robustness and time

def test_document_without_blocks_or_notes():
    doc = Document(source=Source("e.md", "0" * 64, 0, "utf-8"))
    assert footnotes.run(doc, CFG) == doc


def _big(n: int) -> Document:
    text = "".join(f"text[{k}]" for k in range(1, n + 1))
    blocks = [Block("b1", BlockKind.PARAGRAPH, text, (1, 1), "en"),
              Block("b2", BlockKind.HEADING, "Notes", (3, 3), "en")]
    blocks += [Block(f"b{k + 2}", BlockKind.PARAGRAPH, f"[{k}] Note {k}.", (k + 4, k + 4), "en")
               for k in range(1, n + 1)]
    blocks.append(Block(f"b{n + 3}", BlockKind.PARAGRAPH, "[1] Idem.", (n + 5, n + 5), "en"))
    return Document(source=Source("big.md", "0" * 64, 0, "utf-8"), format="markdown", blocks=tuple(blocks))


def _cpu_seconds(doc: Document) -> tuple[float, Document]:
    """CPU time, not wall time: the test machine is shared (DOS-4 allows 60 s)."""
    start = time.process_time()
    out = footnotes.run(doc, CFG)
    return time.process_time() - start, out


def test_100k_markers_and_notes_in_linear_time():
    small, _ = _cpu_seconds(_big(10_000))
    big, doc = _cpu_seconds(_big(100_000))
    assert len(doc.footnotes) == 100_001 and len(doc.blocks[0].marks) == 100_000
    assert doc.footnotes[-1].id == "1-2" and doc.footnotes[-1].same_as == "100000"
    assert codes(doc) == ["FN003"]
    assert big < 20, big
    assert big < 25 * max(small, 0.02), (small, big)   # linear: ~10x; quadratic: ~100x


def test_many_dangling_markers_over_many_lines_stay_linear():
    text = "\n".join(f"line[^n{k}]" for k in range(50_000))
    doc = Document(source=Source("d.md", "0" * 64, 0, "utf-8"), format="markdown",
                   blocks=(Block("b1", BlockKind.PARAGRAPH, text, (1, 50_000), "en"),))
    cpu, out = _cpu_seconds(doc)
    (w,) = out.warnings
    assert w.code == "FN001" and "50000 footnote marker(s)" in w.message and "[n1] b1 line 2" in w.message
    assert cpu < 10, cpu


def test_note_lines_and_bulleted_entries():
    doc = doc_of(f"{BODY}[1][2].\n\n## Notes\n\n- [1] Alpha,\n  continued.\n- [2] Beta.\n")
    assert [(f.id, f.text) for f in doc.footnotes] == [("1", "Alpha,\ncontinued."), ("2", "Beta.")]
    assert notes(doc)["1"].lines == (9, 10)


def test_is_note_entry_for_other_stages():
    from site_builder.stages.footnotes import is_note_entry
    assert is_note_entry("[1]Winner") and is_note_entry("［2］ 书") and is_note_entry("[^a]: x")
    assert not is_note_entry("1. a list item") and not is_note_entry("plain text [1]")


_PIECES = st.sampled_from(["[1]", "[ 2 ]", "［3］", "²", "[^a]", "[^a]: ", "注释：", "Notes", "\n", "Idem.",
                           "同上", "[2020]", "`", "[x](http://a.b)", "\\_", "https://a.b/c", " text ", "1. "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=12).map("".join), max_size=8))
def test_never_raises_and_keeps_every_block_or_note(texts):
    blocks = tuple(Block(f"b{i}", BlockKind.PARAGRAPH, t, (i * 2 + 1, i * 2 + 1 + t.count("\n")), "en")
                   for i, t in enumerate(texts, 1) if t.strip())
    doc = Document(source=Source("p.md", "0" * 64, 0, "utf-8"), format="markdown", blocks=blocks)
    out = footnotes.run(doc, CFG)
    kept = [b.text for b in out.blocks] + [f.raw for f in out.footnotes] + [r.text for r in out.removed]
    for b in blocks:
        for line in b.text.split("\n"):
            assert any(line in k for k in kept), line
    for b in out.blocks:
        assert all(0 <= m.start < m.end <= len(b.text) for m in b.marks)
    assert len({f.id for f in out.footnotes}) == len(out.footnotes)


def test_as_written_drops_only_the_number(seed0):
    from site_builder.stages.footnotes import as_written
    assert as_written(notes(seed0)["3"].raw) == "Idem."
    assert as_written(notes(seed0)["9"].raw).endswith("Link:https://mp.weixin.qq.com/s/cp4rQx09wygE9uHBadI7RA")
    assert as_written("no number") == "no number"
