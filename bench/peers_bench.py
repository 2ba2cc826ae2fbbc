"""Benchmark: our build side by side with Hugo, Eleventy and Pelican ('make bench-peers').

For each size, writes the synthetic digest (``bench.synthetic``) and, from it, a corpus
for each peer (``bench.corpora``): the same number of Markdown pages with the same
write-ups. Then, for each of ``--rounds`` rounds, builds ours from nothing (``python
build.py build``, no site, no build cache) and then each peer's, in turn (ABAB), each
under ``/usr/bin/time -v``. Reports, per generator, the median wall time, CPU time (user
and system) and peak memory, the files and bytes it wrote and the load average before
each run, then the ratios (ours/peer) and how they stand against issue 18's targets.

Peers are installed where the machine allows (``bench.peers``); one that cannot be is
skipped, saying why. Every timed build writes into a new folder; old outputs are deleted
only after the timing, since a large deletion slows this disk's file creation for minutes.

    python bench/peers_bench.py --sizes 1000 10000 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: python bench/peers_bench.py
    sys.path.insert(0, str(ROOT))

from bench.corpora import Page, read_pages  # noqa: E402
from bench.peers import PEERS, Peer, find_peers  # noqa: E402
from bench.synthetic import write_digest  # noqa: E402
from bench.timing import (  # noqa: E402
    DELETION_NOTE,
    Outputs,
    RunFailed,
    Timed,
    load_average,
    parse_sizes,
    require_time,
    run_timed,
    tree_size,
)
from research_digest import __version__  # noqa: E402

EPOCH = "1770000000"  # 2026-02-02: every run builds the same bytes
OURS = "ours"
# Issue 18's targets, against Hugo measured in the same run: a full build from nothing at
# most this many times Hugo's wall time, by size; peak memory at most half Hugo's; a full
# build's time growing at most 8-fold from 1,000 to 10,000 sources.
WALL_TARGETS = {1000: 2.0, 10000: 1.2}
MEMORY_TARGET = 0.5
GROWTH_TARGET = 8.0


@dataclass(frozen=True)
class Build:
    """One timed build from nothing, and what it wrote."""

    generator: str
    size: int
    timed: Timed
    files: int
    bytes: int


@dataclass(frozen=True)
class Figures:
    """A generator's medians at one size."""

    wall: float
    cpu: float
    peak_mb: float
    files: int
    bytes: int
    loads: tuple[float, ...]


def prepare(size: int, peers: list[Peer], work: Path,
            outputs: Outputs) -> tuple[Path, dict[str, Path]]:  # fmt: skip
    """Write the digest and each peer's corpus (once: kept in work); return where they are."""
    digest = work / f"digest-{size}"
    if not (digest / "sources.yaml").is_file():
        _write_whole(digest, lambda folder: write_digest(folder, size), outputs)
    pages: list[Page] = []
    corpora = {}
    for peer in peers:
        corpus = corpora[peer.name] = work / f"{peer.name}-{size}"
        if not corpus.is_dir():
            pages = pages or read_pages(digest / "sources.yaml")
            _write_whole(corpus, partial(peer.write, pages), outputs)
    return digest, corpora


def _write_whole(folder: Path, write: Callable[[Path], object], outputs: Outputs) -> None:
    """Write a folder beside its place, then rename it there: it is there only when whole."""
    beside = folder.with_name(folder.name + ".partial")
    outputs.set_aside(beside)  # what an interrupted run left
    outputs.set_aside(folder)
    write(beside)
    beside.rename(folder)


def round_robin(sizes: list[int], rounds: int, peers: list[Peer], work: Path,
                outputs: Outputs) -> list[tuple[Build, Path]]:  # fmt: skip
    """Build ours then each peer, round after round; return every build and its folder."""
    builds = []
    for size in sizes:
        digest, corpora = prepare(size, peers, work, outputs)
        os.sync()  # what was just written is on disk before the clock starts
        for n in range(1, rounds + 1):
            print(f"{size:,} sources, round {n} of {rounds}", file=sys.stderr)
            outputs.set_aside(digest / ".cache")  # from nothing: no build cache
            out = outputs.new(f"{OURS}-{size}")
            builds.append((Build(OURS, size, _ours(digest, out), 0, 0), out))
            for peer in peers:
                out = outputs.new(f"{peer.name}-{size}")
                timed = _run(peer.name, peer.command(out), corpora[peer.name])
                builds.append((Build(peer.name, size, timed, 0, 0), out))
    return builds


def _ours(digest: Path, out: Path) -> Timed:
    command = [sys.executable, str(ROOT / "build.py"), "build", "--quiet",
               "--manifest", str(digest / "sources.yaml"), "--out", str(out)]  # fmt: skip
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return _run(OURS, command, digest, environment)


