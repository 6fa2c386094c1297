"""Languages, layout and paragraph alignment (issue 5), on the two bilingual seeds and on
documents written here for each layout and each kind of n-m pair, in both orders of languages.

Every document goes through the real pipeline (`process`: read + every per-document stage).
Gold pairs are written as text prefixes, so they survive changes of block ids.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.config import Config
from site_builder.discover import InputFile
from site_builder.model import BlockKind, Document, Layout, Meta, Severity, Source
from site_builder.pipeline import process, read_document
from site_builder.stages import align, languages, structure
from site_builder.util import lang as langs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CFG = Config()


def build(name: str, text: str, editorial: str = "") -> Document:
    raw = text.encode("utf-8")
    item = InputFile(name, raw, hashlib.sha256(raw).hexdigest(),
                     editorial_name=name.rsplit(".", 1)[0] + ".toml" if editorial else "",
                     editorial=editorial.encode("utf-8"))
    result = process(item, CFG)
    assert result.doc is not None, result.diagnostics
    return result.doc


def seed(prefix: str) -> Document:
    path = next(SEEDS.glob(prefix + "*"))
    raw = path.read_bytes()
    result = process(InputFile(path.name, raw, hashlib.sha256(raw).hexdigest()), CFG)
    assert result.doc is not None
    return result.doc


# --------------------------------------------------------------- helpers

def texts(doc: Document, ids: tuple[str, ...]) -> tuple[str, ...]:
    by_id = {b.id: b.text for b in doc.blocks}
    return tuple(by_id[i] for i in ids)


def pair_of(doc: Document, prefix: str, inside: bool = False):
    """The AlignedPair holding the block whose text starts with (or holds) ``prefix``."""
    hits = [b.id for b in doc.blocks if b.text.startswith(prefix) or inside and prefix in b.text]
    assert len(hits) == 1, f"{prefix!r}: {len(hits)} blocks"
    return next(p for p in doc.alignment if hits[0] in p.src + p.tgt)


def matches(doc: Document, first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """True when one pair holds exactly the blocks starting with these prefixes, each side."""
    pair = pair_of(doc, (first or second)[0])
    got_a, got_b = texts(doc, pair.src), texts(doc, pair.tgt)
    return len(got_a) == len(first) and len(got_b) == len(second) \
        and all(t.startswith(p) for t, p in zip(got_a, first)) \
        and all(t.startswith(p) for t, p in zip(got_b, second))


def assert_covers_every_block_once_in_order(doc: Document) -> None:
    ids = [i for p in doc.alignment for i in p.src + p.tgt]
    assert sorted(ids) == sorted(b.id for b in doc.blocks)
    assert len(ids) == len(set(ids))
    pos = {b.id: k for k, b in enumerate(doc.blocks)}
    for side in ("src", "tgt"):
        seq = [pos[i] for p in doc.alignment for i in getattr(p, side)]
        # each text reads in order down its column
        langs_seen = {}
        for k in seq:
            langs_seen.setdefault(doc.blocks[k].lang, []).append(k)
        for run in langs_seen.values():
            assert run == sorted(run)


def alignment_score(doc: Document) -> float:
    line = next(d for d in doc.warnings if d.code == "ALN000")
    assert line.severity is Severity.INFO and line.message.startswith("alignment score ")
    return float(line.message.split()[2].rstrip(":"))


# ============================================================== seed 004
# Interleaved: each English paragraph followed by its Chinese translation.

SEED_004_GOLD = [
    ("The day after Christmas", "圣诞节的第二天"),
    ("That alone would have been", "能做到这点本已是"),
    ("These chips are at the center", "这些芯片是美中"),
    ("But the performance of the DeepSeek", "但DeepSeek大模型的表现"),
    ("The DeepSeek chatbot answered", "据美国人工智能公司"),
    ("And it was created on the cheap", "而且它的造价很低"),
    ("“The number of companies", "“有600万美元"),
    ("Since OpenAI sparked", "自从OpenAI 2022年"),
    ("The world’s leading A.I. companies", "世界领先的人工智能公司"),
    ("The constraints on chips", "中国进口芯片受到限制"),
    ("Earlier this month, the Biden", "本月早些时候"),
    ("The U.S. government has tried", "美国政府一直试图"),
    ("DeepSeek is run by", "DeepSeek由一家"),
    ("Zihan Wang", "曾参与早期DeepSeek"),
    ("DeepSeek does not make", "DeepSeek不制造"),
    ("The leading American companies", "领先的美国公司"),
    ("(The New York Times has sued", "(《纽约时报》"),
    ("A crucial part of this", "这个快速变化的"),
    ("While employees at big", "虽然中国大型科技企业"),
    ("The open source ecosystem", "2023年,Meta"),
    ("Many executives and pundits", "许多高管和专家"),
    ("But others argue", "但也有人认为"),
    ("“The center of gravity", "“开源社区的重心"),
    ("Hours after his inauguration", "就职典礼数小时后"),
    ("Dr. Stoica and his students", "斯托伊卡和他的学生"),
    ("They did this by building", "他们能做到这点"),
    ("Their $450 system", "他们450美元的系统"),
    ("Reuven Cohen, a technology", "多伦多的技术顾问"),
    ("“DeepSeek is a way for me", "“DeepSeek是让我"),
]


@pytest.fixture(scope="module")
def nyt() -> Document:
    return seed("004")


def test_seed_004_is_interleaved_english_first(nyt):
    assert nyt.layout is Layout.INTERLEAVED
    assert nyt.meta.languages[:2] == ("en", "zh")


def test_seed_004_every_english_paragraph_pairs_with_its_own_chinese_one(nyt):
    assert len(SEED_004_GOLD) == 29
    good = [en for en, zh in SEED_004_GOLD if matches(nyt, (en,), (zh,))]
    print(f"seed 004: {len(good)}/29 English paragraphs paired with their own Chinese paragraph")
    assert len(good) == 29


def test_seed_004_captions_stand_alone(nyt):
    # the clean stage may cut the photo file name ("00china ai cohen wzhb master1050") off
    for prefix in ("自从去年12月底DeepSeek-V3发布后不久", "DeepSeek的工程师说"):
        pair = pair_of(nyt, prefix, inside=True)
        assert not (pair.src and pair.tgt), prefix
        assert pair.score == 0.0


def test_seed_004_block_languages(nyt):
    lang_of = {b.text[:7]: b.lang for b in nyt.blocks}
    assert lang_of["The day"] == "en"
    assert lang_of["圣诞节的第二天"] == "zh"
    # a Chinese caption ending with an English photo credit is Chinese
    assert next(b for b in nyt.blocks if b.text.startswith("DeepSeek的工程师说")).lang == "zh"


def test_seed_004_score_in_report(nyt):
    assert alignment_score(nyt) >= 0.8
    assert_covers_every_block_once_in_order(nyt)


# ============================================================== seed 000
# Concatenated: the Chinese text (with a rule inside it), its notes, a rule, the English
# original. Gold: English block(s) -> Chinese block(s), by prefix.

SEED_000_GOLD = [
    (("Why is technological leadership",), ("为什么技术领导权",)),
    (("From a technopolitical",), ("从技术政治的角度",)),
    (("Currently, AI leadership",), ("目前，人工智能的领导权", "我们都知道", "目前，这些芯片")),
    (("The U.S. government has, for some time",), ("美国政府长期以来",)),
    (("American tech elites",), ("以埃隆·马斯克",)),
    (("THE OPEN SOURCE TURNAROUND",), ("开源的转折点",)),
    (("In May 2024",), ("2024年5月", "Token是语言模型")),
    (("DeepSeek, like all Chinese",), ("与所有中国公司一样",)),
    (("The young leader of DeepSeek",), ("DeepSeek的年轻领导者",)),
    (("Open source is fundamental to DeepSeek", "\"Actually, nothing"), ("开源是DeepSeek战略",)),
    (("Open source is not a technology",), ("开源不是一种技术", "那么，为什么DeepSeek")),
    (("Open source is fundamental for distributing",), ("开源对于知识传播",)),
    (("DeepSeek-R1 has already",), ("DeepSeek-R1已经展示",)),
    (("DEEPSEEK R1'S BET",), ("DEEPSEEK R1对强化学习",)),
    (("\"DeepSeek-R1 - Zero",), ("“DeepSeek-R1-Zero",)),
    (("In an analysis conducted",), ("在腾讯团队",)),
    (("Machine learning is a field",), ("机器学习是人工智能",)),
    (("Due to these innovations",), ("由于这些创新",)),
    (("COMPUTATIONAL POWER",), ("计算能力与AI",)),
    (("The plummeting stock",), ("英伟达和其他科技巨头",)),
    (("The dependence on cutting-edge",), ("然而，对尖端芯片",)),
    (("It is important to note",), ("值得注意的是",)),
    (("The United States maintains",), ("美国通过技术主导",)),
    (("In addition to technological",), ("除了技术优势外",)),
    (("While the United States is making",), ("尽管美国正在",)),
    (("On the other hand, in the field",), ("另一方面，在汽车",)),
    (("CONCLUSION",), ("结论",)),
    (("\"Nvidia's leadership",), ("“英伟达的领导地位",)),
    (("The founder of DeepSeek",), ("DeepSeek的创始人",)),
    (("What the DeepSeek phenomenon",), ("DeepSeek现象",)),
]

SEED_000_CAPTIONS = ("AGI比起一般的AI", "上表展示了在lighteval", "不同AI模型的Token", "美国前总统乔·拜登")


@pytest.fixture(scope="module")
def gcw() -> Document:
    return seed("000")


def test_seed_000_is_concatenated_chinese_first(gcw):
    assert gcw.layout is Layout.CONCATENATED
    assert gcw.meta.languages[:2] == ("zh", "en")
    assert gcw.meta.lang == "zh-CN"          # front matter wins


def test_seed_000_english_paragraphs_pair_with_the_right_chinese_ones(gcw):
    english = sum(len(en) for en, _ in SEED_000_GOLD)
    assert english == 31
    good = sum(len(en) for en, zh in SEED_000_GOLD if matches(gcw, zh, en))
    print(f"seed 000: {good}/31 English paragraphs and headings paired with the right Chinese ones")
    assert good >= 30


def test_seed_000_n_m_pairs_found(gcw):
    # one English paragraph = three Chinese ones; one Chinese paragraph = two English ones
    assert matches(gcw, ("目前，人工智能的领导权", "我们都知道", "目前，这些芯片"), ("Currently, AI leadership",))
    assert matches(gcw, ("开源是DeepSeek战略",), ("Open source is fundamental to DeepSeek", "\"Actually, nothing"))


def test_seed_000_captions_notes_and_rules_unpaired(gcw):
    for prefix in SEED_000_CAPTIONS + ("【本文葡萄牙语版",):
        pair = pair_of(gcw, prefix)
        assert not (pair.src and pair.tgt), prefix
    for b in gcw.blocks:
        if b.kind in (BlockKind.NOTE, BlockKind.NOTES_HEADING, BlockKind.RULE, BlockKind.IMAGE) \
                or languages.NOTE_LIKE.match(b.text):
            pair = next(p for p in gcw.alignment if b.id in p.src + p.tgt)
            assert not (pair.src and pair.tgt), b.text[:30]


def test_seed_000_the_inner_rule_is_not_the_boundary(gcw):
    sd = languages.sides(gcw)
    inner = next(b for b in gcw.blocks if b.kind is BlockKind.RULE and b.lines[0] < 100)
    assert inner.id in sd.a
    assert gcw.block(sd.boundary).text.startswith("THE DISPUTE FOR LEADERSHIP")


def test_seed_000_rows_and_score(gcw):
    assert_covers_every_block_once_in_order(gcw)
    assert alignment_score(gcw) >= 0.8
    paired = [p for p in gcw.alignment if p.src and p.tgt]
    assert all(0.0 < p.score <= 1.0 for p in paired)
    assert sum(p.score for p in paired) / len(paired) > 0.8


def test_learnt_word_links_keep_seed_000_right_without_anchors(gcw):
    """No digit anywhere, no Latin letter in the Chinese text: only lengths, sentences and the
    word links learnt from the document's own sure pairs are left (28/31 without the links)."""
    import re

    def strip(text: str, lang: str) -> str:
        return re.sub(r"\d", "", text) if lang == "en" else re.sub(r"[A-Za-z0-9]", "", text)

    doc = replace(gcw, blocks=tuple(replace(b, text=strip(b.text, b.lang)) for b in gcw.blocks))
    doc = align.run(doc, CFG)
    good = sum(len(en) for en, zh in SEED_000_GOLD
               if matches(doc, tuple(strip(z, "zh") for z in zh), tuple(strip(e, "en") for e in en)))
    assert good >= 30


