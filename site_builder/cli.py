"""Command line: build | inspect | clean (serve, snapshot and verify join them).

Exit status: 0 when every input built, 1 when any input failed (it is named
in the report), 2 for a usage error or a refused --out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import Config, source_date_epoch_from_env
from .model import Severity, dumps, to_json_dict


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="site-builder", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site from seeds/ into public/")
    _site_args(b)
    b.add_argument("--out", type=Path, default=Path("public"), help="output folder (default public/)")
    b.add_argument("--verbose", "-v", action="store_true", help="per-file timings and info lines")
    i = sub.add_parser("inspect", help="print one input's Document model as JSON")
    i.add_argument("file", type=Path)
    i.add_argument("--content", type=Path, default=Path("content"), help="editorial folder (default content/)")
    c = sub.add_parser("clean", help="print an input's article text after cleaning")
    c.add_argument("file", type=Path)
    c.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    c.add_argument("--explain", action="store_true", help="show every block's decision and reason")
    c.add_argument("--content", type=Path, default=Path("content"), help="editorial folder (default content/)")
    s = sub.add_parser("snapshot", help="package the built site, originals and models for archiving")
    _site_args(s)
    s.add_argument("--out", dest="package", type=Path, help="package file (default snapshot-<format>.zip / .zim)")
    s.add_argument("--format", choices=("bagit", "zip", "zim"), default="bagit", help="package format (default bagit)")
    s.add_argument("--images", type=Path, help="folder of local copies of remote images (never fetched)")
    v = sub.add_parser("verify", help="check every checksum of a snapshot package")
    v.add_argument("package", type=Path)
    for name, help_text in _EXTRA.items():
        _EXTRA_ARGS[name](sub.add_parser(name, help=help_text))
    return p


def _site_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=Path, default=Path("seeds"), help="input folder (default seeds/)")
    p.add_argument("--content", type=Path, default=Path("content"), help="editorial folder (default content/)")
    p.add_argument("--base-url", default="", help="absolute URL of the hosted site (feeds, sitemap)")
    p.add_argument("--drafts", action="store_true", help="publish drafts too, marked as drafts")
    p.add_argument("--jobs", type=int, default=2,
                   help="worker processes for per-document stages (0: in this process, no time budget)")
    p.add_argument("--debug", action="store_true", help="tracebacks in the report, for developers")


def config_from(args: argparse.Namespace) -> Config:
    return Config(
        seeds=args.seeds, content=args.content, out=getattr(args, "out", Path("public")),
        base_url=args.base_url, drafts=args.drafts, jobs=max(0, args.jobs), debug=args.debug,
        source_date_epoch=source_date_epoch_from_env(),
    )


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    cfg = config_from(args)
    return build(cfg, sys.stderr, verbose=args.verbose)


def _one_document(path: Path, content: Path):
    from .discover import _editorial
    from .pipeline import process
    from .discover import InputFile
    import hashlib

    try:
        raw = path.read_bytes()
    except OSError as err:
        print(f"error: {path}: cannot be read: {err.strerror}", file=sys.stderr)
        return None
    ed_name, ed_raw = _editorial(content, path.name)
    item = InputFile(path.name, raw, hashlib.sha256(raw).hexdigest(), ed_name, ed_raw)
    result = process(item, Config(content=content))
    for d in result.diagnostics:
        if d.severity in (Severity.WARNING, Severity.ERROR):
            print(f"{d.severity.value}: {d.location()}: {d.message}", file=sys.stderr)
    return result


def cmd_inspect(args: argparse.Namespace) -> int:
    result = _one_document(args.file, args.content)
    if result is None or result.doc is None:
        return 1
    sys.stdout.write(dumps(to_json_dict(result.doc)))
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    result = _one_document(args.file, args.content)
    if result is None or result.doc is None:
        return 1
    if args.explain:
        from .explain import explain_text
        text = explain_text(result.doc)
    else:
        text = "\n\n".join(b.text for b in result.doc.blocks) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    from dataclasses import replace
    from .snapshot import snapshot

    cfg = replace(config_from(args), images=args.images)
    default = Path(f"snapshot-{args.format}.{'zim' if args.format == 'zim' else 'zip'}")
    return snapshot(cfg, args.package or default, args.format, sys.stderr)


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify

    return verify(args.package, sys.stderr)


def _serve_args(p: argparse.ArgumentParser) -> None:
    from .serve import add_arguments

    _site_args(p)
    add_arguments(p)


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import main as serve_main

    return serve_main(args)


_EXTRA: dict[str, str] = {"serve": "preview the site with live reload (127.0.0.1 unless --host)"}
_EXTRA_ARGS: dict = {"serve": _serve_args}
_COMMANDS = {"build": cmd_build, "inspect": cmd_inspect, "clean": cmd_clean,
             "snapshot": cmd_snapshot, "verify": cmd_verify}
_COMMANDS["serve"] = cmd_serve


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
