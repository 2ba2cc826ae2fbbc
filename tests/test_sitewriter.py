"""The site writer: unsafe paths refused, the old site kept until the new one is complete."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from research_digest.errors import OutputError
from research_digest.model.outputs import OutputFile
from research_digest.output.sitewriter import (
    MARKER,
    MARKER_TEXT,
    STAGING_MARKER,
    STAGING_TEXT,
    check_output_paths,
    write_site,
)
from tests.conftest import read_tree

SITE = [OutputFile("index.html", b"home"), OutputFile("sources/a/index.html", b"a")]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("../escape.html", "climbs out of the output folder"),
        ("sources/../../escape.html", "climbs out of the output folder"),
        ("/etc/passwd", "not a relative file path"),
        ("a//b.html", "not a relative file path"),
        ("folder/", "not a relative file path"),
        ("a\\..\\b.html", "empty, or holds a NUL or backslash"),
        ("a\x00b.html", "empty, or holds a NUL or backslash"),
        ("", "empty, or holds a NUL or backslash"),
        ("./index.html", "climbs out of the output folder"),
        (MARKER, "a reserved or over-long name"),
        ("x" * 256 + ".html", "a reserved or over-long name"),
    ],
)
def test_unsafe_output_paths_are_refused(path: str, problem: str) -> None:
    assert check_output_paths([OutputFile(path, b"")]) == [
        f"unsafe output path {path!r}: {problem}"
    ]


def test_two_outputs_cannot_share_a_path_or_clash_as_file_and_folder() -> None:
    files = [
        OutputFile("a/index.html", b"1"),
        OutputFile("A/index.html", b"2"),  # the same path on a case-insensitive disk
        OutputFile("b", b"3"),
        OutputFile("b/c.html", b"4"),
    ]
    assert check_output_paths(files) == [
        "two outputs share the path 'A/index.html'",
        "'b' is both a file and a folder",
    ]


def test_nothing_is_written_when_one_path_is_unsafe(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with pytest.raises(OutputError) as caught:
        write_site([*SITE, OutputFile("../../evil", b"x")], out)
    assert caught.value.diagnostics[0].message == (
        "unsafe output path '../../evil': climbs out of the output folder"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_new_site_replaces_the_old_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([*SITE, OutputFile("old-only.html", b"gone soon")], out)
    write_site(SITE, out)
    assert read_tree(out) == {
        MARKER: (out / MARKER).read_bytes(),
        "index.html": b"home",
        "sources/a/index.html": b"a",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging left


def test_a_failure_while_writing_leaves_the_old_site_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    write_site(SITE, out)
    before = read_tree(out)
    calls = 0
    real_write_bytes = Path.write_bytes

    def failing_write_bytes(self: Path, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write_bytes)
    with pytest.raises(OutputError) as caught:
        write_site([OutputFile("index.html", b"new"), OutputFile("x/index.html", b"new")], out)
    monkeypatch.undo()
    assert "cannot write the site: [Errno 28] No space left on device" in str(caught.value)
    assert read_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_not_built_by_us_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(OutputError) as caught:
        write_site(SITE, out)
    assert "refusing to replace a folder that was not built by Research Digest" in str(caught.value)
    assert (out / "precious.txt").read_text() == "keep me"


def test_an_empty_folder_may_become_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    write_site(SITE, out)
    assert (out / "index.html").read_bytes() == b"home"


def test_the_output_folder_must_not_hold_what_the_build_reads(tmp_path: Path) -> None:
    manifest = tmp_path / "sources.yaml"
    manifest.write_text("site: {}\n")
    for out in (tmp_path, tmp_path / "content", tmp_path / "content" / "site"):
        with pytest.raises(OutputError) as caught:
            write_site(SITE, out, protected=[manifest, tmp_path / "content"])
        assert "which the build reads; choose another --out" in str(caught.value)
    assert manifest.read_text() == "site: {}\n"


def test_a_symlinked_or_file_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "file").write_text("x")
    for name, message in (("link", "symbolic link"), ("file", "is not a folder")):
        with pytest.raises(OutputError) as caught:
            write_site(SITE, tmp_path / name)
        assert message in str(caught.value)


def _folder(path: Path, files: dict[str, bytes]) -> Path:
    path.mkdir()
    for name, content in files.items():
        (path / name).write_bytes(content)
    return path


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    _folder(tmp_path / ".site.new-abc12345", {STAGING_MARKER: STAGING_TEXT, "half.html": b"h"})
    _folder(tmp_path / ".site.new-swapped_", {MARKER: MARKER_TEXT, "index.html": b"old"})
    _folder(tmp_path / ".site.old-def45678", {MARKER: MARKER_TEXT, "index.html": b"old"})
    _folder(tmp_path / ".site.new-killed01", {})  # killed before its marker was written
    _folder(tmp_path / ".site.new-killed02", {STAGING_MARKER: STAGING_TEXT[:9]})  # while
    write_site(SITE, tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize(
    ("name", "files"),
    [
        (".site.new-notes", {"notes.txt": b"mine"}),
        (".site.new-abcdefgh", {"notes.txt": b"mine"}),  # a name like ours, no marker
        (".site.old-backup12", {"index.html": b"a copy I made"}),
        (".site.new-abcdefgh", {MARKER: b"not the build's text", "a": b"mine"}),
        (".site.new-abcdefgh", {STAGING_MARKER: b"nor this", "a": b"mine"}),
        (".site.new-abcdefghi", {STAGING_MARKER: STAGING_TEXT}),  # not a name mkdtemp makes
        (".site.new-", {STAGING_MARKER: STAGING_TEXT}),
        (".site.new-abcdefgh", {STAGING_MARKER: STAGING_TEXT[:9], "a": b"mine"}),
    ],
    ids=["another name", "no marker", "a copy of a site", "a marker of other text",
         "a staging marker of other text", "a name too long", "no suffix",
         "a marker cut short among other files"],
)  # fmt: skip
def test_a_users_folder_named_like_a_leftover_is_never_removed(
    tmp_path: Path, name: str, files: dict[str, bytes]
) -> None:
    mine = _folder(tmp_path / name, files)
    before = read_tree(mine)
    write_site(SITE, tmp_path / "site")
    write_site(SITE, tmp_path / "site", previous={})
    assert read_tree(mine) == before


def test_a_marker_that_is_a_link_does_not_make_a_leftover(tmp_path: Path) -> None:
    (tmp_path / "real-marker").write_bytes(STAGING_TEXT)
    mine = _folder(tmp_path / ".site.new-abcdefgh", {"a": b"mine"})
    (mine / STAGING_MARKER).symlink_to(tmp_path / "real-marker")
    write_site(SITE, tmp_path / "site")
    assert (mine / "a").read_bytes() == b"mine"


def test_the_staging_marker_is_never_published(tmp_path: Path) -> None:
    write_site(SITE, tmp_path / "site")
    write_site([*SITE, OutputFile("new.html", b"new")], tmp_path / "site",
               previous={f.path: f.digest for f in SITE})  # fmt: skip
    assert STAGING_MARKER not in read_tree(tmp_path / "site")


def test_the_site_folder_is_readable_by_a_web_server(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_site(SITE, tmp_path / "site")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755
