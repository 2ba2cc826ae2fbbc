"""Petition API responses for the tests, in the platforms' real shapes, with made-up values.

The shapes follow the e-petitions views (``_petition.json.jbuilder`` of the UK,
Senedd and Scottish Parliament sites): every key in its place, nulls included.
"""

from __future__ import annotations

from typing import Any

UK = "https://petition.parliament.uk"


def uk(number: int, state: str = "open", count: int = 1234, **changes: Any) -> dict[str, Any]:
    """A petition.parliament.uk show response: open, closed (with response and debate),
    rejected, or archived (closed, in an earlier parliament)."""
    archived = state == "archived"
    attributes: dict[str, Any] = {
        "action": f"Made-up petition {number}",
        "background": "A made-up background of a sentence or two.",
        "additional_details": "More made-up details.\r\n\r\nOn two lines.",
        "committee_note": None,
        "state": "closed" if archived else state,
        "signature_count": count,
        "created_at": "2025-12-01T10:00:00.000Z",
        "updated_at": "2026-02-06T09:00:00.000Z",
        "rejected_at": None,
        "opened_at": "2025-12-08T09:00:00.000Z",
        "closed_at": None,
        "moderation_threshold_reached_at": "2025-12-02T10:00:00.000Z",
        "response_threshold_reached_at": None,
        "government_response_at": None,
        "debate_threshold_reached_at": None,
        "debate_scheduled_on": None,
        "scheduled_debate_date": None,
        "debate_outcome_at": None,
        "creator_name": "A Private Person" if state == "open" else None,
        "rejection": None,
        "government_response": None,
        "debate": None,
        "departments": [],
        "topics": [],
    }
    if state == "open":  # where the real responses have it: after the count
        at = list(attributes).index("signature_count") + 1
        items = list(attributes.items())
        attributes = dict([*items[:at], ("closing_date", "2026-06-08"), *items[at:]])
    if state in ("closed", "archived"):
        attributes.update(
            closed_at="2026-06-08T22:59:59.999Z",
            response_threshold_reached_at="2025-12-20T12:00:00.000Z",
            government_response_at="2026-01-15T15:00:00.000Z",
            debate_threshold_reached_at="2026-01-05T08:00:00.000Z",
            debate_scheduled_on="2026-02-01",
            scheduled_debate_date="2026-03-09",
            debate_outcome_at="2026-03-12T10:00:00.000Z",
            government_response={
                "responded_on": "2026-01-15",
                "summary": "The Government will consider the made-up proposal.",
                "details": "Thank you for your petition.\n\nWe will consider it[1].\n\n"
                "[1]: https://www.gov.uk/made-up",
                "created_at": "2026-01-15T15:00:00.000Z",
                "updated_at": "2026-01-15T15:00:00.000Z",
            },
            debate={
                "debated_on": "2026-03-09",
                "transcript_url": "https://hansard.parliament.uk/made-up",
                "video_url": "https://parliamentlive.tv/made-up",
                "debate_pack_url": "https://commonslibrary.parliament.uk/made-up",
                "public_engagement_url": None,
                "debate_summary_url": None,
                "overview": "MPs debated the made-up proposal.",
            },
        )
    if state == "rejected":
        attributes.update(
            opened_at=None,
            rejected_at="2026-01-10T18:00:00.000Z",
            rejection={"code": "duplicate", "details": f"See {UK}/petitions/{number + 1}"},
        )
    else:
        attributes.update(
            signatures_by_country=[
                {"name": "France", "code": "FR", "signature_count": 3},
                {"name": "United Kingdom", "code": "GB", "signature_count": count - 3},
            ],
            signatures_by_constituency=[
                {
                    "name": f"Constituency {i}",
                    "ons_code": f"E1400{i:04d}",
                    "mp": f"Member {i} MP",
                    "signature_count": 10 + i,
                }
                for i in range(12)
            ],
            signatures_by_region=[{"name": "London", "ons_code": "H", "signature_count": 400}],
            other_parliamentary_business=[],
        )
    attributes.update(changes)
    data: dict[str, Any] = {"type": "archived-petition" if archived else "petition", "id": number}
    if archived:
        data["parliament"] = {
            "period": "2019-2024",
            "government": "Conservative",
            "dissolution_at": "2024-05-30T00:01:00.000+01:00",
            "response_threshold": 10000,
            "debate_threshold": 100000,
        }
        del attributes["creator_name"]
        del attributes["debate_scheduled_on"]  # archived responses have no such key
    data["attributes"] = attributes
    folder = "archived/petitions" if archived else "petitions"
    return {"links": {"self": f"{UK}/{folder}/{number}.json"}, "data": data}


