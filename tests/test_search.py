"""Search: the index site_builder/search.py writes, and static/search.js reading it under Node.

The index must find Chinese terms (no spaces between words) and English words in the
seeds, be byte-for-byte deterministic, keep titles and text from closing a <script>
(XSS-4), and agree with the browser-side tokenizer character for character.  The Node
tests load the very files the build writes, one `require` per part, as the page loads
them with <script> elements.  (Chromium tests of the page itself live in test_browser.py.)
"""
from __future__ import annotations

import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from site_builder import search
from site_builder.search import SearchEntry, build_index, decode_postings, parts, query_tokens, tokens

from .conftest import missing_tool

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEARCH_JS = ROOT / "static" / "search.js"
NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)

TRICKY = [
    "ＡＩ芯片与ＧＰＴ４",                    # full-width letters and digits
    "ﬁnance ligature and Ⅻ numerals",
    "Straße, ΣΊΣΥΦΟΣ and İstanbul",         # ß, final sigma, dotted I
    "infor\u00admation zero\u200bwidth",    # soft hyphen and zero-width space
    "cafe\u0301 and cafés",                  # combining accent, plural
    "𠮷野家の牛丼、한국어 텍스트",            # astral Han, kana, Hangul
    "⼈⼯智能 and 兀 (compatibility forms)",  # Kangxi radicals, compatibility ideograph
    "studies bodies class status analysis",  # the light stemmer
    "x" * 300 + " 2025年1月24日 12:30",
]


# ------------------------------------------------------------------ helpers

def seed_entries() -> list[SearchEntry]:
    """The five seeds as entries: front-matter title when there is one, else the first line."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        title = ""
        if text.startswith("---\n"):
            head, _, text = text[4:].partition("\n---\n")
            found = re.search(r'^title: "(.*)"$', head, re.M)
            title = found[1] if found else ""
        title = title or next((line.strip("# ") for line in text.splitlines() if line.strip()), "")
        out.append(SearchEntry(url=f"{path.stem}/index.html", title=title, text=text, lang="", date=""))
    return out


def postings(files: dict[str, bytes]) -> dict[str, list[tuple[int, int]]]:
    """token -> [(article, tf)] over every shard."""
    found = {}
    for name, value in parts(files).items():
        if name.startswith("t/"):
            found.update({tok: decode_postings(codes) for tok, codes in value.items()})
    return found


def urls_for(files: dict[str, bytes], query: str) -> set[str]:
    """Articles holding every token of the query (the rule search.js applies)."""
    table, docs = postings(files), parts(files)["index"]["docs"]
    hits = None
    for tok in query_tokens(query):
        have = {doc for doc, _ in table.get(tok, [])}
        hits = have if hits is None else hits & have
    return {docs[d][0] for d in hits or ()}


def reference(entries: list[SearchEntry]) -> dict[str, list[tuple[int, int]]]:
    """What the postings must be, from the plain-Python tokenizer."""
    want: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
    for i, e in enumerate(sorted(entries, key=lambda e: (e.url, e.title, e.date))):
        for tok, n in sorted(collections.Counter(tokens(f"{e.title}\n{e.text}")).items()):
            want[tok].append((i, min(n, search.TF_MAX)))
    return dict(want)


def write(files: dict[str, bytes], root: Path) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root / "search"


HARNESS = r"""
globalThis.window = globalThis;                       // the parts assign window.__SB_SEARCH__[name]
const S = require(process.argv[2]);
const path = require("path");
const task = JSON.parse(require("fs").readFileSync(0, "utf8"));
const part = (name) => {
  const store = window.__SB_SEARCH__ || {};
  if (!(name in store)) require(path.join(task.dir, name + ".js"));
  return window.__SB_SEARCH__[name];
};
function search(raw) {
  const meta = part("index"), query = S.parseQuery(raw), lists = {};
  for (const t of query.tokens) {
    const shard = part("t/" + S.shardOf(t, meta.shards));
    if (Object.prototype.hasOwnProperty.call(shard, t)) lists[t] = S.decodePostings(shard[t]);
  }
  return S.rank(meta, lists, query.tokens).map((h) => ({
    url: meta.docs[h.doc][0], score: h.score,
    snippet: S.snippet(part("d/" + h.doc), query, 80),
  }));
}
const out = {
  tokens: () => task.texts.map((t) => S.indexTokens(t)),
  queries: () => task.texts.map((t) => S.parseQuery(t).tokens),
  normalize: () => task.cps.map((cp) => S.normalize(String.fromCodePoint(cp))),
  classes: () => task.cps.map((cp) => S.charClass(cp) || ""),
  shards: () => task.texts.map((t) => [S.fnv1a(t), S.shardOf(t, task.n)]),
  postings: () => Object.fromEntries(task.texts.map((c) => [c, S.decodePostings(c)])),
  search: () => Object.fromEntries(task.texts.map((q) => [q, search(q)])),
  parts: () => task.names.map((n) => part(n)),
}[task.task]();
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """Run a task of HARNESS under Node: node(task, **args) -> its JSON answer."""
    if not NODE:
        missing_tool("node (Node.js), for the static/search.js tests")
    harness = tmp_path_factory.mktemp("node") / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")

    def run(task: str, **args):
        done = subprocess.run([NODE, str(harness), str(SEARCH_JS)], input=json.dumps({"task": task, **args}),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    return run


@pytest.fixture(scope="module")
def seed_index() -> dict[str, bytes]:
    return build_index(seed_entries(), shard_bytes=4_000)


# ------------------------------------------------------------------ the index

def grep(term: str) -> set[str]:
    """Seeds whose raw text holds the term: a plain substring (Chinese) or whole word (English)."""
    found = set()
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8", errors="replace")
        whole_word = rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])"   # 的OpenAI挑战 counts
        if term in text if not term.isascii() else re.search(whole_word, text, re.I):
            found.add(path.stem)
    return found


