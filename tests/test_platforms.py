"""Platform adapters: API JSON in, checked PetitionData out, or DataError.

Each adapter is also driven through the fetcher with httpx.MockTransport: the
request it makes, and what it makes of the answer.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from research_digest.add.petition import petition_reference
from research_digest.diagnostics import Report
from research_digest.files import FORBIDDEN_CHARACTERS
from research_digest.manifest.loader import load_manifest
from research_digest.manifest.schema import manifest_schema
from research_digest.model.petitions import PetitionData, Tally, Threshold
from research_digest.petitions.cache import cache_path
from research_digest.petitions.fetch import (
    FetchSettings,
    Outcome,
    fetch_petitions,
    new_client,
    petitions_to_fetch,
)
from research_digest.petitions.platforms import PLATFORMS, DataError
from research_digest.site import petitionviews
from tests import api_documents as api
from tests.conftest import TEST_DIGEST
from tests.digests import write_petition_digest
from tests.strategies import mutated

UK, SENEDD, SCOTTISH = (PLATFORMS[p] for p in ("uk-parliament", "senedd", "scottish-parliament"))
CACHE = TEST_DIGEST / "data" / "petitions" / "uk-parliament"


def response(number: int) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((CACHE / f"{number}.json").read_text())["response"]
    return body


# -- UK Parliament -------------------------------------------------------------------------


def test_characters_no_page_or_feed_can_carry_are_dropped_from_api_text() -> None:
    document = response(100001)
    attributes = document["data"]["attributes"]
    attributes["action"] = "Act\x00ion\x01 \x0bnow\ud800\uffff"
    attributes["background"] = "\x1f"
    data = UK.parse(document, 100001)
    assert (data.action, data.background) == ("Action now", None)


def test_a_rejected_uk_petition() -> None:
    data = UK.parse(response(100001), 100001)
    assert (data.state, data.signature_count) == ("rejected", 6)
    assert data.rejection is not None and data.rejection.code == "duplicate"
    assert data.rejection.details is not None and "\r" not in data.rejection.details
    assert [m.code for m in data.milestones] == ["created", "sponsored", "rejected"]
    assert data.page_url == "https://petition.parliament.uk/petitions/100001"
    assert data.licence is not None and data.licence.name == "Open Government Licence v3.0"
    assert UK.rejection_reason("duplicate") == "There is already a petition about this issue."
    assert UK.rejection_reason("new-code") == "It was rejected with the code 'new-code'."


def test_an_open_uk_petition_past_the_response_threshold() -> None:
    data = UK.parse(response(100002), 100002)
    assert data.thresholds == (
        Threshold("response", 10_000, dt.datetime(2026, 1, 20, 12, 30, tzinfo=dt.UTC)),
        Threshold("debate", 100_000, None),
    )
    assert data.closing_date == dt.date(2026, 7, 2)
    assert data.countries == (Tally("United Kingdom", 13900),)


def test_a_closed_uk_petition_with_response_and_debate() -> None:
    data = UK.parse(response(100003), 100003)
    assert data.government_response is not None
    assert data.government_response.responded_on == dt.date(2025, 4, 1)
    assert data.debate is not None and data.debate.debated_on == dt.date(2025, 6, 9)
    # the javascript: video_url is dropped; only http(s) links survive
    assert data.debate.links == (
        ("Transcript", "https://hansard.test/debate/1"),
        ("Research briefing", "https://library.test/pack"),
    )
    codes = [m.code for m in data.milestones]
    scheduled = data.milestones[codes.index("debate-scheduled")]
    assert scheduled.on == dt.date(2025, 6, 9)
    assert codes.index("debate-scheduled") < codes.index("debated")
    assert codes[-1] == "closed"
    reached = [(m.code, m.count) for m in data.milestones if m.code.endswith("-threshold")]
    assert reached == [("response-threshold", 10_000), ("debate-threshold", 100_000)]


def test_an_archived_uk_petition_takes_its_parliaments_thresholds() -> None:
    document = api.uk(5, "archived")
    document["data"]["parliament"].update(response_threshold=5000, debate_threshold=50000)
    data = UK.parse(document, 5)
    assert [t.count for t in data.thresholds] == [5000, 50000]
    assert data.page_url == "https://petition.parliament.uk/archived/petitions/5"


def test_breakdowns_are_sorted_most_first_with_mps() -> None:
    data = UK.parse(api.uk(5, "closed", 500), 5)
    assert data.constituencies[0] == Tally("Constituency 11", 21, "Member 11 MP")
    assert [t.count for t in data.constituencies] == sorted(
        (t.count for t in data.constituencies), reverse=True
    )


def test_a_debate_not_held_is_a_milestone_of_its_own() -> None:
    document = api.uk(5, "closed")
    document["data"]["attributes"]["debate"]["debated_on"] = None
    assert "not-debated" in [m.code for m in UK.parse(document, 5).milestones]


def test_creator_names_are_never_kept() -> None:
    data = UK.parse(api.uk(5, "open"), 5)
    assert "A Private Person" not in repr(data)


# -- real responses (tests/data/api-real/README.md says where each comes from) ---------------

REAL = Path(__file__).parent / "data" / "api-real"
_DECODER = json.JSONDecoder()


def real(path: str) -> Any:
    return json.loads((REAL / path).read_text(encoding="utf-8"))


def whole_attributes(path: str) -> dict[str, Any]:
    """The attributes of a stored prefix (of a response, or of a list's first item) whose
    values are whole: those before the place the store cut it."""
    text = (REAL / "prefixes" / path).read_text(encoding="utf-8")
    at = text.index('"attributes":{') + len('"attributes":{')
    found: dict[str, Any] = {}
    while True:
        while at < len(text) and text[at] in " ,\n":
            at += 1
        try:
            key, at = _DECODER.raw_decode(text, at)
            if text[at] != ":":
                return found
            value, at = _DECODER.raw_decode(text, at + 1)
        except (json.JSONDecodeError, IndexError):
            return found
        found[key] = value


@pytest.mark.parametrize(
    ("number", "code", "count", "points_to", "sent_for_checking"),
    [
        (751154, "no-action", 7, [746146], "2025-11-25"),
        (739487, "duplicate", 9, [736690, 715706], "2025-08-29"),
        (746616, "duplicate", 6, [736690], "2025-10-12"),
        (731638, "duplicate", 6, [736690], "2026-02-06"),
        (764139, "duplicate", 7, [747437, 747429], "2026-03-12"),
        (755725, "duplicate", 13, [739383], "2026-01-01"),
        (754624, "no-action", 6, [], "2025-12-17"),
    ],
)  # fmt: skip
def test_real_rejected_uk_petitions(
    number: int, code: str, count: int, points_to: list[int], sent_for_checking: str
) -> None:
    data = UK.parse(real(f"uk-parliament/{number}.json"), number)
    assert (data.state, data.signature_count, data.rejection is not None) == ("rejected", count,
                                                                              True)  # fmt: skip
    assert data.rejection is not None and data.rejection.code == code
    assert [m.code for m in data.milestones] == ["created", "sponsored", "rejected"]
    assert data.milestones[1].when.isoformat().startswith(sent_for_checking)
    details = data.rejection.details or ""
    assert "\r" not in details and details == details.strip()
    pointed = petitionviews.pointed_petitions(data, {}, lambda source_id: source_id)
    assert [p.number for p in pointed] == points_to
    assert all(p.url == f"https://petition.parliament.uk/petitions/{p.number}" for p in pointed)


def test_a_real_empty_moderators_note_is_no_note() -> None:
    data = UK.parse(real("uk-parliament/754624.json"), 754624)
    assert data.rejection is not None and data.rejection.details is None


def test_titles_of_the_petitions_a_real_rejection_points_to() -> None:
    data = UK.parse(real("uk-parliament/739487.json"), 739487)
    pointed = petitionviews.pointed_petitions(data, {}, lambda source_id: "unused")
    assert [(p.number, p.title) for p in pointed] == [
        (736690, "Require generative AI watermarks & ban using people\u2019s likeness without "
                 "consent"),
        (715706, "Make a criminal offence not to label AI generated media & communication as "
                 "such"),
    ]  # fmt: skip
    data = UK.parse(real("uk-parliament/755725.json"), 755725)  # the address ends a sentence
    assert [(p.number, p.title) for p in petitionviews.pointed_petitions(data, {}, str)] == [
        (739383, None)
    ]
    in_digest = {petitionviews._petition_address("https://petition.parliament.uk/petitions/736690"):
                 "petition-736690"}  # fmt: skip
    data = UK.parse(real("uk-parliament/746616.json"), 746616)
    assert petitionviews.pointed_petitions(data, in_digest, lambda s: f"our {s}") == [
        petitionviews.PointedPetition(736690, "https://petition.parliament.uk/petitions/736690",
                              "our petition-736690", "petition-736690")
    ]  # fmt: skip


@pytest.mark.parametrize("number", [26762, 21675])
def test_real_archived_uk_petitions_take_their_parliaments_thresholds(number: int) -> None:
    document = real(f"uk-parliament-archived/{number}.json")
    assert document["data"]["parliament"]["period"] == "2010-2015"
    data = UK.parse(document, number)
    assert (data.state, data.signature_count) == ("rejected", 1)
    assert data.page_url == f"https://petition.parliament.uk/archived/petitions/{number}"
    assert [(t.code, t.count) for t in data.thresholds] == [
        ("response", 10_000), ("debate", 100_000),
    ]  # fmt: skip
    assert data.rejection is not None and data.rejection.details is None


def test_a_real_completed_senedd_petition() -> None:
    data = SENEDD.parse(real("senedd/244400.json"), 244400)
    assert (data.state, data.signature_count) == ("completed", 115)
    assert [(t.count, t.reached_at is not None) for t in data.thresholds] == [
        (50, True),
        (10_000, False),
    ]
    assert [m.code for m in data.milestones][-3:] == ["closed", "referred", "completed"]
    assert data.closing_date is None and "\r" not in (data.background or "")


def test_a_real_2016_senedd_petition_with_old_thresholds_and_midnight_dates() -> None:
    data = SENEDD.parse(real("senedd/1080.json"), 1080)
    assert (data.state, data.signature_count) == ("completed", 60)
    assert [t.count for t in data.thresholds] == [50, 5_000]
    assert data.additional_details is None
    assert {m.when.isoformat()[11:] for m in data.milestones} == {"00:00:00+00:00"}


@pytest.mark.parametrize(
    ("prefix", "sample"),
    [
        ("uk-open-list.json.part", api.uk(1, "open")),
        ("uk-closed-list.json.part", api.uk(1, "closed")),
        ("uk-756212.json.part", api.uk(1, "rejected")),
        ("uk-archived-300628.json.part", api.uk(1, "archived")),
        ("uk-archived-301836.json.part", api.uk(1, "archived")),
        ("senedd-246952.json.part", api.senedd(1, "open")),
        ("senedd-archived-list-35.json.part", api.senedd(1, "completed")),
        ("scottish-list.json.part", api.scottish(1)),
    ],
)  # fmt: skip
def test_the_made_up_samples_have_the_real_keys_in_the_real_order(
    prefix: str, sample: dict[str, Any]
) -> None:
    """Every whole key of a real response is in the sample, in the same order."""
    keys = list(whole_attributes(prefix))
    assert len(keys) >= 9
    sample_keys = [k for k in sample["data"]["attributes"] if k in keys]
    assert sample_keys == keys


@pytest.mark.parametrize(
    ("prefix", "platform", "sample", "expected"),
    [
        ("uk-open-list.json.part", UK, api.uk(759783, "open"),
         ("open", 232_990, "2026-09-12", [True, True])),
        ("uk-closed-list.json.part", UK, api.uk(722303, "closed"),
         ("closed", 12_131, None, [True, False])),
        ("uk-archived-301836.json.part", UK, api.uk(301836, "archived"),
         ("closed", 106_128, None, [True, True])),
        ("senedd-246952.json.part", SENEDD, api.senedd(246952, "open"),
         ("open", 3, None, [False, False])),  # cut inside closed_at, its deadline
    ],
)  # fmt: skip
def test_real_values_read_through_the_adapters(
    prefix: str, platform: Any, sample: dict[str, Any],
    expected: tuple[str, int, str | None, list[bool]],
) -> None:  # fmt: skip
    """The whole values of a real response, in the sample's envelope, read as that response."""
    sample["data"]["attributes"] = whole_attributes(prefix)
    number = sample["data"]["id"]
    data = platform.parse(sample, number)
    state, count, closing, reached = expected
    assert (data.state, data.signature_count) == (state, count)
    assert (data.closing_date.isoformat() if data.closing_date else None) == closing
    assert [t.reached_at is not None for t in data.thresholds] == reached
    assert "private person" not in repr(data)


def test_the_cached_756212_agrees_with_the_stored_copy_of_the_api() -> None:
    """The first digest's saved copy of 756212 holds what petition.parliament.uk served."""
    cached = json.loads((Path(__file__).parents[1] / "data" / "petitions" / "uk-parliament"
                         / "756212.json").read_text(encoding="utf-8"))  # fmt: skip
    attributes = cached["response"]["data"]["attributes"]
    stored = whole_attributes("uk-756212.json.part")
    assert {k: attributes[k] for k in stored} == stored


# -- Senedd and Scottish Parliament --------------------------------------------------------


def test_a_senedd_petition_carries_its_own_thresholds() -> None:
    data = SENEDD.parse(api.senedd(9, threshold_for_debate=5000), 9)
    assert [(t.code, t.count) for t in data.thresholds] == [("referral", 250), ("debate", 5000)]
    assert data.state == "open" and data.closing_date == dt.date(2026, 5, 9)
    assert data.government_response is None
    assert "closed" not in [m.code for m in data.milestones]  # only a deadline
    completed = SENEDD.parse(api.senedd(9, "completed", completed_at="2026-06-01T10:00:00.000Z"), 9)
    assert completed.milestones[-1].code == "completed"
    assert SENEDD.rejection_reason("bad-address") == "Its creator does not live in Wales."


def test_a_scottish_petition_has_a_pe_number_and_no_thresholds() -> None:
    data = SCOTTISH.parse(api.scottish(2034), 2034)
    assert data.state == "under_consideration"
    assert data.thresholds == ()
    assert data.action == "Made-up Scottish petition PE2034"
    assert SCOTTISH.label(7) == "PE0007"
    assert SCOTTISH.api_url(2034) == "https://petitions.parliament.scot/petitions/PE2034.json"
    with pytest.raises(DataError, match=r"data\.pe_number is 'PE2034', expected 'PE2035'"):
        SCOTTISH.parse(api.scottish(2034), 2035)


# -- shapes refused ------------------------------------------------------------------------

WHOLE = "expected a whole number up to 1,000,000,000,000"
BROKEN: list[tuple[str, Any, str]] = [
    ("data", None, "data is not a JSON object"),
    ("type", "archived-thing", "data.type is 'archived-thing', expected 'petition'"),
    ("id", 1, "data.id is 1, expected 100002"),
    ("state", "hidden", "attributes.state is 'hidden', expected open, closed, rejected"),
    ("signature_count", "13960", f"attributes.signature_count is '13960', {WHOLE}"),
    ("signature_count", -1, f"attributes.signature_count is -1, {WHOLE}"),
    ("signature_count", True, f"attributes.signature_count is True, {WHOLE}"),
    ("signature_count", 10**12 + 1, f"attributes.signature_count is 1000000000001, {WHOLE}"),
    ("action", "", "action is '', expected text"),
    ("created_at", "yesterday", "created_at is 'yesterday', expected a timestamp"),
    ("created_at", "2026-01-01T00:00:00",
     "created_at is '2026-01-01T00:00:00', a timestamp with no time zone"),
    ("background", 5, "background is 5, expected text or null"),
    ("rejection", "no", "attributes.rejection is not a JSON object"),
    ("government_response", {"summary": "s", "responded_on": "soon"},
     "responded_on is 'soon', expected a date"),
    ("signatures_by_country", {"GB": 1}, "attributes.signatures_by_country is not a list"),
    ("signatures_by_country", [{"name": "X"}], f"signature_count is None, {WHOLE}"),
]  # fmt: skip


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
        UK.parse(body, 100002)
    assert str(caught.value) == message


def test_the_schema_lists_exactly_the_platforms_the_code_knows() -> None:
    schema = manifest_schema()
    enum = schema["$defs"]["petition"]["properties"]["platform"]["enum"]
    assert sorted(enum) == sorted(PLATFORMS)
    with_api = schema["$defs"]["petition"]["allOf"][0]["if"]["properties"]["platform"]["enum"]
    assert sorted(with_api) == sorted(p for p in PLATFORMS if PLATFORMS[p].has_api)


# -- each adapter through the fetcher, with httpx.MockTransport ----------------------------

MOCKED = [
    ("uk-parliament", 700001, "https://petition.parliament.uk/petitions/700001.json",
     api.uk(700001, "open", 4321)),
    ("senedd", 800001, "https://petitions.senedd.wales/petitions/800001.json",
     api.senedd(800001, count=321)),
    ("scottish-parliament", 2034, "https://petitions.parliament.scot/petitions/PE2034.json",
     api.scottish(2034, count=21)),
]  # fmt: skip


@pytest.mark.parametrize(("platform", "number", "url", "document"), MOCKED)
def test_each_adapter_fetches_from_its_platform(
    platform: str, number: int, url: str, document: dict[str, Any], tmp_path: Path
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=document)

    data = mock_fetch(tmp_path, platform, number, handler)
    (request,) = requests
    assert str(request.url) == url
    assert request.headers["user-agent"] == "ResearchDigest/test (+https://generated.test/)"
    assert data.signature_count == document["data"]["attributes"]["signature_count"]
    assert data.platform == platform


@pytest.mark.parametrize(("platform", "number", "url", "document"), MOCKED)
def test_each_adapter_refuses_another_petitions_data(
    platform: str, number: int, url: str, document: dict[str, Any], tmp_path: Path
) -> None:
    other = copy.deepcopy(document)
    key = "pe_number" if platform == "scottish-parliament" else "id"
    other["data"][key] = "PE9999" if key == "pe_number" else 9999
    with pytest.raises(AssertionError, match="failed"):
        mock_fetch(tmp_path, platform, number, lambda request: httpx.Response(200, json=other))


def mock_fetch(tmp_path: Path, platform: str, number: int, handler: Any) -> PetitionData:
    manifest_path = write_petition_digest(tmp_path, [("p", platform, number)])
    manifest = load_manifest(manifest_path, Report())
    assert manifest is not None
    settings = FetchSettings("ResearchDigest/test (+https://generated.test/)")
    report = Report()
    with new_client(settings, transport=httpx.MockTransport(handler)) as client:
        (result,) = fetch_petitions(manifest, petitions_to_fetch(manifest), report,
                                    client=client, settings=settings)  # fmt: skip
    assert result.outcome == Outcome.UPDATED, f"failed: {[d.message for d in report.diagnostics]}"
    envelope = json.loads(cache_path(tmp_path, platform, number).read_text())
    return PLATFORMS[platform].parse(envelope["response"], number)


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("https://petition.parliament.uk/petitions/756212", ("uk-parliament", 756212)),
        ("https://petition.parliament.uk/petitions/756212.json", ("uk-parliament", 756212)),
        ("https://petition.parliament.uk/archived/petitions/301456/", ("uk-parliament", 301456)),
        ("https://petitions.senedd.wales/petitions/245123", ("senedd", 245123)),
        ("https://petitions.parliament.scot/petitions/PE2034", ("scottish-parliament", 2034)),
        ("https://petitions.parliament.scot/petitions/2034", None),  # its petitions are PE...
        ("https://petition.parliament.uk/petitions/756212/signatures/new", None),
        ("http://evil.test/petitions/756212", None),
        ("https://petition.parliament.uk/petitions?state=open", None),
    ],
)
def test_petition_addresses_are_recognised(url: str, found: tuple[str, int] | None) -> None:
    reference = petition_reference(url)
    assert (None if reference is None else (reference[0].id, reference[1])) == found


