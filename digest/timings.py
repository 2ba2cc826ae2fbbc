"""How long each stage of a build took: ``build --timings`` prints it, ``make bench`` reads it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Timings:
    """Wall time by stage, in the order the stages first ran; a stage may run in parts."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def table(self) -> str:
        """The stages, one a line: '  render pages      1.23 s'."""
        width = max((len(name) for name in self.seconds), default=0)
        return "\n".join(
            f"  {name:<{width}}  {spent:6.2f} s" for name, spent in self.seconds.items()
        )