@pytest.mark.parametrize("term", ["人工智能", "开源", "硅谷", "英伟达", "芯片", "领导权"])
def test_seed_chinese_terms_are_found(seed_index, term):
    assert grep(term), term
    assert {url.split("/")[0] for url in urls_for(seed_index, term)} == grep(term)


@pytest.mark.parametrize("term", ["DeepSeek", "Silicon Valley", "OpenAI", "landscape", "Nvidia"])
def test_seed_english_terms_are_found(seed_index, term):
    found = {url.split("/")[0] for url in urls_for(seed_index, term)}
    assert grep(term) and grep(term) <= found
    assert found <= set.intersection(*(grep(w) for w in term.split()))   # every word is there


def test_seed_terms_miss_what_is_absent(seed_index):
    assert urls_for(seed_index, "量子纠缠") == set()
    assert urls_for(seed_index, "photosynthesis") == set()


def test_postings_equal_the_reference_tokenizer():
    entries = seed_entries() + [SearchEntry(f"tricky-{i}/index.html", t[:20], t) for i, t in enumerate(TRICKY)]
    files = build_index(entries)
    assert postings(files) == reference(entries)
    # An article's length for BM25: its characters in CJK runs plus its words.
    for url, _title, _lang, _date, _site, length in parts(files)["index"]["docs"]:
        e = next(e for e in entries if e.url == url)
        assert length == sum(1 for t in tokens(f"{e.title}\n{e.text}") if not (len(t) == 2 and _is_cjk(t)))


def _is_cjk(token: str) -> bool:
    return all(any(lo <= ord(c) <= hi for lo, hi in search.CJK_RANGES) for c in token)


def test_bytes_do_not_depend_on_batches_chunks_workers_or_order(monkeypatch):
    entries = seed_entries() + [SearchEntry(f"t{i}/index.html", "", t) for i, t in enumerate(TRICKY)]
    whole = build_index(entries, shard_bytes=3_000)
    monkeypatch.setattr(search, "BATCH_CHARS", 7_000)
    monkeypatch.setattr(search, "CHUNK", 500)
    assert build_index(entries[::-1], shard_bytes=3_000) == whole
    assert build_index(entries, shard_bytes=3_000, jobs=3) == whole


def test_bytes_do_not_depend_on_hash_seed(seed_index):
    """A fresh interpreter with another PYTHONHASHSEED writes the same bytes as this one."""
    code = ("import hashlib, sys; sys.path.insert(0, {root!r}); from tests.test_search import seed_entries; "
            "from site_builder.search import build_index; f = build_index(seed_entries(), shard_bytes=4_000); "
            "print(hashlib.sha256(repr(sorted(f.items())).encode()).hexdigest())").format(root=str(ROOT))
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONHASHSEED": seed})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == hashlib.sha256(repr(sorted(seed_index.items())).encode()).hexdigest()