@pytest.mark.parametrize("prefix", ["001", "002", "003"])
def test_other_seeds_are_single(prefix):
    doc = seed(prefix)
    assert doc.layout is Layout.SINGLE
    assert doc.alignment == ()


# ======================================================= written documents
# Eight units, each three sentences long in both languages (sentence-parallel), with
# three headings. A shape (k_en, k_zh) cuts a unit into k_en English and k_zh Chinese
# paragraphs, which gives every kind of n-m pair.

HEADINGS = [
    ("Cleaning the Jade River", "治理玉河"),
    ("What changed", "变化"),
    ("The road ahead", "未来之路"),
]

UNITS = [
    (["In March 2021, the city council of Linhai voted 31 to 4 to approve a plan to clean up the "
      "Jade River, which runs for 86 kilometres through the county before reaching the East China Sea.",
      "For three decades the river had received the waste water of 14 paper mills and dye works, and "
      "in 1998 the provincial environment bureau classed its lower reaches as “dead water”.",
      "Fishermen such as Wang Jun, who is now 67, remember that by the late 1990s nothing lived in "
      "the river below the Qiantang bridge."],
     ["2021年3月，临海市议会以31票对4票通过了一项清理玉河的计划，这条河在全县境内流经86公里后注入东海。",
      "三十年来，这条河一直接纳14家造纸厂和印染厂排放的废水，1998年省环保局将其下游列为“死水”。",
      "现年67岁的渔民王军等人记得，到20世纪90年代末，钱塘桥以下的河段已经没有任何生物。"]),
    (["The plan was drawn up by the engineer Chen Wei, who had worked for 11 years on the Rhine and "
      "the Thames, and it was budgeted at 380 million yuan.",
      "In its first six months it closed 23 outfalls and began two treatment plants upstream, each "
      "able to process 40,000 tonnes of water a day.",
      "Chen insisted that the plants be built with the open-source control software SCADA-Lite, so "
      "that other counties could copy them for free."],
     ["这项计划由工程师陈伟制定，他曾在莱茵河和泰晤士河项目上工作11年，计划预算为3.8亿元。",
      "计划在头六个月里关闭了23个排污口，并在上游开工建设两座污水处理厂，每座日处理能力为4万吨。",
      "陈伟坚持要求这两座处理厂采用开源控制软件SCADA-Lite，以便其他县可以免费复制。"]),
    (["Not everyone welcomed the work: owners of the mills warned that 2,500 jobs would be lost, and "
      "the Linhai Evening News called the project “a luxury for a poor county”.",
      "Three of the 14 mills closed in 2022, and about 900 workers were retrained at a cost of "
      "45 million yuan.",
      "The council answered its critics by publishing the river's water tests every week on WeChat, "
      "a practice it has kept ever since."],
     ["并非所有人都欢迎这项工程：工厂主警告说将有2500个工作岗位流失，《临海晚报》称该项目是“穷县的奢侈品”。",
      "14家工厂中有3家在2022年关闭，约900名工人接受了再培训，费用为4500万元。",
      "市议会的回应是每周在微信上公布河水检测结果，这一做法一直延续至今。"]),
    (["By the summer of 2023, tests showed that dissolved oxygen in the lower reaches had risen from "
      "2.1 to 6.8 milligrams per litre.",
      "Biologists from Zhejiang University counted 23 species of fish, including the Chinese sturgeon, "
      "in stretches where they had found none in 2019.",
      "In October 2023 a pair of grey herons nested near the old ferry landing for the first time in "
      "30 years."],
     ["到2023年夏天，检测显示下游水体的溶解氧从每升2.1毫克升至6.8毫克。",
      "浙江大学的生物学家在2019年时一条鱼也没有发现的河段数到了23种鱼，其中包括中华鲟。",
      "2023年10月，一对苍鹭30年来首次在老渡口附近筑巢。"]),
    (["The project has also changed how the 420,000 people of Linhai use their river.",
      "A 12-kilometre footpath now runs along the east bank, and on weekends it draws about 8,000 "
      "visitors, according to the county tourism office.",
      "Some 35 cafés and bookshops have opened in buildings that used to store dye, most of them run "
      "by people under 30."],
     ["这个项目也改变了临海42万居民利用这条河的方式。",
      "据县旅游局统计，如今一条12公里长的步道沿东岸延伸，周末大约吸引8000名游客。",
      "在曾经存放染料的房子里，开起了约35家咖啡馆和书店，经营者大多不到30岁。"]),
    (["Critics still point to problems, above all the old sewers of the city centre, many of which "
      "date from the 1960s.",
      "Heavy rain in July 2024 washed sewage from those pipes into the river for three days, and the "
      "city was fined 1.2 million yuan by the province.",
      "Officials admit that replacing the 140 kilometres of pipe will take until 2030 and cost more "
      "than the original plan."],
     ["批评者仍然指出了一些问题，首先是市中心的旧下水道，其中许多建于20世纪60年代。",
      "2024年7月的暴雨使这些管道中的污水连续三天流入河中，市政府因此被省里罚款120万元。",
      "官员们承认，更换这140公里管道要到2030年才能完成，费用将超过最初的计划。"]),
    (["For Chen Wei, the lesson of the Jade River is simple, and he repeats it to every delegation "
      "that visits Linhai.",
      "“A river remembers everything we put into it,” he said in an interview in May 2024, “but it "
      "also forgives faster than we think.”",
      "He is now advising two other cities, Sanming in Fujian and Ganzhou in Jiangxi, on projects "
      "worth 1.1 billion yuan together."],
     ["对陈伟来说，玉河的教训很简单，他对每一个来临海参观的代表团都会重复这一点。",
      "“一条河会记住我们倒进去的一切，”他在2024年5月接受采访时说，“但它原谅的速度也比我们想象的快。”",
      "他目前正在为福建三明和江西赣州另外两座城市提供咨询，两个项目总额达11亿元。"]),
    (["The next phase, planned for 2026, will restore 600 hectares of wetland at the river mouth.",
      "It is expected to cost another 150 million yuan, half of it from the central government.",
      "If it succeeds, the Jade River could become a model for more than 40 polluted rivers in "
      "Zhejiang province."],
     ["计划于2026年启动的下一阶段工程将恢复河口600公顷的湿地。",
      "预计还需耗资1.5亿元，其中一半来自中央政府。",
      "如果成功，玉河有望成为浙江省40多条受污染河流的样板。"]),
]

