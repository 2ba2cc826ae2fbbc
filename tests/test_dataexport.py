"""The data export: sources.json follows its published schema, sources.csv agrees with it."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema

from research_digest.site.dataexport import CSV_COLUMNS, data_schema, export
from tests.conftest import REPO, load_digest


def exported(manifest: Path | None = None) -> tuple[dict[str, Any], list[dict[str, str]]]:
    digest = load_digest(manifest) if manifest else load_digest()
    files = export(digest)
    document = json.loads(files["sources.json"])
    rows = list(csv.DictReader(io.StringIO(files["sources.csv"].decode("utf-8"), newline="")))
    return document, rows


def validate(document: dict[str, Any]) -> None:
    schema = json.loads(data_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def test_the_json_follows_its_schema_for_the_test_and_the_shipped_digest() -> None:
    for manifest in (None, REPO / "sources.yaml"):
        document, _ = exported(manifest)
        validate(document)
        assert document["format"] == 1


def test_every_source_and_topic_is_in_the_json_in_manifest_order() -> None:
    digest = load_digest()
    document, _ = exported()
    assert [s["id"] for s in document["sources"]] == [s.id for s in digest.manifest.sources]
    assert [t["id"] for t in document["topics"]] == ["alpha", "petitions", "quiet"]
    assert document["built"] == "2026-02-08T12:00:00+00:00"
    report = next(s for s in document["sources"] if s["id"] == "annual-report")
    assert report == {
        "id": "annual-report", "kind": "report", "title": "Annual report",
        "authors": [{"family": "Okafor", "given": "Ngozi"},
                    {"literal": "A Charity's Research & Policy Unit"}],
        "url": "https://charity.test/report.pdf", "doi": "10.5555/charity.2025_01",
        "publisher": "A Charity", "published": "2025",
        "added": "2026-01-10", "updated": None, "topics": ["alpha"],
        "summary": "A yearly report, dated to the year only.",
        "page": "https://digest.test/sub/path/sources/annual-report/", "petition": None,
    }  # fmt: skip


def test_petition_figures_say_where_they_come_from() -> None:
    document, _ = exported()
    petitions = {s["id"]: s["petition"] for s in document["sources"] if s["petition"]}
    assert {k: v["data"] for k, v in petitions.items()} == {
        "petition-100001": "saved copy", "petition-100002": "fetched", "petition-100003": "fetched",
        "petition-100004": "not fetched", "hand-recorded-petition": "recorded by hand",
        "undated-other-petition": "recorded by hand", "senedd-closed": "fetched",
        "scottish-petition": "fetched", "petition-100005": "no longer found",
        "petition-100006": "removed",
    }  # fmt: skip
    assert petitions["petition-100002"]["signatures"] == 13960
    assert petitions["petition-100002"]["figure_date"] == "2026-02-06T09:05:00+00:00"
    assert petitions["petition-100002"]["thresholds"][0] == {
        "kind": "response", "count": 10000, "reached_at": "2026-01-20T12:30:00+00:00"
    }  # fmt: skip
    assert petitions["hand-recorded-petition"]["figure_date"] == "2026-02-01"  # when seen
    removed = petitions["petition-100006"]
    assert (removed["state"], removed["signatures"], removed["figure_date"]) == (None, None, None)


def test_the_csv_has_one_row_a_source_agreeing_with_the_json() -> None:
    document, rows = exported()
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["id"] for r in rows] == [s["id"] for s in document["sources"]]
    for row, source in zip(rows, document["sources"], strict=True):
        assert row["title"] == source["title"]
        assert row["topics"].split(";") == source["topics"]
        assert row["published"] == (source["published"] or "")
        petition = source["petition"] or {}
        assert row["petition_signatures"] == str(petition.get("signatures") or "")
        assert row["petition_data"] == petition.get("data", "")
        assert row["doi"] == (source["doi"] or "")
    authors = {row["id"]: row["authors"] for row in rows if row["authors"]}
    assert authors == {
        "crlf-article": "Anna van der Berg",
        "annual-report": "Ngozi Okafor; A Charity's Research & Policy Unit",
    }


def test_new_csv_columns_come_last_so_that_readers_by_position_keep_working() -> None:
    assert CSV_COLUMNS[-2:] == ["authors", "doi"]
    assert CSV_COLUMNS[:3] == ["id", "kind", "title"] and CSV_COLUMNS[-3] == "petition_data"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(test_digest: Path) -> None:
    text = test_digest.read_text()
    formula = '=HYPERLINK("https://evil.test/","click")'
    text = text.replace("title: Annual report", f"title: '{formula}'")
    text = text.replace(
        "summary: A yearly report, dated to the year only.", "summary: '@SUM(1+1)*cmd|x'"
    )
    text = text.replace("{family: Okafor, given: Ngozi}", "'-2+3'")
    test_digest.write_text(text)
    document, rows = exported(test_digest)
    row = next(r for r in rows if r["id"] == "annual-report")
    assert (row["title"], row["summary"]) == ("'" + formula, "'@SUM(1+1)*cmd|x")
    assert row["authors"] == "'-2+3; A Charity's Research & Policy Unit"
    source = next(s for s in document["sources"] if s["id"] == "annual-report")
    assert source["title"] == formula  # the JSON keeps the text as written


def test_the_export_is_byte_identical_from_run_to_run() -> None:
    first, second = load_digest(), load_digest()
    assert export(first) == export(second)
    csv_bytes = export(first)["sources.csv"]
    assert csv_bytes.endswith(b"\r\n") and not csv_bytes.startswith(b"\xef")


def test_figures_read_from_a_page_say_which_page(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "data" / "digest", tmp_path / "digest")
    path = tmp_path / "digest" / "data" / "petitions" / "uk-parliament" / "100004.json"
    path.write_text(json.dumps({
        "format": 1, "platform": "uk-parliament", "number": 100004, "url": "", "status": "ok",
        "fetched_at": None, "last_modified": None, "response": None,
        "page": {"url": "https://tracker.test/100004", "by": "A tracker", "seen": "2026-02-01",
                 "as_of": "2026-01-31", "shows": {"action": "A", "state": "rejected",
                                                  "rejection": {"code": "duplicate"}}},
    }))  # fmt: skip
    document, rows = exported(tmp_path / "digest" / "sources.yaml")
    validate(document)
    petition = next(s["petition"] for s in document["sources"] if s["id"] == "petition-100004")
    assert {k: petition[k] for k in ("data", "state", "signatures", "figure_date", "read_from",
                                     "reported_by")} == {
        "data": "as reported by a page", "state": "rejected", "signatures": None,
        "figure_date": "2026-01-31", "read_from": "https://tracker.test/100004",
        "reported_by": "A tracker",
    }  # fmt: skip
    row = next(r for r in rows if r["id"] == "petition-100004")
    assert (row["petition_data"], row["petition_figure_date"]) == ("as reported by a page",
                                                                   "2026-01-31")  # fmt: skip


def test_a_figure_reported_by_someone_else_says_who_reported_it(tmp_path: Path) -> None:
    from tests.test_render import with_a_reported_figure

    document, rows = exported(with_a_reported_figure(tmp_path / "digest"))
    validate(document)
    petition = next(s["petition"] for s in document["sources"]
                    if s["id"] == "hand-recorded-petition")  # fmt: skip
    assert {k: petition[k] for k in ("data", "signatures", "figure_date", "read_from",
                                     "reported_by")} == {
        "data": "as reported by a page", "signatures": 12345, "figure_date": "2026-02-01",
        "read_from": "https://news.test/petition-handed-in", "reported_by": "A newspaper",
    }  # fmt: skip
    row = next(r for r in rows if r["id"] == "hand-recorded-petition")
    assert (row["petition_data"], row["petition_signatures"]) == ("as reported by a page",
                                                                  "12345")  # fmt: skip
    # a figure the digest saw itself names no reporter
    seen = next(s["petition"] for s in exported()[0]["sources"]
                if s["id"] == "hand-recorded-petition")  # fmt: skip
    assert (seen["data"], seen["read_from"], seen["reported_by"]) == ("recorded by hand", None,
                                                                      None)  # fmt: skip
