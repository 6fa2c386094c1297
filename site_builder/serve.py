"""`site-builder serve`: build, serve the output, rebuild on change, reload the browser.

Built on livereload 2.7 (its WebSocket handler, its livereload.js client and
protocol) and tornado, but not on ``livereload.Server.serve``: that serves the
current folder by default, accepts any Host and any Origin and answers a NUL
in a path with a 500 (RELIABILITY.md, SRV).  Here:

- only the output folder is served, its path passed explicitly; a request
  path with ``..``, a backslash or a NUL, or one that resolves (symlinks
  included) outside the folder, gets 403/400/404 and no file;
- the Host header must name a loopback address on our port (DNS rebinding),
  and the reload WebSocket refuses a foreign Origin;
- the server binds 127.0.0.1 unless told otherwise, and warns when it is not;
- the output goes to a temporary folder unless --out is given, never into
  seeds/, content/, templates/ or static/;
- a broken input or template never stops the server: the last good site stays
  on disk, the browser gets a page naming file, line and problem, and the next
  good save brings the site back (the page reloads itself).

Rebuilds are incremental (rebuild.py): a burst of saves is one rebuild, run in
a worker thread while the server keeps answering.
"""
from __future__ import annotations

import argparse
import ipaddress
import mimetypes
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import TextIO
from urllib.parse import quote, unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.ioloop import IOLoop

from .rebuild import Builder, Stats, TreeWriter, rebuild, settle_heap
from .config import Config
from .model import Severity
from .report import safe_console
from .write import OutputRefused, check_out

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SERVE_PREFIX = "/__serve__/"
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/atom+xml",
              "application/javascript", "image/svg+xml")

SERVE_CSS = b"""\
.sb-serve-banner{position:sticky;top:0;z-index:9999;margin:0;padding:.5em 1em;background:#8b0000;
color:#fff;font:14px/1.4 system-ui,sans-serif}
.sb-serve-banner a{color:#fff;text-decoration:underline}
body.sb-error{max-width:60em;margin:2em auto;padding:0 1em;font:16px/1.5 system-ui,sans-serif;color:#222}
body.sb-error h1{color:#8b0000}
body.sb-error li{margin:.75em 0}
body.sb-error code{font-weight:bold;background:#f3f3f3;padding:0 .25em}
body.sb-error .hint{color:#555;margin:.25em 0 0}
"""


# ------------------------------------------------------------------ problems

@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that stops a page from building: where (relative path, line) and what."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else (self.path or "build")


def input_problems(result) -> list[Problem]:
    """Errors from the build report (diagnostics name the input and line)."""
    out = []
    for d in result.all_diagnostics():
        if d.severity is Severity.ERROR:
            out.append(Problem(d.path, d.line, f"[{d.stage} {d.code}] {d.message}", d.hint))
    return out


def exception_problem(err: BaseException, cfg: Config) -> Problem:
    """A render failure as file, line and message, without absolute paths."""
    name, line = _template_location(err, cfg.template_dir)
    message = f"{type(err).__name__}: {getattr(err, 'message', None) or err}"
    return Problem(name, line, scrub(message, cfg), _hint(err))


def _template_location(err: BaseException, template_dir: Path) -> tuple[str, int | None]:
    """Jinja's TemplateSyntaxError carries filename/lineno; render errors leave a template frame."""
    root = str(template_dir.resolve())
    filename, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    if not filename:
        for frame in reversed(traceback.extract_tb(err.__traceback__)):
            if frame.filename.startswith(root + os.sep):
                filename, line = frame.filename, frame.lineno
                break
    if not filename:
        return "", None
    rel = os.path.relpath(os.path.realpath(filename), root) if os.path.isabs(filename) else filename
    return f"templates/{Path(rel).as_posix()}", line


def _hint(err: BaseException) -> str:
    kind = type(err).__name__
    if kind == "TemplateSyntaxError":
        return "check the tag on that line: an unclosed {% %}, {{ }} or block"
    if kind == "UndefinedError":
        return "a variable or attribute that the page context does not have"
    return ""


def scrub(text: str, cfg: Config) -> str:
    """Replace the absolute paths we know by short names (no absolute paths in pages)."""
    named = [(cfg.template_dir, "templates"), (cfg.static_dir, "static"), (cfg.seeds, "seeds"),
             (cfg.content, "content"), (cfg.out, "out"), (Path.home(), "~")]
    for path, label in named:
        for form in {str(path.resolve()), str(path.absolute())}:
            if len(form) > 1:
                text = text.replace(form, label)
    return safe_console(text)


# ------------------------------------------------------------------ pages we make

