"""Output files -> disk, atomically: build beside, then swap.

A build killed half-way leaves the previous site intact; the next build
clears its leftover staging folder.  --out is refused when it is an input
folder, the project, a parent of either, the home folder, or a non-empty
folder that does not carry our marker file.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = ".site-builder-output"


class OutputRefused(Exception):
    """--out points somewhere we must not write or delete."""


def check_out(out: Path, protected: list[Path]) -> None:
    """Raise OutputRefused unless ``out`` is safe to replace."""
    target = out.resolve()
    home = Path.home().resolve()
    for p in protected + [Path.cwd(), home]:
        p = p.resolve()
        if target == p or target in p.parents:
            raise OutputRefused(f"--out {out} is or contains {p.name or p}: refused")
    if target == Path(target.anchor):
        raise OutputRefused("--out is the file-system root: refused")
    if target.exists() and (not target.is_dir() or target.is_symlink()):
        raise OutputRefused(f"--out {out} is not a folder: refused")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputRefused(f"--out {out} holds other files and no {MARKER} marker: refused")


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Write every file under a staging folder beside ``out``, then swap it in."""
    out = out.resolve()
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{out.name}.staging"
    old = parent / f".{out.name}.old"
    if old.is_dir() and not out.exists():
        os.replace(old, out)            # a build killed mid-swap: bring the last site back
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir()
    for rel, data in sorted(files.items()):
        dest = (staging / rel).resolve()
        if staging not in dest.parents:
            raise OutputRefused(f"output path escapes the output folder: {rel}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    (staging / MARKER).write_bytes(b"site-builder output folder; safe to delete\n")
    _fsync_dir(staging)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    if old.exists():
        shutil.rmtree(old)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
