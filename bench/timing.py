"""What every build benchmark needs: a timed run, the machine's load, fresh output folders.

A run is timed by ``/usr/bin/time -v``: its wall time, its CPU time (user and system, the
process's and its children's) and the peak resident memory of its largest process.

No timed build ever follows a large deletion. On this machine's disk, creating files stays
slow for minutes after tens of thousands are deleted (issue 18: the write stage of a
10,000-source build went from 2.9 s to 26-36 s when the previous site had just been
deleted), so each timed build writes into a folder of its own, and the folders are deleted
together once every timed run is over.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TIME = Path("/usr/bin/time")
DELETION_NOTE = (
    "each timed build writes into a new folder; old outputs are deleted only after the "
    "timing, since a large deletion slows this disk's file creation for minutes"
)


@dataclass(frozen=True)
class Timed:
    """One run under /usr/bin/time -v."""

    wall: float  # seconds
    cpu: float  # user + system seconds, children included
    peak_mb: float  # the largest single process's peak resident memory
    load: float  # the 1-minute load average just before the run
    stderr: str  # the command's own, without time's report


class RunFailed(Exception):
    """A timed command exited with a status other than 0."""

    def __init__(self, command: Sequence[str], status: int, stderr: str) -> None:
        super().__init__(f"{' '.join(command)!r} exited with status {status}:\n{stderr}")


def parse_time_report(stderr: str) -> tuple[str, float, float, float, int]:
    """Split what time -v wrote from the command's stderr: (stderr, wall, cpu, peak MB, status)."""
    own, marker, report = stderr.rpartition("\tCommand being timed:")
    if not marker:
        raise ValueError(f"no report of /usr/bin/time -v in {stderr[-400:]!r}")
    own = re.sub(r"Command exited with non-zero status \d+\n\Z", "", own)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", report)
    user = re.search(r"User time \(seconds\): ([\d.]+)", report)
    system = re.search(r"System time \(seconds\): ([\d.]+)", report)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    status = re.search(r"Exit status: (\d+)", report)
    if not (wall and user and system and peak and status):
        raise ValueError(f"an incomplete report of /usr/bin/time -v: {report!r}")
    seconds = int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3])
    cpu = float(user[1]) + float(system[1])
    return own, seconds, cpu, int(peak[1]) / 1024, int(status[1])


def run_timed(command: Sequence[str], *, cwd: Path | None = None,
              env: Mapping[str, str] | None = None) -> Timed:  # fmt: skip
    """Run the command under /usr/bin/time -v; raise RunFailed if it fails."""
    load = load_average()[0]
    done = subprocess.run([str(TIME), "-v", *command], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False)  # fmt: skip
    own, wall, cpu, peak, status = parse_time_report(done.stderr)
    if status != 0 or done.returncode != 0:
        raise RunFailed(command, status or done.returncode, own)
    return Timed(wall, cpu, peak, load, own)


def load_average() -> tuple[float, float, float]:
    """The machine's load averages over 1, 5 and 15 minutes (/proc/loadavg)."""
    try:
        fields = Path("/proc/loadavg").read_text().split()
    except OSError:
        return (0.0, 0.0, 0.0)
    return (float(fields[0]), float(fields[1]), float(fields[2]))


def tree_size(folder: Path) -> tuple[int, int]:
    """The number of files under folder and their bytes."""
    files = size = 0
    folders = [str(folder)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    files += 1
                    size += entry.stat(follow_symlinks=False).st_size
    return files, size


def parse_sizes(values: Sequence[str]) -> list[int]:
    """Sizes given as '1000 10000' or '1000,10000' (either, or both)."""
    return [int(part) for value in values for part in value.split(",") if part]


def require_time() -> None:
    """Stop with a hint if /usr/bin/time is missing."""
    if not TIME.exists():
        sys.exit("/usr/bin/time is needed (Debian: apt-get install time)")


class Outputs:
    """New folders for timed builds, and what is set aside: deleted after the timing.

    Only what this object named under root is deleted, and root itself once empty: anything
    else there (a user's file, what an interrupted run left) stays.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.named: list[Path] = []

    def new(self, label: str) -> Path:
        """A path no build has written to (the folder is not created)."""
        self.root.mkdir(parents=True, exist_ok=True)
        n = 1
        while (self.root / f"{label}-{n}").exists() or self.root / f"{label}-{n}" in self.named:
            n += 1
        self.named.append(self.root / f"{label}-{n}")
        return self.named[-1]

    def set_aside(self, path: Path) -> None:
        """Move path out of the way (a rename: quick), to be deleted after the timing."""
        if path.exists():
            path.rename(self.new(f"set-aside-{path.name.lstrip('.')}"))

    def delete(self) -> int:
        """Delete what this object named (and root, if nothing else is left in it); return
        how many of those existed."""
        found = [path for path in self.named if path.exists()]
        for path in found:
            shutil.rmtree(path)
        self.named = []
        if self.root.is_dir() and not any(self.root.iterdir()):
            self.root.rmdir()
        return len(found)
