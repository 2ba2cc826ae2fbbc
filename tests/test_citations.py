"""Citations: BibTeX, RIS, CSL-JSON, a formatted line, meta tags and JSON-LD for a source,
and what real citation processors print from its entries, as a bibliography file holds them
and its page shows them: citeproc-py formats the CSL-JSON in a standard style (Cite Them
Right Harvard, bundled with it), pybtex the BibTeX in its port of BibTeX's 'plain' style.
(tests/test_bibliographies.py formats whole bibliographies.)"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from hypothesis import given
from hypothesis import strategies as st
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from research_digest.manifest.schema import manifest_schema
from research_digest.model.manifest import Author, Organisation, PartialDate, Person, Source
from research_digest.site import citations
from research_digest.site.bibliographies import FORMATS, bibliography
from tests.conftest import load_digest
from tests.latex import read_back
from tests.strategies import author_lists, texish

DIGEST = load_digest()
SITE = DIGEST.manifest.site
KINDS: list[str] = manifest_schema()["$defs"]["source"]["properties"]["kind"]["enum"]
SUMMARISED = "Summarised in Test Digest: https://digest.test/sub/path/sources/"
OUTLET_FIELDS = {"journal", "institution", "howpublished"}

# The test digest's own sources...
REPORT = DIGEST.manifest.source("annual-report")  # by a person and a unit; a DOI; a year only
STATEMENT = DIGEST.manifest.source("regulator-statement")  # by nobody named; to the day
PETITION = DIGEST.manifest.source("petition-100001")
# ...and variations on them.
NEWS = dataclasses.replace(
    STATEMENT, id="guardian-grok", kind="article", publisher="The Guardian",
    title="Ofcom makes urgent contact with X and xAI over Grok's images",
    authors=(Person("Hern", "Alex"), Person("Milmo", "Dan")), url="https://news.test/grok",
)  # fmt: skip
ORGANISATION_REPORT = dataclasses.replace(
    REPORT, id="iwf-report", title="AI-generated child sexual abuse material: the UK picture",
    publisher="Internet Watch Foundation", authors=(Organisation("Internet Watch Foundation"),),
    doi=None,
)  # fmt: skip
UNKNOWN = dataclasses.replace(
    DIGEST.manifest.source("crlf-article"), publisher=None, published=None, url=None, authors=()
)
HOSTILE = dataclasses.replace(
    STATEMENT, title="Cut } off, note = {x} & 100% of_it \\ ~#^$\nER  - \nTY  - JOUR"
)


BIBTEX, RIS, CSL_JSON = FORMATS


def harvard(source: Source) -> str:
    """The source's CSL-JSON entry as citeproc-py formats it, in Cite Them Right Harvard."""
    [item] = json.loads(bibliography(CSL_JSON, [source], SITE))
    style = CitationStylesStyle("harvard-cite-them-right", locale="en-GB", validate=False)
    processor = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    processor.register(Citation([CitationItem(source.id)]))
    [entry] = processor.bibliography()
    return str(entry)


def plain(source: Source) -> str:
    """The source's BibTeX entry as pybtex parses it and formats it in BibTeX's 'plain' style."""
    data = parse_string(bibliography(BIBTEX, [source], SITE), "bibtex")
    style = find_plugin("pybtex.style.formatting", "plain")()
    [entry] = style.format_bibliography(data)
    text: str = entry.text.render_as("text")
    return text


def ris_fields(source: Source) -> list[tuple[str, str]]:
    """The source's RIS record read as a RIS reader does: one 'XX  - value' line a field."""
    record = bibliography(RIS, [source], SITE)
    assert record.endswith("ER  - \r\n") and record.count("\r\n") == record.count("\n")
    lines = record.split("\r\n")[:-2]
    assert all(len(line) > 6 and line[2:6] == "  - " for line in lines), lines
    return [(line[:2], line[6:]) for line in lines]


# -- what citation processors print --------------------------------------------------------


