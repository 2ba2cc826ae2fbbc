"""Work in forked processes: the same results in the same order, errors carried back, and a
build that is the same bytes whatever the number of jobs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from research_digest import parallel
from research_digest.diagnostics import Diagnostic, Location, Report, Severity
from research_digest.errors import UserError
from research_digest.output import guard
from research_digest.pipeline import build
from research_digest.site import documents, render, search
from tests.conftest import BUILT_AT, TEMPLATES, build_digest, read_tree

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="fork is not used here")


@needs_fork
def test_results_come_back_in_order_from_other_processes() -> None:
    found = parallel.map_forked(lambda n: (n * n, os.getpid()), 100, jobs=2, at_least=10)
    assert [square for square, _ in found] == [n * n for n in range(100)]
    assert {pid for _, pid in found} - {os.getpid()}  # some ran elsewhere


def test_a_few_items_run_in_this_process() -> None:
    found = parallel.map_forked(lambda n: os.getpid(), 5, jobs=2, at_least=10)
    assert found == [os.getpid()] * 5
    assert parallel.map_forked(lambda n: n, 0, jobs=2, at_least=1) == []


@needs_fork
def test_a_users_error_in_a_worker_reaches_the_build_whole() -> None:
    problem = Diagnostic(Severity.ERROR, Location("templates/source.html", 3, 1), "bad")

    def task(n: int) -> int:
        if n == 42:
            raise UserError([problem])
        return n

    with pytest.raises(UserError) as caught:
        parallel.map_forked(task, 100, jobs=2, at_least=10)
    assert caught.value.diagnostics == [problem]


def test_the_build_uses_at_most_the_cores_it_is_given() -> None:
    assert 1 <= parallel.available_jobs() <= (os.cpu_count() or 1)


@needs_fork
def test_a_build_in_several_processes_is_the_same_bytes(
    test_digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_digest(test_digest, tmp_path / "one")
    for module, name in ((documents, "WRITE_UPS_PER_JOB"), (render, "PAGES_PER_JOB"),
                         (guard, "FILES_PER_JOB"), (search, "ENTRIES_PER_JOB")):  # fmt: skip
        monkeypatch.setattr(module, name, 1)  # the test digest is small: fork anyway
    build(
        test_digest,
        out=tmp_path / "two",
        report=Report(),
        templates=TEMPLATES,
        now=BUILT_AT,
        jobs=2,
    )  # fmt: skip (with the cache: the search index's terms are found anew)
    assert read_tree(tmp_path / "two") == read_tree(tmp_path / "one")


@needs_fork
def test_workers_read_cached_write_ups_through_their_own_connection(
    test_digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)

    def build_into(out: Path, jobs: int, use_cache: bool = True) -> None:
        build(test_digest, out=out, report=Report(), templates=templates, now=BUILT_AT,
              use_cache=use_cache, jobs=jobs)  # fmt: skip

    build_into(tmp_path / "site", 1)
    for module, name in ((render, "PAGES_PER_JOB"), (guard, "FILES_PER_JOB")):
        monkeypatch.setattr(module, name, 1)
    source = templates / "source.html"
    source.write_text(source.read_text() + "<!-- edited -->\n")
    build_into(tmp_path / "site", 2)  # every source page again, in workers, from the cache
    build_into(tmp_path / "fresh", 1, use_cache=False)
    assert read_tree(tmp_path / "site") == read_tree(tmp_path / "fresh")
