"""Preview rebuild times: one article saved, one template saved, and a full build.

    python benchmarks/preview_bench.py --n 1000 [--runs 5] [--server] [--json out.json]

Generates a corpus with benchmarks/corpus.py (or a small built-in generator
when that file is missing), then measures, as medians of ``--runs`` runs:

- full build: ``site-builder build`` from scratch (``--no-full`` skips it);
- serve start: the preview's first build (the same work, filling the caches);
- one article: from saving one input (a sentence added to its longest
  paragraph: a change to the text, not a footer the cleaner drops) to its
  rebuilt page being on disk: per-document stages for that input, the corpus
  stages' updates, render, write.  The rebuild is told which file changed, as
  the server's watcher tells it (inotify: nothing is scanned);
- one template: from saving base.html to the pages being on disk (no re-parsing;
  every page reads base.html), and the same for article.html (the articles'
  pages alone);
- no-op: a rebuild told nothing, so it walks seeds/ and stats every input;
- the corpus stages run from scratch over the whole corpus (what a full build
  pays, and a rebuild no longer does);
- with ``--server``: the same one-article save seen through the real server
  (``site-builder serve``: inotify, debounce, rebuild, write), timed until the
  new text is in the page on disk.

Numbers depend on the machine's load: the load average is printed with them.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder.build import build  # noqa: E402
from site_builder.rebuild import Builder, TreeWriter, rebuild, settle_heap  # noqa: E402
from site_builder.config import Config  # noqa: E402
from site_builder.stages import CORPUS_STAGES  # noqa: E402


# ------------------------------------------------------------------ corpus

def make_corpus(n: int, dest: Path, seed: int) -> None:
    """benchmarks/corpus.py when present, else a tiny seed-like generator."""
    gen = ROOT / "benchmarks" / "corpus.py"
    if gen.is_file():
        subprocess.run([sys.executable, str(gen), "--n", str(n), "--out", str(dest), "--seed", str(seed),
                        "--jobs", "2"], check=True, stderr=subprocess.DEVNULL)
        (dest / "truth.json").unlink(missing_ok=True)
        return
    rng = random.Random(seed)
    words = "the of archive article reading text model language data source site research".split()
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paras = [" ".join(rng.choice(words) for _ in range(70)).capitalize() + "." for _ in range(8)]
        head = f"---\ntitle: Article {i}\ndate: 2024-01-{1 + i % 28:02d}\ntags: [t{i % 20}]\n---\n\n"
        (dest / f"{i:06d}.md").write_text(head + "\n\n".join(paras) + "\n", "utf-8")


# ------------------------------------------------------------------ measuring

def median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def pick_article(out: Path) -> tuple[str, str]:
    """A listed (canonical) article from the middle of the archive: (source, slug)."""
    docs = json.loads((out / "archive.json").read_text("utf-8"))["documents"]
    good = [d for d in docs if d["slug"] and d["canonical"] == d["slug"]]
    d = good[len(good) // 2]
    return d["source"], d["slug"]


def edit_text(raw: bytes, marker: str) -> bytes:
    """An editor's change to the article's own text: a sentence added to its longest paragraph.

    (A sentence appended at the very end would be read as a page footer and
    removed by the cleaner: the text, and so the corpus stages, would not change.)
    """
    paras = raw.decode("utf-8").split("\n\n")
    i = max(range(len(paras)), key=lambda k: len(paras[k]))
    paras[i] = paras[i].rstrip("\n") + f" An editor adds a sentence about archives, {marker}."
    return "\n\n".join(paras).encode("utf-8")


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (load-independent, unlike wall time)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed_rebuild(builder: Builder, writer: TreeWriter, changed: list[Path] | None = None) -> tuple[float, dict]:
    """One rebuild, told what changed as the server's watcher tells it (``None``: walk and stat all)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    _, stats = rebuild(builder, writer, [str(p) for p in changed] if changed is not None else None)
    return time.perf_counter() - start, {"cpu_ms": round((cpu_seconds() - cpu) * 1000, 1),
                                         "read": stats.read, "processed": stats.processed,
                                         "rendered": stats.rendered, "written": stats.written,
                                         **{k: round(v * 1000, 1) for k, v in stats.seconds.items()}}


