"""The manifest's model: the site, its topics and sources, frozen and typed.

Built once, by the manifest loader: no stage after it sees raw YAML. Each object
remembers where in the manifest it came from (``origin``), so later stages can point
back at it.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from research_digest.diagnostics import Location

UNPLACED = Location("sources.yaml")  # for a Site made outside the manifest loader (tests)
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    year: int
    month: int | None = None
    day: int | None = None

    @staticmethod
    def has_shape(text: str) -> bool:
        """Tell whether text is written like a date, real or not."""
        return _PARTIAL_DATE.fullmatch(text) is not None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; raise ValueError if impossible."""
        match = _PARTIAL_DATE.fullmatch(text)
        if not match:
            raise ValueError(f"expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got {text!r}")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{text!r} is not a real date: there is no month {month}")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                name = calendar.month_name[month]
                raise ValueError(f"{text!r} is not a real date: {name} {year} has {last} days")
        return cls(year, month, day)

    def iso(self) -> str:
        """Format as it was written: '2026-01-09', '2026-01' or '2026'."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """Format for readers: '9 January 2026', 'January 2026' or '2026'."""
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def earliest(self) -> dt.date:
        """The first day the date could mean (for feeds, and to compare with today)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def order(self, *, newest_first: bool = False) -> tuple[int, int, int]:
        """A sort key that puts a date known only to the month (or the year) after the dated
        items of that month (year) in either direction: '2026-01' after 31 January 2026
        oldest first, and after 1 January 2026 newest first, never before 7 January."""
        unknown = -1 if newest_first else 99
        month = unknown if self.month is None else self.month
        return self.year, month, unknown if self.day is None else self.day

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)


@dataclass(frozen=True)
class Licence:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ReportingRoute:
    """Where readers can report abuse material or get help."""

    name: str
    url: str
    region: str
    description: str


@dataclass(frozen=True)
class Site:
    """Site-wide settings from the manifest's ``site`` block."""

    title: str
    description: str
    base_url: str  # absolute, always ends with '/'
    language: str
    contact: Contact
    licence: Licence
    content_note: str | None = None
    repository: str | None = None
    about: Path | None = None  # Markdown for the about page
    reporting_routes: tuple[ReportingRoute, ...] = ()
    petition_stale_after_days: int = 7  # older petition data is marked as possibly out of date
    feed_entries: int = 50  # each feed holds this many of the newest sources
    origin: Location = UNPLACED
    field_origins: tuple[tuple[str, Location], ...] = ()  # "licence.url", "reporting_routes[2].url"

    def where(self, name: str) -> Location:
        """Locate one of the site's fields in the manifest (else the site block)."""
        return dict(self.field_origins).get(name, self.origin)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    summary: str
    content_note: str | None
    origin: Location
    key_moments: tuple[KeyMoment, ...] = ()  # in date order


@dataclass(frozen=True)
class KeyMoment:
    """A dated step in a topic's story, drawn from sources of the topic."""

    date: PartialDate
    text: str
    sources: tuple[str, ...]  # source ids


@dataclass(frozen=True)
class RecordedFigure:
    """A signature count recorded by hand, for platforms with no API: seen on the petition's
    page, or given by a report (reported_by), in which case seen is the report's date."""

    signatures: int
    seen: PartialDate | None  # None: the date it was seen is not known
    reported_by: str | None = None  # None: seen by the digest itself
    reported_url: str | None = None  # the report's address, when known


@dataclass(frozen=True)
class PetitionRef:
    """Which petition a source is: its platform and number, or a hand-recorded figure."""

    platform: str
    number: int | None
    recorded: RecordedFigure | None


@dataclass(frozen=True)
class Person:
    """An author who is a person: a family name, and given names where known."""

    family: str
    given: str | None = None

    @property
    def name(self) -> str:
        """As readers write it: 'Alex Hern'."""
        return f"{self.given} {self.family}" if self.given else self.family

    @property
    def inverted(self) -> str:
        """Family name first, as reference lists and RIS write it: 'Hern, Alex'."""
        return f"{self.family}, {self.given}" if self.given else self.family


@dataclass(frozen=True)
class Organisation:
    """An author that is an organisation, or any name to keep exactly as written (CSL's
    'literal' name): never split into family and given names, never abbreviated."""

    name: str

    @property
    def inverted(self) -> str:
        return self.name


