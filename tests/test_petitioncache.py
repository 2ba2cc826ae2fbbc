"""The petition cache: good files become data; a bad file is one warning and no data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from research_digest.diagnostics import Report
from research_digest.files import content_hash
from research_digest.manifest.loader import load_manifest
from research_digest.model.manifest import Manifest
from research_digest.model.petitions import MILESTONES, PageReading
from research_digest.petitions import cache as cache_module
from research_digest.petitions.cache import cache_path, load_petition_data, parse_entry


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


PAGE = {
    "url": "https://petition.parliament.uk/petitions/100004",
    "by": None,
    "seen": "2026-02-01",
    "as_of": "2026-01-31",
    "as_of_label": "the last day it was open, as its page gives it",
    "shows": {
        "action": "Made-up petition 100004",
        "background": "A background.",
        "additional_details": "More details.\n\nOn two paragraphs.",
        "state": "closed",
        "signature_count": 398,
    },
    "dates": [{"milestone": "closed", "date": "2026-01-31"}],
}


def write_page(test_digest: Path, page: object, response: object = None) -> Path:
    path = cache_path(test_digest.parent, "uk-parliament", 100004)
    path.write_text(json.dumps({
        "format": 1, "platform": "uk-parliament", "number": 100004,
        "url": "https://petition.parliament.uk/petitions/100004.json", "status": "ok",
        "fetched_at": None, "last_modified": None, "response": response, "page": page,
    }))  # fmt: skip
    return path


def test_figures_read_from_a_page_are_read_as_the_api_is(test_digest: Path) -> None:
    write_page(test_digest, PAGE)
    report = Report()
    record = load_petition_data(load(test_digest), report)["petition-100004"]
    assert [d for d in report.sorted() if "100004" in d.message] == []
    assert record.reading == PageReading(
        "https://petition.parliament.uk/petitions/100004", None, dt.date(2026, 2, 1),
        dt.date(2026, 1, 31), "the last day it was open, as its page gives it",
    )  # fmt: skip
    data = record.data
    assert data is not None
    assert (data.state, data.signature_count) == ("closed", 398)
    assert data.additional_details == "More details.\n\nOn two paragraphs."
    assert [(m.code, m.when) for m in data.milestones] == [("closed", dt.date(2026, 1, 31))]
    assert [(t.count, t.reached_at) for t in data.thresholds] == [(10_000, None), (100_000, None)]
    assert (record.fetched_at, record.saved_copy) == (None, False)


def test_a_page_that_shows_no_count_gives_none(test_digest: Path) -> None:
    shows = {
        "action": "A",
        "state": "rejected",
        "rejection": {"code": "duplicate", "details": None},
    }
    write_page(test_digest, {**PAGE, "by": "a tracker", "as_of": None, "shows": shows})
    record = load_petition_data(load(test_digest), Report())["petition-100004"]
    assert record.data is not None and record.data.signature_count is None
    assert record.reading is not None and not record.reading.own_page


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"url": "http://x.test/"}, "page.url is 'http://x.test/', expected the https address "
                                    "of the page read"),
        ({"by": ""}, "page.by is '', expected who published the page, or null"),
        ({"seen": "yesterday"}, "page.seen is 'yesterday', expected a date (YYYY-MM-DD)"),
        ({"seen": None}, "page.seen is None, expected a date (YYYY-MM-DD)"),
        ({"as_of": "2026-02-30"}, "page.as_of is '2026-02-30', expected a date (YYYY-MM-DD)"),
        ({"shows": {}}, "page.shows is not a JSON object of the figures the page shows"),
        ({"dates": ["2026-01-01"]}, "page.dates is not a list of {milestone, date}"),
        ({"dates": [{"label": "Closed", "date": "2026-01-01"}]},
         "page.dates[].milestone is None, expected one of " + ", ".join(MILESTONES)),
        ({"dates": [{"milestone": "closed", "date": "soon"}]},
         "page.dates[].date is 'soon', expected a date (YYYY-MM-DD)"),
        ({"shows": {"state": "closed"}}, "action is None, expected text"),
        ({"shows": {"action": "A", "state": "pending", "signature_count": 1}},
         "attributes.state is 'pending', expected open, closed, rejected"),
    ],
)  # fmt: skip
def test_an_unusable_page_reading_is_one_warning(
    test_digest: Path, change: dict[str, object], reason: str
) -> None:
    path = write_page(test_digest, {**PAGE, **change})
    report = Report()
    assert "petition-100004" not in load_petition_data(load(test_digest), report)
    assert [d.format() for d in report.sorted() if d.severity.label == "warning"] == [
        f"{path}:1:1: warning: cached petition data for source 'petition-100004' is "
        f"unusable: {reason}\n{HINT}"
    ]


def test_a_cache_file_with_a_response_and_a_page_is_unusable(test_digest: Path) -> None:
    write_page(test_digest, PAGE, response={})
    report = Report()
    assert "petition-100004" not in load_petition_data(load(test_digest), report)
    assert "has both a 'response' and a 'page': keep one" in list(report.sorted())[-1].message


def test_a_page_reading_is_written_back_as_it_was_read(test_digest: Path) -> None:
    path = write_page(test_digest, PAGE)
    entry = parse_entry(path.read_text(), "uk-parliament", 100004)
    again = parse_entry(entry.to_json().decode(), "uk-parliament", 100004)
    assert again == entry and json.loads(entry.to_json())["page"] == PAGE


def hashes_of(root: Path) -> dict[str, str]:
    """Each input file's hash by resolved path, as a build's fingerprint gives them."""
    return {str(p.resolve()): content_hash(p.read_bytes())
            for p in (root / "data").rglob("*") if p.is_file()}  # fmt: skip


def test_records_read_before_in_the_process_are_taken_by_their_files_hashes(
    test_digest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest, root = load(test_digest), test_digest.parent
    first = load_petition_data(manifest, Report(), hashes_of(root))
    read: list[str] = []
    really = cache_module._read_record

    def counted(*args: Any) -> object:
        read.append(args[1].id)
        return really(*args)

    monkeypatch.setattr(cache_module, "_read_record", counted)
    report = Report()
    again = load_petition_data(manifest, report, hashes_of(root))
    assert again == first and read == [] and len(report.diagnostics) == 1  # the note, again
    # a changed file is read again; so is every file without hashes to go by
    entry = cache_path(root, "uk-parliament", 100002)
    entry.write_text(entry.read_text().replace('"signature_count": ', '"signature_count": 1'))
    changed = load_petition_data(manifest, Report(), hashes_of(root))
    assert read == ["petition-100002"]
    assert changed["petition-100002"] != first["petition-100002"]
    load_petition_data(manifest, Report())
    assert len(read) == 1 + len(first)
    # a file with a problem to report is read again each time, and says so each time
    corrupt_entry = cache_path(root, "uk-parliament", 100003)
    corrupt_entry.write_text("{not json")
    for _ in range(2):
        report = Report()
        load_petition_data(manifest, report, hashes_of(root))
        assert any("invalid JSON" in d.message for d in report.diagnostics)
