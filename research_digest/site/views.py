"""What the pages show, derived from the model: orderings, groupings, petition views.

Pure functions of the digest, so templates stay presentation only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from research_digest.model.manifest import Manifest, Source, Topic
from research_digest.site.timeline import has_timeline

LATEST_COUNT = 10
T = TypeVar("T")
RELATED_COUNT = 5


def sections(manifest: Manifest) -> frozenset[str]:
    """The site's sections that have something in them ('topics', 'timeline', 'petitions'):
    one with nothing has no page, no link in the navigation and no text about it."""
    found = {"topics"} if manifest.topics else set()
    if has_timeline(manifest.sources):
        found.add("timeline")
    if any(s.petition is not None for s in manifest.sources):
        found.add("petitions")
    return frozenset(found)


SOURCES_PER_PAGE = 50  # a topic's list of sources, the home page's latest


@dataclass(frozen=True)
class Pager:
    """Where a page stands in a list split over pages: page 1 at base, page n at
    base + 'page/n/' (addresses that stay as the list grows at its end)."""

    number: int
    count: int
    base: str  # the address of page 1: 'topics/alpha/'

    def path(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.count else None

    @property
    def shown(self) -> list[int | None]:
        """The page numbers to link to: the first, the last, and two either side of this
        one; None where two or more are skipped."""
        wanted = {1, self.count, *range(self.number - 2, self.number + 3)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.count)
        shown: list[int | None] = []
        for number in numbers:
            last = shown[-1] if shown else None
            if last is not None and number - last == 2:
                shown.append(last + 1)  # one page skipped: a number is as short as '...'
            elif last is not None and number - last > 2:
                shown.append(None)
            shown.append(number)
        return shown


def in_pages(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Items in pages of size (one empty page when there are none)."""
    return [items[at : at + size] for at in range(0, len(items), size)] or [items[:0]]


def newest_added(sources: Sequence[Source]) -> list[Source]:
    """Order sources as the feeds do: newest added first, then by id."""
    return sorted(sorted(sources, key=lambda s: s.id), key=lambda s: s.added, reverse=True)


def by_published(sources: Sequence[Source]) -> list[Source]:
    """Order sources newest published first, a date known only to the month after the dated
    ones of that month; sources of unknown date last."""
    dated = [s for s in sources if s.published is not None]
    undated = [s for s in sources if s.published is None]
    dated.sort(key=lambda s: s.id)
    dated.sort(key=lambda s: s.published.order(newest_first=True) if s.published else (0, 0, 0),
               reverse=True)  # fmt: skip
    return dated + sorted(undated, key=lambda s: s.id)


class Related:
    """For each source, the others sharing the most topics with it, nearest in date first.

    Ties on both go by id. Built once for the site: finding them by sorting every
    source of a topic for every source of it would grow with the square of the digest.
    """

    def __init__(self, manifest: Manifest) -> None:
        self._manifest = manifest
        self._by_day: dict[str, list[tuple[int, str]]] = {}  # topic -> (day, id), by day
        for topic in manifest.topics:
            members = sorted((_day(s).toordinal(), s.id) for s in manifest.sources_in(topic.id))
            self._by_day[topic.id] = members
        self._days = {key: [day for day, _ in found] for key, found in self._by_day.items()}
        self._by_pair: dict[tuple[str, str], list[str]] = {}  # two topics -> sources of both
        for source in manifest.sources:
            for pair in itertools.combinations(sorted(set(source.topics)), 2):
                self._by_pair.setdefault(pair, []).append(source.id)

    def of(self, source: Source) -> list[Source]:
        here = _day(source).toordinal()
        mine = set(source.topics)
        shared: dict[str, int] = {}  # the sources sharing two topics or more: how many
        for pair in itertools.combinations(sorted(mine), 2):
            for ident in self._by_pair.get(pair, ()):
                if ident != source.id and ident not in shared:
                    shared[ident] = len(mine.intersection(self._manifest.source(ident).topics))

        def closeness(ident: str) -> tuple[int, int, str]:
            day = _day(self._manifest.source(ident)).toordinal()
            return (-shared.get(ident, 1), abs(day - here), ident)

        def sharing_one(ident: str) -> bool:
            return ident != source.id and ident not in shared

        several = sorted(shared, key=closeness)
        if len(several) < RELATED_COUNT:
            wanted = RELATED_COUNT - len(several)
            nearest = set()
            for topic in dict.fromkeys(source.topics):
                nearest.update(self._nearest(topic, here, wanted, sharing_one))
            several += sorted(nearest, key=closeness)[:wanted]
        return [self._manifest.source(i) for i in several[:RELATED_COUNT]]

    def _nearest(
        self, topic: str, here: int, wanted: int, eligible: Callable[[str], bool]
    ) -> list[str]:
        """The eligible members of a topic nearest in date to here: at least the wanted
        number (when there are so many), and every one as near as the last of them."""
        members, days = self._by_day.get(topic, []), self._days.get(topic, [])
        right = bisect.bisect_left(days, here)
        left = right - 1
        found: list[str] = []
        farthest = -1
        while left >= 0 or right < len(members):
            go_left = right >= len(members) or (
                left >= 0 and here - members[left][0] <= members[right][0] - here
            )
            day, ident = members[left] if go_left else members[right]
            if go_left:
                left -= 1
            else:
                right += 1
            distance = abs(day - here)
            if len(found) >= wanted and distance > farthest:
                break
            if eligible(ident):
                found.append(ident)
                farthest = max(farthest, distance)
        return found


def _day(source: Source) -> dt.date:
    return source.published.earliest() if source.published else source.added


def content_note(source: Source, manifest: Manifest) -> str | None:
    """The one note a source's page (and its feed entry) carries: its own, else the site's.

    A topic's note is written for its topic page ("some of these petitions..."): on one
    source's page it would not fit, and a source in two topics would show two."""
    return source.content_note or manifest.site.content_note


def last_added(sources: Sequence[Source]) -> dt.date | None:
    return max((s.added for s in sources), default=None)


def topics_of(source: Source, manifest: Manifest) -> list[Topic]:
    return [manifest.topic(t) for t in source.topics]
