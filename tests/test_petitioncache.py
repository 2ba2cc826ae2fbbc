"""The petition cache: good files become data; a bad file is one warning and no data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from digest.diagnostics import Report
from digest.manifest import load_manifest
from digest.model import Manifest
from digest.petitioncache import cache_path, load_petition_data


def load(manifest_path: Path) -> Manifest:
    manifest = load_manifest(manifest_path, Report())
    assert manifest is not None
    return manifest


def test_cached_petitions_load_with_their_fetch_time(test_digest: Path) -> None:
    report = Report()
    data = load_petition_data(load(test_digest), report)
    assert sorted(data) == [
        "petition-100001", "petition-100002", "petition-100003", "petition-100005",
        "petition-100006", "scottish-petition", "senedd-closed",
    ]  # fmt: skip
    assert data["petition-100006"].status == "removed" and data["petition-100006"].data is None
    assert len(data["petition-100002"].history) == 5
    assert data["petition-100001"].fetched_at is None  # not recorded
    assert data["petition-100002"].fetched_at == dt.datetime(2026, 2, 6, 9, 5, tzinfo=dt.UTC)
    assert [d.format() for d in report.sorted()] == [
        f"{test_digest}:147:7: note: source 'petition-100004': no cached data yet for "
        "uk-parliament petition 100004 "
        f"({test_digest.parent}/data/petitions/uk-parliament/100004.json); its page says so\n"
        "  hint: fetch it with 'python build.py fetch'"
    ]


def test_petitions_recorded_by_hand_are_not_looked_up(test_digest: Path) -> None:
    data = load_petition_data(load(test_digest), Report())
    assert "hand-recorded-petition" not in data


def corrupt(test_digest: Path, text: str) -> tuple[Path, Report, dict[str, object]]:
    path = cache_path(test_digest.parent, "uk-parliament", 100002)
    path.write_text(text)
    report = Report()
    data = load_petition_data(load(test_digest), report)
    return path, report, dict(data)


HINT = "  hint: the page will show no data; fetch the petition again to replace the file"


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('{"format": 1,\n  "platform": }', "2:15", "invalid JSON: Expecting value"),
        ("[]", "1:1", "the cache file is not a JSON object"),
        ('{"format": 2}', "1:1", "format is 2, expected 1"),
        (
            '{"format": 1, "platform": "uk-parliament", "number": 5, "response": {}}',
            "1:1",
            "the file is for 'uk-parliament' petition 5, not 'uk-parliament' 100002",
        ),
        (
            '{"format": 1, "platform": "uk-parliament", "number": 100002}',
            "1:1",
            "the cache file has no 'response'",
        ),
        (
            '{"format": 1, "platform": "uk-parliament", "number": 100002, "response": {},'
            ' "fetched_at": "today"}',
            "1:1",
            "fetched_at is 'today', expected a UTC timestamp or null",
        ),
        (
            '{"format": 1, "platform": "uk-parliament", "number": 100002, "response": {}}',
            "1:1",
            "data is not a JSON object",
        ),
    ],
)
def test_an_unusable_cache_file_is_one_warning(
    test_digest: Path, text: str, where: str, reason: str
) -> None:
    path, report, data = corrupt(test_digest, text)
    assert "petition-100002" not in data
    warnings = [d.format() for d in report.sorted() if d.severity.label == "warning"]
    assert warnings == [
        f"{path}:{where}: warning: cached petition data for source 'petition-100002' is "
        f"unusable: {reason}\n{HINT}"
    ]


def test_a_cache_file_that_is_not_utf8_is_a_warning(test_digest: Path) -> None:
    path = cache_path(test_digest.parent, "uk-parliament", 100002)
    path.write_bytes(b'{"a": "\xff"}')
    report = Report()
    assert "petition-100002" not in load_petition_data(load(test_digest), report)
    assert [d.format() for d in report.sorted() if d.severity.label == "warning"] == [
        f"{path}:1:8: warning: not valid UTF-8 (byte 0xff)\n  hint: save the file as UTF-8"
    ]


def test_the_cached_response_is_kept_as_the_api_sent_it(test_digest: Path) -> None:
    path = cache_path(test_digest.parent, "uk-parliament", 100001)
    envelope = json.loads(path.read_text())
    assert envelope["response"]["data"]["attributes"]["rejection"]["details"].count("\r\n") == 6
