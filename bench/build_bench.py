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
median full build. Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.synthetic import write_digest

ROOT = Path(__file__).resolve().parent.parent
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


def measure(manifest: Path) -> Run:
    """Build once under /usr/bin/time -v; fail loudly if the build fails."""
    command = ["/usr/bin/time", "-v", sys.executable, str(ROOT / "build.py"), "build",
               "--manifest", str(manifest), "--out", str(manifest.parent / "site"),
               "--timings"]  # fmt: skip
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        sys.exit(f"the build failed:\n{done.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and peak, done.stderr
    hours, minutes, seconds = int(wall[1] or 0), int(wall[2]), float(wall[3])
    found = re.findall(r"^  (\S.*?)\s+([\d.]+) s\s+(\d+) MB$", done.stderr, re.MULTILINE)
    stages = {name.strip(): float(spent) for name, spent, _ in found}
    peaks = {name.strip(): float(mb) for name, _, mb in found}
    return Run(hours * 3600 + minutes * 60 + seconds, int(peak[1]) / 1024, stages, peaks)


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


def bench(size: int, runs: int, work: Path) -> list[tuple[str, Run, list[Run]]]:
    folder = work / f"digest-{size}"
    if not (folder / "sources.yaml").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        write_digest(folder, size)
    shutil.rmtree(folder / "templates", ignore_errors=True)  # the template edited: an override
    (folder / "templates").mkdir()
    shutil.copy(ROOT / "research_digest" / "theme" / EDITED_TEMPLATE, folder / "templates")
    manifest = folder / "sources.yaml"
    rows = []
    full = []
    for _ in range(runs):
        _clean(folder)
        full.append(measure(manifest))
    rows.append(("full build from nothing", _median(full), full))
    for label, change in edits(folder).items():
        measure(manifest)  # settle: the previous change is built
        found = []
        for run in range(runs):
            change(run)
            found.append(measure(manifest))
            if label != "rebuild, nothing changed" and found[-1].stages.keys() == {"fingerprint"}:
                sys.exit(f"{label}: the change changed nothing")
        rows.append((label, _median(found), found))
    return rows


def _clean(folder: Path) -> None:
    for name in ("site", ".cache"):
        shutil.rmtree(folder / name, ignore_errors=True)


def _median(found: list[Run]) -> Run:
    """The run of median wall time (its own memory and stages)."""
    ordered = sorted(found, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(statistics.median(r.seconds for r in found), middle.peak_mb, middle.stages,
               middle.stage_peaks)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated source counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--work", type=Path, help="keep the digests here (default: a temp dir)")
    args = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("/usr/bin/time is needed (Debian: apt-get install time)")
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as temp:
        work = args.work or Path(temp)
        results = {size: bench(size, args.runs, work) for size in sizes}
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"# build benchmark: {python}, {platform.machine()}, {os.cpu_count()} cores; "
          f"median of {args.runs} runs\n")  # fmt: skip
    print("| work | " + " | ".join(f"{s:,} sources" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for i, (label, _, _) in enumerate(results[sizes[0]]):
        cells = [f"{results[s][i][1].seconds:.2f} s" for s in sizes]
        print(f"| {label} | " + " | ".join(cells) + " |")
    peaks = [max(r.peak_mb for _, _, runs in results[s] for r in runs) for s in sizes]
    print("| peak memory (any run) | " + " | ".join(f"{p:.0f} MB" for p in peaks) + " |")
    if len(sizes) > 1:
        growth = results[sizes[-1]][0][1].seconds / results[sizes[0]][0][1].seconds
        print(f"\nFull build time grows {growth:.1f}-fold from {sizes[0]:,} to {sizes[-1]:,}.")
    print("\nTime by stage in the median full build, and its peak memory when the stage ended:\n")
    print("| stage | " + " | ".join(f"{s:,} sources" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for stage in results[sizes[0]][0][1].stages:
        runs = [results[s][0][1] for s in sizes]
        cells = [f"{r.stages.get(stage, 0.0):.2f} s, {r.stage_peaks.get(stage, 0.0):.0f} MB"
                 for r in runs]  # fmt: skip
        print(f"| {stage} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
