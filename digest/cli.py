"""The command line: ``python build.py [build|fetch] [options]``; ``python -m digest`` is the same.

Exit status: 0 done, 1 a problem in the inputs (reported as diagnostics),
2 a bad command line. Only this module prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from digest import __version__
from digest.check import check
from digest.diagnostics import Report, Severity, did_you_mean, display_path
from digest.errors import UserError
from digest.fetch import (
    FetchSettings,
    Outcome,
    Result,
    api_base_problem,
    fetch_petitions,
    new_client,
    petitions_to_fetch,
    user_agent,
)
from digest.manifest import load_manifest
from digest.pipeline import build

COMMANDS = ("build", "check", "fetch")
DEFAULT_COMMAND = "build"


def main(argv: Sequence[str] | None = None, *, stderr: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    err = stderr or sys.stderr
    args_list = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    parser = make_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse has printed the usage or the help
        return exc.code if isinstance(exc.code, int) else 2
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        return handler(args, err)
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build a research digest: a static site with feeds, from sources.yaml, "
        "content/ and templates/.",
        epilog="With no command, 'build' runs. 'build.py COMMAND --help' describes a command.",
    )
    parser.add_argument("--version", action="version", version=f"research-digest {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_build(commands)
    _add_check(commands)
    _add_fetch(commands)
    return parser


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "build",
        help="validate the manifest and write the site (the default)",
        description="Validate the manifest, documents and cached petition data, then write the "
        "site. Nothing is written unless the whole build succeeds; then the new site replaces "
        "the old one in one step. The build is offline unless --refresh is given.",
    )
    _add_manifest(p)
    p.add_argument(
        "--out",
        type=Path,
        default=Path("site"),
        metavar="DIR",
        help="the output folder, replaced by each build (default: ./site)",
    )
    p.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="publish at this absolute URL instead of the manifest's site.base_url",
    )
    p.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="the templates folder (default: templates/ beside the manifest)",
    )
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--refresh",
        action="store_true",
        help="fetch the petitions' data first (as the fetch command does)",
    )
    _add_fetch_options(p)
    _add_verbosity(p)
    p.set_defaults(handler=run_build)


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "check",
        help="check everything a build would, plus links and the content's lint; write nothing",
        description="Validate the manifest, write-ups, cached data and templates as a build "
        "does, render every page in memory, follow every link that stays on the site, and "
        "lint the content (see CONTRIBUTING.md). Nothing is written. Exit status 1 on errors, "
        "or on warnings with --strict, which is what pull-request CI runs.",
    )
    _add_manifest(p)
    p.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="the templates folder (default: templates/ beside the manifest)",
    )
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="'github' prints GitHub Actions annotations on standard output, so "
        "findings show on the changed lines of a pull request",
    )
    p.add_argument(
        "--external",
        action="store_true",
        help="also check links to other sites (warnings only; needs the internet)",
    )
    p.add_argument(
        "--external-max-age",
        type=_days,
        default=7,
        metavar="DAYS",
        help="re-check an outside link that answered well only after this many days (default: 7)",
    )
    _add_verbosity(p)
    p.set_defaults(handler=run_check)


def _add_fetch(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "fetch",
        help="fetch the petitions' data from their platforms into data/petitions/",
        description="Fetch every petition in the manifest whose platform has an API (UK "
        "Parliament, Senedd, Scottish Parliament) and update the cache in data/petitions/, "
        "adding to each petition's signature history. A failed fetch keeps the last good copy. "
        "Exit status 1 if any petition could not be fetched.",
    )
    _add_manifest(p)
    _add_fetch_options(p)
    _add_verbosity(p)
    p.set_defaults(handler=run_fetch, strict=False)


def _add_manifest(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--manifest",
        type=Path,
        default=Path("sources.yaml"),
        metavar="PATH",
        help="the manifest (default: ./sources.yaml); its paths are relative to its folder",
    )


def _add_fetch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="ID",
        help="fetch only this petition source (repeat for more)",
    )
    p.add_argument(
        "--api-base",
        action="append",
        default=[],
        type=_api_base,
        metavar="PLATFORM=URL",
        help="for testing: send a platform's requests to a server on this machine "
        "(loopback addresses only)",
    )


def _add_verbosity(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only (and warnings under --strict)"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", help="print notes and timing as well"
    )


def run_build(args: argparse.Namespace, err: TextIO) -> int:
    """Build the site (after fetching, with --refresh) and report what happened."""
    fetched = 0
    if args.refresh:
        fetched = run_fetch(args, err)
        if fetched == 2:
            return 2
    report = Report()
    started = time.perf_counter()
    try:
        result = build(
            args.manifest,
            out=args.out,
            report=report,
            templates=args.templates,
            base_url=args.base_url,
            strict=args.strict,
        )
    except UserError as exc:
        report.extend(exc.diagnostics)
        _print_diagnostics(report, args, err)
        print(
            f"build failed ({report.summary()}); {display_path(args.out)}/ was not changed",
            file=err,
        )
        return 1
    _print_diagnostics(report, args, err)
    if not args.quiet:
        warnings = report.count(Severity.WARNING)
        tail = f" ({report.summary()})" if warnings else ""
        timing = f" in {time.perf_counter() - started:.2f} s" if args.verbose else ""
        print(
            f"built {result.pages} pages and {result.feeds} feeds into "
            f"{display_path(result.out)}/{timing}{tail}",
            file=err,
        )
    return fetched


def run_check(args: argparse.Namespace, err: TextIO) -> int:
    """Check the digest and report every finding."""
    report = Report()
    started = time.perf_counter()
    try:
        if args.external:
            manifest = load_manifest(args.manifest, Report())
            agent = user_agent(manifest.site) if manifest else "ResearchDigest"
            with new_client(FetchSettings(agent, max_in_flight=4)) as client:
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
            f"checked {result.sources} sources, {result.pages} pages and {result.links} links"
            + (f", and {result.outside_links} outside addresses" if args.external else "")
            if result
            else "stopped early: the inputs could not be loaded"
        )
        timing = f" in {time.perf_counter() - started:.2f} s" if args.verbose else ""
        print(f"{done}{timing}: {report.summary()}", file=err)
    return 1 if failed else 0


def run_fetch(args: argparse.Namespace, err: TextIO) -> int:
    """Fetch the petitions' data into the cache and say how each fetch ended."""
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
            f"fetched {len(results)} petition{'' if len(results) == 1 else 's'}{timing}: "
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


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"expected an absolute http(s) URL, got {value!r}")
    return value


def _api_base(value: str) -> tuple[str, str]:
    platform, sep, url = value.partition("=")
    problem = api_base_problem(platform, url) if sep else f"expected PLATFORM=URL, got {value!r}"
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return platform, url


def _days(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {value!r}")
    return int(value)


def _with_default_command(argv: list[str]) -> list[str]:
    """Insert 'build' when the command line starts with an option (or is empty)."""
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return [DEFAULT_COMMAND, *argv]
    return argv