def test_files_are_classic_scripts_with_nothing_that_closes_a_script():
    hostile = SearchEntry(
        url="x/index.html", title='</script><script>alert(1)</script> & <!-- \u2028\u2029',
        text="Body </SCRIPT> <img src=x onerror=alert(1)> &amp; line\u2028separator\u2029end",
        lang="en", date="2025-01-01", site="<b>site</b>")
    files = build_index([hostile, SearchEntry("y/index.html", "плain", "normal text")])
    for name, data in files.items():
        text = data.decode("utf-8")
        assert re.fullmatch(r'\(window\.__SB_SEARCH__=window\.__SB_SEARCH__\|\|\{\}\)\["[a-z0-9/]+"\]=.*;\n',
                            text, re.S), name
        assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}, name
    back = parts(files)
    assert back["index"]["docs"][0][1] == hostile.title and back["index"]["docs"][0][4] == hostile.site
    assert back["d/0"] == hostile.text
    assert urls_for(files, "script") == {"x/index.html"}


def test_empty_and_textless_inputs():
    assert set(build_index([])) == {"search/index.js", "search/t/0.js"}
    files = build_index([SearchEntry("a/index.html", "", ""), SearchEntry("b/index.html", "标题", "")])
    assert parts(files)["index"]["n"] == 2
    assert urls_for(files, "标题") == {"b/index.html"}


def test_shards_split_by_size_and_hold_their_tokens(seed_index):
    meta = parts(seed_index)["index"]
    assert meta["shards"] > 8 and meta["shards"] & (meta["shards"] - 1) == 0
    for name, value in parts(seed_index).items():
        if name.startswith("t/"):
            assert all(search.fnv1a(tok) % meta["shards"] == int(name[2:]) for tok in value)


def test_normalisation_finds_variant_spellings():
    files = build_index([SearchEntry(f"{i}/index.html", "", t) for i, t in enumerate(TRICKY)])
    assert urls_for(files, "ai芯片") == {"0/index.html"}
    assert urls_for(files, "gpt4") == {"0/index.html"}
    assert urls_for(files, "finance xii") == {"1/index.html"}
    assert urls_for(files, "strasse σίσυφος istanbul") == {"2/index.html"}
    assert urls_for(files, "information") == {"3/index.html"}
    assert urls_for(files, "café") == {"4/index.html"}
    assert urls_for(files, "𠮷野家") == {"5/index.html"}
    assert urls_for(files, "人工智能") == {"6/index.html"}
    assert urls_for(files, "study body") == {"7/index.html"}


# ------------------------------------------------------------------ static/search.js under Node

def test_js_tokenizes_exactly_as_the_index(node):
    texts = TRICKY + [e.title + "\n" + e.text for e in seed_entries()]
    assert node("tokens", texts=texts) == [tokens(t) for t in texts]
    assert node("queries", texts=TRICKY) == [query_tokens(t) for t in TRICKY]


