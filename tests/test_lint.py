"""The lint's reading of Markdown: sections, quotations, code left alone."""

from __future__ import annotations

from research_digest.checks.lint import _comparable, _prose, _quotations, _section


def test_sections_are_found_by_heading() -> None:
    text = "# Title\n\n## Summary\n\nOne.\nTwo.\n\n## Key points\n\n- a\n"
    assert _section(text, "summary") == "\nOne.\nTwo.\n"
    assert _section(text, "context") is None
    assert _section("## Summary\n## Next\n", "summary") == ""


def test_quotations_in_blocks_and_marks_with_their_places() -> None:
    text = '> one two\n> three\n\nShe said "four five six" and \u201cseven\neight\u201d.\n'
    assert list(_quotations(text)) == [(1, 1, 3), (4, 10, 3), (4, 30, 2)]


def test_code_is_not_prose() -> None:
    text = "a `<b>` b\n```\n<div>\n```\n<span>\n"
    assert [line for line, _, t in _prose(text) if "<" in t] == [5]


def test_addresses_compare_without_case_slash_or_fragment() -> None:
    assert _comparable("HTTPS://News.Test/a/") == _comparable("https://news.test/a#top")
    assert _comparable("https://news.test/a?x=1") != _comparable("https://news.test/a")
