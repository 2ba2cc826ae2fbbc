"""The fetcher against a real HTTP server on 127.0.0.1: every state, every fault.

After every fault the cache holds the last good copy (or the right new one),
the site still builds from it, and the diagnostic names the petition's place
in sources.yaml.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from research_digest.diagnostics import Report, Severity
from research_digest.manifest.loader import load_manifest
from research_digest.petitions import cache as petitioncache
from research_digest.petitions.cache import cache_path, history_path
from research_digest.petitions.fetch import (
    FetchSettings,
    Outcome,
    Result,
    fetch_petitions,
    new_client,
    petitions_to_fetch,
    user_agent,
)
from tests import api_documents as api
from tests.conftest import DATA, build_digest, read_tree
from tests.digests import write_petition_digest
from tests.petition_server import PetitionServer, Reply, running

PLATFORMS_WITH_API = ("uk-parliament", "senedd", "scottish-parliament")
FETCHED_AT = dt.datetime(2026, 2, 7, 8, 0, tzinfo=dt.UTC)
LAST_MODIFIED = "Fri, 06 Feb 2026 09:00:00 GMT"
PETITIONS = {  # source id -> (platform, number, API path, document)
    "uk-open": ("uk-parliament", 700001, "/petitions/700001.json", api.uk(700001, "open")),
    "uk-closed": ("uk-parliament", 700002, "/petitions/700002.json",
                  api.uk(700002, "closed", 214387)),
    "uk-rejected": ("uk-parliament", 700003, "/petitions/700003.json",
                    api.uk(700003, "rejected", 7)),
    "uk-archived": ("uk-parliament", 700004, "/archived/petitions/700004.json",
                    api.uk(700004, "archived", 104512)),
    "senedd-open": ("senedd", 800001, "/petitions/800001.json", api.senedd(800001)),
    "scottish-open": ("scottish-parliament", 2034, "/petitions/PE2034.json", api.scottish(2034)),
}  # fmt: skip


@pytest.fixture
def server() -> Iterator[PetitionServer]:
    with running() as serving:
        for _, _, path, document in PETITIONS.values():
            serving.script(path, Reply.json(document, LAST_MODIFIED))
        # the current address of the archived petition redirects, as the real site does
        serving.script("/petitions/700004.json", Reply.redirect("/archived/petitions/700004.json"))
        yield serving


@pytest.fixture
def digest(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "fetch", tmp_path / "digest")
    return tmp_path / "digest" / "sources.yaml"


@dataclass
class Run:
    results: dict[str, Outcome]
    report: Report
    waits: list[float]

    def messages(self, severity: Severity = Severity.NOTE) -> list[str]:
        return [d.format() for d in self.report.sorted(minimum=severity)]


def fetch(manifest_path: Path, server: PetitionServer, *, only: tuple[str, ...] = (),
          **settings: Any) -> Run:  # fmt: skip
    report = Report()
    manifest = load_manifest(manifest_path, report)
    assert manifest is not None
    options: dict[str, Any] = {"read_timeout": 2.0, "backoff": 0.01, **settings}
    config = FetchSettings(
        "ResearchDigest-tests",
        api_bases=dict.fromkeys(PLATFORMS_WITH_API, server.base_url),
        **options,
    )
    waits: list[float] = []
    with new_client(config) as client:
        results = fetch_petitions(
            manifest, petitions_to_fetch(manifest, only), report, client=client,
            settings=config, clock=lambda: FETCHED_AT, sleep=waits.append, rng=random.Random(7),
        )  # fmt: skip
    return Run({r.source_id: r.outcome for r in results}, report, waits)


def cached(manifest_path: Path, source_id: str) -> dict[str, Any]:
    platform, number, _, _ = PETITIONS[source_id]
    envelope: dict[str, Any] = json.loads(
        cache_path(manifest_path.parent, platform, number).read_text()
    )
    return envelope


def history(manifest_path: Path, source_id: str) -> str:
    platform, number, _, _ = PETITIONS[source_id]
    return history_path(manifest_path.parent, platform, number).read_text()


def cache_bytes(manifest_path: Path) -> dict[str, bytes]:
    return read_tree(manifest_path.parent / "data")


def builds(manifest_path: Path, tmp_path: Path) -> str:
    """Build the site from the cache; return the uk-open page."""
    out = tmp_path / "site"
    build_digest(manifest_path, out)
    return (out / "sources" / "uk-open" / "index.html").read_text()


# -- every state ---------------------------------------------------------------------------


def test_a_first_fetch_caches_every_platform_and_state(
    digest: Path, server: PetitionServer
) -> None:
    run = fetch(digest, server)
    assert run.results == dict.fromkeys(PETITIONS, Outcome.UPDATED)
    assert run.messages() == []
    for source_id, (_, _, path, document) in PETITIONS.items():
        envelope = cached(digest, source_id)
        assert envelope["status"] == "ok"
        assert envelope["fetched_at"] == "2026-02-07T08:00:00Z"
        assert envelope["last_modified"] == LAST_MODIFIED
        assert envelope["response"] == document
        assert envelope["url"].endswith(path)
        assert history(digest, source_id).splitlines()[0] == "time,signatures"
    # the archived petition was found by following the redirect, and is asked for there next
    assert cached(digest, "uk-archived")["url"] == (
        "https://petition.parliament.uk/archived/petitions/700004.json"
    )
    fetch(digest, server, only=("uk-archived",))
    assert len(server.hits("/petitions/700004.json")) == 1


def test_requests_name_the_digest_and_ask_for_json(digest: Path, server: PetitionServer) -> None:
    fetch(digest, server, only=("uk-open",))
    (seen,) = server.hits("/petitions/700001.json")
    assert seen.headers["User-Agent"] == "ResearchDigest-tests"
    assert seen.headers["Accept"] == "application/json"
    assert "If-Modified-Since" not in seen.headers


def test_the_site_builds_from_what_was_fetched(
    digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    fetch(digest, server)
    out = tmp_path / "site"
    report = Report()
    build_digest(digest, out, report=report)
    assert report.count(Severity.ERROR) == 0
    page = (out / "sources" / "uk-closed" / "index.html").read_text()
    assert "<dd>Closed to signatures</dd>" in page and "<dd>214,387</dd>" in page
    assert "Where the signatures come from" in page and "Member 11 MP" in page
    assert "ten with most signatures, of 12" in page
    senedd = (out / "sources" / "senedd-open" / "index.html").read_text()
    assert "Considered by the Petitions Committee: the threshold of" in senedd
    scottish = (out / "sources" / "scottish-open" / "index.html").read_text()
    assert "Under consideration" in scottish and "<progress" not in scottish
    assert "The petition: Scottish Parliament petitions, PE2034" in scottish
    table = (out / "petitions" / "index.html").read_text()
    assert "1 day" in table  # fetched 7 February, built 8 February


# -- unchanged data ------------------------------------------------------------------------


def test_a_304_rewrites_no_file_and_adds_no_history(digest: Path, server: PetitionServer) -> None:
    fetch(digest, server)
    before = cache_bytes(digest)
    stamps = {p: p.stat().st_mtime_ns for p in (digest.parent / "data").rglob("*") if p.is_file()}
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.UNCHANGED}
    assert server.hits("/petitions/700001.json")[-1].headers["If-Modified-Since"] == LAST_MODIFIED
    assert cache_bytes(digest) == before
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_the_same_data_without_last_modified_writes_nothing(
    digest: Path, server: PetitionServer
) -> None:
    server.script("/petitions/800001.json", Reply.json(api.senedd(800001)))
    fetch(digest, server, only=("senedd-open",))
    before = cache_bytes(digest)
    assert fetch(digest, server, only=("senedd-open",)).results == {
        "senedd-open": Outcome.UNCHANGED
    }
    assert cache_bytes(digest) == before


def test_new_figures_replace_the_copy_and_extend_the_history(
    digest: Path, server: PetitionServer
) -> None:
    fetch(digest, server, only=("uk-open",))
    newer = api.uk(700001, "open", 5678, updated_at="2026-02-07T07:30:00.000Z")
    server.script("/petitions/700001.json", Reply.json(newer, "Sat, 07 Feb 2026 07:30:00 GMT"))
    assert fetch(digest, server, only=("uk-open",)).results == {"uk-open": Outcome.UPDATED}
    assert cached(digest, "uk-open")["response"]["data"]["attributes"]["signature_count"] == 5678
    assert history(digest, "uk-open") == (
        "time,signatures\n2026-02-06T09:00:00Z,1234\n2026-02-07T07:30:00Z,5678\n"
    )


# -- faults --------------------------------------------------------------------------------

DOCUMENT = api.uk(700001, "open", 9999, updated_at="2026-02-07T07:00:00.000Z")
GOOD = Reply.json(DOCUMENT)


@dataclass
class Fault:
    replies: list[Reply]
    outcome: Outcome
    message: str  # the diagnostic's message, after the petition's name
    severity: str = "error"
    settings: dict[str, Any] | None = None
    waits: list[float] | None = None


FAULTS = {
    "timeout": Fault([Reply(delay=1.0, body=b"{}")], Outcome.FAILED,
                     "gave up after 2 attempts: timed out; the last good copy is kept",
                     settings={"read_timeout": 0.2, "attempts": 2}),
    "500 then success": Fault([Reply(status=500), GOOD], Outcome.UPDATED, ""),
    "503 with Retry-After": Fault([Reply(status=503, headers={"Retry-After": "7"}), GOOD],
                                  Outcome.UPDATED, "", waits=[7.0]),
    "Retry-After too long": Fault(
        [Reply(status=503, headers={"Retry-After": "600"})], Outcome.FAILED,
        "HTTP 503, asked to wait 600 s (more than 120 s); the last good copy is kept"),
    "429 until the last attempt": Fault(
        [Reply(status=429)], Outcome.FAILED,
        "gave up after 4 attempts: HTTP 429; the last good copy is kept"),
    "404": Fault([Reply(status=404)], Outcome.GONE,
                 "not found (404): marked missing; the last copy is kept", severity="warning"),
    "410": Fault([Reply(status=410)], Outcome.GONE,
                 "removed from the platform (410): its copy is dropped and it will not be "
                 "requested again", severity="warning"),
    "malformed JSON": Fault(
        [Reply(body=b'{"data": {"type": "petition", "id": 700001, ')], Outcome.FAILED,
        "the response is not valid JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 45 (char 44)); the last good copy is kept"),
    "truncated body": Fault(
        [Reply(body=json.dumps(DOCUMENT).encode(), truncate_to=100)], Outcome.FAILED,
        "gave up after 4 attempts: the connection broke off (peer closed connection without "
        "sending complete message body (received 100 bytes, expected {size})); the last good "
        "copy is kept"),
    "HTML error page with 200": Fault(
        [Reply(body=b"<html><h1>Sorry</h1></html>", content_type="text/html")], Outcome.FAILED,
        "expected JSON, got 'text/html' (an error page?); the last good copy is kept"),
    "oversized body": Fault(
        [Reply(body=b'{"pad": "' + b"x" * 20_000 + b'"}')], Outcome.FAILED,
        "the response is too large (20,011 bytes; the limit is 10,000); the last good copy is "
        "kept", settings={"max_bytes": 10_000}),
    "redirect loop": Fault(
        [Reply.redirect("/archived/petitions/700001.json")], Outcome.FAILED,
        "redirect loop at https://petition.parliament.uk/petitions/700001.json; the last good "
        "copy is kept"),
    "redirect to another host": Fault(
        [Reply.redirect("https://evil.test/petitions/700001.json")], Outcome.FAILED,
        "redirected away from http://127.0.0.1:{port} (to https://evil.test); not followed; "
        "the last good copy is kept"),
    "redirect to an unknown path": Fault(
        [Reply.redirect("/petitions/700001")], Outcome.FAILED,
        "redirected to an unexpected address (/petitions/700001); not followed; the last good "
        "copy is kept"),
    "not public yet": Fault(
        [Reply.redirect("/petitions/700001/moderation-info")], Outcome.GONE,
        "not public yet: it is gathering support or being checked", severity="warning"),
    "wrong shape": Fault(
        [Reply.json({"data": {"type": "petition", "id": 700001, "attributes": {"state": "x"}}})],
        Outcome.FAILED, "the response does not have the expected shape: attributes.state is "
        "'x', expected open, closed, rejected; the last good copy is kept"),
    "403": Fault([Reply(status=403)], Outcome.FAILED,
                 "refused (403): the platform may be blocking this client; no more requests go "
                 "to it this run; the last good copy is kept"),
    # Numbers, nesting and pace: bounded, whatever a server sends.
    "a number of 5,000 digits": Fault(
        [Reply(body=json.dumps(DOCUMENT).replace("9999", "9" * 5000).encode())],
        Outcome.FAILED, "the response is refused: a number of 5,000 digits; the last good copy "
        "is kept"),
    "a count beyond any petition": Fault(
        [Reply.json(api.uk(700001, "open", 10**13))], Outcome.FAILED,
        "the response does not have the expected shape: attributes.signature_count is "
        "10000000000000, "
        "expected a whole number up to 1,000,000,000,000; the last good copy is kept"),
    "a negative count": Fault(
        [Reply.json(api.uk(700001, "open", -1))], Outcome.FAILED,
        "the response does not have the expected shape: attributes.signature_count is -1, "
        "expected a "
        "whole number up to 1,000,000,000,000; the last good copy is kept"),
    "an infinite number": Fault(
        [Reply(body=json.dumps(DOCUMENT).replace("9999", "1e999").encode())], Outcome.FAILED,
        "the response is refused: the number 1e999 is too large; the last good copy is kept"),
    "NaN": Fault(
        [Reply(body=json.dumps(DOCUMENT).replace("9999", "NaN").encode())], Outcome.FAILED,
        "the response is refused: NaN is not a number JSON allows; the last good copy is kept"),
    "nested 100,000 deep": Fault(
        [Reply(body=b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")], Outcome.FAILED,
        "the response is refused: the JSON is nested more than 32 levels deep; the last good "
        "copy is kept"),
    "nested 33 deep": Fault(
        [Reply(body=b'{"data": ' + b'{"a": ' * 32 + b"1" + b"}" * 33)], Outcome.FAILED,
        "the response is refused: the JSON is nested more than 32 levels deep; the last good "
        "copy is kept"),
    "one byte at a time": Fault(
        [Reply(body=json.dumps(DOCUMENT).encode(), trickle=0.02)], Outcome.FAILED,
        "gave up after 2 attempts: timed out; the last good copy is kept",
        settings={"read_timeout": 5.0, "deadline": 0.5, "attempts": 2}),
}  # fmt: skip


@pytest.mark.parametrize("name", FAULTS)
def test_after_a_fault_the_cache_is_good_and_the_site_builds(
    name: str, digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    fault = FAULTS[name]
    fetch(digest, server, only=("uk-open",))
    last_good = cached(digest, "uk-open")
    last_bytes = cache_bytes(digest)
    server.script("/petitions/700001.json", *fault.replies)
    if name == "redirect loop":  # ... and back again
        server.script("/archived/petitions/700001.json", Reply.redirect("/petitions/700001.json"))
    run = fetch(digest, server, only=("uk-open",), **(fault.settings or {}))

    assert run.results == {"uk-open": fault.outcome}
    envelope = cached(digest, "uk-open")
    if fault.outcome == Outcome.UPDATED:
        assert envelope["response"] == DOCUMENT
        assert run.messages() == []
    else:
        size = len(json.dumps(DOCUMENT).encode())
        port = server.base_url.rsplit(":", 1)[1]
        message = fault.message.format(size=size, port=port)
        assert run.messages() == [
            f"{digest}:36:7: {fault.severity}: source 'uk-open' (UK Parliament petitions "
            f"700001): {message}"
        ]
        if name == "404":
            assert envelope == {**last_good, "status": "missing",
                                "status_since": "2026-02-07T08:00:00Z"}  # fmt: skip
        elif name == "410":
            assert envelope["status"] == "removed" and envelope["response"] is None
        else:
            assert envelope == last_good
            assert cache_bytes(digest) == last_bytes  # byte for byte, history included
    if fault.waits is not None:
        assert run.waits == fault.waits
    assert ">An open UK petition</h1>" in builds(digest, tmp_path)


def test_a_removed_petition_is_never_requested_again(digest: Path, server: PetitionServer) -> None:
    fetch(digest, server, only=("uk-open",))
    server.script("/petitions/700001.json", Reply(status=410))
    fetch(digest, server, only=("uk-open",))
    asked = len(server.requests)
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.GONE}
    assert len(server.requests) == asked


def test_a_403_stops_requests_to_that_host(digest: Path, server: PetitionServer) -> None:
    server.script("/petitions/700001.json", Reply(status=403))
    run = fetch(digest, server, max_in_flight=1)
    uk = {k: v for k, v in run.results.items() if k.startswith("uk-")}
    assert uk == dict.fromkeys(uk, Outcome.FAILED)
    assert run.results["senedd-open"] == Outcome.UPDATED  # another platform goes on
    assert server.hits("/petitions/700002.json") == []


def test_retries_back_off_exponentially_with_jitter(digest: Path, server: PetitionServer) -> None:
    server.script("/petitions/700001.json", Reply(status=502))
    run = fetch(digest, server, only=("uk-open",), backoff=1.0)
    assert len(run.waits) == 3
    for attempt, wait in enumerate(run.waits):
        assert 2**attempt <= wait < 2 ** (attempt + 1)


def test_retry_after_may_be_an_http_date(digest: Path, server: PetitionServer) -> None:
    later = "Sat, 07 Feb 2026 08:00:30 GMT"  # 30 s after the fixed clock
    server.script("/petitions/700001.json", Reply(status=503, headers={"Retry-After": later}), GOOD)
    assert fetch(digest, server, only=("uk-open",)).waits == [30.0]


def test_a_404_with_nothing_cached_records_the_petition_as_missing(
    digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    server.script("/petitions/700001.json", Reply(status=404))
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.GONE}
    assert cached(digest, "uk-open")["response"] is None
    assert "The platform no longer finds this petition" in builds(digest, tmp_path)


def write_page_reading(digest: Path) -> Path:
    """Figures of uk-open read from its page: what a first fetch replaces."""
    path = cache_path(digest.parent, "uk-parliament", 700001)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "format": 1, "platform": "uk-parliament", "number": 700001,
        "url": "https://petition.parliament.uk/petitions/700001.json", "status": "ok",
        "fetched_at": None, "last_modified": None, "response": None,
        "page": {"url": "https://petition.parliament.uk/petitions/700001", "by": None,
                 "seen": "2026-02-01", "as_of": None,
                 "shows": {"action": "Read from the page", "state": "open",
                           "signature_count": 5}},
    }))  # fmt: skip
    return path


def test_a_first_fetch_replaces_figures_read_from_a_page(
    digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    write_page_reading(digest)
    assert "Read from the page" in builds(digest, tmp_path)
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.UPDATED}
    envelope = cached(digest, "uk-open")
    assert "page" not in envelope and envelope["response"] == PETITIONS["uk-open"][3]
    assert server.hits("/petitions/700001.json")[0].headers.get("if-modified-since") is None
    page = builds(digest, tmp_path)
    assert "Read from the page" not in page and "Made-up petition 700001" in page


def test_figures_read_from_a_page_are_kept_when_the_fetch_fails(
    digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    path = write_page_reading(digest)
    before = path.read_bytes()
    server.script("/petitions/700001.json", Reply(status=503))
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.FAILED}
    assert path.read_bytes() == before
    assert "Read from the page" in builds(digest, tmp_path)


def test_an_unusable_cache_file_is_a_warning_and_fetched_afresh(
    digest: Path, server: PetitionServer
) -> None:
    path = cache_path(digest.parent, "uk-parliament", 700001)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.UPDATED}
    assert [m.split(": ", 2)[2] for m in run.messages()] == [
        "source 'uk-open' (UK Parliament petitions 700001): the cached copy is unusable "
        "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); "
        "fetching afresh"
    ]
    assert cached(digest, "uk-open")["status"] == "ok"


def test_a_cache_that_cannot_be_written_is_an_error_not_a_crash(
    digest: Path, server: PetitionServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetch(digest, server, only=("uk-open",))
    before = cache_bytes(digest)
    server.script("/petitions/700001.json", GOOD)

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(petitioncache, "atomic_write", full_disk)
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.FAILED}
    (message,) = run.messages()
    assert message.endswith(
        "error: source 'uk-open' (UK Parliament petitions 700001): cannot write the cache: No "
        f"space left on device ({digest.parent}/data/petitions/uk-parliament/700001.json); the "
        "last good copy is kept"
    )
    assert cache_bytes(digest) == before


def test_leftover_temporary_files_are_removed(digest: Path, server: PetitionServer) -> None:
    folder = digest.parent / "data" / "petitions" / "uk-parliament"
    folder.mkdir(parents=True)
    (folder / ".tmp-700001.json.abc").write_text("half written")
    fetch(digest, server, only=("uk-open",))
    assert sorted(p.name for p in folder.iterdir()) == ["700001.history.csv", "700001.json"]


# -- the client's manners ------------------------------------------------------------------


def test_never_more_than_two_requests_in_flight(tmp_path: Path) -> None:
    numbers = range(710000, 710012)
    manifest = write_petition_digest(
        tmp_path / "many", [(f"p-{n}", "uk-parliament", n) for n in numbers]
    )
    with running(latency=0.05) as server:
        for n in numbers:
            server.script(f"/petitions/{n}.json", Reply.json(api.uk(n)))
        run = fetch(manifest, server)
    assert server.max_in_flight == 2  # two at once, and never more
    assert list(run.results.values()) == [Outcome.UPDATED] * 12


def test_only_loopback_addresses_may_stand_in_for_a_platform() -> None:
    with pytest.raises(ValueError, match="only a loopback address"):
        FetchSettings("x", api_bases={"uk-parliament": "https://example.org"})
    with pytest.raises(ValueError, match="not a platform with an API"):
        FetchSettings("x", api_bases={"change-org": "http://127.0.0.1:1"})


def test_without_a_stand_in_requests_go_to_the_platform_over_https(digest: Path) -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=api.uk(700001), headers={"Last-Modified": LAST_MODIFIED})

    manifest = load_manifest(digest, Report())
    assert manifest is not None
    settings = FetchSettings("ua")
    with new_client(settings, transport=httpx.MockTransport(handler)) as client:
        results = fetch_petitions(
            manifest,
            petitions_to_fetch(manifest, ["uk-open"]),
            Report(),
            client=client,
            settings=settings,
            clock=lambda: FETCHED_AT,
        )
    assert results == [Result("uk-open", Outcome.UPDATED)]
    assert [str(u) for u in seen] == ["https://petition.parliament.uk/petitions/700001.json"]


def test_the_user_agent_names_the_digest_and_its_contact(digest: Path) -> None:
    manifest = load_manifest(digest, Report())
    assert manifest is not None
    assert user_agent(manifest.site) == (
        "ResearchDigest/0.1.0 (+https://fetch.test/contact; editors@fetch.test)"
    )


def test_only_petitions_with_an_api_are_fetched() -> None:
    manifest = load_manifest(DATA / "digest" / "sources.yaml", Report())
    assert manifest is not None
    ids = [s.id for s in petitions_to_fetch(manifest)]
    assert "hand-recorded-petition" not in ids and "undated-other-petition" not in ids
    assert "regulator-statement" not in ids
    assert [s.id for s in petitions_to_fetch(manifest, ["senedd-closed"])] == ["senedd-closed"]


@pytest.mark.parametrize("link", ["data", "data/petitions", "data/petitions/uk-parliament"])
def test_a_cache_folder_that_leads_outside_the_project_is_never_used(
    digest: Path, server: PetitionServer, tmp_path: Path, link: str
) -> None:
    outside = tmp_path / "outside"
    (outside / "uk-parliament").mkdir(parents=True)
    (outside / "uk-parliament" / "700001.json").write_text("{not read}")
    place = digest.parent / link
    place.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(place, ignore_errors=True)
    place.symlink_to(outside / "uk-parliament" if link.endswith("parliament") else outside)
    before = read_tree(outside)
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.FAILED}
    assert [m.split(": ", 2)[2] for m in run.messages()] == [
        f"source 'uk-open' (UK Parliament petitions 700001): cannot use the cache: "
        f"data/petitions/ leads outside the project: {link} is a symbolic link to "
        f"{place.resolve()}; nothing is read from it or written to it"
    ]
    assert read_tree(outside) == before and server.requests == []


def test_lone_surrogates_and_control_characters_never_reach_the_cache_or_a_page(
    digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    document = api.uk(700001, "open", 10, action="An open UK petition\ud800 with\x01 dirt\x1f")
    document["data"]["attributes"]["background"] = "\udfff\x00"
    server.script("/petitions/700001.json", Reply.json(document))
    run = fetch(digest, server, only=("uk-open",))
    assert run.results == {"uk-open": Outcome.UPDATED}
    raw = cache_path(digest.parent, "uk-parliament", 700001).read_bytes()
    text = raw.decode("utf-8")  # strict: a lone surrogate could not be written as UTF-8
    assert "\\ud800" not in text and "\\u0001" not in text and "\\u0000" not in text
    attributes = cached(digest, "uk-open")["response"]["data"]["attributes"]
    assert (attributes["action"], attributes["background"]) == (
        "An open UK petition\ufffd with dirt", "\ufffd",
    )  # fmt: skip
    assert "An open UK petition\ufffd with dirt" in builds(digest, tmp_path)


@pytest.mark.parametrize(
    ("last_modified", "etag", "stored"),
    [
        ("Fri, 06 Feb 2026 09:00:00 GMT", '"abc-123"', ("Fri, 06 Feb 2026 09:00:00 GMT",
                                                       '"abc-123"')),
        ("Fri, 06 Feb 2026 09:00:00 GMT", 'W/"weak"', ("Fri, 06 Feb 2026 09:00:00 GMT",
                                                      'W/"weak"')),
        ("yesterday", "no-quotes", (None, None)),
        ("Fri, 06 Feb 2026 09:00:00 GMT junk", '"a" "b"', (None, None)),
        ("Fri, 31 Feb 2026 09:00:00 GMT", '"' + "x" * 300 + '"', (None, None)),
        ("Mon, 06 Feb 2026 09:00:00 +0000", '"caf\u00e9"', (None, None)),
    ],
)  # fmt: skip
def test_only_valid_validators_are_stored_and_sent_back(
    digest: Path, server: PetitionServer, last_modified: str, etag: str,
    stored: tuple[str | None, str | None],
) -> None:  # fmt: skip
    reply = Reply(body=json.dumps(DOCUMENT).encode(),
                  headers={"Last-Modified": last_modified, "ETag": etag})  # fmt: skip
    server.script("/petitions/700001.json", reply)
    assert fetch(digest, server, only=("uk-open",)).results == {"uk-open": Outcome.UPDATED}
    envelope = cached(digest, "uk-open")
    assert (envelope["last_modified"], envelope.get("etag")) == stored
    fetch(digest, server, only=("uk-open",))
    sent = server.hits("/petitions/700001.json")[-1].headers
    assert (sent.get("If-Modified-Since"), sent.get("If-None-Match")) == stored


@pytest.mark.parametrize("bad", ["Fri, 06 Feb 2026 09:00:00 GMT\r\nX-Evil: 1", "caf\u00e9",
                                 "\u2028", "x" * 10_000])  # fmt: skip
def test_a_bad_validator_stored_before_never_breaks_a_later_fetch(
    digest: Path, server: PetitionServer, bad: str
) -> None:
    """One bad header stored once broke every later fetch of that petition."""
    fetch(digest, server, only=("uk-open",))
    path = cache_path(digest.parent, "uk-parliament", 700001)
    envelope = json.loads(path.read_text())
    path.write_text(json.dumps({**envelope, "last_modified": bad, "etag": bad}))
    for _ in range(2):
        run = fetch(digest, server, only=("uk-open",))
        assert run.results["uk-open"] in (Outcome.UPDATED, Outcome.UNCHANGED)
        sent = server.hits("/petitions/700001.json")[-1].headers
        assert "If-Modified-Since" not in sent and "If-None-Match" not in sent