Author = Person | Organisation


@dataclass(frozen=True)
class Source:
    """One source: an article, statement, report, petition... and its write-up."""

    id: str
    kind: str
    title: str
    url: str | None  # None: the original's address is not known
    publisher: str | None  # None: recorded as unknown
    published: PartialDate | None  # None: recorded as unknown
    added: dt.date
    topics: tuple[str, ...]
    document: Path  # absolute path of the Markdown write-up
    summary: str
    content_note: str | None
    petition: PetitionRef | None
    origin: Location
    # Each field's line and column in origin.file: plain tuples, which the build cache
    # unpickles four times as fast as Location objects (0.6 s for 10,000 sources).
    field_origins: tuple[tuple[str, int, int], ...] = ()
    known_gaps: tuple[str, ...] = ()  # "url", "publisher": unknown, and said so in the write-up
    updated: dt.date | None = None  # when the entry or write-up last changed in substance
    authors: tuple[Author, ...] = ()  # in the order the source gives them; () when not named
    doi: str | None = None  # '10.1234/abc', as written, without 'https://doi.org/'
    draft: bool = False  # not ready: left out of builds but those asked for drafts

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.added

    def where(self, name: str) -> Location:
        """Locate one of this source's fields in the manifest (else the entry itself)."""
        for field_name, line, column in self.field_origins:
            if field_name == name:
                return Location(self.origin.file, line, column)
        return self.origin

    @property
    def kind_label(self) -> str:
        return self.kind.replace("-", " ").capitalize()

    @property
    def doi_url(self) -> str | None:
        """The DOI as a link (https://doi.org/...), escaped as the DOI Handbook asks."""
        return doi_url(self.doi) if self.doi else None


# Characters a DOI may hold that a URL may not, or that would change its meaning there.
_DOI_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~!$&\'()*+,;=:@/]")


def doi_url(doi: str) -> str:
    """Make a DOI a https://doi.org/ link, percent-encoding what a URL cannot carry."""
    encoded = _DOI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), doi)
    return f"https://doi.org/{encoded}"


@dataclass(frozen=True)
class Manifest:
    """The validated manifest: everything the build needs to know, and where it came from."""

    path: Path
    root: Path  # the manifest's folder; relative paths start here
    site: Site
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    display_root: Path | None = None  # diagnostics show paths relative to it (default: cwd)
    drafts: frozenset[str] = frozenset()  # ids of the drafts left out (see without_drafts)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    def topic(self, topic_id: str) -> Topic:
        return self._topics_by_id[topic_id]

    def source(self, source_id: str) -> Source:
        return self._sources_by_id[source_id]

    def has_source(self, source_id: str) -> bool:
        return source_id in self._sources_by_id

    def has_topic(self, topic_id: str) -> bool:
        return topic_id in self._topics_by_id

    def without_drafts(self) -> Manifest:
        """The manifest as published: its drafts left out, and from key moments too (a
        moment drawn from drafts alone is left out with them)."""
        left = frozenset(s.id for s in self.sources if s.draft)
        if not left:
            return self
        topics = []
        for topic in self.topics:
            moments = tuple(
                dataclasses.replace(m, sources=tuple(i for i in m.sources if i not in left))
                for m in topic.key_moments
            )
            kept = tuple(m for m in moments if m.sources)
            topics.append(dataclasses.replace(topic, key_moments=kept))
        return dataclasses.replace(
            self, topics=tuple(topics), sources=tuple(s for s in self.sources if not s.draft),
            drafts=self.drafts | left,
        )  # fmt: skip

    def sources_in(self, topic_id: str) -> tuple[Source, ...]:
        """The sources of a topic, in manifest order."""
        return self._sources_by_topic.get(topic_id, ())

    # Indexes built on first use: pages look sources and topics up thousands of times.
    @functools.cached_property
    def _topics_by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    @functools.cached_property
    def _sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @functools.cached_property
    def _sources_by_topic(self) -> dict[str, tuple[Source, ...]]:
        index: dict[str, list[Source]] = {t.id: [] for t in self.topics}
        for source in self.sources:
            for topic_id in source.topics:
                index[topic_id].append(source)
        return {topic_id: tuple(found) for topic_id, found in index.items()}
