"""Walk seeds/ and content/: the only code that reads input files.

Nothing here follows a symlink, opens a FIFO or a device, or leaves the
folder it was given; every refusal becomes a Diagnostic naming the file.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .model import Diagnostic, Severity, diag

STAGE = "discover"
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".mdown", ".text", "")
HARD_CAP = 256 * 1024 * 1024    # larger files are not even kept; articles are far smaller


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input as found: its name relative to seeds/, its bytes, its editorial file."""

    name: str
    raw: bytes
    sha256: str
    editorial_name: str = ""
    editorial: bytes = b""
    too_large: bool = False          # kept byte for byte, never parsed


def discover(seeds: Path, content: Path, max_bytes: int, read=None
             ) -> tuple[list[InputFile], list[Diagnostic], list[str]]:
    """seeds/ -> (inputs sorted by name, diagnostics, names of files skipped before reading).

    ``read(seeds, content, rel, max_bytes)`` defaults to ``read_input``; the preview's
    cache passes one that re-reads only changed files.
    """
    diags: list[Diagnostic] = []
    return read_all(seeds, content, _walk(seeds, diags), diags, max_bytes, read)


def walk(seeds: Path) -> tuple[list[str], list[Diagnostic]]:
    """The input names below seeds/, sorted, and what the walk itself reported."""
    diags: list[Diagnostic] = []
    return _walk(seeds, diags), diags


def read_all(seeds: Path, content: Path, rels: list[str], walk_diags: list[Diagnostic], max_bytes: int,
             read=None) -> tuple[list[InputFile], list[Diagnostic], list[str]]:
    """Read the walked inputs: discover's second half (the preview may walk less often)."""
    read = read or read_input
    return assemble(rels, walk_diags, [read(seeds, content, rel, max_bytes) for rel in rels])


def assemble(rels: list[str], walk_diags: list[Diagnostic], found: list[tuple[InputFile | None, Diagnostic | None]]
             ) -> tuple[list[InputFile], list[Diagnostic], list[str]]:
    """What each walked name gave -> (inputs, diagnostics, names skipped), in walk order."""
    inputs = [item for item, _ in found if item is not None]
    diags = list(walk_diags) + [problem for _, problem in found if problem]
    skipped = [rel for rel, (item, _) in zip(rels, found) if item is None]
    return inputs, diags, skipped


def read_input(seeds: Path, content: Path, rel: str, max_bytes: int) -> tuple[InputFile | None, Diagnostic | None]:
    """One input below seeds/ and its editorial file (cache.py calls this for changed files only)."""
    path = seeds / rel
    problem = _refuse(path, rel)
    if problem:
        return None, problem
    raw = _read(path, HARD_CAP)
    if raw is None:
        return None, diag(Severity.ERROR, "PATH007", STAGE, "cannot be read", rel)
    ed_name, ed_raw = _editorial(content, rel)
    return InputFile(rel, raw, hashlib.sha256(raw).hexdigest(), ed_name, ed_raw,
                     too_large=len(raw) > max_bytes), None


def _walk(root: Path, diags: list[Diagnostic]) -> list[str]:
    """Regular-looking entries below root, sorted; symlinks reported, never followed.

    Plain strings rather than Path objects: the preview walks 10,000 files on every save.
    """
    found: list[str] = []
    if not root.is_dir():
        diags.append(diag(Severity.ERROR, "PATH000", STAGE, f"seeds folder not found: {root.name}", str(root.name)))
        return found
    top = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = os.path.relpath(dirpath, top).replace(os.sep, "/")
        prefix = "" if here == "." else here + "/"
        keep = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                diags.append(diag(Severity.WARNING, "PATH006", STAGE, "symbolic link not followed", prefix + d))
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if f.startswith(".") or f.endswith("~") or f.startswith("#"):
                diags.append(diag(Severity.DEBUG, "BIN003", STAGE, "hidden or editor file ignored", prefix + f))
                continue
            found.append(prefix + f)
    return sorted(found)


def _refuse(path: Path, rel: str, _max_bytes: int | None = None) -> Diagnostic | None:
    try:
        st = os.lstat(path)
    except OSError:
        return diag(Severity.ERROR, "PATH007", STAGE, "cannot be read", rel)
    if stat.S_ISLNK(st.st_mode):
        return diag(Severity.WARNING, "PATH006", STAGE, "symbolic link not followed", rel)
    if not stat.S_ISREG(st.st_mode):
        return diag(Severity.WARNING, "PATH007", STAGE, "not a regular file", rel)
    if Path(rel).suffix.lower() not in TEXT_SUFFIXES:
        return diag(Severity.DEBUG, "BIN003", STAGE, f"unsupported file type {Path(rel).suffix!r}", rel)
    if st.st_size > HARD_CAP:
        return diag(Severity.ERROR, "DOS001", STAGE, f"file too large to keep ({st.st_size} bytes)", rel)
    return None


def _read(path: Path, cap: int = 1 << 30) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(cap + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _editorial(content: Path, rel: str) -> tuple[str, bytes]:
    """content/<input path without extension>.toml, if the editor wrote one."""
    stem = rel.rsplit(".", 1)[0] if "." in Path(rel).name else rel
    candidate = content / f"{stem}.toml"
    if content.is_dir() and candidate.is_file() and not candidate.is_symlink():
        raw = _read(candidate)
        if raw is not None:
            return candidate.relative_to(content).as_posix(), raw
    return "", b""