def article_edits(cfg: Config, builder: Builder, writer: TreeWriter, runs: int) -> dict:
    source, slug = pick_article(cfg.out)
    path, page = cfg.seeds / source, cfg.out / slug / "index.html"
    times, cpu, last = [], [], {}
    for i in range(runs):
        marker = f"BENCH-EDIT-{i}-{time.time_ns()}"
        path.write_bytes(edit_text(path.read_bytes(), marker))
        seconds, last = timed_rebuild(builder, writer, [path])
        assert marker.encode() in page.read_bytes(), "the rebuilt page is not on disk"
        blocks = json.loads((page.parent / "index.json").read_text("utf-8"))["blocks"]
        assert marker in json.dumps(blocks, ensure_ascii=False), "the edit did not reach the text"
        times.append(seconds)
        cpu.append(last["cpu_ms"] / 1000)
    return {"median_ms": median_ms(times), "median_cpu_ms": median_ms(cpu),
            "runs_ms": [round(t * 1000, 1) for t in times], "last": last}


def template_edits(cfg: Config, builder: Builder, writer: TreeWriter, runs: int,
                   name: str = "base.html", anchor: str = "", page: str = "index.html") -> dict:
    """Save ``name`` with a marker after ``anchor`` (inside a block, for a child template; the
    end of the file by default); the marker must reach ``page``."""
    template = cfg.template_dir / name
    original = template.read_text("utf-8")
    times, cpu, last = [], [], {}
    for i in range(runs):
        at = original.index(anchor) + len(anchor) if anchor else len(original)
        marker = f"<!-- bench {name} {i} -->"
        template.write_text(original[:at] + marker + original[at:], "utf-8")
        seconds, last = timed_rebuild(builder, writer, [template])
        assert marker.encode() in (cfg.out / page).read_bytes(), (name, page)
        times.append(seconds)
        cpu.append(last["cpu_ms"] / 1000)
    return {"median_ms": median_ms(times), "median_cpu_ms": median_ms(cpu),
            "runs_ms": [round(t * 1000, 1) for t in times], "last": last}


def corpus_stage_costs(builder: Builder, runs: int) -> dict:
    """Each corpus stage on the whole corpus from scratch (no memo), as a full build runs it."""
    docs = builder.corpus().docs
    out = {}
    for name, fn in CORPUS_STAGES:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn(docs, builder.cfg)
            times.append(time.perf_counter() - start)
        out[name] = median_ms(times)
    return out


def per_document_share(builder: Builder) -> dict:
    """The per-document part of the corpus-wide work (what a cache keyed by text could keep).

    Reads stage internals (dedup.sketch, crosslink.terms, search.build_index);
    a part whose function has moved is reported as missing.
    """
    from site_builder.stages import crosslink, dedup

    docs = sorted(builder.corpus().docs, key=lambda d: d.source.path)
    texts = [dedup.article_text(d) for d in docs]
    parts = {"dedup.sketch per doc": lambda: [dedup.sketch(t) for t in texts],
             "crosslink.terms per doc": lambda: [crosslink.terms(t) for t in texts],
             "search index (whole)": lambda: _search_index(docs)}
    out = {}
    for name, fn in parts.items():
        start = time.perf_counter()
        try:
            fn()
        except (AttributeError, ImportError, TypeError) as err:
            out[name] = f"missing: {err}"
            continue
        out[name] = round((time.perf_counter() - start) * 1000, 1)
    return out


def _search_index(docs: list) -> None:
    from site_builder.search import SearchEntry, build_index

    build_index([SearchEntry(url=f"{d.meta.slug}/index.html", title=d.meta.title, lang=d.meta.lang,
                             text="\n".join(b.text for b in d.blocks), date=d.meta.date, site=d.meta.site)
                 for d in docs], jobs=1)


def full_build(cfg: Config, out: Path) -> tuple[float, float]:
    """`site-builder build` from scratch: (wall seconds, CPU seconds with workers)."""
    from dataclasses import replace

    start, cpu = time.perf_counter(), cpu_seconds()
    build(replace(cfg, out=out), io.StringIO())
    return time.perf_counter() - start, cpu_seconds() - cpu


