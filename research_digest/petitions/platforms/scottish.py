"""petitions.parliament.scot: the Scottish Parliament's petitions (a variant of the software).

Petitions are numbered PE0001, PE0002...; the manifest gives the number. The
JSON renames fields (title, summary, status...). The Citizen Participation
and Public Petitions Committee considers every published petition, so the site
uses no signature thresholds, and none are shown. Its states, as the JSON's
'status': under_consideration (open), closed (the committee has finished) and
rejected.
"""

from __future__ import annotations

from research_digest.model.petitions import PetitionData
from research_digest.petitions.platforms import _json as j
from research_digest.petitions.platforms import epetitions

STATES = ("under_consideration", "open", "closed", "completed", "rejected")


class ScottishParliament(epetitions.EPetitionsPlatform):
    host = "petitions.parliament.scot"
    identity_key = "pe_number"
    legislature = "the Scottish Parliament"

    def label(self, number: int) -> str:
        return f"PE{number:04d}"

    def parse(self, document: object, number: int) -> PetitionData:
        data = epetitions.envelope(document, ("petition",), self.identity_key, self.label(number))
        a = data["attributes"]
        state = epetitions.state(a, "status", STATES)
        debate = epetitions.debate(a.get("debate"))
        steps: list[epetitions.Step] = [
            ("created", j.time(a, "created_at")),
            ("published", j.time(a, "opened_at")),
            ("rejected", j.time(a, "rejected_at")),
            ("under-consideration", j.time(a, "under_consideration_at")),
            ("debated", debate.debated_on if debate else None),
            ("completed", j.time(a, "closed_at")),  # closed: the committee has finished
        ]
        return PetitionData(
            platform="scottish-parliament",
            number=number,
            page_url=self.page_url(number),
            api_url=self.api_url(number),
            action=j.text(a, "title"),
            background=j.optional_text(a, "summary"),
            additional_details=j.optional_text(a, "background_information"),
            state=state,
            signature_count=epetitions.signature_count(a),
            milestones=epetitions.milestones(steps),
            thresholds=(),
            rejection=epetitions.rejection(a.get("rejection")),
            government_response=None,
            debate=debate,
            updated_at=j.time(a, "updated_at"),
            closing_date=None,
            countries=epetitions.tallies(a, "signatures_by_country"),
            constituencies=epetitions.tallies(a, "signatures_by_constituency"),
            regions=epetitions.tallies(a, "signatures_by_region"),
        )


PLATFORM = ScottishParliament("scottish-parliament", "Scottish Parliament petitions")
