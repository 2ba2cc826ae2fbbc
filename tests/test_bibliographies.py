"""The bibliographies: the whole digest's and each topic's, one file a format, read whole by
real processors (pybtex, citeproc-py); and each source page shows exactly its own entries."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from pybtex.database import BibliographyDataError, parse_string
from pybtex.plugin import find_plugin

from research_digest.site import citations
from research_digest.site.bibliographies import (
    FORMATS,
    bibliographies,
    bibliography,
    by_id,
    of_source,
    shown_on_page,
)
from tests.conftest import build_digest, load_digest, read_tree

DIGEST = load_digest()
M = DIGEST.manifest
SITE = M.site
BIBTEX, RIS, CSL_JSON = FORMATS
EVERY_ID = sorted(s.id for s in M.sources)
ALPHA = sorted(s.id for s in M.sources_in("alpha"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The test digest, built."""
    out = tmp_path_factory.mktemp("bibliographies") / "site"
    build_digest(M.path, out)
    return read_tree(out)


def shown(page: bytes) -> dict[str, str]:
    """The entries a source page shows, by format id, as a reader copies them."""
    found = re.findall(r'<details id="cite-([a-z-]+)">\s*<summary>([^<]+)</summary>\s*'
                       r"<pre><code>([^<]*)</code></pre>\s*</details>", page.decode())  # fmt: skip
    assert [(f, label) for f, label, _ in found] == [(f.id, f.label) for f in FORMATS]
    return {f: html.unescape(text) for f, _, text in found}


def ris_ids(text: str) -> list[str]:
    records = text.split("ER  - \r\n")
    assert records[-1] == "" and all(r.startswith(("TY  - ", "\r\nTY  - ")) for r in records[:-1])
    return re.findall(r"^ID  - (.+)\r$", text, re.MULTILINE)


# -- the files, read whole -------------------------------------------------------------------


def test_the_digest_and_its_topics_each_have_a_bibliography_in_id_order() -> None:
    found = [(b.name, b.stem, [s.id for s in sources]) for b, sources in bibliographies(M)]
    assert found == [
        ("digest", "data/digest", EVERY_ID),
        ("alpha", "topics/alpha/sources", ALPHA),
        ("petitions", "topics/petitions/sources", sorted(s.id for s in M.sources_in("petitions"))),
        ("quiet", "topics/quiet/sources", ["crlf-article"]),
    ]


def test_pybtex_reads_the_whole_bib_file_one_entry_a_source_keyed_by_its_id() -> None:
    text = bibliography(BIBTEX, by_id(M.sources), SITE)
    data = parse_string(text, "bibtex")  # refuses a repeated key, in any case
    assert list(data.entries) == EVERY_ID
    style = find_plugin("pybtex.style.formatting", "plain")()
    formatted = [e.text.render_as("text") for e in style.format_bibliography(data)]
    assert len(formatted) == len(EVERY_ID)
    assert "Annual report. Report, A Charity, 2025." in "\n".join(formatted)
    assert text.count("}\n\n@") == len(EVERY_ID) - 1  # a blank line between entries


def test_pybtex_would_refuse_a_key_given_twice() -> None:
    """What makes keys unique across the digest is that ids are: this proves the check."""
    report = M.source("annual-report")
    with pytest.raises(BibliographyDataError, match="repeated bibliography entry"):
        parse_string(bibliography(BIBTEX, [report, report], SITE), "bibtex")


def test_citeproc_formats_the_whole_csl_json_file() -> None:
    items = json.loads(bibliography(CSL_JSON, by_id(M.sources), SITE))
    assert [item["id"] for item in items] == EVERY_ID
    style = CitationStylesStyle("harvard-cite-them-right", locale="en-GB", validate=False)
    processor = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        processor.register(Citation([CitationItem(item["id"])]))
    printed = [str(entry) for entry in processor.bibliography()]
    assert len(printed) == len(EVERY_ID)
    assert any(p.startswith("Okafor, N. and A Charity's Research & Policy Unit (2025) Annual "
                            "report.") for p in printed)  # fmt: skip