HEADING_BEFORE = {0: 0, 3: 1, 7: 2}            # unit index -> heading index
ONLY_EN = "Reporting was contributed by Sun Mei in Hangzhou."
ONLY_ZH = "图为玉河东岸新修的步道，摄于2023年秋天。"

SHAPES = {   # (English paragraphs, Chinese paragraphs) per unit
    "n-m": [(1, 1), (1, 2), (2, 1), (1, 1), (3, 1), (1, 3), (1, 1), (1, 1)],
    "one-one": [(1, 1)] * 8,
}

FRONT = "---\ntitle: \"Jade River notes\"\ndate: 2024-09-01\n---\n\n"


def cut(sentences: list[str], k: int, sep: str) -> list[str]:
    """Three sentences -> k paragraphs (k = 1, 2 or 3)."""
    groups = {1: [sentences], 2: [sentences[:2], sentences[2:]], 3: [[s] for s in sentences]}[k]
    return [sep.join(g) for g in groups]


def side(lang: str, shapes: list[tuple[int, int]], extra: bool) -> list[list[str]]:
    """Per unit (plus headings), the paragraphs of one language."""
    idx, sep = (0, " ") if lang == "en" else (1, "")
    out = []
    for u, (unit, shape) in enumerate(zip(UNITS, shapes)):
        paras = []
        if u in HEADING_BEFORE:
            paras.append(HEADINGS[HEADING_BEFORE[u]][idx])
        paras += cut(unit[idx], shape[idx], sep)
        if extra and u == (6 if lang == "en" else 3):
            paras.append(ONLY_EN if lang == "en" else ONLY_ZH)
        out.append(paras)
    return out


