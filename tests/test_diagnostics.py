"""Diagnostics: the compiler-style format, sorting, counting, hints."""

from __future__ import annotations

from pathlib import Path

from research_digest.diagnostics import Location, Report, Severity, did_you_mean, display_path


def test_format_with_and_without_a_hint() -> None:
    report = Report()
    report.error(Location("sources.yaml", 14, 10), "sources[2].url: bad", "did you mean 'x'?")
    report.warning(Location("content/a.md"), "empty")
    assert [d.format() for d in report.diagnostics] == [
        "sources.yaml:14:10: error: sources[2].url: bad\n  hint: did you mean 'x'?",
        "content/a.md: warning: empty",
    ]


def test_sorted_by_file_then_place_and_counted() -> None:
    report = Report()
    report.warning(Location("b.yaml", 1, 1), "w")
    report.error(Location("a.yaml", 9, 1), "late")
    report.error(Location("a.yaml", 2, 5), "early")
    report.note(Location("a.yaml", 1, 1), "n")
    assert [d.message for d in report.sorted()] == ["n", "early", "late", "w"]
    assert [d.message for d in report.sorted(minimum=Severity.WARNING)] == ["early", "late", "w"]
    assert report.summary() == "2 errors, 1 warning"
    assert Report().summary() == "no problems"


def test_failed_depends_on_strictness() -> None:
    report = Report()
    report.warning(Location("a"), "w")
    assert not report.failed()
    assert report.failed(strict=True)


def test_the_same_diagnostic_is_kept_once() -> None:
    report = Report()
    report.error(Location("a", 1, 1), "e")
    report.extend(list(report.diagnostics))
    assert report.count(Severity.ERROR) == 1


def test_did_you_mean() -> None:
    assert did_you_mean("titel", ["title", "url"]) == "did you mean 'title'?"
    assert did_you_mean("grok", ["grok-x-images", "ai-csam"]) == "did you mean 'grok-x-images'?"
    assert did_you_mean("zzz", ["title"]) is None


def test_display_path_is_relative_when_it_can_be(tmp_path: Path) -> None:
    assert display_path(tmp_path / "a" / "b.yaml", relative_to=tmp_path) == "a/b.yaml"
    assert display_path(Path("/elsewhere/c.yaml"), relative_to=tmp_path) == "/elsewhere/c.yaml"
