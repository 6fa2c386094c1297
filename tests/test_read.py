"""Reading: encodings, front matter in the three Hugo forms, metadata inference on every seed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.config import Config, Limits
from site_builder.discover import InputFile
from site_builder.model import Severity
from site_builder.pipeline import process, read_document
from site_builder.stages.decode import decode
from site_builder.stages.frontmatter import split

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CFG = Config()


def run(name: str, raw: bytes):
    import hashlib
    return process(InputFile(name, raw, hashlib.sha256(raw).hexdigest()), CFG)


def seed(prefix: str):
    path = next(SEEDS.glob(prefix + "*"))
    return run(path.name, path.read_bytes())


# ------------------------------------------------------------------ encodings

ARTICLE_ZH = "中国AI初创公司DeepSeek是如何与硅谷巨头竞争的\n\n2025年1月24日\n\n圣诞节的第二天，一家名为深度求索的中国小型初创公司发布了一个新的人工智能系统。䶮𠮷\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", None),            # with BOM, either byte order
    ("utf-16-be-bom", "utf-16-be"),
    ("gb18030", "gb18030"),
])
def test_each_encoding_decodes_to_the_same_text(encoding, expected):
    if encoding == "utf-16-be-bom":
        raw = b"\xfe\xff" + ARTICLE_ZH.encode("utf-16-be")
    else:
        raw = ARTICLE_ZH.encode(encoding)
    got = decode(raw, "a.txt")
    assert got.text == ARTICLE_ZH
    if expected:
        assert got.encoding == expected
    assert not [d for d in got.diagnostics if d.severity is Severity.ERROR]


def test_gbk_without_declaration_is_detected_and_inferred_like_utf8():
    text = ARTICLE_ZH.replace("䶮𠮷", "")
    result = run("gbk.txt", text.encode("gbk"))
    assert result.doc.source.encoding == "gb18030"
    assert result.doc.meta.title == "中国AI初创公司DeepSeek是如何与硅谷巨头竞争的"
    assert result.doc.meta.date == "2025-01-24"


def test_big5_is_not_decoded_as_gb18030_garbage():
    trad = "中國AI初創公司DeepSeek是如何與矽谷巨頭競爭的。工程師說，他們的系統只需要約兩千塊晶片。\n" * 3
    got = decode(trad.encode("big5"), "b.txt")
    assert got.text == trad
    assert got.encoding.startswith("big5") or got.encoding == "cp950"


def test_crlf_and_lone_cr_become_lf_and_lines_count_lf_only():
    raw = b"Title line\r\n\r\nFirst paragraph is here.\rSecond line\r\n\r\nLast \xe2\x80\xa8 paragraph.\r\n"
    result = run("crlf.txt", raw)
    assert all("\r" not in b.text for b in result.doc.blocks)
    last = result.doc.blocks[-1]
    assert last.lines == (6, 6)


def test_invalid_utf8_is_replaced_and_warned_with_line():
    raw = "第一段文字，这是中文。\n\n第二段有坏字节：".encode() + b"\xff\xfe" + "，之后继续。\n".encode()
    result = run("bad.txt", raw)
    assert result.status == "published"
    warn = [d for d in result.diagnostics if d.code == "ENC001"]
    assert warn and warn[0].line == 3
    assert "\ufffd" in result.doc.blocks[-1].text


def test_binary_and_empty_files_are_skipped_with_a_message():
    png = run("x.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = run("e.txt", b"  \n\t\n")
    bom_only = run("b.txt", b"\xef\xbb\xbf")
    for r, code in ((png, "BIN001"), (empty, "BIN002"), (bom_only, "BIN002")):
        assert r.status == "skipped"
        assert any(d.code == code for d in r.diagnostics)


def test_controls_are_removed_from_text():
    result = run("c.txt", b"Title\x1b[31m red\x07\n\nA paragraph with a NUL\x00 and DEL\x7f inside it, long enough.\n")
    assert all("\x1b" not in b.text and "\x00" not in b.text for b in result.doc.blocks)
    assert "\x1b" not in result.doc.meta.title


# --------------------------------------------------------------- front matter

BODY = "\nThe article body, long enough to be a paragraph of its own here.\n"


@pytest.mark.parametrize("text", [
    '---\ntitle: "Hello"\ndate: 2025-01-02\ntags: [a, b]\nsidebar: right\ndraft: "no"\n---' + BODY,
    '+++\ntitle = "Hello"\ndate = 2025-01-02\ntags = ["a", "b"]\nsidebar = "right"\ndraft = false\n+++' + BODY,
    '{\n "title": "Hello", "date": "2025-01-02", "tags": ["a", "b"],\n "sidebar": "right", "draft": false\n}' + BODY,
])
def test_three_hugo_forms_give_the_same_meta(text):
    doc, diags = read_document("fm.md", text.encode(), CFG)
    assert doc is not None, diags
    m = doc.meta
    assert (m.title, m.date, m.tags, m.draft) == ("Hello", "2025-01-02", ("a", "b"), False)
    assert m.extra == {"sidebar": "right"}
    assert doc.body.strip().startswith("The article body")


def test_json_front_matter_keeps_nested_objects_and_one_line_form():
    doc, _ = read_document("j.md", b'{"title": "T", "params": {"a": {"b": [1, {"c": 2}]}}}\nBody text here.\n', CFG)
    assert doc.meta.extra == {"params": {"a": {"b": [1, {"c": 2}]}}}


def test_bom_plus_front_matter_is_like_without_bom():
    text = '---\ntitle: "B"\n---\nBody text of the article.\n'
    a, _ = read_document("a.md", text.encode(), CFG)
    b, _ = read_document("a.md", b"\xef\xbb\xbf" + text.encode(), CFG)
    assert a.meta == b.meta and a.body == b.body


def test_hugo_fields_and_theme_fields():
    text = ("---\ntitle: T\nlastmod: 2025-02-03\nslug: my-post\naliases: [/old/]\nsummary: S\n"
            "categories: c\nlang: zh-CN\ntranslationKey: k1\nauthors:\n  - name: A B\n  - C D\n"
            "menu: main\nwidgets: [search]\ncomments: false\n---\nBody.\n")
    doc, _ = read_document("h.md", text.encode(), CFG)
    m = doc.meta
    assert (m.lastmod, m.slug, m.aliases, m.summary, m.categories, m.lang, m.translation_key) == \
        ("2025-02-03", "my-post", ("/old/",), "S", ("c",), "zh-CN", "k1")
    assert m.authors == ("A B", "C D")
    assert set(m.extra) == {"menu", "widgets", "comments"}


@pytest.mark.parametrize("text, line", [
    ('---\ntitle: ok\nbad: [unclosed\n---\nbody\n', 4),
    ('+++\ntitle = "x"\ntitle2 = \n+++\nbody\n', 3),
    ('{\n "title": "x",\n}\nbody\n', 3),
    ('---\ntitle: x\nno closing fence\n', 1),
])
def test_malformed_front_matter_is_an_error_with_file_line(text, line):
    result = run("bad.md", text.encode())
    assert result.status == "skipped"
    err = [d for d in result.diagnostics if d.code == "FM001"]
    assert err and err[0].line == line and err[0].path == "bad.md"


def test_yaml_alias_bomb_and_python_tags_refused(tmp_path):
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\nb\n"
    evil = f"---\nx: !!python/object/apply:os.mkdir ['{tmp_path}/CANARY_YAML_EXEC']\n---\nbody\n"
    for text in (bomb, evil):
        assert run("y.md", text.encode()).status == "skipped"
    assert not (tmp_path / "CANARY_YAML_EXEC").exists()


def test_deep_and_huge_front_matter_refused_quickly():
    deep = "---\n" + "a: " * 0 + "x: " + "[" * 5000 + "]" * 5000 + "\n---\nbody\n"
    huge = "---\n" + "".join(f"k{i}: {'v' * 100}\n" for i in range(5000)) + "---\nbody\n"
    assert run("d.md", deep.encode()).status == "skipped"
    assert run("h.md", huge.encode()).status == "skipped"


def test_rules_around_prose_are_not_front_matter():
    doc, diags = read_document("r.md", b"---\nJust a rule above prose, then more.\n---\nAnd text.\n", CFG)
    assert doc.meta.title == "" and "Just a rule above prose" in doc.body


@pytest.mark.parametrize("fields, attr, expected", [
    ("title: 2025", "title", "2025"),
    ('draft: "no"', "draft", False),
    ("draft: yes", "draft", True),
    ("tags: solo", "tags", ("solo",)),
    ("authors: {name: Ann Lee}", "authors", ("Ann Lee",)),
])
def test_wrong_types_are_coerced(fields, attr, expected):
    doc, _ = read_document("w.md", f"---\n{fields}\n---\nBody.\n".encode(), CFG)
    assert getattr(doc.meta, attr) == expected


def test_bad_date_is_warned_and_duplicate_key_named():
    doc, diags = read_document("w.md", b"---\ntitle: a\ndate: someday\ntitle: b\n---\nBody.\n", CFG)
    codes = {(d.code, d.line) for d in diags}
    assert ("FM008", 4) in codes
    assert any(d.code == "FM007" and "date" in d.message for d in diags)


# ------------------------------------------------------------ seed inference

def test_seed_000_front_matter_and_inferred_provenance():
    m = seed("000").doc.meta
    assert m.title.startswith("熊节、塞尔吉奥·阿马德乌：DeepSeek为什么要开源")
    assert m.date.startswith("2025-02-13")
    assert m.authors == ("熊节", "塞尔吉奥·阿马德乌")
    assert m.source_url == "https://new.qq.com/rain/a/20250213A01JRE00"
    assert m.site == "qq.com" and m.publisher == "观察者网"
    assert set(m.languages) == {"zh", "en"}
    assert "sidebar" in m.extra and "widgets" in m.extra


def test_seed_001_near_copy():
    m = seed("001").doc.meta
    assert m.title.startswith("熊节、塞尔吉奥·阿马德乌:DeepSeek为什么要开源")
    assert m.authors == ("熊节", "塞尔吉奥·阿马德乌")
    assert m.editor == "郑乐欢"
    assert m.languages[0] == "zh"


def test_seed_002_english_essay():
    m = seed("002").doc.meta
    assert m.title == "DeepSeek Falls Short of Shaking the De Facto U.S.-China AI Landscape"
    assert m.site == "TMTPOST"
    assert m.languages[0] == "en"


def test_seed_003_markdown_digest():
    r = seed("003")
    m = r.doc.meta
    assert r.doc.format == "markdown"
    assert m.title == "DeepSeek引爆AI革命:中国的OpenAI挑战西方霸权"
    assert m.source_url == "https://www.youtube.com/watch?v=_1f-o0nqpEI"
    assert m.languages[0] == "zh"


def test_seed_004_bilingual_nyt():
    m = seed("004").doc.meta
    assert m.title == "中国AI初创公司DeepSeek是如何与硅谷巨头竞争的"
    assert m.date == "2025-01-24"
    assert m.authors == ("Cade Metz", "Meaghan Tobin")
    assert m.site == "茉莉花新闻网"
    assert set(m.languages) == {"zh", "en"}


def test_provenance_lines_move_to_removed_with_reason():
    doc = seed("004").doc
    reasons = {r.reason for r in doc.removed}
    assert {"metadata: authors", "metadata: date", "metadata: title"} <= reasons
    assert not any(b.text.startswith("CADE METZ") for b in doc.blocks)


def test_plain_text_segmentation_one_paragraph_per_line():
    doc = seed("001").doc
    assert all("\n" not in b.text for b in doc.blocks)
    assert any(b.kind.value == "heading" and b.text == "开源的转折点" for b in doc.blocks)


def test_all_caps_headings_in_plain_text():
    doc = seed("000").doc
    heads = [b.text for b in doc.blocks if b.kind.value == "heading"]
    assert "THE OPEN SOURCE TURNAROUND" in heads
    assert "开源的转折点" in heads


def test_inspect_cli_prints_the_model(tmp_path):
    import subprocess
    import sys
    path = next(SEEDS.glob("004*"))
    out = subprocess.run([sys.executable, "-m", "site_builder", "inspect", str(path)],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["meta"]["authors"] == ["Cade Metz", "Meaghan Tobin"]
    assert data["source"]["sha256"] and data["source"]["bytes"] == path.stat().st_size
    assert {"source", "meta", "layout", "blocks", "removed", "footnotes", "alignment", "warnings"} <= set(data)
