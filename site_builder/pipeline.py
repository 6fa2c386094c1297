"""The build as one readable script: discover -> read -> stages -> corpus -> render -> write.

Each document is processed alone (``process``), behind the single broad
``except`` of the package: a bug or a hostile input fails that document,
with its name and stage in the report, and the others go on.
"""
from __future__ import annotations

import json
import time
import tomllib
import traceback
from dataclasses import dataclass, field, replace

from .config import Config
from .discover import InputFile, discover
from .memo import NoMemo, memo_or_none
from .model import Diagnostic, Document, Editorial, Severity, Source, diag
from .stages import CORPUS_STAGES, DOC_STAGES
from .stages import decode as decode_stage
from .stages import frontmatter, meta as meta_stage
from .util.slugs import slugify, unique


@dataclass(frozen=True, slots=True)
class DocResult:
    """What became of one input: a Document (maybe None) and how it went."""

    name: str
    sha256: str
    raw_bytes: int
    doc: Document | None
    status: str                      # published | draft | skipped | error
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0


@dataclass(slots=True)
class BuildResult:
    results: list[DocResult]
    docs: tuple[Document, ...]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.all_diagnostics())

    def all_diagnostics(self) -> list[Diagnostic]:
        out = list(self.diagnostics)
        for r in self.results:
            out.extend(r.diagnostics)
        return out


def read_document(name: str, raw: bytes, cfg: Config, editorial: bytes = b"",
                  editorial_name: str = "") -> tuple[Document | None, tuple[Diagnostic, ...]]:
    """Raw bytes -> Document with meta and body (before any stage), or None and why."""
    import hashlib

    decoded = decode_stage.decode(raw, name)
    diags = decoded.diagnostics
    if decoded.text is None:
        return None, diags
    if not decoded.text.strip():
        return None, diags + (diag(Severity.ERROR, "BIN002", "read", "empty file", name),)
    split = frontmatter.split(decoded.text, name, cfg.limits)
    diags += split.diagnostics
    if any(d.severity is Severity.ERROR for d in split.diagnostics):
        return None, diags
    meta, meta_diags = meta_stage.from_fields(split.fields or {}, name)
    diags += meta_diags
    source = Source(name, hashlib.sha256(raw).hexdigest(), len(raw), decoded.encoding)
    ed, ed_diags = _editorial(editorial, editorial_name)
    doc = Document(source=source, meta=meta, body=split.body, body_line=split.body_line,
                   editorial=ed, warnings=diags + ed_diags)
    doc = _apply_meta_overrides(doc)
    if not split.body.strip():
        doc = doc.warn(diag(Severity.WARNING, "BIN002", "read", "front matter without a body", name))
    return doc, doc.warnings


def _editorial(raw: bytes, name: str) -> tuple[Editorial, tuple[Diagnostic, ...]]:
    if not raw:
        return Editorial(), ()
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return Editorial(), (diag(Severity.WARNING, "ED001", "editorial", f"content/{name}: not valid TOML, ignored: {err}", name),)
    return Editorial(name, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)), ()


def _apply_meta_overrides(doc: Document) -> Document:
    """content/<stem>.toml [meta] wins over everything the program decided."""
    fields = doc.editorial.section("meta")
    if not fields:
        return doc
    override, _ = meta_stage.from_fields(fields, doc.source.path)
    changes = {k: getattr(override, k) for k in override.__dataclass_fields__
               if k != "extra_json" and k.lower() in {f.lower().replace("translationkey", "translation_key")
                                                      for f in fields}}
    return replace(doc, meta=replace(doc.meta, **changes))


def run_doc_stages(doc: Document, cfg: Config, stages=DOC_STAGES) -> Document:
    """All per-document stages in order, then the editor's [meta] table again."""
    for _name, fn in stages:
        doc = fn(doc, cfg)
    return _apply_meta_overrides(doc)


def process(item: InputFile, cfg: Config) -> DocResult:
    """One input through reading and every per-document stage; never raises."""
    start = time.perf_counter()
    stage = "read"
    if item.too_large:
        return DocResult(item.name, item.sha256, len(item.raw), None, "skipped", (diag(
            Severity.ERROR, "DOS001", "read", f"file too large to publish ({len(item.raw)} bytes > "
            f"{cfg.limits.max_bytes}); the original is kept", item.name),), 0.0)
    try:
        doc, diags = read_document(item.name, item.raw, cfg, item.editorial, item.editorial_name)
        if doc is None:
            return DocResult(item.name, item.sha256, len(item.raw), None, "skipped", diags,
                             time.perf_counter() - start)
        for stage, fn in DOC_STAGES:
            doc = fn(doc, cfg)
        doc = _apply_meta_overrides(doc)
    except Exception as err:  # the document boundary: a bug fails one document only
        detail = traceback.format_exc() if cfg.debug else f"{type(err).__name__}: {err}"
        return DocResult(item.name, item.sha256, len(item.raw), None, "error", (diag(
            Severity.ERROR, "ROB001", stage, f"internal error in stage {stage}: {detail}", item.name),),
            time.perf_counter() - start)
    status = "draft" if doc.meta.draft else "published"
    return DocResult(item.name, item.sha256, len(item.raw), doc, status, doc.warnings,
                     time.perf_counter() - start)


