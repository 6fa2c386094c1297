"""The hostile-input corpus: every file a checklist line of RELIABILITY.md names.

Files are made at test time (FIFOs, symlinks, unreadable files and 20 MiB
articles cannot live in git), deterministically.  CASES maps a file name to
what the build must do with it: its status in the report and, where the
file is refused, the diagnostic code that names it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

ZH = "深度求索的工程师说，他们的系统只需要约两千块英伟达芯片，而美国大公司需要一万六千块。"
EN = "The day after Christmas, a small Chinese start-up unveiled a new system that matched the best."


@dataclass(frozen=True)
class Case:
    line: str                 # checklist id
    status: str               # published | skipped | error | ignored (never listed)
    code: str = ""            # a diagnostic code the report must carry for this file


CASES: dict[str, Case] = {}


def _case(name: str, line: str, status: str, code: str = ""):
    CASES[name] = Case(line, status, code)
    return name


def article(title: str, body: str = ZH + "\n\n" + EN) -> str:
    return f"{title}\n\n{body}\n"


def files() -> dict[str, bytes]:
    """name -> bytes for every regular hostile file."""
    f: dict[str, bytes] = {}
    f[_case("enc1-bad-utf8.txt", "ENC-1", "published", "ENC001")] = \
        article("坏字节的文章").encode() + b"\xff\xfe\xc3 tail " + ZH.encode() + b"\n"
    f[_case("enc1-truncated.md", "ROB-3", "published", "ENC001")] = \
        ("# 截断的下载\n\n" + ZH + "\n\n```python\nx = 1\n").encode() + "中".encode()[:2]
    f[_case("enc2-gb18030.txt", "ENC-2", "published")] = article("国标编码的文章䶮𠮷").encode("gb18030")
    f[_case("enc3-big5.txt", "ENC-3", "published")] = \
        article("繁體中文的文章", "中國AI初創公司是如何與矽谷巨頭競爭的。工程師說，他們的系統只需要約兩千塊晶片。" * 3).encode("big5")
    f[_case("enc3-cp1252.txt", "ENC-3", "published", "ENC003")] = \
        article("Caf\u00e9 cr\u00e8me", "Na\u00efve r\u00e9sum\u00e9 \u2013 \u201cquoted\u201d text, long enough for a paragraph of its own.").encode("cp1252")
    f[_case("enc4-utf8-bom.md", "ENC-4", "published")] = b"\xef\xbb\xbf---\ntitle: BOM title\n---\n" + ZH.encode()
    f[_case("enc4-utf16le.txt", "ENC-4", "published")] = b"\xff\xfe" + article("UTF-16 LE 文章").encode("utf-16-le")
    f[_case("enc4-utf16be.txt", "ENC-4", "published")] = b"\xfe\xff" + article("UTF-16 BE 文章").encode("utf-16-be")
    f[_case("enc4-utf16-nobom.txt", "ENC-4", "published")] = article("No BOM sixteen", EN * 3).encode("utf-16-le")
    f[_case("enc5-controls.txt", "ENC-5", "published", "ENC005")] = \
        article("Title\x1b]0;owned\x07 with\x00 controls\x08\x7f", EN + "\x1b[31m red \x1b[0m" + "\x85 C1").encode()
    f[_case("enc7-newlines.txt", "ENC-7", "published")] = \
        ("Line title\r\n\r\n" + EN + "\rsame para\r\n\r\n" + "U+2028\u2028inside\x0cform feed " + EN + "\r\n").encode()
    f[_case("bin1-png.md", "BIN-1", "skipped", "BIN001")] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    f[_case("bin1-zip.md", "BIN-1", "skipped", "BIN001")] = b"PK\x03\x04" + bytes(500)
    f[_case("bin1-nul-dense.txt", "BIN-1", "skipped", "BIN001")] = b"abc\x00\x00\x01def\x00" * 300
    f[_case("bin2-empty.txt", "BIN-2", "skipped", "BIN002")] = b""
    f[_case("bin2-spaces.txt", "BIN-2", "skipped", "BIN002")] = b" \n\t\n   \n"
    f[_case("bin2-bom-only.txt", "BIN-2", "skipped", "BIN002")] = b"\xef\xbb\xbf"
    f[_case("bin2-fm-only.md", "BIN-2", "published", "BIN002")] = b"---\ntitle: Only metadata\ntags: [x]\n---\n"
    f[_case("bin3-page.html", "BIN-3", "ignored")] = b"<html><body>not an article</body></html>"
    f[_case(".DS_Store", "BIN-3", "ignored")] = b"\x00\x00\x00\x01Bud1"
    f[_case("fm1-bad-yaml.md", "FM-1", "skipped", "FM001")] = b"---\ntitle: ok\nbad: [unclosed\n---\nbody\n"
    f[_case("fm1-bad-toml.md", "FM-1", "skipped", "FM001")] = b"+++\ntitle = \n+++\nbody\n"
    f[_case("fm1-bad-json.md", "FM-1", "skipped", "FM001")] = b'{\n "title": "x",\n}\nbody\n'
    f[_case("fm1-unterminated.md", "FM-1", "skipped", "FM001")] = b"---\ntitle: x\nbody without a fence\n"
    f[_case("fm3-python-tag.md", "FM-3", "skipped", "FM001")] = \
        b"---\nx: !!python/object/apply:os.mkdir ['CANARY_YAML_EXEC']\n---\nbody\n"
    f[_case("fm4-alias-bomb.md", "FM-4", "skipped", "FM001")] = (
        "---\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" +
        "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join('*' + chr(97 + i) for _ in range(9))}]\n"
                for i in range(8)) + "---\nbody\n").encode()
    f[_case("fm4-deep.md", "FM-4", "skipped", "FM001")] = ("---\nx: " + "[" * 3000 + "]" * 3000 + "\n---\nb\n").encode()
    f[_case("fm4-deep-json.md", "FM-4", "skipped", "FM001")] = ('{"x": ' + "[" * 100000 + "]" * 100000 + "}\nb\n").encode()
    f[_case("fm4-huge.md", "FM-4", "skipped", "FM001")] = \
        ("---\n" + "".join(f"k{i}: {'v' * 200}\n" for i in range(3000)) + "---\nbody\n").encode()
    f[_case("fm6-rules-prose.md", "FM-6", "published")] = ("---\nA rule above prose, not metadata.\n---\n" + EN).encode()
    f[_case("fm6-unknown-keys.md", "FM-6", "published", "FM006")] = ("---\nfoo: 1\nbar: [2]\n---\n" + EN).encode()
    f[_case("fm7-types.md", "FM-7", "published", "FM007")] = \
        ("---\ntitle: 2025\ndate: not-a-date\ndraft: \"no\"\ntags: solo\nauthors: {name: Ann}\n---\n" + EN).encode()
    f[_case("fm8-dup-keys.md", "FM-8", "published", "FM008")] = ("---\ntitle: a\ntitle: b\n---\n" + EN).encode()
    f.update(_xss())
    f.update(_paths())
    f[_case("uni1-bidi.md", "UNI-1", "published", "UNI001")] = \
        ("---\ntitle: \"abc\u202edcba\u200b\u2066x\u2069\ufeff\"\n---\n" + EN).encode()
    f[_case("uni2-confusable.md", "UNI-2", "published", "UNI002")] = ("---\ntitle: \"Pаypal news\"\n---\n" + EN).encode()
    f.update(_sizes())
    f[_case("fn1-footnotes.md", "FN-1", "published")] = (
        "# Notes test\n\n" + EN + "[1] and [3] and [1].\n\n" + ZH + "[2020] (Winner, 2020) [qq](https://qq.com)\n\n"
        "注释：\n\n[1] First note.\n\n[2] Never cited.\n\n[2] Duplicate two.\n").encode()
    f[_case("fn3-idem-first.md", "FN-3", "published")] = \
        ("# Idem first\n\n" + EN + "[1][2]\n\nNotes\n\n[1] Idem.\n\n[2] Ibid., p. 45.\n").encode()
    return f


def _xss() -> dict[str, bytes]:
    f = {}
    evil_title = "</title><script>alert('t')</script>\"><img src=x onerror=alert(1)>"
    meta = {"title": evil_title, "authors": ["<script>alert('a')</script>"],
            "tags": ["</script><script>alert('tag')</script>"], "summary": "\u2028</script>",
            "source_url": "javascript:alert('url')", "site": "<b onmouseover=alert(1)>site</b>"}
    fm = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
    f[_case("xss1-meta.md", "XSS-1", "published")] = ("---\n" + fm + "---\n" + EN).encode()
    f[_case("xss2-raw-html.md", "XSS-2", "published")] = (
        "# Raw HTML\n\n" + EN + "\n\n<script>alert('raw')</script>\n\n<iframe src=\"https://evil\"></iframe>\n\n"
        "<svg onload=alert(1)>\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil\">\n\n<base href=\"https://evil/\">\n\n"
        "<form action=\"https://evil\"><input></form>\n\n<style>body{display:none}</style>\n\n<!-- unclosed\n\n<![CDATA[ x\n\n"
        "After all that, this paragraph survives intact.\n").encode()
    f[_case("xss2-plain-html.txt", "XSS-2", "published")] = (
        "Plain title\n\n" + EN + " <script>alert('plain')</script> <img src=x onerror=alert(2)>\n\nA following paragraph survives.\n").encode()
    f[_case("xss3-urls.md", "XSS-3", "published")] = (
        "# Hostile links\n\n" + EN + "\n\n[a](JaVaScRiPt:alert(1)) [b](&#106;avascript:alert(1)) [c](java\tscript:alert(1)) "
        "[d](vbscript:msgbox(1)) [e](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(1)> [f][ref]\n\n"
        "![img](javascript:alert(1))\n\n[ref]: javascript:alert('ref')\n\n注释：\n\n[1] javascript:alert('note') doi:10.1000/xyz\n").encode()
    f[_case("xss7-fence.md", "XSS-7", "published")] = (
        "# Fences\n\n" + EN + "\n\n```\"><script>alert(1)</script>\ncode\n```\n\n```../../etc/passwd\nx\n```\n\n"
        "```nosuchlexer\ny\n```\n\n```python\nprint('ok')\n```\n").encode()
    f[_case("<img src=x onerror=alert('file')>.md", "XSS-1", "published")] = ("# File name attack\n\n" + EN).encode()
    return f


def _paths() -> dict[str, bytes]:
    f = {}
    for i, slug in enumerate(["../../escape", "%2e%2e%2fescape2", "..\\\\win\\\\escape", "/etc/passwd", "C:\\\\x",
                              "con", "aux.", "a<>:\\\"|?*b "]):
        f[_case(f"path1-slug-{i}.md", "PATH-1", "published")] = \
            f"---\ntitle: Slug {i}\nslug: \"{slug}\"\naliases: [\"../../../tmp/alias{i}\"]\n---\n{EN}\n".encode()
    f[_case("path3-same-a.md", "PATH-3", "published")] = ("---\ntitle: Same Title\n---\n" + EN).encode()
    f[_case("path3-same-b.md", "PATH-3", "published", "PATH003")] = ("---\ntitle: same title\n---\n" + ZH).encode()
    f[_case("path3-nfc.md", "PATH-3", "published")] = ("---\ntitle: \"Caf\u00e9\"\n---\n" + EN).encode()
    f[_case("path3-nfd.md", "PATH-3", "published")] = ("---\ntitle: \"Cafe\u0301\"\n---\n" + ZH).encode()
    f[_case("path5-long-title.md", "PATH-5", "published")] = ("---\ntitle: \"" + "很长的标题" * 2000 + "\"\n---\n" + EN).encode()
    f[_case("-starts-with-dash.md", "PATH-5", "published")] = ("# Dash name\n\n" + EN).encode()
    f[_case("x" * 200 + ".md", "PATH-5", "published")] = ("# Long file name\n\n" + EN).encode()
    return f


def _sizes() -> dict[str, bytes]:
    f = {}
    f[_case("dos1-long-title.txt", "DOS-1", "published")] = ("T" * 100_000 + "\n\n" + EN + "\n").encode()
    f[_case("dos1-long-line.txt", "DOS-1", "published")] = ("Long line\n\n" + "长" * 1_000_000 + "\n").encode()
    f[_case("dos2-cmark-nesting.md", "DOS-3", "published")] = ("> " * 10_000 + "bottom text\n\n" + "- " * 10_000 +
                                                                "list bottom\n\n" + "1. " * 5000 + "x\n").encode()
    f[_case("dos2-alternating.md", "DOS-3", "published")] = ("> - " * 5000 + "deep\n\n" +
                                                              "".join("  " * i + "- l\n" for i in range(1000))).encode()
    f[_case("dos2-pathological.md", "DOS-2", "published")] = (
        "[" * 50_000 + "a" + "]" * 50_000 + "\n\n" + "*a " * 20_000 + "\n\n" + "<" * 30_000 + "\n\n" +
        "a_" * 30_000 + "\n\n" + "`" * 10_000 + "\n\n" + "[a](" * 10_000 + "\n\n" + "*" * 50_000 + "\n").encode()
    f[_case("dos2-regex-bait.txt", "DOS-2", "published")] = (
        "【文/" + "观察者网" * 5000 + "\n\n" + "2025年" * 20_000 + "\n\n" + ("By " + "A " * 50_000) + "\n\n" +
        "-" * 100_000 + "\n\n" + "原链接:" + "h" * 100_000 + "\n\n" + EN + "\n").encode()
    f[_case("dos4-footnotes.md", "DOS-4", "published")] = (
        "# Many notes\n\n" + " ".join(f"w[{i}]" for i in range(1, 100_001)) + "\n\nNotes\n\n" +
        "\n\n".join(f"[{i}] note {i}" for i in range(1, 100_001)) + "\n").encode()
    return f


def make(root: Path, big: bool = True) -> Path:
    """Write the corpus (and the special files) into root; return root."""
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files().items():
        (root / name).write_bytes(data)
    if big:
        (root / _case("dos1-20mib.txt", "DOS-1", "skipped", "DOS001")).write_bytes(
            ("Big article\n\n" + (ZH + EN + "\n\n") * 120_000).encode()[: 20 * 1024 * 1024])
    _specials(root)
    return root


def _specials(root: Path) -> None:
    outside = root.parent / "outside-canary.txt"
    outside.write_text("CANARY_OUTSIDE_SEEDS " + EN, "utf-8")
    os.symlink(outside, root / _case("path6-abs-link.md", "PATH-6", "ignored", "PATH006"))
    os.symlink("../outside-canary.txt", root / _case("path6-rel-link.md", "PATH-6", "ignored", "PATH006"))
    os.symlink("nowhere.md", root / _case("path6-dangling.md", "PATH-6", "ignored", "PATH006"))
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / _case("up", "PATH-6", "ignored"))
    (root / _case("path7-folder.md", "PATH-7", "ignored")).mkdir()
    os.mkfifo(root / _case("path7-fifo.md", "PATH-7", "ignored", "PATH007"))
    locked = root / _case("path7-locked.md", "PATH-7", "published")   # root can still read it
    locked.write_bytes(("# Locked\n\n" + EN).encode())
    locked.chmod(0)
