"""Raw bytes -> text: find the encoding without being told, never silently guess.

Order matters: a BOM is certain; then binary signatures; then strict UTF-8 (by
far the most common and self-validating); then mostly-UTF-8 with a few bad
bytes (a truncated download: keep it, count the damage); only then the legacy
Chinese codecs, chosen by charset-normalizer's language coherence, because
Big5 bytes also decode "successfully" as GB18030 into garbage.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..model import Diagnostic, Severity, diag

STAGE = "read"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF", b"\x1f\x8b",
    b"\x7fELF", b"BZh", b"7z\xbc\xaf", b"Rar!", b"MZ", b"\x00asm", b"RIFF",
)
_CHINESE = {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp936", "hz"}
# C0/C1 controls other than TAB and LF; CR is handled by newline folding.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str | None          # None: not text (binary or undecodable)
    encoding: str
    diagnostics: tuple[Diagnostic, ...]


def decode(raw: bytes, path: str) -> Decoded:
    """Bytes -> Decoded text with LF newlines and controls removed."""
    text, encoding, diags = _decode_raw(raw, path)
    if text is None:
        return Decoded(None, encoding, diags)
    text = normalise_newlines(text)
    cleaned, count = _CONTROLS.subn("", text)
    if count:
        diags += (diag(Severity.WARNING, "ENC005", STAGE,
                       f"removed {count} control character(s)", path),)
    return Decoded(cleaned, encoding, diags)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR -> LF; nothing else starts a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_raw(raw: bytes, path: str) -> tuple[str | None, str, tuple[Diagnostic, ...]]:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            text = body.decode(name.replace("-sig", ""), errors="replace")
            return text, name, _replacement_warning(text, path, name)
    if any(raw.startswith(m) for m in _MAGIC) or _looks_binary(raw):
        utf16 = _utf16_without_bom(raw)
        if utf16:
            return utf16[0], utf16[1], ()
        return None, "binary", (diag(Severity.ERROR, "BIN001", STAGE, "binary file, not text", path),)
    try:
        return raw.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(raw):
        text = raw.decode("utf-8", errors="replace")
        return text, "utf-8", _replacement_warning(text, path, "utf-8")
    return _legacy(raw, path)


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    return bool(head) and head.count(0) > max(1, len(head) // 100)


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text has a NUL in every other byte for ASCII; try both orders."""
    head = raw[:4096]
    if len(head) < 4 or len(raw) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    name = "utf-16-le" if odd > len(head) // 4 and even == 0 else (
        "utf-16-be" if even > len(head) // 4 and odd == 0 else "")
    if not name:
        return None
    try:
        text = raw.decode(name)
    except UnicodeDecodeError:
        return None
    return (text, name) if "\x00" not in text else None


def _mostly_utf8(raw: bytes) -> bool:
    """A truncated or slightly damaged UTF-8 file: few bad bytes, real multibyte text."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return bad <= max(3, len(raw) // 200) and (multibyte > bad or bad <= 3)


def _replacement_warning(text: str, path: str, name: str) -> tuple[Diagnostic, ...]:
    bad = text.count("\ufffd")
    if not bad:
        return ()
    line = text.count("\n", 0, text.index("\ufffd")) + 1
    return (diag(Severity.WARNING, "ENC001", STAGE,
                 f"{bad} undecodable byte sequence(s) as {name}, replaced by U+FFFD",
                 path, line),)


def _legacy(raw: bytes, path: str) -> tuple[str | None, str, tuple[Diagnostic, ...]]:
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw[:200_000]).best()
    if best is None:
        return None, "unknown", (diag(Severity.ERROR, "ENC002", STAGE,
                                      "not decodable as text in any known encoding", path,
                                      hint="save the file as UTF-8"),)
    name = best.encoding
    if name in ("gbk", "gb2312", "cp936"):
        name = "gb18030"   # the superset: keeps characters outside GBK
    text = raw.decode(name, errors="replace")
    if name in _CHINESE:
        return text, name, _replacement_warning(text, path, name)
    return text, name, (diag(Severity.WARNING, "ENC003", STAGE,
                             f"encoding uncertain: decoded as {name}", path,
                             hint="save the file as UTF-8"),) + _replacement_warning(text, path, name)
