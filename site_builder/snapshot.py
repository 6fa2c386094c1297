"""`site-builder snapshot`: the built site, every original and every model in one package.

BagIt (RFC 8493, the bagit package) zipped is the default: sha256 manifests,
bag-info with the source and the bagging date, Payload-Oxum.  With
SOURCE_DATE_EPOCH the package is byte-identical from run to run: the bagging
date comes from it, zip entries are sorted, their times fixed, their
permissions normalised.  ``zip`` is the bare site plus a SHA256SUMS file;
``zim`` is a Kiwix-readable ZIM through python-libzim.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from . import __version__
from .config import Config
from .write import MARKER

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def snapshot(cfg: Config, package: Path, fmt: str, log: TextIO) -> int:
    """Build into a temporary folder and package it; 0 ok, 1 an input failed, 2 refused."""
    from .build import build

    if not cfg.seeds.is_dir():
        print(f"error: seeds folder not found: {cfg.seeds}; no package written", file=log)
        return 2
    epoch = cfg.source_date_epoch if cfg.source_date_epoch is not None else int(time.time())
    with tempfile.TemporaryDirectory(prefix="sb-snapshot-") as tmp:
        site = Path(tmp) / "site"
        status = build(replace(cfg, out=site, source_date_epoch=epoch), log)
        if status == 2:
            return status
        (site / MARKER).unlink(missing_ok=True)
        tmp_pkg = package.with_name(package.name + ".partial")
        package.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "zim":
            write_zim(site, tmp_pkg, cfg, epoch)
        elif fmt == "zip":
            write_zip(site, tmp_pkg, epoch, with_sums=True)
        else:
            bag = Path(tmp) / "bag"
            make_bag(site, bag, cfg, epoch)
            write_zip(bag, tmp_pkg, epoch, with_sums=False)
        os.replace(tmp_pkg, package)
    print(f"snapshot: {package} ({fmt}, {package.stat().st_size} bytes)", file=log)
    return status


def make_bag(site: Path, bag: Path, cfg: Config, epoch: int) -> None:
    """Copy the site into bag/site and turn bag/ into a BagIt bag (payload under data/)."""
    import bagit

    shutil.copytree(site, bag / "site", symlinks=False)
    info = {
        "Source-Organization": cfg.site_title,
        "External-Description": "Reading archive built by site-builder: the site, every original "
                                "input byte for byte (site/_originals/), every article's model (index.json).",
        "External-Identifier": "urn:sha256:" + tree_digest(site),
        "Bagging-Date": datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d"),
        "Bag-Software-Agent": f"site-builder {__version__}",
    }
    bagit.make_bag(str(bag), info, processes=1, checksums=["sha256"])


def tree_digest(root: Path) -> str:
    """One sha256 over every file's path and bytes, in sorted order."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def write_zip(root: Path, package: Path, epoch: int, with_sums: bool) -> None:
    """Deterministic zip of ``root``: sorted entries, fixed times and modes, no extras."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    stamp = max(FIXED_ZIP_TIME, datetime.fromtimestamp(epoch, timezone.utc).timetuple()[:6])
    prefix = "reading-archive"          # not the file name: renaming a package keeps its bytes
    sums = []
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            rel = path.relative_to(root).as_posix()
            data = path.read_bytes()
            _add(zf, f"{prefix}/{rel}", data, stamp)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {rel}\n")
        if with_sums:
            _add(zf, f"{prefix}/SHA256SUMS", "".join(sums).encode("utf-8"), stamp)


def _add(zf: zipfile.ZipFile, name: str, data: bytes, stamp: tuple) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    zf.writestr(info, data)


def write_zim(site: Path, package: Path, cfg: Config, epoch: int) -> None:
    """A ZIM that Kiwix opens on the front page, with each article's title."""
    import json

    from libzim.writer import Creator, Hint, Item, StringProvider

    titles = _titles(site)

    class FileItem(Item):
        def __init__(self, rel: str, data: bytes):
            super().__init__()
            self.rel, self.data = rel, data

        def get_path(self) -> str:
            return self.rel

        def get_title(self) -> str:
            return titles.get(self.rel, "")

        def get_mimetype(self) -> str:
            return _mimetype(self.rel)

        def get_contentprovider(self):
            return StringProvider(self.data)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.rel in titles}

    with Creator(str(package)).config_indexing(True, "eng").config_verbose(False) as creator:
        creator.set_mainpath("index.html")
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            creator.add_item(FileItem(path.relative_to(site).as_posix(), path.read_bytes()))
        day = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d")
        for key, value in (("Title", cfg.site_title), ("Description", "Annotated reading archive"),
                           ("Language", "zho,eng"), ("Creator", cfg.site_title),
                           ("Publisher", "site-builder"), ("Date", day), ("Name", "reading-archive"),
                           ("Source", json.dumps(sorted(titles.values()), ensure_ascii=False)[:1000])):
            creator.add_metadata(key, value)
        creator.add_illustration(48, _png(48, (0x2b, 0x4c, 0x7e)))


def _titles(site: Path) -> dict[str, str]:
    import json
    out = {}
    for model in site.glob("*/index.json"):
        data = json.loads(model.read_text("utf-8"))
        out[f"{model.parent.name}/index.html"] = data["meta"]["title"] or model.parent.name
    return out


def _mimetype(rel: str) -> str:
    ext = rel.rsplit(".", 1)[-1].lower() if "." in rel else ""
    return {"html": "text/html", "css": "text/css", "js": "application/javascript",
            "json": "application/json", "xml": "application/xml", "png": "image/png",
            "jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml",
            "md": "text/plain", "txt": "text/plain"}.get(ext, "application/octet-stream")


def _png(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain square PNG (Kiwix wants a 48x48 illustration)."""
    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


__all__ = ["snapshot", "write_zip", "make_bag", "tree_digest"]
