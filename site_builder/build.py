"""`site-builder build`: the corpus through every stage, rendered, written atomically."""
from __future__ import annotations

from typing import TextIO

from .config import Config
from .memo import StageMemo
from .pipeline import BuildResult, build_corpus
from .render.pages import render_site
from .report import print_summary, report_text
from .write import OutputRefused, check_out, write_tree


def site_files(result: BuildResult, cfg: Config, memo=None) -> dict[str, bytes]:
    """Every output file of the site: the one list that build and serve both write."""
    files = render_site(result, cfg, memo)
    files.add("_report.json", report_text(result, memo.keep("lists", StageMemo) if memo is not None else None))
    return files


def render_and_write(result: BuildResult, cfg: Config) -> None:
    write_tree(cfg.out, site_files(result, cfg))


def build(cfg: Config, log: TextIO, verbose: bool = False) -> int:
    """Build the site; return the exit status (0 ok, 1 an input failed, 2 refused)."""
    try:
        check_out(cfg.out, [cfg.seeds, cfg.content])
    except OutputRefused as err:
        print(f"error: {err}", file=log)
        return 2
    result = build_corpus(cfg)
    render_and_write(result, cfg)
    print_summary(result, log, verbose)
    return 1 if result.failed else 0
