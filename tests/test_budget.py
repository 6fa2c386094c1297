"""Per-document time budget: one document that hangs fails alone, named (DOS-5)."""
from __future__ import annotations

import hashlib
import time
from dataclasses import replace

from site_builder.config import Config, Limits
from site_builder.discover import InputFile
from site_builder.pipeline import process
from site_builder.workers import run_all


def item(name: str, text: str) -> InputFile:
    raw = text.encode()
    return InputFile(name, raw, hashlib.sha256(raw).hexdigest())


def slow_on_hang(it: InputFile, cfg: Config):
    if it.name == "hang.txt":
        time.sleep(60)
    if it.name == "crash.txt":
        import os
        os._exit(3)                      # a worker dying outright
    return process(it, cfg)


def test_hanging_and_crashing_documents_fail_alone_in_order():
    cfg = Config(jobs=2, limits=replace(Limits(), max_seconds=1.5))
    items = [item(f"{n}.txt", f"Title {n}\n\nA paragraph of text number {n}, long enough to stand.\n")
             for n in ("a", "hang", "b", "crash", "c", "d")]
    start = time.monotonic()
    results = run_all(items, cfg, slow_on_hang)
    assert time.monotonic() - start < 10
    assert [r.name for r in results] == [i.name for i in items]
    status = {r.name: r.status for r in results}
    assert status == {"a.txt": "published", "hang.txt": "error", "b.txt": "published",
                      "crash.txt": "error", "c.txt": "published", "d.txt": "published"}
    hang = next(r for r in results if r.name == "hang.txt")
    assert hang.diagnostics[0].code == "DOS005" and "1.5 s" in hang.diagnostics[0].message


def test_in_process_mode_gives_the_same_documents():
    items = [item(f"{n}.txt", f"Title {n}\n\nA paragraph of text number {n}, long enough to stand.\n")
             for n in range(5)]
    a = run_all(items, Config(jobs=0))
    b = run_all(items, Config(jobs=2))
    assert [r.doc for r in a] == [r.doc for r in b]