def through_server(cfg: Config, work: Path, runs: int) -> dict:
    """Save -> new text in the page on disk, through `site-builder serve` (polling included)."""
    out, templates = work / "served", work / "served-templates"
    shutil.copytree(ROOT / "templates", templates)      # fresh: the project's may have moved on
    cmd = [sys.executable, "-m", "site_builder", "serve", "--port", "0", "--seeds", str(cfg.seeds),
           "--content", str(cfg.content), "--templates", str(templates),
           "--static", str(cfg.static_dir), "--out", str(out), "--jobs", str(cfg.jobs)]
    log = (work / "serve.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    try:
        while b"serving" not in (work / "serve.log").read_bytes():
            if proc.poll() is not None:
                raise RuntimeError((work / "serve.log").read_text())
            time.sleep(0.2)
        if not (out / "archive.json").is_file():
            raise RuntimeError("first build failed: " + (work / "serve.log").read_text()[:2000])
        source, slug = pick_article(out)
        path, page = cfg.seeds / source, out / slug / "index.html"
        times = []
        for i in range(runs):
            marker = f"SERVED-EDIT-{i}-{time.time_ns()}".encode()
            time.sleep(0.5)
            start = time.perf_counter()
            path.write_bytes(edit_text(path.read_bytes(), marker.decode()))
            while marker not in _read(page):
                time.sleep(0.002)
            times.append(time.perf_counter() - start)
        return {"median_ms": median_ms(times), "runs_ms": [round(t * 1000, 1) for t in times]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


# ------------------------------------------------------------------ main

def run(n: int, runs: int, seed: int, server: bool, full: bool, jobs: int, work: Path) -> dict:
    seeds, templates = work / "seeds", work / "templates"
    make_corpus(n, seeds, seed)
    shutil.copytree(ROOT / "templates", templates)
    (work / "content").mkdir()
    cfg = Config(seeds=seeds, content=work / "content", out=work / "out", templates=templates,
                 static=ROOT / "static", jobs=jobs)
    result = {"n": n, "runs": runs, "jobs": jobs, "load_before": os.getloadavg()[0]}
    if full:
        wall, cpu = full_build(cfg, work / "full")
        result["full_build_s"], result["full_build_cpu_s"] = round(wall, 2), round(cpu, 2)
    builder, writer = Builder(cfg), TreeWriter(cfg.out)
    seconds, stats = timed_rebuild(builder, writer)
    settle_heap()                   # as site-builder serve does after its first build
    result["serve_start_s"], result["serve_start"] = round(seconds, 2), stats
    result["noop_rebuild_ms"] = round(timed_rebuild(builder, writer)[0] * 1000, 1)     # walks and stats all
    result["one_article"] = article_edits(cfg, builder, writer, runs)
    result["one_template"] = template_edits(cfg, builder, writer, runs)     # base.html: every page
    result["article_template"] = template_edits(cfg, builder, writer, runs, "article.html", "{% block main %}",
                                                pick_article(cfg.out)[1] + "/index.html")
    result["corpus_stages_ms"] = corpus_stage_costs(builder, max(1, runs // 2))
    result["per_document_share_ms"] = per_document_share(builder)
    print(json.dumps(result), file=sys.stderr, flush=True)     # in-process figures, in case
    if server:
        try:
            result["one_article_through_server"] = through_server(cfg, work, runs)
        except RuntimeError as err:
            result["one_article_through_server"] = {"error": str(err)[:2000]}
    result["load_after"] = os.getloadavg()[0]
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # the preview's caches
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="articles in the generated corpus")
    ap.add_argument("--runs", type=int, default=5, help="runs per median")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for per-document stages")
    ap.add_argument("--server", action="store_true", help="also time a save through `site-builder serve`")
    ap.add_argument("--no-full", action="store_true", help="skip the from-scratch `build`")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="preview-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.n, args.runs, args.seed, args.server, not args.no_full, args.jobs, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
