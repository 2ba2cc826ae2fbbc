"""What each command does, once its arguments are parsed; and what it prints.

One function a command: ``run_build``, ``run_check``, ``run_fetch``, ``run_add``.
Each takes the parsed arguments and the stream for diagnostics, and returns the
exit status: 0 done, 1 a problem the user can fix, 2 a bad command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from research_digest.diagnostics import Report, Severity, did_you_mean, display_path
from research_digest.errors import PartlyWritten, UserError
from research_digest.manifest.loader import load_manifest
from research_digest.pipeline import build, build_time
from research_digest.textformat import count
from research_digest.timings import Timings

# What only the other commands need (checks, HTTP, the server) is imported by each of them:
# a build starts 0.1 s sooner, which a rebuild of one write-up notices.
if TYPE_CHECKING:
    from research_digest.add.entry import Added
    from research_digest.petitions.fetch import Result


def run_build(args: argparse.Namespace, err: TextIO) -> int:
    """Build the site (after fetching, with --refresh) and report what happened."""
    fetched = 0
    if args.refresh:
        fetched = run_fetch(args, err)
        if fetched == 2:
            return 2
    report = Report()
    timings = Timings()
    started = time.perf_counter()
    try:
        result = build(
            args.manifest,
            out=args.out,
            report=report,
            templates=args.templates,
            base_url=args.base_url,
            strict=args.strict,
            timings=timings,
            use_cache=not args.no_cache,
            jobs=args.jobs,
            drafts=args.drafts,
        )
    except UserError as exc:
        report.extend(exc.diagnostics)
        _print_diagnostics(report, args, err)
        folder = f"{display_path(args.out)}/"
        outcome = (f"{folder} holds some new files and some old, each whole: build again"
                   if isinstance(exc, PartlyWritten) else f"{folder} was not changed")  # fmt: skip
        print(f"build failed ({report.summary()}); {outcome}", file=err)
        return 1
    _print_diagnostics(report, args, err)
    if not args.quiet:
        warnings = report.count(Severity.WARNING)
        tail = f" ({report.summary()})" if warnings else ""
        timing = f" in {time.perf_counter() - started:.2f} s" if args.verbose else ""
        made = f"{count(result.pages, 'page')} and {count(result.feeds, 'feed')}"
        if result.up_to_date:
            done = f"{display_path(result.out)}/ is up to date: {made}, nothing changed"
        elif result.updated:
            changed = f"{count(result.written, 'file')} changed"
            done = f"built {made} into {display_path(result.out)}/, {changed}"
        else:
            done = f"built {made} into {display_path(result.out)}/"
        print(f"{done}{timing}{tail}", file=err)
    if args.timings:
        print(f"time by stage:\n{timings.table()}", file=err)
    return fetched


def run_check(args: argparse.Namespace, err: TextIO) -> int:
    """Check the digest and report every finding."""
    from research_digest.check import check
    from research_digest.checks.externallinks import IN_FLIGHT
    from research_digest.petitions.fetch import FetchSettings, new_client, user_agent

    report = Report()
    started = time.perf_counter()
    try:
        if args.external:
            manifest = load_manifest(args.manifest, Report())
            agent = user_agent(manifest.site) if manifest else "ResearchDigest"
            with new_client(FetchSettings(agent, max_in_flight=IN_FLIGHT)) as client:
                result = check(
                    args.manifest,
                    report=report,
                    templates=args.templates,
                    external_client=client,
                    external_max_age=dt.timedelta(days=args.external_max_age),
                )
        else:
            result = check(args.manifest, report=report, templates=args.templates)
    except UserError as exc:
        report.extend(exc.diagnostics)
        result = None
    _print_diagnostics(report, args, err)
    failed = result is None or report.failed(strict=args.strict)
    if not args.quiet or failed:
        done = (
            f"checked {count(result.sources, 'source')}, {count(result.pages, 'page')} and "
            f"{count(result.links, 'link')}"
            + (
                f", and {count(result.outside_links, 'outside address', 'outside addresses')}"
                if args.external
                else ""
            )
            if result
            else "stopped early: the inputs could not be loaded"
        )
        timing = f" in {time.perf_counter() - started:.2f} s" if args.verbose else ""
        print(f"{done}{timing}: {report.summary()}", file=err)
    return 1 if failed else 0


ADD_EXTRA = ("trafilatura", "lxml_html_clean", "courlan", "htmldate", "justext", "dateparser")


def run_add(args: argparse.Namespace, err: TextIO) -> int:
    """Add a source and say what was read, what was not, and what to do next."""
    try:
        from research_digest.add.entry import AddError  # trafilatura loads slowly: only for 'add'
        from research_digest.add.source import add_source
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in ADD_EXTRA:
            raise
        print(f"build.py: error: add: it needs what the 'add' extra installs ({exc.name} is "
              "missing)\n  hint: .venv/bin/pip install -c constraints.txt -e '.[add]' "
              "(or pip install 'research-digest[add]')", file=err)  # fmt: skip
        return 1
    from research_digest.petitions.fetch import FetchSettings, new_client, user_agent

    report = Report()
    manifest = load_manifest(args.manifest, Report())
    agent = user_agent(manifest.site) if manifest else "ResearchDigest"
    settings = FetchSettings(agent, api_bases=dict(args.api_base))
    try:
        with new_client(settings) as client:
            added = add_source(args.manifest, args.target, report=report, client=client,
                               fetch_settings=settings, now=build_time(), url=args.url,
                               source_id=args.source_id, topics=args.topic)  # fmt: skip
    except AddError as exc:
        _print_diagnostics(report, args, err)
        print(f"build.py: error: add: {exc}", file=err)
        return 2 if exc.usage else 1
    except UserError as exc:
        report.extend(exc.diagnostics)
        _print_diagnostics(report, args, err)
        return 1
    _print_diagnostics(report, args, err)
    if not args.quiet:
        for line in _added_lines(added, args.manifest):
            print(line, file=err)
    return 0


def _added_lines(added: Added, manifest: Path) -> list[str]:
    facts = added.facts
    lines = [
        f"added source {added.source_id!r} to {display_path(manifest)} (line {added.line}) and "
        f"a draft write-up, {display_path(added.document)}",
        f"  read from: {added.read_from}",
        f"  title: {facts.title or 'not found: write it in sources.yaml'}",
        f"  publisher: {facts.publisher or 'not stated (recorded as unknown)'}",
    ]
    if added.petition_outcome is None:
        lines.append(f"  published: {facts.published.human() if facts.published else 'not stated'}")
    how = "suggested from the text: edit them if they do not fit" if added.topics_suggested else ""
    lines.append(f"  topics: {', '.join(added.topics)}" + (f" ({how})" if how else ""))
    if facts.findings:
        lines.append("  the copy's defects, set aside when it was read:")
        lines += [f"    line {f.line}: {f.message}" for f in facts.findings]
    lines.append(
        "next: write the summary and the write-up in your own words (replace every "
        "TODO), remove 'draft: true' (builds leave drafts out), then run "
        "'python build.py check --strict'"
    )
    return lines


def run_fetch(args: argparse.Namespace, err: TextIO) -> int:
    """Fetch the petitions' data into the cache and say how each fetch ended."""
    from research_digest.petitions.fetch import (
        FetchSettings,
        Outcome,
        fetch_petitions,
        new_client,
        petitions_to_fetch,
        user_agent,
    )

    report = Report()
    manifest = load_manifest(args.manifest, report)
    if manifest is None:
        _print_diagnostics(report, args, err)
        print(f"fetch failed ({report.summary()}): fix the manifest first", file=err)
        return 1
    sources = petitions_to_fetch(manifest, args.only)
    unknown = sorted(set(args.only) - {s.id for s in sources})
    if unknown:
        choices = [s.id for s in petitions_to_fetch(manifest)]
        hint = did_you_mean(unknown[0], choices) or f"petitions: {', '.join(choices) or 'none'}"
        print(
            f"build.py: error: --only: no petition with an API has the id {unknown[0]!r}; {hint}",
            file=err,
        )
        return 2
    settings = FetchSettings(user_agent(manifest.site), api_bases=dict(args.api_base))
    bar = _ProgressBar(err, len(sources)) if err.isatty() and not args.quiet else None
    started = time.perf_counter()
    with new_client(settings) as client:
        results = fetch_petitions(
            manifest,
            sources,
            report,
            client=client,
            settings=settings,
            on_result=bar.advance if bar else None,
        )
    if bar:
        bar.clear()
    _print_diagnostics(report, args, err)
    counts = Counter(r.outcome for r in results)
    if not args.quiet:
        timing = f" in {time.perf_counter() - started:.2f} s" if args.verbose else ""
        print(
            f"fetched {count(len(results), 'petition')}{timing}: "
            f"{counts[Outcome.UPDATED]} updated, {counts[Outcome.UNCHANGED]} unchanged, "
            f"{counts[Outcome.FAILED]} failed (last good copy kept), {counts[Outcome.GONE]} gone",
            file=err,
        )
    return 1 if counts[Outcome.FAILED] else 0


