"""What a build can leave as it was: fingerprints, keys, and what is unchanged.

Before any stage runs, a build takes stock (take_stock): the hash of everything it will
read (if the last build into the same folder read the same, there is nothing to do), a
key for the manifest's model, and a key for what every page is made from but the write-ups.
After loading, each output's key says whether the last build made it from the same inputs
(output_keys, unchanged_outputs); the guard passes pages it has passed before, and the
search index is patched where its pages changed. The build cache stores what these
remember; this module decides what it means.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from research_digest.buildcache import (
    UNREADABLE,
    BuildCache,
    LastBuild,
    code_version,
    folder_identity,
)
from research_digest.diagnostics import Report
from research_digest.files import content_hash, tree_files
from research_digest.manifest.loader import load_manifest
from research_digest.model.digest import Digest
from research_digest.model.manifest import Manifest
from research_digest.model.outputs import OutputFile
from research_digest.output.guard import check_output
from research_digest.output.sitewriter import MARKER
from research_digest.parallel import map_forked
from research_digest.petitions.cache import CACHE_DIR
from research_digest.site import feeds, pages, search
from research_digest.site.extra import EXTRA_DIR
from research_digest.timings import Timings


@dataclass(frozen=True)
class Stock:
    """What a build is about to read, hashed before any stage runs."""

    fingerprint: str  # of everything the build reads, and its options
    hashes: dict[str, str]  # each input file's content hash, by path
    manifest_key: str | None  # what the manifest's model depends on (None: unreadable)
    site_key: str  # what every output is made from but the files under content/
    last: LastBuild | None  # the last build into the same folder, if it is still there

    @property
    def up_to_date(self) -> bool:
        """The last build into this folder read exactly this: there is nothing to do."""
        return self.last is not None and self.last.fingerprint == self.fingerprint


def take_stock(
    manifest_path: Path,
    out: Path,
    templates: Path,
    cache: BuildCache,
    options: Mapping[str, object],
) -> Stock:
    """Hash what a build of manifest_path into out will read (templates: the folder of
    the digest's own templates), with its options."""
    root = manifest_path.parent.resolve()  # as the manifest's write-up paths are
    manifest_path = root / manifest_path.name
    content = tree_files(root / "content")  # walked once, for both keys
    fingerprint, hashes = input_fingerprint(manifest_path, content, templates, cache, options)
    manifest = manifest_key(manifest_path, hashes[str(manifest_path)], content)
    extra = tree_files(root / EXTRA_DIR)  # copied, never shown: no page depends on them
    # the manifest's part in each output is its own (pages.manifest_shown)
    site = site_key(hashes, {*map(str, content), *map(str, extra), str(manifest_path)}, options)
    return Stock(fingerprint, hashes, manifest, site, last_build_into(out, cache))


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


def manifest_key(manifest_path: Path, text_hash: str, content: Sequence[Path]) -> str | None:
    """What the manifest's model depends on: its text, the files under content/ (which it
    checks exist, and where each link among them points), the working directory that
    diagnostics name paths from. None if the manifest cannot be read: load_manifest says why."""
    if text_hash == UNREADABLE:
        return None
    folder = manifest_path.parent / "content"
    files = [[str(p), str(p.readlink()) if p.is_symlink() else ""] for p in content]
    where = [str(manifest_path.absolute()), str(folder.resolve()), str(Path.cwd())]
    return content_hash(json.dumps([text_hash, where, files]).encode())


def site_key(
    hashes: Mapping[str, str], apart: Collection[str], options: Mapping[str, object]
) -> str:
    """A hash of what every page, feed and data file is made from but the files apart (those
    under content/, extra/ and the manifest, whose part in each output is the output's
    own: see output_keys): the program, the options, the templates and the petition
    data."""
    others = sorted((path, found) for path, found in hashes.items() if path not in apart)
    described = [code_version(), dict(options), others]
    return content_hash(json.dumps(described, sort_keys=True).encode())


def last_build_into(out: Path, cache: BuildCache) -> LastBuild | None:
    """The last build into out, if out is still the folder it left."""
    last = cache.last_build(out)
    return last if last is not None and last.folder == folder_identity(out, MARKER) else None


def cached_manifest(
    manifest_path: Path,
    report: Report,
    timings: Timings,
    cache: BuildCache | None,
    key: str | None,
) -> Manifest | None:
    """Load the manifest, or take its model from the cache by its key (manifest_key);
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


def output_keys(digest: Digest, site: str) -> Callable[[str], str]:
    """A hash of what a page, feed or data file (by output path) is made from: what it shows
    of the write-ups (pages.shown_text), of the manifest (pages.manifest_shown) and the
    rest (site_key, which holds the build's day)."""
    shown = {**pages.shown_text(digest), **feeds.shown_text(digest)}
    manifest = pages.manifest_shown(digest)

    @functools.cache
    def key(path: str) -> str:
        text = shown.get(path)
        found = content_hash(text.encode()) if text is not None else ""
        return content_hash(f"{site}\0{path}\0{found}\0{manifest(path)}".encode())

    return key


def unchanged_outputs(key: Callable[[str], str], last: LastBuild | None) -> frozenset[str]:
    """The outputs the last build into this folder made from the same inputs: they are kept
    as they are. The sitemap lists every page: if it must be made again, so must they."""
    if last is None:
        return frozenset()
    found = frozenset(p for p, made in last.made_from.items()
                      if p in last.outputs and key(p) == made)  # fmt: skip
    return found if "sitemap.xml" in found else frozenset()


def guard_changed(
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
    kept = cache.search_index()
    previous = search.IndexState.from_kept(*kept) if kept is not None else None
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
    cache.keep_search(state.order(), state.keys, state.shards,
                      previous.shards if previous is not None else None, new)  # fmt: skip
    return files
