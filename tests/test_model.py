"""The model's own logic: dates known to the day, the month or the year."""

from __future__ import annotations

import datetime as dt

import pytest

from research_digest.model.manifest import Organisation, PartialDate, Person, doi_url


@pytest.mark.parametrize(
    ("text", "iso", "human", "earliest"),
    [
        ("2026-01-09", "2026-01-09", "9 January 2026", dt.date(2026, 1, 9)),
        ("2026-01", "2026-01", "January 2026", dt.date(2026, 1, 1)),
        ("2026", "2026", "2026", dt.date(2026, 1, 1)),
        ("2024-02-29", "2024-02-29", "29 February 2024", dt.date(2024, 2, 29)),
    ],
)
def test_partial_dates(text: str, iso: str, human: str, earliest: dt.date) -> None:
    date = PartialDate.parse(text)
    assert (date.iso(), date.human(), date.earliest()) == (iso, human, earliest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-29", "'2026-02-29' is not a real date: February 2026 has 28 days"),
        ("2026-00", "'2026-00' is not a real date: there is no month 0"),
        ("2026-1-9", "expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got '2026-1-9'"),
        ("9 Jan 2026", "expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got '9 Jan 2026'"),
    ],
)
def test_impossible_or_malformed_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        PartialDate.parse(text)
    assert str(caught.value) == message


def test_partial_dates_order_by_year_then_month_then_day() -> None:
    dates = [PartialDate.parse(t) for t in ("2026-01-09", "2025", "2026-01", "2026-02-01")]
    assert [d.iso() for d in sorted(dates, key=PartialDate.earliest)] == [
        "2025", "2026-01", "2026-01-09", "2026-02-01",
    ]  # fmt: skip


def test_a_date_known_to_the_month_or_year_sorts_after_the_days_it_covers() -> None:
    dates = [
        PartialDate.parse(t)
        for t in (
            "2025-12-31",
            "2026-01-05",
            "2026-01-07",
            "2026-01",
            "2026-01-31",
            "2026-02-01",
            "2026",
            "2027-01-01",
        )
    ]
    oldest_first = sorted(dates, key=lambda d: d.order())
    assert [d.iso() for d in oldest_first] == [
        "2025-12-31", "2026-01-05", "2026-01-07", "2026-01-31", "2026-01", "2026-02-01", "2026",
        "2027-01-01",
    ]  # fmt: skip
    newest_first = sorted(dates, key=lambda d: d.order(newest_first=True), reverse=True)
    assert [d.iso() for d in newest_first] == [
        "2027-01-01", "2026-02-01", "2026-01-31", "2026-01-07", "2026-01-05", "2026-01", "2026",
        "2025-12-31",
    ]  # fmt: skip


def test_authors_are_named_as_readers_and_reference_lists_write_them() -> None:
    assert (Person("Hern", "Alex").name, Person("Hern", "Alex").inverted) == (
        "Alex Hern", "Hern, Alex")  # fmt: skip
    assert (Person("Madonna").name, Person("Madonna").inverted) == ("Madonna", "Madonna")
    assert Organisation("Ofcom, the regulator").inverted == "Ofcom, the regulator"


@pytest.mark.parametrize(
    ("doi", "url"),
    [
        ("10.5555/charity.2025_01", "https://doi.org/10.5555/charity.2025_01"),
        ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
         "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"),
        ("10.5555/a#b?c%d\"e é", "https://doi.org/10.5555/a%23b%3Fc%25d%22e%20%C3%A9"),
    ],
)  # fmt: skip
def test_a_doi_link_encodes_what_a_url_cannot_carry(doi: str, url: str) -> None:
    assert doi_url(doi) == url
