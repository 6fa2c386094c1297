"""Incremental builds for the preview: redo only what a change can affect.

Three memories, all in the serving process (nothing is written to disk):

- ``InputCache`` re-reads an input or its editorial file only when its stat
  signature (mtime, size, inode, ctime) changed; otherwise it hands back the
  InputFile it read before.
- ``DocCache`` keys each DocResult by a content hash: the input's bytes, its
  editorial bytes, its name, the package's code and the Config.  Only inputs
  with a new key go through the per-document stages (in the usual worker
  processes, under the usual time budget).
- ``RenderMemo`` remembers each page with the context it was rendered from,
  and each document's rendered body; a page is rendered again only when its
  context differs, so a change to one article re-renders that article, its
  neighbours and the listings that show it.  A template change forgets the
  pages but keeps the bodies (no re-parsing).

Corpus stages and the render walk still run over the whole corpus, so the
output is byte-identical to a full build (tests/test_serve.py checks it).
``TreeWriter`` then rewrites only the files whose bytes changed.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import is_not
from pathlib import Path
from typing import Any, Callable

from .build import site_files
from .config import Config
from .discover import InputFile, assemble, read_input, walk
from .memo import StageMemo
from .model import Diagnostic
from .pipeline import BuildResult, DocResult, build_corpus
from .stages import CORPUS_STAGES
from .write import write_tree

Signature = tuple[int, int, int, int]
Found = tuple[InputFile | None, Diagnostic | None]
INCOMPLETE = ".site-builder-incomplete"


def code_version() -> str:
    """Hash of the package's own source: a code change invalidates every cached result."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def config_key(cfg: Config) -> str:
    """The Config as text, less what cannot change a Document (the output folder)."""
    return repr(replace(cfg, out=Path(".")))


def signature(path: Path | str) -> Signature | None:
    """What tells us a file changed without reading it; None if it is gone."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def editorial_rel(rel: str) -> str:
    """content/ path that discover._editorial reads for input ``rel``."""
    stem = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
    return f"{stem}.toml"


class InputCache:
    """discover.discover, re-reading only files whose stat signature changed.

    Given the watcher's list of changed paths (``hint``), it trusts it: the
    folder is not walked and unchanged inputs are not even stat'ed, so a save
    costs the same in an archive of 100 or 100,000 inputs.  A path it cannot
    place (a folder, a hidden name) sends it back to a full walk.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[tuple, Found]] = {}
        self._now: dict[str, tuple[tuple, Found]] = {}
        self._walked: tuple[list[str], list[Diagnostic]] | None = None
        self._found: list[Found] | None = None       # per walked name, aligned with the walk
        self._pos: dict[str, int] = {}
        self._stale: set[str] = set()
        self.read = 0
        self.walked = False

    def discover(self, seeds: Path, content: Path, max_bytes: int, hint: list[str] | None = None
                 ) -> tuple[list[InputFile], list[Diagnostic], list[str]]:
        self.read = 0
        before = self._walked
        walked = self._apply(hint, seeds, content, before) if hint is not None and before is not None else None
        self.walked = walked is None
        if walked is None:
            walked = walk(seeds)
        self._walked = walked
        rels = walked[0]
        if not self.walked and before is not None and rels == before[0] and self._found is not None:
            # The same inputs: last run's results, with the few named in the hint read again.
            self._now = self._seen
            found = list(self._found)
            for rel in self._stale:
                found[self._pos[rel]] = self._read(seeds, content, rel, max_bytes)
        else:
            self._now = {}
            read = self._read if self.walked else self._trusted
            found = [read(seeds, content, rel, max_bytes) for rel in rels]
            self._pos = {rel: i for i, rel in enumerate(rels)}
        self._seen, self._found = self._now, found
        return assemble(rels, walked[1], found)

    def _apply(self, hint: list[str], seeds: Path, content: Path,
               walked: tuple[list[str], list[Diagnostic]]) -> tuple[list[str], list[Diagnostic]] | None:
        """The last walk with ``hint``'s files added, removed or marked stale; None: walk again."""
        rels = set(walked[0])
        roots = [(os.fspath(seeds.resolve()), "seeds"), (os.fspath(content.resolve()), "content")]
        self._stale: set[str] = set()
        placed: dict[str, list[str]] = {"seeds": [], "content": []}
        for path in hint:      # the folder resolved, not the file: a symlinked input stays one
            real = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
            where = next(((kind, real[len(root) + 1:]) for root, kind in roots
                          if real.startswith(root + os.sep)), None)
            if where is None:
                continue                               # templates/, static/: no input changed
            rel = where[1].replace(os.sep, "/")
            if any(part.startswith((".", "#")) or part.endswith("~") for part in rel.split("/")) \
                    or os.path.isdir(real):
                return None
            placed[where[0]].append(rel)
        for rel in placed["seeds"]:
            (rels.add if os.path.lexists(os.path.join(seeds, rel)) else rels.discard)(rel)
            self._stale.add(rel)
        if placed["content"]:
            by_stem: dict[str, list[str]] = {}
            for r in rels:
                by_stem.setdefault(editorial_rel(r), []).append(r)
            for rel in placed["content"]:
                self._stale.update(by_stem.get(rel, ()))
        return sorted(rels), walked[1]

    def _trusted(self, seeds: Path, content: Path, rel: str, max_bytes: int) -> Found:
        old = self._seen.get(rel)
        if old is not None and rel not in self._stale and old[0][2] == max_bytes:
            self._now[rel] = old
            return old[1]
        return self._read(seeds, content, rel, max_bytes)

    def _read(self, seeds: Path, content: Path, rel: str, max_bytes: int) -> Found:
        sig = (signature(os.path.join(seeds, rel)), signature(os.path.join(content, editorial_rel(rel))),
               max_bytes)
        old = self._seen.get(rel)
        if old is None or old[0] != sig or sig[0] is None:
            old = (sig, read_input(seeds, content, rel, max_bytes))
            self.read += 1
        self._now[rel] = old
        return old[1]


