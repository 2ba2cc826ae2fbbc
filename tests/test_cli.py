"""The command line: exit codes and exactly what it prints."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from research_digest.cli import main
from tests import api_documents as api
from tests.conftest import BUILT_AT_EPOCH, REPO, TEMPLATES, TEST_DIGEST
from tests.digests import write_petition_digest
from tests.petition_server import PetitionServer, Reply, running


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
    "sources.yaml:66:5: warning: source 'crlf-article': no url: readers cannot check the original\n"
    "  hint: add 'url:' as soon as the original's address is known, or list it in 'known_gaps' "
    "and say so in the write-up\n"
)


def test_build_is_the_default_command(digest_here: Path) -> None:
    assert run() == (0, WARNING + "built 27 pages and 8 feeds into site/ (1 warning)\n")
    assert (digest_here / "site" / "index.html").exists()


def test_quiet_prints_nothing_on_success(digest_here: Path) -> None:
    assert run("build", "-q") == (0, "")


def test_verbose_adds_notes_and_timing(digest_here: Path) -> None:
    code, err = run("build", "-v", "--out", "public")
    assert code == 0
    assert "note: source 'petition-100004': no cached data yet" in err
    assert err.splitlines()[-1].startswith("built 27 pages and 8 feeds into public/ in ")
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
        "sources.yaml:59:16: error: sources[0].published: '2026-02-30' is not a real date: "
        "February 2026 has 28 days\n"
        "sources.yaml:62:14: error: sources[0].topics[0]: unknown topic 'alfa'\n"
        "  hint: did you mean 'alpha'?\n" + WARNING + "build failed (2 errors, 1 warning); "
        "site/ was not changed\n",
    )


def test_a_language_babel_does_not_know_is_an_error_at_its_line(digest_here: Path) -> None:
    """Dates, numbers and plurals follow site.language: one CLDR has no data for (most often
    a typo) stops the build with a hint, never a traceback, and check says the same."""
    manifest = digest_here / "sources.yaml"
    manifest.write_text(manifest.read_text().replace("language: en-GB", "language: tlh"))
    problem = (
        "sources.yaml:7:13: error: site.language: 'tlh' is not a language Babel's CLDR data "
        "knows: dates, numbers and plurals cannot follow it\n"
        "  hint: give a language CLDR has data for, such as 'en-GB', 'fr' or 'cy'\n"
    )
    assert run("-q") == (1, problem + "build failed (1 error, 1 warning); site/ was not changed\n")
    code, said = run("check", "-q")
    assert code == 1 and said.startswith(problem)
    assert not (digest_here / "site").exists()


def test_hostile_paths_are_errors_and_nothing_is_written(tmp_path: Path) -> None:
    """ids and write-up paths that climb out, are absolute, hold NUL, look-alikes or names
    too long for the file system (tests/data/invalid/hostile-paths.yaml): exit 1, one clean
    diagnostic each, and not a file written or changed anywhere."""
    shutil.copytree(REPO / "tests" / "data" / "invalid", tmp_path / "digest")
    before = _tree(tmp_path)
    manifest, out = tmp_path / "digest" / "hostile-paths.yaml", tmp_path / "digest" / "site"
    code, said = run("build", "--manifest", str(manifest), "--out", str(out), "--no-cache")
    assert code == 1 and said.count(": error: ") == 7 and "Traceback" not in said
    assert _tree(tmp_path) == before


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b""
            for p in sorted(folder.rglob("*"))}  # fmt: skip


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
    assert run("build", "--jobs", "0")[0] == 2
    assert capsys.readouterr().err.endswith(
        "build.py build: error: argument --jobs: expected 1 or more processes, got '0'\n"
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
    for command in (
        [sys.executable, str(REPO / "build.py")],
        [sys.executable, "-m", "research_digest"],
    ):
        done = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, check=False, cwd=digest_here
        )
        assert (done.returncode, done.stdout) == (0, "research-digest 0.1.0\n")
        done = subprocess.run([*command, "-q"], capture_output=True, text=True, cwd=digest_here)
        assert (done.returncode, done.stderr) == (0, "")


# -- fetch ---------------------------------------------------------------------------------


@pytest.fixture
def petitions_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PetitionServer]:
    """A two-petition digest in the working directory, and a local API serving it."""
    write_petition_digest(tmp_path, [("p-1", "uk-parliament", 1), ("p-2", "senedd", 2)])
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    with running() as server:
        server.script("/petitions/1.json", Reply.json(api.uk(1)))
        server.script("/petitions/2.json", Reply.json(api.senedd(2)))
        yield server


def api_bases(server: PetitionServer) -> list[str]:
    return ["--api-base", f"uk-parliament={server.base_url}",
            "--api-base", f"senedd={server.base_url}"]  # fmt: skip


def test_fetch_reports_how_each_petition_ended(petitions_here: PetitionServer) -> None:
    assert run("fetch", *api_bases(petitions_here)) == (
        0,
        "fetched 2 petitions: 2 updated, 0 unchanged, 0 failed (last good copy kept), 0 gone\n",
    )
    assert Path("data/petitions/senedd/2.json").is_file()


def test_a_failed_fetch_exits_1_and_says_where(petitions_here: PetitionServer) -> None:
    petitions_here.script("/petitions/1.json", Reply(status=403))
    code, err = run("fetch", "-q", *api_bases(petitions_here))
    assert code == 1
    assert err == (
        "sources.yaml:23:15: error: source 'p-1' (UK Parliament petitions 1): refused (403): the "
        "platform may be blocking this client; no more requests go to it this run; nothing is "
        "cached yet\n"
    )
    code, err = run("fetch", *api_bases(petitions_here))
    assert err.splitlines()[-1] == (
        "fetched 2 petitions: 0 updated, 1 unchanged, 1 failed (last good copy kept), 0 gone"
    )


def test_only_limits_the_fetch(petitions_here: PetitionServer) -> None:
    assert run("fetch", "--only", "p-2", "-q", *api_bases(petitions_here)) == (0, "")
    assert petitions_here.hits("/petitions/1.json") == []
    assert run("fetch", "--only", "p-3", *api_bases(petitions_here)) == (
        2,
        "build.py: error: --only: no petition with an API has the id 'p-3'; did you mean 'p-2'?\n",
    )


def test_only_loopback_may_stand_in_for_a_platform(
    petitions_here: PetitionServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("fetch", "--api-base", "uk-parliament=https://example.org")[0] == 2
    assert capsys.readouterr().err.endswith(
        "argument --api-base: only a loopback address may stand in for a platform, got "
        "'https://example.org'\n"
    )


def test_build_refresh_fetches_then_builds(petitions_here: PetitionServer) -> None:
    code, err = run("build", "--refresh", *api_bases(petitions_here))
    assert code == 0
    assert err.splitlines() == [
        "fetched 2 petitions: 2 updated, 0 unchanged, 0 failed (last good copy kept), 0 gone",
        "built 12 pages and 4 feeds into site/",
    ]
    assert "<dd>1,234</dd>" in Path("site/sources/p-1/index.html").read_text()


def test_a_terminal_gets_a_progress_bar(petitions_here: PetitionServer) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    assert main(["fetch", *api_bases(petitions_here)], stderr=err) == 0
    assert "\rfetching petitions [" + "#" * 30 + "] 2/2" in err.getvalue()
