"""The digest's data model: frozen, typed, built once by the manifest loader.

No stage after the loader sees raw YAML: it sees these objects, each of which
remembers where in the manifest it came from (``origin``) so later stages can
point back at it.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from research_digest.diagnostics import Location
from research_digest.files import content_hash

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

    @property
    def is_full(self) -> bool:
        return self.day is not None

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


@dataclass(frozen=True)
class Document:
    """A source's write-up, rendered to sanitised HTML.

    Links to other sources and topics stay as ``source:ID`` / ``topic:ID``
    until a page or feed resolves them for its own location.
    """

    source_id: str
    html: str
    word_count: int
    text: str = ""  # the Markdown, normalised, for the lint rules
    file: str = ""  # its path as diagnostics show it
    digest: str = ""  # the hash of the file's bytes, which the HTML is made from

    @property
    def fingerprint(self) -> str:
        """What changes whenever the HTML does: the file's hash, else the HTML itself."""
        return self.digest or self.html


class CachedDocument(Document):
    """A write-up the build cache had rendered before: its HTML is read from the cache only
    when something shows it (most pages of a rebuild are kept as they were)."""

    def __init__(
        self, source_id: str, word_count: int, file: str, digest: str, load: Callable[[], str]
    ) -> None:
        for name, value in (("source_id", source_id), ("word_count", word_count), ("text", ""),
                            ("file", file), ("digest", digest)):  # fmt: skip
            object.__setattr__(self, name, value)
        self.__dict__["_load"] = load

    @property
    def html(self) -> str:
        if "_html" not in self.__dict__:
            self.__dict__["_html"] = self.__dict__["_load"]()
        return str(self.__dict__["_html"])


@dataclass(frozen=True)
class Rejection:
    code: str
    details: str | None


@dataclass(frozen=True)
class GovernmentResponse:
    responded_on: dt.date | None
    summary: str
    details: str | None


@dataclass(frozen=True)
class Debate:
    debated_on: dt.date | None
    overview: str | None
    links: tuple[tuple[str, str], ...]  # (label, https URL)


@dataclass(frozen=True)
class Milestone:
    """A dated step in a petition's life: created, opened, response threshold..."""

    label: str
    when: dt.datetime | dt.date


@dataclass(frozen=True)
class Threshold:
    """A signature count that triggers something (a response, a debate)."""

    label: str
    count: int
    reached_at: dt.datetime | None


@dataclass(frozen=True)
class Tally:
    """Signatures from one place: a country, a constituency, a region."""

    name: str
    count: int
    detail: str | None = None  # e.g. the constituency's MP


@dataclass(frozen=True)
class PetitionData:
    """What a petition platform's API says about one petition, already checked."""

    platform: str
    number: int
    page_url: str
    api_url: str
    action: str
    background: str | None
    additional_details: str | None
    state: str  # as the platform says it: open, closed, rejected, completed...
    state_label: str  # for readers: "Open", "Under consideration"...
    signature_count: int | None  # None only in figures read from a page that shows none
    milestones: tuple[Milestone, ...]
    thresholds: tuple[Threshold, ...]  # empty where the platform has none
    rejection: Rejection | None
    government_response: GovernmentResponse | None
    debate: Debate | None
    updated_at: dt.datetime | None
    closing_date: dt.date | None  # an open petition's deadline
    countries: tuple[Tally, ...] = ()
    constituencies: tuple[Tally, ...] = ()
    regions: tuple[Tally, ...] = ()
    licence: Licence | None = None  # the licence the platform publishes its data under


@dataclass(frozen=True)
class HistoryPoint:
    """The signature count at a moment (when the platform last updated it)."""

    time: dt.datetime
    signatures: int


@dataclass(frozen=True)
class PageReading:
    """Where figures read from a page come from, when no API response is stored: a saved
    copy of the petition's own page, or of a page that reports them. The first fetch from
    the platform replaces them."""

    url: str  # the page that was read
    by: str | None  # who published that page; None: the petition's own page, on its platform
    seen: dt.date  # when the saved copy of the page was read
    as_of: dt.date | None  # the date the page gives its figures, if it gives one
    as_of_label: str | None  # what that date is: "the day it closed"

    @property
    def own_page(self) -> bool:
        return self.by is None


@dataclass(frozen=True)
class PetitionRecord:
    """What the cache holds for one petition: its data, and what is known of the fetch."""

    status: str  # "ok"; "missing" (404: last copy kept); "removed" (410: never asked again)
    data: PetitionData | None  # None: removed, or the cached copy is unusable
    fetched_at: dt.datetime | None  # when the data was fetched; None: not recorded
    status_since: dt.datetime | None  # when it went missing or was removed
    history: tuple[HistoryPoint, ...] = ()
    reading: PageReading | None = None  # set when the figures were read from a page

    @property
    def saved_copy(self) -> bool:
        """Tell whether the data is an API response saved at a time that was not recorded."""
        return self.reading is None and self.fetched_at is None and self.data is not None


@dataclass(frozen=True)
class Digest:
    """Everything a render needs: the manifest, write-ups, petition data and the build time."""

    manifest: Manifest
    documents: Mapping[str, Document]
    petitions: Mapping[str, PetitionRecord]  # by source id; absent: nothing cached yet
    about: str | None  # sanitised HTML of the about page's own text
    built_at: dt.datetime


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: a relative POSIX path and its bytes."""

    path: str
    content: bytes

    @functools.cached_property
    def digest(self) -> str:
        """The hash of its bytes, computed once (the guard and the writer both need it)."""
        return content_hash(self.content)


class KeptFile(OutputFile):
    """A file the last build wrote into the output folder that this one would write the
    same: its hash is known, and its bytes are read back from there only if needed (when
    the folder must be written anew rather than updated)."""

    folder: Path

    def __init__(self, path: str, digest: str, folder: Path) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "folder", folder)
        self.__dict__["digest"] = digest  # what the cached property would compute

    @property
    def content(self) -> bytes:
        return Path(self.folder, *self.path.split("/")).read_bytes()
