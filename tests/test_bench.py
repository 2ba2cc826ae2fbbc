"""The build benchmark: synthetic digests (the same bytes every time, and valid), its timing."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from bench.synthetic import write_digest
from bench.timing import Outputs, parse_sizes, parse_time_report, tree_size
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


TIME_REPORT = """\
\tCommand being timed: "hugo --source . --quiet --destination /tmp/out"
\tUser time (seconds): 1.50
\tSystem time (seconds): 0.25
\tPercent of CPU this job got: 150%
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
\tMaximum resident set size (kbytes): 204800
\tExit status: {status}
"""


def test_time_report_is_split_from_the_commands_own_stderr() -> None:
    stderr = "a warning\n" + TIME_REPORT.format(status=0)
    assert parse_time_report(stderr) == ("a warning\n", 62.5, 1.75, 200.0, 0)


def test_a_failed_commands_status_is_read_and_times_own_line_dropped() -> None:
    stderr = "oops\nCommand exited with non-zero status 3\n" + TIME_REPORT.format(status=3)
    own, *_, status = parse_time_report(stderr)
    assert (own, status) == ("oops\n", 3)


def test_hours_in_the_wall_time() -> None:
    stderr = TIME_REPORT.format(status=0).replace("1:02.50", "1:00:01.00")
    assert parse_time_report(stderr)[1] == 3601.0


def test_no_time_report_is_an_error() -> None:
    with pytest.raises(ValueError, match="no report of /usr/bin/time -v"):
        parse_time_report("Traceback (most recent call last):\n")


def test_sizes_with_spaces_or_commas() -> None:
    assert parse_sizes(["1000", "10000"]) == parse_sizes(["1000,10000"]) == [1000, 10000]


def test_outputs_are_new_folders_deleted_together(tmp_path: Path) -> None:
    outputs = Outputs(tmp_path / "timed")
    first = outputs.new("ours-10")
    first.mkdir()
    (first / "index.html").write_text("x" * 10)
    second = outputs.new("ours-10")
    assert second != first and not second.exists()
    cache = tmp_path / "digest" / ".cache"
    cache.mkdir(parents=True)
    outputs.set_aside(cache)
    assert not cache.exists() and tree_size(tmp_path / "timed") == (1, 10)
    assert outputs.delete() == 2  # first, and the cache set aside (second was never made)
    assert not (tmp_path / "timed").exists()


def test_the_build_benchmark_runs_as_a_script_and_says_when_it_deletes() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "build_bench.py"), "--help"],
                          capture_output=True, text=True, check=False, cwd="/")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: build_bench.py")
    assert "deleted only after the timing" in " ".join(done.stdout.split())


def test_outputs_delete_only_what_they_named(tmp_path: Path) -> None:
    root = tmp_path / "timed"
    (root / "mine").mkdir(parents=True)  # a user's folder, or one an interrupted run left
    (root / "mine" / "keep.txt").write_text("keep")
    outputs = Outputs(root)
    made = outputs.new("ours-10")
    made.mkdir()
    assert outputs.delete() == 1
    assert not made.exists() and (root / "mine" / "keep.txt").read_text() == "keep"