def concatenated(first: str, shapes, separator: str = "---", inner_rule: bool = False) -> str:
    second = "zh" if first == "en" else "en"
    a = side(first, shapes, True)
    b = side(second, shapes, True)
    if inner_rule:
        a[4] = a[4] + ["---"]
    parts = [p for unit in a for p in unit]
    if separator:
        parts.append(separator)
    parts += [p for unit in b for p in unit]
    return FRONT + "\n\n".join(parts) + "\n"


def interleaved(first: str, shapes) -> str:
    second = "zh" if first == "en" else "en"
    a, b = side(first, shapes, False), side(second, shapes, False)
    parts = []
    for u, (pa, pb) in enumerate(zip(a, b)):
        if u in HEADING_BEFORE:
            parts += [pa.pop(0), pb.pop(0)]
        parts += pa + pb
        if u == 3:
            parts.append(ONLY_ZH)            # a Chinese-only caption between the pairs
    return FRONT + "\n\n".join(parts) + "\n"


def gold(shapes) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(English paragraphs, Chinese paragraphs) expected in one pair, headings included."""
    out = []
    for u, (unit, shape) in enumerate(zip(UNITS, shapes)):
        if u in HEADING_BEFORE:
            en, zh = HEADINGS[HEADING_BEFORE[u]]
            out.append(((en,), (zh,)))
        out.append((tuple(cut(unit[0], shape[0], " ")), tuple(cut(unit[1], shape[1], ""))))
    return out


def check_gold(doc: Document, shapes, first: str) -> None:
    """Each expected pair is one AlignedPair; a block another stage removed is left out."""
    present = {b.text for b in doc.blocks}
    removed = {r.text for r in doc.removed}
    assert len(removed & {t for en, zh in gold(shapes) for t in en + zh}) <= 1
    for en, zh in gold(shapes):
        en, zh = tuple(t for t in en if t in present), tuple(t for t in zh if t in present)
        if not en or not zh:
            continue
        want = (en, zh) if first == "en" else (zh, en)
        pair = pair_of(doc, want[0][0])
        got = (texts(doc, pair.src), texts(doc, pair.tgt))
        assert got == want, f"{want[0][0][:30]!r}: got {got}"


@pytest.mark.parametrize("first", ["en", "zh"])
@pytest.mark.parametrize("shape", ["n-m", "one-one"])
@pytest.mark.parametrize("separator", ["---", "【中文译文】", "English version", ""])
def test_concatenated_every_separator_and_pair_shape(first, shape, separator):
    if separator == "【中文译文】" and first == "zh":
        separator = "【英文原文】"
    doc = build(f"concat-{first}.txt", concatenated(first, SHAPES[shape], separator))
    assert doc.layout is Layout.CONCATENATED
    assert doc.meta.languages == (first, "zh" if first == "en" else "en")
    check_gold(doc, SHAPES[shape], first)
    for extra in (ONLY_EN, ONLY_ZH):                 # 1-0 and 0-1
        pair = pair_of(doc, extra)
        assert not (pair.src and pair.tgt)
    if separator and separator != "---":
        pair = pair_of(doc, separator)
        assert not (pair.src and pair.tgt), "a label is never aligned"
    assert_covers_every_block_once_in_order(doc)
    assert alignment_score(doc) > 0.7


@pytest.mark.parametrize("first", ["en", "zh"])
def test_a_rule_inside_the_first_text_is_not_the_boundary(first):
    shapes = SHAPES["n-m"]
    doc = build(f"inner-{first}.txt", concatenated(first, shapes, separator="", inner_rule=True))
    assert doc.layout is Layout.CONCATENATED
    sd = languages.sides(doc)
    second_heading = HEADINGS[0][1 if first == "en" else 0]
    assert doc.block(sd.boundary).text == second_heading
    rule = next(b for b in doc.blocks if b.kind is BlockKind.RULE)
    assert rule.id in sd.a
    check_gold(doc, shapes, first)


@pytest.mark.parametrize("first", ["en", "zh"])
@pytest.mark.parametrize("shape", ["n-m", "one-one"])
def test_interleaved_either_language_first(first, shape):
    doc = build(f"inter-{first}.txt", interleaved(first, SHAPES[shape]))
    assert doc.layout is Layout.INTERLEAVED
    assert doc.meta.languages == (first, "zh" if first == "en" else "en")
    check_gold(doc, SHAPES[shape], first)
    caption = pair_of(doc, ONLY_ZH)
    assert not (caption.src and caption.tgt)
    assert_covers_every_block_once_in_order(doc)


def test_pair_kinds_all_appear():
    doc = build("kinds.txt", concatenated("en", SHAPES["n-m"]))
    shapes = {(len(p.src), len(p.tgt)) for p in doc.alignment}
    assert {(1, 1), (1, 2), (2, 1), (3, 1), (1, 3), (1, 0), (0, 1)} <= shapes


# ------------------------------------------------------------------ single

@pytest.mark.parametrize("first", ["en", "zh"])
def test_one_language_is_single(first):
    paras = [p for unit in side(first, SHAPES["one-one"], False) for p in unit]
    doc = build(f"single-{first}.txt", FRONT + "\n\n".join(paras) + "\n")
    assert doc.layout is Layout.SINGLE
    assert doc.meta.languages == (first,)
    assert doc.alignment == ()


def test_english_with_a_few_chinese_quotes_is_single():
    paras = [p for unit in side("en", SHAPES["one-one"], False) for p in unit]
    paras.insert(4, "“一条河会记住我们倒进去的一切。”")
    paras.insert(9, "他目前正在为福建和江西的另外两座城市提供咨询。")
    doc = build("quotes.txt", FRONT + "\n\n".join(paras) + "\n")
    assert doc.layout is Layout.SINGLE
    assert doc.alignment == ()


def test_a_chinese_ticker_under_an_english_article_is_not_a_translation():
    paras = [p for unit in side("en", SHAPES["one-one"], False) for p in unit]
    ticker = ["美股高开高走，纳指涨幅扩大至超2%", "布伦特原油日内涨幅达1%", "央行：保持流动性合理充裕",
              "多地出台促消费新政", "快报", "更多"]
    text = FRONT + "\n\n".join(paras + ticker) + "\n"
    assert build("ticker.txt", text).layout is Layout.SINGLE
    # even when no cleaner took the ticker away first
    doc, _ = read_document("ticker.txt", text.encode("utf-8"), CFG)
    doc = languages.run(structure.run(doc, CFG), CFG)
    assert len([b for b in doc.blocks if b.lang == "zh"]) == len(ticker)
    assert doc.layout is Layout.SINGLE
    assert any(d.code == "LNG001" for d in doc.warnings)


# ------------------------------------------------------------------- mixed

def test_mixed_block_gets_its_dominant_language_and_stands_alone():
    mixed = ("Linhai Daily 临海日报: This story was translated by the newsroom, and the "
             "Chinese text follows the English one. 本文由编辑部翻译，中文在英文之后。")
    assert langs.is_mixed(mixed)
    assert not langs.is_mixed(UNITS[1][1][0])          # Chinese with a name in it
    assert not langs.is_mixed(UNITS[1][0][0])
    text = concatenated("en", SHAPES["one-one"]).replace(FRONT, FRONT + mixed + "\n\n")
    doc = build("mixed.txt", text)
    assert doc.layout is Layout.CONCATENATED
    block = next(b for b in doc.blocks if b.text == mixed)
    assert block.lang in ("en", "zh")
    pair = pair_of(doc, mixed[:20])
    assert not (pair.src and pair.tgt)
    check_gold(doc, SHAPES["one-one"], "en")


def test_detect_ignores_urls_and_markers():
    assert langs.detect("[2]https://startups.com.br/negocios/inteligencia-artificial/") == ""
    assert langs.detect("DeepSeek的工程师说,他们的系统只需要约2000块芯片。 Marlena Sloss/Bloomberg") == "zh"
    assert langs.detect("Liang Wenfeng (梁文锋) said the team would keep its models open.") == "en"


def test_anchors_survive_translation():
    en = langs.anchors("$6 million versus $1 billion in January 2025 with 16,000 chips and DeepSeek-R1")
    zh = langs.anchors("600万美元对10亿美元，2025年1月，1.6万块芯片，DeepSeek-R1")
    assert {"#6000000", "#1000000000", "#2025", "@m1", "#16000", "deepseek-r1", "r1"} <= en & zh


# --------------------------------------------------------------- editorial

def test_editor_forces_a_pair_and_unpairs_a_block():
    shapes = SHAPES["one-one"]
    text = concatenated("en", shapes)
    wrong_en = UNITS[2][0][0]
    wrong_zh = UNITS[3][1][0]
    toml = ("[align]\n"
            f"pairs = [[\"{wrong_en[:20]}\", \"{wrong_zh[:8]}\"]]\n"
            f"unpair = [\"{UNITS[6][1][0][:8]}\"]\n")
    doc = build("edited.txt", text, toml)
    assert matches(doc, (wrong_en[:20],), (wrong_zh[:8],))
    assert pair_of(doc, wrong_en[:20]).score == 1.0
    lone = pair_of(doc, UNITS[6][1][0][:8])
    assert not (lone.src and lone.tgt)
    # pairs after the forced one are still right
    assert matches(doc, (UNITS[7][0][0][:20],), (UNITS[7][1][0][:8],))
    assert_covers_every_block_once_in_order(doc)


def test_editor_pairs_given_in_the_other_order_and_many_blocks():
    text = concatenated("en", SHAPES["one-one"])
    toml = ("[align]\n"
            f"pairs = [[[\"{UNITS[1][1][0][:8]}\"], [\"{UNITS[0][0][0][:20]}\", \"{UNITS[1][0][0][:20]}\"]]]\n")
    doc = build("edited2.txt", text, toml)
    assert matches(doc, (UNITS[0][0][0][:20], UNITS[1][0][0][:20]), (UNITS[1][1][0][:8],))


def test_editor_mistakes_are_warnings_not_failures():
    toml = "[align]\npairs = [[\"no such text\", \"没有这段\"], \"oops\"]\nunpair = [\"nowhere\"]\n"
    doc = build("edited3.txt", concatenated("en", SHAPES["one-one"]), toml)
    codes = [d.code for d in doc.warnings if d.severity is Severity.WARNING]
    assert codes.count("ALN002") == 3
    check_gold(doc, SHAPES["one-one"], "en")


def test_editor_sets_layout_and_boundary():
    text = concatenated("en", SHAPES["one-one"])
    doc = build("edited4.txt", text, "[align]\nlayout = \"single\"\n")
    assert doc.layout is Layout.SINGLE and doc.alignment == ()
    boundary = UNITS[0][1][0][:8]            # the editor's boundary is taken as it is
    doc = build("edited5.txt", text, f"[align]\nboundary = \"{boundary}\"\n")
    assert doc.block(languages.sides(doc).boundary).text.startswith(boundary)


# ------------------------------------------------------- across files

def _doc(slug: str, key: str, lang: str) -> Document:
    return Document(source=Source(slug + ".md", "0" * 64, 1, "utf-8"),
                    meta=Meta(slug=slug, translation_key=key, lang=lang))


def test_translations_linked_both_ways_whatever_the_order():
    docs = (_doc("river-en", "river", "en"), _doc("other", "", "en"), _doc("river-zh", "river", "zh"),
            _doc("river-fr", "river", "fr"), _doc("lonely", "alone", "en"))
    out = align.link_translations(docs)
    links = {d.meta.slug: d.links.translations for d in out}
    assert links["river-en"] == ("river-fr", "river-zh")
    assert links["river-zh"] == ("river-en", "river-fr")
    assert links["other"] == () and links["lonely"] == ()
    back = {d.meta.slug: d.links.translations for d in align.link_translations(tuple(reversed(docs)))}
    assert back == links


def test_translations_skip_drafts_and_go_through_canonical_copies():
    en, zh, copy, draft = (_doc("river-en", "river", "en"), _doc("river-zh", "river", "zh"),
                           _doc("river-zh-2", "river", "zh"), _doc("river-fr", "river", "fr"))
    copy = replace(copy, links=replace(copy.links, canonical="river-zh"))
    draft = replace(draft, meta=replace(draft.meta, draft=True))
    links = {d.meta.slug: d.links.translations for d in align.link_translations((en, zh, copy, draft))}
    assert links["river-en"] == ("river-zh",)
    assert links["river-zh"] == ("river-en",) and links["river-zh-2"] == ("river-en",)
    with_drafts = align.link_translations((en, draft), drafts=True)
    assert with_drafts[0].links.translations == ("river-fr",)


def test_translation_key_from_front_matter_through_the_pipeline():
    en = build("a.md", "---\ntitle: River\ntranslationKey: jade\n---\n\n" + UNITS[0][0][0] + "\n")
    zh = build("b.md", "---\ntitle: 玉河\ntranslationKey: jade\n---\n\n" + UNITS[0][1][0] + "\n")
    docs = (replace(en, meta=replace(en.meta, slug="river")), replace(zh, meta=replace(zh.meta, slug="yuhe")))
    out = align.link_translations(docs)
    assert out[0].links.translations == ("yuhe",) and out[1].links.translations == ("river",)


# --------------------------------------------------------- robustness

def test_band_keeps_large_documents_fast():
    import time
    zh = [f"{p}（{k}）" for k in range(12) for unit in side("zh", SHAPES["n-m"], True) for p in unit]
    en = [f"{p} ({k})" for k in range(12) for unit in side("en", SHAPES["n-m"], True) for p in unit]
    doc = build("big.txt", FRONT + "\n\n".join(zh + ["---"] + en) + "\n")
    assert doc.layout is Layout.CONCATENATED and len(doc.blocks) > 350
    start = time.perf_counter()
    again = align.run(replace(doc, warnings=()), CFG)
    assert time.perf_counter() - start < 10
    assert again.alignment == doc.alignment
    assert alignment_score(again) > 0.9


def test_too_long_a_text_is_not_aligned_but_said_so():
    from site_builder.model import Block
    n = align.MAX_BLOCKS + 1
    blocks = tuple(Block(f"b{k}", BlockKind.PARAGRAPH, "Line." if k % 2 else "一行。", (k + 1, k + 1),
                         lang="en" if k % 2 else "zh") for k in range(2 * n))
    doc = Document(source=Source("long.txt", "0" * 64, 1, "utf-8"), blocks=blocks,
                   layout=Layout.INTERLEAVED, meta=Meta(languages=("zh", "en")))
    out = align.run(doc, CFG)
    assert out.alignment == ()
    assert [d.code for d in out.warnings] == ["ALN004"]


def test_empty_and_single_block_documents():
    doc = build("tiny.txt", "Only one line of English here, nothing else at all.\n")
    assert doc.layout is Layout.SINGLE and doc.alignment == ()
    assert align.run(replace(doc, blocks=()), CFG).alignment == ()
