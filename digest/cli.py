"""The command line: ``python build.py [build] [options]``; ``python -m digest`` is the same.

Exit status: 0 done, 1 a problem in the inputs (reported as diagnostics),
2 a bad command line. Only this module prints.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from digest import __version__
from digest.diagnostics import Report, Severity, display_path
from digest.errors import UserError
from digest.pipeline import build

COMMANDS = ("build",)
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
    return parser


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "build",
        help="validate the manifest and write the site (the default)",
        description="Validate the manifest, documents and cached petition data, then write the "
        "site. Nothing is written unless the whole build succeeds; then the new site replaces "
        "the old one in one step.",
    )
    p.add_argument(
        "--manifest",
        type=Path,
        default=Path("sources.yaml"),
        metavar="PATH",
        help="the manifest (default: ./sources.yaml); its paths are relative to its folder",
    )
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
    _add_verbosity(p)
    p.set_defaults(handler=run_build)


def _add_verbosity(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only (and warnings under --strict)"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", help="print notes and timing as well"
    )


def run_build(args: argparse.Namespace, err: TextIO) -> int:
    """Build the site and report what happened."""
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
    return 0


def _print_diagnostics(report: Report, args: argparse.Namespace, err: TextIO) -> None:
    minimum = Severity.NOTE if args.verbose else Severity.WARNING
    if args.quiet and not args.strict:  # under --strict, warnings are what fails the build
        minimum = Severity.ERROR
    for diagnostic in report.sorted(minimum=minimum):
        print(diagnostic.format(), file=err)


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"expected an absolute http(s) URL, got {value!r}")
    return value


def _with_default_command(argv: list[str]) -> list[str]:
    """Insert 'build' when the command line starts with an option (or is empty)."""
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return [DEFAULT_COMMAND, *argv]
    return argv