def _run(name: str, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timed:
    try:
        return run_timed(command, cwd=cwd, env=env)
    except RunFailed as exc:
        sys.exit(f"{name}: the build failed: {exc}")


def medians(builds: list[Build]) -> dict[tuple[str, int], Figures]:
    """Each generator's median figures at each size."""
    found: dict[tuple[str, int], list[Build]] = {}
    for build in builds:
        found.setdefault((build.generator, build.size), []).append(build)
    return {
        key: Figures(
            wall=statistics.median(b.timed.wall for b in runs),
            cpu=statistics.median(b.timed.cpu for b in runs),
            peak_mb=statistics.median(b.timed.peak_mb for b in runs),
            files=int(statistics.median(b.files for b in runs)),
            bytes=int(statistics.median(b.bytes for b in runs)),
            loads=tuple(b.timed.load for b in runs),
        )
        for key, runs in found.items()
    }


def report(figures: dict[tuple[str, int], Figures], sizes: list[int], generators: list[str],
           *, header: list[str]) -> list[str]:  # fmt: skip
    """The figures as Markdown for bench/README.md: a table a size, ratios, the targets."""
    lines = [*header]
    for size in sizes:
        lines += ["", f"{size:,} sources:", "",
                  "| generator | files | bytes | wall time | CPU time | peak memory "
                  "| load before each run |",
                  "|---|---|---|---|---|---|---|"]  # fmt: skip
        for name in generators:
            f = figures[name, size]
            loads = ", ".join(f"{load:.2f}" for load in f.loads)
            lines.append(f"| {name} | {f.files:,} | {_mb(f.bytes)} | {f.wall:.2f} s "
                         f"| {f.cpu:.2f} s | {f.peak_mb:.0f} MB | {loads} |")  # fmt: skip
        if len(generators) > 1:
            lines += ["", "| ours / peer | files | bytes | wall time | CPU time | peak memory |",
                      "|---|---|---|---|---|---|"]  # fmt: skip
            ours = figures[OURS, size]
            for name in generators[1:]:
                f = figures[name, size]
                cells = [ours.files / f.files, ours.bytes / f.bytes, ours.wall / f.wall,
                         ours.cpu / f.cpu, ours.peak_mb / f.peak_mb]  # fmt: skip
                lines.append(f"| {name} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    return lines + targets(figures, sizes, generators)


def targets(figures: dict[tuple[str, int], Figures], sizes: list[int],
            generators: list[str]) -> list[str]:  # fmt: skip
    """Issue 18's targets that a side-by-side run can judge, and whether each is met."""
    lines = ["", "Targets (issue 18):", ""]
    if "hugo" in generators:
        for size in sizes:
            ours, hugo = figures[OURS, size], figures["hugo", size]
            if size in WALL_TARGETS:
                lines.append(_target(f"full build at {size:,} sources: wall time",
                                     ours.wall / hugo.wall, WALL_TARGETS[size]))  # fmt: skip
            lines.append(_target(f"peak memory at {size:,} sources",
                                 ours.peak_mb / hugo.peak_mb, MEMORY_TARGET))  # fmt: skip
    else:
        lines.append("- Hugo was not measured: the targets against it cannot be judged")
    if 1000 in sizes and 10000 in sizes:
        for name in generators:
            growth = figures[name, 10000].wall / figures[name, 1000].wall
            limit = f" (at most {GROWTH_TARGET:.0f}-fold: {_verdict(growth, GROWTH_TARGET)})"
            lines.append(f"- {name}: full build time grows {growth:.1f}-fold from 1,000 to "
                         f"10,000 sources{limit if name == OURS else ''}")  # fmt: skip
    return lines


def _target(what: str, ratio: float, limit: float) -> str:
    return f"- {what}: {ratio:.2f} times Hugo's (at most {limit}: {_verdict(ratio, limit)})"


def _load(averages: tuple[float, ...]) -> str:
    return " ".join(f"{a:.2f}" for a in averages)


def _verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "**not met**"


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=f"Note: {DELETION_NOTE}."
    )
    parser.add_argument("--sizes", nargs="+", default=["1000", "10000"],
                        help="source counts: '1000 10000' or '1000,10000'")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of ours then each peer (median)")  # fmt: skip
    parser.add_argument("--peers", nargs="+", choices=sorted(PEERS), default=list(PEERS),
                        help="the peers to time ours against (default: all)")  # fmt: skip
    parser.add_argument("--no-install", action="store_true",
                        help="use only the peers already installed")  # fmt: skip
    parser.add_argument("--work", type=Path,
                        help="keep the digests and corpora here (default: a temp dir)")  # fmt: skip
    args = parser.parse_args(argv)
    require_time()
    sizes = parse_sizes(args.sizes)
    peers = find_peers(args.peers, install=not args.no_install,
                       say=lambda message: print(message, file=sys.stderr))  # fmt: skip
    before = load_average()
    print(f"Note: {DELETION_NOTE}.", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="digest-peers-") as temp:
        work = args.work or Path(temp)
        outputs = Outputs(work / "timed-outputs")
        done = round_robin(sizes, args.rounds, peers, work, outputs)
        after = load_average()
        builds = [_counted(build, out) for build, out in done]
        print(f"deleting {outputs.delete()} folders of timed builds, after the timing",
              file=sys.stderr)  # fmt: skip
    generators = [OURS, *(peer.name for peer in peers)]
    header = _header(peers, args.rounds, before, after)
    print("\n".join(report(medians(builds), sizes, generators, header=header)))
    return 0


def _counted(build: Build, out: Path) -> Build:
    files, size = tree_size(out)
    return Build(build.generator, build.size, build.timed, files, size)


def _header(peers: list[Peer], rounds: int, before: tuple[float, ...],
            after: tuple[float, ...]) -> list[str]:  # fmt: skip
    python = f"{platform.python_implementation()} {platform.python_version()}"
    versions = [f"ours: research-digest {__version__} ({python})"]
    versions += [f"{peer.name}: {peer.version}" for peer in peers]
    return [
        f"# Build from nothing, side by side, {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores; "
        + (f"median of {rounds} rounds, each" if rounds > 1 else "one round:")
        + " ours, then each peer in turn.",
        "Versions: " + "; ".join(versions) + ".",
        f"Load average (1, 5, 15 min): {_load(before)} before, {_load(after)} after.",
        f"{DELETION_NOTE[0].upper()}{DELETION_NOTE[1:]}.",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
