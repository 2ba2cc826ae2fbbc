"""check: every lint rule and link check, with its exact output, as text and for GitHub."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from research_digest.cli import main
from tests.conftest import BUILT_AT_EPOCH, DATA, TEMPLATES

LINT = DATA / "lint"


@pytest.fixture
def lint_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(LINT, tmp_path / "lint")
    monkeypatch.chdir(tmp_path / "lint")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    return tmp_path / "lint"


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(list(argv), stderr=err), err.getvalue()


def test_every_rule_reports_exactly_its_case(lint_digest: Path) -> None:
    expected = (LINT / "check.expected").read_text()
    assert run("check", "--templates", str(TEMPLATES)) == (1, expected)


def test_github_annotations(lint_digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run("check", "--templates", str(TEMPLATES), "--format", "github")
    assert code == 1
    assert capsys.readouterr().out == (LINT / "check-github.expected").read_text()
    assert err == "checked 17 sources, 28 pages and 852 links: 11 errors, 11 warnings\n"


def test_warnings_alone_pass_unless_strict(lint_digest: Path) -> None:
    for case in ("broken-anchor", "draft", "image", "raw-html", "future", "added-too-early"):
        (lint_digest / "content" / f"{case}.md").write_text(
            (lint_digest / "content" / "unknown-publisher.md").read_text()
        )
    text = (lint_digest / "sources.yaml").read_text()
    text = text.replace(
        "published: 2099\n    added: 2099-01-01", "published: 2026-01-05\n    added: 2026-01-06"
    ).replace("2026-01-20\n    added: 2026-01-10", "2026-01-05\n    added: 2026-01-10")
    text = text.replace('summary: "TODO: one or two sentences in your own words."', "summary: S.")
    (lint_digest / "sources.yaml").write_text(text)
    code, err = run("check", "--templates", str(TEMPLATES), "-q")
    assert (code, err) == (0, "")
    code, err = run("check", "--templates", str(TEMPLATES), "-q", "--strict")
    assert code == 1
    assert err.endswith("checked 17 sources, 28 pages and 845 links: 11 warnings\n")


def test_the_shipped_digest_passes_strictly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(LINT.parent.parent.parent)
    code, err = run("check")
    assert code == 0
    assert err == "checked 39 sources, 57 pages and 2,727 links: no problems\n"
    assert run("check", "--strict") == (0, err)


def test_check_writes_nothing(lint_digest: Path) -> None:
    before = sorted(p.relative_to(lint_digest) for p in lint_digest.rglob("*"))
    run("check", "--templates", str(TEMPLATES))
    assert sorted(p.relative_to(lint_digest) for p in lint_digest.rglob("*")) == before


def test_check_keeps_going_past_a_write_up_that_cannot_be_read(lint_digest: Path) -> None:
    (lint_digest / "content" / "short.md").write_bytes(b"## Summary\n\ncaf\xe9\n")
    code, err = run("check", "--templates", str(TEMPLATES))
    assert code == 1
    assert "content/short.md:3:4: error: not valid UTF-8 (byte 0xe9)" in err
    assert "warning: topic 'empty' has no sources" in err  # the lint still ran
    assert err.splitlines()[-1].startswith("checked 17 sources, 0 pages and 0 links:")


def test_a_manifest_error_stops_the_check_early(lint_digest: Path) -> None:
    (lint_digest / "sources.yaml").write_text("site: [\n")
    assert run("check") == (
        1,
        "sources.yaml:2:1: error: invalid YAML: the file ends before a value is complete\n"
        "  hint: close every '[', '{' and quote that is opened\n"
        "stopped early: the inputs could not be loaded: 1 error\n",
    )
