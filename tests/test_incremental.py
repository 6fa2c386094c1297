"""The preview's updates give what a full computation gives, to the byte.

Related reading (util/related.py) and the search index (search.LiveIndex)
update themselves after an edit instead of starting over; the corpus stages
remember per-document work (memo.py).  Each is checked here against the
from-scratch result after a series of edits, on inputs made to cross the
thresholds that decide what an update must redo (a term's df crossing a
power of two, a candidate list losing an entry it cannot refill, the shard
count moving).  Then the whole Builder on a generated corpus of real files.
"""
from __future__ import annotations

import importlib.util
import io
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from site_builder.build import build
from site_builder.config import Config
from site_builder.memo import NoMemo, StageMemo
from site_builder.model import dumps, dumps_item, dumps_with_list
from site_builder.rebuild import Builder, TreeWriter
from site_builder import search
from site_builder.search import LiveIndex, SearchEntry, build_index
from site_builder.model import Block, BlockKind, Document, Meta, Source
from site_builder.stages import crosslink, dedup, site_chrome
from site_builder.util.neardup import Params, find_pairs, sketch
from site_builder.util.pair_index import PairIndex
from site_builder.util.related import Related

ROOT = Path(__file__).resolve().parent.parent
CFG = Config()
WORDS = [f"w{i}" for i in range(400)]
HAN = "人工智能模型语言数据研究开源训练推理芯片算力中国美国公司市场政策技术"


