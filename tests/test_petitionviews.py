"""What a page shows of a petition: its figures, where they come from, its thresholds."""

from __future__ import annotations

import dataclasses
import datetime as dt

from research_digest.diagnostics import Report
from research_digest.model.digest import Digest
from research_digest.model.petitions import PageReading
from research_digest.petitions.cache import load_petition_data
from research_digest.site.petitionviews import our_petition_page, petition_addresses, petition_views
from tests.conftest import BUILT_AT, load_digest


def test_petition_views_most_signatures_first_unknown_last() -> None:
    m = load_digest().manifest
    digest = Digest(m, {}, load_petition_data(m, Report()), None, BUILT_AT)
    views = petition_views(digest, m.sources)
    assert [(v.source.id, v.signatures, v.data and v.data.state) for v in views] == [
        ("petition-100003", 214387, "closed"),
        ("petition-100005", 25000, "closed"),
        ("petition-100002", 13960, "open"),
        ("hand-recorded-petition", 12345, None),
        ("senedd-closed", 6200, "closed"),
        ("scottish-petition", 80, "under_consideration"),
        ("undated-other-petition", 40, None),
        ("petition-100001", 6, "rejected"),
        ("petition-100004", None, None),
        ("petition-100006", None, None),
    ]
    stale = {v.source.id for v in views if v.stale}
    assert stale == {"petition-100005", "senedd-closed"}  # fetched over 7 days before the build
    awaiting = views[-2]
    assert awaiting.page_url == "https://petition.parliament.uk/petitions/100004"
    assert awaiting.progress == []


def test_every_petition_says_what_is_known_of_its_figures_and_thresholds() -> None:
    """No 'n/a' and no 'not recorded': each row says where its figures come from."""
    m = load_digest().manifest
    records = load_petition_data(m, Report())
    page = PageReading("https://tracker.test/100004", "A tracker", dt.date(2026, 2, 1), None,
                       None)  # fmt: skip
    shows = dataclasses.replace(records["petition-100002"], reading=page, fetched_at=None)
    records = {**records, "petition-100004": shows}
    digest = Digest(m, {}, records, None, BUILT_AT)
    found = {
        v.source.id: (v.thresholds_note, v.data_age) for v in petition_views(digest, m.sources)
    }
    assert found == {
        "petition-100003": (None, "fetched 1 day before the build (the count is final: it has "
                                  "closed)"),
        "petition-100005": (None, "fetched 2 weeks before the build (the count is final: it "
                                  "has closed)"),
        "petition-100002": (None, "fetched 2 days before the build"),
        "hand-recorded-petition": ("none on change.org", "recorded by hand, 1 February 2026"),
        "senedd-closed": (None, "fetched 5 weeks before the build (the count is final: it has "
                                "closed)"),
        "scottish-petition": ("none on Scottish Parliament petitions",
                              "fetched 1 day before the build"),
        "undated-other-petition": ("none on another platform",
                                   "recorded by hand, date not recorded"),
        "petition-100001": ("do not apply: it was rejected",
                            "a saved copy, fetched at a time not recorded; it last changed on "
                            "5 February 2026 (final: it was rejected)"),
        "petition-100004": (None, "as reported by A tracker, the page gives no date"),
        "petition-100006": ("not known", "none: removed by the platform"),
    }  # fmt: skip
    stale = {v.source.id for v in petition_views(digest, m.sources) if v.stale}
    assert "petition-100004" in stale  # open, and when the page was read is not known


def test_petition_urls_map_to_our_pages() -> None:
    m = petition_addresses(load_digest().manifest)
    assert our_petition_page("https://petition.parliament.uk/petitions/100002", m) == (
        "petition-100002"
    )
    assert our_petition_page("https://petition.parliament.uk/petitions/100002.json", m) == (
        "petition-100002"
    )
    assert our_petition_page("https://petition.parliament.uk/petitions/999999", m) is None
    assert our_petition_page("https://elsewhere.test/petitions/100002", m) is None


def test_a_petitions_age_is_counted_in_days_of_the_calendar() -> None:
    """What a page shows of its data's age is the same all day: a build later the same day
    has nothing to render again (the build's cache keys pages by the build's day)."""
    m = load_digest().manifest
    records = load_petition_data(m, Report())
    record = records["petition-100002"]

    def age(fetched: dt.datetime, built: dt.datetime) -> dt.timedelta | None:
        found = {**records, "petition-100002": dataclasses.replace(record, fetched_at=fetched)}
        views = petition_views(Digest(m, {}, found, None, built), m.sources)
        return next(v.age for v in views if v.source.id == "petition-100002")

    day = dt.datetime(2026, 2, 8, tzinfo=dt.UTC)
    late, early = day + dt.timedelta(hours=23, minutes=59), day + dt.timedelta(minutes=1)
    assert age(late, late + dt.timedelta(minutes=2)) == dt.timedelta(days=1)  # the next day
    assert age(early, late) == dt.timedelta(0)  # the same day
    assert age(day, day + dt.timedelta(days=3, hours=23)) == dt.timedelta(days=3)
    assert age(late, early) == dt.timedelta(0)  # fetched after the build: never negative
    in_paris = dt.timezone(dt.timedelta(hours=1))
    assert age(dt.datetime(2026, 2, 9, 0, 30, tzinfo=in_paris), late) == dt.timedelta(0)  # UTC
