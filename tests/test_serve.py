"""`site-builder serve`: live edits, error pages, refusals, and incremental == full build.

One real server (a subprocess on a free port of 127.0.0.1) serves temporary
copies of seeds/, content/, templates/ and static/; the tests edit those
copies and fetch pages with raw sockets, as a browser or an attacker would.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.rebuild import INCOMPLETE, Builder, TreeWriter, rebuild
from site_builder.config import Config
from site_builder.render.templates import LABELS
from site_builder.serve import host_allowed, is_loopback, refuse_out, resolve

ROOT = Path(__file__).resolve().parent.parent
SEED = "003_f4c6e56ee2fcced3.txt"
OTHER = "001_942889ddfca87201.txt"


# ------------------------------------------------------------------ helpers

def copy_project(dest: Path, seeds: tuple[str, ...] = ()) -> Config:
    """Temporary seeds/ (all, or the named ones), content/, templates/, static/ and their Config."""
    for name in ("seeds", "templates", "static"):
        shutil.copytree(ROOT / name, dest / name)
    for extra in (dest / "seeds").iterdir():
        if seeds and extra.name not in seeds:
            extra.unlink()
    (dest / "content").mkdir()
    return Config(seeds=dest / "seeds", content=dest / "content", out=dest / "out",
                  templates=dest / "templates", static=dest / "static", jobs=0)


def raw_get(port: int, path: str, host: str | None = None, extra: str = "") -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall((f"GET {path} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\n{extra}"
                   "Connection: close\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def wait_for(check, timeout: float = 25.0):
    """Poll ``check()`` until it returns something truthy (rebuilds take a moment)."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > end:
            return value
        time.sleep(0.05)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".site-builder-output"}


def slug_of(out: Path, source: str) -> str:
    docs = json.loads((out / "archive.json").read_text("utf-8"))["documents"]
    return next(d["slug"] for d in docs if d["source"] == source)


# ------------------------------------------------------------------ the server

class Server:
    def __init__(self, base: Path, *extra: str, seeds: tuple[str, ...] = ()) -> None:
        self.base = base
        self.cfg = copy_project(base, seeds)
        self.log = base / "serve.log"
        cmd = [sys.executable, "-m", "site_builder", "serve", "--port", "0", "--jobs", "0",
               "--seeds", str(self.cfg.seeds), "--content", str(self.cfg.content),
               "--templates", str(self.cfg.templates), "--static", str(self.cfg.static),
               "--out", str(self.cfg.out), "--poll", "0.05", "--debounce", "0.1", *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.log.open("wb"), cwd=base)
        found = wait_for(lambda: re.search(r"http://127\.0\.0\.1:(\d+)/", self.text()), 60)
        assert found, self.text()
        self.port = int(found.group(1))

    def text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def get(self, path: str, **kw) -> tuple[int, str]:
        status, body = raw_get(self.port, path, **kw)
        return status, body.decode("utf-8", "replace")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("serve"))
    yield srv
    srv.stop()
    assert srv.proc.returncode == 0


# ------------------------------------------------------------------ live preview (SRV-3, FM-2)

def test_edit_break_fix_cycle(server):
    seed = server.cfg.seeds / SEED
    before = {p.name: p.read_bytes() for p in server.cfg.seeds.iterdir()}
    original = seed.read_bytes()
    slug = slug_of(server.cfg.out, SEED)
    url = "/" + "".join(f"%{b:02X}" for b in slug.encode()) + "/"
    assert server.get(url)[0] == 200

    seed.write_bytes(original + b"\n\nZEBRA-SERVE-MARKER: a paragraph added while serving, long enough.\n")
    assert wait_for(lambda: "ZEBRA-SERVE-MARKER" in server.get(url)[1]), server.text()

    seed.write_bytes(b"---\ntitle: [unclosed\n---\n" + original)
    page = wait_for(lambda: (lambda s, b: b if "sb-problems" in b else "")(*server.get(url)))
    assert SEED in page and "front matter" in page and re.search(rf"{SEED}:\d+", page), page
    assert str(server.base) not in page                      # no absolute paths
    home = server.get("/")[1]
    assert "sb-serve-banner" in home and SEED in home        # other pages say so too
    assert server.proc.poll() is None                        # and the server is still up

    seed.write_bytes(original)
    assert wait_for(lambda: "sb-problems" not in (b := server.get(url)[1]) and "article-title" in b)
    assert "ZEBRA-SERVE-MARKER" not in server.get(url)[1]
    after = {p.name: p.read_bytes() for p in server.cfg.seeds.iterdir()}
    assert after == {**before, SEED: original}               # serve wrote nothing into seeds/
    assert list(server.cfg.content.iterdir()) == []          # nor into content/


