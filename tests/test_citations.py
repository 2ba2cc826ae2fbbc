"""Citations: BibTeX, RIS, CSL-JSON, a formatted line, meta tags and JSON-LD for a source."""

from __future__ import annotations

import dataclasses
import json

from digest import citations
from digest.model import PartialDate
from digest.schema import manifest_schema
from tests.conftest import load_digest

DIGEST = load_digest()
SITE = DIGEST.manifest.site
REPORT = DIGEST.manifest.source("annual-report")  # a report dated to the year only
STATEMENT = DIGEST.manifest.source("regulator-statement")  # dated to the day
HOSTILE = dataclasses.replace(
    STATEMENT, title="Cut } off, note = {x} & 100% of_it \\ ~#^$\nER  - \nTY  - JOUR"
)


def test_bibtex_of_a_report() -> None:
    assert citations.bibtex(REPORT, SITE) == (
        "@techreport{annual-report,\n"
        "  title = {Annual report},\n"
        "  institution = {A Charity},\n"
        "  year = {2025},\n"
        "  url = {https://charity.test/report.pdf},\n"
        "  urldate = {2026-01-10},\n"
        "  note = {Summarised in Test Digest: https://digest.test/sub/path/sources/annual-report/}\n"
        "}\n"
    )


def test_bibtex_of_a_statement_gives_month_and_organisation() -> None:
    entry = citations.bibtex(STATEMENT, SITE)
    assert entry.startswith("@misc{regulator-statement,\n")
    assert "  organization = {The Regulator},\n  year = {2026},\n  month = {1},\n" in entry
    assert "url = {https://regulator.test/news/statement?id=1&lang=en}" in entry  # verbatim
    odd = dataclasses.replace(STATEMENT, url="https://x.test/a_b%20c?q={x}\\")
    assert "url = {https://x.test/a_b%20c?q=%7Bx%7D%5C}" in citations.bibtex(odd, SITE)


def test_bibtex_special_characters_cannot_end_a_field() -> None:
    title = citations.bibtex(HOSTILE, SITE).splitlines()[1]
    assert title == (
        "  title = {Cut \\} off, note = \\{x\\} \\& 100\\% of\\_it "
        "\\textbackslash{} \\textasciitilde{}\\#\\textasciicircum{}\\$ ER - TY - JOUR},"
    )


def test_ris_records_end_lines_with_crlf_and_keep_each_value_on_one_line() -> None:
    record = citations.ris(REPORT, SITE)
    assert record.split("\r\n") == [
        "TY  - RPRT", "TI  - Annual report", "PB  - A Charity", "PY  - 2025", "DA  - 2025",
        "UR  - https://charity.test/report.pdf", "Y2  - 2026/01/10",
        "N1  - Summarised in Test Digest: https://digest.test/sub/path/sources/annual-report/",
        "ID  - annual-report", "ER  - ", "",
    ]  # fmt: skip
    hostile = citations.ris(HOSTILE, SITE)
    assert hostile.count("ER  - ") == 1 and hostile.count("TY  - ") == 1  # no second record
    assert "DA  - 2026/01/05\r\n" in citations.ris(STATEMENT, SITE)


def test_csl_json_is_a_list_of_one_item_with_date_parts_as_precise_as_known() -> None:
    [item] = json.loads(citations.csl_json(REPORT, SITE))
    assert item["type"] == "report" and item["issued"] == {"date-parts": [[2025]]}
    assert item["accessed"] == {"date-parts": [[2026, 1, 10]]}
    statement = citations.csl(STATEMENT, SITE)
    assert statement["type"] == "speech"
    assert statement["issued"] == {"date-parts": [[2026, 1, 5]]}
    undated = dataclasses.replace(STATEMENT, published=None, url=None, publisher=None)
    assert set(citations.csl(undated, SITE)) == {"id", "type", "title", "note"}


def test_formatted_citation_says_what_is_not_known() -> None:
    assert citations.formatted(REPORT, SITE) == (
        "A Charity (2025). \u201cAnnual report.\u201d https://charity.test/report.pdf. "
        "Summarised in Test Digest, https://digest.test/sub/path/sources/annual-report/."
    )
    undated = dataclasses.replace(STATEMENT, published=None, url=None, publisher=None)
    assert citations.formatted(undated, SITE).startswith(
        "Publisher unknown (date unknown). \u201cRegulator issues a statement.\u201d "
        "address not known."
    )


def test_meta_tags_use_slashed_dates_and_leave_out_what_is_unknown() -> None:
    assert citations.meta_tags(STATEMENT) == [
        ("citation_title", "Regulator issues a statement"),
        ("citation_publisher", "The Regulator"),
        ("citation_publication_date", "2026/01/05"),
        ("citation_public_url", "https://regulator.test/news/statement?id=1&lang=en"),
    ]
    month = dataclasses.replace(STATEMENT, published=PartialDate(2026, 1), url=None)
    assert ("citation_publication_date", "2026/01") in citations.meta_tags(month)
    assert "citation_public_url" not in dict(citations.meta_tags(month))
    report = dict(citations.meta_tags(REPORT))
    assert report["citation_technical_report_institution"] == "A Charity"


def test_json_ld_cannot_close_its_script_element() -> None:
    text = citations.json_ld({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & <!--"}


def test_source_json_ld_describes_the_page_and_the_original() -> None:
    data = citations.source_ld(REPORT, SITE)
    assert data["@type"] == "Article" and data["url"].endswith("/sources/annual-report/")
    assert data["about"] == {
        "@type": "Report", "name": "Annual report",
        "publisher": {"@type": "Organization", "name": "A Charity"},
        "datePublished": "2025", "url": "https://charity.test/report.pdf",
    }  # fmt: skip
    assert (data["datePublished"], data["dateModified"]) == ("2026-01-10", "2026-01-10")
    assert citations.source_ld(STATEMENT, SITE)["about"]["@type"] == "CreativeWork"


def test_every_kind_of_the_schema_has_a_csl_type() -> None:
    kinds = manifest_schema()["$defs"]["source"]["properties"]["kind"]["enum"]
    assert list(citations.CSL_TYPES) == kinds
    assert set(citations.RIS_TYPES) <= set(kinds) and set(citations.SCHEMA_TYPES) <= set(kinds)
