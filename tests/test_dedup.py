"""Near-duplicates and related reading: the seeds, a generated corpus, and the invariances.

Seeds 000 and 001 are one article (001: a truncated copy of 000's Chinese half,
half-width punctuation, one paragraph per line, another site's chrome); all
five seeds are about DeepSeek.  The generated corpus (benchmarks/corpus.py)
plants near-copies whose pairs are known.
"""
from __future__ import annotations

import importlib.util
import itertools
import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.config import Config
from site_builder.model import Block, BlockKind, Document, Footnote, Mark, Meta, Severity, Source
from site_builder.pipeline import read_document, run_doc_stages
from site_builder.stages import crosslink, dedup

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CFG = Config()


def _load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "benchmarks" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus_module()


def seed_doc(path: Path) -> Document:
    doc, _ = read_document(path.name, path.read_bytes(), CFG)
    doc = run_doc_stages(doc, CFG)
    return replace(doc, meta=replace(doc.meta, slug=path.name[:3]))


@pytest.fixture(scope="module")
def seed_docs() -> tuple[Document, ...]:
    return tuple(seed_doc(p) for p in SEEDS)


@pytest.fixture(scope="module")
def linked(seed_docs) -> dict[str, Document]:
    out = crosslink.run(dedup.run(seed_docs, CFG), CFG)
    return {d.meta.slug: d for d in out}


# ---------------------------------------------------------------- seeds

def test_seed_000_and_001_form_one_cluster_with_000_canonical(linked):
    assert linked["000"].links.canonical == "000"
    assert linked["000"].links.versions == ("001",)
    assert linked["001"].links.canonical == "000"
    assert linked["001"].links.versions == ("000",)
    assert "version of 000" in linked["001"].links.dedup_reason
    assert linked["000"].links.dedup_reason.startswith("canonical of 2 copies")


def test_no_other_pair_of_seeds_is_clustered(linked):
    for slug in ("002", "003", "004"):
        assert linked[slug].links.canonical == slug
        assert linked[slug].links.versions == ()
        assert linked[slug].links.dedup_reason == ""


def test_canonical_choice_is_reported_as_dup001(linked):
    infos = [w for w in linked["000"].warnings if w.code == "DUP001"]
    assert len(infos) == 1 and infos[0].severity is Severity.INFO
    assert "canonical 000" in infos[0].message and "001" in infos[0].message
    assert not [w for d in linked.values() if d.meta.slug != "000" for w in d.warnings if w.code == "DUP001"]


def test_canonical_takes_metadata_it_lacks_from_its_copy(seed_docs, linked):
    before = {d.meta.slug: d for d in seed_docs}
    for name in dedup.BORROW:
        if not getattr(before["000"].meta, name) and getattr(before["001"].meta, name):
            assert getattr(linked["000"].meta, name) == getattr(before["001"].meta, name)
    for name in ("title", "date", "authors", "source_url", "site"):
        assert getattr(linked["000"].meta, name) == getattr(before["000"].meta, name)


def test_copy_markers_resolve_to_canonical_notes(seed_docs, linked):
    copy, canon = linked["001"], linked["000"]
    cited = {m.note for b in copy.blocks for m in b.marks}
    assert cited, "the footnotes stage should have found 001's [1]..[8] markers"
    by_id = {f.id: f for f in canon.footnotes}
    for note in copy.footnotes:
        assert by_id[note.id].text == note.text
        assert note.cited == (note.id in cited)
    assert {f.id for f in copy.footnotes if f.cited} == cited & set(by_id)


def test_all_seeds_are_related_except_own_versions(linked):
    for slug, doc in linked.items():
        others = {s for s in linked if s != slug and s not in doc.links.versions and s != doc.links.canonical}
        others -= {s for s in others if linked[s].links.canonical != s}     # copies never listed
        assert set(doc.links.related) == others, slug
        assert len(doc.links.related) <= CFG.related_count


def test_result_does_not_depend_on_input_order(seed_docs, linked):
    shuffled = list(seed_docs)
    random.Random(7).shuffle(shuffled)
    again = crosslink.run(dedup.run(tuple(shuffled), CFG), CFG)
    assert [d.source.path for d in again] == [d.source.path for d in shuffled]
    for d in again:
        assert d == linked[d.meta.slug]


# ---------------------------------------------------------------- normalisation

def test_punctuation_width_wrapping_and_markdown_do_not_change_shingles():
    full = "**人工智能领导权之争**\n\n为什么技术领导权如此重要？如何定义人工智能（AI）领域的[技术](https://x.org/a)领导权？"
    half = "人工智能领导权之争\n为什么技术领导权如此\n重要?如何定义人工智能(AI)领域的技术领导权?"
    assert (dedup.shingles(dedup.tokens(full)[0], 5, 1) == dedup.shingles(dedup.tokens(half)[0], 5, 1)).all()
    english = "The Path of *Technological* Innovation, re-wrapped\nacross lines."
    assert (dedup.tokens(english)[0] == dedup.tokens("the path of technological innovation re wrapped across lines")[0]).all()


def test_tokens_are_characters_in_chinese_and_words_in_english():
    toks, han = dedup.tokens("DeepSeek的年轻领导者 said: open source")
    assert toks.size == 1 + 6 + 3 and han.tolist() == [False] + [True] * 6 + [False] * 3