def error_page(problems: list[Problem], heading: str) -> bytes:
    """The page shown instead of a page that did not build."""
    items = "\n".join(
        f'<li><code>{escape(p.location())}</code> {escape(p.message)}'
        + (f'<p class="hint">{escape(p.hint)}</p>' if p.hint else "") + "</li>"
        for p in problems[:200])
    more = f"<p>… and {len(problems) - 200} more.</p>" if len(problems) > 200 else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\n"
        f"<title>Build error · site-builder serve</title>\n"
        f'<link rel="stylesheet" href="{SERVE_PREFIX}serve.css">\n</head>\n'
        f'<body class="sb-error"><h1>{escape(heading)}</h1>\n'
        "<p>Fix the file named below and save it: this page reloads by itself.</p>\n"
        f'<ol class="sb-problems">\n{items}\n</ol>{more}\n</body></html>\n'
    ).encode("utf-8")


def banner(problems: list[Problem]) -> bytes:
    """A line at the top of good pages while some input fails."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return (f'<p class="sb-serve-banner" role="alert">Build error: <a href="{SERVE_PREFIX}errors">'
            f"{escape(first.location())}: {escape(first.message[:200])}</a>{more}</p>").encode("utf-8")


def inject(html: bytes, port: int, notice: bytes = b"") -> bytes:
    """Add the reload client (and the error banner) to a page we serve."""
    head = (f'<script src="/livereload.js?port={port}"></script>'
            f'<link rel="stylesheet" href="{SERVE_PREFIX}serve.css">').encode()
    at = html.find(b"</head>")
    html = html[:at] + head + html[at:] if at >= 0 else head + html
    if notice:
        body = html.find(b"<body")
        end = html.find(b">", body) + 1 if body >= 0 else 0
        html = html[:end] + notice + html[end:]
    return html


# ------------------------------------------------------------------ build state

@dataclass(slots=True)
class State:
    """What the server shows; replaced whole after each rebuild (readers never see half)."""

    failure: Problem | None = None                       # the site could not be rendered
    problems: list[Problem] = field(default_factory=list)    # inputs that failed
    failing_slugs: frozenset[str] = frozenset()          # pages of failing inputs
    built: int = 0


class Preview:
    """The incremental builder plus what the browser should see."""

    def __init__(self, cfg: Config, log: TextIO) -> None:
        self.cfg = cfg
        self.log = log
        self.builder = Builder(cfg)
        self.writer = TreeWriter(cfg.out)
        self.state = State()
        self.slug_of: dict[str, str] = {}     # input name -> its last good slug

    def rebuild(self, changed: list[str] | None = None, exact: bool = False) -> Stats | None:
        """One build; never raises (the server must stay up).  ``exact``: ``changed`` is every
        path that changed (the watcher saw them all), so seeds/ need not be walked."""
        start = time.perf_counter()
        try:
            result, stats = rebuild(self.builder, self.writer, changed if exact else None)
        except Exception as err:  # a template or writing error: keep the last good site
            self.state = replace(self.state, failure=exception_problem(err, self.cfg),
                                 built=self.state.built + 1)
            self._say(f"error: {self.state.failure.location()}: {self.state.failure.message}")
            return None
        self._update(result)
        self._report(result, stats, time.perf_counter() - start, changed)
        return stats

    def _update(self, result) -> None:
        problems = input_problems(result)
        for r in result.results:
            if r.doc is not None:
                self.slug_of[r.name] = r.doc.meta.slug
        failing = frozenset(self.slug_of[p.path] for p in problems if p.path in self.slug_of
                            and not any(r.name == p.path and r.doc for r in result.results))
        self.state = State(None, problems, failing, self.state.built + 1)

    def _report(self, result, stats: Stats, seconds: float, changed: list[str] | None) -> None:
        what = f" after {len(changed)} change(s)" if changed else ""
        self._say(f"built in {seconds * 1000:.0f} ms{what}: {stats.line()}")
        for p in self.state.problems[:20]:
            self._say(f"error: {p.location()}: {p.message}")

    def _say(self, text: str) -> None:
        print(safe_console(text), file=self.log, flush=True)


# ------------------------------------------------------------------ watching

def _ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES)


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int, int, int]]:
    """path -> stat signature of every file below the roots (symlinks not followed)."""
    out: dict[str, tuple[int, int, int, int]] = {}
    stack = [str(r) for r in roots]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for e in entries:
            if _ignored(e.name):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                else:
                    st = e.stat(follow_symlinks=False)
                    out[e.path] = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
            except OSError:
                continue
    return out


class Watcher:
    """Polls the input folders; ``changes()`` lists files added, changed or removed."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = roots
        self.filepath: str | None = None      # livereload's handler logs this
        self.seconds = 0.0
        self._last = snapshot(roots)

    def changes(self) -> list[str]:
        start = time.perf_counter()
        now = snapshot(self.roots)
        self.seconds = time.perf_counter() - start
        changed = sorted(p for p in now.keys() | self._last.keys() if now.get(p) != self._last.get(p))
        self._last = now
        if changed:
            self.filepath = changed[0]
        return changed


