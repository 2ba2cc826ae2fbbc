"""How long each stage of a build took: ``build --timings`` prints it, ``make bench`` reads it."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Timings:
    """Wall time by stage, in the order the stages first ran (a stage may run in parts), and
    the process's peak memory when each stage last ended."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
            self.peak_mb[name] = peak_memory_mb()

    def table(self) -> str:
        """The stages, one a line: '  render pages      1.23 s    412 MB' (the peak so far)."""
        width = max((len(name) for name in self.seconds), default=0)
        return "\n".join(
            f"  {name:<{width}}  {spent:6.2f} s  {self.peak_mb[name]:5.0f} MB"
            for name, spent in self.seconds.items()
        )


def peak_memory_mb() -> float:
    """The most memory (resident) this process has held so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes there, KiB here
