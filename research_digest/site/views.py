"""What the pages show, derived from the model: orderings, groupings, petition views.

Pure functions of the digest, so templates stay presentation only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from research_digest.model import (
    Digest,
    Licence,
    Manifest,
    PartialDate,
    PetitionData,
    PetitionRecord,
    Source,
    Threshold,
    Topic,
)
from research_digest.petitions.platforms import PLATFORMS, Platform
from research_digest.petitions.platforms.epetitions import EPetitionsPlatform
from research_digest.textformat import Formats, formats

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


def has_timeline(sources: Sequence[Source]) -> bool:
    """Tell whether a timeline of these sources would hold anything: a dated source or a
    petition (whose steps are dated)."""
    return any(s.published is not None or s.petition is not None for s in sources)


def petition_licences(manifest: Manifest) -> list[tuple[Licence, list[str]]]:
    """The licences the digest's petition data comes under, each with its platforms' names."""
    found: dict[Licence, list[str]] = {}
    for source in manifest.sources:
        platform = PLATFORMS[source.petition.platform] if source.petition else None
        if platform is not None and platform.licence is not None:
            names = found.setdefault(platform.licence, [])
            if platform.name not in names:
                names.append(platform.name)
    return list(found.items())


SOURCES_PER_PAGE = 50  # a topic's list of sources, the home page's latest
MOMENTS_PER_PAGE = 400  # a timeline page: whole months, as many as fit


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


def periods_in_pages(periods: Sequence[Period], size: int) -> list[Sequence[Period]]:
    """Whole months in pages of about size moments: a month is never split, and one of more
    than size moments has a page of its own."""
    pages: list[list[Period]] = [[]]
    held = 0
    for period in periods:
        if pages[-1] and held + len(period.moments) > size:
            pages.append([])
            held = 0
        pages[-1].append(period)
        held += len(period.moments)
    return list(pages)


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


@dataclass(frozen=True)
class Progress:
    threshold: Threshold
    signatures: int

    @property
    def reached(self) -> bool:
        return self.threshold.reached_at is not None or self.signatures >= self.threshold.count

    @property
    def value(self) -> int:
        return min(self.signatures, self.threshold.count)


@dataclass(frozen=True)
class PetitionView:
    """A petition source with what is known of it: cached API data, a figure recorded by
    hand, or nothing yet; and how old the data is when the site is built."""

    source: Source
    platform: Platform
    record: PetitionRecord | None
    built_at: dt.datetime
    stale_after: dt.timedelta
    formats: Formats  # the site's language

    @property
    def data(self) -> PetitionData | None:
        return self.record.data if self.record else None

    @property
    def number(self) -> int | None:
        return self.source.petition.number if self.source.petition else None

    @property
    def label(self) -> str | None:
        """The petition's reference on its platform: '756212', 'PE2034'."""
        return None if self.number is None else self.platform.label(self.number)

    @property
    def signatures(self) -> int | None:
        if self.data:
            return self.data.signature_count
        recorded = self.source.petition.recorded if self.source.petition else None
        return recorded.signatures if recorded else None

    @property
    def state(self) -> str:
        if self.record and self.record.status == "removed":
            return "Removed by the platform"
        if self.data:
            missing = self.record is not None and self.record.status == "missing"
            return self.data.state_label + (" (no longer found)" if missing else "")
        if self.record and self.record.status == "missing":
            return "Not found on the platform"
        if self.source.petition and self.source.petition.recorded:
            return "Recorded by hand"
        return "Awaiting data"

    @property
    def progress(self) -> list[Progress]:
        data = self.data
        if not data or data.state == "rejected" or data.signature_count is None:
            return []
        return [Progress(t, data.signature_count) for t in data.thresholds]

    @property
    def thresholds_note(self) -> str | None:
        """Why no progress towards thresholds is shown, when none is."""
        if self.progress:
            return None
        data = self.data
        if data and data.thresholds and data.state == "rejected":
            return "do not apply: it was rejected"
        if data and data.thresholds:
            return "not known: the signature count is not known"
        if self.record is not None and data is None:
            return "not known"
        if data or not self.platform.has_api:
            return f"none on {self.platform.name}"
        return "not known yet"

    @property
    def figures_from(self) -> str | None:
        """Where the figures shown come from, in words, for the petition's page."""
        record, name = self.record, self.platform.name
        if record is None or record.data is None:
            return None
        if record.reading is not None:
            reading = record.reading
            where = ("read from a saved copy of its page on the platform" if reading.own_page
                     else f"as reported by {reading.by}, in a saved copy of its page")  # fmt: skip
            when = f", as of {self.formats.date(reading.as_of)}" if reading.as_of else ""
            label = f" ({reading.as_of_label})" if reading.as_of and reading.as_of_label else ""
            return f"{where}{when}{label}; not yet fetched from the {name} API"
        if record.fetched_at is None:
            return f"from a saved copy of the {name} API's data, fetched at a time not recorded"
        return f"from the {name} API, fetched {self.formats.date(record.fetched_at.date())}"

    @property
    def data_age(self) -> str:
        """What is known of how old the figures are, in a few words."""
        record, data = self.record, self.data
        recorded = self.source.petition.recorded if self.source.petition else None
        if record is None or data is None:
            if record is not None:
                return "none: " + self.state.lower()
            if recorded is not None and recorded.reported_by is not None:
                when = self.formats.date(recorded.seen, "date not recorded")
                return f"as reported by {recorded.reported_by}, {when}"
            if recorded is not None:
                return "recorded by hand, " + self.formats.date(recorded.seen, "date not recorded")
            return "awaiting data"
        final = FINAL.get(data.state, "")
        if record.reading is not None:
            reading = record.reading
            where = "read from its page" if reading.own_page else f"as reported by {reading.by}"
            when = (f"as of {self.formats.date(reading.as_of)}" if reading.as_of
                    else "the page gives no date")  # fmt: skip
            return f"{where}, {when}{final}"
        if record.fetched_at is None:
            changed = (f"; it last changed on {self.formats.date(data.updated_at.date())}"
                       if data.updated_at else "")  # fmt: skip
            return f"a saved copy, fetched at a time not recorded{changed}{final}"
        assert self.age is not None
        return f"fetched {self.formats.age(self.age)} before the build{final}"

    @property
    def page_url(self) -> str | None:
        if self.data:
            return self.data.page_url
        if self.number is not None and self.platform.has_api:
            return self.platform.page_url(self.number)
        return self.source.url

    @property
    def age(self) -> dt.timedelta | None:
        """How long before the build the data was fetched; None when not known (a saved
        copy, or figures read from a page)."""
        if self.record is None or self.record.fetched_at is None:
            return None
        return max(self.built_at - self.record.fetched_at, dt.timedelta(0))

    @property
    def stale(self) -> bool:
        """Tell whether the data is old enough that the petition may have moved on: fetched
        longer ago than the site allows, or an open petition's figures of unknown age."""
        data = self.data
        if data is None or data.state in SETTLED_STATES:
            return False
        if self.age is None:
            return data.state == "open"
        return self.age > self.stale_after


