"""The timeline: dated sources and petition steps, month by month."""

from __future__ import annotations

from pathlib import Path

from bench.synthetic import write_digest
from research_digest.model.manifest import PartialDate
from research_digest.site import pages, timeline, views
from tests.conftest import load_digest

DIGEST = load_digest()
M = DIGEST.manifest


def test_the_timeline_groups_sources_and_petition_steps_by_month() -> None:
    periods, undated = timeline.timeline(DIGEST, M.sources)
    headings = [p.heading for p in periods]
    assert headings[:3] == ["February 2025", "March 2025", "April 2025"]
    # a date known only to the year or the month comes after the dated items of it
    assert headings[6:9] == ["December 2025", "2025 (month not known)", "January 2026"]
    assert headings[-1] == "June 2026"
    assert [p.ident for p in periods][6:9] == ["2025-12", "2025", "2026-01"]
    january = next(p for p in periods if p.ident == "2026-01")
    last = january.moments[-1]  # known only to the month: after the days of the month
    assert (last.when, last.what, last.source.id) == (PartialDate(2026, 1), "Article",
                                                      "crlf-article")  # fmt: skip
    whens = [m.when.order() for p in periods for m in p.moments]
    assert whens == sorted(whens)
    assert [s.id for s in undated] == sorted(s.id for s in undated)
    assert "annual-report" not in [s.id for s in undated]


def test_lists_put_a_date_known_to_the_month_after_that_months_dated_sources() -> None:
    newest_first = [s.id for s in views.by_published(M.sources)][:4]
    assert newest_first == [
        "petition-100001",
        "regulator-statement",
        "petition-100002",
        "crlf-article",
    ]  # 7, 5 and 2 January 2026, then 'January 2026'


def test_a_petition_step_on_its_published_day_is_not_listed_twice() -> None:
    periods, _ = timeline.timeline(DIGEST, [M.source("petition-100002")])
    lines = [(m.when.iso(), m.milestone.code if m.milestone else m.what)
             for p in periods for m in p.moments]  # fmt: skip
    assert ("2026-01-02", "opened") in lines
    assert ("2026-01-02", "Petition") not in lines  # the step says it already
    periods, _ = timeline.timeline(DIGEST, [M.source("regulator-statement")])
    assert [(m.when.iso(), m.what) for p in periods for m in p.moments] == [
        ("2026-01-05", "Statement")
    ]


def test_a_topic_timeline_holds_only_its_sources() -> None:
    page = {p.path: p for p in pages.site_pages(DIGEST)}["topics/quiet/timeline/"]
    ids = {m.source.id for p in page.context["periods"] for m in p.moments}
    ids |= {s.id for s in page.context["undated"]}
    assert ids == {s.id for s in M.sources_in("quiet")}
    assert page.title == "Timeline: A quiet topic" and page.section == "topics"


def test_a_topics_timeline_cut_from_the_whole_digests_is_the_one_made_from_its_sources(
    tmp_path: Path,
) -> None:
    write_digest(tmp_path / "synthetic", 300, topics=12, petitions=40)
    for digest in (DIGEST, load_digest(tmp_path / "synthetic" / "sources.yaml")):
        m = digest.manifest
        whole = timeline.moments(digest, m.sources)
        for topic in m.topics:
            sources = m.sources_in(topic.id)
            cut = whole.of({s.id for s in sources})
            assert (timeline.months(digest, cut), cut.undated) == timeline.timeline(
                digest, sources
            ), topic.id
