"""The real CLI over real files: site layout, archive.json, report, determinism, bad input."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def cli(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "site_builder", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=300)


def tree(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    res = cli("build", "--seeds", str(SEEDS), "--out", str(out))
    assert res.returncode == 0, res.stderr
    return out


def test_help_on_every_command():
    for args in (["--help"], ["build", "--help"], ["inspect", "--help"], ["clean", "--help"]):
        res = cli(*args)
        assert res.returncode == 0 and "usage" in res.stdout


def test_every_seed_has_a_page_and_a_model(site):
    archive = json.loads((site / "archive.json").read_text("utf-8"))["documents"]
    assert sorted(d["source"] for d in archive) == sorted(p.name for p in SEEDS.iterdir())
    for d in archive:
        assert d["status"] == "published"
        assert (site / d["slug"] / "index.html").is_file()
        model = json.loads((site / d["slug"] / "index.json").read_text("utf-8"))
        assert model["source"]["path"] == d["source"]
        assert {"slug", "title", "date", "languages", "status", "canonical", "versions"} <= set(d)


def test_home_lists_articles_newest_first(site):
    html = (site / "index.html").read_text("utf-8")
    dates = re.findall(r'<time datetime="([^"]+)"', html)
    assert dates == sorted(dates, reverse=True) and dates
    assert "中国AI初创公司DeepSeek是如何与硅谷巨头竞争的" in html


def test_every_link_is_relative_and_resolves(site):
    from urllib.parse import unquote, urlsplit
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        for href in re.findall(r'(?:href|src)="([^"]+)"', html):
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue            # external article links and sources, never loaded
            assert not parts.scheme and not href.startswith("/"), (page, href)
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page.relative_to(site), href)


def test_originals_are_kept_byte_for_byte(site):
    archive = json.loads((site / "archive.json").read_text("utf-8"))["documents"]
    for d in archive:
        kept = site / d["original"]
        assert kept.read_bytes() == (SEEDS / d["source"]).read_bytes()
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == d["sha256"]


def test_report_json_and_console_summary(site):
    report = json.loads((site / "_report.json").read_text("utf-8"))
    assert report["ok"] is True and report["counts"]["published"] == 5


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("build", "--out", str(a), env={"TZ": "UTC", "PYTHONHASHSEED": "1"}).returncode == 0
    assert cli("build", "--out", str(b), env={"TZ": "Asia/Shanghai", "PYTHONHASHSEED": "99"}).returncode == 0
    assert tree(a) == tree(b)


def test_bad_inputs_are_named_and_the_rest_builds(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "broken.md").write_bytes(b"---\ntitle: ok\nbad: [unclosed\n---\nbody\n")
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (seeds / "latin.txt").write_bytes("Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2013 \u201cquoted\u201d text that goes on.\n".encode("cp1252"))
    before = tree(seeds)
    out = tmp_path / "public"
    res = cli("build", "--seeds", str(seeds), "--out", str(out))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "broken.md:4" in res.stderr and "empty.txt" in res.stderr and "image.md" in res.stderr
    report = json.loads((out / "_report.json").read_text("utf-8"))
    status = {f["source"]: f["status"] for f in report["files"]}
    assert status["broken.md"] == status["empty.txt"] == status["image.md"] == "skipped"
    assert status["latin.txt"] == "published"
    assert sum(1 for s in status.values() if s == "published") == 6
    assert tree(seeds) == before                     # inputs never modified
    archive = json.loads((out / "archive.json").read_text("utf-8"))["documents"]
    assert {d["source"]: d["status"] for d in archive}["broken.md"] == "skipped"


def test_drafts_only_with_flag(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "d.md").write_text("---\ntitle: Draft piece\ndraft: true\n---\nA draft body paragraph.\n", "utf-8")
    (seeds / "p.md").write_text("---\ntitle: Public piece\n---\nA public body paragraph.\n", "utf-8")
    out = tmp_path / "out"
    assert cli("build", "--seeds", str(seeds), "--out", str(out)).returncode == 0
    assert not (out / "draft-piece").exists() and (out / "public-piece" / "index.html").exists()
    assert "Draft piece" not in (out / "index.html").read_text("utf-8")
    assert cli("build", "--seeds", str(seeds), "--out", str(out), "--drafts").returncode == 0
    assert "Draft" in (out / "draft-piece" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("target", ["seeds", ".", "..", "content"])
def test_out_refused_for_inputs_and_project(tmp_path, target):
    project = tmp_path / "proj"
    shutil.copytree(SEEDS, project / "seeds")
    (project / "content").mkdir()
    before = tree(project)
    res = cli("build", "--out", target, cwd=project, env={"PYTHONPATH": str(ROOT)})
    assert res.returncode == 2 and "refused" in res.stderr
    assert tree(project) == before


def test_out_refused_when_it_holds_other_files(tmp_path):
    other = tmp_path / "docs"
    other.mkdir()
    (other / "thesis.txt").write_text("precious", "utf-8")
    res = cli("build", "--out", str(other))
    assert res.returncode == 2 and (other / "thesis.txt").read_text("utf-8") == "precious"


def test_slug_from_input_cannot_escape(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.md").write_text("---\ntitle: A\nslug: ../../escape\n---\nBody of a.\n", "utf-8")
    (seeds / "b.md").write_text("---\ntitle: B\nslug: ../../escape\n---\nBody of b.\n", "utf-8")
    out = tmp_path / "site" / "public"
    res = cli("build", "--seeds", str(seeds), "--out", str(out))
    assert res.returncode == 0
    assert not (tmp_path / "escape").exists() and not (tmp_path / "site" / "escape").exists()
    assert (out / "escape" / "index.html").exists() and (out / "escape-2" / "index.html").exists()
    assert "PATH001" in res.stderr or "made safe" in res.stderr


def test_clean_command_prints_blocks_and_explains(tmp_path):
    path = next(SEEDS.glob("004*"))
    res = cli("clean", str(path))
    assert res.returncode == 0 and "The day after Christmas" in res.stdout
    assert "\n\n" in res.stdout
    explained = cli("clean", str(path), "--explain")
    assert "DROP" in explained.stdout and "metadata: authors" in explained.stdout
    out = tmp_path / "c.txt"
    assert cli("clean", str(path), "-o", str(out)).returncode == 0 and out.read_text("utf-8") == res.stdout


def test_every_model_matches_the_shipped_json_schema(site):
    import jsonschema
    from importlib.resources import files
    schema = json.loads(files("site_builder").joinpath("schema/document.schema.json").read_text("utf-8"))
    for model in site.glob("*/index.json"):
        jsonschema.validate(json.loads(model.read_text("utf-8")), schema)


def test_editorial_meta_wins_and_bad_toml_is_named(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir(), content.mkdir()
    shutil.copy(next(SEEDS.glob("002*")), seeds)
    shutil.copy(next(SEEDS.glob("004*")), seeds)
    (content / "002_12cb148f6a180bd2.toml").write_text('[meta]\nsite = "TMTPost"\ntags = ["AI"]\n', "utf-8")
    (content / "004_e7820bf9a1c93ef4.toml").write_text('[meta\nsite = ', "utf-8")
    before = tree(seeds)
    out = tmp_path / "out"
    res = cli("build", "--seeds", str(seeds), "--content", str(content), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "004_e7820bf9a1c93ef4.toml" in res.stderr and "ED001" in res.stderr
    model = json.loads((out / "deepseek-falls-short-of-shaking-the-de-facto-us-china-ai-landscape" / "index.json")
                       .read_text("utf-8"))
    assert model["meta"]["site"] == "TMTPost" and model["meta"]["tags"] == ["AI"]
    assert tree(seeds) == before