def _text(rng: random.Random, n: int) -> str:
    # Zipf-like: a few words everywhere, most in a handful of documents.
    en = " ".join(WORDS[min(len(WORDS) - 1, int(rng.paretovariate(0.8)) - 1)] for _ in range(n))
    zh = "".join(rng.choice(HAN) for _ in range(n // 4))
    return f"{en} {zh}"


def _rows(texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [crosslink.terms(t) for t in texts]


def test_related_update_equals_build():
    rng = random.Random(5)
    texts = [_text(rng, rng.randrange(20, 200)) for _ in range(300)]
    live = Related.build(_rows(texts), keep=6, updatable=True)
    rescored = []
    for step in range(40):
        picks = rng.sample(range(len(texts)), rng.choice((1, 1, 1, 3)))
        for i in picks:
            kind = step % 4
            texts[i] = (texts[i] + " " + _text(rng, 30) if kind == 0 else
                        texts[i][: len(texts[i]) // 2] if kind == 1 else
                        _text(rng, 80) if kind == 2 else texts[i] + f" unique{step}")
        live.update({i: crosslink.terms(texts[i]) for i in picks})
        rescored.append(live.rescored)
        fresh = Related.build(_rows(texts), keep=6)
        assert live.cands == fresh.cands, f"step {step}"
    assert min(rescored) < len(texts) // 10        # an update rescored a few rows, not all


def _copy_text(rng: random.Random, pool: list[str], footers: list[str]) -> str:
    kind, boiler = rng.randrange(6), rng.choice(footers)
    if kind == 0:
        return ""                                           # no words: no sketch
    if kind == 1:
        return pool[0]                                      # one more of the 40 identical texts
    if kind == 2:
        base = rng.choice(pool)
        return base[: len(base) // 2]                       # a truncated copy
    if kind == 3:
        return rng.choice(pool) + " " + boiler              # a copy with the shared footer
    return _text(rng, 300) + (" " + boiler if kind == 4 else "")


def test_pair_index_update_equals_find_pairs():
    """PairIndex.update + pairs == find_pairs after each of 60 edits, across the cases an update
    must notice: a footer shingle crossing max_df (boilerplate or not), an LSH bucket over 32
    members (chained) gaining and losing members, documents without words, truncated copies."""
    rng = random.Random(7)
    params = Params(max_df=11, min_shared=4)               # each footer is in about 11 documents
    footers = [_text(random.Random(99 + k), 120) for k in range(5)]
    pool = [_text(rng, 300) for _ in range(30)]
    texts = [pool[0]] * 40 + [_copy_text(rng, pool, footers) for _ in range(160)]
    sketches = [sketch(t, params) for t in texts]
    index = PairIndex(list(sketches), params)
    assert index.pairs() == find_pairs(sketches, params)
    widened = followed = 0
    for step in range(60):
        changed = {}
        for _ in range(rng.choice([1, 1, 1, 3])):
            i = rng.randrange(len(texts))
            texts[i] = _copy_text(rng, pool, footers)
            changed[i] = sketches[i] = sketch(texts[i], params)
        index.update(changed)
        widened += len(index.touched) > len(changed)          # a crossing touched other documents
        followed += len(index.touched) * 8 <= len(texts)      # pairs found around the touched only
        assert index.pairs() == find_pairs(sketches, params), f"edit {step}"
    assert len(index.last) >= 50 and widened >= 10 and followed >= 20, (len(index.last), widened, followed)


def test_live_index_equals_build_index():
    rng = random.Random(7)
    entries = [SearchEntry(url=f"a{i:03d}/index.html", title=f"Title {i}", text=_text(rng, 120), lang="en")
               for i in range(120)]
    live = LiveIndex(shard_bytes=4000)
    assert live.files(entries) == build_index(entries, shard_bytes=4000)
    i = 0
    for step in range(12):
        i = i if step % 2 else rng.randrange(len(entries))       # the same article twice in a row too
        e = entries[i]
        text = (e.text + " 新的句子 added words" if step % 3 == 0 else e.text[: len(e.text) // 3]
                if step % 3 == 1 else _text(rng, 2000))        # the last grows the shard count
        entries[i] = replace(e, text=text, title=e.title + ("!" if step == 5 else ""))
        files = live.files(entries)
        assert files == build_index(entries, shard_bytes=4000), f"step {step}"
        index = search.parts(files)["index"]             # index.js is what js_part would write
        assert files["search/index.js"] == search.js_part("index", index) and index["n"] == len(entries)
    assert live.updated in (1, len(entries))


def test_listing_json_written_from_items_is_dumps():
    data = {"ok": True, "documents": [{"a": [1, {"b": "é\n\u2028"}], "z": None}, {"x": []}]}
    head = {k: v for k, v in data.items() if k != "documents"}
    assert dumps_with_list(head, "documents", [dumps_item(x) for x in data["documents"]]) == dumps(data)
    assert dumps_with_list({}, "files", []) == dumps({"files": []})


def test_stage_memo_keys_by_identity_and_forgets():
    memo, calls = StageMemo(), []
    obj = (1, 2)
    make = (lambda: calls.append(1) or len(calls))
    assert memo.per("k", obj, make) == memo.per("k", obj, make) == 1
    assert memo.per("k", obj, make, key="other") == 2           # another key: computed again
    memo.end()
    memo.end()                                                   # a run that did not ask: forgotten
    assert memo.per("k", obj, make, key="other") == 3
    assert NoMemo().per("k", obj, make) == 4


def _doc(path: str, text: str, **meta) -> Document:
    blocks = tuple(Block(f"b{k}", BlockKind.PARAGRAPH, t, (k, k)) for k, t in enumerate(text.split("\n\n"), 1))
    return Document(source=Source(path, "0" * 64, len(text), "utf-8"), meta=Meta(**meta), blocks=blocks)


def test_corpus_stages_with_memo_equal_without():
    """site_chrome, dedup and crosslink, run again and again on edited documents with their memo,
    give what they give without one: footers that become repeated and stop being, copies made
    and unmade, retitled articles."""
    rng = random.Random(3)
    footers = ["Follow us on every network for more stories like this one.",
               "Subscribe to the newsletter for the week's best reading, free."]
    docs = [_doc(f"d{i:03d}.md", _text(rng, 150) + "\n\n" + _text(rng, 90) +
                 ("\n\n" + footers[i % 2] if i % 3 else ""), slug=f"d{i:03d}", title=f"Title {i}",
                 site=f"site{i % 4}") for i in range(60)]
    memos = [StageMemo() for _ in range(3)]
    stages = (site_chrome.run, dedup.run, crosslink.run)

    def through(ds, with_memo):
        for fn, memo in zip(stages, memos):
            ds = fn(ds, CFG, memo=memo) if with_memo else fn(ds, CFG)
            if with_memo:
                memo.end()
        return ds

    through(tuple(docs), True)
    for step in range(16):
        i = rng.randrange(len(docs))
        d = docs[i]
        kind = step % 4
        if kind == 0:                                   # a footer comes or goes
            text = "\n\n".join(b.text for b in d.blocks)
            text = text.replace("\n\n" + footers[0], "") if footers[0] in text else text + "\n\n" + footers[0]
            docs[i] = _doc(d.source.path, text, **{k: getattr(d.meta, k) for k in ("slug", "title", "site")})
        elif kind == 1:                                 # a copy of another article
            other = docs[rng.randrange(len(docs))]
            docs[i] = replace(d, blocks=other.blocks[:2] + d.blocks[2:])
        elif kind == 2:
            docs[i] = replace(d, meta=replace(d.meta, title=d.meta.title + " (revised)"))
        else:
            docs[i] = replace(d, blocks=(replace(d.blocks[0], text=d.blocks[0].text + " more words"),) + d.blocks[1:])
        out = through(tuple(docs), True)
        assert out == through(tuple(docs), False), f"step {step}"
    assert any(r.reason.startswith("chrome: repeated") for d in out for r in d.removed)
    assert any(d.links.versions for d in out)


# ------------------------------------------------------------------ the whole Builder

def _corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "benchmarks" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _edit(path: Path, words: str) -> None:
    paras = path.read_text("utf-8").split("\n\n")
    i = max(range(len(paras)), key=lambda k: len(paras[k]))
    paras[i] = paras[i].rstrip("\n") + " " + words
    path.write_text("\n\n".join(paras), "utf-8")


@pytest.mark.parametrize("jobs", [0])
def test_builder_on_generated_corpus_matches_full_build(tmp_path, jobs):
    corpus = _corpus_module()
    corpus.write_corpus(48, tmp_path / "seeds", seed=11, copy_rate=0.2)
    (tmp_path / "seeds" / "truth.json").unlink(missing_ok=True)
    (tmp_path / "content").mkdir()
    cfg = Config(seeds=tmp_path / "seeds", content=tmp_path / "content", out=tmp_path / "out",
                 templates=ROOT / "templates", static=ROOT / "static", jobs=jobs)
    builder, writer = Builder(cfg), TreeWriter(cfg.out)
    seeds = sorted((tmp_path / "seeds").iterdir())
    steps = [
        lambda: _edit(seeds[5], "An editor adds a sentence about archives and reading."),
        lambda: _edit(seeds[20], "人工智能 模型 研究 的 新 进展，编辑 加 了 一句。"),
        lambda: seeds[7].write_text(seeds[7].read_text("utf-8")[:600], "utf-8"),   # cut short
        lambda: (cfg.content / (seeds[9].stem + ".toml")).write_text('[meta]\ntitle = "Retitled"\n', "utf-8"),
        lambda: (cfg.content / (seeds[12].stem + ".toml")).write_text('[meta]\ntags = ["fresh-tag", "archives"]\n',
                                                                        "utf-8"),
        lambda: (cfg.content / (seeds[14].stem + ".toml")).write_text('[meta]\ntags = ["fresh-tag"]\n', "utf-8"),
        lambda: _edit(seeds[14], "A second sentence, so that only the text of a tagged article changes."),
    ]
    _, files, stats = builder.build()
    writer.write(files, stats)
    partial = 0
    for n, step in enumerate(steps):
        step()
        _, files, stats = builder.build([str(p) for p in sorted(cfg.seeds.iterdir()) + sorted(cfg.content.iterdir())])
        writer.write(files, stats)
        build(replace(cfg, out=tmp_path / f"full{n}"), io.StringIO())
        assert _tree(cfg.out) == _tree(tmp_path / f"full{n}"), f"step {n}"
        assert stats.processed == 1
        partial += not builder.memo.full_render
    assert partial >= 4                          # most renders followed the delta, not every page
    related = builder.stage_state["crosslink"].state["related"][2]
    assert related.rescored < 48                 # the last edits updated related reading in place
