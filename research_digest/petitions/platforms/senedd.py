"""petitions.senedd.wales: the Welsh Parliament's petitions (the same software, its own rules).

A petition that reaches the referral threshold is considered by the Petitions
Committee; one that reaches the debate threshold is considered for a debate.
Both thresholds come with each petition. 'closed' means no longer collecting
signatures (the committee may still be considering it); 'completed' means the
committee has finished. The English host is used; the Welsh one serves the same
petitions in Welsh.
"""

from __future__ import annotations

from research_digest.model.petitions import PetitionData, Threshold
from research_digest.petitions.platforms import _json as j
from research_digest.petitions.platforms import epetitions

REFERRAL_THRESHOLD = 250  # the software's defaults, used when a petition carries none
DEBATE_THRESHOLD = 5_000
STATES = ("open", "closed", "completed", "rejected")


REJECTION_REASONS = {
    "insufficient": "It did not collect enough signatures to be published.",
    "duplicate": "There is already a petition about this issue.",
    "irrelevant": "It is about something the Senedd or the Welsh Government is not "
    "responsible for.",
    "no-action": "It is not clear what the petition asks the Senedd or the Welsh Government to do.",
    "fake-name": "It did not give a real, full name.",
    "bad-address": "Its creator does not live in Wales.",
}


class Senedd(epetitions.EPetitionsPlatform):
    host = "petitions.senedd.wales"
    rejection_reasons = REJECTION_REASONS
    legislature = "the Senedd"

    def parse(self, document: object, number: int) -> PetitionData:
        data = epetitions.envelope(document, ("petition",), "id", number)
        a = data["attributes"]
        state = epetitions.state(a, "state", STATES)
        referral = j.optional_positive(a, "threshold_for_referral", REFERRAL_THRESHOLD)
        debate_count = j.optional_positive(a, "threshold_for_debate", DEBATE_THRESHOLD)
        referral_at = j.time(a, "referral_threshold_reached_at")
        debate_at = j.time(a, "debate_threshold_reached_at")
        debate = epetitions.debate(a.get("debate"))
        closed_at = j.time(a, "closed_at")  # an open petition's deadline
        scheduled_for = j.date(a, "scheduled_debate_date")
        steps: list[epetitions.Step] = [
            ("created", j.time(a, "created_at")),
            ("sponsored", j.time(a, "moderation_threshold_reached_at")),
            ("opened", j.time(a, "opened_at")),
            ("rejected", j.time(a, "rejected_at")),
            ("referral-threshold", referral_at, referral),
            ("referred", j.time(a, "referred_at")),
            ("debate-threshold", debate_at, debate_count),
            ("debate-scheduled", scheduled_for if not (debate and debate.debated_on) else None,
             None, scheduled_for),
            ("debated", debate.debated_on if debate else None),
            ("closed", closed_at if state != "open" else None),
            ("completed", j.time(a, "completed_at")),
        ]  # fmt: skip
        return PetitionData(
            platform="senedd",
            number=number,
            page_url=self.page_url(number),
            api_url=self.api_url(number),
            action=j.text(a, "action"),
            background=j.optional_text(a, "background"),
            additional_details=j.optional_text(a, "additional_details"),
            state=state,
            signature_count=epetitions.signature_count(a),
            milestones=epetitions.milestones(steps),
            thresholds=(
                Threshold("referral", referral, referral_at),
                Threshold("debate", debate_count, debate_at),
            ),
            rejection=epetitions.rejection(a.get("rejection")),
            government_response=None,
            debate=debate,
            updated_at=j.time(a, "updated_at"),
            closing_date=closed_at.date() if closed_at and state == "open" else None,
            countries=epetitions.tallies(a, "signatures_by_country"),
            constituencies=epetitions.tallies(a, "signatures_by_constituency"),
            regions=epetitions.tallies(a, "signatures_by_region"),
        )


PLATFORM = Senedd("senedd", "Senedd petitions")
