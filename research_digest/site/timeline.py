"""The timeline: every dated source and every step of its petitions, month by month, in
pages of whole months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from research_digest.model.digest import Digest
from research_digest.model.manifest import PartialDate, Source
from research_digest.model.petitions import Milestone
from research_digest.petitions.platforms import Platform
from research_digest.site.petitionviews import petition_view
from research_digest.textformat import formats


def has_timeline(sources: Sequence[Source]) -> bool:
    """Tell whether a timeline of these sources would hold anything: a dated source or a
    petition (whose steps are dated)."""
    return any(s.published is not None or s.petition is not None for s in sources)


MOMENTS_PER_PAGE = 400  # a timeline page: whole months, as many as fit


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


@dataclass(frozen=True)
class Moment:
    """One line of a timeline: a source published, or a step in a petition's life."""

    when: PartialDate
    source: Source
    what: str = ""  # a source published: its kind ("Article")
    milestone: Milestone | None = None  # a step of a petition: the theme words it
    platform: Platform | None = None  # the petition's platform
    step: int = -1  # the step's place among the petition's steps

    @property
    def order(self) -> tuple[tuple[int, int, int], str, int, str]:
        return self.when.order(), self.source.id, self.step, self.what


@dataclass(frozen=True)
class Period:
    """A month (or, for dates known only to the year, a year) of a timeline."""

    heading: str
    ident: str  # for the heading's id: "2026-01", "2025"
    moments: tuple[Moment, ...]


def _date_of(when: dt.date | dt.datetime) -> dt.date:
    return when.date() if isinstance(when, dt.datetime) else when


@dataclass(frozen=True)
class Moments:
    """The moments of a timeline in order, and its sources of unknown date by id."""

    moments: list[Moment]
    undated: list[Source]
    places: dict[str, list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        places: dict[str, list[int]] = {}
        for n, moment in enumerate(self.moments):
            places.setdefault(moment.source.id, []).append(n)
        object.__setattr__(self, "places", places)

    def of(self, ids: Collection[str]) -> Moments:
        """The moments of these sources alone, in the same order: a topic's timeline from the
        whole digest's, without sorting it again."""
        found = sorted(n for i in ids for n in self.places.get(i, ()))
        return Moments([self.moments[n] for n in found],
                       [s for s in self.undated if s.id in ids])  # fmt: skip


def moments(digest: Digest, sources: Sequence[Source]) -> Moments:
    """Every dated source and petition milestone, in order; and the sources of unknown date."""
    found = []
    undated = []
    for source in sources:
        view = petition_view(source, digest)
        steps = [
            Moment(PartialDate.of(_date_of(step.when)), source, milestone=step,
                   platform=view.platform, step=n)
            for n, step in enumerate(view.data.milestones)
        ] if view and view.data else []  # fmt: skip
        found += steps
        if source.published is None:
            undated.append(source)
        elif all(step.when != source.published for step in steps):  # else a step says it
            found.append(Moment(source.published, source, source.kind_label))
    found.sort(key=lambda m: m.order)
    return Moments(found, sorted(undated, key=lambda s: s.id))


def months(digest: Digest, made: Moments) -> list[Period]:
    """A timeline's moments by month (or year, for dates known only to the year)."""
    periods: dict[tuple[int, int | None], list[Moment]] = {}
    for moment in made.moments:
        periods.setdefault((moment.when.year, moment.when.month), []).append(moment)
    result = []
    language = formats(digest.manifest.site.language)
    for (year, month), found in sorted(periods.items(), key=lambda p: (p[0][0], p[0][1] or 13)):
        if month is None:
            heading, ident = f"{language.year(year)} (month not known)", str(year)
        else:
            heading, ident = language.date(PartialDate(year, month)), f"{year}-{month:02d}"
        result.append(Period(heading, ident, tuple(found)))
    return result


def timeline(digest: Digest, sources: Sequence[Source]) -> tuple[list[Period], list[Source]]:
    """Every dated source and petition milestone, by month; and the sources of unknown date."""
    made = moments(digest, sources)
    return months(digest, made), made.undated