# -- properties (hypothesis) ------------------------------------------------------------------

RECORDED = {
    "uk-parliament": [(n, response(n)) for n in (100001, 100002, 100003, 100005)],
    "senedd": [(800100, json.loads((TEST_DIGEST / "data/petitions/senedd/800100.json")
                                   .read_text())["response"])],
    "scottish-parliament": [(2100, json.loads((TEST_DIGEST / "data/petitions/"
                                               "scottish-parliament/2100.json")
                                              .read_text())["response"])],
}  # fmt: skip


@st.composite
def api_responses(draw: st.DrawFn) -> tuple[str, int, Any]:
    platform = draw(st.sampled_from(sorted(RECORDED)))
    number, document = draw(st.sampled_from(RECORDED[platform]))
    return platform, number, draw(mutated(document, max_changes=6))


@pytest.mark.property
@given(case=api_responses())
def test_any_api_response_gives_clean_data_or_a_data_error(case: tuple[str, int, Any]) -> None:
    """A platform can send anything: the adapter returns data that is safe to show (text
    without forbidden characters, links that are http or https) or raises DataError."""
    platform, number, document = case
    try:
        data = PLATFORMS[platform].parse(document, number)
    except DataError:
        return
    texts = [data.action, data.background or "", data.additional_details or "", data.state]
    texts += [t.name for t in (*data.countries, *data.constituencies, *data.regions)]
    assert not any(FORBIDDEN_CHARACTERS.search(text) for text in texts)
    debate_links = data.debate.links if data.debate else ()
    links = [data.page_url, data.api_url, *(url for _, url in debate_links)]
    assert all(link.startswith(("https://", "http://")) for link in links)