SETTLED_STATES = ("rejected", "completed")  # states a petition never leaves
FINAL = {
    "rejected": " (final: it was rejected)",
    "completed": " (final: the committee has finished with it)",
    "closed": " (the count is final: it has closed)",
}


def petition_view(source: Source, digest: Digest) -> PetitionView | None:
    if source.petition is None:
        return None
    return PetitionView(
        source,
        PLATFORMS[source.petition.platform],
        digest.petitions.get(source.id),
        digest.built_at,
        dt.timedelta(days=digest.manifest.site.petition_stale_after_days),
        formats(digest.manifest.site.language),
    )


def petition_views(digest: Digest, sources: Sequence[Source]) -> list[PetitionView]:
    """Every petition among sources: most signatures first, those with none known last."""
    views = [v for s in sources if (v := petition_view(s, digest))]
    return sorted(
        sorted(views, key=lambda v: v.source.id),
        key=lambda v: -1 if v.signatures is None else v.signatures,
        reverse=True,
    )


def topics_of(source: Source, manifest: Manifest) -> list[Topic]:
    return [manifest.topic(t) for t in source.topics]


@dataclass(frozen=True)
class PointedPetition:
    """A petition that a rejection points to: on its platform, and in the digest if there."""

    number: int
    url: str
    title: str | None  # as the moderators' note gives it, or the digest's source's
    source_id: str | None  # its source in the digest, if it is one


