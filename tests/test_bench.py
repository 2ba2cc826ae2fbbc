"""The benchmark's synthetic digests: the same bytes every time, and a valid digest."""

from __future__ import annotations

import io
from pathlib import Path

from bench.synthetic import write_digest
from research_digest.cli import main
from tests.conftest import read_tree

ROOT = Path(__file__).resolve().parent.parent


def test_the_same_arguments_write_the_same_digest(tmp_path: Path) -> None:
    write_digest(tmp_path / "a", 40, topics=6, petitions=10)
    write_digest(tmp_path / "b", 40, topics=6, petitions=10)
    assert read_tree(tmp_path / "a") == read_tree(tmp_path / "b")


def test_a_synthetic_digest_builds_with_no_problem(tmp_path: Path) -> None:
    manifest = write_digest(tmp_path / "d", 40, topics=6, petitions=10)
    err = io.StringIO()
    code = main(["build", "--manifest", str(manifest),
                 "--out", str(tmp_path / "site")], stderr=err)  # fmt: skip
    assert code == 0, err.getvalue()
    assert err.getvalue() == f"built 60 pages and 14 feeds into {tmp_path / 'site'}/\n"
