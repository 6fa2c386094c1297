"""Shared fixtures: the built site, a loopback HTTP server, Debian's Chromium through Playwright,
the Nu Html Checker (vnu) and axe-core.

Every tool comes from `bash scripts/setup-tests.sh`. A missing tool fails the test under CI
(CI=true) and skips it locally with the reason, and under CI any skipped test fails the run:
CI must never pass by not testing.

Browser fixtures:
    page / page_factory   a fresh context per page; every request that leaves the site (anything
                          but file:// and our own http://127.0.0.1:<port>) is recorded in
                          `page_log.outside_requests` and aborted; console errors and uncaught
                          exceptions go to `page_log.console_errors`. CSP is never bypassed.
    http_server           serves pytest's session temp folder, so built_site and every tmp_path
                          are reachable, under a sub-path: `http_server.url(built_site / "index.html")`.
    screenshot(page, name)   PNG in test-artifacts/screenshots/ (kept as a CI artifact);
                          a failed browser test leaves one there on its own.
    vnu_check(paths)      Nu Html Checker errors for HTML files or folders, as dicts.
    axe_check(page)       axe-core violations of impact serious or critical, as dicts.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")
TOOLS = ROOT / "tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# The JIT's first tier only: a short run starts 3-5x faster (measured 2.7 s against 12.5 s on the
# built site). That tier's frames are larger, and the checker's schema evaluation overflows a
# 1 MB stack even on a small page (a StackOverflowError printed as text, exit 1): hence 8 MB.
VNU_JVM_OPTIONS = ("-Xss8m", "-XX:TieredStopAtLevel=1")

# As the machine notes advise: without the background-networking flags Chromium keeps trying
# Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
# Schemes that never leave the machine besides file:// and our server.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
SERIOUS = ("serious", "critical")
PAGE_TIMEOUT_MS = 10_000

AXE_RUN = """async () => {
  // From file:// axe cannot re-read stylesheets (opaque origin: its XHR fails with a console
  // error), so it skips that preload there; on http it preloads as usual.
  const preload = location.protocol !== 'file:';
  const result = await axe.run(document, {resultTypes: ['violations'], preload});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def in_ci() -> bool:
    """CI=true (or 1/yes) means: a missing tool or a skipped test is a failure."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def missing_tool(what: str) -> NoReturn:
    """Fail under CI, skip locally: a tool the tests need is not installed."""
    message = f"{what}; run `bash scripts/setup-tests.sh`"
    if in_ci():
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


# --- project and built site ---------------------------------------------------------------

@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir(project_root: Path) -> Path:
    return project_root / "seeds"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, project_root: Path, seeds_dir: Path) -> Path:
    """The real CLI, run once per session: `python -m site_builder build` into <tmp>/public."""
    out = tmp_path_factory.mktemp("site") / "public"
    python = VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable)
    cmd = [str(python), "-m", "site_builder", "build", "--seeds", str(seeds_dir), "--out", str(out)]
    res = subprocess.run(cmd, cwd=project_root, capture_output=True, text=True, timeout=600)
    if res.returncode != 0 or not (out / "index.html").is_file():
        pytest.fail(f"site build failed (exit {res.returncode}): {' '.join(cmd)}\n"
                    f"{res.stdout[-2000:]}\n{res.stderr[-4000:]}", pytrace=False)
    return out


# --- loopback HTTP server -----------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files, no log lines, and the types our pages use (fonts, modules, manifests)."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
        ".svg": "image/svg+xml", ".woff2": "font/woff2", ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        pass


@dataclass(frozen=True)
class LocalServer:
    """A static server on 127.0.0.1; `url(path)` maps a file or folder under `root` to its URL."""

    root: Path
    base_url: str

    def url(self, path: Path | str) -> str:
        path = Path(path).resolve()
        rel = path.relative_to(self.root).as_posix() if path != self.root else ""
        slash = "/" if path.is_dir() and rel else ""
        return f"{self.base_url}/{quote(rel)}{slash}"

    def __str__(self) -> str:
        return self.base_url


@pytest.fixture(scope="session")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """Serve the session temp folder (built_site and every tmp_path live there) on a free port."""
    root = tmp_path_factory.getbasetemp().resolve()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="http_server", daemon=True)
    thread.start()
    try:
        yield LocalServer(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


# --- Chromium through Playwright ----------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing_tool(f"Debian's chromium is not installed ({CHROMIUM})")
    return CHROMIUM


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the Python package playwright is not installed")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright: Any, chromium_path: Path) -> Iterator[Any]:
    """Debian's Chromium, headless; Playwright's own browser downloads are never used."""
    browser = _playwright.chromium.launch(
        executable_path=str(chromium_path), headless=True, args=list(CHROMIUM_ARGS))
    yield browser
    browser.close()


@dataclass
class PageLog:
    """What the pages of one test did that a site must not do."""

    allowed_origin: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        return url.startswith(LOCAL_SCHEMES) or url == self.allowed_origin \
            or url.startswith(self.allowed_origin + "/")

    def assert_clean(self) -> None:
        assert self.outside_requests == [], "requests left the site"
        assert self.console_errors == [], "console errors"


@pytest.fixture
def page_log(http_server: LocalServer) -> PageLog:
    return PageLog(allowed_origin=http_server.base_url)


def _guard(context: Any, log: PageLog) -> None:
    """Abort and record every request (and WebSocket) that would leave the site."""
    def on_route(route: Any) -> None:
        url = route.request.url
        if log.is_local(url):
            route.continue_()
        else:
            log.outside_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", on_route)
    if hasattr(context, "route_web_socket"):    # Playwright >= 1.48; unhandled = never connected
        context.route_web_socket("**/*", lambda ws: log.outside_requests.append(ws.url))


def _listen(page: Any, log: PageLog) -> None:
    def on_console(msg: Any) -> None:
        if msg.type == "error":
            where = msg.location.get("url", "")
            log.console_errors.append(f"{msg.text} [{where}:{msg.location.get('lineNumber', '')}]")

    page.on("console", on_console)
    page.on("pageerror", lambda err: log.console_errors.append(f"uncaught: {err}"))


@pytest.fixture
def page_factory(browser: Any, page_log: PageLog, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """new_page(**context_options): a guarded page in a fresh context (viewport, color_scheme,
    java_script_enabled=False, offline...). All pages of a test share `page_log`."""
    contexts: list[Any] = []

    def new_page(**context_options: Any) -> Any:
        context = browser.new_context(**context_options)
        contexts.append(context)
        _guard(context, page_log)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        _listen(page, page_log)
        return page

    yield new_page
    _screenshot_if_failed(request, [p for c in contexts for p in c.pages])
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_factory: Callable[..., Any]) -> Any:
    return page_factory()


# --- screenshots --------------------------------------------------------------------------

def save_screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Save a PNG under test-artifacts/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "screenshot"
    path = SCREENSHOTS / (stem if stem.endswith(".png") else f"{stem}.png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    return save_screenshot


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_if_failed(request: pytest.FixtureRequest, pages: list[Any]) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    for i, page in enumerate(pages):
        try:
            save_screenshot(page, f"FAILED-{request.node.nodeid}-{i}")
        except Exception:  # noqa: BLE001 - a closed page must not hide the real failure
            pass


# --- Nu Html Checker ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def vnu_check() -> Callable[[Iterable[Path | str] | Path | str], list[dict]]:
    """vnu_check(paths) -> the checker's error messages; folders are searched for HTML files."""
    java = shutil.which("java")
    if java is None:
        missing_tool("java is not installed (the Nu Html Checker runs on it)")
    if not VNU_JAR.is_file():
        missing_tool(f"the Nu Html Checker is not installed ({VNU_JAR.relative_to(ROOT)})")
    return partial(_run_vnu, java)


def _run_vnu(java: str, paths: Iterable[Path | str] | Path | str) -> list[dict]:
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise ValueError("vnu_check: no paths given")
    cmd = [java, *VNU_JVM_OPTIONS, "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
           "--exit-zero-always", "--skip-non-html", *map(str, paths)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    try:
        if res.returncode != 0:             # --exit-zero-always: only a broken run exits non-zero
            raise ValueError("checker failed")
        messages = json.loads(res.stderr)["messages"]
    except (ValueError, KeyError) as err:
        raise RuntimeError(f"vnu failed (exit {res.returncode}): {' '.join(cmd[:8])} ...\n"
                           f"{res.stdout[-2000:]}\n{res.stderr[-2000:]}") from err
    return [{**m, "file": _file_of(m.get("url", ""))} for m in messages if m.get("type") != "info"]


def _file_of(url: str) -> str:
    return unquote(urlsplit(url).path) if url.startswith("file:") else url


# --- axe-core -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe_check() -> Callable[..., list[dict]]:
    """axe_check(page) -> axe-core violations of impact serious or critical on the page as it is."""
    if not AXE_JS.is_file():
        missing_tool(f"axe-core is not installed ({AXE_JS.relative_to(ROOT)})")
    return partial(_run_axe, AXE_JS.read_text("utf-8"))


def _run_axe(source: str, page: Any, impacts: tuple[str, ...] = SERIOUS) -> list[dict]:
    # page.evaluate runs through the DevTools protocol, which a `script-src 'self'` CSP does not
    # govern; add_script_tag would insert an inline <script> that the CSP blocks. The page keeps
    # its state (theme, open footnote) and its CSP stays in force for everything else.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(source + "\n;undefined")
    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        raise RuntimeError("axe-core did not load into the page")
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in impacts]


# --- CI: skipped means failed -------------------------------------------------------------

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if in_ci() and _SKIPPED and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if in_ci() and _SKIPPED:
        terminalreporter.write_line(
            f"CI=true: {len(_SKIPPED)} skipped test(s) fail the run: {', '.join(sorted(set(_SKIPPED)))}",
            red=True)
