"""The build, as a table of contents: load, validate, render, write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from digest.diagnostics import Diagnostic, Location, Report, Severity
from digest.documents import load_about, load_documents
from digest.errors import BuildFailed
from digest.feeds import render_feeds
from digest.guard import check_output
from digest.manifest import load_manifest
from digest.model import Digest, Manifest, OutputFile
from digest.pages import data_files
from digest.petitioncache import CACHE_DIR, load_petition_data
from digest.render import Theme, load_theme, render_pages
from digest.search import search_bundle
from digest.sitewriter import write_site
from digest.timings import Timings

LAST_EPOCH = 253_402_300_800  # 10000-01-01: datetime's limit


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: tuple[OutputFile, ...]

    @property
    def pages(self) -> int:
        return sum(1 for f in self.files if f.path.endswith(".html"))

    @property
    def feeds(self) -> int:
        return sum(1 for f in self.files if f.path.endswith(("feed.xml", "atom.xml")))


@dataclass(frozen=True)
class Inputs:
    """Everything loaded and checked, ready to render."""

    digest: Digest
    theme: Theme


def build(
    manifest_path: Path,
    *,
    out: Path,
    report: Report,
    templates: Path | None = None,
    base_url: str | None = None,
    strict: bool = False,
    now: dt.datetime | None = None,
    timings: Timings | None = None,
) -> BuildResult:
    """Build the site into out; raise BuildFailed (out untouched) if the inputs have errors."""
    timings = timings or Timings()
    inputs = load_inputs(manifest_path, report=report, templates=templates, base_url=base_url,
                         strict=strict, now=now, timings=timings)  # fmt: skip
    files = render_site(inputs, timings)
    with timings.stage("guard"):
        check_output(files, inputs.theme.folder, report)  # no media, nothing from elsewhere
    stop_if_failed(report, strict)
    with timings.stage("search index"):
        files = (*files, *search_bundle(files))
    with timings.stage("write"):
        write_site(files, out, protected=protected_paths(inputs))
    return BuildResult(out, files)


def load_inputs(
    manifest_path: Path,
    *,
    report: Report,
    templates: Path | None = None,
    base_url: str | None = None,
    strict: bool = False,
    now: dt.datetime | None = None,
    keep_going: bool = False,
    timings: Timings | None = None,
) -> Inputs:
    """Load and check the manifest, write-ups, petition data and templates; or BuildFailed.

    With keep_going (for check), problems in the write-ups and cached data are
    reported without stopping; a manifest or templates that cannot be loaded
    still stop everything.
    """
    timings = timings or Timings()
    manifest = load_manifest(manifest_path, report, timings=timings)
    stop_if_failed(report, strict)
    assert manifest is not None
    manifest = with_base_url(manifest, base_url)
    with timings.stage("write-ups"):
        documents = load_documents(manifest, report)
        about = load_about(manifest, report)
    with timings.stage("petition data"):
        petitions = load_petition_data(manifest, report)
    with timings.stage("templates"):
        theme = load_theme(templates or manifest.root / "templates", report)
    if not keep_going or theme is None:
        stop_if_failed(report, strict)
    assert theme is not None
    return Inputs(Digest(manifest, documents, petitions, about, now or build_time()), theme)


def render_site(inputs: Inputs, timings: Timings | None = None) -> tuple[OutputFile, ...]:
    """Render every page, feed and static file, in memory."""
    digest, theme, timings = inputs.digest, inputs.theme, timings or Timings()
    with timings.stage("render pages"):
        pages = render_pages(digest, theme)
    with timings.stage("feeds"):
        feeds = render_feeds(digest)
    with timings.stage("data files"):
        data = data_files(digest)
    return (*pages, *feeds, *data, *theme.assets)


def protected_paths(inputs: Inputs) -> list[Path]:
    """What the build reads, which the output folder must never overlap."""
    m = inputs.digest.manifest
    return [m.path, m.content_dir, m.root / CACHE_DIR, inputs.theme.folder]


def stop_if_failed(report: Report, strict: bool) -> None:
    """Raise BuildFailed if what is reported so far must stop the build."""
    if report.failed(strict=strict):
        raise BuildFailed(list(report.sorted()))


def with_base_url(manifest: Manifest, base_url: str | None) -> Manifest:
    """Publish at another address than the manifest's (a preview, a mirror)."""
    if base_url is None:
        return manifest
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    site = dataclasses.replace(manifest.site, base_url=base_url)
    return dataclasses.replace(manifest, site=site)


def build_time(environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """The time a build says it was made: SOURCE_DATE_EPOCH if set, else now."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not epoch.isdigit() or int(epoch) >= LAST_EPOCH:
        message = f"expected a whole number of seconds since 1970, got {epoch!r}"
        raise BuildFailed([Diagnostic(Severity.ERROR, Location("SOURCE_DATE_EPOCH"), message)])
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
