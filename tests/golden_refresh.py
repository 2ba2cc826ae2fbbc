"""Rebuild tests/golden/ from tests/data/digest/: run 'make golden', then review the diff.

The golden site is what the test digest must build to, byte for byte; the
golden test compares a fresh build with it. Refresh it when a change to the
templates or the code changes the output on purpose, and read the diff in
the commit. The search index (search-index/) is part of it: its JSON shows in
the diff which terms a change added or removed.
"""

from __future__ import annotations

from pathlib import Path

from research_digest.diagnostics import Report
from tests.conftest import REPO, TEST_DIGEST, build_digest

GOLDEN = REPO / "tests" / "golden"


def refresh(out: Path = GOLDEN) -> int:
    """Build the test digest into out; return the number of files written."""
    build_digest(TEST_DIGEST / "sources.yaml", out, report=Report())
    return sum(1 for p in out.rglob("*") if p.is_file() and p.name != ".research-digest")


if __name__ == "__main__":
    count = refresh()
    print(f"refreshed {count} files in {GOLDEN.relative_to(REPO)}/; review with 'git diff'")
