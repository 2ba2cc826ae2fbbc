"""What a page shows of a petition: its data, where the figures come from and how old
they are, its progress towards thresholds, and the petitions its text points to.

Pure functions of the digest; the theme words the data's codes (_petition_words.html).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from research_digest.model.digest import Digest
from research_digest.model.manifest import Licence, Manifest, Source
from research_digest.model.petitions import PetitionData, PetitionRecord, Threshold
from research_digest.petitions.platforms import PLATFORMS, Platform
from research_digest.petitions.platforms.epetitions import EPetitionsPlatform
from research_digest.textformat import Formats, formats


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
                return "none: " + NO_DATA.get(record.status, "the cached copy cannot be used")
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
        """How many days before the day of the build the data was fetched (calendar days,
        UTC: what a page shows does not change within a day); None when not known (a saved
        copy, or figures read from a page)."""
        if self.record is None or self.record.fetched_at is None:
            return None
        fetched_on = self.record.fetched_at.astimezone(dt.UTC).date()
        return max(self.built_at.astimezone(dt.UTC).date() - fetched_on, dt.timedelta(0))

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

NO_DATA = {"removed": "removed by the platform", "missing": "not found on the platform"}

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