# ---------------------------------------------------------------- footnotes and metadata on built values

def _doc(path: str, text: str, **meta) -> Document:
    blocks = tuple(Block(f"b{k}", BlockKind.PARAGRAPH, t, (k, k)) for k, t in enumerate(text.split("\n\n"), 1))
    return Document(source=Source(path, "0" * 64, len(text), "utf-8"), meta=Meta(**meta), blocks=blocks)


def test_tiny_empty_and_identical_documents():
    docs = (_doc("a.md", "Body of a.", slug="a"), _doc("b.md", "Body of b.", slug="b"),
            _doc("c.md", "", slug="c"), _doc("d.md", "。，！ --- ***", slug="d"),
            _doc("e.md", "同一段文字" * 40, slug="e"), _doc("f.md", "同一段文字" * 40, slug="f"))
    out = {d.meta.slug: d for d in crosslink.run(dedup.run(docs, CFG), CFG)}
    assert [out[s].links.canonical for s in "abcd"] == list("abcd")
    assert out["e"].links.canonical == out["f"].links.canonical == "e" and out["f"].links.versions == ("e",)
    assert dedup.find_clusters([]) == [] and dedup.find_clusters([("x", "")]) == []


def test_share_notes_keeps_only_cited_notes_and_their_same_as():
    notes = (Footnote("1", "Winner 2020", "[1] Winner 2020"), Footnote("2", "Idem.", "[2] Idem.", same_as="1"),
             Footnote("3", "Unused", "[3] Unused"))
    canon = replace(_doc("a.txt", "x", slug="a"), footnotes=notes)
    copy = _doc("b.txt", "text[2] more", slug="b")
    copy = replace(copy, blocks=(replace(copy.blocks[0], marks=(Mark(4, 7, "2"),)),))
    shared = dedup.share_notes(copy, canon)
    assert [(f.id, f.refs, f.cited) for f in shared.footnotes] == [("1", (), False), ("2", ("b1",), True)]
    assert [w.code for w in shared.warnings] == ["DUP002"]
    assert dedup.share_notes(replace(copy, footnotes=notes[:1]), canon).footnotes == notes[:1]


def test_borrowed_source_comes_whole():
    canon = _doc("a.txt", "x", slug="a", title="T")
    copy = _doc("b.txt", "x", slug="b", site="guancha.cn", source_url="https://guancha.cn/x", editor="郑乐欢")
    merged, taken = dedup.borrow_meta(canon, [copy])
    assert (merged.meta.site, merged.meta.source_url, merged.meta.editor) == (
        "guancha.cn", "https://guancha.cn/x", "郑乐欢")
    assert merged.meta.title == "T" and len(taken) == 2


# ---------------------------------------------------------------- generated corpus

def _strip_front_matter(text: str) -> str:
    end = text.find("\n---", 4) if text.startswith("---\n") else -1
    return text[end + 4:] if end > 0 else text


@pytest.fixture(scope="module")
def generated():
    items, infos = [], []
    for name, text, info in corpus.generate(240, seed=3, copy_rate=0.15):
        items.append((name, _strip_front_matter(text)))
        infos.append(info)
    return items, corpus.truth(infos, 3, 0.15)


def _pairs(clusters) -> set[tuple[str, str]]:
    return {p for c in clusters for p in itertools.combinations(sorted(c), 2)}


def test_generated_corpus_planted_copies_found(generated):
    items, truth = generated
    planted: dict[str, set[str]] = {}
    for original, copy in truth["pairs"]:
        planted.setdefault(original, {original}).add(copy)
    want, got = _pairs(planted.values()), _pairs(dedup.find_clusters(items))
    assert len(want) >= 30
    hit = len(want & got)
    assert hit / len(got) >= 0.97, sorted(got - want)
    assert hit / len(want) >= 0.95, sorted(want - got)


def test_generated_corpus_clusters_ignore_order_and_workers(generated):
    items, _ = generated
    shuffled = list(items)
    random.Random(1).shuffle(shuffled)
    assert dedup.find_clusters(shuffled) == dedup.find_clusters(items)
    assert dedup.find_clusters(items[:120], jobs=2) == dedup.find_clusters(items[:120])


def test_generated_corpus_stage_and_related_by_topic(generated):
    items, truth = generated
    topic = {d["name"]: d["topic"] for d in truth["docs"]}
    docs = tuple(_doc(name, text, slug=name[:6]) for name, text in items)
    out = crosslink.run(dedup.run(docs, CFG), CFG)
    by_slug = {d.meta.slug: d for d in out}
    for original, copy in truth["pairs"]:
        assert by_slug[copy[:6]].links.canonical == by_slug[original[:6]].links.canonical
    # 40 topics: a random pick shares the topic 2.5% of the time (measured: 97.5% first picks,
    # 76% of all picks; 83% before idf moved by powers of two, util/related.py).  Some documents have fewer than four same-topic neighbours in a
    # language they share, so the first pick is held higher than the rest.
    same = [[topic[d.source.path] == topic[by_slug[r].source.path] for r in d.links.related] for d in out]
    assert sum(s[0] for s in same if s) / len(out) >= 0.9
    assert sum(map(sum, same)) / sum(map(len, same)) >= 0.7
    assert all(by_slug[r].links.canonical == r for d in out for r in d.links.related)
