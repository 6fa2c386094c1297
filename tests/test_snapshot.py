"""Archivists' snapshot: BagIt/zip/ZIM packages, reproducible, verified, hostile packages refused."""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EPOCH = "1735689600"          # 2025-01-01


def cli(*args: str, epoch: str | None = EPOCH) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run([sys.executable, "-m", "site_builder", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def bag(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "archive.zip"
    res = cli("snapshot", "--out", str(path))
    assert res.returncode == 0, res.stderr
    return path


def test_bag_holds_site_originals_and_models(bag):
    with zipfile.ZipFile(bag) as zf:
        names = zf.namelist()
        root = names[0].split("/")[0] + "/"
        info = zf.read(root + "bag-info.txt").decode()
        assert "Bagging-Date: 2025-01-01" in info and "Payload-Oxum:" in info
        manifest = zf.read(root + "manifest-sha256.txt").decode().splitlines()
        assert len(manifest) == sum(1 for n in names if n.startswith(root + "data/"))
        archive = json.loads(zf.read(root + "data/site/archive.json"))["documents"]
        for d in archive:
            kept = zf.read(root + "data/site/" + d["original"])
            assert kept == (SEEDS / d["source"]).read_bytes()
            model = json.loads(zf.read(root + f"data/site/{d['slug']}/index.json"))
            prov = model["provenance"]
            assert prov["sha256"] == hashlib.sha256(kept).hexdigest()
            assert prov["archived"] == "2025-01-01" and prov["original_file"] == d["source"]


def test_same_inputs_and_epoch_give_identical_packages(bag, tmp_path):
    again = tmp_path / "other-name.zip"
    assert cli("snapshot", "--out", str(again)).returncode == 0
    assert again.read_bytes() == bag.read_bytes()


def test_verify_accepts_a_good_package(bag):
    res = cli("verify", str(bag))
    assert res.returncode == 0 and "every checksum matches" in res.stderr


def _rewrite(src: Path, dest: Path, change) -> Path:
    """Copy a zip entry by entry, letting ``change(name, data)`` edit, drop (None) or add."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info, data)
    return dest


@pytest.mark.parametrize("case, expect", [
    ("changed", "checksum does not match"),
    ("missing", "listed in manifest-sha256.txt but missing"),
    ("oxum", "Payload-Oxum"),
])
def test_verify_names_each_problem(bag, tmp_path, case, expect):
    def change(name: str, data: bytes):
        if case == "changed" and name.endswith("index.html") and "/data/site/" in name and name.count("/") == 4:
            return data + b"<!-- tampered -->"
        if case == "missing" and name.endswith("archive.json"):
            return None
        if case == "oxum" and name.endswith("bag-info.txt"):
            return data.replace(b"Payload-Oxum: ", b"Payload-Oxum: 1")
        return data
    bad = _rewrite(bag, tmp_path / "bad.zip", change)
    res = cli("verify", str(bad))
    assert res.returncode == 1 and expect in res.stderr and "Traceback" not in res.stderr


def test_verify_finds_an_unlisted_file(bag, tmp_path):
    bad = tmp_path / "extra.zip"
    _rewrite(bag, bad, lambda n, d: d)
    with zipfile.ZipFile(bag) as zf:
        root = zf.namelist()[0].split("/")[0]
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr(f"{root}/data/site/intruder.html", b"<p>not in the manifest</p>")
    res = cli("verify", str(bad))
    assert res.returncode == 1 and "intruder.html: present but not listed" in res.stderr


def test_verify_truncated_package(bag, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(bag.read_bytes()[: len(bag.read_bytes()) // 2])
    res = cli("verify", str(cut))
    assert res.returncode == 1 and "Traceback" not in res.stderr


@pytest.mark.parametrize("name, why", [
    ("pkg/../../escape.txt", "escapes its folder"),
    ("/etc/passwd", "absolute path"),
    ("C:/windows/x", "absolute path"),
    ("pkg\\..\\x", "backslash"),
])
def test_verify_refuses_escaping_entries_and_writes_nothing(tmp_path, name, why):
    pkg = tmp_path / "evil.zip"
    with zipfile.ZipFile(pkg, "w") as zf:
        zf.writestr("pkg/bagit.txt", b"BagIt-Version: 1.0\n")
        zf.writestr(name, b"owned")
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    res = cli("verify", str(pkg))
    assert res.returncode == 1 and why in res.stderr
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before
    assert not (tmp_path / "escape.txt").exists()


def test_verify_refuses_symlink_entries(tmp_path):
    pkg = tmp_path / "link.zip"
    with zipfile.ZipFile(pkg, "w") as zf:
        info = zipfile.ZipInfo("pkg/data/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    res = cli("verify", str(pkg))
    assert res.returncode == 1 and "symbolic link" in res.stderr


def test_verify_refuses_a_zip_bomb_quickly(tmp_path):
    pkg = tmp_path / "bomb.zip"
    with zipfile.ZipFile(pkg, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pkg/bagit.txt", b"BagIt-Version: 1.0\n")
        with zf.open("pkg/data/zeros", "w") as fh:
            chunk = bytes(1 << 20)
            for _ in range(100):
                fh.write(chunk)
    assert pkg.stat().st_size < 200_000
    res = cli("verify", str(pkg))
    assert res.returncode == 1 and "zip bomb" in res.stderr


def test_manifest_paths_validated_before_access(bag, tmp_path):
    def change(name: str, data: bytes):
        if name.endswith("/manifest-sha256.txt"):
            return data + b"0" * 64 + b"  data/../../../etc/passwd\n"
        return data
    bad = _rewrite(bag, tmp_path / "m.zip", change)
    res = cli("verify", str(bad))
    assert res.returncode == 1 and "escapes its folder" in res.stderr


def test_plain_zip_with_sha256sums(tmp_path):
    pkg = tmp_path / "site.zip"
    assert cli("snapshot", "--format", "zip", "--out", str(pkg)).returncode == 0
    assert cli("verify", str(pkg)).returncode == 0
    with zipfile.ZipFile(pkg) as zf:
        assert any(n.endswith("/SHA256SUMS") for n in zf.namelist())


def test_zim_opens_on_the_front_page_with_titles(tmp_path):
    from libzim.reader import Archive
    pkg = tmp_path / "archive.zim"
    res = cli("snapshot", "--format", "zim", "--out", str(pkg))
    assert res.returncode == 0, res.stderr
    zim = Archive(str(pkg))
    assert zim.main_entry.get_item().path == "index.html"
    assert zim.article_count >= 5
    entry = zim.get_entry_by_path("中国ai初创公司deepseek是如何与硅谷巨头竞争的/index.html")
    assert entry.title == "中国AI初创公司DeepSeek是如何与硅谷巨头竞争的"
    assert b"DeepSeek" in bytes(entry.get_item().content)


def test_local_images_replace_placeholders(tmp_path):
    url = "https://inews.gtimg.com/om_bt/OjaOaEITDqoMXSm_2lOR7w4L3d2RjeUPs_mP8JyrcvVxIAA/641"
    images = tmp_path / "images"
    images.mkdir()
    png = b"\x89PNG\r\n\x1a\nfake"
    (images / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".png")).write_bytes(png)
    pkg = tmp_path / "img.zip"
    assert cli("snapshot", "--format", "zip", "--images", str(images), "--out", str(pkg)).returncode == 0
    with zipfile.ZipFile(pkg) as zf:
        local = [n for n in zf.namelist() if "/_images/" in n]
        assert len(local) == 1 and zf.read(local[0]) == png
        page = next(n for n in zf.namelist() if n.endswith("cc59e374/index.html"))
        assert '<img src="../_images/' in zf.read(page).decode()
