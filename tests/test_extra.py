"""extra/: a user's own files (CNAME, verification files, .well-known/) reach the site as they
are, survive every build, and never bring media or replace what the build makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from research_digest.diagnostics import Report
from research_digest.errors import BuildFailed, UserError
from research_digest.model.outputs import OutputFile
from research_digest.site.extra import clashes, load_extra
from tests.conftest import build_digest, read_tree

FILES = {
    "CNAME": b"research_digest.example.org\n",
    ".nojekyll": b"",
    ".well-known/security.txt": b"Contact: mailto:editors@digest.test\n",
    "google1234abcd.html": b"google-site-verification: google1234abcd.html",
    "keybase.txt": b"==begin==\n",
}


def write_extra(root: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        path = root / "extra" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def test_extra_files_are_copied_to_the_site_root_as_they_are(
    test_digest: Path, tmp_path: Path
) -> None:
    write_extra(test_digest.parent, FILES)
    build_digest(test_digest, tmp_path / "site")
    site = read_tree(tmp_path / "site")
    assert {name: site[name] for name in FILES} == FILES


def test_they_survive_builds_from_nothing_and_follow_their_changes(
    test_digest: Path, tmp_path: Path
) -> None:
    """`build --no-cache` replaced the whole folder, a user's CNAME with it."""
    write_extra(test_digest.parent, {"CNAME": b"one.example\n", "gone.txt": b"x"})
    out = tmp_path / "site"
    build_digest(test_digest, out)
    build_digest(test_digest, out)  # from nothing again
    assert (out / "CNAME").read_bytes() == b"one.example\n"
    write_extra(test_digest.parent, {"CNAME": b"two.example\n"})
    (test_digest.parent / "extra" / "gone.txt").unlink()
    build_digest(test_digest, out, use_cache=True)
    build_digest(test_digest, out, use_cache=True)  # and with the cache, after a change
    assert (out / "CNAME").read_bytes() == b"two.example\n"
    assert not (out / "gone.txt").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"not even an image", "extra/photo.png is an image or media file"),
        ("favicon.ico", b"\x00\x00\x01\x00", "extra/favicon.ico is an image or media file"),
        ("clip.MP4", b"x", "extra/clip.MP4 is an image or media file"),
        ("vector.svg", b"<svg/>", "extra/vector.svg is an image or media file"),
        ("notes.txt", b"\x89PNG\r\n\x1a\n....", "extra/notes.txt holds an image or media file"),
        ("data.bin", b"\xff\xd8\xff\xe0JFIF", "extra/data.bin holds an image or media file"),
        ("movie", b"\x00\x00\x00\x18ftypmp42", "extra/movie holds an image or media file"),
        ("sound", b"RIFF\x00\x00\x00\x00WAVEfmt ", "extra/sound holds an image or media file"),
        ("anim", b"GIF89a....", "extra/anim holds an image or media file"),
        ("doc.pdf", b"%PDF-1.7", "extra/doc.pdf is an image or media file"),
    ],
)  # fmt: skip
def test_no_image_or_media_is_published_from_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write_extra(tmp_path, {name: content, "CNAME": b"ok\n"})
    report = Report()
    assert [f.path for f in load_extra(Path(), report)] == ["CNAME"]
    assert [(d.location.file, d.message) for d in report.diagnostics] == [
        (f"extra/{name}", message)
    ]


def test_a_link_in_extra_that_leads_outside_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project" / "extra").mkdir(parents=True)
    (tmp_path / "secret").write_text("secret")
    (tmp_path / "project" / "extra" / "CNAME").symlink_to(tmp_path / "secret")
    monkeypatch.chdir(tmp_path / "project")
    report = Report()
    assert load_extra(Path(), report) == ()
    assert [d.message for d in report.diagnostics] == [
        f"extra/CNAME leads outside the project: extra/CNAME is a symbolic link to "
        f"{tmp_path}/secret"
    ]


BUILT = ["index.html", "robots.txt", "feed.xml", "topics", "sources/annual-report/index.html",
         "static/style.css"]  # fmt: skip


@pytest.mark.parametrize("name", BUILT)
def test_an_extra_file_may_not_replace_what_the_build_makes(
    test_digest: Path, tmp_path: Path, name: str
) -> None:
    write_extra(test_digest.parent, {name: b"mine"})
    with pytest.raises(BuildFailed) as caught:
        build_digest(test_digest, tmp_path / "site")
    assert [d.message for d in caught.value.diagnostics if d.severity.label == "error"] == [
        f"extra/{name}: the build makes {name} itself"
    ]


def test_clashes_are_found_for_files_and_folders() -> None:
    made = [OutputFile("a/b.html", b""), OutputFile("c.txt", b"")]
    extra = [OutputFile("a", b""), OutputFile("c.txt", b""), OutputFile("a/d.txt", b"")]
    report = Report()
    clashes(extra, [*made, *extra], report)
    assert [d.message for d in report.diagnostics] == [
        "extra/a: the build makes a itself", "extra/c.txt: the build makes c.txt itself",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "page",
    [b"<html><body><img src=x></body></html>", b"<p>no policy</p>",
     b"<script>alert(1)</script>"],
)  # fmt: skip
def test_html_in_extra_is_guarded_like_a_page(
    test_digest: Path, tmp_path: Path, page: bytes
) -> None:
    write_extra(test_digest.parent, {"verify.html": page})
    with pytest.raises(UserError):
        build_digest(test_digest, tmp_path / "site")
    assert not (tmp_path / "site").exists()
