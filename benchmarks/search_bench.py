"""Search index benchmark: seconds and peak memory to index N articles.

For each size N it takes the seeded corpus of benchmarks/corpus.py (generated
once and cached, the same folders as dedup_bench.py), turns each file into a
SearchEntry (title from the front matter or the longest head line, text the
rest), and runs site_builder.search.build_index in a fresh child process so
that the peak RSS is that run's alone.  It reports wall and CPU seconds, peak
RSS, the files and bytes written, and, if Node is on the machine, the time
static/search.js takes to answer a few Chinese and English queries against the
written index (loading its parts as the browser would, one script per part).

    python benchmarks/search_bench.py --sizes 1000,10000
    python benchmarks/search_bench.py --sizes 10000 --keep /tmp/search-out   # keep the files
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from site_builder import search  # noqa: E402

TITLE = re.compile(r'^title: "(.*)"$', re.M)
DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")
NODE = shutil.which("node")

# Node: load the index parts the way the page does (one script per part) and time queries.
QUERY_JS = r"""
globalThis.window = globalThis;
const S = require(process.argv[1]), path = require("path"), dir = process.argv[2];
const queries = JSON.parse(process.argv[3]);
const store = () => window.__SB_SEARCH__;
const part = (name) => {
  if (!(store() && name in store())) require(path.join(dir, name + ".js"));
  return store()[name];
};
const out = [];
for (const raw of queries) {
  const t0 = process.hrtime.bigint();
  const meta = part("index"), query = S.parseQuery(raw), lists = {};
  for (const t of query.tokens) {
    const shard = part("t/" + S.shardOf(t, meta.shards));
    if (Object.prototype.hasOwnProperty.call(shard, t)) lists[t] = S.decodePostings(shard[t]);
  }
  const hits = S.rank(meta, lists, query.tokens);
  const snippets = hits.slice(0, 20).map((h) => S.snippet(part("d/" + h.doc), query));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const marked = snippets.filter((s) => s.some((seg) => seg.hit)).length;
  out.push({ query: raw, ms: +ms.toFixed(1), results: hits.length, top: hits.length ? meta.docs[hits[0].doc][0] : null,
             snippets_with_mark: marked + "/" + snippets.length });
}
console.log(JSON.stringify(out));
"""


def entry(path: Path) -> search.SearchEntry:
    """A generated raw file as the build would hand it to the index (roughly: no cleaning)."""
    text = path.read_text(encoding="utf-8")
    title = ""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        found = TITLE.search(text[:end])
        title, text = (found[1] if found else ""), text[end + 4:]
    else:
        head = [line for line in text.split("\n", 8)[:8] if line.strip()][:3]
        title = max(head, key=len, default="")
    date = DATE.search(text[:2000])
    lang = "en" if sum(c.isascii() for c in text[:500]) > 400 else "zh"
    return search.SearchEntry(url=f"{path.stem}/index.html", title=title, text=text.strip(),
                              lang=lang, date=date[1] if date else "", site="")


def child(folder: Path, keep: Path | None, jobs: int) -> None:
    """In a fresh process: read, index, report time and this process's peak RSS as JSON."""
    t0 = time.perf_counter()
    entries = [entry(p) for p in sorted(folder.glob("*.txt"))]
    read = time.perf_counter() - t0
    cpu0, t1 = time.process_time(), time.perf_counter()
    files = search.build_index(entries, jobs=jobs)
    seconds, cpu = time.perf_counter() - t1, time.process_time() - cpu0
    meta = search.parts({"search/index.js": files["search/index.js"]})["index"]
    result = {
        "n": len(entries), "jobs": jobs, "load_average": round(os.getloadavg()[0], 1),
        "read_seconds": round(read, 2), "index_seconds": round(seconds, 2), "index_cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "input_mb": round(sum(len(e.text.encode()) + len(e.title.encode()) for e in entries) / 2**20, 1),
        "files": len(files), "shards": meta["shards"],
        "index_js_mb": round(len(files["search/index.js"]) / 2**20, 2),
        "postings_mb": round(sum(len(v) for k, v in files.items() if k.startswith("search/t/")) / 2**20, 1),
        "texts_mb": round(sum(len(v) for k, v in files.items() if k.startswith("search/d/")) / 2**20, 1),
    }
    if keep:
        write(files, keep)
    print(json.dumps(result))


def write(files: dict[str, bytes], root: Path) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def ensure_corpus(root: Path, n: int, seed: int) -> Path:
    """The generated corpus for (n, seed), written once and reused (shared with dedup_bench.py)."""
    folder = root / f"corpus-{n}-seed{seed}"
    done = folder / "truth.json"
    if not done.exists() or json.loads(done.read_text(encoding="utf-8"))["n"] != n:
        corpus.write_corpus(n, folder, seed=seed, jobs=2)
    return folder


def queries(folder: Path) -> list[str]:
    """Chinese and English terms taken from the corpus itself, plus one that matches nothing."""
    v = corpus.vocab(json.loads((folder / "truth.json").read_text(encoding="utf-8"))["seed"])
    zh, en = v["topics"][0][0], v["topics"][0][1]
    return [zh[0], zh[1] + zh[2], zh[3][:1], en[0], f"{en[1]} {en[2]}", "the", "的", "zzqqxx 不存在的词语"]


def run_queries(out_dir: Path, folder: Path) -> list[dict]:
    if not NODE:
        return []
    js = str(HERE.parent / "static" / "search.js")
    done = subprocess.run([NODE, "-e", QUERY_JS, "--", js, str(out_dir / "search"), json.dumps(queries(folder))],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def run_size(folder: Path, keep: Path | None, jobs: int) -> dict:
    cmd = [sys.executable, __file__, "--child", str(folder), "--jobs", str(jobs)]
    cmd += ["--keep", str(keep)] if keep else []
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def table(rows: list[dict]) -> str:
    lines = ["| N | jobs | load avg | input MB | index s (wall) | index s (CPU, main) | peak RSS MB (main / worker) "
             "| files | shards | index.js MB | postings MB | texts MB |", "|" + "---|" * 12]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['jobs']} | {r['load_average']} | {r['input_mb']} | {r['index_seconds']} "
                     f"| {r['index_cpu_seconds']} | {r['peak_rss_mb']} / {r['worker_peak_rss_mb']} | {r['files']:,} "
                     f"| {r['shards']} | {r['index_js_mb']} | {r['postings_mb']} | {r['texts_mb']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root", type=Path, default=Path("/tmp/site-builder-bench"), help="where corpora are kept")
    ap.add_argument("--keep", type=Path, help="write the index of the largest size here")
    ap.add_argument("--jobs", default="1,2", help="comma-separated process counts to try")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.keep, int(args.jobs))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows, timings = [], []
    for n in sizes:
        folder = ensure_corpus(args.root, n, args.seed)
        for jobs in [int(j) for j in args.jobs.split(",")]:
            last = n == sizes[-1] and not timings
            out_dir = (args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))) if last else None
            rows.append(run_size(folder, out_dir, jobs))
            print(json.dumps(rows[-1]), file=sys.stderr)
            if out_dir:
                timings = run_queries(out_dir, folder)
                if not args.keep:
                    shutil.rmtree(out_dir)
    print(table(rows))
    for t in timings:
        print(f"query {t['query']!r}: {t['results']} results in {t['ms']} ms (Node, parts loaded from disk), "
              f"snippets with a mark {t['snippets_with_mark']}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "queries": timings}, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
