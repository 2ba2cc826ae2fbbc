"""The command line: exit codes and exactly what it prints."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli import main
from tests.conftest import BUILT_AT_EPOCH, REPO, TEMPLATES, TEST_DIGEST


@pytest.fixture
def digest_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a copy of the test digest, with its templates, as a contributor would."""
    shutil.copytree(TEST_DIGEST, tmp_path, dirs_exist_ok=True)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    return tmp_path


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(argv), stderr=err)
    return code, err.getvalue()


WARNING = (
    "sources.yaml:55:5: warning: sources[1]: no url: readers cannot check the original\n"
    "  hint: add 'url:' as soon as the original's address is known\n"
)


def test_build_is_the_default_command(digest_here: Path) -> None:
    assert run() == (0, WARNING + "built 17 pages and 8 feeds into site/ (1 warning)\n")
    assert (digest_here / "site" / "index.html").exists()


def test_quiet_prints_nothing_on_success(digest_here: Path) -> None:
    assert run("build", "-q") == (0, "")


def test_verbose_adds_notes_and_timing(digest_here: Path) -> None:
    code, err = run("build", "-v", "--out", "public")
    assert code == 0
    assert "note: source 'petition-100004': no cached data yet" in err
    assert err.splitlines()[-1].startswith("built 17 pages and 8 feeds into public/ in ")
    assert (digest_here / "public" / "index.html").exists()


def test_strict_fails_on_a_warning_and_changes_nothing(digest_here: Path) -> None:
    failed = (1, WARNING + "build failed (1 warning); site/ was not changed\n")
    assert run("--strict") == failed
    assert run("--strict", "-q") == failed  # quiet still says why it failed
    assert not (digest_here / "site").exists()


def test_errors_exit_1_with_every_diagnostic(digest_here: Path) -> None:
    manifest = digest_here / "sources.yaml"
    text = manifest.read_text().replace("published: 2026-01-05", "published: 2026-02-30")
    manifest.write_text(text.replace("topics: [alpha]", "topics: [alfa]", 1))
    assert run() == (
        1,
        "sources.yaml:49:16: error: sources[0].published: '2026-02-30' is not a real date: "
        "February 2026 has 28 days\n"
        "sources.yaml:51:14: error: sources[0].topics[0]: unknown topic 'alfa'\n"
        "  hint: did you mean 'alpha'?\n" + WARNING + "build failed (2 errors, 1 warning); "
        "site/ was not changed\n",
    )


def test_quiet_still_prints_errors(digest_here: Path) -> None:
    (digest_here / "sources.yaml").write_text("site: [\n")
    assert run("-q") == (
        1,
        "sources.yaml:2:1: error: invalid YAML: the file ends before a value is complete\n"
        "  hint: close every '[', '{' and quote that is opened\n"
        "build failed (1 error); site/ was not changed\n",
    )


def test_a_missing_manifest_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("build", "--manifest", "nope.yaml") == (
        1,
        "nope.yaml: error: cannot read nope.yaml: No such file or directory\n"
        "build failed (1 error); site/ was not changed\n",
    )


def test_a_bad_command_line_exits_2(digest_here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("build", "--base-url", "ftp://mirror.test")[0] == 2
    assert capsys.readouterr().err.endswith(
        "build.py build: error: argument --base-url: expected an absolute http(s) URL, "
        "got 'ftp://mirror.test'\n"
    )
    assert run("build", "--quiet", "--verbose")[0] == 2
    assert run("frobnicate")[0] == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--help")[0] == 0
    top = capsys.readouterr().out
    assert "build" in top and "validate the manifest and write the site" in top
    assert run("build", "--help")[0] == 0
    text = capsys.readouterr().out
    for option in ("--manifest", "--out", "--base-url", "--templates", "--strict", "-q", "-v"):
        assert option in text


def test_build_py_and_python_m_digest_are_the_same_program(digest_here: Path) -> None:
    for command in ([sys.executable, str(REPO / "build.py")], [sys.executable, "-m", "digest"]):
        done = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, check=False, cwd=digest_here
        )
        assert (done.returncode, done.stdout) == (0, "research-digest 0.1.0\n")
        done = subprocess.run([*command, "-q"], capture_output=True, text=True, cwd=digest_here)
        assert (done.returncode, done.stderr) == (0, "")
