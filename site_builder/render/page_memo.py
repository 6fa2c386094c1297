"""Pages and parts from the last render, for the preview's next one.

A page is rendered again only when its context differs (or, following
render/delta.py, when the change reaches it), so an edit to one article
re-renders that article, its neighbours and the listings that show it.  A
template change re-renders the pages whose template reads the changed file
(through extends, include, import: ``template_versions``) and keeps the
bodies (no re-parsing): an edit to term.html leaves the articles alone, an
edit to base.html renders every page.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


@dataclass(slots=True)
class RenderMemo:
    """Pages and parts from the last render, reused when their inputs are equal.

    Equality is cheap here: unchanged Documents share their blocks with the
    cached ones (``dataclasses.replace`` keeps fields), so comparing them
    stops at identical objects.
    """

    templates: str = ""
    versions: dict[str, str] = field(default_factory=dict)     # template -> what it reads, hashed
    pages: dict[str, tuple[str, dict[str, Any], Any, Any]] = field(default_factory=dict)
    parts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    rendered: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    full_render: bool = True
    full_reason: str = ""

    def begin(self, template_dir: Path) -> None:
        """Start a render; after a template change visit every page (the pages whose
        template reads the change are rendered again, the others compare equal)."""
        version = tree_hash(template_dir)
        if version != self.templates:
            self.versions = template_versions(template_dir, version)
            self.files = {}
            self.parts.pop("delta", None)          # render.delta: every page again
            self.templates = version
        self.used = set()
        self.rendered = 0
        self.full_render = True

    def end(self, files: dict[str, bytes]) -> None:
        """Keep the files written; after a render that visited every page, drop what it did
        not use (deleted articles, renamed slugs).  A render that followed the delta visited
        only what changed: what it skipped is still current."""
        self.files = files
        if self.full_render and not (self.used.issuperset(self.pages) and self.used.issuperset(self.parts)):
            self.pages = {k: v for k, v in self.pages.items() if k in self.used}
            self.parts = {k: v for k, v in self.parts.items() if k in self.used}

    def version(self, template: str) -> str:
        """What ``template`` renders from (itself and every template it reads), hashed."""
        return self.versions.get(template) or f"{self.templates}:{template}"

    def last(self, path: str) -> bytes | None:
        """The file the last render produced at ``path``."""
        return self.files.get(path)

    def last_files(self) -> dict[str, bytes]:
        return self.files

    def page(self, path: str, template: str, ctx: dict[str, Any], make: Callable[[], Any],
             key: object = None) -> Any:
        self.used.add(path)
        hit, version = self.pages.get(path), self.version(template)
        if hit is not None and hit[0] == version and hit[1] == ctx:
            self.pages[path] = (version, ctx, hit[2], key)
            return hit[2]
        value = make()
        self.rendered += 1
        if isinstance(value, str):
            value = value.encode("utf-8")
        self.pages[path] = (version, ctx, value, key)
        return value

    def reuse(self, path: str, template: str, key: object) -> bytes | None:
        """The page's bytes when it was rendered from the same template and an equal key."""
        hit = self.pages.get(path)
        if hit is not None and hit[0] == self.version(template) and hit[3] is not None and (hit[3] is key or hit[3] == key):
            self.used.add(path)
            return hit[2]
        return None

    def keep(self, name: str, factory: Callable[[], Any]) -> Any:
        """An object kept from render to render (the search index updates itself)."""
        self.used.add(name)
        hit = self.parts.get(name)
        if hit is None or hit[0] is not factory:
            hit = self.parts[name] = (factory, factory())
        return hit[1]

    def part(self, name: str, key: object, make: Callable[[], Any]) -> Any:
        self.used.add(name)
        hit = self.parts.get(name)
        if hit is not None and (hit[0] is key or hit[0] == key):
            return hit[1]
        value = make()
        self.parts[name] = (key, value)
        return value


def template_versions(root: Path, tree: str) -> dict[str, str]:
    """Each template's hash over itself and the templates it reads, transitively.

    A template whose references cannot be followed (a name computed at run
    time, a syntax error, a file that is not text) reads the whole tree: it is
    rendered again after any template change, as before this existed.
    """
    from jinja2 import TemplateError, meta

    from .templates import make_env

    env, own, reads = make_env(root), {}, {}
    for name, data in _template_files(root):
        own[name] = hashlib.sha256(data).hexdigest()
        try:
            reads[name] = set(meta.find_referenced_templates(env.parse(data.decode("utf-8"))))
        except (TemplateError, UnicodeDecodeError):
            reads[name] = {None}
    versions = {}
    for name in own:
        seen = _reached(name, reads)
        read = tree if None in seen else "\0".join(f"{n}={own.get(n, '-')}" for n in sorted(seen))
        versions[name] = hashlib.sha256(f"{name}\0{read}".encode()).hexdigest()
    return versions


def _reached(name: str, reads: dict[str, set[str | None]]) -> set[str | None]:
    """``name`` and every template it reads, directly or not (None: a read not known)."""
    seen: set[str | None] = set()
    todo: list[str | None] = [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(reads.get(current, ()) if current is not None else ())
    return seen


def tree_hash(root: Path) -> str:
    """Hash of every file's name and bytes below ``root`` (templates: a few kB)."""
    h = hashlib.sha256()
    for name, data in _template_files(root):
        h.update(name.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def _template_files(root: Path):
    """(name as Jinja's loader spells it, bytes) of every file below ``root``, sorted."""
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path.relative_to(root).as_posix(), path.read_bytes()
