"""Per-document work in worker processes, each document under a time budget.

A regular expression that backtracks for minutes cannot be interrupted from
inside the process (``re`` does not check signals), so the only sure budget
is a process the parent can kill.  Each worker takes one document at a time;
the parent knows which document and since when, kills a worker that overruns
``max_seconds``, records that document as failed, and starts a new worker.
Results come back in input order, whatever order the workers finish in.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import Connection, wait
from typing import Callable, Sequence

from .config import Config
from .discover import InputFile
from .model import Severity, diag
from .pipeline import DocResult, process

Processor = Callable[[InputFile, Config], DocResult]


def _worker(conn: Connection, cfg: Config, fn: Processor) -> None:
    while True:
        item = conn.recv()
        if item is None:
            return
        conn.send(fn(item, cfg))


class _Slot:
    def __init__(self, ctx, cfg: Config, fn: Processor):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, cfg, fn), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int, item: InputFile) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send(item)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()
        self.conn.close()


def run_all(items: Sequence[InputFile], cfg: Config, fn: Processor = process) -> list[DocResult]:
    """Process every item; jobs <= 0 runs in this process (no time budget)."""
    if cfg.jobs <= 0 or not items:
        return [fn(item, cfg) for item in items]
    ctx = mp.get_context("fork")
    slots = [_Slot(ctx, cfg, fn) for _ in range(min(cfg.jobs, len(items)))]
    results: list[DocResult | None] = [None] * len(items)
    queue = list(enumerate(items))[::-1]
    try:
        for slot in slots:
            if queue:
                slot.give(*queue.pop())
        while any(s.index is not None for s in slots):
            _collect(slots, items, results, queue, cfg, ctx, fn)
    finally:
        for slot in slots:
            if slot.proc.is_alive():
                try:
                    slot.conn.send(None)
                except (OSError, ValueError):
                    pass
                slot.proc.join(timeout=1)
                if slot.proc.is_alive():
                    slot.kill()
    return [r for r in results if r is not None]


def _collect(slots: list[_Slot], items, results, queue, cfg: Config, ctx, fn) -> None:
    busy = [s for s in slots if s.index is not None]
    now = time.monotonic()
    timeout = max(0.01, min(s.started + cfg.limits.max_seconds for s in busy) - now)
    ready = wait([s.conn for s in busy], timeout=timeout)
    for i, slot in enumerate(slots):
        if slot.index is None:
            continue
        if slot.conn in ready:
            try:
                results[slot.index] = slot.conn.recv()
            except (EOFError, OSError):
                results[slot.index] = _failed(items[slot.index], "worker process died", 0.0)
                slot.kill()
                slots[i] = slot = _Slot(ctx, cfg, fn)
        elif time.monotonic() - slot.started > cfg.limits.max_seconds:
            results[slot.index] = _failed(items[slot.index],
                                          f"took longer than {cfg.limits.max_seconds:g} s: stopped",
                                          cfg.limits.max_seconds)
            slot.kill()
            slots[i] = slot = _Slot(ctx, cfg, fn)
        else:
            continue
        slot.index = None
        if queue:
            slot.give(*queue.pop())


def _failed(item: InputFile, why: str, seconds: float) -> DocResult:
    return DocResult(item.name, item.sha256, len(item.raw), None, "error",
                     (diag(Severity.ERROR, "DOS005", "budget", why, item.name),), seconds)
