"""One frozen Config, built once from the command line and passed to every stage.

No stage reads the environment or module globals; what varies lives here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Limits:
    """Budgets that keep one hostile input from taking the build down."""

    max_bytes: int = 8 * 1024 * 1024       # larger files are skipped, raw kept
    max_seconds: float = 60.0              # per document, all stages together
    max_frontmatter_bytes: int = 256 * 1024
    max_frontmatter_depth: int = 32
    max_blocks: int = 200_000


@dataclass(frozen=True, slots=True)
class Config:
    seeds: Path = Path("seeds")
    content: Path = Path("content")
    out: Path = Path("public")
    templates: Path | None = None          # None: the project's templates/
    static: Path | None = None             # None: the project's static/
    base_url: str = ""                     # absolute URLs only in feed/sitemap
    drafts: bool = False
    jobs: int = 1                          # worker processes for per-doc stages
    debug: bool = False
    source_date_epoch: int | None = None   # archived-on date for provenance
    site_title: str = "Reading Archive"
    related_count: int = 4
    images: Path | None = None             # local copies of remote images (snapshot --images)
    limits: Limits = field(default_factory=Limits)

    @property
    def template_dir(self) -> Path:
        return self.templates or project_dir() / "templates"

    @property
    def static_dir(self) -> Path:
        return self.static or project_dir() / "static"


def project_dir() -> Path:
    """The checkout holding templates/ and static/ beside the package."""
    return Path(__file__).resolve().parent.parent


def source_date_epoch_from_env() -> int | None:
    """Read SOURCE_DATE_EPOCH (reproducible-builds.org); only cli.py calls this."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None