def pointed_petitions(
    data: PetitionData, addresses: dict[str, str], titles: Callable[[str], str]
) -> list[PointedPetition]:
    """The petitions of the same platform that a rejection's note links to, once each, in
    order; titles(source_id) gives the digest's title of one it has."""
    if data.rejection is None or not data.rejection.details:
        return []
    platform = PLATFORMS[data.platform]
    if not isinstance(platform, EPetitionsPlatform):
        return []
    found: dict[int, PointedPetition] = {}
    lines = [line.strip() for line in data.rejection.details.splitlines()]
    for index, line in enumerate(lines):
        for match in _URL.finditer(line):
            number = platform.number_from_url(match.group(0).rstrip(".,;:)"))
            if number is None or number == data.number or number in found:
                continue
            url = platform.page_url(number) or match.group(0)
            source_id = our_petition_page(url, addresses)
            title = titles(source_id) if source_id else _title_before(lines, index, match.start())
            found[number] = PointedPetition(number, url, title, source_id)
    return list(found.values())


_URL = re.compile(r"https?://\S+")


def _title_before(lines: list[str], index: int, start: int) -> str | None:
    """The title a moderators' note gives a petition: the line before its address, when the
    address stands alone on its line. Text on the address's own line is as often a sentence
    ('...similar action: https://...') as a title, so it is not taken for one."""
    if lines[index][:start].strip() or index == 0:
        return None
    before = lines[index - 1]
    if not before or before.endswith(":") or _URL.search(before):
        return None
    return before


def petition_addresses(manifest: Manifest) -> dict[str, str]:
    """Every address (page or JSON) of the digest's petitions, reduced, to its source id."""
    addresses: dict[str, str] = {}
    for source in manifest.sources:
        ref = source.petition
        if ref is None or ref.number is None or not PLATFORMS[ref.platform].has_api:
            continue
        platform = PLATFORMS[ref.platform]
        known = [f"https://{platform.host}{path}" for path in platform.api_paths(ref.number)]
        known.append(platform.page_url(ref.number) or "")
        for address in known:
            addresses.setdefault(_petition_address(address), source.id)
    return addresses


def our_petition_page(url: str, addresses: dict[str, str]) -> str | None:
    """Find the source id of a petition's address (page or JSON), if the digest has it."""
    return addresses.get(_petition_address(url))


def _petition_address(url: str) -> str:
    """Reduce a petition URL to compare it: no query, fragment, '.json' or final slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/").removesuffix(".json")
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{path}"


@dataclass(frozen=True)
class Moment:
    """One line of a timeline: a source published, or a step in a petition's life."""

    when: PartialDate
    what: str  # "Article", "Petition: reached 10,000 signatures"...
    source: Source


@dataclass(frozen=True)
class Period:
    """A month (or, for dates known only to the year, a year) of a timeline."""

    heading: str
    ident: str  # for the heading's id: "2026-01", "2025"
    moments: tuple[Moment, ...]


def _date_of(when: dt.date | dt.datetime) -> dt.date:
    return when.date() if isinstance(when, dt.datetime) else when


def timeline(digest: Digest, sources: Sequence[Source]) -> tuple[list[Period], list[Source]]:
    """Every dated source and petition milestone, by month; and the sources of unknown date."""
    moments = []
    undated = []
    for source in sources:
        view = petition_view(source, digest)
        steps = [
            Moment(PartialDate.of(_date_of(step.when)), f"Petition: {step.label}", source)
            for step in (view.data.milestones if view and view.data else ())
        ]
        moments += steps
        if source.published is None:
            undated.append(source)
        elif all(step.when != source.published for step in steps):  # else a step says it
            moments.append(Moment(source.published, source.kind_label, source))
    moments.sort(key=lambda m: (m.when.order(), m.source.id, m.what))
    periods: dict[tuple[int, int | None], list[Moment]] = {}
    for moment in moments:
        periods.setdefault((moment.when.year, moment.when.month), []).append(moment)
    result = []
    language = formats(digest.manifest.site.language)
    for (year, month), found in sorted(periods.items(), key=lambda p: (p[0][0], p[0][1] or 13)):
        if month is None:
            heading, ident = f"{language.year(year)} (month not known)", str(year)
        else:
            heading, ident = language.date(PartialDate(year, month)), f"{year}-{month:02d}"
        result.append(Period(heading, ident, tuple(found)))
    return result, sorted(undated, key=lambda s: s.id)