class NotifyWatcher:
    """The folders watched by the kernel (inotify, through watchdog): nothing is scanned.

    ``changes()`` hands over the paths events named since the last call.  A
    folder created, deleted or moved, or a watched folder that appears, sets
    ``full``: the next rebuild walks seeds/ again instead of trusting the list.
    Only events that can change bytes count: our own reads (opened, closed
    without writing) would otherwise trigger rebuilds forever.
    """

    KINDS = frozenset({"created", "deleted", "modified", "moved", "closed"})

    def __init__(self, roots: list[Path]) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.filepath: str | None = None
        self.seconds = 0.0
        self.full = False
        self.last_event = 0.0
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._missing = [r for r in roots if not r.is_dir()]
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                watcher._event(event)

        self._handler = Handler()
        self.observer = Observer()
        for root in roots:
            if root.is_dir():
                self.observer.schedule(self._handler, os.fspath(root.resolve()), recursive=True)
        for parent in {r.resolve().parent for r in self._missing if r.resolve().parent.is_dir()}:
            self.observer.schedule(self._handler, os.fspath(parent), recursive=False)
        self.observer.start()

    def _event(self, event) -> None:
        if event.event_type not in self.KINDS:
            return
        paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        paths = [os.fsdecode(p) for p in paths]
        with self._lock:
            if event.is_directory:
                if event.event_type != "modified":       # a file inside changed: its own event follows
                    self.full = True
                    self._paths.update(paths)
            else:
                self._paths.update(p for p in paths if not _ignored(os.path.basename(p)))
            self.last_event = time.monotonic()

    def changes(self) -> list[str]:
        for root in list(self._missing):                 # content/ created after the start
            if root.is_dir():
                self._missing.remove(root)
                self.observer.schedule(self._handler, os.fspath(root.resolve()), recursive=True)
                with self._lock:
                    self.full = True
                    self._paths.add(os.fspath(root))
        with self._lock:
            changed, self._paths = sorted(self._paths), set()
        if changed:
            self.filepath = changed[0]
        return changed

    def take_full(self) -> bool:
        with self._lock:
            full, self.full = self.full, False
        return full

    def close(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


def make_watcher(roots: list[Path], how: str, log: TextIO):
    """inotify when asked for or available, else polling (``--watch poll``)."""
    if how != "poll":
        try:
            return NotifyWatcher(roots)
        except (ImportError, OSError) as err:       # no watchdog, or inotify limits reached
            if how == "notify":
                raise
            print(f"warning: cannot watch through the kernel ({err}); polling instead", file=log)
    return Watcher(roots)


class Scheduler:
    """Debounce: rebuild once the folders have been quiet for ``debounce`` seconds."""

    def __init__(self, preview: Preview, watcher: Watcher, poll: float, debounce: float) -> None:
        self.preview, self.watcher = preview, watcher
        self.poll, self.debounce = poll, debounce
        self.pending: set[str] = set()
        self.last_change = 0.0
        self.busy = False
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild")

    def tick(self) -> None:
        changed = self.watcher.changes()
        now = time.monotonic()
        if changed:
            self.pending.update(changed)
            self.last_change = getattr(self.watcher, "last_event", 0.0) or now
        if self.pending and not self.busy and now - self.last_change >= self.debounce:
            self._start()
        # Poll less often when a scan is costly (a huge seeds/ folder).
        IOLoop.current().call_later(max(self.poll, 10 * self.watcher.seconds), self.tick)

    def _start(self) -> None:
        paths = sorted(self.pending)
        self.pending.clear()
        self.busy = True
        exact = not getattr(self.watcher, "take_full", lambda: False)()
        loop = IOLoop.current()
        loop.add_future(loop.run_in_executor(self.executor, self.preview.rebuild, paths, exact), self._done)

    def _done(self, future) -> None:
        self.busy = False
        changed = self.preview.writer.changed if future.result() is not None else []
        css = [p for p in changed if p.endswith(".css")]
        # Only stylesheets changed: livereload.js swaps them without reloading the page.
        ReloadSocket.reload_waiters(css[0] if css and len(css) == len(changed) else "*")


# ------------------------------------------------------------------ HTTP

def host_allowed(host: str, port: int, ip_literals: bool = False, extra: tuple[str, ...] = ()) -> bool:
    """Is ``host`` (a Host header or an Origin's netloc) a name we serve under?"""
    host = host.strip().lower()
    name, sep, got_port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not sep:
        name, got_port = host, "80"
    if got_port != str(port):
        return False
    if name in LOOPBACK_NAMES or name in extra:
        return True
    if ip_literals:
        try:
            ipaddress.ip_address(name.strip("[]"))
            return True
        except ValueError:
            return False
    return False


@dataclass(frozen=True, slots=True)
class Resolved:
    status: int
    file: Path | None = None
    redirect: str = ""


def resolve(root: Path, raw_path: str) -> Resolved:
    """URL path -> a file inside ``root`` or a refusal (400 NUL, 403 escape, 404 absent)."""
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return Resolved(400)
    if "\x00" in path:
        return Resolved(400)
    if "\\" in path or any(seg in (".", "..") for seg in path.split("/")):
        return Resolved(403)
    parts = [p for p in path.split("/") if p]
    if any(p.startswith(".") for p in parts):
        return Resolved(404)
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *parts))
    if real != real_root and not real.startswith(real_root + os.sep):
        return Resolved(403)
    if os.path.isdir(real):
        if not path.endswith("/"):
            return Resolved(301, redirect="/" + "".join(quote(p) + "/" for p in parts))
        return _regular(os.path.join(real, "index.html"), real_root)
    return _regular(real, real_root)