@pytest.mark.parametrize("watch", ["notify", "poll"])
def test_watchers_see_edits_new_folders_and_deletions(tmp_path, watch):
    """Both watchers: an edit (trusted list, no walk), a file in a new folder (a walk), a deletion."""
    srv = Server(tmp_path, "--watch", watch, seeds=(SEED, OTHER))
    try:
        seed = srv.cfg.seeds / SEED
        url = "/" + "".join(f"%{b:02X}" for b in slug_of(srv.cfg.out, SEED).encode()) + "/"
        seed.write_bytes(seed.read_bytes() + b"\n\nKIWI-WATCH-MARKER in a paragraph added while serving.\n")
        assert wait_for(lambda: "KIWI-WATCH-MARKER" in srv.get(url)[1]), srv.text()
        (srv.cfg.seeds / "later" / "deeper").mkdir(parents=True)
        (srv.cfg.seeds / "later" / "deeper" / "new.md").write_text(
            "---\ntitle: Arrived in a new folder\n---\n\nA body paragraph for the new article.\n", "utf-8")
        assert wait_for(lambda: "Arrived in a new folder" in srv.get("/")[1]), srv.text()
        (srv.cfg.seeds / OTHER).unlink()
        assert wait_for(lambda: OTHER not in (srv.cfg.out / "archive.json").read_text("utf-8")), srv.text()
        assert wait_for(lambda: srv.text().count("built in") >= 4)
        time.sleep(0.5)                                  # our own reads must not start rebuilds
        builds = srv.text().count("built in")
        time.sleep(1.0)
        assert srv.text().count("built in") == builds, srv.text()
    finally:
        srv.stop()


def test_template_error_page_and_recovery(server):
    tpl = server.cfg.templates / "article.html"
    good = tpl.read_text("utf-8")
    tpl.write_text(good.replace("{% block main %}", "{% block main %}{% if %}", 1), "utf-8")
    page = wait_for(lambda: (lambda s, b: b if "sb-problems" in b else "")(*server.get("/")))
    assert re.search(r"templates/article\.html:\d+", page) and "TemplateSyntaxError" in page, page
    assert str(server.base) not in page
    tpl.write_text(good, "utf-8")
    assert wait_for(lambda: "sb-problems" not in server.get("/")[1])


def test_burst_of_saves_is_one_rebuild(server):
    builds = server.text().count("built in")
    for p in sorted(server.cfg.seeds.iterdir()):
        p.write_bytes(p.read_bytes() + b"\n")
    assert wait_for(lambda: server.text().count("built in") > builds)
    time.sleep(0.6)
    new = server.text().split("\n")[-40:]
    lines = [ln for ln in server.text().splitlines() if "built in" in ln][builds:]
    assert len(lines) == 1 and "after 5 change(s)" in lines[0], new


# ------------------------------------------------------------------ refusals (SRV-2, SRV-4, SRV-7)

