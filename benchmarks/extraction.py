"""Score the chrome remover on the external extraction benchmark.

The pages stay where they are (../shared/benchmarks/extraction/pages: their
text belongs to their publishers); this script reads them, writes the cleaned
text to a temporary directory and lets the benchmark's own scorer
(score.py --outputs DIR) judge it.  Nothing is copied into the project.

    .venv/bin/python benchmarks/extraction.py                 # all pages, line mode
    .venv/bin/python benchmarks/extraction.py --mode pipeline # through the real stages
    .venv/bin/python benchmarks/extraction.py --json out.json --pages 04 5f

Modes:
  lines     clean_core.clean_lines over the page's lines (what the stage's core
            decides, with no title known);
  pipeline  read_document -> structure -> infer -> clean, output = kept blocks
            (infer also takes the title, byline and dates out, as in a build).
The last line printed is score.py's: ``F1 0.xxx P 0.xxx R 0.xxx lost NN%``,
preceded by the count of pages left empty although their gold is not.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "extraction"
sys.path.insert(0, str(ROOT))

from site_builder.config import Config  # noqa: E402
from site_builder.pipeline import read_document  # noqa: E402
from site_builder.stages import clean, infer, structure  # noqa: E402
from site_builder.stages.clean_core import clean_lines  # noqa: E402


def page_names(data: Path, prefixes: list[str] | None = None) -> list[str]:
    """Sorted page names (NAME for pages/NAME.txt with a NAME.gold.txt beside it)."""
    names = sorted(p.name[: -len(".gold.txt")] for p in (data / "pages").glob("*.gold.txt"))
    return [n for n in names if not prefixes or any(n.startswith(p) for p in prefixes)]


def clean_text(raw: str, mode: str = "lines", name: str = "page.txt") -> str:
    """One page's raw text -> the text the cleaner keeps."""
    if mode == "pipeline":
        return _pipeline(raw, name)
    lines = raw.split("\n")
    return "\n".join(ln for ln, keep in zip(lines, clean_lines(lines)) if keep) + "\n"


def _pipeline(raw: str, name: str) -> str:
    cfg = Config()
    doc, _ = read_document(name, raw.encode("utf-8"), cfg)
    if doc is None:
        return ""
    for stage in (structure.run, infer.run, clean.run):
        doc = stage(doc, cfg)
    return "\n\n".join(b.text for b in doc.blocks) + "\n"


def write_outputs(data: Path, names: list[str], out: Path, mode: str = "lines") -> int:
    """Clean every page into out/NAME.txt; return how many came out empty."""
    empty = 0
    for name in names:
        raw = (data / "pages" / f"{name}.txt").read_text(encoding="utf-8", errors="replace")
        text = clean_text(raw, mode, f"{name}.txt")
        empty += not text.strip()
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
    return empty


def score(data: Path, out: Path, names: list[str], json_path: Path | None, summary: bool) -> int:
    """Run the benchmark's scorer on out/; its output goes to our stdout."""
    cmd = [sys.executable, str(data / "score.py"), "--outputs", str(out), "--sort", "f1"]
    if summary:
        cmd.append("--summary")
    if json_path:
        cmd += ["--json", str(json_path.resolve())]
    if len(names) < len(page_names(data)):
        cmd += ["--pages", *names]
    return subprocess.run(cmd, cwd=data, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark directory (score.py, pages/)")
    ap.add_argument("--mode", choices=("lines", "pipeline"), default="lines")
    ap.add_argument("--pages", nargs="*", metavar="PREFIX", help="only pages whose name starts so")
    ap.add_argument("--json", type=Path, help="write score.py's per-page results here")
    ap.add_argument("--keep", type=Path, help="keep the cleaned pages in this directory")
    ap.add_argument("--all", action="store_true", help="print every page, not only the lost ones")
    args = ap.parse_args(argv)
    if not (args.data / "score.py").is_file():
        print(f"no benchmark at {args.data} (expected score.py and pages/)", file=sys.stderr)
        return 2
    names = page_names(args.data, args.pages)
    with tempfile.TemporaryDirectory(prefix="clean-bench-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        empty = write_outputs(args.data, names, out, args.mode)
        print(f"{len(names)} pages cleaned ({args.mode} mode) in {time.perf_counter() - t0:.1f} s; "
              f"empty outputs: {empty}", flush=True)
        return score(args.data, out, names, args.json, not args.all)


def sample_f1(data: Path, names: list[str], mode: str = "lines") -> dict[str, float]:
    """Macro F1/P/R and lost share on ``names``, through score.py (for tests)."""
    with tempfile.TemporaryDirectory(prefix="clean-bench-") as tmp:
        out = Path(tmp)
        write_outputs(data, names, out, mode)
        report = out / "report.json"
        cmd = [sys.executable, str(data / "score.py"), "--outputs", str(out), "--json", str(report),
               "--summary", "--pages", *names]
        subprocess.run(cmd, cwd=data, check=True, capture_output=True)
        rows = json.loads(report.read_text(encoding="utf-8"))
    rows = rows["pages"] if isinstance(rows, dict) else rows
    n = len(rows)
    return {"f1": sum(r["f1"] for r in rows) / n, "precision": sum(r["precision"] for r in rows) / n,
            "recall": sum(r["recall"] for r in rows) / n,
            "lost": sum(r["recall"] < 0.9 for r in rows) / n,
            "empty": sum(r["out_tokens"] == 0 and r["gold_tokens"] > 0 for r in rows)}


if __name__ == "__main__":
    sys.exit(main())
