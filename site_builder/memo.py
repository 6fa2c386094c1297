"""What a corpus stage may remember between two runs of the preview.

Corpus stages see the whole archive, so without help their cost follows the
size of the archive, not the size of the change.  Most of their work is per
document (a sketch, a term vector, a document's short lines) and the rest can
often be updated from the previous run.  A stage takes an optional ``memo``:

- ``memo.per(kind, obj, make, key)`` returns what ``make()`` returned the last
  time for the same object (by identity: unchanged documents keep their
  ``blocks`` tuple from one rebuild to the next) and an equal ``key``;
- ``memo.state`` is a dict the stage may keep its own derived state in
  (crosslink keeps its index there), for the next run to update.

A full build passes no memo: ``NoMemo`` computes everything and remembers
nothing, and a stage must give the same output either way (the preview's
tests compare the bytes).  Entries a run did not ask for are dropped at its
end, so the memory follows the archive.
"""
from __future__ import annotations

from itertools import compress
from operator import is_not
from typing import Any, Callable, Sequence

MISSING = object()          # what ``get`` returns when nothing is remembered


class NoMemo:
    """Remember nothing: every ``per`` computes, ``state`` starts empty each run."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}

    def per(self, kind: str, obj: object, make: Callable[[], Any], key: object = None) -> Any:
        return make()

    def get(self, kind: str, obj: object, key: object = None) -> Any:
        return MISSING

    def put(self, kind: str, obj: object, value: Any, key: object = None) -> Any:
        return value

    def map(self, kind: str, objs: Sequence[object], make: Callable[[int], Any],
            keys: Sequence[object] | None = None) -> list[Any]:
        """``[make(i) for i in range(len(objs))]``, remembering each result by its object."""
        return [make(i) for i in range(len(objs))]

    def has(self, kind: str) -> bool:
        return False

    def remember(self, kind: str, objs: Sequence[object], values: list[Any],
                 keys: Sequence[object] | None = None) -> None:
        pass

    def end(self) -> None:
        pass


class StageMemo(NoMemo):
    """Remember per-object results by identity (the object is kept alive with them)."""

    def __init__(self) -> None:
        super().__init__()
        self._old: dict[tuple[str, int], tuple[object, object, Any]] = {}
        self._new: dict[tuple[str, int], tuple[object, object, Any]] = {}
        self.hits = self.misses = 0

    def per(self, kind: str, obj: object, make: Callable[[], Any], key: object = None) -> Any:
        value = self.get(kind, obj, key)
        return self.put(kind, obj, make(), key) if value is MISSING else value

    def get(self, kind: str, obj: object, key: object = None) -> Any:
        slot = (kind, id(obj))
        hit = self._new.get(slot) or self._old.get(slot)
        if hit is not None and hit[0] is obj and (hit[1] is key or hit[1] == key):
            self.hits += 1
            self._new[slot] = hit
            return hit[2]
        self.misses += 1
        return MISSING

    def put(self, kind: str, obj: object, value: Any, key: object = None) -> Any:
        self._new[(kind, id(obj))] = (obj, key, value)
        return value

    def map(self, kind: str, objs: Sequence[object], make: Callable[[int], Any],
            keys: Sequence[object] | None = None) -> list[Any]:
        """``[make(i) ...]`` where ``make(i)`` depends on ``objs[i]`` (and ``keys[i]``) alone: an
        object seen last run with an equal key keeps its result, at the cost of an identity
        test when it kept its position."""
        old = self.state.get(f"map:{kind}")
        n = len(objs)
        keys = list(keys) if keys is not None else [None] * n
        if old is not None and len(old[0]) == n:
            # The unchanged majority in C (map/compress), the few others one by one.
            moved = set(compress(range(n), map(is_not, objs, old[0])))
            moved.update(i for i in compress(range(n), map(is_not, keys, old[1])) if keys[i] != old[1][i])
            out = list(old[2])
        else:
            moved, out = set(range(n)), [None] * n
        by_id = None
        if len(moved) > 8 and old is not None:          # moved, not just edited: look up by identity
            by_id = {id(o): (o, k, v) for o, k, v in zip(*old)}
        for i in sorted(moved):
            hit = by_id.get(id(objs[i])) if by_id is not None else None
            out[i] = hit[2] if hit is not None and hit[0] is objs[i] and hit[1] == keys[i] else make(i)
        self.state[f"map:{kind}"] = (list(objs), keys, out)
        return out

    def has(self, kind: str) -> bool:
        return f"map:{kind}" in self.state

    def remember(self, kind: str, objs: Sequence[object], values: list[Any],
                 keys: Sequence[object] | None = None) -> None:
        """Results computed elsewhere (in worker processes), for the next ``map``."""
        self.state[f"map:{kind}"] = (list(objs), list(keys) if keys is not None else [None] * len(objs),
                                     values)

    def end(self) -> None:
        """Forget what this run did not use."""
        self._old, self._new = self._new, {}


def in_path_order(docs: Sequence[Any], memo: NoMemo) -> tuple[list[Any], Callable[[list[Any]], tuple]]:
    """Documents sorted by source path (input order must not matter), and the way back.

    The order is kept while the paths are the same (an edit does not move
    anything), and inputs usually come sorted already: then both ways are copies.
    """
    paths = [d.source.path for d in docs]
    old = memo.state.get("path-order")
    if old is not None and old[0] == paths:
        order = old[1]
    else:
        order = sorted(range(len(docs)), key=paths.__getitem__)
        order = None if order == list(range(len(docs))) else order
        memo.state["path-order"] = (paths, order)
    if order is None:
        return list(docs), tuple

    def back(values: list[Any]) -> tuple:
        out: list[Any] = [None] * len(values)
        for pos, i in enumerate(order):
            out[i] = values[pos]
        return tuple(out)

    return [docs[i] for i in order], back


def memo_or_none(memo: NoMemo | None) -> NoMemo:
    return memo if memo is not None else NoMemo()
