"""Stage timings: what 'build --timings' prints and 'make bench' reads."""

from __future__ import annotations

import io
import re
from pathlib import Path

from research_digest.cli import main
from research_digest.timings import Timings
from tests.conftest import TEMPLATES


def test_a_stage_run_in_parts_adds_up_in_first_run_order() -> None:
    timings = Timings()
    for name in ("render", "guard", "render"):
        with timings.stage(name):
            pass
    assert list(timings.seconds) == ["render", "guard"]
    assert all(spent >= 0 for spent in timings.seconds.values())
    assert re.fullmatch(r"  render\s+\d+\.\d\d s\s+\d+ MB\n  guard \s+\d+\.\d\d s\s+\d+ MB",
                        timings.table())  # fmt: skip


def test_build_timings_lists_every_stage(test_digest: Path, tmp_path: Path) -> None:
    err = io.StringIO()
    manifest = str(test_digest)
    templates = str(TEMPLATES)
    assert main(["build", "--manifest", manifest, "--out", str(tmp_path / "s"), "--timings",
                 "--templates", templates],
                stderr=err) == 0  # fmt: skip
    stages = re.findall(r"^  (\S.*?)\s+\d+\.\d\d s\s+\d+ MB$", err.getvalue(), re.MULTILINE)
    assert stages == [
        "fingerprint", "manifest from the cache", "read manifest", "validate manifest",
        "write-ups", "petition data", "templates", "render pages", "feeds", "data files", "guard",
        "search index", "write",
    ]  # fmt: skip
