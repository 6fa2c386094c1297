"""Per-input caches for the preview: read and process only what changed.

- ``InputCache`` re-reads an input or its editorial file only when its stat
  signature (mtime, size, inode, ctime) changed, or when the watcher names it;
  otherwise it hands back the InputFile it read before.
- ``DocCache`` keys each DocResult by a content hash: the input's bytes, its
  editorial bytes, its name, the package's code and the Config.  Only inputs
  with a new key go through the per-document stages (in the usual worker
  processes, under the usual time budget).

rebuild.Builder drives them; render/page_memo.py remembers pages.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from itertools import compress
from operator import is_not
from pathlib import Path

from .config import Config
from .discover import InputFile, assemble, read_input, walk
from .model import Diagnostic
from .pipeline import DocResult

Signature = tuple[int, int, int, int]
Found = tuple[InputFile | None, Diagnostic | None]


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
        self._last: tuple[list[InputFile], list[str], list[DocResult]] | None = None

    def key(self, item: InputFile) -> str:
        h = hashlib.sha256(self._salt)
        for part in (item.name.encode(), item.sha256.encode(), item.editorial_name.encode(),
                     hashlib.sha256(item.editorial).digest()):
            h.update(len(part).to_bytes(8, "big") + part)
        return h.hexdigest()

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
