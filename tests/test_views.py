"""What pages show: orderings, related sources, notes, pagers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from research_digest.diagnostics import Report
from research_digest.manifest.loader import load_manifest
from research_digest.model.manifest import Manifest, PartialDate, Source
from research_digest.site.views import (
    RELATED_COUNT,
    Related,
    by_published,
    content_note,
    newest_added,
)
from tests.conftest import TEST_DIGEST


def manifest() -> Manifest:
    loaded = load_manifest(TEST_DIGEST / "sources.yaml", Report())
    assert loaded is not None
    return loaded


def test_newest_added_first_then_by_id() -> None:
    ids = [s.id for s in newest_added(manifest().sources)]
    assert ids[:3] == ["hand-recorded-petition", "petition-100005", "petition-100006"]
    assert ids[-1] == "regulator-statement"


def test_published_order_puts_unknown_dates_last() -> None:
    ids = [s.id for s in by_published(manifest().sources_in("alpha"))]
    assert ids == ["petition-100001", "regulator-statement", "crlf-article", "annual-report"]


def test_related_prefers_shared_topics_then_nearby_dates() -> None:
    m = manifest()
    assert [s.id for s in Related(m).of(m.source("crlf-article"))] == [
        "regulator-statement", "petition-100001", "annual-report",  # 4, 6 and 365 days away
    ]  # fmt: skip


def test_related_matches_sorting_every_candidate_on_generated_digests() -> None:
    """The index finds what sorting all the sources of a source's topics would."""
    base = manifest()
    template, topics = base.sources[0], [t.id for t in base.topics]
    rng = random.Random(6)
    for _ in range(40):
        sources = tuple(
            dataclasses.replace(
                template,
                id=f"s{n:03d}",
                topics=tuple(rng.sample(topics, rng.randint(1, len(topics)))),
                published=PartialDate.of(dt.date(2026, 1, 1) + dt.timedelta(rng.randint(0, 20)))
                if rng.random() < 0.8
                else None,
                added=dt.date(2026, 2, 1) + dt.timedelta(rng.randint(0, 5)),
            )
            for n in range(rng.randint(1, 60))
        )
        m = dataclasses.replace(base, sources=sources)
        index = Related(m)
        for source in sources:
            assert index.of(source) == _related_by_sorting(source, m)


def _related_by_sorting(source: Source, m: Manifest) -> list[Source]:
    def day(s: Source) -> dt.date:
        return s.published.earliest() if s.published else s.added

    def closeness(other: Source) -> tuple[int, int, str]:
        shared = len(set(source.topics) & set(other.topics))
        return (-shared, abs((day(other) - day(source)).days), other.id)

    others = {s.id: s for t in source.topics for s in m.sources_in(t) if s.id != source.id}
    return sorted(others.values(), key=closeness)[:RELATED_COUNT]


def test_a_source_page_has_one_note_its_own_else_the_sites() -> None:
    """A topic's note is written for its topic page: never glued to another on a source's."""
    m = manifest()
    assert content_note(m.source("crlf-article"), m) == "Its own note, which replaces the topic's."
    in_two_topics = [s for s in m.sources if len(s.topics) > 1 and not s.content_note]
    assert in_two_topics and {content_note(s, m) for s in in_two_topics} == {
        "Discusses made-up harms, in words only."
    }
    assert content_note(m.source("petition-100002"), m) == m.site.content_note


def test_a_pager_shows_the_ends_and_two_pages_either_side() -> None:
    from research_digest.site.views import Pager, in_pages

    assert [Pager(n, 9, "t/").shown for n in (1, 5, 9)] == [
        [1, 2, 3, None, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, None, 7, 8, 9],
    ]  # fmt: skip
    assert (Pager(1, 3, "t/").path(1), Pager(1, 3, "t/").path(3)) == ("t/", "t/page/3/")
    assert (Pager(1, 1, "").previous, Pager(1, 1, "").next) == (None, None)
    assert [len(page) for page in in_pages(list(range(101)), 50)] == [50, 50, 1]
    assert in_pages([], 50) == [[]]
