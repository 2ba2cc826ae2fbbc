"""petition.parliament.uk: current petitions and those of earlier parliaments (archived).

Once a parliament is dissolved, ``/petitions/<n>.json`` redirects to
``/archived/petitions/<n>.json``, whose data carries that parliament's
thresholds. Creator names are never read: they name private people.
"""

from __future__ import annotations

import datetime as dt

from research_digest.model.manifest import Licence
from research_digest.model.petitions import GovernmentResponse, PetitionData, Threshold
from research_digest.petitions.platforms import _json as j
from research_digest.petitions.platforms import epetitions
from research_digest.textformat import human_date

RESPONSE_THRESHOLD = 10_000
DEBATE_THRESHOLD = 100_000
OGL = Licence(
    "Open Government Licence v3.0",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)
STATES = {"open": "Open", "closed": "Closed", "rejected": "Rejected"}
REJECTION_REASONS = {
    "duplicate": "There is already a petition about this issue.",
    "irrelevant": "It is about something the UK Government or Parliament is not directly "
    "responsible for.",
    "no-action": "It is not clear what the petition asks the Government or Parliament to do.",
    "honours": "It is about honours or appointments.",
    "fake-name": "It did not give a real, full name.",
    "foi": "It is a Freedom of Information request.",
}


class UkParliament(epetitions.EPetitionsPlatform):
    host = "petition.parliament.uk"
    licence = OGL
    rejection_reasons = REJECTION_REASONS

    def api_paths(self, number: int) -> tuple[str, ...]:
        return (f"/petitions/{number}.json", f"/archived/petitions/{number}.json")

    def parse(self, document: object, number: int) -> PetitionData:
        data = epetitions.envelope(document, ("petition", "archived-petition"), "id", number)
        archived = data["type"] == "archived-petition"
        a = data["attributes"]
        state, label = epetitions.state(a, "state", STATES)
        parliament: j.Block = data["parliament"] if isinstance(data.get("parliament"), dict) else {}
        response_at = j.time(a, "response_threshold_reached_at")
        debate_at = j.time(a, "debate_threshold_reached_at")
        response_count = j.optional_positive(parliament, "response_threshold", RESPONSE_THRESHOLD)
        debate_count = j.optional_positive(parliament, "debate_threshold", DEBATE_THRESHOLD)
        debate = epetitions.debate(a.get("debate"))
        scheduled_for = j.date(a, "scheduled_debate_date")
        steps = [
            ("Created", j.time(a, "created_at")),
            ("Supported by its first sponsors and sent for checking",
             j.time(a, "moderation_threshold_reached_at")),
            ("Opened for signatures", j.time(a, "opened_at")),
            ("Rejected", j.time(a, "rejected_at")),
            (f"Reached {response_count:,} signatures: the Government must respond", response_at),
            ("The Government responded", j.time(a, "government_response_at")),
            (f"Reached {debate_count:,} signatures: considered for a debate", debate_at),
            (_scheduled(scheduled_for), j.date(a, "debate_scheduled_on")),
            ("Debated in Parliament", debate.debated_on if debate else None),
            ("Not debated: the committee recorded its decision",
             j.time(a, "debate_outcome_at") if debate and debate.debated_on is None else None),
            ("Closed", j.time(a, "closed_at")),
        ]  # fmt: skip
        folder = "archived/petitions" if archived else "petitions"
        return PetitionData(
            platform="uk-parliament",
            number=number,
            page_url=f"https://{self.host}/{folder}/{number}",
            api_url=f"https://{self.host}/{folder}/{number}.json",
            action=j.text(a, "action"),
            background=j.optional_text(a, "background"),
            additional_details=j.optional_text(a, "additional_details"),
            state=state,
            state_label=label,
            signature_count=epetitions.signature_count(a),
            milestones=epetitions.milestones(steps),
            thresholds=(
                Threshold("Government response", response_count, response_at),
                Threshold("Debate in Parliament", debate_count, debate_at),
            ),
            rejection=epetitions.rejection(a.get("rejection")),
            government_response=_response(a.get("government_response")),
            debate=debate,
            updated_at=j.time(a, "updated_at"),
            closing_date=j.date(a, "closing_date") if state == "open" else None,
            countries=epetitions.tallies(a, "signatures_by_country"),
            constituencies=epetitions.tallies(a, "signatures_by_constituency", detail="mp"),
            regions=epetitions.tallies(a, "signatures_by_region"),
            licence=OGL,
        )


def _scheduled(debate_day: dt.date | None) -> str:
    if debate_day is None:
        return "A debate was scheduled"
    return f"A debate was scheduled for {human_date(debate_day)}"


def _response(value: object) -> GovernmentResponse | None:
    if value is None:
        return None
    block = j.obj(value, "attributes.government_response")
    return GovernmentResponse(
        j.date(block, "responded_on"), j.text(block, "summary"), j.optional_text(block, "details")
    )


PLATFORM = UkParliament("uk-parliament", "UK Parliament petitions")
