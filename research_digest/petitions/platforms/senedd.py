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
STATES = {
    "open": "Open",
    "closed": "Closed to signatures",
    "completed": "Completed",
    "rejected": "Rejected",
}


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

    def parse(self, document: object, number: int) -> PetitionData:
        data = epetitions.envelope(document, ("petition",), "id", number)
        a = data["attributes"]
        state, label = epetitions.state(a, "state", STATES)
        referral = j.optional_positive(a, "threshold_for_referral", REFERRAL_THRESHOLD)
        debate_count = j.optional_positive(a, "threshold_for_debate", DEBATE_THRESHOLD)
        referral_at = j.time(a, "referral_threshold_reached_at")
        debate_at = j.time(a, "debate_threshold_reached_at")
        debate = epetitions.debate(a.get("debate"))
        closed_at = j.time(a, "closed_at")  # an open petition's deadline
        steps = [
            ("Created", j.time(a, "created_at")),
            ("Supported by its first sponsors and sent for checking",
             j.time(a, "moderation_threshold_reached_at")),
            ("Opened for signatures", j.time(a, "opened_at")),
            ("Rejected", j.time(a, "rejected_at")),
            (f"Reached {referral:,} signatures: to be considered by the Petitions Committee",
             referral_at),
            ("Referred to the Petitions Committee", j.time(a, "referred_at")),
            (f"Reached {debate_count:,} signatures: considered for a debate", debate_at),
            ("Debate scheduled", j.date(a, "scheduled_debate_date")
             if not (debate and debate.debated_on) else None),
            ("Debated in the Senedd", debate.debated_on if debate else None),
            ("Closed to signatures", closed_at if state != "open" else None),
            ("Completed: the committee finished considering it", j.time(a, "completed_at")),
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
            state_label=label,
            signature_count=epetitions.signature_count(a),
            milestones=epetitions.milestones(steps),
            thresholds=(
                Threshold("Considered by the Petitions Committee", referral, referral_at),
                Threshold("Considered for a debate in the Senedd", debate_count, debate_at),
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
