"""What the pages show, derived from the model: orderings, groupings, petition views.

Pure functions of the digest, so templates stay presentation only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from digest.model import Digest, Manifest, PetitionData, Source, Threshold, Topic
from digest.platforms import PLATFORMS, Platform

LATEST_COUNT = 10
RELATED_COUNT = 5


def newest_added(sources: Sequence[Source]) -> list[Source]:
    """Order sources as the feeds do: newest added first, then by id."""
    return sorted(sorted(sources, key=lambda s: s.id), key=lambda s: s.added, reverse=True)


def by_published(sources: Sequence[Source]) -> list[Source]:
    """Order sources newest published first; sources of unknown date last."""
    dated = [s for s in sources if s.published is not None]
    undated = [s for s in sources if s.published is None]
    dated.sort(key=lambda s: s.id)
    dated.sort(key=lambda s: s.published.earliest() if s.published else dt.date.min, reverse=True)
    return dated + sorted(undated, key=lambda s: s.id)


def related(source: Source, manifest: Manifest) -> list[Source]:
    """Other sources sharing the most topics with this one, nearest in date first."""
    mine = set(source.topics)
    here = _day(source)

    def closeness(other: Source) -> tuple[int, int, str]:
        shared = len(mine & set(other.topics))
        return (-shared, abs((_day(other) - here).days), other.id)

    others = {s.id: s for t in source.topics for s in manifest.sources_in(t) if s.id != source.id}
    return sorted(others.values(), key=closeness)[:RELATED_COUNT]


def _day(source: Source) -> dt.date:
    return source.published.earliest() if source.published else source.added


def content_notes(source: Source, manifest: Manifest) -> list[str]:
    """The notes a source's page carries: its own, else its topics' (each once)."""
    if source.content_note:
        return [source.content_note]
    notes = (manifest.topic(t).content_note for t in source.topics)
    return list(dict.fromkeys(n for n in notes if n))


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
    """A petition source with what is known of it: API data, a hand-recorded figure, or neither."""

    source: Source
    platform: Platform
    data: PetitionData | None

    @property
    def number(self) -> int | None:
        return self.source.petition.number if self.source.petition else None

    @property
    def signatures(self) -> int | None:
        if self.data:
            return self.data.signature_count
        recorded = self.source.petition.recorded if self.source.petition else None
        return recorded.signatures if recorded else None

    @property
    def state(self) -> str:
        if self.data:
            return self.data.state.capitalize()
        if self.source.petition and self.source.petition.recorded:
            return "Recorded by hand"
        return "Awaiting data"

    @property
    def progress(self) -> list[Progress]:
        if not self.data:
            return []
        return [Progress(t, self.data.signature_count) for t in self.data.thresholds]

    @property
    def page_url(self) -> str | None:
        if self.data:
            return self.data.page_url
        template = self.platform.page_url
        if template and self.number is not None:
            return template.format(number=self.number)
        return self.source.url


def petition_view(source: Source, digest: Digest) -> PetitionView | None:
    if source.petition is None:
        return None
    return PetitionView(
        source, PLATFORMS[source.petition.platform], digest.petitions.get(source.id)
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


def our_petition_page(url: str, manifest: Manifest) -> str | None:
    """Find the source id of a UK Parliament petition URL, if the digest has it."""
    prefix = "https://petition.parliament.uk/petitions/"
    if not url.startswith(prefix):
        return None
    number = url.removeprefix(prefix).split("/")[0].split(".")[0].split("?")[0]
    for source in manifest.sources:
        ref = source.petition
        if ref and ref.platform == "uk-parliament" and str(ref.number) == number:
            return source.id
    return None
