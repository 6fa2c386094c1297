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
import weakref
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
    pool = Pool(cfg, fn)
    try:
        return pool.run(items)
    finally:
        pool.close()


class Pool:
    """Worker processes kept from one run to the next (the preview: no fork per rebuild).

    The workers are forked at the first run, while the parent is still small;
    one that overruns its budget or dies is replaced as in ``run_all``.
    """

    def __init__(self, cfg: Config, fn: Processor = process) -> None:
        self.cfg, self.fn = cfg, fn
        self.ctx = mp.get_context("fork")
        self.slots: list[_Slot] = []
        self._finalizer = weakref.finalize(self, _close, self.slots)

    def run(self, items: Sequence[InputFile]) -> list[DocResult]:
        cfg = self.cfg
        if cfg.jobs <= 0 or not items:
            return [self.fn(item, cfg) for item in items]
        self.slots[:] = [s for s in self.slots if s.proc.is_alive()]
        while len(self.slots) < min(cfg.jobs, len(items)):
            self.slots.append(_Slot(self.ctx, cfg, self.fn))
        results: list[DocResult | None] = [None] * len(items)
        queue = list(enumerate(items))[::-1]
        try:
            for slot in self.slots:
                if queue:
                    slot.give(*queue.pop())
            while any(s.index is not None for s in self.slots):
                _collect(self.slots, items, results, queue, cfg, self.ctx, self.fn)
        except BaseException:
            self.close()                      # workers in an unknown state: start afresh next time
            raise
        return [r for r in results if r is not None]

    def close(self) -> None:
        _close(self.slots)
        self.slots.clear()


def _close(slots: list[_Slot]) -> None:
    for slot in slots:
        if slot.proc.is_alive():
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
            slot.proc.join(timeout=1)
            if slot.proc.is_alive():
                slot.kill()


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
