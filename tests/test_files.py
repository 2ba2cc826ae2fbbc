"""Reading inputs: only regular files, only inside the project, never too much of one."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from research_digest.diagnostics import Report
from research_digest.files import Refused, outside_of, read_bytes, read_input, tree_files


@pytest.fixture(autouse=True)
def never_waits() -> Iterator[None]:
    """A read that would wait (a FIFO opened for reading) fails the test instead of hanging."""
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("a read blocked"))
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a file in it, and a secret beside it (outside)."""
    (tmp_path / "project" / "content").mkdir(parents=True)
    (tmp_path / "project" / "content" / "a.md").write_text("inside\n")
    (tmp_path / "secret.txt").write_text("outside\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.md").write_text("outside too\n")
    return tmp_path / "project"


def test_a_regular_file_inside_is_read(project: Path) -> None:
    assert read_input(project / "content" / "a.md", within=project) == b"inside\n"


def test_links_that_stay_inside_are_followed(project: Path) -> None:
    (project / "content" / "alias.md").symlink_to("a.md")
    (project / "linked").symlink_to("content")
    (project / "chain.md").symlink_to("linked/alias.md")
    for path in ("content/alias.md", "linked/a.md", "chain.md"):
        assert read_input(project / path, within=project) == b"inside\n"


@pytest.mark.parametrize(
    ("make", "path", "link"),
    [
        (lambda p: (p / "content" / "x.md").symlink_to(p.parent / "secret.txt"),
         "content/x.md", "content/x.md"),
        (lambda p: (p / "content" / "x.md").symlink_to("../../secret.txt"),
         "content/x.md", "content/x.md"),
        (lambda p: (p / "more").symlink_to(p.parent / "elsewhere"), "more/b.md", "more"),
        (lambda p: ((p / "inner").symlink_to("outer"), (p / "outer").symlink_to("..")),
         "inner/secret.txt", "inner"),
        (lambda p: (p / "content" / "x.md").symlink_to("/etc/hostname"),
         "content/x.md", "content/x.md"),
        (lambda p: (p / "content" / "x.md").symlink_to("/dev/zero"), "content/x.md",
         "content/x.md"),
    ],
    ids=["absolute", "relative", "a linked folder", "a chain of links", "a system file",
         "an endless device"],
)  # fmt: skip
def test_a_link_leading_outside_is_refused_naming_the_link(
    project: Path, monkeypatch: pytest.MonkeyPatch, make: object, path: str, link: str
) -> None:
    assert callable(make)
    make(project)
    monkeypatch.chdir(project)
    with pytest.raises(Refused) as refused:
        read_input(Path(path), within=Path())
    assert str(refused.value).startswith(f"leads outside the project: {link} is a symbolic link ")


def test_the_project_folder_reached_through_a_link_is_the_project(project: Path) -> None:
    """A project whose own folder is reached through a link (a home on another disk)."""
    alias = project.parent / "alias"
    alias.symlink_to(project)
    assert read_input(alias / "content" / "a.md", within=alias) == b"inside\n"
    assert outside_of(alias / "content" / "a.md", project) is None


def test_a_fifo_is_refused_without_being_opened(project: Path) -> None:
    fifo = project / "content" / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(Refused, match=r"^is a FIFO \(named pipe\), not a regular file$"):
        read_input(fifo, within=project)


def test_a_socket_is_refused(project: Path) -> None:
    path = project / "content" / "s.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(Refused, match=r"^is a socket, not a regular file$"):
            read_input(path, within=project)


def test_a_device_is_refused_even_when_no_project_is_given() -> None:
    with pytest.raises(Refused, match=r"^is a device, not a regular file$"):
        read_input(Path("/dev/zero"), within=None)


def test_a_folder_is_reported_as_a_folder(project: Path) -> None:
    with pytest.raises(Refused, match=r"^is a folder, not a file$"):
        read_input(project / "content", within=project)


@pytest.mark.parametrize("size", [0, 1, 1000, 1001, 5000])
def test_no_more_than_the_limit_is_read(project: Path, size: int) -> None:
    path = project / "content" / "big.md"
    path.write_bytes(b"x" * size)
    if size <= 1000:
        assert read_input(path, within=project, limit=1000) == b"x" * size
    else:
        with pytest.raises(Refused, match=f"^is {size:,} bytes; at most 1,000 are read$"):
            read_input(path, within=project, limit=1000)


def test_a_missing_file_is_an_os_error(project: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_input(project / "content" / "none.md", within=project)


def test_refusals_are_diagnostics_with_hints(project: Path) -> None:
    (project / "content" / "x.md").symlink_to(project.parent / "secret.txt")
    os.mkfifo(project / "content" / "pipe.md")
    report = Report()
    for name in ("x.md", "pipe.md"):
        assert read_bytes(project / "content" / name, report, file=f"content/{name}",
                          within=project) is None  # fmt: skip
    assert [d.format() for d in report.sorted()] == [
        "content/pipe.md: error: content/pipe.md is a FIFO (named pipe), not a regular file\n"
        "  hint: the build reads only regular files",
        f"content/x.md: error: content/x.md leads outside the project: "
        f"content/x.md is a symbolic link to {project.parent}/secret.txt\n"
        "  hint: the build reads only files inside the project's folder: put the file itself "
        "there, not a link to it",
    ]


def test_a_link_outside_is_an_error_even_where_other_problems_are_warnings(
    project: Path,
) -> None:
    from research_digest.diagnostics import Severity

    (project / "content" / "x.md").symlink_to(project.parent / "secret.txt")
    report = Report()
    read_bytes(project / "content" / "x.md", report, file="x", within=project,
               severity=Severity.WARNING)  # fmt: skip
    assert [d.severity for d in report.diagnostics] == [Severity.ERROR]


def test_tree_files_does_not_walk_into_linked_folders(project: Path) -> None:
    (project / "content" / "more").symlink_to(project.parent / "elsewhere")
    assert [p.name for p in tree_files(project / "content")] == ["a.md"]
