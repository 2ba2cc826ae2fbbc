"""The build, as a table of contents: load, validate, render, write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from research_digest.buildcache import (
    UNREADABLE,
    BuildCache,
    LastBuild,
    code_version,
    folder_identity,
)
from research_digest.diagnostics import Diagnostic, Location, Report, Severity
from research_digest.errors import BuildFailed
from research_digest.files import content_hash, tree_files
from research_digest.manifest.loader import load_manifest
from research_digest.model import Digest, KeptFile, Manifest, OutputFile
from research_digest.output.guard import check_output
from research_digest.output.sitewriter import MARKER, write_site
from research_digest.parallel import map_forked
from research_digest.petitions.cache import CACHE_DIR, load_petition_data
from research_digest.site import feeds, pages, search
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
                "built_at": built_at.isoformat(),
                "out": str(out),
                "cwd": str(Path.cwd()),  # diagnostics name paths from it
            }
            content = tree_files(root / "content")  # walked once, for both keys
            fingerprint, hashes = input_fingerprint(
                manifest_path, content, templates or root / "templates", cache, options
            )
            manifest_key = _manifest_key(manifest_path, hashes[str(manifest_path)], content)
            last = last_build_into(out, cache)
            extra = tree_files(root / EXTRA_DIR)  # copied, never shown: no page depends on them
            site_key = _site_key(hashes, {*map(str, content), *map(str, extra)}, manifest_key,
                                 options)  # fmt: skip
        if last is not None and last.fingerprint == fingerprint:
            report.extend(last.diagnostics)
            return BuildResult(out, last.pages, last.feeds, 0, updated=True, up_to_date=True)
        inputs = load_inputs(manifest_path, report=report, templates=templates, base_url=base_url,
                             strict=strict, now=built_at, timings=timings, cache=cache,
                             manifest_key=manifest_key, hashes=hashes, jobs=jobs,
                             drafts=drafts)  # fmt: skip
        files, made_from = render_changed(inputs, site_key, last, out, timings, jobs)
        clashes(inputs.extra, files, report)
        with timings.stage("guard"):  # no media, nothing from elsewhere
            guard(files, inputs.theme.folders, report, cache, jobs)
        stop_if_failed(report, strict)
        with timings.stage("search index"):
            files = (*files, *search_files(inputs.digest, cache, jobs))
        with timings.stage("write"):
            result, outputs = write(files, out, protected_paths(inputs), cache, last)
        cache.record_build(LastBuild(fingerprint, str(out), folder_identity(out, MARKER),
                                     tuple(report.diagnostics[before:]), result.pages,
                                     result.feeds, outputs, made_from), previous=last)  # fmt: skip
        return result
    finally:
        cache.close()


def render_changed(
    inputs: Inputs, site_key: str, last: LastBuild | None, out: Path, timings: Timings,
    jobs: int = 1,
) -> tuple[tuple[OutputFile, ...], dict[str, str]]:  # fmt: skip
    """Render the site but the pages, feeds and data files the last build into out made
    from the same inputs, which are kept as they are there; and say what each of those
    was made from."""
    key = output_keys(inputs.digest, site_key)
    unchanged = unchanged_outputs(key, last)
    made, assets = render_site(inputs, timings, unchanged, jobs)
    rendered = {file.path for file in made}
    outputs = last.outputs if last is not None else {}  # unchanged is empty without it
    kept = [KeptFile(path, outputs[path], out) for path in sorted(unchanged - rendered)]
    return (*made, *kept, *assets), {file.path: key(file.path) for file in (*made, *kept)}


def _site_key(
    hashes: Mapping[str, str], content: Collection[str], manifest_key: str | None,
    options: Mapping[str, object],
) -> str:  # fmt: skip
    """A hash of what every page, feed and data file is made from but the files under
    content/: the program, the options, the manifest, the templates and the petition data
    (see pages.shown_text)."""
    others = sorted((path, found) for path, found in hashes.items() if path not in content)
    described = [code_version(), dict(options), manifest_key, others]
    return content_hash(json.dumps(described, sort_keys=True).encode())


def output_keys(digest: Digest, site_key: str) -> Callable[[str], str]:
    """A hash of what a page, feed or data file (by output path) is made from."""
    shown = {**pages.shown_text(digest), **feeds.shown_text(digest)}

    @functools.cache
    def key(path: str) -> str:
        text = shown.get(path)
        found = content_hash(text.encode()) if text is not None else ""
        return content_hash(f"{site_key}\0{path}\0{found}".encode())

    return key


def unchanged_outputs(key: Callable[[str], str], last: LastBuild | None) -> frozenset[str]:
    """The outputs the last build into this folder made from the same inputs: they are kept
    as they are. The sitemap lists every page: if it must be made again, so must they."""
    if last is None:
        return frozenset()
    found = frozenset(p for p, made in last.made_from.items()
                      if p in last.outputs and key(p) == made)  # fmt: skip
    return found if "sitemap.xml" in found else frozenset()


def last_build_into(out: Path, cache: BuildCache) -> LastBuild | None:
    """The last build into out, if out is still the folder it left."""
    last = cache.last_build(out)
    return last if last is not None and last.folder == folder_identity(out, MARKER) else None


def guard(
    files: Sequence[OutputFile],
    templates: Sequence[Path],
    report: Report,
    cache: BuildCache,
    jobs: int = 1,
) -> None:
    """Check every page and stylesheet but those whose bytes the guard has passed before."""
    passed = cache.guarded()
    checked = {f.digest for f in files if f.path.endswith((".html", ".css"))}
    newly = check_output(files, templates, report, known_clean=lambda file: file.digest in passed,
                         jobs=jobs)  # fmt: skip
    cache.keep_guarded({f.digest for f in newly} | (passed & checked))


def search_files(digest: Digest, cache: BuildCache, jobs: int = 1) -> list[OutputFile]:
    """The search index, changed only where its pages changed since the last one; new pages'
    terms are found in up to jobs processes when there are many."""
    entries = search.entries(digest)
    previous = cache.search_index()
    changed = search.changes(entries, previous)
    old: dict[str, str] = {}
    if previous is not None and changed is not None:
        old = cache.search_terms(previous.keys[n] for n in changed)
        if len(old) < len({previous.keys[n] for n in changed}):
            previous, changed = None, None  # the cache has lost them: make it from nothing
    wanted = entries if changed is None else [entries[n] for n in changed]
    terms = cache.search_terms(entry.key for entry in wanted)
    todo = [entry for entry in wanted if entry.key not in terms]
    found = map_forked(lambda n: search.terms_of(todo[n]).encode(), len(todo), jobs=jobs,
                       at_least=search.ENTRIES_PER_JOB)  # fmt: skip
    new = {entry.key: encoded for entry, encoded in zip(todo, found, strict=True)}
    files, state = search.search_index(entries, search.EncodedTerms({**terms, **new}), previous,
                                       search.EncodedTerms(old))  # fmt: skip
    cache.keep_search(state, previous, new)
    return files


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


def input_fingerprint(
    manifest_path: Path,
    content: Sequence[Path],
    templates: Path,
    cache: BuildCache,
    options: Mapping[str, object],
) -> tuple[str, dict[str, str]]:
    """A hash of everything a build reads: the manifest, every file under content/, the
    templates and the petition data, the options, and the program itself; and the hash
    of each of those files."""
    files = [manifest_path, *content, *tree_files(templates),
             *tree_files(manifest_path.parent / CACHE_DIR),
             *tree_files(manifest_path.parent / EXTRA_DIR)]  # fmt: skip
    hashes = cache.file_hashes(files)
    described = {"code": code_version(), "options": dict(options), "templates": str(templates),
                 "files": [[str(path), hashes[str(path)]] for path in files]}  # fmt: skip
    return content_hash(json.dumps(described, sort_keys=True).encode()), hashes


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
    manifest = load_manifest_cached(manifest_path, report, timings, cache, manifest_key)
    stop_if_failed(report, strict)
    assert manifest is not None
    manifest = with_base_url(manifest if drafts else manifest.without_drafts(), base_url)
    with timings.stage("write-ups"):
        documents = load_documents(manifest, report, cache, hashes, jobs)
        about = load_about(manifest, report)
    with timings.stage("petition data"):
        petitions = load_petition_data(manifest, report)
    with timings.stage("templates"):
        theme = load_theme(
            templates or manifest.root / "templates",
            report,
            within=templates or manifest.root,
            required=templates is not None,
        )
    if not keep_going or theme is None:
        stop_if_failed(report, strict)
    assert theme is not None
    extra = load_extra(manifest.root, report)
    return Inputs(Digest(manifest, documents, petitions, about, now or build_time()), theme,
                  extra)  # fmt: skip


def load_manifest_cached(
    manifest_path: Path,
    report: Report,
    timings: Timings,
    cache: BuildCache | None,
    key: str | None,
) -> Manifest | None:
    """Load the manifest, or take its model from the cache by its key (_manifest_key);
    its diagnostics are reported either way."""
    if cache is None or key is None:
        return load_manifest(manifest_path, report, timings=timings)
    with timings.stage("manifest from the cache"):
        cached = cache.manifest(key)
    if cached is not None:
        report.extend(cached[1])
        return cached[0]
    before = len(report.diagnostics)
    manifest = load_manifest(manifest_path, report, timings=timings)
    if manifest is not None:
        cache.keep_manifest(key, manifest, report.diagnostics[before:])
    return manifest


def _manifest_key(manifest_path: Path, text_hash: str, content: Sequence[Path]) -> str | None:
    """What the manifest's model depends on: its text, the files under content/ (which it
    checks exist, and where each link among them points), the working directory that
    diagnostics name paths from. None if the manifest cannot be read: load_manifest says why."""
    if text_hash == UNREADABLE:
        return None
    folder = manifest_path.parent / "content"
    files = [[str(p), str(p.readlink()) if p.is_symlink() else ""] for p in content]
    where = [str(manifest_path.absolute()), str(folder.resolve()), str(Path.cwd())]
    return content_hash(json.dumps([text_hash, where, files]).encode())


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
