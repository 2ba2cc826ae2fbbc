"""The build, as a table of contents: load, validate, render, write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from research_digest.buildcache import BuildCache, LastBuild, folder_identity
from research_digest.diagnostics import Diagnostic, Location, Report, Severity
from research_digest.errors import BuildFailed
from research_digest.incremental import (
    Stock,
    cached_manifest,
    guard_changed,
    output_keys,
    search_files,
    take_stock,
    unchanged_outputs,
)
from research_digest.model.digest import Digest
from research_digest.model.manifest import Manifest
from research_digest.model.outputs import KeptFile, OutputFile
from research_digest.output.guard import check_templates
from research_digest.output.sitewriter import MARKER, write_site
from research_digest.petitions.cache import CACHE_DIR, load_petition_data
from research_digest.site.documents import load_about, load_documents
from research_digest.site.extra import EXTRA_DIR, clashes, load_extra
from research_digest.site.feeds import render_feeds
from research_digest.site.pages import data_files
from research_digest.site.render import Theme, load_theme, render_pages
from research_digest.timings import Timings

LAST_EPOCH = 253_402_300_800  # 10000-01-01: datetime's limit


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    feeds: int
    written: int  # files written or removed: 0 when nothing changed
    updated: bool = False  # the folder was updated in place, not replaced
    up_to_date: bool = False  # nothing had changed since the last build: nothing was done

    @classmethod
    def of(cls, out: Path, files: Sequence[OutputFile], written: int, updated: bool) -> BuildResult:
        page_count = sum(1 for f in files if f.path.endswith(".html"))
        feed_count = sum(1 for f in files if f.path.endswith(("feed.xml", "atom.xml")))
        return cls(out, page_count, feed_count, written, updated)


@dataclass(frozen=True)
class Inputs:
    """Everything loaded and checked, ready to render."""

    digest: Digest
    theme: Theme
    extra: tuple[OutputFile, ...] = ()  # extra/: copied as they are to the site's root


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
    use_cache: bool = True,
    jobs: int = 1,
    drafts: bool = False,
) -> BuildResult:
    """Build the site into out; raise BuildFailed (out untouched) if the inputs have errors.

    With the build cache, a build with nothing changed does nothing (and reports
    what the last one did); otherwise only the write-ups, pages, feeds and data files
    whose inputs changed are rendered, the search index is patched, and only the
    output files whose bytes changed are written. Write-ups, pages, the guard's checks
    and the search index's terms are done in up to jobs processes when there are many.
    """
    timings = timings or Timings()
    out, root = out.absolute(), manifest_path.parent.absolute()
    cache = BuildCache.open(root, report) if use_cache else BuildCache.disabled()
    try:
        before = len(report.diagnostics)  # from here, what a build with no change repeats
        with timings.stage("fingerprint"):
            built_at = now or build_time()
            options = {
                "base_url": base_url,
                "strict": strict,
                "drafts": drafts,
                # what the pages show of the time: its day (data/sources.json gives the
                # time of the build that made it)
                "built_on": built_at.date().isoformat(),
                "out": str(out),
                "cwd": str(Path.cwd()),  # diagnostics name paths from it
            }
            stock = take_stock(manifest_path, out, templates or root / "templates", cache, options)
        if stock.up_to_date:
            assert stock.last is not None
            report.extend(stock.last.diagnostics)
            return BuildResult(out, stock.last.pages, stock.last.feeds, 0, updated=True,
                               up_to_date=True)  # fmt: skip
        inputs = load_inputs(manifest_path, report=report, templates=templates, base_url=base_url,
                             strict=strict, now=built_at, timings=timings, cache=cache,
                             manifest_key=stock.manifest_key, hashes=stock.hashes, jobs=jobs,
                             drafts=drafts)  # fmt: skip
        files, made_from = render_changed(inputs, stock, out, timings, jobs)
        clashes(inputs.extra, files, report)
        with timings.stage("guard"):  # no media, nothing from elsewhere
            guard_changed(files, inputs.theme.folders, report, cache, jobs)
        stop_if_failed(report, strict)
        with timings.stage("search index"):
            files = (*files, *search_files(inputs.digest, cache, jobs))
        with timings.stage("write"):
            result, outputs = write(files, out, protected_paths(inputs), cache, stock.last)
        this = LastBuild(stock.fingerprint, str(out), folder_identity(out, MARKER),
                         tuple(report.diagnostics[before:]), result.pages, result.feeds,
                         outputs, made_from)  # fmt: skip
        cache.record_build(this, previous=stock.last)
        return result
    finally:
        cache.close()


def render_changed(
    inputs: Inputs, stock: Stock, out: Path, timings: Timings, jobs: int = 1
) -> tuple[tuple[OutputFile, ...], dict[str, str]]:
    """Render the site but the pages, feeds and data files the last build into out made
    from the same inputs, which are kept as they are there; and say what each of those
    was made from."""
    key, last = output_keys(inputs.digest, stock.site_key), stock.last
    unchanged = unchanged_outputs(key, last)
    made, assets = render_site(inputs, timings, unchanged, jobs)
    rendered = {file.path for file in made}
    outputs = last.outputs if last is not None else {}  # unchanged is empty without it
    kept = [KeptFile(path, outputs[path], out) for path in sorted(unchanged - rendered)]
    return (*made, *kept, *assets), {file.path: key(file.path) for file in (*made, *kept)}


def write(
    files: Sequence[OutputFile],
    out: Path,
    protected: Sequence[Path],
    cache: BuildCache,
    last: LastBuild | None,
) -> tuple[BuildResult, dict[str, str]]:
    """Write the site: only what changed when the cache knows what out holds."""
    # Until the new build is recorded, what out holds is not known; if that cannot be
    # recorded, out is replaced whole, never changed in place.
    forgotten = cache.forget_build(out)
    previous = last.outputs if last is not None and forgotten else None
    outputs = write_site(files, out, protected=protected, previous=previous)
    result = BuildResult.of(out, files, _changes(previous, outputs), updated=previous is not None)
    return result, outputs


def _changes(previous: Mapping[str, str] | None, outputs: Mapping[str, str]) -> int:
    """How many files a write added, changed or removed."""
    if previous is None:
        return len(outputs)
    changed = sum(1 for path, found in outputs.items() if previous.get(path) != found)
    return changed + len(set(previous) - set(outputs))


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
    cache: BuildCache | None = None,
    manifest_key: str | None = None,
    hashes: Mapping[str, str] | None = None,
    jobs: int = 1,
    drafts: bool = False,
) -> Inputs:
    """Load and check the manifest, write-ups, petition data and templates; or BuildFailed.
    Sources marked draft are left out, unless drafts.

    With keep_going (for check), problems in the write-ups and cached data are
    reported without stopping; a manifest or templates that cannot be loaded
    still stop everything.
    """
    timings = timings or Timings()
    manifest = cached_manifest(manifest_path, report, timings, cache, manifest_key)
    stop_if_failed(report, strict)
    assert manifest is not None
    manifest = with_base_url(manifest if drafts else manifest.without_drafts(), base_url)
    with timings.stage("write-ups"):
        documents = load_documents(manifest, report, cache, hashes, jobs)
        about = load_about(manifest, report)
    with timings.stage("petition data"):
        petitions = load_petition_data(manifest, report, hashes)
    with timings.stage("templates"):
        theme = load_theme(
            templates or manifest.root / "templates",
            report,
            within=templates or manifest.root,
            required=templates is not None,
        )
        if theme is not None:
            check_templates(theme.folders, report)  # what they write: no media, no inline code
    if not keep_going or theme is None:
        stop_if_failed(report, strict)
    assert theme is not None
    extra = load_extra(manifest.root, report)
    return Inputs(Digest(manifest, documents, petitions, about, now or build_time()), theme,
                  extra)  # fmt: skip


def render_site(
    inputs: Inputs, timings: Timings | None = None, unchanged: AbstractSet[str] = frozenset(),
    jobs: int = 1,
) -> tuple[list[OutputFile], list[OutputFile]]:  # fmt: skip
    """Render, in memory, the pages, feeds and data files (but those in unchanged); and,
    apart, the static files."""
    digest, theme, timings = inputs.digest, inputs.theme, timings or Timings()
    with timings.stage("render pages"):
        made = render_pages(digest, theme, unchanged, jobs)
    with timings.stage("feeds"):
        made += render_feeds(digest, unchanged)
    with timings.stage("data files"):
        made += data_files(digest, unchanged)
    return made, [*theme.assets, *inputs.extra]


def protected_paths(inputs: Inputs) -> list[Path]:
    """What the build reads, which the output folder must never overlap."""
    m = inputs.digest.manifest
    return [m.path, m.content_dir, m.root / CACHE_DIR, m.root / EXTRA_DIR, *inputs.theme.folders]


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