TRAVERSALS = ["/../", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
              "//etc/passwd", "/sub/../../x", "/\\..\\..\\etc\\passwd", "/%5c..%5cetc", "/etc/passwd",
              "/%2fetc%2fpasswd", "/.site-builder-output", "/index.html%00", "/%00", "/a%ffb"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_is_refused(server, path):
    status, body = server.get(path)
    assert status in (400, 403, 404), (path, status)
    assert "root:" not in body and str(server.base) not in body and "/etc/passwd" not in body
    if "%00" in path:
        assert status == 400


def test_symlinks_inside_out_pointing_out(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", "utf-8")
    (server.cfg.out / "leak.txt").symlink_to(secret)
    (server.cfg.out / "leakdir").symlink_to(tmp_path, target_is_directory=True)
    for path in ("/leak.txt", "/leakdir/secret.txt", "/leakdir/"):
        status, body = server.get(path)
        assert status in (403, 404) and "TOP-SECRET" not in body, path
    assert server.proc.poll() is None


def test_host_header_must_be_loopback(server):
    port = server.port
    assert server.get("/", host=f"localhost:{port}")[0] == 200
    assert server.get("/", host=f"[::1]:{port}")[0] == 200
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"127.0.0.1.nip.io:{port}"):
        assert server.get("/", host=host)[0] == 403, host
    assert server.get("/livereload.js", host=f"evil.example:{port}")[0] == 403


def test_reload_socket_refuses_foreign_origin(server):
    def handshake(origin: str) -> int:
        key = base64.b64encode(os.urandom(16)).decode()
        extra = (f"Upgrade: websocket\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                 f"Origin: {origin}\r\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
            s.sendall((f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                       f"Connection: Upgrade\r\n{extra}\r\n").encode())
            return int(s.recv(200).split(b" ", 2)[1])
    assert handshake("http://evil.example") == 403
    assert handshake(f"http://evil.example:{server.port}") == 403
    assert handshake(f"http://127.0.0.1:{server.port}") == 101


def test_pages_carry_the_reload_client(server):
    status, body = server.get("/")
    assert status == 200 and f'src="/livereload.js?port={server.port}"' in body
    assert server.get("/livereload.js")[0] == 200


def test_non_loopback_host_warns_and_still_checks_host(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "one.md").write_text("# One\n\nA short article body with a few words.\n", "utf-8")
    log = tmp_path / "log"
    proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--seeds", str(seeds), "--content", str(tmp_path / "content"),
                             "--out", str(tmp_path / "out"), "--jobs", "0"],
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"), cwd=tmp_path)
    try:
        found = wait_for(lambda: re.search(r"http://0\.0\.0\.0:(\d+)/", log.read_text()), 60)
        assert found and "warning: serving on 0.0.0.0" in log.read_text()
        port = int(found.group(1))
        assert raw_get(port, "/", host=f"10.1.2.3:{port}")[0] == 200          # an address: fine
        assert raw_get(port, "/", host=f"attacker.example:{port}")[0] == 403  # a name: rebinding
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


# ------------------------------------------------------------------ pure parts

def test_resolve_directly(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x")
    assert resolve(tmp_path, "/a/").status == 200
    assert resolve(tmp_path, "/a").redirect == "/a/"
    assert resolve(tmp_path, "//evil.example/").status == 404     # never an open redirect
    assert resolve(tmp_path, "/a/%2e%2e/%2e%2e/").status == 403


def test_host_rules():
    assert host_allowed("127.0.0.1:8000", 8000) and host_allowed("LOCALHOST:8000", 8000)
    assert not host_allowed("192.168.1.5:8000", 8000)
    assert host_allowed("192.168.1.5:8000", 8000, ip_literals=True)    # only with --host 0.0.0.0
    assert not host_allowed("rebind.example:8000", 8000, ip_literals=True)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")


def test_default_host_and_refused_out(tmp_path):
    from site_builder.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and not args.drafts
    cfg = copy_project(tmp_path)
    for out in (cfg.seeds, cfg.content, cfg.seeds / "public", cfg.templates / "x", tmp_path):
        assert refuse_out(out, cfg), out
    assert refuse_out(tmp_path / "preview", cfg) is None


# ------------------------------------------------------------------ incremental == full (LOSS-6)

def full_build(cfg: Config, out: Path) -> dict[str, bytes]:
    from dataclasses import replace

    build(replace(cfg, out=out), io.StringIO())
    return tree(out)


def test_incremental_rebuilds_are_byte_identical(tmp_path):
    cfg = copy_project(tmp_path, (SEED, OTHER))
    builder, writer = Builder(cfg), TreeWriter(cfg.out)

    def again() -> dict[str, bytes]:
        rebuild(builder, writer)
        assert not (cfg.out / INCOMPLETE).exists()
        return tree(cfg.out)

    again()
    seed = cfg.seeds / SEED
    steps = [
        lambda: seed.write_bytes(seed.read_bytes() + b"\n\nAn added paragraph, long enough to count here.\n"),
        lambda: (cfg.content / SEED.replace(".txt", ".toml")).write_text(
            '[meta]\ntitle = "An editor\'s title"\ntags = ["edited"]\n', "utf-8"),
        lambda: (cfg.templates / "base.html").write_text(
            (cfg.templates / "base.html").read_text("utf-8").replace("</main>", "<!-- t2 --></main>"), "utf-8"),
        lambda: (cfg.static / "style.css").write_bytes(b"/* changed */\n"),
        lambda: edit(cfg.templates / "term.html", '<ol class="entries">', '<ol class="entries" data-t="3">'),
        lambda: edit(cfg.templates / "_macros.html", '<li class="entry">', '<li class="entry" data-m="4">'),
        lambda: (cfg.seeds / "zz_new.txt").write_bytes(b"A new article\n\nWith a body paragraph of words.\n"),
        lambda: seed.unlink(),
    ]
    for n, step in enumerate(steps):
        step()
        incremental = again()
        assert incremental == full_build(cfg, tmp_path / f"full{n}"), f"step {n}"
    assert builder.docs.processed <= 1 and builder.memo.rendered < len(incremental)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


def test_a_template_change_renders_only_the_pages_that_read_it(tmp_path):
    """term.html is read by the term pages alone, _macros.html by the listings (both its macros
    changed, so each of them shows it), base.html by all: a change renders exactly the pages
    whose bytes it changes, and an article's only when article.html or base.html changed."""
    cfg = copy_project(tmp_path, (SEED, OTHER))
    builder, writer = Builder(cfg), TreeWriter(cfg.out)
    rebuild(builder, writer)
    pages = builder.memo.rendered
    steps = [("term.html", [('<ol class="entries">', '<ol class="entries" data-t="1">')], False),
             ("_macros.html", [('<nav class="breadcrumbs', '<nav data-m="2" class="breadcrumbs'),
                               ('<li class="entry">', '<li class="entry" data-m="2">')], False),
             ("article.html", [('{% block main %}', '{% block main %}<!-- a3 -->')], True),
             ("base.html", [("</main>", "<!-- b4 --></main>")], True)]
    for name, edits, articles in steps:
        before = tree(cfg.out)
        for old, new in edits:
            edit(cfg.templates / name, old, new)
        _, stats = rebuild(builder, writer)
        after = tree(cfg.out)
        changed = {p for p in after if p.endswith(".html") and after[p] != before.get(p)}
        assert stats.processed == 0 and changed and builder.memo.rendered == len(changed), name
        assert any(p.endswith("/index.html") and (p[:-10] + "index.json") in after for p in changed) is articles, name
    assert builder.memo.rendered == pages       # base.html: every page
    assert after == full_build(cfg, tmp_path / "full")


def test_template_versions_follow_what_each_template_reads(tmp_path):
    from site_builder.render.page_memo import template_versions, tree_hash

    files = {"base.html": "<main>{% block main %}{% endblock %}</main>", "m.html": "{% macro x() %}x{% endmacro %}",
             "a.html": '{% extends "base.html" %}{% from "m.html" import x %}{% block main %}{{ x() }}{% endblock %}',
             "b.html": '{% extends "base.html" %}', "dyn.html": "{% include name %}", "bad.html": "{% if %}"}
    versions = {}
    for step, (name, text) in enumerate([(None, None), ("m.html", "{% macro x() %}y{% endmacro %}"),
                                         ("base.html", "<main>{% block main %}{% endblock %}!</main>"),
                                         ("other.txt", "unrelated")]):
        if name:
            files[name] = text
        for n, t in files.items():
            (tmp_path / n).write_text(t, "utf-8")
        versions[step] = template_versions(tmp_path, tree_hash(tmp_path))
    moved = [{n for n in files if n in versions[k - 1] and versions[k][n] != versions[k - 1][n]} for k in (1, 2, 3)]
    assert moved[0] == {"m.html", "a.html", "dyn.html", "bad.html"}                # b.html does not read m.html
    assert moved[1] == {"base.html", "a.html", "b.html", "dyn.html", "bad.html"}   # m.html does not read base
    assert moved[2] == {"dyn.html", "bad.html"}           # unknown reads: any file of the tree


def test_rebuild_defers_young_collections_until_written(tmp_path):
    """No collection falls inside a rebuild's build or write: they run once the files are on
    disk, with the usual threshold back."""
    import gc
    import traceback

    cfg = copy_project(tmp_path, (SEED, OTHER))
    builder, writer = Builder(cfg), TreeWriter(cfg.out)
    rebuild(builder, writer)
    before = gc.get_threshold()
    inside: list[str] = []

    def collected(phase: str, info: dict) -> None:
        if phase == "start":
            inside.extend(f"{f.filename}:{f.name}" for f in traceback.extract_stack()
                          if "site_builder" in f.filename and f.name not in ("rebuild", "young_collections_deferred"))

    seed = cfg.seeds / SEED
    gc.callbacks.append(collected)
    try:
        for n in range(3):
            seed.write_bytes(seed.read_bytes() + f"\n\nParagraph {n} with several words in it.\n".encode())
            _, stats = rebuild(builder, writer, [str(seed)])
            assert stats.processed == 1 and stats.written >= 1
    finally:
        gc.callbacks.remove(collected)
    assert gc.get_threshold() == before
    assert inside == []


def test_trusted_change_lists_give_what_a_walk_gives(tmp_path):
    """InputCache given the watcher's paths (no walk, no stat of the rest) == a full discover."""
    from site_builder.cache import InputCache
    from site_builder.discover import discover

    cfg = copy_project(tmp_path, (SEED, OTHER))
    cache = InputCache()
    cache.discover(cfg.seeds, cfg.content, cfg.limits.max_bytes)
    seed, toml = cfg.seeds / SEED, cfg.content / SEED.replace(".txt", ".toml")
    steps = [
        (lambda: seed.write_bytes(seed.read_bytes() + b"\nmore\n"), [seed], False),
        (lambda: toml.write_text('[meta]\ntitle = "T"\n', "utf-8"), [toml], False),
        (lambda: (cfg.seeds / "b.md").write_text("# B\n\nbody text here\n", "utf-8"), [cfg.seeds / "b.md"], False),
        (lambda: (cfg.seeds / "b.md").unlink(), [cfg.seeds / "b.md"], False),
        (lambda: cfg.templates.joinpath("x.html").write_text("x", "utf-8"), [cfg.templates / "x.html"], False),
        (lambda: (cfg.seeds / "sub").mkdir(), [cfg.seeds / "sub"], True),          # a folder: walk
        (lambda: (cfg.seeds / ".hidden.md").write_text("x", "utf-8"), [cfg.seeds / ".hidden.md"], True),
    ]
    for n, (step, paths, walks) in enumerate(steps):
        step()
        got = cache.discover(cfg.seeds, cfg.content, cfg.limits.max_bytes, [str(p) for p in paths])
        assert cache.walked == walks, n
        want = discover(cfg.seeds, cfg.content, cfg.limits.max_bytes)
        assert got[0] == want[0] and got[1] == want[1], n


def test_unchanged_inputs_are_not_reprocessed(tmp_path):
    cfg = copy_project(tmp_path, (SEED, OTHER))
    builder = Builder(cfg)
    builder.build()
    seed = cfg.seeds / SEED
    seed.write_bytes(seed.read_bytes() + b"\n\nOne more paragraph with several words in it.\n")
    _, _, stats = builder.build()
    assert (stats.read, stats.processed) == (1, 1)
    (cfg.templates / "404.html").write_text((cfg.templates / "404.html").read_text("utf-8") + "\n", "utf-8")
    _, _, stats = builder.build()
    assert (stats.read, stats.processed) == (0, 0) and stats.rendered >= 1   # re-render, no re-parse


def test_drafts_only_with_drafts_and_marked(tmp_path):
    from dataclasses import replace

    cfg = copy_project(tmp_path, (SEED,))
    (cfg.seeds / "draft.md").write_text("---\ntitle: Unfinished piece\ndraft: true\n---\n\n"
                                        "Draft body paragraph with enough words to count.\n", "utf-8")
    for drafts in (False, True):
        out = tmp_path / f"out-{drafts}"
        writer = TreeWriter(out)
        _, files, _ = Builder(replace(cfg, drafts=drafts, out=out)).build()
        writer.write(files)
        page = files.get("unfinished-piece/index.html")
        assert (page is not None) is drafts
        if drafts:   # the label the templates show on drafts (LABELS["draft"])
            assert LABELS["draft"].encode() in page


def test_killed_writer_never_leaves_a_torn_file(tmp_path):
    """SIGKILL during in-place updates: every file is whole, from one build or the next."""
    out = tmp_path / "out"
    script = (
        "import sys; from pathlib import Path; from site_builder.rebuild import TreeWriter\n"
        "w = TreeWriter(Path(sys.argv[1])); n = 0\n"
        "while True:\n"
        "    w.write({f'p{i}/index.html': (f'<v{n}>' * 5000).encode() for i in range(100)}); n += 1\n"
        "    print(n, flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, cwd=ROOT)
    for _ in range(3):
        proc.stdout.readline()
    proc.kill()
    proc.wait()
    for i in range(100):
        data = (out / f"p{i}" / "index.html").read_bytes()
        assert re.fullmatch(rb"(<v\d+>)\1{4999}", data), i
    leftovers = [p.name for p in out.rglob("*.tmp")]
    writer = TreeWriter(out)                 # a new serve: full atomic swap cleans up
    writer.write({"index.html": b"ok"})
    assert tree(out) == {"index.html": b"ok"} and len(leftovers) <= 1


# ------------------------------------------------------------------ a real browser

@pytest.mark.browser
def test_open_page_reloads_itself(server, browser):
    """Chromium keeps the page open; a save shows up without navigation (CSP allows the client)."""
    from urllib.parse import quote

    seed = server.cfg.seeds / OTHER
    original = seed.read_bytes()
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"http://127.0.0.1:{server.port}/{quote(slug_of(server.cfg.out, OTHER))}/")
        page.wait_for_function("() => window.LiveReload && window.LiveReload.connector"
                               " && window.LiveReload.connector._isSocketConnected()", timeout=20000)
        page.evaluate("() => { window.__notReloaded = true }")
        seed.write_bytes(original + b"\n\nBROWSER-RELOAD-MARKER paragraph, long enough to be kept.\n")

        def reloaded() -> bool:
            try:
                return page.evaluate("() => !window.__notReloaded") and "BROWSER-RELOAD-MARKER" in page.content()
            except Exception:        # the page is between two documents
                return False
        assert wait_for(reloaded), server.text()[-2000:]
        assert not [e for e in errors if "Content Security Policy" in e or "WebSocket" in e], errors
    finally:
        seed.write_bytes(original)
        page.close()