def test_the_csl_json_file_is_laid_out_as_json_dumps_lays_out_an_array() -> None:
    items = [citations.csl(source, SITE) for source in by_id(M.sources)]
    expected = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    assert bibliography(CSL_JSON, by_id(M.sources), SITE) == expected
    assert bibliography(CSL_JSON, [], SITE) == "[]\n"


def test_the_whole_ris_file_is_one_record_a_source_with_crlf_line_ends() -> None:
    text = bibliography(RIS, by_id(M.sources), SITE)
    assert ris_ids(text) == EVERY_ID
    assert text.count("\n") == text.count("\r\n")
    assert text.count("ER  - \r\n\r\nTY  - ") == len(EVERY_ID) - 1  # a blank line between


def test_an_empty_digest_has_no_bibliography() -> None:
    empty = dataclasses.replace(M, sources=())
    assert bibliographies(empty) == []


# -- the site ---------------------------------------------------------------------------------


def test_the_files_are_the_bibliographies_and_no_source_has_files_of_its_own(
    site: dict[str, bytes],
) -> None:
    for found, sources in bibliographies(M):
        for f in FORMATS:
            assert site[found.path(f)] == bibliography(f, sources, SITE).encode(), found.path(f)
    assert not [p for p in site if p.startswith("sources/") and not p.endswith("/index.html")]
    assert not [p for p in site if "cite." in p]


@pytest.mark.parametrize("source_id", EVERY_ID)
def test_a_source_page_shows_exactly_what_the_bibliographies_hold_for_it(
    site: dict[str, bytes], source_id: str
) -> None:
    source = M.source(source_id)
    texts = shown(site[f"sources/{source_id}/index.html"])
    for f, text in shown_on_page(source, SITE):
        assert texts[f.id] == text == bibliography(f, [source], SITE).replace("\r\n", "\n")
    for found in of_source(source, M):
        bib, ris = (site[found.path(f)].decode() for f in (BIBTEX, RIS))
        assert texts["bibtex"] in bib and texts["ris"].replace("\n", "\r\n") in ris
        items = json.loads(site[found.path(CSL_JSON)])
        assert json.loads(texts["csl-json"])[0] in items


def test_pages_link_the_bibliographies_they_are_about(site: dict[str, bytes]) -> None:
    page = site["sources/annual-report/index.html"].decode()
    links = re.findall(r'<li>([^<:]+): (<a href="[^"]+"[^>]*>[^<]+</a>(?: · )?)+</li>', page)
    assert [title for title, _ in links] == ["The whole digest", "Alpha &amp; &#34;beta&#34; "
                                             "&lt;events&gt;"]  # fmt: skip
    for target in ("data/digest.bib", "data/digest.ris", "data/digest.csl.json",
                   "topics/alpha/sources.bib", "topics/alpha/sources.csl.json"):  # fmt: skip
        assert f'<a href="../../{target}"' in page
    assert '<a href="../../topics/quiet/sources.bib"' not in page  # not in that topic
    topic = site["topics/quiet/index.html"].decode()
    assert ('<a href="sources.bib" download="quiet.bib" type="application/x-bibtex">BibTeX</a>'
            in topic)  # fmt: skip
    data = site["data/index.html"].decode()
    assert '<a href="digest.csl.json" download="digest.csl.json"' in data
    for topic_id in ("alpha", "petitions", "quiet"):
        assert f'<a href="../topics/{topic_id}/sources.ris"' in data


def test_a_topic_with_no_source_has_no_bibliography_and_no_link(test_digest: Path) -> None:
    text = test_digest.read_text()
    test_digest.write_text(text.replace("topics:\n", "topics:\n  - id: empty\n    title: Empty\n"
                                        "    summary: Nothing yet.\n", 1))  # fmt: skip
    out = test_digest.parent / "site"
    build_digest(test_digest, out)
    built = read_tree(out)
    assert "topics/empty/index.html" in built
    assert not [path for path in built if path.startswith("topics/empty/sources.")]
    assert b"sources.bib" not in built["topics/empty/index.html"]
    assert b"topics/empty/" not in built["data/index.html"]


def test_a_source_is_in_the_digests_bibliography_then_its_topics() -> None:
    assert [b.name for b in of_source(M.source("crlf-article"), M)] == ["digest", "alpha", "quiet"]
