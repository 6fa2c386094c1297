"""`site-builder verify PACKAGE`: check a snapshot without unpacking it.

Every entry name is validated before anything is read (no `..`, absolute
paths, drive letters, backslashes, symlinks); payload files are hashed by
streaming from the archive with caps on total size and compression ratio,
so a zip bomb costs bounded memory and no disk.  Nothing is ever written.
"""
from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import TextIO

MAX_TOTAL = 4 * 1024 ** 3          # uncompressed bytes read at most
MAX_RATIO = 200                    # per entry, uncompressed / compressed
_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_name(name: str) -> str:
    """Why an archive or manifest path is unsafe, or ''."""
    if "\\" in name:
        return "backslash in path"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "path escapes its folder (..)"
    if "\x00" in name:
        return "NUL in path"
    return ""


def verify(package: Path, log: TextIO) -> int:
    """0 when every checksum matches, 1 with every problem named otherwise."""
    problems = _verify(package)
    for p in problems:
        print(f"error: {package.name}: {p}", file=log)
    if not problems:
        print(f"verified: {package.name}: every checksum matches", file=log)
    return 1 if problems else 0


def _verify(package: Path) -> list[str]:
    try:
        zf = zipfile.ZipFile(package)
    except (zipfile.BadZipFile, OSError) as err:
        return [f"not a readable zip archive ({err})"]
    with zf:
        problems = [f"{i.filename}: {why}" for i in zf.infolist() if (why := _entry_problem(i))]
        if problems:
            return problems
        try:
            return _check_contents(zf)
        except (zipfile.BadZipFile, EOFError, OSError, zlib_error()) as err:
            return problems + [f"archive is damaged or truncated ({err})"]


def zlib_error():
    import zlib
    return zlib.error


def _entry_problem(info: zipfile.ZipInfo) -> str:
    why = unsafe_name(info.filename)
    if why:
        return why
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "symbolic link entry"
    if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO and info.file_size > 1 << 20:
        return f"compression ratio {info.file_size // max(info.compress_size, 1)}:1 refused (zip bomb?)"
    return ""


def _check_contents(zf: zipfile.ZipFile) -> list[str]:
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    top = {n.split("/", 1)[0] for n in names}
    if len(top) != 1:
        return ["expected one top folder in the package"]
    root = top.pop() + "/"
    if root + "bagit.txt" in names:
        return _check_bag(zf, root, names)
    if root + "SHA256SUMS" in names:
        return _check_sums(zf, root, names, "SHA256SUMS", "")
    return ["neither a BagIt bag (bagit.txt) nor a SHA256SUMS file found"]


def _check_bag(zf: zipfile.ZipFile, root: str, names: list[str]) -> list[str]:
    problems = []
    if root + "manifest-sha256.txt" not in names:
        return ["manifest-sha256.txt missing"]
    problems += _check_sums(zf, root, names, "manifest-sha256.txt", "data/")
    if root + "tagmanifest-sha256.txt" in names:
        problems += _check_sums(zf, root, names, "tagmanifest-sha256.txt", None)
    problems += _check_oxum(zf, root, names)
    return problems


def _manifest(zf: zipfile.ZipFile, name: str) -> tuple[dict[str, str], list[str]]:
    entries, problems = {}, []
    for n, line in enumerate(zf.read(name).decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, path = line.strip().partition(" ")
        path = path.lstrip(" *")
        why = unsafe_name(path)
        if why or not re.fullmatch(r"[0-9a-f]{64}", digest):
            problems.append(f"{name} line {n}: {why or 'malformed line'}: {path[:80]!r}")
            continue
        entries[path] = digest
    return entries, problems


def _check_sums(zf: zipfile.ZipFile, root: str, names: list[str], manifest: str, scope: str | None) -> list[str]:
    listed, problems = _manifest(zf, root + manifest)
    budget = [MAX_TOTAL]
    for path, digest in sorted(listed.items()):
        full = root + path
        if full not in names:
            problems.append(f"{path}: listed in {manifest} but missing")
        elif _stream_sha256(zf, full, budget) != digest:
            problems.append(f"{path}: checksum does not match ({manifest})")
    if scope is not None:
        present = {n[len(root):] for n in names if n.startswith(root + scope)} if scope else \
            {n[len(root):] for n in names if n != root + manifest}
        for extra in sorted(present - set(listed)):
            problems.append(f"{extra}: present but not listed in {manifest}")
    return problems


def _stream_sha256(zf: zipfile.ZipFile, name: str, budget: list[int]) -> str:
    h = hashlib.sha256()
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise OSError("more than the size cap uncompressed")
            h.update(chunk)
    return h.hexdigest()


def _check_oxum(zf: zipfile.ZipFile, root: str, names: list[str]) -> list[str]:
    info_name = root + "bag-info.txt"
    if info_name not in names:
        return ["bag-info.txt missing"]
    text = zf.read(info_name).decode("utf-8", "replace")
    m = re.search(r"^Payload-Oxum:\s*(\d+)\.(\d+)\s*$", text, re.M)
    if not m:
        return ["bag-info.txt has no Payload-Oxum"]
    payload = [i for i in zf.infolist() if i.filename.startswith(root + "data/") and not i.is_dir()]
    size, count = sum(i.file_size for i in payload), len(payload)
    if (size, count) != (int(m.group(1)), int(m.group(2))):
        return [f"Payload-Oxum {m.group(1)}.{m.group(2)} but payload is {size}.{count}"]
    return []
