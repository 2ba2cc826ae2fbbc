"""What is known of a petition: its data as a platform's API gives it (checked by the
platform's adapter: data, not wording), and what the cache records of each fetch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from research_digest.model.manifest import Licence


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


# The steps of a petition's life an adapter reports, as codes: the theme words them
# (_petition_words.html), so that a digest can say them in its own language.
MILESTONES = (
    "created",  # its creator started it
    "sponsored",  # supported by its first sponsors and sent for checking
    "opened",  # opened for signatures
    "published",  # published (Scottish Parliament: the committee then considers it)
    "rejected",
    "response-threshold",  # count: signatures at which the Government must respond
    "responded",  # the Government responded
    "referral-threshold",  # count: signatures at which the Petitions Committee considers it
    "referred",  # referred to the Petitions Committee
    "under-consideration",  # the committee began considering it
    "debate-threshold",  # count: signatures at which it is considered for a debate
    "debate-scheduled",  # on: the day of the debate, when the platform gives it
    "debated",
    "not-debated",  # the committee decided not to debate it, and recorded why
    "closed",  # closed to signatures
    "completed",  # the committee finished considering it
)
THRESHOLDS = (
    "response",  # the Government must respond
    "referral",  # the Petitions Committee considers it
    "debate",  # it is considered for a debate
)


@dataclass(frozen=True)
class Milestone:
    """A dated step in a petition's life (a code of MILESTONES), with the figure or day
    some steps carry."""

    code: str
    when: dt.datetime | dt.date
    count: int | None = None  # for a threshold reached: the threshold
    on: dt.date | None = None  # for a debate scheduled: the day of the debate


@dataclass(frozen=True)
class Threshold:
    """A signature count that triggers something (a code of THRESHOLDS)."""

    code: str
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
