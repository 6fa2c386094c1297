"""The test infrastructure itself, on tiny pages written here: each fixture of conftest.py
does what the browser, HTML and accessibility tests rely on, and each check can fail."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


def html(body: str, *, title: str = "Test page", lang: str = "en", csp: str | None = CSP,
         head: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    csp_meta = f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n' if csp else ""
    return (f"<!doctype html>\n<html{lang_attr}>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{csp_meta}"
            f"<title>{title}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n")


VALID = html(
    '<header><p class="brand">Test site</p></header>\n<main>\n<h1>An accessible page</h1>\n'
    '<p lang="zh">中文段落，没有空格。</p>\n<p><a href="other.html">Another page</a></p>\n</main>',
    head='<link rel="stylesheet" href="style.css">\n<script src="app.js" defer></script>\n')
INVALID = ("<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"></head>\n"
           "<body><p><div>a block inside a paragraph</div></p></body>\n</html>\n")
INACCESSIBLE = html(
    f'<main><img src="{GIF}">\n<input type="text" name="q">\n'
    '<p class="faint">Grey on white, too faint to read.</p></main>',
    lang="", head='<link rel="stylesheet" href="style.css">\n')
STYLE = ("body { color: #1a1a1a; background: #ffffff; }\n.brand { color: rgb(0, 0, 128); }\n"
         ".faint { color: #d0d0d0; background: #ffffff; }\n")
APP_JS = 'document.documentElement.dataset.app = "ran";\n'
ERRORS_JS = 'console.error("boom from test");\nthrow new Error("uncaught from test");\n'
INLINE = html('<main><h1>CSP</h1><script>document.title = "inline ran";</script></main>',
              title="CSP kept")
FONTS = html('<main><p><span id="han">中文字体</span> <span id="none">\u0378\u0379\u0380\u0381</span></p></main>',
             lang="zh")


def outside_page(trap: str) -> dict[str, str]:
    """A page with no CSP that reaches for the web, and for a server on another local port."""
    body = ('<main><h1>Outside</h1>\n<img src="http://example.com/photo.jpg" alt="remote photo">\n'
            f'<img src="{trap}/pixel.png" alt="trap">\n<script src="outside.js"></script></main>')
    js = (f'Promise.all([fetch("https://api.example.org/track?id=1"), fetch("{trap}/beacon")]'
          '.map(p => p.then(() => "loaded", () => "failed")))\n'
          '  .then(r => { document.documentElement.dataset.fetches = r.join(","); });\n'
          'try { new WebSocket("wss://ws.example.net/live"); } catch (e) {}\n')
    head = '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Noto+Serif">\n'
    return {"outside.html": html(body, csp=None, head=head), "outside.js": js}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    return write(tmp_path / "tiny", {
        "valid.html": VALID, "other.html": VALID, "style.css": STYLE, "app.js": APP_JS,
        "inaccessible.html": INACCESSIBLE, "errors.html": html("<main><h1>Errors</h1></main>",
                                                               head='<script src="errors.js"></script>\n'),
        "errors.js": ERRORS_JS, "inline.html": INLINE, "fonts.html": FONTS,
    })


class _Trap(BaseHTTPRequestHandler):
    """Answers anything, to anyone (CORS open), and counts: a request that got through."""

    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "image/gif" if self.path.endswith(".png") else "text/plain")
        self.end_headers()
        self.wfile.write(b"GIF89a" if self.path.endswith(".png") else b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def trap_server() -> Iterator[tuple[str, list[str]]]:
    """A real server on another loopback port: outside the site, yet reachable if not blocked."""
    hits: list[str] = []
    handler = type("Trap", (_Trap,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def no_proxy_get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


# --- server and build -----------------------------------------------------------------------

def test_http_server_serves_temp_files_on_loopback(http_server, tiny_site):
    assert http_server.base_url.startswith("http://127.0.0.1:")
    status, body = no_proxy_get(http_server.url(tiny_site / "valid.html"))
    assert status == 200 and "An accessible page" in body.decode("utf-8")
    assert no_proxy_get(http_server.url(tiny_site / "missing.html"))[0] == 404


def test_built_site_fixture_builds_every_seed(built_site, seeds_dir, http_server):
    archive = json.loads((built_site / "archive.json").read_text("utf-8"))["documents"]
    assert sorted(d["source"] for d in archive) == sorted(p.name for p in seeds_dir.iterdir())
    status, body = no_proxy_get(http_server.url(built_site / "index.html"))
    assert status == 200 and b"<html" in body


# --- browser --------------------------------------------------------------------------------

def test_browser_is_debians_chromium(browser, chromium_path):
    printed = subprocess.run([str(chromium_path), "--version"], capture_output=True, text=True,
                             timeout=60).stdout
    assert browser.version and browser.version in printed


@pytest.mark.parametrize("via", ["file", "http"])
def test_a_local_page_loads_with_its_assets_and_nothing_recorded(page, page_log, http_server,
                                                                 tiny_site, via):
    url = (tiny_site / "valid.html").as_uri() if via == "file" else http_server.url(tiny_site / "valid.html")
    page.goto(url)
    page.wait_for_function("document.documentElement.dataset.app === 'ran'")
    assert page.eval_on_selector(".brand", "e => getComputedStyle(e).color") == "rgb(0, 0, 128)"
    page.evaluate("1")                      # let pending console events arrive
    page_log.assert_clean()


@pytest.mark.parametrize("via", ["file", "http"])
def test_requests_leaving_the_site_are_recorded_and_blocked(page, page_log, http_server, tmp_path,
                                                            trap_server, via):
    trap, hits = trap_server
    site = write(tmp_path / "out", outside_page(trap))
    url = (site / "outside.html").as_uri() if via == "file" else http_server.url(site / "outside.html")
    page.goto(url)
    page.wait_for_function("document.documentElement.dataset.fetches !== undefined")
    assert page.evaluate("document.documentElement.dataset.fetches") == "failed,failed"
    assert hits == [], "a request reached a server outside the site"
    page.evaluate("1")
    expected = {"https://fonts.googleapis.com/css2?family=Noto+Serif", "http://example.com/photo.jpg",
                f"{trap}/pixel.png", "https://api.example.org/track?id=1", f"{trap}/beacon",
                "wss://ws.example.net/live"}
    assert expected <= set(page_log.outside_requests)
    assert not any(u.startswith(("file:", http_server.base_url)) for u in page_log.outside_requests)
    assert any("ERR_BLOCKED_BY_CLIENT" in e for e in page_log.console_errors)


def test_console_errors_and_uncaught_exceptions_are_captured(page, page_log, tiny_site):
    page.goto((tiny_site / "errors.html").as_uri())
    page.evaluate("1")
    assert any("boom from test" in e for e in page_log.console_errors)
    assert any(e.startswith("uncaught:") and "uncaught from test" in e for e in page_log.console_errors)
    assert page_log.outside_requests == []


def test_pages_keep_their_csp(page, page_log, tiny_site):
    """The fixtures never bypass CSP, so a CSP mistake in our templates shows up in tests."""
    page.goto((tiny_site / "inline.html").as_uri())
    page.evaluate("1")
    assert page.title() == "CSP kept"
    assert any("Content Security Policy" in e for e in page_log.console_errors)


def test_screenshot_is_saved_as_png(page, screenshot, tiny_site, project_root):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto((tiny_site / "valid.html").as_uri())
    path = screenshot(page, "infra/valid page 360")
    assert path.parent == project_root / "test-artifacts" / "screenshots"
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 360          # IHDR width


def test_chinese_renders_with_a_cjk_font(page, tiny_site, screenshot):
    """Without a CJK font every Han character is the same empty box, like unassigned code points."""
    page.goto((tiny_site / "fonts.html").as_uri())
    screenshot(page, "infra-cjk-font")
    assert page.locator("#han").screenshot() != page.locator("#none").screenshot()


# --- HTML validity --------------------------------------------------------------------------

def test_vnu_passes_valid_html_and_reports_invalid(vnu_check, tmp_path):
    """One run of the checker (a JVM start costs seconds): a folder, and a single file."""
    folder = write(tmp_path / "vnu", {"valid.html": VALID, "invalid.html": INVALID, "style.css": STYLE})
    single = write(tmp_path / "one", {"single.html": INVALID}) / "single.html"
    errors = vnu_check([folder, single])
    files = {Path(e["file"]).name for e in errors}
    assert files == {"invalid.html", "single.html"}, errors
    messages = " | ".join(e["message"] for e in errors)
    assert "title" in messages and "“p”" in messages, messages
    assert all(e["type"] == "error" and e["lastLine"] >= 1 for e in errors)


def test_vnu_fails_loudly_without_paths(vnu_check):
    with pytest.raises(ValueError):
        vnu_check([])


# --- accessibility --------------------------------------------------------------------------

@pytest.mark.parametrize("via", ["file", "http"])
def test_axe_finds_nothing_serious_on_an_accessible_page_under_csp(page, page_log, axe_check, tiny_site,
                                                                    http_server, via):
    path = tiny_site / "valid.html"
    page.goto(path.as_uri() if via == "file" else http_server.url(path))
    assert axe_check(page) == []
    assert page.evaluate("typeof window.axe.run") == "function"
    page_log.assert_clean()                 # injecting axe broke no CSP rule


def test_axe_reports_serious_violations(page, axe_check, tiny_site):
    page.goto((tiny_site / "inaccessible.html").as_uri())
    ids = {v["id"] for v in axe_check(page)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= ids, ids


# --- CI policy ------------------------------------------------------------------------------

SKIPPING_TESTS = """
import pytest

