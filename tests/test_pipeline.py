"""The whole build: reproducible, all-or-nothing, strict on request."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from digest import render
from digest.diagnostics import Report
from digest.errors import BuildFailed, UserError
from digest.model import OutputFile
from digest.pages import Page
from digest.pipeline import build, build_time
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
        "'digest.model.Topic object' has no attribute 'no_such_field'"
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