def test_harvard_prints_a_news_article_with_its_authors_and_newspaper() -> None:
    assert harvard(NEWS) == (
        "Hern, A. and Milmo, D. (2026) \u2018Ofcom makes urgent contact with X and xAI over Grok's "
        "images\u2019, The Guardian, 5 January. Available at: https://news.test/grok (Accessed: "
        "6 January 2026)."
    )


def test_harvard_prints_a_report_by_an_organisation_and_its_publisher() -> None:
    assert harvard(ORGANISATION_REPORT) == (
        "Internet Watch Foundation (2025) AI-generated child sexual abuse material: the UK "
        "picture. Internet Watch Foundation. Available at: https://charity.test/report.pdf "
        "(Accessed: 10 January 2026)."
    )


def test_harvard_prints_a_doi_as_its_address() -> None:
    assert harvard(REPORT) == (
        "Okafor, N. and A Charity's Research & Policy Unit (2025) Annual report. A Charity. "
        "Available at: https://doi.org/10.5555/charity.2025_01."
    )


def test_harvard_prints_a_petition_with_its_site() -> None:
    # citeproc-py prints the title that stands in for a missing author a second time
    # (citeproc-py/citeproc-py#91); CSL processors such as citeproc-js print it once.
    assert harvard(PETITION) == (
        "Rejected test petition (2026) Rejected test petition, UK Parliament petitions. "
        "Available at: https://petition.parliament.uk/petitions/100001 (Accessed: "
        "6 February 2026)."
    )


def test_harvard_prints_what_is_known_of_a_source_with_no_publisher_or_date() -> None:
    assert harvard(UNKNOWN) == "(no date) \u2018An article saved with Windows line endings\u2019."


def test_plain_bibtex_prints_a_news_article_with_its_authors_and_newspaper() -> None:
    assert plain(NEWS) == (
        "Alex Hern and Dan Milmo. Ofcom makes urgent contact with X and xAI over Grok's images. "
        f"The Guardian, January 2026. {SUMMARISED}guardian-grok/. URL: https://news.test/grok "
        "(visited on 2026-01-06)."
    )


def test_plain_bibtex_prints_a_report_by_an_organisation_as_a_report() -> None:
    assert plain(ORGANISATION_REPORT) == (
        "Internet Watch Foundation. AI-generated child sexual abuse material: the UK picture. "
        f"Report, Internet Watch Foundation, 2025. {SUMMARISED}iwf-report/. "
        "URL: https://charity.test/report.pdf (visited on 2026-01-10)."
    )


def test_plain_bibtex_prints_authors_and_the_doi() -> None:
    assert plain(REPORT) == (
        "Ngozi Okafor and A Charity's Research & Policy Unit. Annual report. Report, A Charity, "
        f"2025. {SUMMARISED}annual-report/. URL: https://charity.test/report.pdf (visited on "
        "2026-01-10), doi:10.5555/charity.2025_01."
    )


def test_plain_bibtex_prints_a_petition_with_its_site() -> None:
    assert plain(PETITION) == (
        f"Rejected test petition. UK Parliament petitions, January 2026. {SUMMARISED}"
        "petition-100001/. URL: https://petition.parliament.uk/petitions/100001 (visited on "
        "2026-02-06)."
    )


def test_plain_bibtex_prints_what_is_known_of_a_source_with_no_publisher_or_date() -> None:
    assert plain(UNKNOWN) == (
        f"An article saved with Windows line endings. {SUMMARISED}crlf-article/."
    )