class _ProgressBar:
    """A one-line progress bar on a terminal: 'fetching petitions [#####.....] 12/30'."""

    WIDTH = 30

    def __init__(self, out: TextIO, total: int) -> None:
        self.out, self.total, self.done = out, total, 0
        self.draw()

    def advance(self, _result: Result) -> None:
        self.done += 1
        self.draw()

    def draw(self) -> None:
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.out.write(f"\rfetching petitions [{bar}] {self.done}/{self.total}")
        self.out.flush()

    def clear(self) -> None:
        self.out.write("\r" + " " * (self.WIDTH + 40) + "\r")
        self.out.flush()


def _print_diagnostics(report: Report, args: argparse.Namespace, err: TextIO) -> None:
    """Print what -q/-v ask for; under --strict (build only), warnings count as errors."""
    minimum = Severity.NOTE if args.verbose else Severity.WARNING
    if args.quiet and not args.strict:
        minimum = Severity.ERROR
    github = getattr(args, "format", "text") == "github"
    for diagnostic in report.sorted(minimum=minimum):
        if github:
            print(diagnostic.format_github(), file=sys.stdout)
        else:
            print(diagnostic.format(), file=err)


def run_new(args: argparse.Namespace, err: TextIO) -> int:
    """Write a small digest and say how to go on."""
    from research_digest.new import NewError, new_digest

    try:
        written = new_digest(args.folder, today=build_time().date())
    except NewError as exc:
        print(f"build.py: error: new: {exc}", file=err)
        return 2
    except OSError as exc:
        print(f"build.py: error: new: cannot write {exc.filename}: {exc.strerror}", file=err)
        return 1
    if not args.quiet:
        folder = display_path(args.folder)
        print(f"wrote a digest of {count(len(written), 'file')} in {folder}/; next:", file=err)
        print(f"  cd {folder} && research-digest serve    (or: build, check --strict)", file=err)
    return 0


def run_serve(args: argparse.Namespace, err: TextIO) -> int:
    """Serve the site and rebuild on changes until interrupted."""
    from research_digest.serve import DevServer

    try:
        server = DevServer(args.manifest, out=args.out, templates=args.templates,
                           host=args.host, port=args.port, log=err)  # fmt: skip
    except OSError as exc:
        print(f"build.py: error: serve: cannot listen on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=err)  # fmt: skip
        return 1
    server.run()
    return 0
