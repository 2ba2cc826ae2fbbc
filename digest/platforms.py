"""Petition platforms: what each one is, and how to read its API's JSON.

One ``Platform`` per platform, all in ``PLATFORMS``. A platform with an API
has an adapter, ``parse``, that turns one API response into ``PetitionData``
or raises ``DataError``: the JSON is untrusted, so every field is checked
for its type before it is used, and only http(s) links survive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from digest.model import (
    Debate,
    GovernmentResponse,
    Licence,
    Milestone,
    PetitionData,
    Rejection,
    Threshold,
)
from digest.textformat import human_date


class DataError(ValueError):
    """A petition API response that does not have the expected shape."""


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    page_url: str | None  # with {number}
    api_url: str | None  # with {number}
    parse: Callable[[object, int], PetitionData] | None = None

    @property
    def has_api(self) -> bool:
        return self.parse is not None


UK_RESPONSE_THRESHOLD = 10_000
UK_DEBATE_THRESHOLD = 100_000
OGL = Licence(
    "Open Government Licence v3.0",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)

UK_REJECTION_REASONS = {
    "duplicate": "There is already a petition about this issue.",
    "irrelevant": "It is about something the UK Government or Parliament is not directly "
    "responsible for.",
    "no-action": "It is not clear what the petition asks the Government or Parliament to do.",
    "honours": "It is about honours or appointments.",
    "fake-name": "It did not give a real, full name.",
    "foi": "It is a Freedom of Information request.",
}


def parse_uk_parliament(document: object, number: int) -> PetitionData:
    """Read a petition.parliament.uk show response (current or archived)."""
    data = _object(_object(document, "the response").get("data"), "data")
    if data.get("type") not in ("petition", "archived-petition"):
        raise DataError(f"data.type is {data.get('type')!r}, expected 'petition'")
    if data.get("id") != number:
        raise DataError(f"data.id is {data.get('id')!r}, expected {number}")
    a = _object(data.get("attributes"), "data.attributes")
    state = _text(a, "state")
    if state not in ("open", "closed", "rejected"):
        raise DataError(f"attributes.state is {state!r}, expected open, closed or rejected")
    count = a.get("signature_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise DataError(f"attributes.signature_count is {count!r}, expected a whole number")
    parliament = data.get("parliament")
    parliament = parliament if isinstance(parliament, dict) else {}
    response_at = _time(a, "response_threshold_reached_at")
    debate_at = _time(a, "debate_threshold_reached_at")
    thresholds = (
        Threshold(
            "Government response",
            _count(parliament, "response_threshold", UK_RESPONSE_THRESHOLD),
            response_at,
        ),
        Threshold(
            "Debate in Parliament",
            _count(parliament, "debate_threshold", UK_DEBATE_THRESHOLD),
            debate_at,
        ),
    )
    debate = _uk_debate(a.get("debate"))
    steps: list[tuple[str, dt.datetime | dt.date | None]] = [
        ("Created", _time(a, "created_at")),
        (
            "Supported by its first sponsors and sent for checking",
            _time(a, "moderation_threshold_reached_at"),
        ),
        ("Opened for signatures", _time(a, "opened_at")),
        ("Rejected", _time(a, "rejected_at")),
        (f"Reached {thresholds[0].count:,} signatures: the Government must respond", response_at),
        ("The Government responded", _time(a, "government_response_at")),
        (f"Reached {thresholds[1].count:,} signatures: considered for a debate", debate_at),
        (_scheduled(_date(a, "scheduled_debate_date")), _date(a, "debate_scheduled_on")),
        ("Debated in Parliament", debate.debated_on if debate else None),
        (
            "Not debated: the committee recorded its decision",
            _time(a, "debate_outcome_at") if debate and debate.debated_on is None else None,
        ),
        ("Closed", _time(a, "closed_at")),
    ]
    return PetitionData(
        platform="uk-parliament",
        number=number,
        page_url=f"https://petition.parliament.uk/petitions/{number}",
        action=_text(a, "action"),
        background=_optional_text(a, "background"),
        additional_details=_optional_text(a, "additional_details"),
        state=state,
        signature_count=count,
        milestones=tuple(
            sorted((Milestone(label, when) for label, when in steps if when), key=_milestone_order)
        ),
        thresholds=thresholds,
        rejection=_uk_rejection(a.get("rejection")),
        government_response=_uk_response(a.get("government_response")),
        debate=debate,
        updated_at=_time(a, "updated_at"),
        fetched_at=None,
        api_url=f"https://petition.parliament.uk/petitions/{number}.json",
        licence=OGL,
    )


def _scheduled(debate_day: dt.date | None) -> str:
    if debate_day is None:
        return "A debate was scheduled"
    return f"A debate was scheduled for {human_date(debate_day)}"


def _uk_rejection(value: object) -> Rejection | None:
    if value is None:
        return None
    block = _object(value, "attributes.rejection")
    return Rejection(_text(block, "code"), _optional_text(block, "details"))


def _uk_response(value: object) -> GovernmentResponse | None:
    if value is None:
        return None
    block = _object(value, "attributes.government_response")
    return GovernmentResponse(
        _date(block, "responded_on"), _text(block, "summary"), _optional_text(block, "details")
    )


def _uk_debate(value: object) -> Debate | None:
    if value is None:
        return None
    block = _object(value, "attributes.debate")
    labels = (
        ("transcript_url", "Transcript"),
        ("video_url", "Video"),
        ("debate_pack_url", "Research briefing"),
        ("debate_summary_url", "Summary"),
        ("public_engagement_url", "Public engagement"),
    )
    links = tuple((label, url) for key, label in labels if (url := _http_url(block.get(key))))
    return Debate(_date(block, "debated_on"), _optional_text(block, "overview"), links)


def _milestone_order(milestone: Milestone) -> tuple[dt.date, int]:
    when = milestone.when
    day = when.date() if isinstance(when, dt.datetime) else when
    return day, 0 if isinstance(when, dt.datetime) else 1


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DataError(f"{what} is not a JSON object")
    return value


def _text(block: dict[str, Any], key: str) -> str:
    value = block.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{key} is {value!r}, expected text")
    return _clean(value)


def _optional_text(block: dict[str, Any], key: str) -> str | None:
    value = block.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DataError(f"{key} is {value!r}, expected text or null")
    return _clean(value) or None


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _time(block: dict[str, Any], key: str) -> dt.datetime | None:
    value = block.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DataError(f"{key} is {value!r}, expected a timestamp")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DataError(f"{key} is {value!r}, expected a timestamp") from None
    if moment.tzinfo is None:
        raise DataError(f"{key} is {value!r}, a timestamp with no time zone")
    return moment.astimezone(dt.UTC)


def _date(block: dict[str, Any], key: str) -> dt.date | None:
    value = block.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise DataError(f"{key} is {value!r}, expected a date")


def _count(block: dict[str, Any], key: str, default: int) -> int:
    value = block.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default


def _http_url(value: object) -> str | None:
    """Keep an http(s) URL from the API; anything else is dropped."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return None if any(c.isspace() for c in url) else url


PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform(
            "uk-parliament",
            "UK Parliament petitions",
            page_url="https://petition.parliament.uk/petitions/{number}",
            api_url="https://petition.parliament.uk/petitions/{number}.json",
            parse=parse_uk_parliament,
        ),
        Platform("change-org", "change.org", page_url=None, api_url=None),
        Platform("other", "another platform", page_url=None, api_url=None),
    )
}
