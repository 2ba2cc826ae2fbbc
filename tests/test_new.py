"""new: a small digest that builds and passes check --strict at once, in the default theme."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from research_digest.cli import main
from tests.conftest import BUILT_AT_EPOCH, read_tree


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(list(argv), stderr=err), err.getvalue()


def test_a_new_digest_builds_and_passes_the_strict_check_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    folder = tmp_path / "Our AI digest"
    code, said = run("new", str(folder))
    assert code == 0, said
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore", "README.md", "content/example-report.md", "sources.yaml",
    ]  # fmt: skip
    assert "title: Our Ai Digest" in (folder / "sources.yaml").read_text()
    assert "research-digest build" in (folder / "README.md").read_text()
    monkeypatch.chdir(folder)
    assert run("check", "--strict") == (
        0,
        "checked 1 source, 10 pages and 214 links: no problems\n",
    )
    code, said = run("build")
    assert code == 0, said
    site = read_tree(folder / "site")
    assert "sources/example-report/index.html" in site and "petitions/index.html" not in site
    assert not (folder / "templates").exists()  # the default theme, shipped in the package


@pytest.mark.parametrize("make", ["a file", "a folder with a file"])
def test_new_refuses_a_place_that_holds_something(tmp_path: Path, make: str) -> None:
    target = tmp_path / "taken"
    if make == "a file":
        target.write_text("mine")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    before = read_tree(tmp_path)
    assert run("new", str(target)) == (
        2, f"build.py: error: new: {target} exists and is not an empty folder: choose a new one\n"
    )  # fmt: skip
    assert read_tree(tmp_path) == before


def test_new_writes_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run("new", "-q", str(tmp_path / "empty")) == (0, "")
    assert (tmp_path / "empty" / "sources.yaml").is_file()
