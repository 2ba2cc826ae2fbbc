"""Benchmark: build synthetic digests of 1,000 and 10,000 sources ('make bench').

For each size, writes the digest once (``bench.synthetic``, deterministic) with a
copy of one of the default theme's templates (an override), then times the real
command, ``python build.py build --timings``, under ``/usr/bin/time -v`` (wall time
and peak memory), for:

- a full build from nothing (no site, no build cache);
- a rebuild with nothing changed;
- a rebuild after one source's write-up changed;
- a rebuild after one topic's summary changed;
- a rebuild after one template changed.

Each figure is the median of ``--runs`` runs; the stage times are those of the
median full build. Prints a Markdown table for bench/README.md, with the machine's
load average before each run.

Each full build writes into a new folder, its build cache set aside (a rename), and the
rebuilds update the last one; the folders are deleted only after the timing, since a
large deletion slows this disk's file creation for minutes (issue 18).

    python bench/build_bench.py --sizes 1000 --runs 1
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: python bench/build_bench.py
    sys.path.insert(0, str(ROOT))

from bench.synthetic import write_digest  # noqa: E402
from bench.timing import (  # noqa: E402
    DELETION_NOTE,
    Outputs,
    RunFailed,
    load_average,
    parse_sizes,
    require_time,
    run_timed,
)

EPOCH = "1770000000"  # 2026-02-02: every run builds the same bytes
EDITED_SOURCE = "source-00777"
EDITED_TOPIC = "topic-07"
EDITED_TEMPLATE = "source.html"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    stages: dict[str, float]
    stage_peaks: dict[str, float]  # MB: the build's peak memory when each stage ended
    load: float  # the 1-minute load average just before the run


def measure(manifest: Path, out: Path) -> Run:
    """Build once under /usr/bin/time -v; fail loudly if the build fails."""
    command = [sys.executable, str(ROOT / "build.py"), "build", "--manifest", str(manifest),
               "--out", str(out), "--timings"]  # fmt: skip
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    try:
        timed = run_timed(command, env=environment)
    except RunFailed as exc:
        sys.exit(f"the build failed: {exc}")
    found = re.findall(r"^  (\S.*?)\s+([\d.]+) s\s+(\d+) MB$", timed.stderr, re.MULTILINE)
    stages = {name.strip(): float(spent) for name, spent, _ in found}
    peaks = {name.strip(): float(mb) for name, _, mb in found}
    return Run(timed.wall, timed.peak_mb, stages, peaks, timed.load)


def edits(folder: Path) -> dict[str, Callable[[int], None]]:
    """The changes a rebuild is timed after; each run, of each benchmark, makes a new one."""
    session = time.strftime("%Y%m%dT%H%M%S")

    def source_text(run: int) -> None:
        with (folder / "content" / f"{EDITED_SOURCE}.md").open("a") as f:
            f.write(f"\nA sentence added by benchmark run {session}-{run}.\n")

    def topic(run: int) -> None:
        _replace_line(folder / "sources.yaml", f"  - id: {EDITED_TOPIC}", 2,
                      f"      Summary rewritten by benchmark run {session}-{run}.")  # fmt: skip

    def template(run: int) -> None:
        with (folder / "templates" / EDITED_TEMPLATE).open("a") as f:
            f.write(f"{{# changed by benchmark run {session}-{run} #}}\n")

    return {
        "rebuild, nothing changed": lambda run: None,
        "rebuild, one write-up changed": source_text,
        "rebuild, one topic changed": topic,
        "rebuild, one template changed": template,
    }


def _replace_line(path: Path, anchor: str, offset: int, text: str) -> None:
    """Replace the line offset lines below the anchor line (a topic's summary text)."""
    lines = path.read_text().splitlines(keepends=True)
    at = lines.index(anchor + "\n") + offset + 1
    lines[at] = text + "\n"
    path.write_text("".join(lines))


def bench(size: int, runs: int, work: Path, outputs: Outputs) -> list[tuple[str, Run, list[Run]]]:
    folder = work / f"digest-{size}"
    if not (folder / "sources.yaml").is_file():
        outputs.set_aside(folder)
        write_digest(folder, size)
    shutil.rmtree(folder / "templates", ignore_errors=True)  # the template edited: an override
    (folder / "templates").mkdir()
    shutil.copy(ROOT / "research_digest" / "theme" / EDITED_TEMPLATE, folder / "templates")
    manifest = folder / "sources.yaml"
    os.sync()  # the digest's files are on disk before the clock starts
    rows = []
    full = []
    for _ in range(runs):
        outputs.set_aside(folder / ".cache")  # from nothing: no build cache
        out = outputs.new(f"site-{size}")
        full.append(measure(manifest, out))
    rows.append(("full build from nothing", _median(full), full))
    for label, change in edits(folder).items():
        measure(manifest, out)  # settle: the previous change is built
        found = []
        for run in range(runs):
            change(run)
            found.append(measure(manifest, out))
            if label != "rebuild, nothing changed" and found[-1].stages.keys() == {"fingerprint"}:
                sys.exit(f"{label}: the change changed nothing")
        rows.append((label, _median(found), found))
    return rows


def _median(found: list[Run]) -> Run:
    """The run of median wall time (its own memory and stages)."""
    ordered = sorted(found, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(statistics.median(r.seconds for r in found), middle.peak_mb, middle.stages,
               middle.stage_peaks, middle.load)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=f"Note: {DELETION_NOTE}."
    )
    parser.add_argument("--sizes", nargs="+", default=["1000", "10000"],
                        help="source counts: '1000 10000' or '1000,10000'")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--work", type=Path, help="keep the digests here (default: a temp dir)")
    args = parser.parse_args()
    require_time()
    sizes = parse_sizes(args.sizes)
    before = load_average()
    print(f"Note: {DELETION_NOTE}.", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as temp:
        work = args.work or Path(temp)
        outputs = Outputs(work / "timed-outputs")
        results = {size: bench(size, args.runs, work, outputs) for size in sizes}
        after = load_average()
        print(f"deleting {outputs.delete()} folders of timed builds, after the timing",
              file=sys.stderr)  # fmt: skip
    report(results, sizes, args.runs, before, after)


def report(results: dict[int, list[tuple[str, Run, list[Run]]]], sizes: list[int], runs: int,
           before: tuple[float, ...], after: tuple[float, ...]) -> None:  # fmt: skip
    """Print the figures as Markdown tables for bench/README.md."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"# build benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {python}, "
          f"{platform.machine()}, {os.cpu_count()} cores; median of {runs} runs\n")  # fmt: skip
    print(f"Load average (1, 5, 15 min): {_load(before)} before, {_load(after)} after.\n")
    print("| work | " + " | ".join(f"{s:,} sources" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for i, (label, _, _) in enumerate(results[sizes[0]]):
        cells = [f"{results[s][i][1].seconds:.2f} s" for s in sizes]
        print(f"| {label} | " + " | ".join(cells) + " |")
    peaks = [max(r.peak_mb for _, _, runs in results[s] for r in runs) for s in sizes]
    print("| peak memory (any run) | " + " | ".join(f"{p:.0f} MB" for p in peaks) + " |")
    loads = [[r.load for _, _, runs in results[s] for r in runs] for s in sizes]
    print("| load average (1 min) before a run | "
          + " | ".join(f"{min(ls):.2f} to {max(ls):.2f}" for ls in loads) + " |")  # fmt: skip
    if len(sizes) > 1:
        growth = results[sizes[-1]][0][1].seconds / results[sizes[0]][0][1].seconds
        print(f"\nFull build time grows {growth:.1f}-fold from {sizes[0]:,} to {sizes[-1]:,}.")
    print("\nTime by stage in the median full build, and its peak memory when the stage ended:\n")
    print("| stage | " + " | ".join(f"{s:,} sources" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for stage in results[sizes[0]][0][1].stages:
        medians = [results[s][0][1] for s in sizes]
        cells = [f"{r.stages.get(stage, 0.0):.2f} s, {r.stage_peaks.get(stage, 0.0):.0f} MB"
                 for r in medians]  # fmt: skip
        print(f"| {stage} | " + " | ".join(cells) + " |")


def _load(averages: tuple[float, ...]) -> str:
    return " ".join(f"{a:.2f}" for a in averages)


if __name__ == "__main__":
    main()
