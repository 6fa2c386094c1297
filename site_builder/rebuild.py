"""The preview's build, run again and again, reusing what did not change.

``Builder`` runs the usual pipeline with three memories (all in the serving
process, nothing written to disk): cache.InputCache and cache.DocCache for
reading and per-document stages, a memo.StageMemo per corpus stage (each
redoes only what the change touches), and render/page_memo.RenderMemo for
pages.  The output is byte-identical to a full build (tests/test_serve.py,
tests/test_incremental.py).  ``TreeWriter`` then rewrites only the files whose
bytes changed.
"""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress
from operator import is_not
from pathlib import Path
from typing import Callable, Iterator

from .build import site_files
from .cache import DocCache, InputCache
from .config import Config
from .memo import StageMemo
from .pipeline import BuildResult, build_corpus
from .render.page_memo import RenderMemo
from .stages import CORPUS_STAGES
from .write import write_tree

INCOMPLETE = ".site-builder-incomplete"
YOUNG_LIMIT = 200_000       # allocations between two young collections while a rebuild runs


@dataclass(slots=True)
class Stats:
    """What one rebuild did, for the console and the benchmark."""

    read: int = 0
    processed: int = 0
    rendered: int = 0
    written: int = 0
    deleted: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        times = " ".join(f"{k} {v * 1000:.0f} ms" for k, v in self.seconds.items())
        return (f"{self.read} read, {self.processed} processed, {self.rendered} pages rendered, "
                f"{self.written} written, {self.deleted} deleted ({times})")


class Builder:
    """The whole build, run again and again, reusing what did not change."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.inputs = InputCache()
        self.docs = DocCache(cfg)
        self.memo = RenderMemo()
        self.stage_memo: dict[str, tuple[tuple, tuple]] = {}
        self.stage_state: dict[str, StageMemo] = {}
        self.pipeline_memo = StageMemo()          # slugs and final DocResults, by identity
        self.stages_run = 0
        self.timings: dict[str, float] = {}      # discover, documents, each corpus stage

    def corpus(self, changed: list[str] | None = None) -> BuildResult:
        """Everything but rendering; ``changed``: the watcher's paths, trusted to be all that changed."""
        self.timings = {}
        stages = tuple((name, self._stage(name, fn)) for name, fn in CORPUS_STAGES)
        discover = (lambda seeds, content, max_bytes: self.inputs.discover(seeds, content, max_bytes, changed))
        result = build_corpus(self.cfg, self._timed("discover", discover),
                              self._timed("documents", self.docs.run), stages, self.pipeline_memo)
        self.pipeline_memo.end()
        return result

    def _timed(self, name: str, fn: Callable) -> Callable:
        def run(*args):
            start = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.timings[name] = time.perf_counter() - start
        return run

    def _stage(self, name: str, fn: Callable) -> Callable:
        """A corpus stage is pure: the same Documents in, the same Documents out.

        This skips the stages when no Document changed (a template, CSS or
        no-op save); after an article edit each stage gets its ``StageMemo``
        (memo.py) to redo only the part of its work the change touches.
        """
        def run(docs: tuple, cfg: Config) -> tuple:
            hit = self.stage_memo.get(name)
            if hit is not None and hit[0] == docs:
                return hit[1]
            start = time.perf_counter()
            memo = self.stage_state.setdefault(name, StageMemo())
            try:
                out = fn(docs, cfg, memo=memo)
            except Exception:
                del self.stage_state[name]      # its state may be half updated
                raise
            memo.end()
            self.timings[name] = time.perf_counter() - start
            self.stage_memo[name] = (docs, out)
            self.stages_run += 1
            return out
        return run

    def files(self, result: BuildResult) -> dict[str, bytes]:
        """Render (may raise: a template error) with the memo."""
        self.memo.begin(self.cfg.template_dir)
        try:
            files = site_files(result, self.cfg, self.memo)
        except BaseException:
            self.memo.parts.pop("delta", None)     # the next render visits every page
            raise
        self.memo.end(files)
        return files

    def build(self, changed: list[str] | None = None) -> tuple[BuildResult, dict[str, bytes], Stats]:
        """One rebuild.  ``changed`` (paths from the watcher) spares the walk of seeds/; without
        it every input's stat signature is checked."""
        stats = Stats()
        t0 = time.perf_counter()
        result = self.corpus(changed)
        t1 = time.perf_counter()
        files = self.files(result)
        t2 = time.perf_counter()
        stats.read, stats.processed, stats.rendered = self.inputs.read, self.docs.processed, self.memo.rendered
        stats.seconds = {"corpus": t1 - t0, **self.timings, "render": t2 - t1}
        return result, files, stats


