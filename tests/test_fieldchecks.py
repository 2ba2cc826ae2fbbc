"""Write-up paths: the quick way for plain files and the careful way agree on every path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from research_digest.files import outside_of
from research_digest.manifest import fieldchecks
from research_digest.manifest.fieldchecks import document_problem, plain_files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose content/ holds plain files, folders, links inside and outside, a
    FIFO and a folder named like a write-up."""
    root = tmp_path_factory.mktemp("project")
    content = root / "content"
    (content / "sub" / "deeper").mkdir(parents=True)
    for name in ("a.md", "b.txt", "sub/c.md", "sub/deeper/d.md", "ünï cødé.md", " spaced .md"):
        (content / name).write_text("# x\n", encoding="utf-8")
    (content / "folder.md").mkdir()
    os.mkfifo(content / "pipe.md")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("secret\n", encoding="utf-8")
    (content / "link-inside.md").symlink_to(content / "a.md")
    (content / "link-outside.md").symlink_to(outside / "secret.md")
    (content / "linked-folder").symlink_to(content / "sub")
    (content / "away").symlink_to(outside)
    (root / "top.md").write_text("# not in content\n", encoding="utf-8")
    return root


NAMES = ["a.md", "b.txt", "sub/c.md", "sub/deeper/d.md", "ünï cødé.md", " spaced .md",
         "folder.md", "pipe.md", "link-inside.md", "link-outside.md", "linked-folder/c.md",
         "away/secret.md", "missing.md", "sub", "sub/", "../top.md"]  # fmt: skip
PREFIXES = ["content/", "./content/", "content//", "content/./", "content/sub/../", "", "/"]


PLAIN = {"a.md", "sub/c.md", "sub/deeper/d.md", "ünï cødé.md", " spaced .md"}


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("suffix", ["", "/", "/.", " "])
def test_the_quick_way_agrees_with_resolving_every_path(
    project: Path, prefix: str, name: str, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = prefix + name + suffix
    content = (project / "content").resolve()
    careful = document_problem(value, project, content)
    resolved: list[str] = []
    really = outside_of

    def counted(path: Path, within: Path) -> str | None:
        resolved.append(str(path))
        return really(path, within)

    monkeypatch.setattr(fieldchecks, "outside_of", counted)
    assert document_problem(value, project, content, plain_files(project, "content")) == careful
    if prefix == "content/" and name in PLAIN and suffix == "":
        assert resolved == []  # a plain file's path, as listed, is not resolved


def test_plain_files_are_the_regular_files_no_link_leads_to(project: Path) -> None:
    assert plain_files(project, "content") == {
        "content/a.md", "content/b.txt", "content/sub/c.md", "content/sub/deeper/d.md",
        "content/ünï cødé.md", "content/ spaced .md",
    }  # fmt: skip
    linked = project.parent / (project.name + "-linked")
    linked.mkdir()
    (linked / "content").symlink_to(project / "content")
    assert plain_files(linked, "content") == frozenset()  # content/ itself a link
    assert plain_files(project, "nowhere") == frozenset()
