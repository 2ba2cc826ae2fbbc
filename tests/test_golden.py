"""The test digest builds to tests/golden/, byte for byte ('make golden' refreshes it)."""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.conftest import read_tree
from tests.golden_refresh import GOLDEN, refresh


def test_the_test_digest_builds_exactly_the_golden_site(tmp_path: Path) -> None:
    refresh(tmp_path / "site")
    built, golden = read_tree(tmp_path / "site"), read_tree(GOLDEN)
    assert sorted(built) == sorted(golden), "files differ: run 'make golden' and review the diff"
    for name in sorted(golden):
        if built[name] != golden[name]:
            diff = difflib.unified_diff(
                golden[name].decode().splitlines(),
                built[name].decode().splitlines(),
                f"golden/{name}",
                f"built/{name}",
                lineterm="",
            )
            raise AssertionError(
                "\n".join(list(diff)[:60]) + "\nrun 'make golden' and review the diff"
            )