def assign_slugs(results: list[DocResult], memo: NoMemo | None = None) -> list[DocResult]:
    """Unique slugs by sorted source path; a requested slug is sanitised, never trusted.

    With the preview's memo an input whose slug and warnings did not change
    keeps the very DocResult of the previous run, so later stages can tell
    it did not change by identity.
    """
    memo = memo_or_none(memo)
    named = [r for r in results if r.doc is not None]
    wanted = memo.map("wanted", named, lambda i: (named[i].name, slugify(
        named[i].doc.meta.slug or named[i].doc.meta.title or named[i].name.rsplit(".", 1)[0], named[i].sha256[:12])))
    naming = memo.state.get("naming")
    if naming is None or naming[0] != wanted:          # the same wishes give the same slugs
        naming = (wanted, _naming(wanted), (naming[2] + 1) if naming else 0)
        memo.state["naming"] = naming
    chosen, base_of, by_base = naming[1]

    def make(i: int) -> DocResult:
        r = named[i]
        slug, diags, base = chosen[r.name], r.diagnostics, base_of[r.name]
        if slug != base:
            others = sorted(n for n in by_base[base.casefold()] if n != r.name)
            diags += (diag(Severity.WARNING, "PATH003", "slug",
                           f"slug {base!r} also wanted by {', '.join(others)}; this one is {slug!r}", r.name),)
        elif r.doc.meta.slug and r.doc.meta.slug != slug:
            diags += (diag(Severity.WARNING, "PATH001", "slug",
                           f"slug {r.doc.meta.slug[:80]!r} made safe and unique as {slug!r}", r.name),)
        return _with_slug(r, slug, diags)

    done = iter(memo.map("slug", named, make, [naming[2]] * len(named)))
    return [next(done) if r.doc is not None else r for r in results]


def _naming(wanted: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """(input, wanted slug) pairs -> the slug each gets, what each wanted, who wanted each."""
    by_base: dict[str, list[str]] = {}
    for name, s in wanted:
        by_base.setdefault(s.casefold(), []).append(name)
    return unique(wanted), dict(wanted), by_base


def _with_slug(r: DocResult, slug: str, diags: tuple[Diagnostic, ...]) -> DocResult:
    doc = replace(r.doc, meta=replace(r.doc.meta, slug=slug), warnings=r.doc.warnings + diags[len(r.diagnostics):])
    return replace(r, doc=doc, diagnostics=diags)


def build_corpus(cfg: Config, discover_fn=discover, run_fn=None, corpus_stages=None,
                 memo: NoMemo | None = None) -> BuildResult:
    """seeds/ -> every Document through every stage (no rendering, no writing).

    ``discover_fn``, ``run_fn``, ``corpus_stages`` and ``memo`` let the
    incremental build (rebuild.py, cache.py) reuse unchanged inputs, per-document results,
    corpus-stage results and unchanged DocResults; the defaults cache nothing.
    """
    memo = memo_or_none(memo)
    from .workers import run_all

    inputs, diags, _skipped = discover_fn(cfg.seeds, cfg.content, cfg.limits.max_bytes)
    results = (run_fn or run_all)(inputs, cfg)
    results = assign_slugs(results, memo)
    docs = tuple(r.doc for r in results if r.doc is not None)
    for name, fn in corpus_stages or CORPUS_STAGES:
        try:
            docs = fn(docs, cfg)
        except Exception as err:  # a corpus stage bug must not lose the site
            diags.append(diag(Severity.ERROR, "ROB002", name, f"internal error: {type(err).__name__}: {err}"))
    by_name = {d.source.path: d for d in docs}
    # Corpus stages may settle a document's warnings (a copy's markers resolve to the
    # canonical's notes), so the report takes each document's final list.
    final = [by_name.get(r.name) for r in results]
    results = memo.map("final", results, lambda i: replace(results[i], doc=final[i], diagnostics=final[i].warnings)
                       if final[i] is not None else results[i], final)
    return BuildResult(results, docs, diags, inputs)
