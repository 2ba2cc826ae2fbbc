"""The command line: ``python build.py [COMMAND] [options]``; ``python -m digest`` is the same.

Commands: build (the default), check, fetch, add; ``--help`` describes each.
Exit status: 0 done, 1 a problem in the inputs (reported as diagnostics),
2 a bad command line. Only this module and ``commands`` print.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from research_digest import __version__
from research_digest import commands as handlers
from research_digest.parallel import available_jobs

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
    _add_add(commands)
    _add_serve(commands)
    _add_new(commands)
    return parser


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "build",
        help="validate the manifest and write the site (the default)",
        description="Validate the manifest, documents and cached petition data, then write the "
        "site. Nothing is written unless the whole build succeeds; then only the files that "
        "changed are written (the build cache, .cache/build/, knows which). The build is "
        "offline unless --refresh is given.",
    )
    _add_manifest(p)
    _add_out(p)
    p.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="publish at this absolute URL instead of the manifest's site.base_url",
    )
    _add_templates(p)
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--refresh",
        action="store_true",
        help="fetch the petitions' data first (as the fetch command does)",
    )
    _add_fetch_options(p)
    p.add_argument(
        "--timings", action="store_true", help="print how long each stage of the build took"
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="build everything from nothing, without the build cache (.cache/build/)",
    )
    p.add_argument(
        "--drafts",
        action="store_true",
        help="include the sources marked 'draft: true' (left out by default)",
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=available_jobs(),
        metavar="N",
        help="render and check in up to N processes (default: the %(default)s cores this "
        "machine gives the build; 1: all in this process)",
    )
    _add_verbosity(p)
    p.set_defaults(handler=handlers.run_build)


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
    _add_templates(p)
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
    p.set_defaults(handler=handlers.run_check)


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
    p.set_defaults(handler=handlers.run_fetch, strict=False)


def _add_add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "add",
        help="add a source from its address or a saved copy: an entry and a draft write-up",
        description="Read a source's facts (title, publisher, date, address) from its page, "
        "a saved copy (.html, .txt, .md) or, for a petition, its platform's data; write an "
        "entry at the end of sources.yaml (leaving the rest of the file as it was) and a "
        "draft write-up, content/ID.md, of prompts for you to answer in your own words. "
        "Topics are suggested from the text; the copy's defects are reported.",
    )
    p.add_argument(
        "target", metavar="URL_OR_FILE", help="the source's address, or a saved copy of it"
    )
    p.add_argument("--url", metavar="URL", help="the original's address, for a saved copy")
    p.add_argument(
        "--id", dest="source_id", metavar="ID", help="the new source's id (default: from its title)"
    )
    p.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="ID",
        help="put it in this topic instead of the suggested ones (repeat for more)",
    )
    _add_manifest(p)
    _add_fetch_options(p, only=False)
    _add_verbosity(p)
    p.set_defaults(handler=handlers.run_add, strict=False)


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "serve",
        help="build, serve the site on this machine, rebuild on every change",
        description="Build the site for http://HOST:PORT/, serve it, and rebuild whenever the "
        "manifest, a write-up, a template or the petition data changes; open pages reload "
        "themselves. A rebuild that fails shows its diagnostics in the terminal and on the "
        "page, and the last good site stays served. Ctrl-C stops.",
    )
    _add_manifest(p)
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="the folder to build the served site in (default: .cache/serve/site/ beside the "
        "manifest, so that site/ stays the last real build)",
    )
    _add_templates(p)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="HOST",
        help="the address to listen on (default: 127.0.0.1, this machine only)",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=8000,
        metavar="PORT",
        help="the port to listen on (default: 8000)",
    )
    p.set_defaults(handler=handlers.run_serve, strict=False, quiet=False, verbose=False)


def _add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "new",
        help="write a small digest to start from, in a new folder",
        description="Write a small digest into FOLDER (new, or empty): a manifest with one "
        "topic and one source, its write-up, a README and a .gitignore. It builds, and passes "
        "'check --strict', at once; the look is the default theme's.",
    )
    p.add_argument("folder", type=Path, metavar="FOLDER", help="the folder to write it in")
    _add_verbosity(p)
    p.set_defaults(handler=handlers.run_new, strict=False)


def _add_out(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        type=Path,
        default=Path("site"),
        metavar="DIR",
        help="the output folder, replaced by each build (default: ./site)",
    )


def _add_templates(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="templates overriding the default theme's, file by file (default: templates/ "
        "beside the manifest, if there is one)",
    )


def _add_manifest(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--manifest",
        type=Path,
        default=Path("sources.yaml"),
        metavar="PATH",
        help="the manifest (default: ./sources.yaml); its paths are relative to its folder",
    )


def _add_fetch_options(p: argparse.ArgumentParser, *, only: bool = True) -> None:
    if only:
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


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"expected an absolute http(s) URL, got {value!r}")
    return value


def _api_base(value: str) -> tuple[str, str]:
    platform, sep, url = value.partition("=")
    from research_digest.petitions.fetch import (
        api_base_problem,  # HTTP is loaded only for the commands using it
    )

    problem = api_base_problem(platform, url) if sep else f"expected PLATFORM=URL, got {value!r}"
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return platform, url


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number, got {value!r}")
    return int(value)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more processes, got {value!r}")
    return int(value)


def _days(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {value!r}")
    return int(value)


def _with_default_command(argv: list[str]) -> list[str]:
    """Insert 'build' when the command line starts with an option (or is empty)."""
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return [DEFAULT_COMMAND, *argv]
    return argv
