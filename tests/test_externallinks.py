"""check --external: links to other sites, against a local server; warnings only, cached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from research_digest.checks.externallinks import (
    CACHE_FILE,
    IN_FLIGHT,
    LinkUse,
    check_external,
    outside_links,
)
from research_digest.diagnostics import Location, Report, Severity
from research_digest.petitions.fetch import FetchSettings, new_client
from tests.conftest import load_digest
from tests.petition_server import PetitionServer, Reply, running

NOW = dt.datetime(2026, 2, 8, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[PetitionServer]:
    with running() as serving:
        serving.script("/alive", Reply(body=b"<p>hi</p>", content_type="text/html"))
        serving.script("/gone", Reply(status=404))
        serving.script("/old", Reply(status=301, headers={"Location": "/alive"}))
        serving.script("/temporary", Reply(status=302, headers={"Location": "/alive"}))
        serving.script("/slow", Reply(delay=20.0, body=b"late"))  # far past any timeout
        yield serving


def uses(base: str) -> list[LinkUse]:
    return [
        LinkUse(f"{base}/{name}", Location("sources.yaml", i, 5), f"source {name!r}")
        for i, name in enumerate(("alive", "gone", "old", "temporary", "slow"), start=1)
    ]


def check(server: PetitionServer, root: Path, now: dt.datetime = NOW) -> tuple[Report, int]:
    report = Report()
    # A timeout no local answer comes near on a loaded machine, and that /slow never meets
    settings = FetchSettings("ua", read_timeout=3.0, connect_timeout=3.0, max_in_flight=IN_FLIGHT)
    with new_client(settings) as client:
        asked = check_external(uses(server.base_url), report, client=client, root=root, now=now)
    return report, asked


def test_alive_404_redirect_and_timeout(server: PetitionServer, tmp_path: Path) -> None:
    report, asked = check(server, tmp_path)
    base = server.base_url
    assert asked == 5
    assert all(d.severity == Severity.WARNING for d in report.diagnostics)
    assert [d.format() for d in report.sorted()] == [
        f"sources.yaml:2:5: warning: source 'gone': {base}/gone does not answer well (HTTP 404)"
        "\n  hint: check it, and use an archived copy if the page is gone",
        f"sources.yaml:3:5: warning: source 'old': {base}/old has moved permanently to "
        f"{base}/alive\n  hint: update the link",
        f"sources.yaml:5:5: warning: source 'slow': {base}/slow does not answer well (timed "
        "out)\n  hint: check it, and use an archived copy if the page is gone",
    ]


def test_good_answers_are_remembered_for_a_while(server: PetitionServer, tmp_path: Path) -> None:
    check(server, tmp_path)
    assert (tmp_path / CACHE_FILE).is_file()
    seen = len(server.requests)
    _, asked = check(server, tmp_path, NOW + dt.timedelta(days=1))
    assert asked == 3  # alive and temporary were fine a day ago; the rest are asked again
    assert len(server.requests) - seen == 3 + 1  # plus the redirect's second hop
    _, asked = check(server, tmp_path, NOW + dt.timedelta(days=8))
    assert asked == 5


def test_head_refused_falls_back_to_get(tmp_path: Path) -> None:
    methods: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        methods.append(request.method)
        return httpx.Response(405 if request.method == "HEAD" else 200)

    report = Report()
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        check_external([LinkUse("https://x.test/", Location("a"), "x")], report, client=client,
                       root=tmp_path, now=NOW)  # fmt: skip
    assert methods == ["HEAD", "GET"] and report.diagnostics == []


def test_every_outside_link_of_the_digest_is_found() -> None:
    found = {(u.url, u.what) for u in outside_links(load_digest())}
    assert ("https://regulator.test/news/statement?id=1&lang=en",
            "source 'regulator-statement'") in found  # fmt: skip
    assert ("https://route-one.test/report", "site.reporting_routes[0].url") in found
    assert ("https://creativecommons.org/licenses/by/4.0/", "site.licence.url") in found
    assert ("https://alpha.test/background", "the write-up of 'regulator-statement'") not in found