def _regular(path: str, real_root: str) -> Resolved:
    real = os.path.realpath(path)
    if not real.startswith(real_root + os.sep):
        return Resolved(403)
    return Resolved(200, Path(real)) if os.path.isfile(real) else Resolved(404)


class Guard:
    """Mixin: Host allow-list before anything else; plain error pages without paths."""

    settings: dict

    def prepare(self) -> None:
        s = self.settings["sb"]
        if not host_allowed(self.request.host, s.port, s.ip_literals, s.extra_hosts):
            raise web.HTTPError(403)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(f"<!doctype html><title>{status_code}</title><h1>{status_code} "
                    f"{escape(self._reason)}</h1>\n")


class ReloadSocket(Guard, LiveReloadHandler):
    """livereload's WebSocket, refusing pages from another origin."""

    def check_origin(self, origin: str) -> bool:
        s = self.settings["sb"]
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and host_allowed(parts.netloc, s.port, s.ip_literals,
                                                                  s.extra_hosts)


class ReloadScript(Guard, LiveReloadJSHandler):
    """livereload.js, the browser side of the reload protocol."""


class ServeAsset(Guard, web.RequestHandler):
    def get(self, name: str) -> None:
        if name == "serve.css":
            self.set_header("Content-Type", "text/css; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(SERVE_CSS)
        elif name == "errors":
            st = self.settings["sb"].preview.state
            problems = ([st.failure] if st.failure else []) + st.problems
            self._html(error_page(problems, "Build errors") if problems else
                       error_page([], "No build errors"))
        else:
            raise web.HTTPError(404)

    def _html(self, body: bytes) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(inject(body, self.settings["sb"].port))


class SiteFiles(ServeAsset):
    """The output folder, and the error page when the page asked for did not build."""

    def get(self, _ignored: str = "") -> None:
        self._respond(True)

    def head(self, _ignored: str = "") -> None:
        self._respond(False)

    def _respond(self, body: bool) -> None:
        s = self.settings["sb"]
        st = s.preview.state
        found = resolve(s.root, self.request.path)
        if found.status == 301:
            self.redirect(found.redirect, permanent=False)
            return
        if found.status in (400, 403):
            raise web.HTTPError(found.status)
        html = found.file is None or found.file.suffix == ".html"
        if html and st.failure:
            return self._html(error_page([st.failure], "The site did not build"))
        if html and self._first_segment() in st.failing_slugs:
            return self._html(error_page(st.problems, "This page did not build"))
        if found.file is None and st.problems:
            self.set_status(404)
            return self._html(error_page(st.problems, "Page not found, and some inputs did not build"))
        if found.file is None:
            return self._not_found(s)
        self._send(found.file, body, st)

    def _first_segment(self) -> str:
        parts = [p for p in unquote(self.request.path).split("/") if p]
        return parts[0] if parts else ""

    def _not_found(self, s) -> None:
        self.set_status(404)
        page = s.root / "404.html"
        data = page.read_bytes() if page.is_file() else b"<!doctype html><title>404</title><h1>404</h1>"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(inject(data, s.port))

    def _send(self, path: Path, body: bool, st: State) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            raise web.HTTPError(404)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            data = inject(data, self.settings["sb"].port, banner(st.problems) if st.problems else b"")
        if ctype.startswith(TEXT_TYPES) and not self.request.path.startswith("/_originals/"):
            ctype += "; charset=utf-8"
        self.set_header("Content-Type", ctype)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        if body:
            self.finish(data)
        else:
            self.set_header("Content-Length", str(len(data)))
            self.finish()


@dataclass(slots=True)
class ServeSettings:
    root: Path
    port: int
    preview: Preview
    ip_literals: bool = False
    extra_hosts: tuple[str, ...] = ()


def log_request(handler: web.RequestHandler) -> None:
    """Refusals and failures only, control characters made visible (SRV-6)."""
    status = handler.get_status()
    if status >= 400:
        req = handler.request
        print(safe_console(f"{status} {req.method} {req.uri[:300]}"), file=sys.stderr, flush=True)


def make_app(settings: ServeSettings) -> web.Application:
    return web.Application([
        (r"/livereload", ReloadSocket),
        (r"/livereload\.js", ReloadScript),
        (SERVE_PREFIX + r"(.*)", ServeAsset),
        (r"/(.*)", SiteFiles),
    ], sb=settings, default_handler_class=SiteFiles, log_function=log_request)


# ------------------------------------------------------------------ command line

def add_arguments(p: argparse.ArgumentParser) -> None:
    """serve's own options (the site options come from cli._site_args)."""
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; others warn)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: a temporary folder, removed on exit)")
    p.add_argument("--templates", type=Path, default=None, help="templates folder (default the project's)")
    p.add_argument("--static", type=Path, default=None, help="static folder (default the project's)")
    p.add_argument("--watch", choices=("auto", "notify", "poll"), default="auto",
                   help="how to see changes: the kernel's notifications (inotify), or scans (auto: "
                        "notifications when available)")
    p.add_argument("--poll", type=float, default=0.05,
                   help="seconds between looks at the changes seen (between scans with --watch poll)")
    p.add_argument("--debounce", type=float, default=0.1, help="quiet seconds before a rebuild")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_out(out: Path, cfg: Config) -> str | None:
    """Why ``out`` must not be the preview's output folder, or None."""
    watched = [cfg.seeds, cfg.content, cfg.template_dir, cfg.static_dir]
    try:
        check_out(out, watched)
    except OutputRefused as err:
        return str(err)
    target = out.resolve()
    for p in watched:
        if p.resolve() in target.parents:
            return f"--out {out} is inside {p.name}/, which serve watches: refused"
    return None


