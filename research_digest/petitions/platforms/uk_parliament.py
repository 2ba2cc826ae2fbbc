"""petition.parliament.uk: current petitions and those of earlier parliaments (archived).

Once a parliament is dissolved, ``/petitions/<n>.json`` redirects to
``/archived/petitions/<n>.json``, whose data carries that parliament's
thresholds. Creator names are never read: they name private people.
"""

from __future__ import annotations

from research_digest.model.manifest import Licence
from research_digest.model.petitions import GovernmentResponse, PetitionData, Threshold
from research_digest.petitions.platforms import _json as j
from research_digest.petitions.platforms import epetitions

RESPONSE_THRESHOLD = 10_000
DEBATE_THRESHOLD = 100_000
OGL = Licence(
    "Open Government Licence v3.0",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)
STATES = ("open", "closed", "rejected")
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
    legislature = "Parliament"

    def api_paths(self, number: int) -> tuple[str, ...]:
        return (f"/petitions/{number}.json", f"/archived/petitions/{number}.json")

    def parse(self, document: object, number: int) -> PetitionData:
        data = epetitions.envelope(document, ("petition", "archived-petition"), "id", number)
        archived = data["type"] == "archived-petition"
        a = data["attributes"]
        state = epetitions.state(a, "state", STATES)
        parliament: j.Block = data["parliament"] if isinstance(data.get("parliament"), dict) else {}
        response_at = j.time(a, "response_threshold_reached_at")
        debate_at = j.time(a, "debate_threshold_reached_at")
        response_count = j.optional_positive(parliament, "response_threshold", RESPONSE_THRESHOLD)
        debate_count = j.optional_positive(parliament, "debate_threshold", DEBATE_THRESHOLD)
        debate = epetitions.debate(a.get("debate"))
        scheduled_for = j.date(a, "scheduled_debate_date")
        steps: list[epetitions.Step] = [
            ("created", j.time(a, "created_at")),
            ("sponsored", j.time(a, "moderation_threshold_reached_at")),
            ("opened", j.time(a, "opened_at")),
            ("rejected", j.time(a, "rejected_at")),
            ("response-threshold", response_at, response_count),
            ("responded", j.time(a, "government_response_at")),
            ("debate-threshold", debate_at, debate_count),
            ("debate-scheduled", j.date(a, "debate_scheduled_on"), None, scheduled_for),
            ("debated", debate.debated_on if debate else None),
            ("not-debated",
             j.time(a, "debate_outcome_at") if debate and debate.debated_on is None else None),
            ("closed", j.time(a, "closed_at")),
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
            signature_count=epetitions.signature_count(a),
            milestones=epetitions.milestones(steps),
            thresholds=(
                Threshold("response", response_count, response_at),
                Threshold("debate", debate_count, debate_at),
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


def _response(value: object) -> GovernmentResponse | None:
    if value is None:
        return None
    block = j.obj(value, "attributes.government_response")
    return GovernmentResponse(
        j.date(block, "responded_on"), j.text(block, "summary"), j.optional_text(block, "details")
    )


PLATFORM = UkParliament("uk-parliament", "UK Parliament petitions")
