"""Seeded generator of raw, seed-like articles with planted near-copies.

Benchmarks (dedup, preview rebuild, search) need thousands of inputs that look
like seeds/: Chinese, English and bilingual bodies of 5-15 KB, some with YAML
front matter, some with a plain title/byline/date head, site chrome around the
article, footnote markers and notes.  A share of the documents are near-copies
of an earlier one, made the way scrapers make them: cut short, re-punctuated
(full-width <-> half-width), re-wrapped (one paragraph per line, or hard-wrapped),
lightly edited, and wrapped in another site's chrome.

Every document is a pure function of (seed, index) (string-seeded
``random.Random``, stable across Python runs and hash seeds), so a corpus of 1,000 is the
first 1,000 documents of a corpus of 100,000, and generation can be spread over
processes.  The ground truth lists each planted (original, copy) pair.

    python benchmarks/corpus.py --n 1000 --out /tmp/corpus --seed 1
"""
from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import random
import sys
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

# ------------------------------------------------------------------ data tables
# The 600 commonest Han characters of seeds/, commonest first.
HAN_POOL = (
    "的国能中和在技是了型术模人发一为美这开不领工其大用理片本新芯公有于源对可力个以成制司智并导数要他全更展们上"
    "文学权出计进来它推度使而仅家者创如高统些机化生系过现业科算训练或关主方与球会多产需经实性限争竞元低年地行表到"
    "先资研重基设已加将专特域下政据通时得但作自处网法深提示动目语也种定所心因造言习优巨未观强布达月何解究内投建万"
    "至社从最前施效程构分论合超此决口取任然普等亿战之够着我说许明求后入知日器速量由际式图位朗该问管点识略显还保样"
    "头率被端础越同破注体利做相类降无标态依件随起格参持手局果信平务势规察义项远响正赖单代英没突题让接应具集治商及"
    "天步策意只核备价斯减期改小影组像府尖就外受少供名长案克引织确称间采软伟认变安纳复比节德么次包事续传百直获区去"
    "每民梁试台己功级转链里寻评股整控阿息键第环境角促尤执且结总始约字团队巴励费考报道快马密幅指值品部完米运预尔济"
    "缘括看非缺都硬好则视微近协甚面著西放断企师索崛容原根络谷涨准形水四员易各增什编播霸证杂耗架才继路给印花十激极"
    "向金世活享登输歌线润币景买票益背广找例神常即止锋沿努共思消联半华尽独光刻界闻市场两赛升再声议你奇亚翻三收占较"
    "风腾购熊塞乌读辑予威胁军立泛迹别物州音块押径峰感监奖子层仍拥令疑曾挑牙否底打载请交想扩张油税贸存质宣拟牌欧佩"
)
EN_COMMON = (
    "the of and to a in is that on for its as it with this has not are be from like by their they an or but can have at "
    "will which more new data large other time only these many was if even could may use such than also over while most "
    "so who still them used some there into up those one how between after through become had already because next "
    "would years out we where since any when two first number greater access control lead per people what including just "
    "being needed run end then well each different small entire direction especially success instead behind understand "
    "were influence decade experience terms top past thought built known need simple complex might continue important "
    "model technology development research market team system industry company power world government countries cost "
    "innovation knowledge performance community machine learning language training reasoning intelligence source open"
).split()
SYLLABLES = (
    "ka to ri mon sel tra ven dor pli qua ste ban fu lin gor ex ter al ni ron pa cu vel sa mi dro che nar os bi len gra "
    "tu fen zo hal per ly ma cor in de lo stan vir pe ro ga ti un"
).split()
ZH_PUNCT = {"comma": "，", "stop": "。", "ask": "？", "colon": "：", "open": "（", "close": "）"}
HALF = str.maketrans({"，": ",", "。": ".", "？": "?", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!"})
SITE_WORDS = ("日报", "新闻网", "观察", "时报", "科技", "财经", "评论", "周刊", "Daily", "Post", "Review", "Times")
N_SITES = 25
N_TOPICS = 40
KIND_WEIGHTS = {"zh": 0.35, "en": 0.35, "bilingual": 0.15, "interleaved": 0.15}


@dataclass
class Para:
    """One paragraph of a generated article: its language, text and kind."""

    lang: str
    text: str
    heading: bool = False


@dataclass
class Article:
    """The structured form of one generated document, before rendering to text."""

    name: str
    kind: str
    topic: int
    site: int
    title: str
    date: str
    author: str
    paras: list[Para]
    notes: list[str] = field(default_factory=list)
    front_matter: bool = False
    chrome: bool = True
    copy_of: str | None = None
    transforms: tuple[str, ...] = ()


# ------------------------------------------------------------------ vocabularies

@lru_cache(maxsize=4)
def vocab(seed: int) -> dict:
    """Seeded vocabularies with Zipf weights: Chinese words, English words, topics, sites."""
    rng = random.Random(f"vocab:{seed}")
    han_cdf = _zipf_cdf(len(HAN_POOL), 8)
    zh = ["".join(rng.choices(HAN_POOL, cum_weights=han_cdf, k=rng.choice((1, 2, 2, 2, 3)))) for _ in range(6000)]
    en = EN_COMMON + ["".join(rng.choices(SYLLABLES, k=rng.choice((2, 2, 3, 3, 4)))) for _ in range(15000)]
    topics = [(rng.sample(zh, 30), rng.sample(en, 30)) for _ in range(N_TOPICS)]
    sites = [_site(rng, zh, en, k) for k in range(N_SITES)]
    return {"zh": zh, "en": en, "zh_cdf": _zipf_cdf(len(zh), 5), "en_cdf": _zipf_cdf(len(en), 3),
            "topics": topics, "sites": sites}


def _zipf_cdf(n: int, q: float) -> list[float]:
    """Cumulative weights of a Zipf law (exponent 1, shifted by q) over n ranks."""
    return list(itertools.accumulate(1.0 / (k + q) for k in range(n)))


def _site(rng: random.Random, zh: list[str], en: list[str], k: int) -> dict:
    """A fake source site: a name, header lines and footer lines shared by its pages."""
    name = "".join(rng.sample(zh[:400], 2)) + SITE_WORDS[k % len(SITE_WORDS)]
    slogan = "".join(rng.sample(zh[:800], 6))
    footer = [f"© 2025 {name} 版权所有", "扫描下载App", "分享到：微信 微博 QQ空间",
              f"{name} · {' '.join(rng.sample(en[:300], 3))}"]
    return {"name": name, "domain": f"site{k}.example.com", "header": [name, slogan], "footer": footer}


# ------------------------------------------------------------------ text

def zh_sentence(rng: random.Random, v: dict, topic: int) -> str:
    """A Chinese sentence: Zipf words, topic words, commas, a full-width stop."""
    n = rng.randint(8, 25)
    words = rng.choices(v["zh"], cum_weights=v["zh_cdf"], k=n)
    for _ in range(max(1, n // 6)):
        words[rng.randrange(n)] = rng.choice(v["topics"][topic][0])
    if rng.random() < 0.15:
        words.insert(rng.randrange(n), rng.choice(v["topics"][topic][1]).capitalize())
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(2, n), ZH_PUNCT["comma"])
    return "".join(words) + (ZH_PUNCT["ask"] if rng.random() < 0.05 else ZH_PUNCT["stop"])


def en_sentence(rng: random.Random, v: dict, topic: int) -> str:
    """An English sentence: Zipf words, topic words, commas, a full stop."""
    n = rng.randint(8, 29)
    words = rng.choices(v["en"], cum_weights=v["en_cdf"], k=n)
    for _ in range(max(1, n // 7)):
        words[rng.randrange(n)] = rng.choice(v["topics"][topic][1])
    if n > 12 and rng.random() < 0.5:
        words[rng.randrange(3, n - 3)] += ","
    return " ".join(words).capitalize() + ("?" if rng.random() < 0.05 else ".")


def paragraph(rng: random.Random, v: dict, topic: int, lang: str) -> str:
    make = zh_sentence if lang == "zh" else en_sentence
    glue = "" if lang == "zh" else " "
    return glue.join(make(rng, v, topic) for _ in range(rng.randint(2, 6)))


def heading(rng: random.Random, v: dict, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.choices(v["zh"][:2000], k=rng.randint(3, 6)))
    return " ".join(rng.choices(v["en"][:3000], k=rng.randint(2, 5))).title()


# ------------------------------------------------------------------ articles

def original(seed: int, i: int) -> Article:
    """Document ``i`` as an original article (a pure function of seed and i)."""
    rng = random.Random(f"doc:{seed}:{i}")
    v = vocab(seed)
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    topic, site = rng.randrange(N_TOPICS), rng.randrange(N_SITES)
    paras = _body(rng, v, topic, kind, rng.randint(5000, 14500))
    notes = _footnotes(rng, v, topic, paras) if rng.random() < 0.25 else []
    lang = "en" if kind == "en" else "zh"
    title = heading(rng, v, lang) + ("：" + heading(rng, v, lang) if lang == "zh" else "")
    return Article(
        name=doc_name(seed, i), kind=kind, topic=topic, site=site, title=title,
        date=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        author="".join(rng.sample(v["zh"][:300], 2)) if lang == "zh" else
        " ".join(rng.sample(v["en"][300:3000], 2)).title(),
        paras=paras, notes=notes, front_matter=rng.random() < 0.4, chrome=rng.random() < 0.6)


def doc_name(seed: int, i: int) -> str:
    tag = random.Random(f"name:{seed}:{i}").getrandbits(32)
    return f"{i:06d}_{tag:08x}.txt"


def _body(rng: random.Random, v: dict, topic: int, kind: str, target: int) -> list[Para]:
    """Paragraphs (with a heading now and then) until the UTF-8 size reaches ``target``."""
    halves = [["zh"], ["en"]] if kind == "bilingual" else [{"zh": ["zh"], "en": ["en"]}.get(kind, ["en", "zh"])]
    paras: list[Para] = []
    for half in halves:
        budget, size, k = target // len(halves), 0, 0
        while size < budget:
            lang = half[k % len(half)]
            if k % 7 == 3 and (kind != "interleaved" or lang == "en"):
                paras.append(Para(lang, heading(rng, v, lang), heading=True))
            text = paragraph(rng, v, topic, lang)
            paras.append(Para(lang, text))
            size, k = size + len(text.encode()), k + 1
    return paras


def _footnotes(rng: random.Random, v: dict, topic: int, paras: list[Para]) -> list[str]:
    """Put [n] markers at the end of some paragraphs; return the notes' text."""
    slots = [k for k, p in enumerate(paras) if not p.heading]
    chosen = sorted(rng.sample(slots, min(len(slots), rng.randint(2, 11))))
    notes = []
    for n, k in enumerate(chosen, 1):
        paras[k].text += f"[{n}]"
        ref = " ".join(rng.sample(v["en"][200:5000], 4)).title()
        notes.append(f"[{n}] {ref}. ({rng.randint(1990, 2024)}). https://ref{topic}.example.org/{n}")
    return notes


# ------------------------------------------------------------------ near-copies

def is_copy(seed: int, i: int, copy_rate: float) -> bool:
    return i > 0 and random.Random(f"role:{seed}:{i}").random() < copy_rate


def article(seed: int, i: int, copy_rate: float) -> Article:
    """Document ``i``: an original, or a near-copy of an earlier original."""
    if not is_copy(seed, i, copy_rate):
        return original(seed, i)
    rng = random.Random(f"copy:{seed}:{i}")
    j = rng.randrange(i)
    while j > 0 and is_copy(seed, j, copy_rate):
        j -= 1
    return near_copy(original(seed, j), rng, doc_name(seed, i))


def near_copy(src: Article, rng: random.Random, name: str) -> Article:
    """A scraper's copy: some of cut/half/repunct/rewrap/edit, always another site's chrome."""
    todo = [t for t in ("truncate", "repunct", "rewrap", "edit") if rng.random() < 0.5] or ["repunct"]
    if src.kind == "bilingual" and rng.random() < 0.6:
        todo.insert(0, "half")
    paras = [Para(p.lang, p.text, p.heading) for p in src.paras]
    if "half" in todo:
        paras = [p for p in paras if p.lang == "zh"]
    if "truncate" in todo:
        paras = paras[:max(3, int(len(paras) * rng.uniform(0.3, 0.8)))]
    if "edit" in todo:
        paras = _edit(rng, paras)
    site = (src.site + rng.randint(1, N_SITES - 1)) % N_SITES
    return Article(name=name, kind=src.kind, topic=src.topic, site=site, title=src.title, date="",
                   author=src.author if rng.random() < 0.5 else "", paras=paras,
                   notes=[] if "truncate" in todo or "half" in todo else list(src.notes),
                   front_matter=False, chrome=True, copy_of=src.name, transforms=tuple(todo))


def _edit(rng: random.Random, paras: list[Para]) -> list[Para]:
    """Drop one paragraph in ten and delete a character here and there, as copy editors do."""
    out = [p for p in paras if p.heading or rng.random() > 0.1]
    for p in out:
        if not p.heading and rng.random() < 0.3:
            cut = rng.randrange(len(p.text))
            p.text = p.text[:cut] + p.text[cut + 1:]
    return out


# ------------------------------------------------------------------ rendering

def render(a: Article, seed: int) -> str:
    """Article -> the raw text a scraper would have saved."""
    v = vocab(seed)
    site = v["sites"][a.site]
    repunct = "repunct" in a.transforms
    body = [_para_text(p, repunct, a.front_matter) for p in a.paras] + a.notes
    sep = "\n\n"
    if "rewrap" in a.transforms:
        body, sep = _rewrap(body, random.Random(f"wrap:{seed}:{a.name}"))
    tail = _tail(a, site, random.Random(f"tail:{seed}:{a.name}"), v)
    parts = ["\n\n".join(_head(a, site)), sep.join(body)] + (["\n\n".join(tail)] if tail else [])
    return "\n\n".join(parts) + "\n"


def _head(a: Article, site: dict) -> list[str]:
    if a.front_matter:
        lang = "en" if a.kind == "en" else "zh-CN"
        return [f'---\ntitle: "{a.title}"\ndate: "{a.date}"\nauthors:\n  - "{a.author}"\n'
                f'tags:\n  - "topic{a.topic}"\ncategories:\n  - "{site["domain"]}"\nlang: "{lang}"\n---']
    head = list(site["header"]) if a.chrome else []
    head.append(a.title)
    if a.author:
        head.append(f"文/{a.author}" if a.kind != "en" else f"By {a.author}")
    if a.date:
        head.append(a.date)
    return head


def _para_text(p: Para, repunct: bool, markdown: bool) -> str:
    text = p.text.translate(HALF) if repunct and p.lang == "zh" else p.text
    return (f"**{text}**" if markdown else text) if p.heading else text


def _rewrap(body: list[str], rng: random.Random) -> tuple[list[str], str]:
    """Either one paragraph per line (no blank lines) or hard-wrapped lines
    (English at spaces, Chinese anywhere, as a browser's copy does)."""
    if rng.random() < 0.5:
        return body, "\n"
    width = rng.randint(36, 72)
    return ["\n".join(_wrap(t, width)) for t in body], "\n\n"


def _wrap(text: str, width: int) -> list[str]:
    if " " in text:
        return textwrap.wrap(text, width) or [text]
    return [text[k:k + width // 2] for k in range(0, len(text), width // 2)]


def _tail(a: Article, site: dict, rng: random.Random, v: dict) -> list[str]:
    """Site footer plus a 'related news' list of random titles and times."""
    if not a.chrome:
        return []
    items = []
    for _ in range(rng.randint(4, 15)):
        items.append(heading(rng, v, "zh"))
        items.append(f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                     f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
    return ["相关推荐"] + items + list(site["footer"])


# ------------------------------------------------------------------ corpus

def make(seed: int, i: int, copy_rate: float) -> tuple[str, str, dict]:
    """Document ``i`` -> (file name, raw text, ground-truth record)."""
    a = article(seed, i, copy_rate)
    text = render(a, seed)
    info = {"name": a.name, "kind": a.kind, "topic": a.topic, "site": vocab(seed)["sites"][a.site]["domain"],
            "bytes": len(text.encode()), "copy_of": a.copy_of, "transforms": list(a.transforms),
            "front_matter": a.front_matter, "notes": len(a.notes)}
    return a.name, text, info


def generate(n: int, seed: int = 1, copy_rate: float = 0.1) -> Iterator[tuple[str, str, dict]]:
    """The first ``n`` documents, in order."""
    for i in range(n):
        yield make(seed, i, copy_rate)


def truth(infos: list[dict], seed: int, copy_rate: float) -> dict:
    pairs = sorted([d["copy_of"], d["name"]] for d in infos if d["copy_of"])
    return {"seed": seed, "n": len(infos), "copy_rate": copy_rate, "pairs": pairs, "docs": infos}


def _write_one(args: tuple[int, int, float, str]) -> dict:
    seed, i, copy_rate, out = args
    name, text, info = make(seed, i, copy_rate)
    (Path(out) / name).write_text(text, encoding="utf-8")
    return info


def write_corpus(n: int, out: Path, seed: int = 1, copy_rate: float = 0.1, jobs: int = 1) -> dict:
    """Write ``n`` documents into ``out`` and ``out``/truth.json; return the truth."""
    out.mkdir(parents=True, exist_ok=True)
    work = [(seed, i, copy_rate, str(out)) for i in range(n)]
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            infos = pool.map(_write_one, work, chunksize=64)
    else:
        infos = [_write_one(w) for w in work]
    result = truth(infos, seed, copy_rate)
    (out / "truth.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of documents")
    ap.add_argument("--out", type=Path, required=True, help="folder to write into (created)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copy-rate", type=float, default=0.1, help="share of documents that are near-copies")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = ap.parse_args(argv)
    result = write_corpus(args.n, args.out, args.seed, args.copy_rate, args.jobs)
    print(f"wrote {result['n']} documents and {len(result['pairs'])} planted pairs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
