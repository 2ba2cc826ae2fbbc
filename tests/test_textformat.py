"""Formatting for readers: dates, numbers, progress, untrusted plain text."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from research_digest.model.manifest import PartialDate
from research_digest.textformat import count, human_date, iso_date, number, percent, plain_text


def test_dates() -> None:
    moment = dt.datetime(2026, 2, 5, 18, 14, 50, tzinfo=dt.UTC)
    assert human_date(moment) == "5 February 2026, 18:14 UTC"
    assert human_date(dt.date(2026, 2, 5)) == "5 February 2026"
    assert human_date(PartialDate(2026, 1)) == "January 2026"
    assert human_date(None) == "unknown"
    assert human_date(None, "not recorded") == "not recorded"
    assert iso_date(moment) == "2026-02-05T18:14:50Z"
    assert iso_date(PartialDate(2026)) == "2026"


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(7, 10_000, "0.07%"), (0, 10_000, "0%"), (250, 10_000, "2.5%"), (1396, 10_000, "14%"),
     (13_960, 10_000, "100%"), (5, 0, "0%")],
)  # fmt: skip
def test_percent(part: int, whole: int, text: str) -> None:
    assert percent(part, whole) == text


def test_number() -> None:
    assert number(1992) == "1,992"


def test_plain_text_is_escaped_with_paragraphs_and_links() -> None:
    text = "First <b>line</b>\nsecond.\n\nSee https://a.test/x?a=1&b=2.\n\njavascript:alert(1)"
    assert plain_text(text) == Markup(
        "<p>First &lt;b&gt;line&lt;/b&gt;<br>\nsecond.</p>\n"
        '<p>See <a href="https://a.test/x?a=1&amp;b=2" rel="noopener noreferrer">'
        "https://a.test/x?a=1&amp;b=2</a>.</p>\n<p>javascript:alert(1)</p>"
    )


def test_a_url_cannot_break_out_of_its_attribute() -> None:
    html = str(plain_text('https://a.test/"onmouseover="alert(1)'))
    assert 'href="https://a.test/"' in html and "onmouseover=" not in html.split(">")[0][9:]


def test_plain_text_can_note_links() -> None:
    html = plain_text("https://a.test/p/1", lambda url: Markup(" (ours)") if "/p/" in url else None)
    assert html.endswith("https://a.test/p/1</a> (ours)</p>")


@pytest.mark.parametrize(
    ("value", "noun", "plural", "expected"),
    [(0, "source", None, "0 sources"), (1, "source", None, "1 source"),
     (2, "day", None, "2 days"), (1992, "signature", None, "1,992 signatures"),
     (1, "outside address", "outside addresses", "1 outside address"),
     (3, "outside address", "outside addresses", "3 outside addresses")],
)  # fmt: skip
def test_a_count_agrees_with_its_noun(value: int, noun: str, plural: str | None,
                                      expected: str) -> None:  # fmt: skip
    assert count(value, noun, plural) == expected
