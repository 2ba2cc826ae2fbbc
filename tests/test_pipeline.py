"""The whole build: reproducible, all-or-nothing, strict on request."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from research_digest.cli import main
from research_digest.diagnostics import Report
from research_digest.errors import BuildFailed, UserError
from research_digest.model.outputs import OutputFile
from research_digest.pipeline import build, build_time
from research_digest.site import render
from research_digest.site.pages import Page
from tests.conftest import BUILT_AT, TEMPLATES, TEST_DIGEST, build_digest, read_tree


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for name in ("one", "two"):  # from two different checkout paths, too
        shutil.copytree(TEST_DIGEST, tmp_path / name)
    build_digest(tmp_path / "one" / "sources.yaml", first)
    build_digest(tmp_path / "two" / "sources.yaml", second)
    assert read_tree(first) == read_tree(second)


def test_a_manifest_error_leaves_the_previous_site_untouched(
    test_digest: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_digest(test_digest, out)
    before = read_tree(out)
    text = test_digest.read_text().replace("kind: report", "kind: reprot")
    test_digest.write_text(text)
    with pytest.raises(BuildFailed) as caught:
        build_digest(test_digest, out)
    assert [d.message for d in caught.value.diagnostics if d.severity.label == "error"] == [
        "sources[2].kind: 'reprot' is not one of: article, statement, press-release, report, "
        "parliamentary-record, legislation, petition, legal-filing, consultation, guidance, "
        "dataset, research-paper, blog-post, broadcast"
    ]
    assert read_tree(out) == before


def test_a_build_that_fails_midway_leaves_the_previous_site_byte_identical(
    test_digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_digest(test_digest, out)
    before = read_tree(out)
    (test_digest.parent / "content" / "annual-report.md").write_text("## Changed\n")
    rendered = 0
    real_render = render._render

    def render_then_fail(theme: render.Theme, page: Page, shared: dict[str, Any]) -> OutputFile:
        nonlocal rendered
        rendered += 1
        if rendered == 5:  # the fifth page fails, after four have rendered
            raise UserError([])
        return real_render(theme, page, shared)

    monkeypatch.setattr(render, "_render", render_then_fail)
    with pytest.raises(UserError):
        build_digest(test_digest, out)
    assert rendered == 5
    assert read_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest", "site"]


def test_a_template_error_is_placed_in_its_template(test_digest: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "topic.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{{ topic.no_such_field }}\n{% endblock %}\n"
    )
    with pytest.raises(UserError) as caught:
        build(
            test_digest, out=tmp_path / "site", report=Report(), templates=templates, now=BUILT_AT
        )
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.line == 3
    assert diagnostic.location.file.endswith("templates/topic.html")
    assert diagnostic.message == (
        "template error while rendering topics/alpha/index.html: "
        "'research_digest.model.manifest.Topic object' has no attribute 'no_such_field'"
    )
    assert not (tmp_path / "site").exists()


def test_strict_turns_warnings_into_a_failed_build(test_digest: Path, tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as caught:
        build_digest(test_digest, tmp_path / "site", strict=True)
    assert [d.message for d in caught.value.diagnostics if d.severity.label == "warning"] == [
        "source 'crlf-article': no url: readers cannot check the original"
    ]
    assert not (tmp_path / "site").exists()


def test_a_base_url_given_on_the_command_line_wins(test_digest: Path, tmp_path: Path) -> None:
    build_digest(test_digest, tmp_path / "site", base_url="https://mirror.test/digest")
    page = (tmp_path / "site" / "index.html").read_text()
    assert '<link rel="canonical" href="https://mirror.test/digest/">' in page


def test_the_build_time_honours_source_date_epoch() -> None:
    assert build_time({"SOURCE_DATE_EPOCH": "1770552000"}) == BUILT_AT
    now = build_time({})
    assert abs(now - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    for bad in ("yesterday", "-5", "99999999999999"):
        with pytest.raises(BuildFailed) as caught:
            build_time({"SOURCE_DATE_EPOCH": bad})
        assert caught.value.diagnostics[0].format() == (
            f"SOURCE_DATE_EPOCH: error: expected a whole number of seconds since 1970, got {bad!r}"
        )


# -- inputs never escape the project ----------------------------------------------------------

SECRET = "a secret of the machine that builds the site"


def _outside_copy(project: Path, relative: str) -> Path:
    """Move a file or folder of the project outside it, with the secret written into every
    text file there, and put a symbolic link in its place."""
    source = project / relative
    target = project.parent / "outside" / relative.replace("/", "_")
    target.parent.mkdir(exist_ok=True)
    shutil.move(source, target)
    for path in [target, *target.rglob("*")] if target.is_dir() else [target]:
        if path.is_file() and path.suffix in (".md", ".html", ".css", ".yaml"):
            path.write_text(path.read_text().replace("Test Digest", SECRET) + f"\n{SECRET}\n")
        elif path.is_file() and path.suffix == ".json":
            path.write_text(path.read_text().replace("Open test petition", SECRET))
    source.symlink_to(target)
    return target


ESCAPES = [
    ("content/annual-report.md", "content/annual-report.md"),
    ("content", "content"),
    ("content/about.md", "content/about.md"),
    ("sources.yaml", "sources.yaml"),
    ("templates/base.html", "templates/base.html"),
    ("templates/static/style.css", "templates/static/style.css"),
    ("templates/static", "templates/static"),
    ("templates", "templates"),
    ("data/petitions/uk-parliament/100002.json", "data/petitions/uk-parliament/100002.json"),
    ("data", "data"),
]


@pytest.mark.parametrize(("moved", "link"), ESCAPES, ids=[m for m, _ in ESCAPES])
def test_no_link_can_make_the_build_read_a_file_outside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moved: str, link: str
) -> None:
    """A contributor's link to a file of the machine that builds the site is an error that
    names the link, in build and check alike; nothing is written, and the secret is nowhere."""
    project = tmp_path / "project"
    shutil.copytree(TEST_DIGEST, project)
    shutil.copytree(TEMPLATES, project / "templates")
    _outside_copy(project, moved)
    monkeypatch.chdir(project)
    with pytest.raises(UserError) as caught:  # BuildFailed, or a template's own error
        build(Path("sources.yaml"), out=tmp_path / "site", report=Report(), now=BUILT_AT)
    errors = [d.format() for d in caught.value.diagnostics if d.severity.label == "error"]
    assert errors and all(SECRET not in e for e in errors)
    assert any(f"leads outside the project: {link} is a symbolic link to " in e
               for e in errors), errors  # fmt: skip
    assert not (tmp_path / "site").exists()
    err = io.StringIO()
    assert main(["check"], stderr=err) == 1
    assert f"leads outside the project: {link} is a symbolic link to " in err.getvalue()
    assert SECRET not in err.getvalue()


SOCKETS: list[socket.socket] = []


def _bound_socket(path: Path) -> None:
    SOCKETS.append(socket.socket(socket.AF_UNIX))
    SOCKETS[-1].bind(str(path))


def test_a_fifo_no_source_uses_does_not_stop_the_build(test_digest: Path, tmp_path: Path) -> None:
    os.mkfifo(test_digest.parent / "content" / "stray-pipe.md")
    os.mkfifo(test_digest.parent / "data" / "petitions" / "uk-parliament" / "7.json")
    assert build_digest(test_digest, tmp_path / "site").pages > 20


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "'content/annual-report.md' is a FIFO (named pipe), not a regular file"),
        (os.mkdir, "'content/annual-report.md' is a folder, not a file"),
        (lambda p: _bound_socket(p), "'content/annual-report.md' is a socket, not a regular file"),
    ],
    ids=["a FIFO", "a folder", "a socket"],
)  # fmt: skip
def test_a_write_up_that_is_not_a_regular_file_is_refused_unopened(
    test_digest: Path, tmp_path: Path, make: Any, message: str
) -> None:
    path = test_digest.parent / "content" / "annual-report.md"
    path.unlink()
    make(path)
    try:
        with pytest.raises(BuildFailed) as caught:
            build_digest(test_digest, tmp_path / "site")
    finally:
        while SOCKETS:
            SOCKETS.pop().close()
    errors = [d.message for d in caught.value.diagnostics if d.severity.label == "error"]
    assert errors == [f"sources[2].document: {message}"]


# -- drafts ----------------------------------------------------------------------------------


def test_a_draft_is_left_out_of_everything_a_build_publishes(
    test_digest: Path, tmp_path: Path
) -> None:
    """The crlf-article is marked draft: no page, feed entry, search entry, data row, list
    entry, sitemap line or key moment; a write-up's link to it keeps its text, with a
    warning; build --drafts (and serve) show it, marked."""
    text = test_digest.read_text()
    test_digest.write_text(text.replace("  - id: crlf-article\n", "  - id: crlf-article\n"
                                        "    draft: true\n", 1))  # fmt: skip
    about = test_digest.parent / "content" / "about.md"
    about.write_text(about.read_text() + "\nSee [the article](source:crlf-article).\n")
    report = Report()
    build_digest(test_digest, tmp_path / "site", report=report)
    site = read_tree(tmp_path / "site")
    assert not any(path.startswith("sources/crlf-article/") for path in site)
    assert {"data/digest.bib", "topics/alpha/sources.ris"} <= set(site)  # without it, too
    assert "topics/quiet/sources.ris" not in site  # its only source is the draft
    for path, content in site.items():
        assert b"crlf-article" not in content, path
    assert b"The article recalls the year before" not in site["topics/alpha/index.html"]
    assert [d.message for d in report.diagnostics if "a draft" in d.message] == [
        "link to source 'crlf-article', a draft: it is left out of the page until the source "
        "is published"
    ]
    assert b"<p>See <a>the article</a>.</p>" in site["about/index.html"]  # no address
    build(test_digest, out=tmp_path / "with-drafts", report=Report(), templates=TEMPLATES,
          now=BUILT_AT, drafts=True)  # fmt: skip
    page = (tmp_path / "with-drafts" / "sources" / "crlf-article" / "index.html").read_text()
    assert '<p class="draft-note"><strong>Draft:</strong> this source is not published' in page


ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b"
)
SHOWN_DATES = re.compile(  # the dates the site itself writes: <time>, month headings, charts
    r'<time [^>]*>([^<]*)</time>|<h2 id="m[0-9-]+">([^<]*)</h2>|<text class="tick"[^>]*>([^<]*)<'
)


def test_a_digest_in_french_shows_its_dates_and_numbers_in_french(
    test_digest: Path, tmp_path: Path
) -> None:
    text = test_digest.read_text()
    assert text.count("  language: en-GB\n") == 1
    test_digest.write_text(text.replace("  language: en-GB\n", "  language: fr\n"))
    build_digest(test_digest, tmp_path / "site")
    site = {name: data.decode() for name, data in read_tree(tmp_path / "site").items()
            if name.endswith((".html", ".xml", ".json"))}  # fmt: skip
    timeline = site["timeline/index.html"]
    assert '<h2 id="m2025-02">février 2025</h2>' in timeline
    assert '<time datetime="2025-02-20">20 février 2025</time>' in timeline
    petition = site["sources/petition-100002/index.html"]
    assert ('<desc id="history-desc">From 120 signatures on 3 janv. 2026 to 13\u202f960 on '
            "6 févr. 2026, in 5 readings.</desc>") in petition  # fmt: skip
    assert "100\u202f000 signatures (14\xa0%)" in petition
    assert '<time datetime="2026-02-06T09:05:00Z">6 février 2026, 09:05 TU</time>' in petition
    assert "fetched 2\xa0jours before the build" in site["petitions/index.html"]
    assert "The Regulator (5 janvier 2026)." in site["sources/regulator-statement/index.html"]
    assert '"Article","janvier 2026"' in site["search-index/docs-0.json"]
    assert "published 7 janvier 2026." in site["feed.xml"]
    shown = [date for page in site.values() for found in SHOWN_DATES.findall(page)
             for date in found if date]  # fmt: skip
    assert len(shown) > 100
    assert [date for date in shown if ENGLISH_MONTH.search(date)] == []
