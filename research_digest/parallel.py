"""Work spread over the machine's cores: a build from nothing renders write-ups, renders
pages and checks them in worker processes.

Workers are forked (Linux, and other systems where fork is safe to use) after the
work is set up, so they start with everything it needs in their memory: only item
numbers go to them, and only results come back. Results keep the order of the items,
so the site is the same bytes whatever the number of workers. With one job, where fork
is unavailable, or for a few items, the work runs in this process.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
SPANS_PER_JOB = 4  # smaller spans even out the work; fewer spare the pickling
_task: Callable[[int], Any] | None = None  # what the forked workers run


def available_jobs() -> int:
    """How many processes this machine lets the build use at once."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def map_forked(task: Callable[[int], T], count: int, *, jobs: int, at_least: int) -> list[T]:
    """[task(0), task(1), ..., task(count - 1)]: in up to jobs forked processes, when there
    are at least at_least items (fewer are not worth a process)."""
    global _task
    jobs = min(jobs, count // max(at_least, 1))
    if jobs < 2 or not can_fork():
        return [task(n) for n in range(count)]
    parts = jobs * SPANS_PER_JOB
    bounds = [count * n // parts for n in range(parts + 1)]
    _task = task
    gc.freeze()  # the workers' collector leaves what they inherit alone, unshared pages unread
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            done = pool.map(_run, itertools.pairwise(bounds))
            return [result for span in done for result in span]
    finally:
        _task = None
        gc.unfreeze()


def _run(span: tuple[int, int]) -> list[Any]:
    assert _task is not None, "map_forked's workers are forked with their task"
    return [_task(n) for n in range(*span)]