def test_skips():
    pytest.skip("no reason at all")

def test_needs_the_checker(vnu_check):
    pass
"""
FAILING_BROWSER_TEST = """

def test_fails_in_the_browser(page):
    page.set_content("<p>the page as the test failed</p>")
    assert False
"""


@pytest.mark.parametrize("ci", [False, True])
def test_ci_fails_on_skips_and_missing_tools(tmp_path, ci):
    """In a project without tools/, vnu_check skips locally; under CI=true it and any skip fail,
    and a failed browser test leaves its screenshot."""
    proj = tmp_path / "proj"
    tests = write(proj / "tests", {"test_x.py": SKIPPING_TESTS + (FAILING_BROWSER_TEST if ci else "")})
    shutil.copy(Path(__file__).with_name("conftest.py"), tests / "conftest.py")
    (proj / "pytest.ini").write_text("[pytest]\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(tests)],
                         cwd=proj, capture_output=True, text=True, env=env, timeout=120)
    if ci:
        assert res.returncode == 1, res.stdout
        assert "CI: the Nu Html Checker is not installed" in res.stdout
        assert "CI=true: 1 skipped test(s) fail the run" in res.stdout
        assert "1 failed" in res.stdout and "1 error" in res.stdout, res.stdout
        shots = list((proj / "test-artifacts" / "screenshots").glob("FAILED-*test_fails_in_the_browser*.png"))
        assert len(shots) == 1 and shots[0].read_bytes()[:4] == b"\x89PNG"
    else:
        assert res.returncode == 0, res.stdout
        assert "2 skipped" in res.stdout
