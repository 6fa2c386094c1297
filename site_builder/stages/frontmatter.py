"""Split Hugo front matter (YAML ---, TOML +++, JSON {...}) from the body.

python-frontmatter's handlers decide *which* form a file starts with; the
parsing is ours because its defaults are traps (RELIABILITY.md): YAML aliases
unlimited, TOML silently ignored without the ``toml`` package, JSON split at
the first lone ``}`` (nested objects), and line numbers lost.  Errors come
back as values with the file's own line numbers.
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from ..config import Limits
from ..model import Diagnostic, Severity, diag

STAGE = "frontmatter"


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (alias bombs) and reports duplicate keys."""

    duplicates: list[tuple[str, int]]

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise FrontMatterError("YAML aliases (*name) are not allowed",
                                   event.start_mark.line + 1)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if isinstance(key, str) and key in seen:
                self.duplicates.append((key, key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep)


class SafeYAMLHandler(YAMLHandler):
    def load(self, fm: str, **_: object) -> Any:  # type: ignore[override]
        loader = _NoAliasLoader(fm)
        loader.duplicates = []
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        return data, loader.duplicates


class TomlHandler(BaseHandler):
    """TOML through the standard library's tomllib (no extra package needed)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **_: object) -> Any:
        return tomllib.loads(fm), []


class StrictJSONHandler(JSONHandler):
    """JSON front matter is one object at the very start, ended by raw_decode."""

    FM_BOUNDARY = re.compile(r'^\{\s*(?:"|\})')

    def load(self, fm: str, **_: object) -> Any:
        return json.loads(fm), []


HANDLERS: tuple[BaseHandler, ...] = (SafeYAMLHandler(), TomlHandler(), StrictJSONHandler())


@dataclass(frozen=True, slots=True)
class Split:
    fields: dict[str, Any] | None   # None: no front matter
    body: str
    body_line: int                  # file line on which the body starts
    form: str                       # "yaml" | "toml" | "json" | ""
    diagnostics: tuple[Diagnostic, ...] = ()


def split(text: str, path: str, limits: Limits) -> Split:
    """Decoded text -> fields and body; malformed front matter is an ERROR value."""
    if text.startswith("\ufeff"):
        text = text[1:]
    for handler in HANDLERS:
        if not handler.detect(text):
            continue
        try:
            return _split_with(handler, text, path, limits)
        except FrontMatterError as err:
            if isinstance(handler, SafeYAMLHandler) and not _looks_like_yaml(text):
                return Split(None, text, 1, "")     # a rule above prose, not front matter
            return Split(None, text, 1, _form(handler), (diag(
                Severity.ERROR, "FM001", STAGE, f"bad front matter: {err}", path, err.line,
                hint="fix the front matter, or remove it"),))
    return Split(None, text, 1, "")


_KEY_LINE = re.compile(r"^[\w.\-\"']+\s*:(\s|$)")


def _looks_like_yaml(text: str) -> bool:
    """The first lines after --- read as `key: value`, not as prose."""
    lines = [ln for ln in text.split("\n")[1:6] if ln.strip() and not ln.startswith("#")]
    return bool(lines) and bool(_KEY_LINE.match(lines[0]))


def _form(handler: BaseHandler) -> str:
    return {SafeYAMLHandler: "yaml", TomlHandler: "toml"}.get(type(handler), "json")


def _fence(text: str, handler: BaseHandler) -> tuple[str, str, int]:
    """Return (front matter text, body, body start line) or raise."""
    if isinstance(handler, StrictJSONHandler):
        try:
            _, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as err:
            raise FrontMatterError(f"JSON: {err.msg}", err.lineno) from None
        except RecursionError:
            raise FrontMatterError("JSON nested too deeply", 1) from None
        return text[:end], text[end:], text.count("\n", 0, end) + 1
    first_nl = text.find("\n")
    if first_nl < 0:
        raise FrontMatterError("front matter fence is never closed", 1)
    assert handler.FM_BOUNDARY is not None
    closing = handler.FM_BOUNDARY.search(text, first_nl + 1)
    if closing is None:
        raise FrontMatterError("front matter fence is never closed", 1)
    fm = text[first_nl + 1:closing.start()]
    body = text[closing.end():]
    return fm, body, text.count("\n", 0, closing.end()) + 1


def _split_with(handler: BaseHandler, text: str, path: str, limits: Limits) -> Split:
    fm, body, body_line = _fence(text, handler)
    if len(fm.encode("utf-8", "replace")) > limits.max_frontmatter_bytes:
        raise FrontMatterError(f"front matter larger than {limits.max_frontmatter_bytes} bytes", 1)
    offset = 1 if isinstance(handler, StrictJSONHandler) else 2   # line of fm's first line
    if _bracket_depth(fm) > limits.max_frontmatter_depth:
        raise FrontMatterError(f"front matter nested deeper than {limits.max_frontmatter_depth}", offset)
    try:
        data, duplicates = handler.load(fm)
    except FrontMatterError as err:
        raise FrontMatterError(str(err), (err.line or 1) + offset - 1) from None
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + offset if err.problem_mark else None
        raise FrontMatterError(f"YAML: {err.problem or err}", line) from None
    except yaml.YAMLError as err:
        raise FrontMatterError(f"YAML: {err}", offset) from None
    except tomllib.TOMLDecodeError as err:
        raise FrontMatterError(f"TOML: {err}", _toml_line(str(err), offset)) from None
    except json.JSONDecodeError as err:
        raise FrontMatterError(f"JSON: {err.msg}", err.lineno) from None
    except RecursionError:
        raise FrontMatterError("front matter nested too deeply", offset) from None
    if data is None and fm.strip() == "":
        data = {}
    if not isinstance(data, dict):
        if isinstance(handler, SafeYAMLHandler):
            # `---` rules around prose, a list or a scalar: not front matter.
            return Split(None, text, 1, "")
        raise FrontMatterError("front matter is not a mapping", offset)
    if _depth(data) > limits.max_frontmatter_depth:
        raise FrontMatterError(f"front matter nested deeper than {limits.max_frontmatter_depth}", offset)
    diags = tuple(diag(Severity.WARNING, "FM008", STAGE, f"duplicate key {key!r}", path, line + offset - 1)
                  for key, line in duplicates)
    return Split(_jsonable(data), body, body_line, _form(handler), diags)


def _bracket_depth(text: str) -> int:
    """Deepest [ / { nesting, found before any parser recurses into it."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def _toml_line(message: str, offset: int) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) + offset - 1 if found else offset


def _depth(value: Any, level: int = 0) -> int:
    if level > 200:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _jsonable(value: Any) -> Any:
    """Dates and other YAML/TOML scalars -> JSON-safe values (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
