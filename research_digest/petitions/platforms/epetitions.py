"""What the e-petitions family of sites (UK Parliament, Senedd, Scottish Parliament) share.

All three run forks of the same Rails application, so their JSON shares an
envelope, ``{"links": ..., "data": {"type", "id", "attributes": {...}}}``, and the
shape of rejections, debates and signature breakdowns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from research_digest.model.petitions import Debate, Milestone, Rejection, Tally
from research_digest.petitions.platforms import _json as j
from research_digest.petitions.platforms._json import Block, DataError
from research_digest.petitions.platforms.base import Platform

# A step of a petition's life: its code (MILESTONES), when (None: it has not happened),
# and the threshold's count or the debate's day some steps carry.
Step = (tuple[str, dt.datetime | dt.date | None]
        | tuple[str, dt.datetime | dt.date | None, int | None]
        | tuple[str, dt.datetime | dt.date | None, int | None, dt.date | None])  # fmt: skip


class EPetitionsPlatform(Platform):
    """A site of the family: a petition's page is /petitions/<label>, its JSON <page>.json."""

    def page_url(self, number: int) -> str:
        return f"https://{self.host}/petitions/{self.label(number)}"

    def api_url(self, number: int) -> str:
        return f"https://{self.host}/petitions/{self.label(number)}.json"

    def api_paths(self, number: int) -> tuple[str, ...]:
        return (f"/petitions/{self.label(number)}.json",)

    identity_key = "id"  # the key of data that holds the petition's number

    def document(self, number: int, attributes: dict[str, object]) -> object:
        """An API document holding attributes: figures read elsewhere, read as the API is."""
        identity: object = number if self.identity_key == "id" else self.label(number)
        return {
            "links": {"self": self.api_url(number)},
            "data": {"type": "petition", self.identity_key: identity, "attributes": attributes},
        }

    def number_from_url(self, url: str) -> int | None:
        """The number of a petition's page or JSON address on this site, if url is one."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or parts.hostname != self.host:
            return None
        match = re.fullmatch(r"/(?:archived/)?petitions/([A-Za-z]*)(\d+)(?:\.json)?/?", parts.path)
        if not match:
            return None
        number = int(match.group(2))
        prefix = re.match(r"[A-Za-z]*", self.label(number))
        wanted = prefix.group(0).upper() if prefix else ""
        return number if match.group(1).upper() == wanted else None

    def pending_paths(self, number: int) -> tuple[str, ...]:
        label = self.label(number)
        return (f"/petitions/{label}/gathering-support", f"/petitions/{label}/moderation-info")


DEBATE_LINKS = (
    ("transcript_url", "Transcript"),
    ("video_url", "Video"),
    ("debate_pack_url", "Research briefing"),
    ("debate_summary_url", "Summary"),
    ("public_engagement_url", "Public engagement"),
)


def envelope(document: object, types: tuple[str, ...], key: str, expected: object) -> Block:
    """Check the envelope and identity; return data (with its 'attributes' checked)."""
    data = j.obj(j.obj(document, "the response").get("data"), "data")
    if data.get("type") not in types:
        raise DataError(f"data.type is {data.get('type')!r}, expected {types[0]!r}")
    if data.get(key) != expected:
        raise DataError(f"data.{key} is {data.get(key)!r}, expected {expected!r}")
    j.obj(data.get("attributes"), "data.attributes")
    return data


def state(attributes: Block, key: str, states: Sequence[str]) -> str:
    """The petition's state; refuse one not among states (the theme words each)."""
    value = j.text(attributes, key)
    if value not in states:
        raise DataError(f"attributes.{key} is {value!r}, expected {', '.join(states)}")
    return value


def signature_count(attributes: Block) -> int:
    try:
        return j.count(attributes, "signature_count")
    except DataError as exc:
        raise DataError(f"attributes.{exc}") from None


def rejection(value: object) -> Rejection | None:
    if value is None:
        return None
    block = j.obj(value, "attributes.rejection")
    return Rejection(j.text(block, "code"), j.optional_text(block, "details"))


def debate(value: object) -> Debate | None:
    if value is None:
        return None
    block = j.obj(value, "attributes.debate")
    links = tuple(
        (label, url) for key, label in DEBATE_LINKS if (url := j.http_url(block.get(key)))
    )
    return Debate(j.date(block, "debated_on"), j.optional_text(block, "overview"), links)


def tallies(attributes: Block, key: str, detail: str | None = None) -> tuple[Tally, ...]:
    """Signatures by place, most first; an absent breakdown is empty."""
    value = attributes.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DataError(f"attributes.{key} is not a list")
    found = []
    for item in value:
        block = j.obj(item, f"an item of attributes.{key}")
        extra = j.optional_text(block, detail) if detail else None
        found.append(Tally(j.text(block, "name"), j.count(block, "signature_count"), extra))
    return tuple(sorted(found, key=lambda t: (-t.count, t.name)))


def milestones(steps: Iterable[Step]) -> tuple[Milestone, ...]:
    """The dated steps that happened, in order (a day before a time on the same day)."""
    happened = [Milestone(code, when, *more) for code, when, *more in steps if when is not None]
    return tuple(sorted(happened, key=_order))


def _order(milestone: Milestone) -> tuple[dt.date, int, dt.datetime]:
    when = milestone.when
    if isinstance(when, dt.datetime):
        return when.date(), 0, when
    return when, 1, dt.datetime.min.replace(tzinfo=dt.UTC)