def test_js_character_classes_and_normalisation_match_python(node):
    """Every code point Python's Unicode database assigns: same class, same normalize().

    Python 3.11 has Unicode 14 and Node's ICU a later version; a few historic-script
    characters changed category since (U+1171E AHOM ... MEDIAL RA: Mn -> Mc in 15.0),
    so differences are allowed outside the BMP, a handful at most."""
    cps = [cp for cp in range(0x110000) if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Co")]
    table = search.class_table()
    names = {0: "", 1: "word", 2: "cjk"}
    js_classes, js_forms = node("classes", cps=cps), node("normalize", cps=cps)
    differ = [cp for cp, c, f in zip(cps, js_classes, js_forms)
              if c != names[int(table[cp]) & 3] or f != search.normalize(chr(cp))]
    assert [cp for cp in differ if cp <= 0xFFFF] == [] and len(differ) <= 8, [hex(cp) for cp in differ]


def test_js_hashes_and_decodes_like_python(node, seed_index):
    table = parts(seed_index)
    codes = [c for name, v in table.items() if name.startswith("t/") for c in v.values()][:300]
    toks = [t for name, v in table.items() if name.startswith("t/") for t in v][:2000]
    assert node("shards", texts=toks, n=64) == [[search.fnv1a(t), search.fnv1a(t) % 64] for t in toks]
    decoded = node("postings", texts=codes)
    assert all(decoded[c] == {"docs": [d for d, _ in decode_postings(c)], "tfs": [t for _, t in decode_postings(c)]}
               for c in codes)


def test_js_reads_the_parts_back_exactly(node, tmp_path):
    title = "</script>\u2028\u2029 & <b>"
    folder = write(build_index([SearchEntry("x/index.html", title, "text \u2028 < > &")]), tmp_path)
    index, text = node("parts", dir=str(folder), names=["index", "d/0"])
    assert index["docs"][0][1] == title and text == "text \u2028 < > &"


RANKING = [
    SearchEntry("title-hit/index.html", "Quantum notes", "A note on quantum computing.", date="2024-01-01"),
    SearchEntry("no-title/index.html", "Notes", "A note on quantum computing.", date="2024-01-01"),
    SearchEntry("short-many/index.html", "A", "quantum quantum quantum quantum.", date="2024-01-01"),
    SearchEntry("long-many/index.html", "B", "quantum quantum quantum quantum. " + "filler words " * 200,
                date="2024-01-01"),
    SearchEntry("older/index.html", "C", "entanglement", date="2020-05-05"),
    SearchEntry("newer/index.html", "D", "entanglement", date="2023-05-05"),
    SearchEntry("phrase/index.html", "E", "人工智能的发展很快。", date="2024-01-01"),
    SearchEntry("apart/index.html", "F", "人工的方法与智能的系统。", date="2024-01-01"),
    SearchEntry("none/index.html", "G", "nothing relevant here", date="2024-01-01"),
]


@pytest.fixture(scope="module")
def ranked(node, tmp_path_factory):
    folder = write(build_index(RANKING), tmp_path_factory.mktemp("ranking"))
    queries = ["quantum", "quantum computing", "Quantum Computing!", "entanglement", "人工智能", "智能",
               "智", "quantum 人工智能", "absent", "", "，。"]
    return node("search", dir=str(folder), texts=queries)


def urls(hits):
    return [h["url"].split("/")[0] for h in hits]


def test_js_ranks_by_bm25_with_a_title_boost(ranked):
    order = urls(ranked["quantum"])
    assert set(order) == {"short-many", "long-many", "title-hit", "no-title"}
    assert order.index("short-many") < order.index("long-many")                # same tf, shorter first
    assert order.index("short-many") < order.index("no-title")                 # more hits first
    assert order.index("title-hit") < order.index("no-title")                  # same text, title boost
    assert urls(ranked["quantum computing"]) == ["title-hit", "no-title"]      # all tokens; title boost
    assert ranked["Quantum Computing!"] == ranked["quantum computing"]
    assert urls(ranked["entanglement"]) == ["newer", "older"]                  # ties: newer first


def test_js_matches_chinese_by_consecutive_bigrams(ranked):
    assert urls(ranked["人工智能"]) == ["phrase"]                               # 工智 is not in "apart"
    assert set(urls(ranked["智能"])) == {"phrase", "apart"}
    assert set(urls(ranked["智"])) == {"phrase", "apart"}                      # one character: unigram
    assert urls(ranked["quantum 人工智能"]) == []
    assert ranked["absent"] == [] and ranked[""] == [] and ranked["，。"] == []


def test_js_snippets_mark_the_hits(ranked):
    for query, term in (("quantum computing", "quantum"), ("人工智能", "人工智能"), ("智", "智")):
        snippet = ranked[query][0]["snippet"]
        marked = [s["text"] for s in snippet if s["hit"]]
        assert marked and all(search.normalize(m) in (term, "computing") for m in marked), snippet
    long = next(h for h in ranked["quantum"] if h["url"].startswith("long-many"))["snippet"]
    assert long[-1] == {"text": "…", "hit": False}


def test_js_finds_seed_terms_across_shards_with_marked_snippets(node, tmp_path, seed_index):
    folder = write(seed_index, tmp_path)                           # 16+ shards of about 4 KB
    hits = node("search", dir=str(folder), texts=["开源", "Silicon Valley"])
    for query, results in hits.items():
        assert {r["url"] for r in results} == urls_for(seed_index, query)
        for hit in results:
            marked = {search.normalize(s["text"]) for s in hit["snippet"] if s["hit"]}
            assert marked and marked <= set(query.lower().split()), (query, hit["snippet"])


# ------------------------------------------------------------------ the page

def test_search_page_template_renders_without_inline_script():
    from site_builder.render.pages import CSP
    from site_builder.render.templates import LABELS, make_env
    html = make_env(ROOT / "templates").get_template("search.html").render(
        site_title="Archive", t=LABELS, csp=CSP, root="../", page_lang="en")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts and all(s.strip() == "" for s in scripts)
    assert '<script src="../search/index.js" defer>' in html and '<script src="../static/search.js" defer>' in html
    assert 'data-index="../search/"' in html and 'data-root="../"' in html
    assert 'name="q"' in html and 'role="status"' in html and 'aria-current="page"' in html
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", SEARCH_JS.read_text(encoding="utf-8"), flags=re.S)
    assert not re.search(r"\.(inner|outer)HTML\b|insertAdjacentHTML|document\.write", code)
    assert not re.search(r"\b(eval|fetch|XMLHttpRequest|Function|importScripts)\s*\(", code)