class DocCache:
    """DocResults by content hash; only new keys run the per-document stages."""

    def __init__(self, cfg: Config) -> None:
        self._salt = (code_version() + "\0" + config_key(cfg)).encode()
        self._results: dict[str, DocResult] = {}
        self.processed = 0
        self.pool = None          # workers.Pool, kept between rebuilds
        self._keys: dict[int, tuple[InputFile, str]] = {}
        self._last: tuple[list[InputFile], list[str], list[DocResult]] | None = None

    def key(self, item: InputFile) -> str:
        hit = self._keys.get(id(item))
        if hit is not None and hit[0] is item:
            return hit[1]
        h = hashlib.sha256(self._salt)
        for part in (item.name.encode(), item.sha256.encode(), item.editorial_name.encode(),
                     hashlib.sha256(item.editorial).digest()):
            h.update(len(part).to_bytes(8, "big") + part)
        self._keys[id(item)] = (item, h.hexdigest())
        return self._keys[id(item)][1]

    def run(self, inputs: list[InputFile], cfg: Config) -> list[DocResult]:
        """Same contract as workers.run_all: one DocResult per input, input order."""
        from .workers import Pool

        if self.pool is None:
            self.pool = Pool(cfg)
        last = self._last
        moved = (list(compress(range(len(inputs)), map(is_not, inputs, last[0])))
                 if last is not None and len(last[0]) == len(inputs) else None)
        if moved is not None and len(moved) <= 8:
            # Most inputs are the very objects of the last run (InputCache): only the others.
            return self._few(inputs, moved, last)
        keys = [self.key(item) for item in inputs]
        missing = [item for item, k in zip(inputs, keys) if k not in self._results]
        fresh = {r.name: r for r in self.pool.run(missing)} if missing else {}
        self.processed = len(missing)
        results, kept = [], {}
        for item, k in zip(inputs, keys):
            r = self._results.get(k) or fresh.get(item.name)
            if r is None:
                continue
            kept[k] = r
            results.append(r)
        self._results = kept            # forget what no input needs any more
        self._keys = {}
        self._last = (list(inputs), keys, results)
        return results

    def _few(self, inputs: list[InputFile], moved: list[int], last) -> list[DocResult]:
        """``run`` when only the inputs at ``moved`` are new objects: O(those), not O(all)."""
        keys, results = list(last[1]), list(last[2])
        if len(results) != len(inputs):               # an input without a result: the long way
            self._last = None
            return self.run(inputs, self.pool.cfg)
        new = {i: self.key(inputs[i]) for i in moved}
        missing = [inputs[i] for i, k in new.items() if k not in self._results]
        fresh = {r.name: r for r in self.pool.run(missing)} if missing else {}
        self.processed = len(missing)
        for i, k in new.items():
            r = self._results.get(k) or fresh.get(inputs[i].name)
            if r is None:                             # cannot happen: run_all answers every input
                self._last = None
                return self.run(inputs, self.pool.cfg)
            if keys[i] != k and keys.count(keys[i]) == 1:
                self._results.pop(keys[i], None)      # no input needs the old result any more
            keys[i], results[i] = k, r
            self._results[k] = r
        self._last = (list(inputs), keys, results)
        return results


