"""The UK Parliament adapter: API JSON in, checked PetitionData out, or DataError."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from digest.model import Threshold
from digest.platforms import PLATFORMS, DataError, parse_uk_parliament
from digest.schema import manifest_schema
from tests.conftest import TEST_DIGEST

CACHE = TEST_DIGEST / "data" / "petitions" / "uk-parliament"


def response(number: int) -> dict[str, Any]:
    envelope = json.loads((CACHE / f"{number}.json").read_text())
    body: dict[str, Any] = envelope["response"]
    return body


def test_a_rejected_petition() -> None:
    data = parse_uk_parliament(response(100001), 100001)
    assert data.state == "rejected"
    assert data.signature_count == 6
    assert data.rejection is not None and data.rejection.code == "duplicate"
    assert data.rejection.details is not None and "\r" not in data.rejection.details
    assert [m.label for m in data.milestones] == [
        "Created",
        "Supported by its first sponsors and sent for checking",
        "Rejected",
    ]
    assert data.page_url == "https://petition.parliament.uk/petitions/100001"
    assert data.licence is not None and data.licence.name == "Open Government Licence v3.0"


def test_an_open_petition_past_the_response_threshold() -> None:
    data = parse_uk_parliament(response(100002), 100002)
    assert data.thresholds == (
        Threshold("Government response", 10_000, dt.datetime(2026, 1, 20, 12, 30, tzinfo=dt.UTC)),
        Threshold("Debate in Parliament", 100_000, None),
    )
    assert data.updated_at == dt.datetime(2026, 2, 6, 9, 0, tzinfo=dt.UTC)


def test_a_closed_petition_with_response_and_debate() -> None:
    data = parse_uk_parliament(response(100003), 100003)
    assert data.government_response is not None
    assert data.government_response.responded_on == dt.date(2025, 4, 1)
    assert data.debate is not None and data.debate.debated_on == dt.date(2025, 6, 9)
    # the javascript: video_url is dropped; only http(s) links survive
    assert data.debate.links == (
        ("Transcript", "https://hansard.test/debate/1"),
        ("Research briefing", "https://library.test/pack"),
    )
    labels = [m.label for m in data.milestones]
    assert labels.index("A debate was scheduled for 9 June 2025") < labels.index(
        "Debated in Parliament"
    )
    assert labels[-1] == "Closed"


def test_an_archived_petition_takes_its_parliaments_thresholds() -> None:
    body = response(100003)
    body["data"]["type"] = "archived-petition"
    body["data"]["parliament"] = {
        "period": "2019-2024",
        "response_threshold": 5000,
        "debate_threshold": 50000,
    }
    data = parse_uk_parliament(body, 100003)
    assert [t.count for t in data.thresholds] == [5000, 50000]


def test_a_debate_not_held_is_a_milestone_of_its_own() -> None:
    body = response(100003)
    body["data"]["attributes"]["debate"]["debated_on"] = None
    data = parse_uk_parliament(body, 100003)
    assert "Not debated: the committee recorded its decision" in [m.label for m in data.milestones]


BROKEN: list[tuple[str, Any, str]] = [
    ("data", None, "data is not a JSON object"),
    ("type", "archived-thing", "data.type is 'archived-thing', expected 'petition'"),
    ("id", 1, "data.id is 1, expected 100002"),
    ("state", "hidden", "attributes.state is 'hidden', expected open, closed or rejected"),
    ("signature_count", "13960", "attributes.signature_count is '13960', expected a whole number"),
    ("signature_count", -1, "attributes.signature_count is -1, expected a whole number"),
    ("signature_count", True, "attributes.signature_count is True, expected a whole number"),
    ("action", "", "action is '', expected text"),
    ("created_at", "yesterday", "created_at is 'yesterday', expected a timestamp"),
    (
        "created_at",
        "2026-01-01T00:00:00",
        "created_at is '2026-01-01T00:00:00', a timestamp with no time zone",
    ),
    ("background", 5, "background is 5, expected text or null"),
    ("rejection", "no", "attributes.rejection is not a JSON object"),
    (
        "government_response",
        {"summary": "s", "responded_on": "soon"},
        "responded_on is 'soon', expected a date",
    ),
]


@pytest.mark.parametrize(("field", "value", "message"), BROKEN)
def test_a_response_of_the_wrong_shape_is_refused(field: str, value: Any, message: str) -> None:
    body = copy.deepcopy(response(100002))
    if field == "data":
        body["data"] = value
    elif field in ("type", "id"):
        body["data"][field] = value
    else:
        body["data"]["attributes"][field] = value
    with pytest.raises(DataError) as caught:
        parse_uk_parliament(body, 100002)
    assert str(caught.value) == message


def test_the_schema_lists_exactly_the_platforms_the_code_knows() -> None:
    schema = manifest_schema()
    enum = schema["$defs"]["petition"]["properties"]["platform"]["enum"]
    assert sorted(enum) == sorted(PLATFORMS)
    with_api = schema["$defs"]["petition"]["allOf"][0]["if"]["properties"]["platform"]["enum"]
    assert sorted(with_api) == sorted(p for p in PLATFORMS if PLATFORMS[p].has_api)