def rebuild(builder: Builder, writer: TreeWriter,
            changed: list[str] | None = None) -> tuple[BuildResult, Stats]:
    """One save, as the server handles it: build, then write the changed files.

    The preview's heap is large and lives as long as the server (1.8 million
    objects at 10,000 articles).  Python's young collections cost 7-20 ms each
    there, and one to three fell inside every one-article rebuild (a tenth of
    it); with the limit raised none does, and the collection runs once the
    files are on disk.  A big rebuild (a template) still collects every
    YOUNG_LIMIT allocations.
    """
    with young_collections_deferred():
        result, files, stats = builder.build(changed)
        writer.write(files, stats)
    return result, stats


@contextmanager
def young_collections_deferred(limit: int = YOUNG_LIMIT) -> Iterator[None]:
    old = gc.get_threshold()
    gc.set_threshold(limit, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def settle_heap() -> None:
    """For the process that serves (not a library call: it is process-wide): after the first
    build, freeze what it made, so that no full collection scans the caches again (0.9 s at
    10,000 articles, at a moment of the collector's choosing)."""
    gc.collect()
    gc.freeze()


class TreeWriter:
    """Writes a site into ``out``: the first time by atomic swap, then only what changed.

    After the first swap each changed file is written beside its target and
    renamed over it (atomic per file), so a reader or a killed build never
    sees a half-written file.  A build killed between two renames leaves a
    site mixing two consecutive builds, flagged by the INCOMPLETE file; the
    next ``serve`` or ``build`` replaces the whole tree by atomic swap.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.current: dict[str, bytes] | None = None
        self.changed: list[str] = []          # paths written or deleted by the last write
        self._folders: set[str] = set()       # folders made and checked to lie inside out

    def write(self, files: dict[str, bytes], stats: Stats | None = None) -> None:
        stats = stats or Stats()
        t0 = time.perf_counter()
        if self.current is None:
            self.changed = sorted(files)
            write_tree(self.out, files)
            stats.written, stats.deleted = len(files), 0
        else:
            stats.written, stats.deleted = self._update(files)
        self.current = files
        stats.seconds["write"] = time.perf_counter() - t0

    def _update(self, files: dict[str, bytes]) -> tuple[int, int]:
        old = self.current or {}
        get = old.get
        # Most files are the very bytes objects of the last build: identity first, in C.
        maybe = compress(files.keys(), map(is_not, map(get, files.keys()), files.values()))
        changed = [p for p in maybe if get(p) != files[p]]
        gone = list(old.keys() - files.keys())
        self.changed = sorted(changed) + sorted(gone)
        if not changed and not gone:
            return 0, 0
        flag = self.out / INCOMPLETE
        flag.write_bytes(b"an incremental update was interrupted; the next build rewrites everything\n")
        for rel in sorted(changed):
            self._put(rel, files[rel])
        for rel in sorted(gone):
            self._drop(rel)
        flag.unlink()
        return len(changed), len(gone)

    def _inside(self, rel: str) -> Path:
        dest = self.out / rel
        if self.out not in dest.parent.resolve().parents and dest.parent.resolve() != self.out:
            raise ValueError(f"output path escapes the output folder: {rel}")
        return dest

    def _put(self, rel: str, data: bytes) -> None:
        parent = rel.rpartition("/")[0]
        if parent not in self._folders:
            (self.out / rel).parent.mkdir(parents=True, exist_ok=True)
            self._inside(rel)
            self._folders.add(parent)
        dest = self.out / rel
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, dest)

    def _drop(self, rel: str) -> None:
        self._folders.clear()                 # a folder may go with the file
        dest = self._inside(rel)
        if dest.is_file() and not dest.is_symlink():
            dest.unlink()
        parent = dest.parent
        while parent != self.out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