def senedd(number: int, state: str = "open", count: int = 300, **changes: Any) -> dict[str, Any]:
    """A petitions.senedd.wales show response."""
    attributes: dict[str, Any] = {
        "action": f"Made-up Senedd petition {number}",
        "background": "A made-up background.",
        "additional_details": None,
        "state": state,
        "signature_count": count,
        "threshold_for_referral": 250,
        "threshold_for_debate": 10000,
        "created_at": "2026-01-02T10:00:00.000Z",
        "updated_at": "2026-02-05T10:00:00.000Z",
        "rejected_at": None,
        "opened_at": "2026-01-09T10:00:00.000Z",
        "closed_at": "2026-05-09T22:59:59.999Z",
        "completed_at": None,
        "moderation_threshold_reached_at": "2026-01-03T10:00:00.000Z",
        "referral_threshold_reached_at": "2026-01-20T10:00:00.000Z",
        "referred_at": None,
        "debate_threshold_reached_at": None,
        "scheduled_debate_date": None,
        "debate_outcome_at": None,
        "archived_at": None,
        "submitted_on_paper": False,
        "submitted_on": None,
        "creator_name": "A Private Person",
        "rejection": None,
        "debate": None,
        "topics": [],
        "signatures_by_country": [
            {"name": "United Kingdom", "code": "GB", "signature_count": count}
        ],
        "signatures_by_constituency": [
            {"id": "W09000001", "name": "Cardiff Central", "signature_count": 120}
        ],
        "signatures_by_region": [
            {"id": "W10000001", "name": "South Wales Central", "signature_count": 200}
        ],
    }
    attributes.update(changes)
    return {
        "links": {"self": f"https://petitions.senedd.wales/petitions/{number}.json"},
        "data": {"type": "petition", "id": number, "attributes": attributes},
    }


def scottish(number: int, status: str = "under_consideration", count: int = 80,
             **changes: Any) -> dict[str, Any]:  # fmt: skip
    """A petitions.parliament.scot show response (thresholds disabled, as the site runs)."""
    label = f"PE{number:04d}"
    attributes: dict[str, Any] = {
        "title": f"Made-up Scottish petition {label}",
        "summary": "A made-up summary.",
        "background_information": "Made-up background information.",
        "petitioner": "A Private Person",
        "status": status,
        "signature_count": count,
        "created_at": "2025-11-01T10:00:00.000Z",
        "updated_at": "2026-02-01T10:00:00.000Z",
        "rejected_at": None,
        "opened_at": "2025-11-20T10:00:00.000Z",
        "under_consideration_at": "2025-11-20T10:00:00.000Z",
        "closed_at": None,
        "archived_at": None,
        "submitted_on_paper": False,
        "submitted_on": None,
        "creator_name": "A Private Person",
        "rejection": None,
        "topics": [],
        "signatures_by_country": [
            {"name": "United Kingdom", "code": "GB", "signature_count": count}
        ],
        "signatures_by_constituency": [],
        "signatures_by_region": [],
    }
    attributes.update(changes)
    return {
        "links": {"self": f"https://petitions.parliament.scot/petitions/{label}.json"},
        "data": {"type": "petition", "pe_number": label, "attributes": attributes},
    }
