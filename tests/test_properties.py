"""Properties: arbitrary bytes and text through read -> render never raise (ROB-2),
and nothing of the input is lost (LOSS-5)."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.config import Config
from site_builder.discover import InputFile
from site_builder.model import iter_texts
from site_builder.pipeline import BuildResult, assign_slugs, process
from site_builder.render.pages import render_site
from site_builder.stages.decode import decode
from site_builder.stages.frontmatter import split

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crashers"
CFG = Config(jobs=0)


def build_one(name: str, raw: bytes) -> dict[str, bytes]:
    item = InputFile(name, raw, hashlib.sha256(raw).hexdigest())
    results = assign_slugs([process(item, CFG)])
    assert results[0].status in ("published", "skipped", "draft"), results[0].diagnostics
    docs = tuple(r.doc for r in results if r.doc is not None)
    return render_site(BuildResult(results, docs, [], [item]), CFG)


def check_outputs(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        assert not path.startswith(("/", "..")) and "/../" not in path
        if path.startswith("_originals/"):
            continue                  # the raw input, byte for byte
        data.decode("utf-8")
        if path.endswith(".html"):
            assert b"<script>" not in data


MARKDOWNISH = st.text(alphabet=st.sampled_from(list("ab 中文\n\n#>*-_[]()!:`<>&\"'1.^\\{}+|=~\u3000\u2028\x00\x1b")),
                      max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_never_raise(raw):
    check_outputs(build_one("any.txt", raw))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_any_markdownish_text_never_raises(text):
    check_outputs(build_one("any.md", text.encode("utf-8", "surrogatepass")))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_front_matter_never_raises(text):
    for fence in ("---\n", "+++\n", "{"):
        check_outputs(build_one("fm.md", (fence + text + "\n" + fence.strip("{") + "\nbody").encode("utf-8", "replace")))


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*")) if FIXTURES.is_dir() else [], ids=lambda p: p.name)
def test_inputs_that_once_broke_the_build(path):
    check_outputs(build_one(path.name, path.read_bytes()))


# --------------------------------------------------------------- conservation

# Latin words, numbers and CJK runs apart: a stage may rightly cut between them
# (an image file name glued onto a caption), never inside one.
_RUN = re.compile(r"[A-Za-z\u00c0-\u024f]+|\d+|[^\W\d_A-Za-z\u00c0-\u024f]+")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def unaccounted(raw: bytes, name: str) -> list[str]:
    """Word runs of the decoded body that appear nowhere in the model."""
    decoded = decode(raw, name).text or ""
    body = split(decoded, name, Config().limits).body
    result = process(InputFile(name, raw, hashlib.sha256(raw).hexdigest()), CFG)
    kept = _norm(" ".join(t for t in iter_texts(result.doc) if t))
    kept += " " + _norm(json.dumps(result.doc.meta.extra, ensure_ascii=False))
    missing = []
    for line in body.split("\n"):
        for run in _RUN.findall(line):
            if run not in kept:
                missing.append(run)
    return missing


@pytest.mark.parametrize("seed", sorted(p.name for p in (ROOT / "seeds").iterdir()))
def test_every_piece_of_a_seed_is_accounted_for(seed):
    raw = (ROOT / "seeds" / seed).read_bytes()
    assert unaccounted(raw, seed) == []


def test_conservation_on_a_generated_corpus(tmp_path):
    import subprocess
    import sys
    script = ROOT / "benchmarks" / "corpus.py"
    if not script.exists():
        pytest.skip("benchmarks/corpus.py not present")
    subprocess.run([sys.executable, str(script), "--n", "25", "--out", str(tmp_path), "--seed", "7"],
                   check=True, capture_output=True)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".txt", ".md"))
    assert files
    for path in files:
        assert unaccounted(path.read_bytes(), path.name) == [], path.name
