"""The build report: a console summary and public/_report.json.

The JSON holds no build time or duration, so that two builds of the same
inputs are byte-identical; per-file timings go to the console only.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, TextIO

from .model import Severity, dumps_item, dumps_with_list
from .pipeline import BuildResult

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe_console(text: str) -> str:
    """Control, bidi and zero-width characters made visible (SRV-6, UNI-1)."""
    return _CTRL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def report_json(result: BuildResult) -> dict[str, Any]:
    return {**_summary(result), "files": [_file(r) for r in result.results]}


def report_text(result: BuildResult, lists=None) -> str:
    """``dumps(report_json(result))``; ``lists`` (the preview's memo.StageMemo) keeps each file's entry."""
    rs = result.results
    items = (lists.map("report", rs, lambda i: dumps_item(_file(rs[i]))) if lists is not None
             else [dumps_item(_file(r)) for r in rs])
    return dumps_with_list(_summary(result), "files", items)


def _summary(result: BuildResult) -> dict[str, Any]:
    seen = Counter(r.status for r in result.results)
    counts = {s: seen[s] for s in ("published", "draft", "skipped", "error")}
    return {
        "ok": not result.failed,
        "counts": counts,
        "build": [_diag(d) for d in result.diagnostics if d.severity is not Severity.DEBUG],
    }


def _file(r) -> dict[str, Any]:
    return {"source": r.name, "status": r.status, "slug": r.doc.meta.slug if r.doc else None,
            "diagnostics": [_diag(d) for d in r.diagnostics if d.severity is not Severity.DEBUG]}


def _diag(d) -> dict[str, Any]:
    return {"severity": d.severity.value, "code": d.code, "stage": d.stage, "path": d.path,
            "line": d.line, "message": d.message, "hint": d.hint or None}


def print_summary(result: BuildResult, out: TextIO, verbose: bool = False) -> None:
    rep = report_json(result)
    c = rep["counts"]
    for d in result.all_diagnostics():
        if d.severity in (Severity.WARNING, Severity.ERROR) or (verbose and d.severity is Severity.INFO):
            hint = f" (hint: {d.hint})" if d.hint else ""
            print(safe_console(f"{d.severity.value}: {d.location()}: [{d.stage} {d.code}] {d.message}{hint}"),
                  file=out)
    if verbose:
        for r in result.results:
            print(safe_console(f"  {r.seconds * 1000:8.1f} ms  {r.status:9} {r.name}"), file=out)
    print(f"{c['published']} published, {c['draft']} drafts, {c['skipped']} skipped, "
          f"{c['error']} failed", file=out)