def variants(kind: str) -> list[Source]:
    """A source of this kind with and without authors, publisher and date."""
    base = dataclasses.replace(STATEMENT, kind=kind, id=f"a-{kind}")
    return [
        base,
        dataclasses.replace(base, authors=(Person("Hern", "Alex"), Organisation("Ofcom"))),
        dataclasses.replace(base, publisher=None, published=None, authors=(Person("Milmo"),)),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_printed_with_its_publisher_by_both_processors(kind: str) -> None:
    for source in variants(kind):
        for printed in (harvard(source), plain(source)):
            assert source.title in printed
            assert (source.publisher or "Regulator") in printed or source.publisher is None
            assert all(a.name.split()[-1] in printed for a in source.authors), printed


@pytest.mark.property
@given(title=texish, publisher=texish.filter(str.strip), authors=author_lists,
       kind=st.sampled_from(KINDS))  # fmt: skip
def test_any_source_gives_a_bib_file_pybtex_reads_back_and_formats(
    title: str, publisher: str, authors: list[Author], kind: str
) -> None:
    source = dataclasses.replace(NEWS, kind=kind, title=title, publisher=publisher,
                                 authors=tuple(authors))  # fmt: skip
    [entry] = parse_string(citations.bibtex(source, SITE), "bibtex").entries.values()
    assert read_back(entry.fields["title"]) == " ".join(title.split())
    outlet = next(v for k, v in entry.fields.items() if k in OUTLET_FIELDS)
    assert read_back(outlet) == " ".join(publisher.split())
    assert len(entry.persons["author"]) == len(authors)
    plain(source)  # every field a style needs is there


# -- the entries themselves ---------------------------------------------------------------------


def test_bibtex_of_a_report_with_authors_is_a_techreport() -> None:
    assert citations.bibtex(REPORT, SITE) == (
        "@techreport{annual-report,\n"
        "  author = {Okafor, Ngozi and {A Charity's Research \\& Policy Unit}},\n"
        "  title = {Annual report},\n"
        "  institution = {A Charity},\n"
        "  type = {Report},\n"
        "  year = {2025},\n"
        "  date = {2025},\n"
        "  doi = {10.5555/charity.2025_01},\n"
        "  url = {https://charity.test/report.pdf},\n"
        "  urldate = {2026-01-10},\n"
        f"  note = {{{SUMMARISED}annual-report/}}\n"
        "}\n"
    )


def test_bibtex_of_a_news_article_puts_the_newspaper_in_journal() -> None:
    assert citations.bibtex(NEWS, SITE) == (
        "@article{guardian-grok,\n"
        "  author = {Hern, Alex and Milmo, Dan},\n"
        "  title = {Ofcom makes urgent contact with {X} and {xAI} over {Grok}'s images},\n"
        "  journal = {The Guardian},\n"
        "  year = {2026},\n"
        "  month = jan,\n"
        "  date = {2026-01-05},\n"
        "  url = {https://news.test/grok},\n"
        "  urldate = {2026-01-06},\n"
        f"  note = {{{SUMMARISED}guardian-grok/}}\n"
        "}\n"
    )


def test_bibtex_without_an_author_is_misc_with_the_outlet_in_howpublished() -> None:
    """@article and @techreport require an author: BibTeX warns without one, pybtex refuses."""
    for source in (dataclasses.replace(NEWS, authors=()), STATEMENT, PETITION):
        entry = citations.bibtex(source, SITE)
        assert entry.startswith(f"@misc{{{source.id},\n")
        assert f"  howpublished = {{{source.publisher}}},\n" in entry
    entry = citations.bibtex(dataclasses.replace(REPORT, publisher=None), SITE)
    assert entry.startswith("@misc{annual-report,\n") and "howpublished" not in entry


def test_bibtex_url_is_verbatim_and_special_characters_cannot_end_a_field() -> None:
    assert "url = {https://regulator.test/news/statement?id=1&lang=en}" in citations.bibtex(
        STATEMENT, SITE
    )
    odd = dataclasses.replace(STATEMENT, url="https://x.test/a_b%20c?q={x}\\")
    assert "url = {https://x.test/a_b%20c?q=%7Bx%7D%5C}" in citations.bibtex(odd, SITE)
    title = citations.bibtex(HOSTILE, SITE).splitlines()[1]
    assert title == (
        "  title = {Cut \\textbraceright{} off, note = \\textbraceleft{}x\\textbraceright{} "
        "\\& 100\\% of\\_it \\textbackslash{} \\textasciitilde{}\\#\\textasciicircum{}\\$ {ER} "
        "- {TY} - {JOUR}},"
    )
    [entry] = parse_string(citations.bibtex(HOSTILE, SITE), "bibtex").entries.values()
    assert set(entry.fields) == {"title", "howpublished", "year", "month", "date", "url",
                                 "urldate", "note"}  # fmt: skip


def test_ris_records_end_lines_with_crlf_and_keep_each_value_on_one_line() -> None:
    assert ris_fields(REPORT) == [
        ("TY", "RPRT"), ("TI", "Annual report"), ("AU", "Okafor, Ngozi"),
        ("AU", "A Charity's Research & Policy Unit"), ("PB", "A Charity"), ("PY", "2025"),
        ("DA", "2025"), ("DO", "10.5555/charity.2025_01"),
        ("UR", "https://charity.test/report.pdf"), ("Y2", "2026/01/10"),
        ("N1", f"{SUMMARISED}annual-report/"), ("ID", "annual-report"),
    ]  # fmt: skip
    hostile = citations.ris(HOSTILE, SITE)
    assert hostile.count("ER  - ") == 1 and hostile.count("TY  - ") == 1  # no second record
    assert ("DA", "2026/01/05") in ris_fields(STATEMENT)


def test_ris_puts_an_outlet_in_t2_and_a_publisher_in_pb_as_zotero_reads_them() -> None:
    """Zotero's RIS translator reads T2 as a newspaper's, blog's or website's title, and PB as
    a report's institution or any other publisher."""
    news = ris_fields(NEWS)
    assert news[:5] == [("TY", "NEWS"), ("TI", NEWS.title), ("AU", "Hern, Alex"),
                        ("AU", "Milmo, Dan"), ("T2", "The Guardian")]  # fmt: skip
    assert ("T2", "UK Parliament petitions") in ris_fields(PETITION)
    assert ("PB", "The Regulator") in ris_fields(STATEMENT)
    assert [tag for tag, _ in ris_fields(UNKNOWN)] == ["TY", "TI", "N1", "ID"]


def test_csl_json_is_a_list_of_one_item_with_date_parts_as_precise_as_known() -> None:
    [item] = json.loads(bibliography(CSL_JSON, [REPORT], SITE))
    assert item == {
        "id": "annual-report", "type": "report", "title": "Annual report",
        "author": [{"family": "Okafor", "given": "Ngozi"},
                   {"literal": "A Charity's Research & Policy Unit"}],
        "note": f"{SUMMARISED}annual-report/", "publisher": "A Charity",
        "issued": {"date-parts": [[2025]]}, "DOI": "10.5555/charity.2025_01",
        "URL": "https://charity.test/report.pdf", "accessed": {"date-parts": [[2026, 1, 10]]},
    }  # fmt: skip
    statement = citations.csl(STATEMENT, SITE)
    assert statement["type"] == "speech"
    assert statement["issued"] == {"date-parts": [[2026, 1, 5]]}
    assert set(citations.csl(UNKNOWN, SITE)) == {"id", "type", "title", "note"}


def test_csl_json_puts_an_outlet_in_container_title_and_never_twice() -> None:
    news = citations.csl(NEWS, SITE)
    assert news["container-title"] == "The Guardian" and "publisher" not in news
    assert news["author"] == [{"family": "Hern", "given": "Alex"},
                              {"family": "Milmo", "given": "Dan"}]  # fmt: skip
    assert citations.csl(PETITION, SITE)["container-title"] == "UK Parliament petitions"
    statement = citations.csl(STATEMENT, SITE)
    assert statement["publisher"] == "The Regulator" and "container-title" not in statement
    assert citations.csl_name(Person("Madonna")) == {"family": "Madonna"}


def test_formatted_citation_says_what_is_not_known() -> None:
    assert citations.formatted(STATEMENT, SITE) == (
        "The Regulator (5 January 2026). \u201cRegulator issues a statement.\u201d "
        "https://regulator.test/news/statement?id=1&lang=en. "
        "Summarised in Test Digest, https://digest.test/sub/path/sources/regulator-statement/."
    )
    assert citations.formatted(UNKNOWN, SITE).startswith(
        "Publisher unknown (date unknown). \u201cAn article saved with Windows line endings.\u201d "
        "address not known."
    )


def test_formatted_citation_names_the_authors_then_the_publisher_and_the_doi() -> None:
    assert citations.formatted(REPORT, SITE) == (
        "Ngozi Okafor and A Charity's Research & Policy Unit (2025). \u201cAnnual report.\u201d "
        "A Charity. https://doi.org/10.5555/charity.2025_01. "
        "Summarised in Test Digest, https://digest.test/sub/path/sources/annual-report/."
    )
    assert citations.formatted(ORGANISATION_REPORT, SITE).startswith(
        "Internet Watch Foundation (2025). \u201cAI-generated child sexual abuse material: the "
        "UK picture.\u201d https://charity.test/report.pdf."  # the publisher is not named twice
    )
    three = (Person("Hern", "Alex"), Person("Milmo"), Organisation("Ofcom"))
    assert citations.author_list(three) == "Alex Hern, Milmo and Ofcom"


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


def test_meta_tags_name_authors_the_outlet_and_the_doi() -> None:
    assert citations.meta_tags(REPORT) == [
        ("citation_title", "Annual report"),
        ("citation_author", "Okafor, Ngozi"),
        ("citation_author", "A Charity's Research & Policy Unit"),
        ("citation_publisher", "A Charity"),
        ("citation_technical_report_institution", "A Charity"),  # Zotero: a report
        ("citation_publication_date", "2025"),
        ("citation_doi", "10.5555/charity.2025_01"),
        ("citation_public_url", "https://charity.test/report.pdf"),
    ]
    news = citations.meta_tags(NEWS)
    assert ("citation_journal_title", "The Guardian") in news  # Zotero: the publication
    assert "citation_publisher" not in dict(news)
    petition = dict(citations.meta_tags(PETITION))  # not forced to be a journal article
    assert petition["citation_publisher"] == "UK Parliament petitions"
    assert "citation_journal_title" not in petition


def test_json_ld_cannot_close_its_script_element() -> None:
    text = citations.json_ld({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & <!--"}


def test_source_json_ld_describes_the_page_and_the_original() -> None:
    data = citations.source_ld(REPORT, SITE)
    assert data["@type"] == "Article" and data["url"].endswith("/sources/annual-report/")
    about: dict[str, Any] = data["about"]
    assert about == {
        "@type": "Report", "name": "Annual report",
        "publisher": {"@type": "Organization", "name": "A Charity"},
        "datePublished": "2025",
        "author": [
            {"@type": "Person", "name": "Ngozi Okafor", "familyName": "Okafor",
             "givenName": "Ngozi"},
            {"@type": "Organization", "name": "A Charity's Research & Policy Unit"},
        ],
        "url": "https://charity.test/report.pdf",
        "identifier": {"@type": "PropertyValue", "propertyID": "DOI",
                       "value": "10.5555/charity.2025_01",
                       "url": "https://doi.org/10.5555/charity.2025_01"},
    }  # fmt: skip
    assert (data["datePublished"], data["dateModified"]) == ("2026-01-10", "2026-01-10")
    assert citations.source_ld(STATEMENT, SITE)["about"]["@type"] == "CreativeWork"


def test_every_kind_of_the_schema_has_a_csl_type() -> None:
    assert list(citations.CSL_TYPES) == KINDS
    assert set(citations.RIS_TYPES) <= set(KINDS) and set(citations.SCHEMA_TYPES) <= set(KINDS)
    assert set(KINDS) >= citations.OUTLET_KINDS