def serve(cfg: Config, host: str, port: int, log: TextIO, poll: float = 0.05, debounce: float = 0.1,
          watch: str = "auto") -> int:
    """Build, then serve until interrupted; returns the exit status."""
    if not is_loopback(host):
        print(f"warning: serving on {host}, reachable from other machines; the preview has no "
              "authentication (use 127.0.0.1 unless you mean it)", file=log)
    # Watch before the first build: a save during it (or just after "serving") is not lost.
    watcher = make_watcher([cfg.seeds, cfg.content, cfg.template_dir, cfg.static_dir], watch, log)
    preview = Preview(cfg, log)
    preview.rebuild()
    settle_heap()
    settings = ServeSettings(cfg.out.resolve(), port, preview, ip_literals=not is_loopback(host),
                             extra_hosts=(host.lower(),))
    app = make_app(settings)
    server = app.listen(port, address=host, xheaders=False)
    settings.port = port or next(iter(server._sockets.values())).getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"serving {cfg.seeds} on http://{shown}:{settings.port}/ (output {cfg.out}); "
          "Ctrl-C to stop", file=log, flush=True)
    ReloadSocket.watcher, ReloadSocket.live_css = watcher, True
    scheduler = Scheduler(preview, watcher, poll, debounce)
    loop = IOLoop.current()
    loop.call_later(poll, scheduler.tick)
    signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        scheduler.executor.shutdown(wait=True)
        getattr(watcher, "close", lambda: None)()
    return 0


def main(args: argparse.Namespace) -> int:
    """`site-builder serve`: the Config from the command line, a temporary --out by default."""
    from .cli import config_from

    temp = None
    if args.out is None:
        temp = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
        args.out = temp / "site"
    cfg = replace(config_from(args), templates=args.templates, static=args.static)
    problem = refuse_out(cfg.out, cfg)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        return serve(cfg, args.host, args.port, sys.stderr, args.poll, args.debounce, args.watch)
    except OSError as err:
        print(f"error: cannot serve on {args.host}:{args.port}: {err.strerror}", file=sys.stderr)
        return 2
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