@dataclass(slots=True)
class RenderMemo:
    """Pages and parts from the last render, reused when their inputs are equal.

    Equality is cheap here: unchanged Documents share their blocks with the
    cached ones (``dataclasses.replace`` keeps fields), so comparing them
    stops at identical objects.
    """

    templates: str = ""
    pages: dict[str, tuple[str, dict[str, Any], Any, Any]] = field(default_factory=dict)
    parts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    rendered: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    full_render: bool = True
    full_reason: str = ""

    def begin(self, template_dir: Path) -> None:
        """Start a render; forget every page if any template changed."""
        version = tree_hash(template_dir)
        if version != self.templates:
            self.pages.clear()
            self.files = {}
            self.parts.pop("delta", None)          # render.delta: every page again
            self.templates = version
        self.used = set()
        self.rendered = 0
        self.full_render = True

    def end(self, files: dict[str, bytes]) -> None:
        """Keep the files written; after a render that visited every page, drop what it did
        not use (deleted articles, renamed slugs).  A render that followed the delta visited
        only what changed: what it skipped is still current."""
        self.files = files
        if self.full_render and not (self.used.issuperset(self.pages) and self.used.issuperset(self.parts)):
            self.pages = {k: v for k, v in self.pages.items() if k in self.used}
            self.parts = {k: v for k, v in self.parts.items() if k in self.used}

    def last(self, path: str) -> bytes | None:
        """The file the last render produced at ``path``."""
        return self.files.get(path)

    def last_files(self) -> dict[str, bytes]:
        return self.files

    def page(self, path: str, template: str, ctx: dict[str, Any], make: Callable[[], Any],
             key: object = None) -> Any:
        self.used.add(path)
        hit = self.pages.get(path)
        if hit is not None and hit[0] == template and hit[1] == ctx:
            self.pages[path] = (template, ctx, hit[2], key)
            return hit[2]
        value = make()
        self.rendered += 1
        if isinstance(value, str):
            value = value.encode("utf-8")
        self.pages[path] = (template, ctx, value, key)
        return value

    def reuse(self, path: str, template: str, key: object) -> bytes | None:
        """The page's bytes when it was rendered from the same template and an equal key."""
        hit = self.pages.get(path)
        if hit is not None and hit[0] == template and hit[3] is not None and (hit[3] is key or hit[3] == key):
            self.used.add(path)
            return hit[2]
        return None

    def keep(self, name: str, factory: Callable[[], Any]) -> Any:
        """An object kept from render to render (the search index updates itself)."""
        self.used.add(name)
        hit = self.parts.get(name)
        if hit is None or hit[0] is not factory:
            hit = self.parts[name] = (factory, factory())
        return hit[1]

    def part(self, name: str, key: object, make: Callable[[], Any]) -> Any:
        self.used.add(name)
        hit = self.parts.get(name)
        if hit is not None and (hit[0] is key or hit[0] == key):
            return hit[1]
        value = make()
        self.parts[name] = (key, value)
        return value


def tree_hash(root: Path) -> str:
    """Hash of every file's name and bytes below ``root`` (templates: a few kB)."""
    h = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


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

