"""Near-duplicate detection benchmark: speed, peak memory, precision and recall.

For each size N it generates (once, cached) a seeded corpus with
benchmarks/corpus.py, then runs the detection in a fresh child process so that
peak memory is that run's alone: read every file, sketch it
(site_builder.stages.dedup.sketch, spread over --jobs processes), find the
pairs, union them into clusters.  It reports documents per second, ms per
document, the peak RSS of the main process and of the largest worker, and
precision/recall over the pairs of the planted clusters.

    python benchmarks/dedup_bench.py --sizes 1000,10000 --jobs 2
    python benchmarks/dedup_bench.py --sizes 1000 --reference 1000   # plain datasketch too
"""
from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from site_builder.stages import dedup  # noqa: E402


def body(text: str) -> str:
    """Drop a leading front-matter block: it is metadata, not the article."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            return text[end + 4:]
    return text


def _sketch_file(path: str) -> dedup.Sketch | None:
    return dedup.sketch(body(Path(path).read_text(encoding="utf-8")))


def detect(folder: Path, jobs: int) -> dict:
    """Read, sketch and cluster every .txt file in ``folder``; time it."""
    paths = sorted(str(p) for p in folder.glob("*.txt"))
    dedup._tables()                       # built once, inherited by forked workers
    cpu0, main0 = cpu_seconds(), cpu_seconds(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            sketches = list(pool.imap(_sketch_file, paths, chunksize=64))
    else:
        sketches = [_sketch_file(p) for p in paths]
    sketched = time.perf_counter()
    pairs = dedup.find_pairs(sketches)
    clusters = dedup.components(len(paths), pairs)
    done = time.perf_counter()
    names = [Path(p).name for p in paths]
    return {"n": len(paths), "jobs": jobs, "seconds": round(done - start, 3),
            "cpu_seconds": round(cpu_seconds() - cpu0, 3),
            "main_cpu_seconds": round(cpu_seconds(resource.RUSAGE_SELF) - main0, 3),
            "sketch_seconds": round(sketched - start, 3), "pair_seconds": round(done - sketched, 3),
            "clusters": [[names[i] for i in c] for c in clusters]}


def cpu_seconds(who: int | None = None) -> float:
    """CPU time of this process and its finished workers (or of ``who`` alone):
    on a shared machine wall time says more about the neighbours than about us."""
    if who is not None:
        use = resource.getrusage(who)
        return use.ru_utime + use.ru_stime
    return cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)


def score(clusters: list[list[str]], truth: dict) -> dict:
    """Precision and recall over all pairs inside found vs planted clusters."""
    planted: dict[str, set[str]] = {}
    for original, copy in truth["pairs"]:
        planted.setdefault(original, {original}).add(copy)
    want = {p for g in planted.values() for p in itertools.combinations(sorted(g), 2)}
    got = {p for c in clusters for p in itertools.combinations(sorted(c), 2)}
    hit = len(want & got)
    return {"planted_pairs": len(want), "found_pairs": len(got), "true_positives": hit,
            "precision": round(hit / len(got), 4) if got else 1.0,
            "recall": round(hit / len(want), 4) if want else 1.0,
            "missed": sorted(want - got)[:10], "false": sorted(got - want)[:10]}


def reference(folder: Path, limit: int) -> dict:
    """datasketch the plain way (128 permutations over char 5-grams, one ``update`` per
    shingle, MinHashLSH), and with ``update_batch``; CPU ms per document for each."""
    from datasketch import MinHash, MinHashLSH

    texts = [body(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))[:limit]]
    out = {"n": len(texts)}
    for mode in ("update", "update_batch"):
        cpu0, lsh = cpu_seconds(), MinHashLSH(threshold=0.5, num_perm=128)
        for k, text in enumerate(texts):
            m = MinHash(num_perm=128, seed=1)
            grams = [text[i:i + 5].encode("utf-8") for i in range(len(text) - 4)]
            if mode == "update":
                for g in grams:
                    m.update(g)
            else:
                m.update_batch(grams)
            lsh.insert(str(k), m)
        out[f"{mode}_cpu_ms_per_doc"] = round((cpu_seconds() - cpu0) / len(texts) * 1e3, 2)
    return out


def child(folder: Path, jobs: int) -> None:
    """Run in a fresh process: detection, then its own and its workers' peak RSS, as JSON."""
    result = detect(folder, jobs)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    result.update(score(result.pop("clusters"), truth))
    result["ms_per_doc"] = round(result["seconds"] / result["n"] * 1e3, 4)
    result["cpu_ms_per_doc"] = round(result["cpu_seconds"] / result["n"] * 1e3, 4)
    result["docs_per_second"] = round(result["n"] / result["seconds"], 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def ensure_corpus(root: Path, n: int, seed: int, jobs: int) -> Path:
    """The generated corpus for (n, seed), written once and reused."""
    folder = root / f"corpus-{n}-seed{seed}"
    done = folder / "truth.json"
    if not done.exists() or json.loads(done.read_text(encoding="utf-8"))["n"] != n:
        start = time.perf_counter()
        corpus.write_corpus(n, folder, seed=seed, jobs=jobs)
        print(f"generated {n} documents in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return folder


def run_size(folder: Path, jobs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(folder), "--jobs", str(jobs)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def table(rows: list[dict]) -> str:
    head = ("| N | jobs | wall s | docs/s | wall ms/doc | CPU ms/doc | peak RSS main (MB) "
            "| peak RSS worker (MB) | precision | recall |")
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['jobs']} | {r['seconds']} | {r['docs_per_second']:,} | {r['ms_per_doc']} "
                     f"| {r['cpu_ms_per_doc']} "
                     f"| {r['peak_rss_mb']} | {r['worker_peak_rss_mb']} | {r['precision']} | {r['recall']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for sketching")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root", type=Path, default=Path("/tmp/site-builder-bench"), help="where corpora are kept")
    ap.add_argument("--reference", type=int, default=0, help="also time plain datasketch on this many docs")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.jobs)
        return 0
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        rows.append(run_size(ensure_corpus(args.root, n, args.seed, args.jobs), args.jobs))
        print(json.dumps({k: v for k, v in rows[-1].items() if k not in ("missed", "false")}), file=sys.stderr)
    print(table(rows))
    ref = None
    if args.reference:
        folder = ensure_corpus(args.root, max(args.reference, 1000), args.seed, args.jobs)
        ref = reference(folder, args.reference)
        print(f"\ndatasketch on {ref['n']:,} docs, CPU ms/doc: one update per shingle "
              f"{ref['update_cpu_ms_per_doc']}, update_batch {ref['update_batch_cpu_ms_per_doc']}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "reference": ref}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
